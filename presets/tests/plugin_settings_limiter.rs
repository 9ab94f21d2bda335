//! The direct check of the chain states: the Limiter's own parameters, loaded from the state the
//! way nice-plug 0.4.2 loads one (`wrapper::state::deserialize_object`: plain values set as they
//! are, enums by variant id), give back through the plugin's `settings()` exactly the dsp-core
//! settings the state was built from. No bundle or host needed.

#[path = "common/load.rs"]
mod load;

use dsp_core::dynamics::{Dither, LimiterSettings, LimiterStyle, Oversampling};
use vernis_presets::chain::limiter_state;

use load::load;

#[test]
fn limiter_settings_come_back_exactly() {
    for i in 0..4 {
        let settings = LimiterSettings {
            input_gain_db: 2.5 * i as f32,
            ceiling_dbtp: -0.3 - 1.1 * i as f32,
            lookahead_ms: 0.75 + 2.0 * i as f32,
            release_ms: 12.0 + 150.0 * i as f32,
            auto_release: i % 2 == 0,
            stereo_link_percent: 100.0 - 30.0 * i as f32,
            style: LimiterStyle::ALL[i],
            oversampling: Oversampling::ALL[(i + 1) % Oversampling::ALL.len()],
            unity_gain: i % 2 == 1,
            dither: Dither::ALL[i],
            dc_filter: i < 2,
            bypass: i == 3,
        };
        let params = limiter::LimiterParams::default();
        load(&params, &limiter_state(&settings).unwrap());
        assert_eq!(params.settings(), settings);
    }
}
