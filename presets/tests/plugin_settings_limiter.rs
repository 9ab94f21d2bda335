//! The direct check of the chain states: the Limiter's own parameters, loaded from the state the
//! way nice-plug 0.4.2 loads one (`wrapper::state::deserialize_object`: plain values set as they
//! are, enums by variant id), give back through the plugin's `settings()` exactly the dsp-core
//! settings the state was built from. No bundle or host needed.

#[path = "common/load.rs"]
mod load;

use dsp_core::dynamics::{Dither, LimiterSettings, LimiterStyle, Oversampling};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use vernis_presets::chain::limiter_state;
use vernis_presets::from_state::limiter_settings;
use vernis_presets::{ParamValue, PluginStateBuilder};

use load::{load, load_like_nice_plug, random_state};

/// `state` as the limiter's `filter_state` leaves it.
fn filtered(state: &vernis_presets::PluginState) -> vernis_presets::PluginState {
    load::filtered(state, |s| {
        limiter::params::repair_state(s);
    })
}

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
        let state = limiter_state(&settings).unwrap();
        load(&params, &state);
        assert_eq!(params.settings(), settings);
        assert_eq!(
            limiter_settings(&state).unwrap(),
            settings,
            "reverse mapping"
        );
    }
}

/// Any state (missing, unknown, wrong-kind and out-of-range values, enums by id or index) gives
/// through `from_state::limiter_settings` what a fresh plugin's `settings()` gives once nice-plug
/// has loaded it.
#[test]
fn any_state_reads_as_a_fresh_limiter_loads_it() {
    let mut rng = SmallRng::seed_from_u64(0x11);
    for _ in 0..500 {
        let state = random_state(&limiter::LimiterParams::default(), &mut rng);
        let params = limiter::LimiterParams::default();
        load_like_nice_plug(&params, &filtered(&state));
        assert_eq!(
            limiter_settings(&state).unwrap(),
            params.settings(),
            "{state:?}"
        );
    }
    // A few parameters: the rest at their defaults; an out-of-range enum index is the default,
    // as the plugin's `filter_state` makes it (nice-plug alone would store it and then panic on
    // the next save).
    let state = PluginStateBuilder::new("0.1.0")
        .param("ceiling", -4.0)
        .param("oversampling", 17)
        .param("style", "punchy")
        .build()
        .unwrap();
    let expected = LimiterSettings {
        ceiling_dbtp: -4.0,
        style: LimiterStyle::Punchy,
        ..LimiterSettings::default()
    };
    assert_eq!(limiter_settings(&state).unwrap(), expected);
    let params = limiter::LimiterParams::default();
    load_like_nice_plug(&params, &filtered(&state));
    assert_eq!(params.settings(), expected);
}

#[test]
fn a_non_finite_value_reads_as_its_default() {
    let settings = LimiterSettings {
        release_ms: 250.0,
        ceiling_dbtp: -2.0,
        ..LimiterSettings::default()
    };
    let mut state = limiter_state(&settings).unwrap();
    state
        .params
        .insert("release".into(), ParamValue::F32(f32::INFINITY));
    let expected = LimiterSettings {
        release_ms: LimiterSettings::default().release_ms,
        ..settings
    };
    assert_eq!(limiter_settings(&state).unwrap(), expected);
    let params = limiter::LimiterParams::default();
    load_like_nice_plug(&params, &filtered(&state));
    assert_eq!(params.settings(), expected);
}
