//! [`vernis_presets::from_state`] against the built plugins (through clack-host, like
//! `clap_host.rs`; needs the `.clap` bundles from `cargo xtask bundle-all`): a state with few,
//! unknown, wrong-kind or out-of-range values, loaded into a fresh instance of the real plugin
//! and saved back (then complete, in the plugin's own words), reads as the same settings as the
//! state that was loaded.
//!
//! Values no version of the plugin could have saved (an enum index outside the choices, an
//! overflowing float literal that reads as infinity) are set to their defaults by each plugin's
//! `filter_state` with a log message; without that, nice-plug 0.4.2 stores such an index and
//! panics on the next save (`EnumParamInner::unmodulated_plain_id`), which aborts the host.

use host_tests::{cases, PluginHost};
use vernis_presets::from_state::{eq_settings, limiter_settings, multiband_settings};
use vernis_presets::{ParamValue, PluginState, PluginStateBuilder};

/// `state` loaded into a fresh instance of `package` and saved back.
fn loaded_and_saved(package: &str, state: &PluginState) -> PluginState {
    let case = cases::find_case(package).expect("known package");
    let mut host = PluginHost::for_case(case).unwrap();
    host.load_state(&state.to_clap_state().unwrap()).unwrap();
    let saved = PluginState::from_clap_state(&host.save_state().unwrap()).unwrap();
    assert_eq!(
        saved.params.len(),
        host.params().unwrap().len(),
        "{package}: the saved state has every parameter"
    );
    saved
}

/// The CLAP state bytes (length prefix, then the JSON) of `json`.
fn clap_bytes(json: &str) -> Vec<u8> {
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes
}

/// `json` loaded into a fresh instance of `package` and saved back: the save must not abort.
fn raw_loaded_and_saved(package: &str, json: &str) -> PluginState {
    let case = cases::find_case(package).expect("known package");
    let mut host = PluginHost::for_case(case).unwrap();
    host.load_state(&clap_bytes(json)).unwrap();
    PluginState::from_clap_state(&host.save_state().unwrap()).unwrap()
}

/// A state of `pairs`, plus an id no plugin has.
fn state(pairs: &[(&str, ParamValue)]) -> PluginState {
    PluginStateBuilder::new(vernis_presets::plugins::VERSION)
        .params(pairs.iter().cloned())
        .param("no_such_param", 3.0)
        .build()
        .unwrap()
}

#[test]
fn the_limiter_loads_states_as_they_read() {
    use ParamValue::*;
    for given in [
        state(&[]),
        state(&[("ceiling", F32(-4.0)), ("style", String("safe".into()))]),
        state(&[
            ("ceiling", F32(3.5)),               // out of range: kept as it is
            ("release", Bool(true)),             // wrong kind: default
            ("oversampling", I32(1)),            // by index
            ("dither", String("48-bit".into())), // unknown variant id: default
            ("style", I32(2)),                   // by index
            ("bypass", Bool(true)),
        ]),
    ] {
        let saved = loaded_and_saved("limiter", &given);
        let (a, b) = (limiter_settings(&given), limiter_settings(&saved));
        println!("{a:?}");
        assert_eq!(a, b, "{given:?}");
    }
}

#[test]
fn the_multiband_loads_states_as_they_read() {
    use ParamValue::*;
    for given in [
        state(&[]),
        state(&[("bands", I32(3)), ("b2_thr", F32(-31.5))]),
        state(&[
            ("bands", I32(11)),
            ("xover2", F32(5.0)),
            ("mode", I32(2)),
            ("slope", String("96".into())),
            ("b1_dir", I32(3)),
            ("b4_ratio", String("2".into())),
            ("out_gain", F32(-40.0)),
        ]),
        state(&[("bands", I32(0)), ("bypass", Bool(true))]),
    ] {
        let saved = loaded_and_saved("multiband", &given);
        let (a, b) = (multiband_settings(&given), multiband_settings(&saved));
        assert_eq!(a, b, "{given:?}");
    }
}

#[test]
fn the_dynamic_eq_loads_states_as_they_read() {
    use ParamValue::*;
    for given in [
        state(&[]),
        state(&[
            ("b3_on", Bool(true)),
            ("b3_gain", F32(2.5)),
            ("phase", String("linear-phase".into())),
        ]),
        state(&[
            ("b1_on", Bool(true)),
            ("b1_shape", I32(3)),
            ("b1_place", I32(3)),
            ("b1_slope", I32(40)),
            ("b2_on", Bool(true)),
            ("b2_freq", F32(50_000.0)),
            ("b2_q", Bool(false)),
            ("b2_det", String("loudness".into())),
            ("out_gain", F32(6.0)),
        ]),
        state(&[
            ("b5_on", Bool(true)),
            ("out_gain", F32(6.0)),
            ("bypass", Bool(true)),
        ]),
    ] {
        let saved = loaded_and_saved("dynamic-eq", &given);
        let (a, b) = (eq_settings(&given), eq_settings(&saved));
        assert_eq!(a, b, "{given:?}");
    }
}

/// Out-of-range enum indices and non-finite floats in each plugin: loaded as the defaults,
/// saved back without a crash, and read back as the state that was loaded reads.
#[test]
fn unreadable_values_load_as_defaults_and_save_back() {
    let v = vernis_presets::plugins::VERSION;
    let cases = [
        (
            "limiter",
            r#""style":{"i32":9},"oversampling":{"i32":-1},"dither":{"i32":4},"release":{"f32":1e39},"ceiling":{"f32":-2.5}"#,
        ),
        (
            "multiband",
            r#""mode":{"i32":7},"slope":{"i32":2},"b1_dir":{"i32":99},"b3_det":{"i32":-4},"mix":{"f32":-1e39},"bands":{"i32":3}"#,
        ),
        (
            "dynamic-eq",
            r#""b1_on":{"bool":true},"b1_shape":{"i32":12},"b1_place":{"i32":-2},"b1_gain":{"f32":1e39},"b1_freq":{"f32":440.0}"#,
        ),
    ];
    for (package, params) in cases {
        let json = format!(r#"{{"version":"{v}","params":{{{params}}},"fields":{{}}}}"#);
        let given = PluginState::from_json(json.as_bytes()).unwrap();
        let saved = raw_loaded_and_saved(package, &json);
        match package {
            "limiter" => {
                let (a, b) = (limiter_settings(&given), limiter_settings(&saved));
                assert_eq!(a, b);
                let a = a.unwrap();
                let d = dsp_core::dynamics::LimiterSettings::default();
                assert_eq!(
                    (a.style, a.oversampling, a.dither, a.release_ms),
                    (d.style, d.oversampling, d.dither, d.release_ms)
                );
                assert_eq!(a.ceiling_dbtp, -2.5, "readable values are kept");
            }
            "multiband" => {
                let (a, b) = (multiband_settings(&given), multiband_settings(&saved));
                assert_eq!(a, b);
                let a = a.unwrap();
                let d = dsp_core::dynamics::MultibandSettings::default();
                assert_eq!(
                    (a.mode, a.slope, a.mix_percent),
                    (d.mode, d.slope, d.mix_percent)
                );
                assert_eq!(a.band[0].direction, d.band[0].direction);
                assert_eq!(a.band[2].detector, d.band[2].detector);
                assert_eq!(a.bands, 3, "readable values are kept");
            }
            _ => {
                let (a, b) = (eq_settings(&given), eq_settings(&saved));
                assert_eq!(a, b);
                let a = a.unwrap();
                let d = vernis_presets::from_state::eq_plugin_defaults();
                assert_eq!(a.bands[0].filter.shape, d.bands[0].filter.shape);
                assert_eq!(a.bands[0].placement, d.bands[0].placement);
                assert_eq!(a.bands[0].filter.gain_db, d.bands[0].filter.gain_db);
                assert_eq!(a.bands[0].filter.frequency_hz, 440.0);
            }
        }
    }
}
