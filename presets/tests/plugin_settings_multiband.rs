//! The direct check of the chain states: the Multiband's own parameters, loaded from the state the
//! way nice-plug 0.4.2 loads one (`wrapper::state::deserialize_object`: plain values set as they
//! are, enums by variant id), give back through the plugin's `settings()` exactly the dsp-core
//! settings the state was built from. No bundle or host needed.

#[path = "common/load.rs"]
mod load;

use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain, MultibandSettings,
};
use dsp_core::filter::{CrossoverMode, CrossoverSlope};
use vernis_presets::chain::multiband_state;

use load::load;

#[test]
fn multiband_settings_come_back_exactly() {
    for (n, mode) in CrossoverMode::ALL.into_iter().enumerate() {
        let band = |i: usize| BandSettings {
            direction: BandDirection::ALL[(i + n) % 4],
            threshold_db: -12.0 - 6.0 * i as f32,
            ratio: 1.25 + 3.0 * i as f32,
            knee_db: 3.0 * i as f32,
            attack_ms: 0.05 + 4.0 * i as f32,
            release_ms: 20.0 + 90.0 * i as f32,
            range_db: 3.0 + 7.0 * i as f32,
            makeup_db: 2.0 - 1.5 * i as f32,
            detector: BandDetector::ALL[(i + 1) % 2],
            channel: BandChannel::ALL[(i + n) % 5],
            sidechain: BandSidechain::ALL[i / 3],
            transient_db: 4.0 - 1.75 * i as f32,
            solo: i == 2,
            mute: i == 4,
            bypass: i == 5,
        };
        let settings = MultibandSettings {
            bands: 2 + 2 * n,
            crossovers_hz: [75.0, 250.0, 900.0, 3_300.0, 9_500.0],
            mode,
            slope: CrossoverSlope::ALL[n % 2],
            lookahead_ms: 1.5 * n as f32,
            mix_percent: 100.0 - 15.0 * n as f32,
            output_gain_db: -2.5 + 2.0 * n as f32,
            auto_makeup: n == 1,
            band: std::array::from_fn(band),
            bypass: n == 2,
        };
        let params = multiband::MultibandParams::default();
        load(&params, &multiband_state(&settings).unwrap());
        assert_eq!(params.settings(), settings);
    }
}
