//! Scenarios for nice-plug's `assert_process_allocs` guard, run in a child process.
//!
//! The guard aborts the whole process (SIGABRT, not a panic) on any allocation or free inside
//! `process()`, so a test that expects or forbids the abort runs the scenario in a child (the
//! `host-probe` binary) and looks at its exit status:
//!
//! - [`realtime_stress`]: everything a DAW does on the audio thread — random block sizes, several
//!   sample rates and every channel layout, parameter automation, transport start/stop,
//!   `reset()`, NaN/Inf/denormal input, and state loads between runs while active. Must exit 0.
//! - [`long_run`]: an hour of stereo programme at 44.1 kHz with the transport playing, so that
//!   hour-long meter histories and histograms fill and wrap. Must exit 0 (and pass-through
//!   plugins must stay bit-exact, others finite, for the whole hour).
//! - [`allocation_trap`]: the control case proving the guard is live. The host hands `process()`
//!   an input-event list whose `size()` callback calls back into the plugin's
//!   `clap_plugin_params.value_to_text` — plugin code that formats a `String` — while the plugin
//!   is inside `process()`. With a debug-assertions bundle built with `assert_process_allocs`
//!   this must abort; a release bundle (or one without the feature) survives, and the test
//!   reports that the guard is off.

use std::ffi::c_char;
use std::path::Path;
use std::process::{Command, Output};

use clack_host::events::io::{InputEventBuffer, InputEvents};
use clack_host::events::UnknownEvent;
use clap_sys::ext::params::{clap_plugin_params, CLAP_EXT_PARAMS};
use clap_sys::plugin::clap_plugin;

use crate::cases::PluginCase;
use crate::error::{HarnessError, Result};
use crate::host::{AudioConfig, PluginHost, TimedParamChange};
use crate::signal;

/// Environment variable the `host-probe` binary reads the scenario name from.
pub const SCENARIO_ENV: &str = "VERNIS_PROBE_SCENARIO";

/// Line the probe prints on stdout when a scenario ran to completion.
pub const COMPLETED_MARKER: &str = "PROBE-COMPLETED";

/// Scenario names understood by the `host-probe` binary.
pub const SCENARIOS: &[&str] = &["realtime-stress", "long-run", "allocation-trap"];

/// Length of the [`long_run`] scenario: just over an hour, so that hour-long histories wrap.
pub const LONG_RUN_SECONDS: usize = 3660;

/// Runs a named scenario for a case (used by the probe binary).
pub fn run_scenario(name: &str, case: &PluginCase) -> Result<String> {
    match name {
        "realtime-stress" => realtime_stress(case),
        "long-run" => long_run(case),
        "allocation-trap" => allocation_trap(case),
        other => Err(HarnessError::new(format!(
            "unknown scenario `{other}` (known: {SCENARIOS:?})"
        ))),
    }
}

/// Spawns `probe_exe` (the `host-probe` binary) on a scenario and returns its output.
pub fn run_in_child(probe_exe: &Path, scenario: &str, case: &PluginCase) -> Result<Output> {
    Command::new(probe_exe)
        .arg(scenario)
        .arg(case.clap_id)
        .env(SCENARIO_ENV, scenario)
        .output()
        .map_err(|err| HarnessError::new(format!("spawning {}: {err}", probe_exe.display())))
}

/// The DAW-like audio-thread workload; every allocation in `process()` aborts the process.
pub fn realtime_stress(case: &PluginCase) -> Result<String> {
    let mut host = PluginHost::for_case(case)?;
    let params = host.params()?;
    let defaults = host.save_state()?;
    let mut total_blocks = 0;
    // Default layout at two rates and block ranges, then every other channel layout once.
    let mut runs: Vec<(Option<u32>, f64, u32)> = vec![(None, 48_000.0, 8192), (None, 44_100.0, 32)];
    runs.extend(
        host.port_configs()
            .iter()
            .skip(1)
            .map(|config| (Some(config.id), 96_000.0, 512)),
    );
    for (round, (config_id, rate, max)) in runs.into_iter().enumerate() {
        if let Some(config_id) = config_id {
            host.deactivate()?;
            host.select_port_config(config_id)?;
        }
        host.activate(AudioConfig::new(rate, max))?;
        let channels = host.port_layout()?.main_input_channels();
        let seed = 0xA110C + round as u64;
        let clean = signal::noise(channels, rate as usize / 2, 0.5, seed);
        let mut hostile = signal::noise(channels, 4096, 0.5, seed + 1);
        for channel in &mut hostile {
            channel[10] = f32::NAN;
            channel[20] = f32::INFINITY;
            channel[30] = f32::NEG_INFINITY;
            for x in &mut channel[100..2000] {
                *x *= f32::MIN_POSITIVE;
            }
        }
        let sizes = signal::random_block_sizes(signal::frames(&clean), max as usize, seed);
        let changes = signal::random_param_changes(&params, signal::frames(&clean), 200, seed);
        let no_changes: [TimedParamChange; 0] = [];
        total_blocks += host.run_audio(|audio| -> Result<u64> {
            audio.process_signal(&clean, &sizes, &changes)?;
            audio.set_transport(Some(false));
            audio.process_signal(&clean, &sizes, &no_changes)?;
            audio.set_transport(Some(true));
            audio.process_signal(&hostile, &sizes, &changes)?;
            audio.reset();
            audio.process_signal(&clean, &sizes, &changes)?;
            audio.set_transport(Some(false));
            audio.process_signal(&clean, &[1, 7, 64], &no_changes)?;
            Ok(audio.blocks_processed())
        })??;
        // A preset change while active, then more audio.
        host.load_state(&defaults)?;
        total_blocks += host.run_audio(|audio| -> Result<u64> {
            audio.set_transport(Some(true));
            audio.process_signal(&clean, &sizes, &changes)?;
            Ok(audio.blocks_processed())
        })??;
    }
    host.deactivate()?;
    Ok(format!("{total_blocks} process() calls without allocating"))
}

/// Just over an hour of noise whose level steps every ~5 s (so loudness gating, range and
/// histories see varied material), in 4096-frame blocks at 44.1 kHz with the transport playing.
pub fn long_run(case: &PluginCase) -> Result<String> {
    const RATE: usize = 44_100;
    const BLOCK: usize = 4096;
    let mut host = PluginHost::for_case(case)?;
    host.activate(AudioConfig::new(RATE as f64, BLOCK as u32))?;
    let layout = host.port_layout()?;
    let (in_channels, out_channels) = (layout.main_input_channels(), layout.main_output_channels());
    let source = signal::noise(in_channels, RATE * 10, 0.5, 0x10E6);
    let total = RATE * LONG_RUN_SECONDS;
    let passthrough = case.passthrough;
    let blocks = host.run_audio(move |audio| -> Result<u64> {
        audio.set_transport(Some(true));
        let mut input = vec![vec![0.0f32; BLOCK]; in_channels];
        let mut output = vec![vec![0.0f32; BLOCK]; out_channels];
        let (mut done, mut block_index) = (0usize, 0u64);
        while done < total {
            let len = BLOCK.min(total - done);
            // Levels from -40 to -10 dBFS peak in 7 steps, changing every 54 blocks (~5 s).
            let step = (block_index / 54) % 7;
            let gain = 10f32.powf((-40.0 + 5.0 * step as f32) / 20.0) * 2.0;
            let start = done % (source[0].len() - BLOCK);
            for (dest, src) in input.iter_mut().zip(&source) {
                for (d, s) in dest[..len].iter_mut().zip(&src[start..start + len]) {
                    *d = s * gain;
                }
            }
            let in_slices: Vec<&[f32]> = input.iter().map(|c| &c[..len]).collect();
            let mut out_slices: Vec<&mut [f32]> =
                output.iter_mut().map(|c| &mut c[..len]).collect();
            audio.process(&in_slices, &mut out_slices, &[])?;
            let bad = if passthrough {
                in_slices.iter().zip(&out_slices).any(|(i, o)| {
                    i.iter()
                        .zip(o.iter())
                        .any(|(a, b)| a.to_bits() != b.to_bits())
                })
            } else {
                out_slices
                    .iter()
                    .flat_map(|c| c.iter())
                    .any(|x| !x.is_finite())
            };
            if bad {
                return Err(HarnessError::new(format!(
                    "wrong output in block {block_index} (second {})",
                    done / RATE
                )));
            }
            done += len;
            block_index += 1;
        }
        Ok(audio.blocks_processed())
    })??;
    host.deactivate()?;
    Ok(format!(
        "{LONG_RUN_SECONDS} s of audio in {blocks} process() calls without allocating"
    ))
}

/// An input-event list that calls back into the plugin while the plugin is inside `process()`.
struct AllocationTrap {
    plugin: *const clap_plugin,
    param_id: u32,
}

// SAFETY: the pointer is only used on the audio thread while the instance is alive and active.
unsafe impl Send for AllocationTrap {}
// SAFETY: as above; the trap is only read from the thread that processes.
unsafe impl Sync for AllocationTrap {}

impl InputEventBuffer for AllocationTrap {
    fn len(&self) -> u32 {
        let mut text = [0 as c_char; 256];
        // SAFETY: `plugin` points to a live, active instance; `value_to_text` is called with a
        // valid id and buffer. Calling a main-thread function from inside `process()` violates
        // the CLAP threading rules on purpose: it is the point of the trap.
        unsafe {
            let plugin = &*self.plugin;
            if let Some(get_extension) = plugin.get_extension {
                let params =
                    get_extension(plugin, CLAP_EXT_PARAMS.as_ptr()) as *const clap_plugin_params;
                if let Some(value_to_text) = params.as_ref().and_then(|p| p.value_to_text) {
                    value_to_text(
                        plugin,
                        self.param_id,
                        0.5,
                        text.as_mut_ptr(),
                        text.len() as u32,
                    );
                }
            }
        }
        0
    }

    fn get(&self, _index: u32) -> Option<&UnknownEvent> {
        None
    }
}

/// The control case: makes the plugin allocate inside `process()`. Returns normally only if the
/// allocation guard is NOT active in the bundle.
pub fn allocation_trap(case: &PluginCase) -> Result<String> {
    let mut host = PluginHost::for_case(case)?;
    let param_id = host
        .params()?
        .first()
        .map(|p| p.id)
        .ok_or_else(|| HarnessError::new("the trap needs at least one parameter"))?;
    host.activate(AudioConfig::new(48_000.0, 512))?;
    let trap = AllocationTrap {
        plugin: host.raw_plugin(),
        param_id,
    };
    host.run_audio(|audio| audio.process_raw(64, &InputEvents::from_buffer(&trap)))??;
    host.deactivate()?;
    Ok("the plugin allocated inside process() and was NOT aborted".to_string())
}
