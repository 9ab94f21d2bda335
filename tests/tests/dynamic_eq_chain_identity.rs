//! The Dynamic EQ plugin and the dsp-core chain the CLI renders through give the same output, bit
//! for bit, for the same settings, in both phase modes: the settings are read back from the
//! plugin's saved state as `eq.<key>=<value>` pairs (as `vernis render --set` parses them) and
//! rendered by `dsp_core::chain::MasteringChain`.

use dsp_core::chain::ChainSettings;
use dsp_core::eq::DynamicEqSettings;
use host_tests::chain_identity::{
    assert_identical, changes_from_texts, render_chain, state_key_values,
};
use host_tests::signal;
use host_tests::{cases, AudioConfig, PluginHost};

/// Plugin parameter id → dsp-core setting key (`bypass` is the host's switch, handled apart).
fn setting_key(id: &str) -> Option<String> {
    let global = match id {
        "phase" => Some("phase"),
        "out_gain" => Some("output_gain_db"),
        "bypass" => Some("bypass"),
        _ => None,
    };
    if let Some(key) = global {
        return Some(key.to_string());
    }
    let (band, field) = id.strip_prefix('b')?.split_once('_')?;
    let key = match field {
        "on" => "enabled",
        "shape" => "shape",
        "freq" => "frequency_hz",
        "gain" => "gain_db",
        "q" => "q",
        "slope" => "slope_db_per_oct",
        "place" => "placement",
        "dyn" => "dynamic",
        "thr" => "threshold_db",
        "ratio" => "ratio",
        "range" => "range_db",
        "att" => "attack_ms",
        "rel" => "release_ms",
        "knee" => "knee_db",
        "det" => "detector",
        "trig" => "trigger",
        "sc" => "sidechain",
        "solo" => "solo",
        _ => return None,
    };
    Some(format!("band{band}.{key}"))
}

/// The settings a saved plugin state holds (with the host's Bypass off).
fn settings_from_state(state: &[u8]) -> DynamicEqSettings {
    let mut settings = DynamicEqSettings::default();
    for (key, text) in state_key_values(state, setting_key) {
        if key == "bypass" {
            assert_eq!(text, "off", "the test renders with Bypass off");
            continue;
        }
        settings
            .set_by_key(&key, &text)
            .unwrap_or_else(|e| panic!("{key} = {text}: {e}"));
    }
    settings
}

#[test]
fn plugin_output_equals_the_chain_for_the_same_settings_in_both_phase_modes() {
    let case = cases::find_case("dynamic-eq").expect("dynamic-eq case");
    let mut host = PluginHost::for_case(case).unwrap();
    let changes = changes_from_texts(
        &mut host,
        &[
            ("Band 1 Enabled", "On"),
            ("Band 1 Shape", "Low Cut"),
            ("Band 1 Frequency", "30"),
            ("Band 1 Slope", "24 dB/oct"),
            ("Band 5 Enabled", "On"),
            ("Band 5 Frequency", "3000"),
            ("Band 5 Gain", "2"),
            ("Band 5 Dynamic", "On"),
            ("Band 5 Threshold", "-30"),
            ("Band 5 Placement", "Mid"),
            ("Band 9 Enabled", "On"),
            ("Band 9 Shape", "High Shelf"),
            ("Band 9 Frequency", "9000"),
            ("Band 9 Gain", "-2"),
            ("Band 9 Dynamic", "On"),
            ("Band 9 Detector", "RMS"),
            ("Band 9 Trigger", "Below"),
            ("Band 9 Threshold", "-50"),
            ("Band 9 Range", "4"),
            ("Band 9 Placement", "Side"),
            ("Band 12 Enabled", "On"),
            ("Band 12 Shape", "Notch"),
            ("Band 12 Frequency", "1000"),
            ("Band 12 Q", "8"),
            ("Band 12 Placement", "Left"),
            ("Output Gain", "-1.5"),
        ],
    );
    host.flush_params(&changes).unwrap();
    for phase in ["Zero Latency", "Linear Phase"] {
        let change = changes_from_texts(&mut host, &[("Phase", phase)]);
        host.flush_params(&change).unwrap();
        let settings = settings_from_state(&host.save_state().unwrap());
        assert_eq!(settings.bands.iter().filter(|b| b.used).count(), 4);
        host.activate(AudioConfig::new(48_000.0, 1024)).unwrap();
        let input = signal::noise(2, 48_000, 0.4, 78);
        let sizes = signal::random_block_sizes(input[0].len(), 1024, 6);
        let plugin = host.process_signal(&input, &sizes, &[]).unwrap();
        host.deactivate().unwrap();

        let reference = render_chain(
            ChainSettings {
                eq: Some(settings),
                ..ChainSettings::default()
            },
            48_000.0,
            &input,
        );
        assert!(plugin != input, "{phase}: the EQ changed the signal");
        assert_identical(phase, &plugin, &reference);
    }
}
