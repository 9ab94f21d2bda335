//! The built plugins, loaded through clack-host, against this crate's state format: what they
//! save, the builder rebuilds byte for byte; what the builder makes, they load and save back
//! unchanged. Needs the `.clap` bundles (`cargo xtask bundle <package>`), like the host tests.

use host_tests::{PluginCase, PluginHost, PLUGIN_CASES};
use vernis_presets::{plugins, ParamValue, PluginState, PluginStateBuilder};

/// nice-plug's CLAP parameter id for a string id: ×31 + byte, wrapping, top bit cleared.
fn clap_param_id(id: &str) -> u32 {
    id.bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        & !(1 << 31)
}

fn case(package: &str) -> &'static PluginCase {
    PLUGIN_CASES
        .iter()
        .find(|c| c.package == package)
        .expect("known package")
}

/// A builder holding every pair and field of `state`, with `changes` replacing some values.
fn rebuild(state: &PluginState, changes: &[(&str, ParamValue)]) -> PluginStateBuilder {
    let mut builder = PluginStateBuilder::new(state.version.clone());
    for (id, value) in state.param_pairs() {
        let value = changes
            .iter()
            .find(|(k, _)| *k == id)
            .map_or(value, |(_, v)| v.clone());
        builder = builder.param(id, value);
    }
    for (key, json) in &state.fields {
        builder = builder.raw_field(key.clone(), json.clone());
    }
    builder
}

#[test]
fn every_plugin_saves_what_the_builder_writes() {
    let mut failures = Vec::new();
    for case in PLUGIN_CASES {
        let result = (|| -> Result<(), Box<dyn std::error::Error>> {
            let mut host = PluginHost::for_case(case)?;
            let saved = host.save_state()?;
            let state = PluginState::from_clap_state(&saved)?;
            println!(
                "{}: {}",
                case.bundle_name,
                String::from_utf8_lossy(&saved[8..])
            );
            let info = plugins::ALL
                .iter()
                .find(|p| p.clap_id == case.clap_id)
                .unwrap();
            if state.version != info.version {
                return Err(
                    format!("version {:?}, expected {:?}", state.version, info.version).into(),
                );
            }
            if state.params.len() != host.params()?.len() {
                return Err(format!(
                    "{} saved params, {} CLAP params",
                    state.params.len(),
                    host.params()?.len()
                )
                .into());
            }
            let rebuilt = rebuild(&state, &[]).build()?.to_clap_state()?;
            if rebuilt != saved {
                return Err(format!(
                    "rebuilt state differs:\n  plugin:  {}\n  rebuilt: {}",
                    String::from_utf8_lossy(&saved[8..]),
                    String::from_utf8_lossy(&rebuilt[8..])
                )
                .into());
            }
            Ok(())
        })();
        if let Err(e) = result {
            failures.push(format!("{}: {e}", case.bundle_name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn limiter_takes_a_built_state_as_its_own() {
    let case = case("limiter");
    let mut host = PluginHost::for_case(case).unwrap();
    let defaults = PluginState::from_clap_state(&host.save_state().unwrap()).unwrap();
    let ceiling = clap_param_id("ceiling");
    let style = clap_param_id("style");
    let text = |host: &mut PluginHost, id: u32| {
        let value = host.param_value(id).unwrap();
        host.value_to_text(id, value).unwrap()
    };
    assert_eq!(text(&mut host, ceiling), "-1.0 dBTP");
    assert_eq!(text(&mut host, style), "Transparent");

    // A full state: every parameter, two of them changed.
    let built = rebuild(
        &defaults,
        &[("ceiling", (-3.0).into()), ("style", "punchy".into())],
    )
    .build()
    .unwrap()
    .to_clap_state()
    .unwrap();
    host.load_state(&built).unwrap();
    assert_eq!(text(&mut host, ceiling), "-3.0 dBTP");
    assert_eq!(text(&mut host, style), "Punchy");
    assert_eq!(
        host.save_state().unwrap(),
        built,
        "saved back byte for byte"
    );

    // Only the two parameters, into a fresh instance: the rest keep their (default) values, and
    // the plugin saves the same full state as above.
    let mut fresh = PluginHost::for_case(case).unwrap();
    let partial = PluginStateBuilder::new(plugins::LIMITER.version)
        .param("ceiling", -3.0)
        .param("style", "punchy")
        .build()
        .unwrap();
    fresh.load_state(&partial.to_clap_state().unwrap()).unwrap();
    assert_eq!(fresh.save_state().unwrap(), built);
}
