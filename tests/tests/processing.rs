//! What comes out of `process()`: latency, block-size invariance, hostile input, transport.

#[macro_use]
mod common;

use common::{check_output, for_each_case};
use host_tests::signal::{self, Signal};
use host_tests::{AudioConfig, LatencyExpectation, PluginCase, PluginHost, TimedParamChange};

/// Reported latency equals the delay of an impulse (-12 dBFS, so no dynamics processor acts on
/// it) through the plugin, on every channel, at two sample rates; `Zero` cases must report and
/// show 0.
#[test]
fn latency_matches_impulse_measurement() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        common::apply_impulse_settings(&mut host, case)?;
        for rate in [44_100.0, 96_000.0] {
            host.activate(AudioConfig::new(rate, 512))?;
            let reported = host.latency() as usize;
            let channels = host.port_layout()?.main_input_channels();
            let pre = 1000;
            let total = pre + reported + 4096;
            let input = signal::impulse(channels, total, pre, 0.25);
            let sizes = signal::random_block_sizes(total, 512, rate as u64);
            let output = host.process_signal(&input, &sizes, &[])?;
            let reported_after = host.latency() as usize;
            ensure!(
                reported_after == reported,
                "{rate} Hz: latency changed from {reported} to {reported_after} while processing \
                 (restart requested: {})",
                host.notifications().restart_requested
            );
            let mut measured = Vec::new();
            for (c, channel) in output.iter().enumerate() {
                let peak = signal::peak_frame(std::slice::from_ref(channel));
                let Some(peak) = peak else {
                    return Err(format!("{rate} Hz: channel {c} is silent, impulse lost").into());
                };
                measured.push(peak as i64 - pre as i64);
            }
            ensure!(
                measured.iter().all(|&m| m == reported as i64),
                "{rate} Hz: reported latency {reported} samples, impulse delay per channel {measured:?}"
            );
            if case.latency == LatencyExpectation::Zero {
                ensure!(
                    reported == 0,
                    "{rate} Hz: expected zero latency, reports {reported}"
                );
            }
            check_output(case, &input, &output, &format!("{rate} Hz impulse"))?;
        }
        Ok(())
    });
}

/// A setting that changes the latency (the limiter's lookahead) is re-reported to the host (a
/// restart request or latency notification), and after the host's restart the new value is what
/// an impulse measures.
#[test]
fn latency_change_is_re_reported_and_matches_an_impulse() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        common::apply_impulse_settings(&mut host, case)?;
        let Some((name, text, param_id, value)) = common::latency_changing_value(&mut host, case)?
        else {
            return Ok(());
        };
        host.activate(AudioConfig::new(48_000.0, 512))?;
        let before = host.latency() as usize;
        let channels = host.port_layout()?.main_input_channels();
        let noise = signal::noise(channels, 4800, 0.1, 5);
        let change = TimedParamChange {
            frame: 100,
            param_id,
            value,
        };
        host.process_signal(&noise, &signal::random_block_sizes(4800, 512, 3), &[change])?;
        let notified = host.notifications();
        ensure!(
            notified.restart_requested || notified.latency_changed > 0,
            "changing {name} to {text} was not reported to the host"
        );
        // Serve the restart as a DAW does (the request flag was consumed by `notifications`).
        if notified.restart_requested {
            let config = host.audio_config().ok_or("inactive after processing")?;
            host.deactivate()?;
            host.activate(config)?;
        }
        let after = host.latency() as usize;
        ensure!(
            after != before,
            "{name} = {text}: latency still {before} samples"
        );
        let pre = 1000;
        let total = pre + after + 4096;
        let input = signal::impulse(channels, total, pre, 0.25);
        let output =
            host.process_signal(&input, &signal::random_block_sizes(total, 512, 4), &[])?;
        for (c, channel) in output.iter().enumerate() {
            let peak = signal::peak_frame(std::slice::from_ref(channel))
                .ok_or_else(|| format!("channel {c} silent after the latency change"))?;
            ensure!(
                peak - pre == after,
                "{name} = {text}: reports {after} samples, impulse delayed {}",
                peak - pre
            );
        }
        Ok(())
    });
}

fn process_fresh(
    case: &PluginCase,
    input: &Signal,
    sizes: &[usize],
    changes: &[TimedParamChange],
) -> Result<Signal, Box<dyn std::error::Error>> {
    let mut host = PluginHost::for_case(case)?;
    host.activate(AudioConfig::new(48_000.0, 8192))?;
    Ok(host.process_signal(input, sizes, changes)?)
}

/// The same input with the same (non-default) parameters gives bit-identical output whether it
/// is processed in blocks of 1, 37, 512, random sizes or 8192 frames, and run to run.
#[test]
fn block_partition_invariance() {
    for_each_case(|case| {
        let probe = PluginHost::for_case(case)?;
        let mut probe = probe;
        let params = probe.params()?;
        let channels = probe.port_layout()?.main_input_channels();
        drop(probe);
        let frames = 48_000;
        let input = signal::noise(channels, frames, 0.7, 77);
        let changes = signal::random_param_state(&params, 78);
        let random = signal::random_block_sizes(frames, 8192, 79);
        let partitions: [(&str, Vec<usize>); 6] = [
            ("8192", vec![8192]),
            ("1", vec![1]),
            ("37", vec![37]),
            ("512", vec![512]),
            ("random (seed 79)", random),
            ("8192 again", vec![8192]),
        ];
        let reference = process_fresh(case, &input, &partitions[0].1, &changes)?;
        check_output(case, &input, &reference, "blocks of 8192")?;
        for (name, sizes) in &partitions[1..] {
            let output = process_fresh(case, &input, sizes, &changes)?;
            if let Some(m) = signal::bit_mismatch(&reference, &output) {
                return Err(format!("blocks of {name} vs blocks of 8192: {m}").into());
            }
        }
        Ok(())
    });
}

/// Finite noise, then a stretch of NaN, ±Inf, denormals, ±0 and ±f32::MAX, then finite noise:
/// no plugin outputs a subnormal sample; pass-through plugins return every other sample bit for
/// bit (NaN in, NaN out; subnormals become +0.0) and processing plugins output only finite
/// samples. Afterwards the plugin is not poisoned: finite input gives clean
/// output, parameters are finite and the saved state equals that of a twin that got zeros
/// instead of the hostile samples.
#[test]
fn non_finite_and_denormal_input() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        host.activate(AudioConfig::new(48_000.0, 1024))?;
        let channels = host.port_layout()?.main_input_channels();

        let mut hostile = signal::noise(channels, 8192, 0.5, 41);
        for channel in &mut hostile {
            channel[0] = f32::NAN;
            channel[1] = f32::INFINITY;
            channel[2] = f32::NEG_INFINITY;
            channel[3] = -0.0;
            channel[4] = f32::MAX;
            channel[5] = -f32::MAX;
            channel[6] = f32::from_bits(1); // smallest subnormal
            channel[7] = -f32::from_bits(0x007F_FFFF); // largest negative subnormal
            channel[100..200].fill(f32::NAN);
            for x in &mut channel[1000..3000] {
                *x *= f32::MIN_POSITIVE; // denormal noise
            }
            channel[4000..5024].fill(f32::INFINITY);
            channel[6000..7000].fill(f32::NAN);
        }
        let hostile_zeroed: Signal = hostile
            .iter()
            .map(|c| {
                c.iter()
                    .map(|&x| if x.is_finite() { x } else { 0.0 })
                    .collect()
            })
            .collect();
        let before = signal::noise(channels, 24_000, 0.5, 42);
        let after = signal::noise(channels, 48_000, 0.5, 43);
        let input = signal::concat(&[before.clone(), hostile, after.clone()]);
        let twin_input = signal::concat(&[before, hostile_zeroed, after]);
        let frames = signal::frames(&input);
        let sizes = signal::random_block_sizes(frames, 1024, 44);
        let changes = signal::random_param_changes(&params, frames, 100, 45);

        let output = host.process_signal(&input, &sizes, &changes)?;
        let tail = 24_000 + 8192;
        if let Some(((c, i, x), n)) = signal::first_subnormal(&output) {
            return Err(format!(
                "{n} subnormal output samples; first at channel {c} frame {i}: {x:e}"
            )
            .into());
        }
        if case.passthrough {
            // Bit for bit, except that subnormals never leave a plugin (flushed to +0.0).
            let expected = signal::without_subnormals(&input);
            if let Some(m) = signal::bit_mismatch(&expected, &output) {
                return Err(format!("hostile input not passed through bit for bit: {m}").into());
            }
        } else if let Some(((c, i, x), n)) = signal::first_non_finite(&output) {
            return Err(format!(
                "{n} non-finite output samples for hostile input; first at channel {c} frame {i}: {x}"
            )
            .into());
        }
        let output_tail: Signal = output.iter().map(|c| c[tail..].to_vec()).collect();
        ensure!(
            signal::first_non_finite(&output_tail).is_none(),
            "output still non-finite after the hostile input ended"
        );

        // Later processing (a new start_processing, no reset) is clean.
        let later = signal::noise(channels, 24_000, 0.5, 46);
        let later_out = host.process_signal(&later, &[333], &[])?;
        check_output(case, &later, &later_out, "after hostile input")?;

        let values = host.param_values()?;
        ensure!(
            values.iter().all(|(_, v)| v.is_finite()),
            "non-finite parameter values after hostile input: {values:?}"
        );
        let state = host.save_state()?;

        let mut twin = PluginHost::for_case(case)?;
        twin.activate(AudioConfig::new(48_000.0, 1024))?;
        twin.process_signal(&twin_input, &sizes, &changes)?;
        twin.process_signal(&later, &[333], &[])?;
        let twin_state = twin.save_state()?;
        ensure!(
            state == twin_state,
            "saved state after hostile input differs from a twin fed zeros instead:\n hostile: {}\n twin:    {}",
            String::from_utf8_lossy(&state),
            String::from_utf8_lossy(&twin_state)
        );
        Ok(())
    });
}

/// Transport changes (none → stopped → playing → stopped → playing, as a DAW's play/stop
/// buttons do) and a `reset()` never disturb the audio.
#[test]
fn transport_changes_and_reset_keep_output_clean() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        for seed in [51, 52] {
            host.activate(AudioConfig::new(48_000.0, 2048))?;
            let channels = host.port_layout()?.main_input_channels();
            let input = signal::noise(channels, 9600, 0.5, seed);
            let sizes = signal::random_block_sizes(9600, 2048, seed);
            let changes = signal::random_param_state(&params, seed);
            let outputs = host.run_audio(|audio| -> host_tests::Result<Vec<Signal>> {
                let mut outputs = Vec::new();
                outputs.push(audio.process_signal(&input, &sizes, &changes)?);
                for playing in [Some(false), Some(true), Some(false), Some(true)] {
                    audio.set_transport(playing);
                    outputs.push(audio.process_signal(&input, &sizes, &[])?);
                }
                audio.reset();
                outputs.push(audio.process_signal(&input, &sizes, &[])?);
                Ok(outputs)
            })??;
            for (i, output) in outputs.iter().enumerate() {
                check_output(
                    case,
                    &input,
                    output,
                    &format!("seed {seed}, transport step {i}"),
                )?;
            }
        }
        Ok(())
    });
}
