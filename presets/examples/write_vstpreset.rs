//! Writes a `.vstpreset` for one of the suite's plugins with the state builder, without loading
//! the plugin (used by `tests/vst3/pedalboard_preset.py`).
//!
//! Usage: `write_vstpreset PLUGIN OUT.vstpreset ID=KIND:VALUE...` where PLUGIN is a bundle name
//! ("Vernis Limiter") or the last part of its CLAP id (`limiter`, `dynamic-eq`), and KIND is `f32`, `i32`, `bool` or
//! `string` (an enum's variant id), e.g. `ceiling=f32:-6 style=string:punchy`.

use std::path::Path;
use std::process::ExitCode;

use vernis_presets::{plugins, ParamValue, PluginStateBuilder, VstPreset};

/// One `ID=KIND:VALUE` argument.
fn parse_assignment(arg: &str) -> Result<(String, ParamValue), String> {
    let (id, typed) = arg
        .split_once('=')
        .ok_or(format!("{arg:?}: expected ID=KIND:VALUE"))?;
    let (kind, text) = typed
        .split_once(':')
        .ok_or(format!("{arg:?}: expected KIND:VALUE"))?;
    let bad = |e: &dyn std::fmt::Display| format!("{arg:?}: {e}");
    let value = match kind {
        "f32" => ParamValue::F32(text.parse().map_err(|e| bad(&e))?),
        "i32" => ParamValue::I32(text.parse().map_err(|e| bad(&e))?),
        "bool" => ParamValue::Bool(text.parse().map_err(|e| bad(&e))?),
        "string" => ParamValue::String(text.to_owned()),
        _ => return Err(format!("{arg:?}: KIND must be f32, i32, bool or string")),
    };
    Ok((id.to_owned(), value))
}

fn run(args: &[String]) -> Result<(), String> {
    let [plugin, out, assignments @ ..] = args else {
        return Err("usage: write_vstpreset PLUGIN OUT.vstpreset ID=KIND:VALUE...".into());
    };
    let info = plugins::ALL
        .iter()
        .find(|p| p.name == plugin || p.clap_id.rsplit('.').next() == Some(plugin))
        .ok_or(format!("unknown plugin {plugin:?}"))?;
    let pairs = assignments
        .iter()
        .map(|a| parse_assignment(a))
        .collect::<Result<Vec<_>, _>>()?;
    let state = PluginStateBuilder::new(info.version)
        .params(pairs)
        .build()
        .map_err(|e| e.to_string())?;
    let preset =
        VstPreset::from_plugin_state(info.vst3_class_id, &state).map_err(|e| e.to_string())?;
    preset.write(Path::new(out)).map_err(|e| e.to_string())?;
    println!(
        "{out}: {} bytes, {}",
        preset.to_bytes().map_err(|e| e.to_string())?.len(),
        String::from_utf8_lossy(&preset.component_state)
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("write_vstpreset: {e}");
            ExitCode::FAILURE
        }
    }
}
