//! The direct check of the chain states: the Dynamic EQ's own parameters, loaded from the state the
//! way nice-plug 0.4.2 loads one (`wrapper::state::deserialize_object`: plain values set as they
//! are, enums by variant id), give back through the plugin's `settings()` exactly the dsp-core
//! settings the state was built from. No bundle or host needed.

#[path = "common/load.rs"]
mod load;

use dsp_core::dynamics::{BandChannel, BandDetector, BandSidechain};
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase, EqTrigger};
use dsp_core::filter::eq_shape::{CutSlope, EqShape};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use vernis_presets::chain::eq_state;
use vernis_presets::from_state::{self, eq_default_frequency_hz, eq_plugin_defaults};
use vernis_presets::{ParamValue, PluginState, PluginStateBuilder};

use load::{load, load_like_nice_plug, random_state};

/// What a fresh Dynamic EQ's `settings()` gives after loading `state`: its `filter_state`
/// (`repair_state`) first, then nice-plug's loader.
fn plugin_loads(state: &PluginState) -> DynamicEqSettings {
    let repaired = load::filtered(state, |s| {
        dynamic_eq::params::repair_state(s);
    });
    let params = dynamic_eq::DynamicEqParams::default();
    load_like_nice_plug(&params, &repaired);
    params.settings()
}

fn eq_settings(phase: EqPhase) -> DynamicEqSettings {
    let mut s = DynamicEqSettings {
        phase,
        output_gain_db: -3.25,
        ..DynamicEqSettings::default()
    };
    for (i, band) in s.bands.iter_mut().enumerate().take(9) {
        *band = EqBandSettings {
            used: i != 7,
            placement: BandChannel::ALL[i % BandChannel::ALL.len()],
            solo: i == 8,
            ..EqBandSettings::default()
        };
        band.filter.shape = EqShape::ALL[i];
        band.filter.frequency_hz = f64::from(40.0f32 * 2.1f32.powi(i as i32));
        band.filter.gain_db = f64::from(i as f32 * 0.75 - 3.0);
        band.filter.q = f64::from(0.3f32 + 0.45 * i as f32);
        band.filter.slope = CutSlope::ALL[i % CutSlope::ALL.len()];
        band.dynamics = EqDynamicsSettings {
            enabled: i % 2 == 1,
            threshold_db: -10.0 - 5.0 * i as f32,
            ratio: 1.0 + 2.5 * i as f32,
            range_db: if i % 3 == 0 { 4.0 } else { -8.5 },
            attack_ms: 0.5 + i as f32,
            release_ms: 30.0 + 70.0 * i as f32,
            knee_db: 1.5 * i as f32,
            trigger: EqTrigger::ALL[i % 2],
            detector: BandDetector::ALL[(i / 2) % 2],
            sidechain: BandSidechain::ALL[(i / 3) % 2],
            ..EqDynamicsSettings::default()
        };
    }
    s
}

#[test]
fn dynamic_eq_settings_come_back_exactly() {
    for phase in EqPhase::ALL {
        let settings = eq_settings(phase);
        let params = dynamic_eq::DynamicEqParams::default();
        let state = eq_state(&settings).unwrap();
        load(&params, &state);
        assert_eq!(params.settings(), settings);
        assert_eq!(
            from_state::eq_settings(&state).unwrap(),
            settings,
            "reverse mapping"
        );
    }
    // Bypassed: every band's flag, and the output gain at 0 dB as the plugin forces it.
    let mut settings = eq_settings(EqPhase::ZeroLatency);
    settings.output_gain_db = 0.0;
    for band in &mut settings.bands {
        band.bypass = true;
    }
    let params = dynamic_eq::DynamicEqParams::default();
    let state = eq_state(&settings).unwrap();
    load(&params, &state);
    assert_eq!(params.settings(), settings);
    assert_eq!(
        from_state::eq_settings(&state).unwrap(),
        settings,
        "reverse mapping"
    );
    // A bypassed state with an Output Gain: the plugin (and the reverse mapping) force 0 dB.
    let mut state = state;
    state.params.insert("out_gain".into(), ParamValue::F32(4.5));
    assert_eq!(from_state::eq_settings(&state).unwrap(), settings);
    assert_eq!(plugin_loads(&state), settings);
}

#[test]
fn fresh_defaults_are_the_plugins() {
    for k in 1..=24 {
        assert_eq!(
            eq_default_frequency_hz(k),
            dynamic_eq::params::default_frequency_hz(k),
            "band {k}"
        );
    }
    let fresh = dynamic_eq::DynamicEqParams::default().settings();
    assert_eq!(eq_plugin_defaults(), fresh);
    let empty = PluginStateBuilder::new("0.1.0").build().unwrap();
    assert_eq!(from_state::eq_settings(&empty).unwrap(), fresh);
}

/// Any state (missing, unknown, wrong-kind, non-finite and out-of-range values, enums by id or
/// index) gives through `from_state::eq_settings` what a fresh plugin's `settings()` gives once
/// it has repaired and nice-plug has loaded it.
#[test]
fn any_state_reads_as_a_fresh_dynamic_eq_loads_it() {
    let mut rng = SmallRng::seed_from_u64(0x33);
    for n in 0..120 {
        let mut state = random_state(&dynamic_eq::DynamicEqParams::default(), &mut rng);
        if n % 4 == 0 {
            state.params.insert(
                format!("b{}_gain", n % 24 + 1),
                ParamValue::F32(f32::INFINITY),
            );
        }
        assert_eq!(
            from_state::eq_settings(&state).unwrap(),
            plugin_loads(&state),
            "{state:?}"
        );
    }
    // A few parameters: the rest at the plugin's defaults (band 3's frequency among them).
    let state = PluginStateBuilder::new("0.1.0")
        .param("b3_on", true)
        .param("b3_gain", 2.5)
        .param("b3_place", 3)
        .param("phase", "linear-phase")
        .build()
        .unwrap();
    let mut expected = eq_plugin_defaults();
    expected.phase = EqPhase::LinearPhase;
    expected.bands[2].used = true;
    expected.bands[2].filter.gain_db = 2.5;
    expected.bands[2].placement = BandChannel::Mid;
    assert_eq!(from_state::eq_settings(&state).unwrap(), expected);
    assert_eq!(plugin_loads(&state), expected);
}
