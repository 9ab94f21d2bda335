//! `vernis render IN OUT`: one pass of IN through the chain given by `--preset`, `--pre-gain`
//! and `--set` (a stage is in the chain only when a preset gives it or one of its keys is set;
//! `--set` keys apply on top of the presets' settings; see [`crate::settings`]).

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use dsp_core::chain::ChainSettings;
use dsp_core::dynamics::Dither;
use vernis_presets::from_state::ChainFromPresets;
use vernis_presets::VstPreset;

use crate::analyze::progress_bar;
use crate::audio_io::{self, AudioSink, AudioSource, OutputContainer, OutputFormat};
use crate::render::{self, InputAudio, PassOptions, RenderError, TempOutput};
use crate::{emit, fmt_num, guarded, report_error, settings, warn, RenderArgs};

/// Runs `vernis render`.
pub(crate) fn cmd_render(args: &RenderArgs) -> ExitCode {
    let started = std::time::Instant::now();
    let in_name = args.input.display().to_string();
    let out_name = args.output.display().to_string();
    let base = match preset_chain(&args.presets) {
        Ok(c) => c,
        Err((path, reason)) => {
            report_error(&format!("--preset {}", path.display()), &reason);
            return ExitCode::from(2);
        }
    };
    let chain = match settings::chain_settings(&base, args.pre_gain_db, &args.sets) {
        Ok(c) => c,
        Err(reason) => {
            report_error("--set", &reason);
            return ExitCode::from(2);
        }
    };
    for text in settings::unused_band_warnings(&args.sets, chain.multiband.as_ref()) {
        warn(&text);
    }
    let info = match guarded(|| AudioSource::open(&args.input).map_err(|e| e.to_string())) {
        Ok(source) => source.info().clone(),
        Err(reason) => {
            report_error(&in_name, &reason);
            return ExitCode::FAILURE;
        }
    };
    let container = OutputContainer::for_path(&args.output);
    let format = args
        .format
        .unwrap_or_else(|| container.default_format(&info));
    if let Err(reason) = container.check(format) {
        report_error("--format", &reason);
        return ExitCode::from(2);
    }
    let progress = io::stdout().is_terminal();

    let result = guarded(|| {
        Ok(render_file(
            args,
            &info,
            (container, format),
            chain,
            progress,
        ))
    });
    let out = match result {
        Ok(Ok(out)) => out,
        Ok(Err((is_input, reason))) => {
            report_error(if is_input { &in_name } else { &out_name }, &reason);
            return ExitCode::FAILURE;
        }
        Err(reason) => {
            report_error(&in_name, &reason);
            return ExitCode::FAILURE;
        }
    };
    let dither = chain.limiter.map_or(Dither::Off, |l| l.dither);
    for w in render::dither_warnings(dither, format.int_bits()) {
        warn(&w);
    }

    let r = &out.reading;
    let duration_s = out.frames as f64 / f64::from(info.sample_rate_hz);
    let mut text = String::new();
    let _ = writeln!(text, "Rendered    {in_name} -> {out_name}");
    let _ = writeln!(
        text,
        "Format      {}, {} Hz, {}, {:.3} s ({} frames)",
        format.describe(container),
        info.sample_rate_hz,
        info.layout_name(),
        duration_s,
        out.frames
    );
    let _ = writeln!(text, "Chain       {}", describe_chain(&chain));
    let _ = writeln!(
        text,
        "Latency     {} samples (compensated)",
        out.latency_samples
    );
    let _ = writeln!(
        text,
        "Output      {} LUFS integrated, true peak {} dBTP, LRA {} LU",
        fmt_num(r.integrated_lufs, 1),
        fmt_num(r.true_peak_dbtp, 2),
        fmt_num(r.loudness_range_lu, 1)
    );
    match &out.gain_reduction {
        Some(g) => {
            let _ = writeln!(
                text,
                "Gain reduction  max {:.1} dB, mean {:.2} dB; over 1/3/6 dB: {:.1} % / {:.1} % / {:.1} %",
                g.max_db, g.mean_db, g.percent_above_db[0], g.percent_above_db[1], g.percent_above_db[2]
            );
        }
        None => {
            let _ = writeln!(text, "Gain reduction  none (no limiter in the chain)");
        }
    }
    if !emit(&text) {
        return ExitCode::FAILURE;
    }
    if args.verbose {
        let stages = render::describe_stages(&out.stages, started.elapsed());
        let _ = io::stderr().lock().write_all(stages.as_bytes());
    }
    ExitCode::SUCCESS
}

/// The chain the `--preset` files give (pre-gain 0 dB; see `vernis_presets::from_state`), or the
/// file at fault with a one-line reason.
fn preset_chain(paths: &[PathBuf]) -> Result<ChainSettings, (PathBuf, String)> {
    let mut chain = ChainFromPresets::new();
    for path in paths {
        let fail = |reason: String| (path.clone(), reason);
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let preset = VstPreset::from_bytes(&bytes).map_err(|e| fail(e.to_string()))?;
        chain.add(&preset).map_err(|e| fail(e.to_string()))?;
    }
    Ok(chain.chain())
}

/// The chain's stages in order, for the report.
fn describe_chain(chain: &ChainSettings) -> String {
    let mut stages = Vec::new();
    if let Some(e) = &chain.eq {
        let on = e.bands.iter().filter(|b| b.used).count();
        let dynamic = e
            .bands
            .iter()
            .filter(|b| b.used && b.dynamics.enabled)
            .count();
        let plural = if on == 1 { "" } else { "s" };
        stages.push(format!(
            "eq {on} band{plural} on ({dynamic} dynamic), {}, output gain {:+.1} dB",
            e.phase.key(),
            e.output_gain_db
        ));
    }
    if let Some(m) = &chain.multiband {
        stages.push(format!(
            "multiband {} bands {}, output gain {:+.1} dB{}",
            m.bands,
            m.mode.key(),
            m.output_gain_db,
            if m.bypass { " (bypassed)" } else { "" }
        ));
    }
    stages.push(format!("pre-gain {:+.3} dB", chain.pre_gain_db));
    match &chain.limiter {
        Some(l) => stages.push(format!(
            "limiter input gain {:+.3} dB, ceiling {} dBTP, style {}, dither {}",
            l.input_gain_db,
            l.ceiling_dbtp,
            l.style.key(),
            l.dither.key()
        )),
        None => stages.push("no limiter".into()),
    }
    stages.join(" -> ")
}

/// Renders IN to OUT through a temporary file; the error says whether the input is at fault.
fn render_file(
    args: &RenderArgs,
    info: &audio_io::AudioInfo,
    (container, format): (OutputContainer, OutputFormat),
    chain: ChainSettings,
    progress: bool,
) -> Result<render::PassOutput, (bool, String)> {
    let temp = TempOutput::new(&args.output).map_err(|e| (false, e.to_string()))?;
    let mut sink = AudioSink::create(
        temp.path(),
        container,
        format,
        info.channels,
        info.sample_rate_hz,
    )
    .map_err(|e| (false, format!("cannot write: {e}")))?;
    let bar = progress_bar(info, &args.input.display().to_string(), progress);
    let out = render::run_pass(
        &InputAudio::File(args.input.clone()),
        info.sample_rate_hz,
        info.channels,
        PassOptions {
            chain,
            quantise_bits: format.int_bits(),
            gain_reduction: true,
            sink: Some(&mut sink),
            progress: bar.as_ref(),
            parallel: !args.single_thread,
            detailed_timing: args.verbose,
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let out = out.map_err(|e| (matches!(e, RenderError::Input(_)), e.to_string()))?;
    sink.finish()
        .and_then(|_| temp.commit())
        .map_err(|e| (false, format!("cannot write: {e}")))?;
    Ok(out)
}
