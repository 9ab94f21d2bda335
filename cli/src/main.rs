//! `vernis`: the command-line side of the Vernis mastering suite.
//!
//! `vernis analyze` measures loudness (EBU R128 / ITU-R BS.1770) and true peak of audio files
//! (WAV, RF64, AIFF, CAF, FLAC, M4A, MP3, Ogg Vorbis) and compares them with streaming and broadcast targets; `vernis render` runs a file
//! through the mastering chain (eq → multiband → pre-gain → limiter) with explicit settings; `vernis
//! master` finds the limiter drive that meets a loudness target under a true-peak ceiling; `vernis demo` renders a synthesised demo mix,
//! analyses it and masters it.

mod album_cmd;
mod analyze;
mod audio_io;
mod batch;
mod demo;
mod layout;
mod master;
mod master_batch;
mod pass;
mod plot;
mod plot_spectrum;
mod presets;
mod render;
mod render_cmd;
mod report;
mod settings;
mod versions;

use std::any::Any;
use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use dsp_core::chain::Stage;
use dsp_core::dynamics::{Dither, LimiterSettings, LimiterStyle};
use dsp_core::targets::{platform_by_id, Platform, PLATFORMS};

use crate::analyze::analyze_file_in_layout;
use crate::audio_io::{OutputContainer, OutputFormat};
use crate::master::{MasterError, MasterOptions, Target};
use crate::plot::{plot_path_for, write_loudness_plot, write_master_plot};
use crate::report::{json_report, text_report};

const ANALYZE_LONG_ABOUT: &str = "\
Measures each FILE: integrated loudness (I), loudness range (LRA), maximum momentary (M) and \
short-term (S) loudness, true peak, sample peak and PLR, and compares them with the targets of \
eight streaming platforms and broadcast standards.

Reads WAV (PCM, float or WAVE_FORMAT_EXTENSIBLE), RF64/BW64, AIFF/AIFF-C, CAF, FLAC, ALAC and \
AAC in MP4/M4A, MP3 and Ogg Vorbis, 1 to 16 channels, at 8 to 384 kHz. Channels are weighed by \
loudspeaker position (ITU-R BS.1770-4: sides 1.41, LFE not counted): the layout comes from \
--layout, else the file's channel mask, else it is assumed from the count in WAV order (5 = L R C \
Ls Rs, 6 = 5.1, 8 = 7.1 FL FR FC LFE BL BR SL SR, 12 = 7.1.4 with TFL TFR TBL TBR) and the report \
says so. Lossy files are measured without the encoder delay and padding their container records \
(MP3 LAME/Xing header, Ogg, MP4 edit list or iTunSMPB). Files are recognised by their content, \
not their extension. Files are streamed, so their length is not limited by memory.

Output: a text report per file by default. With --json, one JSON object when one FILE is given, \
or a JSON array of objects (one per file read successfully, in order) when several are given. \
With --json-lines, one compact object per line per file in the order given, printed as each is \
ready; a file that cannot be read gives {\"file\": ..., \"error\": ...}. Undefined values \
(silence: -inf) are null.

Files are analysed on --jobs worker threads (default: every core); the output is the same, byte \
for byte, whatever the number.

A file that cannot be read is reported on stderr as one line 'vernis: FILE: reason' and the \
other files are still analysed; the exit status is then 1 (0 when every file was read, 2 for \
usage errors).";

const RENDER_LONG_ABOUT: &str = "\
Renders IN through the Vernis mastering chain with explicit settings and writes OUT as WAV, or as \
FLAC when OUT ends in .flac (16- or 24-bit).

Chain: dynamic EQ (--set eq.<key>=<value>, e.g. eq.band3.enabled=on eq.band3.frequency_hz=3000) -> \
multiband (--set multiband.<key>=<value>) -> pre-gain (--pre-gain, 0 dB by default) -> \
limiter (--set limiter.<key>=<value>). A stage is in the chain only when a --preset gives it or at \
least one of its keys is set (the other keys keep their defaults); with neither, only the pre-gain \
runs. The \
chain's latency (the sum of its stages') is compensated: OUT has exactly IN's length and every \
event stays at its frame.

Presets: --preset FILE (repeatable) reads a .vstpreset of Vernis Dynamic EQ, Vernis Multiband or \
Vernis Limiter (those `vernis master --presets DIR` writes, or one saved from the plugin in a DAW) \
and puts that plugin in the chain with the settings the plugin would load from it (parameters \
the preset lacks at the plugin's defaults); the stages run in chain order whatever the order of \
the files. --set keys then change those settings (a stage only given with --set starts from its \
defaults) and --pre-gain applies as usual (the presets of `master --presets` carry the master's \
pre-gain in the Output Gain of the stage before the limiter, so they need no --pre-gain to \
reproduce it). A preset that cannot be read, is not a .vstpreset, holds no readable plugin \
state, is for another plugin or repeats a plugin is a one-line error (exit status 2).

Output format: --format, by default the input's resolution (16-bit for integer input of up to 16 \
bits, 24-bit for up to 24 bits, 32-bit float for float and 32-bit integer input). Dither is the \
limiter's `dither` setting and is off unless set; writing 16- or 24-bit output without it prints a \
warning. With dither the limiter's output already lies on the output grid and is stored exactly; \
without it samples are rounded to the nearest step.

Prints the output's loudness, true peak and gain reduction. The same input and settings always \
give the same output bytes. A file that cannot be read or written is reported as one line \
'vernis: FILE: reason' (exit status 1; nothing is written); invalid options and settings exit \
with 2.";

const MASTER_LONG_ABOUT: &str = "\
Masters IN to a loudness target: finds the limiter drive that brings the integrated loudness of \
the output within 0.1 LU of the target with its true peak at or under the ceiling, renders OUT \
and reports before/after loudness, true peak, loudness range and gain reduction.

Target: --target PLATFORM_ID (default spotify) uses the platform's integrated loudness and true-peak \
ceiling; --lufs L sets a loudness (ceiling -1 dBTP). --ceiling overrides the ceiling. For Spotify, \
whose ceiling tightens to -2 dBTP for masters louder than -14 LUFS, the search aims 0.05 LU under \
the target so the master stays at or under -14 LUFS.

Search: each step renders the whole programme and measures it (BS.1770). The drive starts at \
target minus the input's loudness and is refined by secant steps and bisection until the output \
is within 0.05 LU (at most 12 renders). A positive drive is the limiter's Input Gain (0..24 dB). \
When the input is louder than the target, the drive is negative: a plain pre-gain in front of the \
limiter turns it down (the limiter's Input Gain only goes up) and the limiter only guards the \
ceiling.

EQ and multiband: --set eq.<key>=<value> and --set multiband.<key>=<value> put the dynamic EQ and \
the multiband compressor in front of the drive (eq -> multiband -> pre-gain -> limiter). Their \
output does not depend on the drive: it is rendered once \
on its own to measure what the drive acts on, then the search runs as above, every render \
through the whole chain.

Output: --format as for render (default: the input's resolution). Dither follows the format: \
16-bit shaped for wav16, 24-bit for wav24, off for wav32f (override with --set limiter.dither=...). \
The written output is measured again after rounding to its word length.

--report writes a JSON report: input and output (the fields of analyze --json), settings (every \
limiter key and pre_gain_db; with an EQ or multiband stage also eq or multiband, their settings by \
key), render_args (arguments of vernis render that reproduce OUT \
exactly), target, gain_reduction (max, mean and percent of the programme limited by more than \
1/3/6 dB, measured per 64-frame block), iterations, search, within_tolerance and warnings. \
Warnings (also printed on stderr as 'vernis: warning: ...'): more than 6 dB of gain reduction at \
the deepest point, a target out of reach, an output outside the tolerance, integer output without \
dither. --plot draws the input's and the output's loudness over time and the gain reduction.

Exit status: 0 when OUT was written (check within_tolerance), 1 when a file cannot be read or \
written ('vernis: FILE: reason'; nothing is left behind), 2 for invalid options. Deterministic: the \
same input and options always give the same output bytes.";

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
    /// Render a file through the mastering chain (eq, multiband, pre-gain, limiter) with explicit settings.
    #[command(long_about = RENDER_LONG_ABOUT, after_long_help = settings::settings_help())]
    Render(RenderArgs),
    /// Master a file to a platform's loudness target under a true-peak ceiling.
    #[command(long_about = MASTER_LONG_ABOUT, after_long_help = settings::settings_help())]
    Master(MasterArgs),
    /// Render the built-in demo mix to OUT_DIR/demo.wav, analyse it and master it.
    ///
    /// Writes demo.wav (48 kHz stereo, 32-bit float), demo-report.txt, demo-report.json and
    /// demo-loudness.png into OUT_DIR (created if needed) and prints the report; then masters
    /// the mix to the target (24-bit) and writes demo-master.wav, demo-master-report.json (as
    /// `master --report`), demo-master-report.txt (the summary and the analysis of the master)
    /// and demo-master.png (loudness before and after, gain reduction); then, from the same
    /// decisions, every streaming platform's version, its report and its preview into
    /// OUT_DIR/demo-versions/ with the comparison table (demo-versions.txt and .json).
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// Audio file to render (WAV, RF64, AIFF, CAF, FLAC, M4A, MP3, Ogg Vorbis).
    #[arg(value_name = "IN")]
    input: PathBuf,

    /// File to write: FLAC when it ends in .flac, else WAV.
    #[arg(value_name = "OUT")]
    output: PathBuf,

    /// Set a setting of a stage, e.g. --set limiter.ceiling_dbtp=-1,
    /// --set multiband.band2.threshold_db=-30 or --set eq.band3.frequency_hz=3000 (repeatable; a stage with a key set is in the chain;
    /// see the list below).
    #[arg(long = "set", value_name = "STAGE.KEY=VALUE", value_parser = settings::parse_setting)]
    sets: Vec<settings::SetArg>,

    /// Start from a .vstpreset of Vernis Dynamic EQ, Multiband or Limiter (as `master --presets`
    /// writes or a DAW saves; repeatable, one per plugin, any order); --set keys apply on top.
    #[arg(long = "preset", value_name = "FILE")]
    presets: Vec<PathBuf>,

    /// Output sample format [default: the input's resolution].
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,

    /// Gain before the limiter, dB (-80..0).
    #[arg(long = "pre-gain", value_name = "DB", default_value = "0", allow_negative_numbers = true, value_parser = parse_pre_gain)]
    pre_gain_db: f32,

    /// Print where the time went (wall-clock seconds per stage) to stderr.
    #[arg(long, short)]
    verbose: bool,

    /// Run every stage on one thread (the output is the same bytes either way).
    #[arg(long = "single-thread")]
    single_thread: bool,
}

#[derive(Debug, Args)]
struct MasterArgs {
    /// IN OUT: the file to master (WAV, RF64, AIFF, CAF, FLAC, M4A, MP3, Ogg Vorbis) and the file
    /// to write (FLAC when it ends in .flac, else WAV). With --out-dir: the files to master, each
    /// to DIR/STEM.wav with its report DIR/STEM.json.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Master one version per platform (comma-separated ids) into --out-dir: one analysis and
    /// one set of EQ/multiband decisions, then one drive search per platform.
    #[arg(long, value_name = "IDS", value_delimiter = ',', value_parser = platform_ids(),
          conflicts_with_all = ["target", "lufs"], requires = "out_dir")]
    targets: Vec<String>,

    /// Write into this directory (created if needed): each FILE's master DIR/STEM.wav and its
    /// report DIR/STEM.json, or with --targets its versions DIR/STEM-PLATFORM.wav (and .json)
    /// and the summary DIR/STEM-versions.json. STEM is the file's name without extension.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["report", "plot", "presets"])]
    out_dir: Option<PathBuf>,

    /// With --targets: also write each version as its platform plays it, its normalisation
    /// gain applied (STEM-PLATFORM-preview.wav, 32-bit float).
    #[arg(long, requires = "targets")]
    preview: bool,

    /// With --out-dir: files mastered at once [default: the number of cores]; the files written
    /// are the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..), requires = "out_dir")]
    jobs: Option<u16>,

    /// With --out-dir: print one compact JSON line per FILE (its result, or its error) instead
    /// of the text summaries.
    #[arg(long, requires = "out_dir")]
    json_lines: bool,

    /// The FILEs are one album's tracks, in order: one analysis and one set of decisions for the
    /// album; each track's drive keeps the loudness differences between tracks while the album
    /// (all tracks as one programme) meets the target. Writes DIR/STEM.wav and DIR/STEM.json
    /// per track and DIR/album.json.
    #[arg(long, requires = "out_dir", conflicts_with_all = ["targets", "jobs", "json_lines"])]
    album: bool,

    /// Platform whose loudness target and ceiling to meet [default: spotify].
    #[arg(long, value_name = "PLATFORM_ID", value_parser = platform_ids(), conflicts_with = "lufs")]
    target: Option<String>,

    /// Integrated loudness to reach instead of a platform's, LUFS (-60..0; ceiling -1 dBTP).
    #[arg(long, value_name = "LUFS", allow_negative_numbers = true, value_parser = parse_lufs)]
    lufs: Option<f64>,

    /// True-peak ceiling, dBTP (-12..0) [default: the platform's].
    #[arg(long, value_name = "DBTP", allow_negative_numbers = true, value_parser = parse_ceiling)]
    ceiling: Option<f64>,

    /// Limiter style [default: transparent].
    #[arg(long, value_name = "STYLE", value_parser = style_keys())]
    style: Option<String>,

    /// Output sample format [default: the input's resolution].
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,

    /// Write the JSON report to this file.
    #[arg(long, value_name = "R.json")]
    report: Option<PathBuf>,

    /// Write a PNG plot of loudness before and after, and of the gain reduction.
    #[arg(long, value_name = "OUT.png", value_parser = parse_png_path)]
    plot: Option<PathBuf>,

    /// Other limiter settings, as for render (not input_gain_db, ceiling_dbtp, style, unity_gain,
    /// bypass), and multiband settings (multiband.KEY=VALUE: a multiband stage runs before the
    /// drive).
    #[arg(long = "set", value_name = "STAGE.KEY=VALUE", value_parser = parse_master_setting)]
    sets: Vec<settings::SetArg>,

    /// The assistant: measures the input, proposes the dynamic EQ, multiband and limiter style
    /// with a reason for each move (the report lists them); a stage given with --set or --style
    /// replaces its proposal.
    #[arg(long, value_enum, default_value = "on")]
    assistant: AssistantSwitch,

    /// A reference whose loud-section tonal balance the assistant matches (any rate, mono or
    /// stereo, at least 3 s).
    #[arg(long, value_name = "REF")]
    reference: Option<PathBuf>,

    /// Share of each tonal-match move applied, % (0..100).
    #[arg(long, value_name = "PERCENT", default_value_t = 100.0, value_parser = parse_percent)]
    match_amount: f64,

    /// Write one .vstpreset per plugin of the chain into this directory (dynamic-eq, multiband,
    /// limiter): loaded into the plugins in that order, they play the master.
    #[arg(long, value_name = "DIR")]
    presets: Option<PathBuf>,
}

/// `--assistant on|off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum AssistantSwitch {
    /// Propose the chain.
    On,
    /// Only the limiter (and any stage given with --set).
    Off,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    let v: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 0..100"))
    }
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    /// Audio files to analyse.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Print JSON instead of the text report (an object for one FILE, an array for several).
    #[arg(long, conflicts_with = "json_lines")]
    json: bool,

    /// Print one compact JSON object per line per FILE, in the order given, as each is ready
    /// (for catalogue audits); a file that cannot be read gives {"file": …, "error": …}.
    #[arg(long)]
    json_lines: bool,

    /// Files analysed at once [default: the number of cores]; the output is the same for any
    /// number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,

    /// Write a PNG plot of momentary and short-term loudness over time to OUT.png. With several
    /// files, each plot goes to OUT with the file's stem appended (loud.png -> loud-song.png).
    #[arg(long, value_name = "OUT.png", value_parser = parse_png_path)]
    plot: Option<PathBuf>,

    /// Platform whose target is drawn on the plot and marked in the report.
    #[arg(long, value_name = "PLATFORM_ID", default_value = "spotify", value_parser = platform_ids())]
    target: String,

    /// Loudspeaker layout of the channels (mono, stereo, 3.0, quad, 5.0, 5.1, 7.1, 5.1.2, 5.1.4,
    /// 7.1.2, 7.1.4), overriding the file's channel mask or the layout assumed from the count.
    #[arg(long, value_name = "LAYOUT", value_parser = layout::parse_layout)]
    layout: Option<dsp_core::layout::ChannelLayout>,
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

fn style_keys() -> PossibleValuesParser {
    PossibleValuesParser::new(LimiterStyle::ALL.map(LimiterStyle::key))
}

/// Parses a number in `min..=max`.
fn parse_number(s: &str, min: f64, max: f64, unit: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if !(min..=max).contains(&v) {
        return Err(format!("must be within {min}..{max} {unit}"));
    }
    Ok(v)
}

fn parse_pre_gain(s: &str) -> Result<f32, String> {
    parse_number(s, f64::from(render::PRE_GAIN_MIN_DB), 0.0, "dB").map(|v| v as f32)
}

fn parse_lufs(s: &str) -> Result<f64, String> {
    parse_number(s, -60.0, 0.0, "LUFS")
}

fn parse_ceiling(s: &str) -> Result<f64, String> {
    parse_number(s, -12.0, 0.0, "dBTP")
}

/// `--set` for master: as for render, minus the limiter settings master decides or has options for.
fn parse_master_setting(s: &str) -> Result<settings::SetArg, String> {
    let set = settings::parse_setting(s)?;
    if set.stage != Stage::Limiter {
        return Ok(set);
    }
    let why = match set.key.as_str() {
        "input_gain_db" => "the search sets the input gain",
        "ceiling_dbtp" => "use --ceiling",
        "style" => "use --style",
        "unity_gain" | "bypass" => "master needs the limiter's output at full level",
        _ => return Ok(set),
    };
    Err(format!(
        "limiter.{} cannot be set for master: {why}",
        set.key
    ))
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
        Command::Render(args) => render_cmd::cmd_render(&args),
        Command::Master(args) => cmd_master(&args),
        Command::Demo(args) => cmd_demo(&args),
    }
}

/// Prints `vernis: <subject>: <reason>` as one line on stderr.
fn report_error(subject: &str, reason: &str) {
    let line = reason.replace('\n', " ");
    let _ = writeln!(io::stderr().lock(), "vernis: {subject}: {line}");
}

/// Prints `vernis: warning: <text>` as one line on stderr.
fn warn(text: &str) {
    let line = text.replace('\n', " ");
    let _ = writeln!(io::stderr().lock(), "vernis: warning: {line}");
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
    let jobs = args.jobs.map_or_else(batch::default_jobs, usize::from);
    // Progress bars only for one file at a time on a terminal.
    let progress =
        !args.json && !args.json_lines && io::stdout().is_terminal() && (!several || jobs == 1);
    let mut failed = false;
    let mut stdout_gone = false;
    let mut reports = Vec::new();
    let mut plots_taken = Vec::new();
    let mut first_text = true;

    let analyse = |path: &PathBuf| {
        let name = path.display().to_string();
        guarded(|| {
            analyze_file_in_layout(path, &name, progress, args.layout, |_, _| {})
                .map_err(|e| e.to_string())
        })
    };
    batch::run_ordered(&args.files, jobs, analyse, |i, result| {
        let path = &args.files[i];
        let name = path.display().to_string();
        let analysis = match result {
            Ok(a) => a,
            Err(reason) => {
                report_error(&name, &reason);
                failed = true;
                if args.json_lines {
                    let line = serde_json::json!({ "file": name, "error": reason });
                    if !emit(&format!("{line}\n")) {
                        stdout_gone = true;
                        return false;
                    }
                }
                return true;
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

        if args.json_lines {
            match serde_json::to_string(&json_report(&analysis)) {
                Ok(line) => {
                    if !emit(&(line + "\n")) {
                        stdout_gone = true;
                        return false;
                    }
                }
                Err(e) => {
                    report_error(&name, &format!("cannot encode JSON: {e}"));
                    failed = true;
                }
            }
        } else if args.json {
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
                stdout_gone = true;
                return false;
            }
        }
        true
    });
    if stdout_gone {
        return ExitCode::FAILURE;
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

/// Formats a reading with `decimals` places; `-inf` for silence, `n/a` for NaN.
pub(crate) fn fmt_num(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{x:.decimals$}")
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        "n/a".into()
    }
}

fn cmd_master(args: &MasterArgs) -> ExitCode {
    let (input, output_path) = match (&args.out_dir, args.files.as_slice()) {
        (Some(_), _) => (args.files[0].clone(), PathBuf::from("master.wav")),
        (None, [input, output]) => (input.clone(), output.clone()),
        (None, _) => {
            report_error(
                "usage",
                "give IN and OUT, or --out-dir DIR with the files to master",
            );
            return ExitCode::from(2);
        }
    };
    let in_name = input.display().to_string();
    let target = match args.lufs {
        Some(lufs) => Target::lufs(lufs, args.ceiling),
        None => Target::platform(
            target_platform(args.target.as_deref().unwrap_or("spotify")),
            args.ceiling,
        ),
    };
    let (mut limiter, multiband, eq) =
        match settings::limiter_settings(LimiterSettings::default(), &args.sets).and_then(|l| {
            Ok((
                l,
                settings::multiband_settings(&args.sets)?,
                settings::eq_settings(&args.sets)?,
            ))
        }) {
            Ok(s) => s,
            Err(reason) => {
                report_error("--set", &reason);
                return ExitCode::from(2);
            }
        };
    for text in settings::unused_band_warnings(&args.sets, multiband.as_ref()) {
        warn(&text);
    }
    if let Some(style) = args.style.as_deref().and_then(LimiterStyle::parse) {
        limiter.style = style;
    }
    let dither = args
        .sets
        .iter()
        .rev()
        .find(|s| s.stage == Stage::Limiter && s.key == "dither")
        .and_then(|s| Dither::parse(&s.value));
    if let Some(format) = args.format {
        if let Err(reason) = OutputContainer::for_path(&output_path).check(format) {
            report_error("--format", &reason);
            return ExitCode::from(2);
        }
    }
    let opts = MasterOptions {
        target,
        limiter,
        eq,
        multiband,
        dither,
        format: args.format,
        assistant: (args.assistant == AssistantSwitch::On).then(|| master::AssistantRequest {
            reference: args.reference.clone(),
            match_amount_percent: args.match_amount,
            keep_style: args.style.is_some(),
        }),
    };
    if args.assistant == AssistantSwitch::Off && args.reference.is_some() {
        warn("--reference is ignored with --assistant off");
    }
    let progress = io::stdout().is_terminal();
    match &args.out_dir {
        Some(dir) if args.album => return album_cmd::cmd_master_album(args, &opts, dir),
        Some(dir) => return master_batch::cmd_master_batch(args, &opts, dir),
        None => {}
    }
    let out_name = output_path.display().to_string();
    let result = guarded(|| {
        Ok(master::master_file(
            &input,
            &in_name,
            &output_path,
            &out_name,
            &opts,
            progress,
        ))
    });
    let outcome = match result {
        Ok(Ok(m)) => m,
        Ok(Err(MasterError::Input(reason))) | Err(reason) => {
            report_error(&in_name, &reason);
            return ExitCode::FAILURE;
        }
        Ok(Err(MasterError::Output(reason))) => {
            report_error(&out_name, &reason);
            return ExitCode::FAILURE;
        }
        Ok(Err(MasterError::Reference(reason))) => {
            report_error("--reference", &reason);
            return ExitCode::FAILURE;
        }
    };
    for w in &outcome.warnings {
        warn(w);
    }

    let mut failed = false;
    let mut text = master::master_summary(&outcome);
    // With the assistant, the master measured as the input was, for the report and the plot.
    let master_analysis = match &outcome.assistant {
        Some(_) if args.report.is_some() || args.plot.is_some() => {
            match guarded(|| master::analysis_of(&output_path)) {
                Ok(a) => Some(a),
                Err(reason) => {
                    report_error(&output_path.display().to_string(), &reason);
                    failed = true;
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(path) = &args.report {
        let report = master::master_report(&outcome, master_analysis.as_ref());
        let written = serde_json::to_string_pretty(&report)
            .map_err(|e| format!("cannot encode JSON: {e}"))
            .and_then(|json| {
                std::fs::write(path, json + "\n").map_err(|e| format!("cannot write: {e}"))
            });
        match written {
            Ok(()) => text.push_str(&format!("Report      {}\n", path.display())),
            Err(reason) => {
                report_error(&path.display().to_string(), &reason);
                failed = true;
            }
        }
    }
    if let Some(path) = &args.plot {
        let drawn = guarded(|| {
            write_master_plot(
                &outcome.input,
                &outcome.output,
                &outcome.gain_reduction.history_db,
                &outcome.target.name,
                outcome.target.lufs,
                path,
            )
        });
        match drawn {
            Ok(()) => text.push_str(&format!("Plot        {}\n", path.display())),
            Err(reason) => {
                report_error(&path.display().to_string(), &reason);
                failed = true;
            }
        }
        // With the assistant, the loud-section spectra before, after and of the reference.
        if let (Some(a), Some(after)) = (&outcome.assistant, &master_analysis) {
            let spectrum = plot_spectrum::spectrum_plot_path(path);
            let drawn = guarded(|| {
                plot_spectrum::write_spectrum_plot(
                    &a.input_analysis.tonal_balance,
                    &after.tonal_balance,
                    a.reference_analysis.as_ref().map(|r| &r.tonal_balance),
                    &spectrum,
                )
            });
            match drawn {
                Ok(()) => text.push_str(&format!("Plot        {}\n", spectrum.display())),
                Err(reason) => {
                    report_error(&spectrum.display().to_string(), &reason);
                    failed = true;
                }
            }
        }
    }
    if let Some(dir) = &args.presets {
        match presets::write_presets(dir, &outcome.chain) {
            Ok(files) => {
                for f in files {
                    text.push_str(&format!("Preset      {}\n", f.display()));
                }
            }
            Err(reason) => {
                report_error(&dir.display().to_string(), &reason);
                failed = true;
            }
        }
    }
    if !emit(&text) || failed {
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
            for w in &out.warnings {
                warn(w);
            }
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
