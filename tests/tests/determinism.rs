//! The same settings and input give the same output, the first render after a change included:
//! values that reach the plugin before the first sample after activation or reset apply at once
//! (no ramp from the old values), and a reset leaves no trace of what played before.

mod common;

use common::for_each_case;
use host_tests::signal::{self, Signal};
use host_tests::{AudioConfig, ParamChange, PluginHost, TimedParamChange};

/// One second of stereo noise (about 0.2 RMS) at 48 kHz, loud enough to make a limiter work.
fn programme(channels: usize) -> Signal {
    signal::noise(channels, 48_000, 0.35, 31)
}

fn as_flush(changes: &[TimedParamChange]) -> Vec<ParamChange> {
    changes
        .iter()
        .map(|c| ParamChange {
            offset: 0,
            param_id: c.param_id,
            value: c.value,
        })
        .collect()
}

fn at_frame_zero(changes: &[TimedParamChange]) -> Vec<TimedParamChange> {
    changes
        .iter()
        .map(|c| TimedParamChange { frame: 0, ..*c })
        .collect()
}

/// Every render below must equal the first one bit for bit:
/// * `first`: values flushed while active and stopped, then the first render after activation;
/// * `second`: the same render after a reset;
/// * `after_detour`: other values were played (one frame), then reset, then the target values
///   arrive as events at frame 0 of the first block;
/// * `fresh`: a new instance with the values set before activation.
#[test]
fn first_render_after_a_settings_change_equals_the_second() {
    for_each_case(|case| {
        let mut host = PluginHost::for_case(case)?;
        let params = host.params()?;
        let target = signal::random_param_state(&params, 4242);
        let detour = signal::random_param_state(&params, 1717);
        let config = AudioConfig::new(48_000.0, 512);

        // Activate at the target latency (settings flushed while inactive), then move every value
        // away and back while stopped, as a user tweaking a paused project does.
        host.flush_params(&as_flush(&target))?;
        host.activate(config)?;
        let channels = host.port_layout()?.main_input_channels();
        let input = programme(channels);
        let sizes = signal::random_block_sizes(input[0].len(), 512, 3);
        host.flush_params(&as_flush(&detour))?;
        host.flush_params(&as_flush(&target))?;
        let first = host.process_signal(&input, &sizes, &[])?;

        let target_events = at_frame_zero(&target);
        let detour_events = at_frame_zero(&detour);
        let (second, after_detour) = host.run_audio(|audio| {
            audio.reset();
            let second = audio.process_signal(&input, &sizes, &[])?;
            let one_frame: Signal = input.iter().map(|c| c[..1].to_vec()).collect();
            audio.process_signal(&one_frame, &[1], &detour_events)?;
            audio.reset();
            let after = audio.process_signal(&input, &sizes, &target_events)?;
            Ok::<_, host_tests::HarnessError>((second, after))
        })??;
        host.deactivate()?;

        let mut fresh_host = PluginHost::for_case(case)?;
        fresh_host.flush_params(&as_flush(&target))?;
        fresh_host.activate(config)?;
        let fresh = fresh_host.process_signal(&input, &sizes, &[])?;

        for (what, render) in [
            ("second render (after reset)", &second),
            (
                "render after other values, reset, target at frame 0",
                &after_detour,
            ),
            ("fresh instance", &fresh),
        ] {
            if let Some(m) = signal::bit_mismatch(&first, render) {
                return Err(format!("first render vs {what}: {m}").into());
            }
        }
        Ok(())
    });
}
