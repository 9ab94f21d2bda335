//! The editors' preset export and import (`ui_kit::preset`) between two instances of each plugin.
//!
//! The editor gets the state from nice-plug's `GuiContext::get_state` and hands the imported one
//! to `GuiContext::set_state`; a test host has no editor (no `GuiContext`), so here the state goes
//! in and out through the CLAP state extension instead: the JSON nice-plug saves there is the one
//! `get_state` returns (both come from nice-plug's `serialize_object`), and `set_state` loads
//! through the same `deserialize_object` as a CLAP state load.

#[macro_use]
mod common;

use common::{for_each_case, instance_with_random_params, values_match};
use host_tests::{PluginCase, PluginHost};
use ui_kit::preset::{export_preset, import_preset, read_preset_file, PresetFileError};
use vernis_presets::plugins;

/// The VST3 class id of the plugin of `case`.
fn class_id(case: &PluginCase) -> [u8; 16] {
    plugins::ALL
        .iter()
        .find(|p| p.clap_id == case.clap_id)
        .expect("every case is one of the suite's plugins")
        .vst3_class_id
}

/// A CLAP state without its 8-byte length prefix, as nice-plug's state object.
fn state_object(
    clap_state: &[u8],
) -> Result<nice_plug::prelude::PluginState, Box<dyn std::error::Error>> {
    Ok(serde_json::from_slice(&clap_state[8..])?)
}

/// A state object as a CLAP state: little-endian u64 length, then the JSON.
fn clap_state(state: &nice_plug::prelude::PluginState) -> Vec<u8> {
    let json = serde_json::to_vec(state).unwrap();
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(&json);
    bytes
}

/// A preset exported from one instance (to a file) and imported into a fresh one gives the second
/// instance the first one's parameter values exactly, and the same saved state.
#[test]
fn an_exported_preset_loads_into_another_instance() {
    let dir = std::env::temp_dir().join(format!("vernis-editor-presets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for_each_case(|case| {
        let id = class_id(case);
        let mut source = instance_with_random_params(case, 41)?;
        let params = source.params()?;
        let saved = source.save_state()?;
        let path = dir.join(format!("{}.vstpreset", case.package));
        std::fs::write(&path, export_preset(id, &state_object(&saved)?)?)?;

        let mut target = PluginHost::for_case(case)?;
        let defaults = target.param_values()?;
        ensure!(
            defaults != source.param_values()?,
            "random parameter values did not change anything"
        );
        let current = state_object(&target.save_state()?)?;
        let loaded = import_preset(&read_preset_file(&path)?, id, &current)?;
        target.load_state(&clap_state(&loaded))?;
        values_match(&params, &source.param_values()?, &target.param_values()?)
            .map_err(|e| format!("values after the import differ: {e}"))?;
        ensure!(
            target.save_state()? == saved,
            "the state saved after the import differs from the exported one"
        );

        // Every other plugin's preset is refused.
        for other in plugins::ALL.iter().filter(|p| p.vst3_class_id != id) {
            let bytes = export_preset(other.vst3_class_id, &state_object(&saved)?)?;
            match import_preset(&bytes, id, &current) {
                Err(PresetFileError::WrongPlugin { .. }) => {}
                other => return Err(format!("another plugin's preset gave {other:?}").into()),
            }
        }
        Ok(())
    });
    std::fs::remove_dir_all(&dir).unwrap();
}
