//! `vernis`: the command-line side of the Vernis mastering suite.
//!
//! `vernis analyze` measures loudness (EBU R128 / ITU-R BS.1770) and true peak of WAV and FLAC
//! files and compares them with streaming and broadcast targets; `vernis demo` renders a
//! synthesised demo mix and analyses it.

mod analyze;
mod audio_io;
mod demo;
mod plot;
mod report;

use std::any::Any;
use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use dsp_core::targets::{platform_by_id, Platform, PLATFORMS};

use crate::analyze::analyze_file;
use crate::plot::{plot_path_for, write_loudness_plot};
use crate::report::{json_report, text_report};

const ANALYZE_LONG_ABOUT: &str = "\
Measures each FILE: integrated loudness (I), loudness range (LRA), maximum momentary (M) and \
short-term (S) loudness, true peak, sample peak and PLR, and compares them with the targets of \
eight streaming platforms and broadcast standards.

Reads WAV (8/16/24/32-bit integer, 32-bit float; PCM or WAVE_FORMAT_EXTENSIBLE) and FLAC, mono \
to 5.1 (1 to 6 channels; 5 channels are L R C Ls Rs, 6 are L R C LFE Ls Rs, the LFE is not \
counted), at 8 to 384 kHz. Files are recognised by their content, not their extension. Files \
are streamed, so their length is not limited by memory.

Output: a text report per file by default. With --json, one JSON object when one FILE is given, \
or a JSON array of objects (one per file read successfully, in order) when several are given. \
Undefined values (silence: -inf) are null.

A file that cannot be read is reported on stderr as one line 'vernis: FILE: reason' and the \
other files are still analysed; the exit status is then 1 (0 when every file was read, 2 for \
usage errors).";

/// The Vernis mastering suite on the command line.
#[derive(Debug, Parser)]
#[command(name = "vernis", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure the loudness and true peak of audio files (EBU R128 / BS.1770).
    #[command(long_about = ANALYZE_LONG_ABOUT)]
    Analyze(AnalyzeArgs),
    /// Render the built-in demo mix to OUT_DIR/demo.wav and analyse it.
    ///
    /// Writes demo.wav (48 kHz stereo, 32-bit float), demo-report.txt, demo-report.json and
    /// demo-loudness.png into OUT_DIR (created if needed) and prints the report.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    /// WAV or FLAC files to analyse.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Print JSON instead of the text report (an object for one FILE, an array for several).
    #[arg(long)]
    json: bool,

    /// Write a PNG plot of momentary and short-term loudness over time to OUT.png. With several
    /// files, each plot goes to OUT with the file's stem appended (loud.png -> loud-song.png).
    #[arg(long, value_name = "OUT.png", value_parser = parse_png_path)]
    plot: Option<PathBuf>,

    /// Platform whose target is drawn on the plot and marked in the report.
    #[arg(long, value_name = "PLATFORM_ID", default_value = "spotify", value_parser = platform_ids())]
    target: String,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Directory to write the demo files into.
    #[arg(value_name = "OUT_DIR")]
    out_dir: PathBuf,

    /// Platform whose target is drawn on the plot and marked in the report.
    #[arg(long, value_name = "PLATFORM_ID", default_value = "spotify", value_parser = platform_ids())]
    target: String,
}

fn platform_ids() -> PossibleValuesParser {
    PossibleValuesParser::new(PLATFORMS.iter().map(|p| p.id))
}

fn parse_png_path(s: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(s);
    match path.extension() {
        Some(ext) if ext.eq_ignore_ascii_case("png") => Ok(path),
        _ => Err("the plot is written as PNG: give a file name ending in .png".into()),
    }
}

fn target_platform(id: &str) -> &'static Platform {
    platform_by_id(id).unwrap_or(&PLATFORMS[0])
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    match guarded(|| Ok(run(cli))) {
        Ok(code) => code,
        Err(reason) => {
            report_error("vernis", &reason);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Analyze(args) => cmd_analyze(&args),
        Command::Demo(args) => cmd_demo(&args),
    }
}

/// Prints `vernis: <subject>: <reason>` as one line on stderr.
fn report_error(subject: &str, reason: &str) {
    let line = reason.replace('\n', " ");
    let _ = writeln!(io::stderr().lock(), "vernis: {subject}: {line}");
}

/// Writes `text` to stdout; `false` when stdout is gone (e.g. a closed pipe).
fn emit(text: &str) -> bool {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_ok()
}

fn cmd_analyze(args: &AnalyzeArgs) -> ExitCode {
    let target = target_platform(&args.target);
    let several = args.files.len() > 1;
    let progress = !args.json && io::stdout().is_terminal();
    let mut failed = false;
    let mut reports = Vec::new();
    let mut plots_taken = Vec::new();
    let mut first_text = true;

    for path in &args.files {
        let name = path.display().to_string();
        let analysis =
            match guarded(|| analyze_file(path, &name, progress).map_err(|e| e.to_string())) {
                Ok(a) => a,
                Err(reason) => {
                    report_error(&name, &reason);
                    failed = true;
                    continue;
                }
            };

        let mut plot_written = None;
        if let Some(out) = &args.plot {
            let plot_path = plot_path_for(out, path, several, &mut plots_taken);
            match guarded(|| write_loudness_plot(&analysis, target, &plot_path)) {
                Ok(()) => plot_written = Some(plot_path),
                Err(reason) => {
                    report_error(&plot_path.display().to_string(), &reason);
                    failed = true;
                }
            }
        }

        if args.json {
            reports.push(json_report(&analysis));
        } else {
            let mut text = String::new();
            if !first_text {
                text.push('\n');
            }
            first_text = false;
            text.push_str(&text_report(&analysis, target));
            if let Some(p) = plot_written {
                text.push_str(&format!("\nPlot        {}\n", p.display()));
            }
            if !emit(&text) {
                return ExitCode::FAILURE;
            }
        }
    }

    if args.json {
        let encoded = if several {
            serde_json::to_string_pretty(&reports)
        } else {
            match reports.first() {
                Some(r) => serde_json::to_string_pretty(r),
                None => Ok(String::new()),
            }
        };
        match encoded {
            Ok(s) if !s.is_empty() => {
                if !emit(&(s + "\n")) {
                    return ExitCode::FAILURE;
                }
            }
            Ok(_) => {}
            Err(e) => {
                report_error("vernis", &format!("cannot encode JSON: {e}"));
                failed = true;
            }
        }
    }

    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_demo(args: &DemoArgs) -> ExitCode {
    let target = target_platform(&args.target);
    match guarded(|| {
        demo::run_demo(&args.out_dir, target)
            .map_err(|(path, reason)| format!("{}: {reason}", path.display()))
    }) {
        Ok(out) => {
            let mut text = out.text;
            text.push_str("\nWrote\n");
            for f in &out.files {
                text.push_str(&format!("  {}\n", f.display()));
            }
            if emit(&text) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(reason) => {
            let _ = writeln!(io::stderr().lock(), "vernis: {}", reason.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

thread_local! {
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic message by a note of where it happened, so that a bug is
/// reported as one `vernis: FILE: internal error` line and the other files still run.
fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC_LOCATION.with(|cell| *cell.borrow_mut() = Some(location));
    }));
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs `f`, turning a panic into an `internal error` reason.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let location = PANIC_LOCATION
                .with(|cell| cell.borrow_mut().take())
                .filter(|l| !l.is_empty())
                .map(|l| format!(" at {l}"))
                .unwrap_or_default();
            Err(format!(
                "internal error: {}{location} (please report this)",
                panic_message(payload.as_ref())
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn guarded_turns_panics_into_errors() {
        let r: Result<(), String> = guarded(|| panic!("boom"));
        let reason = r.unwrap_err();
        assert!(reason.starts_with("internal error: boom"), "{reason}");
    }

    #[test]
    fn png_paths_only() {
        assert!(parse_png_path("a/b.PNG").is_ok());
        assert!(parse_png_path("a/b.jpg").is_err());
        assert!(parse_png_path("noextension").is_err());
    }
}
