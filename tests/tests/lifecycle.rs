//! Instantiation, parameters, activation at many rates and block sizes, parameter events.

#[macro_use]
mod common;

use std::collections::HashSet;

use common::{check_output, for_each_case};
use host_tests::bundle::bundle_path;
use host_tests::host::plugin_ids;
use host_tests::signal;
use host_tests::{AudioConfig, LatencyExpectation, PluginHost};

const SAMPLE_RATES_HZ: [f64; 4] = [44_100.0, 48_000.0, 96_000.0, 192_000.0];
const MAX_BLOCKS: [u32; 2] = [32, 8192];

/// The bundle exposes the CLAP id; the instance lists exactly the expected parameters with sane
/// ranges, unique ids, defaults inside the range, and a fresh instance sits at its defaults.
#[test]
fn instantiate_by_clap_id_and_list_params() {
    for_each_case(|case| {
        let bundle = bundle_path(case)?;
        let ids = plugin_ids(&bundle)?;
        ensure!(
            ids.iter().any(|id| id == case.clap_id),
            "bundle offers {ids:?}, not {}",
            case.clap_id
        );
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;

        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let got: HashSet<&str> = names.iter().copied().collect();
        let want: HashSet<&str> = case.param_names.iter().copied().collect();
        ensure!(
            got == want && names.len() == case.param_names.len(),
            "parameter display names {names:?}; expected {:?} (missing {:?}, unexpected {:?})",
            case.param_names,
            want.difference(&got).collect::<Vec<_>>(),
            got.difference(&want).collect::<Vec<_>>()
        );

        let unique_ids: HashSet<u32> = params.iter().map(|p| p.id).collect();
        ensure!(unique_ids.len() == params.len(), "duplicate parameter ids");
        for p in &params {
            ensure!(
                p.min.is_finite() && p.max.is_finite() && p.min < p.max,
                "`{}`: bad range {}..{}",
                p.name,
                p.min,
                p.max
            );
            ensure!(
                (p.min..=p.max).contains(&p.default),
                "`{}`: default {} outside {}..{}",
                p.name,
                p.default,
                p.min,
                p.max
            );
            if p.is_stepped() {
                // nice-plug reports a stepped default as normalised × steps in f32, so step 3 of
                // 5 (Bands = 4 of 1..6) reads 3.0000001192: within f32 rounding of a whole step
                // is that step (as `common::reads_back_as` also allows).
                let whole = |x: f64| (x - x.round()).abs() < 1e-5;
                ensure!(
                    p.min.fract() == 0.0 && p.max.fract() == 0.0 && whole(p.default),
                    "`{}`: stepped parameter with non-integer range/default {}..{} ({})",
                    p.name,
                    p.min,
                    p.max,
                    p.default
                );
            }
            let value = host.param_value(p.id);
            ensure!(
                value == Some(p.default),
                "`{}`: fresh instance reports {value:?}, default is {}",
                p.name,
                p.default
            );
            for v in [p.min, p.default, p.max] {
                let text = host.value_to_text(p.id, v);
                ensure!(
                    text.as_deref().is_some_and(|t| !t.trim().is_empty()),
                    "`{}`: value_to_text({v}) gave {text:?}",
                    p.name
                );
            }
        }
        Ok(())
    });
}

/// What a DAW shows can be typed back: `text_to_value(value_to_text(v))` is accepted and shows
/// the same text again, for min, default, max and a few values in between.
#[test]
fn param_text_round_trip() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        for p in host.params()? {
            for unit in [0.0, 0.13, 0.5, 0.77, 1.0] {
                let value = p.value_at(unit);
                let Some(text) = host.value_to_text(p.id, value) else {
                    return Err(format!("`{}`: value_to_text({value}) refused", p.name).into());
                };
                let parsed = host.text_to_value(p.id, &text);
                ensure!(
                    parsed.is_some(),
                    "`{}`: text_to_value({text:?}) refused (value {value})",
                    p.name
                );
                let again = parsed.and_then(|v| host.value_to_text(p.id, v));
                ensure!(
                    again.as_deref() == Some(text.as_str()),
                    "`{}`: {value} shows as {text:?}, parses to {parsed:?}, which shows as {again:?}",
                    p.name
                );
            }
        }
        Ok(())
    });
}

/// Activation at 44.1/48/96/192 kHz with max blocks of 32 and 8192 (re-activating one instance,
/// as a DAW changing its settings does), random block lengths from 1 frame up, random parameter
/// events at random offsets; output checked every time, reported latency checked per activation.
#[test]
fn activation_matrix_with_random_blocks_and_events() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        for (i, &rate) in SAMPLE_RATES_HZ.iter().enumerate() {
            for (j, &max) in MAX_BLOCKS.iter().enumerate() {
                let what = format!("{rate} Hz, max {max}");
                host.activate(AudioConfig::new(rate, max))?;
                let layout = host.port_layout()?;
                ensure!(
                    layout.main_input_channels() > 0 && layout.main_output_channels() > 0,
                    "{what}: no main audio input/output ({layout:?})"
                );
                if case.latency == LatencyExpectation::Zero {
                    let latency = host.latency();
                    ensure!(latency == 0, "{what}: reports {latency} samples of latency");
                }
                let seed = 1000 + (i * 10 + j) as u64;
                let frames = (rate * 0.2) as usize;
                let input = signal::noise(layout.main_input_channels(), frames, 0.5, seed);
                let sizes = signal::random_block_sizes(frames, max as usize, seed);
                let changes = signal::random_param_changes(&params, frames, 64, seed);
                let output = host.process_signal(&input, &sizes, &changes)?;
                ensure!(
                    output.len() == layout.main_output_channels(),
                    "{what}: {} output channels",
                    output.len()
                );
                check_output(case, &input, &output, &format!("{what}, seed {seed}"))?;
            }
        }
        host.deactivate()?;
        Ok(())
    });
}

/// Parameter events sent during processing reach the plugin: after random automation (offsets
/// 0, last frame, and random), every parameter reads back the last value sent to it.
#[test]
fn param_events_are_applied() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        host.activate(AudioConfig::new(48_000.0, 1024))?;
        let channels = host.port_layout()?.main_input_channels();
        let frames = 48_000;
        let input = signal::noise(channels, frames, 0.5, 7);
        let sizes = signal::random_block_sizes(frames, 1024, 7);
        let mut changes = signal::random_param_changes(&params, frames, 300, 7);
        // Make sure every automatable parameter is set at least once, at the very end.
        changes.extend(signal::random_param_state(&params, 8).into_iter().map(|c| {
            host_tests::TimedParamChange {
                frame: frames - 1,
                ..c
            }
        }));
        let output = host.process_signal(&input, &sizes, &changes)?;
        check_output(case, &input, &output, "with automation")?;
        for p in params.iter().filter(|p| p.is_automatable()) {
            let Some(last) = changes.iter().rev().find(|c| c.param_id == p.id) else {
                continue;
            };
            let value = host.param_value(p.id);
            ensure!(
                common::reads_back_as(&mut host, p, last.value, value),
                "`{}`: last event sent {} (frame {}), plugin reports {value:?} ({:?} vs {:?})",
                p.name,
                last.value,
                last.frame,
                host.value_to_text(p.id, last.value),
                value.and_then(|v| host.value_to_text(p.id, v))
            );
        }
        Ok(())
    });
}

/// Parameters set with `clap_plugin_params.flush` while inactive (a DAW applying automation
/// while stopped) are applied too.
#[test]
fn param_flush_while_inactive_is_applied() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        let changes: Vec<host_tests::ParamChange> = signal::random_param_state(&params, 99)
            .into_iter()
            .map(|c| host_tests::ParamChange {
                offset: 0,
                param_id: c.param_id,
                value: c.value,
            })
            .collect();
        host.flush_params(&changes)?;
        for change in &changes {
            let p = params.iter().find(|p| p.id == change.param_id).unwrap();
            let value = host.param_value(p.id);
            ensure!(
                common::reads_back_as(&mut host, p, change.value, value),
                "`{}`: flushed {}, plugin reports {value:?} ({:?} vs {:?})",
                p.name,
                change.value,
                host.value_to_text(p.id, change.value),
                value.and_then(|v| host.value_to_text(p.id, v))
            );
        }
        Ok(())
    });
}

/// Every channel layout the plugin offers (audio-ports-config) can be selected, reports matching
/// port channel counts, and processes correctly.
#[test]
fn every_channel_layout_processes() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let configs = host.port_configs();
        eprintln!("   layouts: {configs:?}");
        for config in configs {
            let what = format!("layout `{}` (id {})", config.name, config.id);
            host.select_port_config(config.id)?;
            let layout = host.port_layout()?;
            ensure!(
                config.main_input_channels.map(|c| c as usize)
                    == layout.main_input.map(|_| layout.main_input_channels())
                    && config.main_output_channels.map(|c| c as usize)
                        == layout.main_output.map(|_| layout.main_output_channels()),
                "{what}: config says {:?}/{:?} channels, ports say {layout:?}",
                config.main_input_channels,
                config.main_output_channels
            );
            host.activate(AudioConfig::new(48_000.0, 512))?;
            let input = signal::noise(layout.main_input_channels(), 24_000, 0.5, 31);
            let sizes = signal::random_block_sizes(24_000, 512, 31);
            let output = host.process_signal(&input, &sizes, &[])?;
            check_output(case, &input, &output, &what)?;
            host.deactivate()?;
        }
        Ok(())
    });
}
