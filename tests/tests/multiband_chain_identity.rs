//! The Multiband plugin and the dsp-core chain the CLI renders through give the same output, bit
//! for bit, for the same settings: the settings are read back from the plugin's saved state
//! (plain values, choices by their dsp-core keys), turned into `multiband.<key>=<value>` pairs
//! exactly as `vernis render --set` parses them, and rendered by `dsp_core::chain::MasteringChain`.

use dsp_core::chain::ChainSettings;
use dsp_core::dynamics::MultibandSettings;
use host_tests::chain_identity::{
    assert_identical, changes_from_texts, render_chain, state_key_values,
};
use host_tests::signal;
use host_tests::{cases, AudioConfig, PluginHost};

/// Plugin parameter id → dsp-core setting key (`{k}` is the band number).
fn setting_key(id: &str) -> Option<String> {
    let global = match id {
        "bands" => Some("bands"),
        "mode" => Some("mode"),
        "slope" => Some("slope_db_per_oct"),
        "lookahead" => Some("lookahead_ms"),
        "mix" => Some("mix_pct"),
        "out_gain" => Some("output_gain_db"),
        "auto_makeup" => Some("auto_makeup"),
        "bypass" => Some("bypass"),
        _ => None,
    };
    if let Some(key) = global {
        return Some(key.to_string());
    }
    if let Some(k) = id.strip_prefix("xover") {
        return Some(format!("crossover{k}_hz"));
    }
    let (band, field) = id.strip_prefix('b')?.split_once('_')?;
    let key = match field {
        "dir" => "direction",
        "thr" => "threshold_db",
        "ratio" => "ratio",
        "knee" => "knee_db",
        "att" => "attack_ms",
        "rel" => "release_ms",
        "range" => "range_db",
        "makeup" => "makeup_db",
        "det" => "detector",
        "chan" => "channel",
        "sc" => "sidechain",
        "trans" => "transient_db",
        "solo" => "solo",
        "mute" => "mute",
        "bypass" => "bypass",
        _ => return None,
    };
    Some(format!("band{band}.{key}"))
}

/// The settings a saved plugin state holds.
fn settings_from_state(state: &[u8]) -> MultibandSettings {
    let mut settings = MultibandSettings::default();
    for (key, text) in state_key_values(state, setting_key) {
        settings
            .set_by_key(&key, &text)
            .unwrap_or_else(|e| panic!("{key} = {text}: {e}"));
    }
    settings
}

#[test]
fn plugin_output_equals_the_chain_for_the_same_settings() {
    let case = cases::find_case("multiband").expect("multiband case");
    let mut host = PluginHost::for_case(case).unwrap();
    let changes = changes_from_texts(
        &mut host,
        &[
            ("Bands", "5"),
            ("Crossover 2", "700"),
            ("Lookahead", "3"),
            ("Mix", "80"),
            ("Output Gain", "-1.5"),
            ("Band 1 Threshold", "-28"),
            ("Band 1 Ratio", "4"),
            ("Band 1 Attack", "3"),
            ("Band 2 Mode", "Expand Down"),
            ("Band 2 Threshold", "-45"),
            ("Band 2 Ratio", "2"),
            ("Band 3 Mode", "Compress Up"),
            ("Band 3 Ratio", "3"),
            ("Band 3 Channel", "Side"),
            ("Band 4 Ratio", "6"),
            ("Band 4 Threshold", "-35"),
            ("Band 4 Detector", "RMS"),
            ("Band 4 Transient", "5"),
            ("Band 5 Transient", "-4"),
            ("Band 5 Makeup", "2"),
        ],
    );
    host.flush_params(&changes).unwrap();
    for mode in ["Minimum Phase", "Linear Phase", "Dynamic Phase"] {
        let change = changes_from_texts(&mut host, &[("Crossover Mode", mode)]);
        host.flush_params(&change).unwrap();
        let settings = settings_from_state(&host.save_state().unwrap());
        host.activate(AudioConfig::new(48_000.0, 1024)).unwrap();
        let input = signal::noise(2, 48_000, 0.4, 77);
        let sizes = signal::random_block_sizes(input[0].len(), 1024, 5);
        let plugin = host.process_signal(&input, &sizes, &[]).unwrap();
        host.deactivate().unwrap();

        let reference = render_chain(
            ChainSettings {
                multiband: Some(settings),
                ..ChainSettings::default()
            },
            48_000.0,
            &input,
        );
        assert_identical(mode, &plugin, &reference);
    }
}
