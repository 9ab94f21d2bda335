//! The CLAP rules a host relies on: `latency.changed()` only inside `activate()`, the audio
//! delayed by exactly the latency last reported, whatever the host does with restart requests.

#[macro_use]
mod common;

use common::for_each_case;
use host_tests::signal::{self, rng};
use host_tests::{AudioConfig, HostCallback, ParamChange, PluginHost, TimedParamChange};
use rand::Rng;

const RATES_HZ: [f64; 3] = [44_100.0, 48_000.0, 96_000.0];
const MAX_BLOCKS: [u32; 3] = [64, 512, 2048];

/// Random parameter fuzzing across activations (as clap-validator's param tests do: process with
/// random events, deactivate, then serve main-thread callbacks; sometimes flush values while inactive,
/// sometimes serve the restart the plugin asked for, sometimes ignore it). Every host callback is
/// recorded with the activation state; `latency.changed` outside `activate` fails the test. A
/// plugin whose latency can change must have been seen calling `latency.changed` (inside
/// `activate`), so the check is known to observe the call.
#[test]
fn latency_changed_only_inside_activate_under_parameter_fuzzing() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        let mut random = rng(77);
        for round in 0..16u64 {
            let rate = RATES_HZ[random.gen_range(0..RATES_HZ.len())];
            let max = MAX_BLOCKS[random.gen_range(0..MAX_BLOCKS.len())];
            if round % 3 == 1 {
                let state = signal::random_param_state(&params, 500 + round);
                let flush: Vec<ParamChange> = state
                    .iter()
                    .map(|c| ParamChange {
                        offset: 0,
                        param_id: c.param_id,
                        value: c.value,
                    })
                    .collect();
                host.flush_params(&flush)?;
            }
            host.activate(AudioConfig::new(rate, max))?;
            let channels = host.port_layout()?.main_input_channels();
            let frames = (rate * 0.05) as usize;
            let input = signal::noise(channels, frames, 0.5, round);
            let sizes = signal::random_block_sizes(frames, max as usize, round);
            let changes = signal::random_param_changes(&params, frames, 24, 900 + round);
            // Every fourth round, callbacks wait until after the deactivation.
            host.set_pump_after_audio(round % 4 != 3);
            host.process_signal(&input, &sizes, &changes)?;
            if round % 2 == 0 {
                host.restart_if_requested()?;
            }
            host.deactivate()?;
            host.check_protocol()?;
        }
        host.check_protocol()?;
        if case.latency_changing_param.is_some() {
            let calls = host
                .callback_log()
                .iter()
                .filter(|r| r.callback == HostCallback::LatencyChanged)
                .count();
            ensure!(
                calls > 0,
                "16 rounds of fuzzing a latency-changing plugin never called latency.changed"
            );
        }
        Ok(())
    });
}

/// Measures the delay of an impulse through the active plugin (first peak of channel 0 after
/// `pre` frames of silence).
fn impulse_delay(host: &mut PluginHost, expected: usize) -> Result<usize, String> {
    let channels = host
        .port_layout()
        .map_err(|e| e.to_string())?
        .main_input_channels();
    let pre = 1000;
    let total = pre + expected + 4096;
    let input = signal::impulse(channels, total, pre, 0.25);
    let output = host
        .process_signal(&input, &signal::random_block_sizes(total, 512, 9), &[])
        .map_err(|e| e.to_string())?;
    let peak = signal::peak_frame(&output[..1]).ok_or("impulse lost")?;
    Ok(peak - pre)
}

/// A latency-changing setting that arrives while active (here: during processing) keeps the
/// audio delayed by the reported latency while the host has not restarted; after a restart (or
/// the next activation) the new latency is reported, and an impulse measures it.
#[test]
fn the_audio_is_delayed_by_the_reported_latency_until_the_next_activation() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        common::apply_impulse_settings(&mut host, case)?;
        let Some((name, text, param_id, value)) = common::latency_changing_value(&mut host, case)?
        else {
            return Ok(());
        };
        let config = AudioConfig::new(48_000.0, 512);
        host.activate(config)?;
        let before = host.latency() as usize;
        let channels = host.port_layout()?.main_input_channels();
        let noise = signal::noise(channels, 4800, 0.1, 5);
        let change = TimedParamChange {
            frame: 100,
            param_id,
            value,
        };
        host.process_signal(&noise, &[512], &[change])?;
        let notified = host.notifications();
        ensure!(
            notified.restart_requested,
            "{name} = {text} while active: no restart requested"
        );
        // The host has not restarted: the latency it knows must still be the audio's delay.
        ensure!(
            host.latency() as usize == before,
            "{name} = {text}: latency reported as {} before any restart (was {before})",
            host.latency()
        );
        let delay = impulse_delay(&mut host, before)?;
        ensure!(
            delay == before,
            "{name} = {text} without a restart: reports {before} samples, impulse delayed {delay}"
        );
        // A plain deactivate/activate (no restart served) also takes the new latency.
        host.deactivate()?;
        host.activate(config)?;
        let after = host.latency() as usize;
        ensure!(after != before, "{name} = {text}: latency still {before}");
        let delay = impulse_delay(&mut host, after)?;
        ensure!(
            delay == after,
            "{name} = {text} after re-activation: reports {after} samples, impulse delayed {delay}"
        );
        Ok(())
    });
}
