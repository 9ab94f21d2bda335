//! The Dynamic EQ plugin and the dsp-core chain the CLI renders through give the same output, bit
//! for bit, for the same settings, in both phase modes: the settings are read back from the
//! plugin's saved state as `eq.<key>=<value>` pairs (as `vernis render --set` parses them) and
//! rendered by `dsp_core::chain::MasteringChain`.

use dsp_core::chain::{ChainSettings, MasteringChain};
use dsp_core::eq::DynamicEqSettings;
use dsp_core::{ProcessSpec, Processor};
use host_tests::signal;
use host_tests::state_keys::state_key_values;
use host_tests::{cases, AudioConfig, ParamChange, PluginHost};

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
    let params = host.params().unwrap();
    let id = |name: &str| params.iter().find(|p| p.name == name).unwrap().id;
    let mut changes = Vec::new();
    for (name, text) in [
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
    ] {
        let pid = id(name);
        let value = host
            .text_to_value(pid, text)
            .unwrap_or_else(|| panic!("{name}: `{text}` not accepted"));
        changes.push(ParamChange {
            offset: 0,
            param_id: pid,
            value,
        });
    }
    host.flush_params(&changes).unwrap();
    for phase in ["Zero Latency", "Linear Phase"] {
        let pid = id("Phase");
        let value = host.text_to_value(pid, phase).unwrap();
        host.flush_params(&[ParamChange {
            offset: 0,
            param_id: pid,
            value,
        }])
        .unwrap();
        let settings = settings_from_state(&host.save_state().unwrap());
        assert_eq!(settings.bands.iter().filter(|b| b.used).count(), 4);
        host.activate(AudioConfig::new(48_000.0, 1024)).unwrap();
        let input = signal::noise(2, 48_000, 0.4, 78);
        let sizes = signal::random_block_sizes(input[0].len(), 1024, 6);
        let plugin = host.process_signal(&input, &sizes, &[]).unwrap();
        host.deactivate().unwrap();

        let mut chain = MasteringChain::new(ChainSettings {
            eq: Some(settings),
            ..ChainSettings::default()
        });
        chain.prepare(&ProcessSpec::new(48_000.0, 8192, 2));
        let mut reference = input.clone();
        for start in (0..reference[0].len()).step_by(8192) {
            let end = (start + 8192).min(reference[0].len());
            let (l, r) = reference.split_at_mut(1);
            chain.process(&mut [&mut l[0][start..end], &mut r[0][start..end]]);
        }
        for ch in &mut reference {
            dsp_core::subnormal::flush_subnormals(ch);
        }
        assert!(plugin != input, "{phase}: the EQ changed the signal");
        let first_difference = plugin[0]
            .iter()
            .zip(&reference[0])
            .position(|(a, b)| a.to_bits() != b.to_bits());
        assert!(
            plugin == reference,
            "{phase}: plugin and chain differ (first at frame {first_difference:?})"
        );
    }
}
