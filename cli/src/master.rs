//! `vernis master`: finds the limiter drive that brings a programme to a loudness target under a
//! true-peak ceiling, renders it and reports what was done.
//!
//! The search variable is the *drive*, in dB: a positive drive is the limiter's Input Gain
//! (0..24 dB); a negative drive is a plain attenuation before the limiter (pre-gain), the limiter
//! then only guarding the ceiling. The output's integrated loudness is monotonic non-decreasing in
//! the drive, so the search starts at `target − input loudness` (exact when nothing is limited),
//! extrapolates with the measured slope until the target is bracketed, then narrows the bracket by
//! secant steps (falling back to bisection). Each step is a full render of the programme, measured
//! on the fly. Drives are rounded to 0.001 dB so that the report's values reproduce the output.
//!
//! With a dynamic EQ (`--set eq.…`) and/or a multiband stage (`--set multiband.…`) the chain is
//! eq → multiband → pre-gain → limiter, and the drive acts on their output. It does not depend on
//! the drive, so the search is the same as without them, measured against their output instead of
//! the input: one render of those stages alone (not written) measures that, and every search render runs the
//! whole chain from a reset state, so the written output is exactly what `render` gives for the
//! reported `render_args`.

use std::path::Path;

use dsp_core::chain::ChainSettings;
use dsp_core::dynamics::{Dither, LimiterSettings, MultibandSettings};
use dsp_core::eq::DynamicEqSettings;
use dsp_core::targets::Platform;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::analyze::{analyze_file_with, progress_bar, Analysis};
use crate::audio_io::{channel_mask, AudioInfo, AudioSink, OutputContainer, OutputFormat};
use crate::layout::resolve_layout;
use crate::render::{
    dither_warnings, run_pass, GainReduction, InputAudio, PassOptions, PassOutput, RenderError,
    TempOutput, PRE_GAIN_MIN_DB,
};

mod album;
mod assistant;
mod report;

pub use album::{album_rows, master_album, AlbumOutcome, AlbumRow, BALANCE_TOLERANCE_LU};

pub use assistant::{analysis_of, AssistantOutcome, AssistantRequest};
pub(crate) use report::rounded;
pub use report::{json_moves, master_report, master_summary, JsonMove};

/// Most renders the search makes. Each is written; the one that lands on the target is the output.
pub const MAX_SEARCH_RENDERS: usize = 12;

/// The search stops when the output is this close to where it aims, LU.
pub const STOP_LU: f64 = 0.05;

/// `within_tolerance` requires the output's integrated loudness this close to the target, LU.
pub const TOLERANCE_LU: f64 = 0.1;

/// `within_tolerance` allows the true peak this far over the ceiling (dither's last bits), dB.
pub const TRUE_PEAK_ALLOWANCE_DB: f64 = 0.01;

/// More gain reduction than this (the deepest, in dB) gives a warning.
pub const HEAVY_LIMITING_DB: f64 = 6.0;

/// Highest drive: the limiter's Input Gain range ends here, dB.
pub const MAX_DRIVE_DB: f32 = 24.0;

/// Default ceiling with `--lufs`, dBTP.
pub const DEFAULT_CEILING_DBTP: f64 = -1.0;

/// Decoded programmes up to this size are kept in memory between renders (else re-read each time).
const MEMORY_CACHE_BYTES: u64 = 512 << 20;

/// Slopes (LU of output per dB of drive) assumed by the one-sided extrapolation are clamped to this range.
const SLOPE_RANGE: (f64, f64) = (0.1, 1.0);

/// A loudness target and its true-peak ceiling.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Platform id (`spotify` …), `None` for `--lufs`.
    pub id: Option<&'static str>,
    /// Display name (`Spotify`, or `-16 LUFS` for a custom target).
    pub name: String,
    /// Integrated loudness to reach, LUFS.
    pub lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// A stricter ceiling the platform applies to masters louder than its target, if any.
    pub loud_master_ceiling_dbtp: Option<f64>,
}

impl Target {
    /// A platform's target, with its default ceiling unless `ceiling_dbtp` is given.
    pub fn platform(p: &'static Platform, ceiling_dbtp: Option<f64>) -> Self {
        Self {
            id: Some(p.id),
            name: p.name.to_string(),
            lufs: p.target_lufs,
            ceiling_dbtp: ceiling_dbtp.unwrap_or(p.ceiling_dbtp),
            loud_master_ceiling_dbtp: p.loud_master_ceiling_dbtp,
        }
    }

    /// A custom integrated loudness, with [`DEFAULT_CEILING_DBTP`] unless `ceiling_dbtp` is given.
    pub fn lufs(lufs: f64, ceiling_dbtp: Option<f64>) -> Self {
        Self {
            id: None,
            name: format!("{lufs} LUFS"),
            lufs,
            ceiling_dbtp: ceiling_dbtp.unwrap_or(DEFAULT_CEILING_DBTP),
            loud_master_ceiling_dbtp: None,
        }
    }

    /// Where the search aims and the window it accepts, LUFS.
    ///
    /// A platform whose ceiling tightens for masters louder than its target (Spotify: −2 dBTP
    /// above −14 LUFS) is aimed 0.05 LU under the target, so the master stays at or under it and
    /// the ceiling it was limited to is the one that applies.
    fn aim(&self) -> (f64, f64, f64) {
        match self.loud_master_ceiling_dbtp {
            Some(strict) if self.ceiling_dbtp > strict => {
                let aim = self.lufs - STOP_LU;
                (aim, aim - STOP_LU + 0.005, aim + STOP_LU - 0.005)
            }
            _ => (self.lufs, self.lufs - STOP_LU, self.lufs + STOP_LU),
        }
    }
}

/// How to master.
#[derive(Debug, Clone)]
pub struct MasterOptions {
    /// Loudness target and ceiling.
    pub target: Target,
    /// Limiter settings besides Input Gain and Ceiling (style, release, …); `dither` is replaced
    /// by the format's default unless `dither` below is given.
    pub limiter: LimiterSettings,
    /// The dynamic EQ stage in front of the drive (before the multiband), if any.
    pub eq: Option<DynamicEqSettings>,
    /// The multiband stage in front of the drive, if any.
    pub multiband: Option<MultibandSettings>,
    /// Dither chosen by the user; `None`: 16-bit shaped for wav16, 24-bit for wav24, off for wav32f.
    pub dither: Option<Dither>,
    /// Output format; `None`: the input's resolution (see [`OutputContainer::default_format`]).
    pub format: Option<OutputFormat>,
    /// The assistant's proposal for the stages the user left unset (None: `--assistant off`).
    pub assistant: Option<AssistantRequest>,
}

/// One render of the search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SearchStep {
    /// Pre-gain of this render, dB.
    pub pre_gain_db: f32,
    /// Limiter Input Gain of this render, dB.
    pub input_gain_db: f32,
    /// Integrated loudness of the output, LUFS.
    pub integrated_lufs: f64,
}

/// Everything `master` did.
pub struct MasterOutcome {
    /// Analysis of the input.
    pub input: Analysis,
    /// Analysis of the output as written.
    pub output: Analysis,
    /// The chain that produced the output (it always has a limiter).
    pub chain: ChainSettings,
    /// The target.
    pub target: Target,
    /// The output format.
    pub format: OutputFormat,
    /// The output file type (from the output's extension).
    pub container: OutputContainer,
    /// Gain reduction of the output.
    pub gain_reduction: GainReduction,
    /// The search's renders, in order.
    pub steps: Vec<SearchStep>,
    /// Output within [`TOLERANCE_LU`] of the target and its true peak under the ceiling.
    pub within_tolerance: bool,
    /// Things the user should know.
    pub warnings: Vec<String>,
    /// The chain's latency (compensated), samples.
    pub latency_samples: u32,
    /// What the assistant proposed (None when it was off or could not run).
    pub assistant: Option<AssistantOutcome>,
}

impl MasterOutcome {
    /// The limiter's settings in the output's chain.
    pub fn limiter(&self) -> LimiterSettings {
        self.chain.limiter.unwrap_or_default()
    }
}

/// Why `master` failed, with the file at fault.
#[derive(Debug)]
pub enum MasterError {
    /// The input could not be read.
    Input(String),
    /// The output could not be written.
    Output(String),
    /// The reference could not be used.
    Reference(String),
}

/// The stages in front of the drive (dynamic EQ, multiband), each optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrontStages {
    /// The dynamic EQ.
    pub eq: Option<DynamicEqSettings>,
    /// The multiband.
    pub multiband: Option<MultibandSettings>,
}

/// The chain at `drive_db`: `multiband` → pre-gain (negative drives) → limiter (positive drives
/// as its Input Gain).
fn drive_chain(drive_db: f32, base: &LimiterSettings, front: FrontStages) -> ChainSettings {
    let (pre_gain_db, input_gain_db) = if drive_db >= 0.0 {
        (0.0, drive_db)
    } else {
        (drive_db, 0.0)
    };
    ChainSettings {
        eq: front.eq,
        multiband: front.multiband,
        pre_gain_db,
        limiter: Some(LimiterSettings {
            input_gain_db,
            ..*base
        }),
    }
}

/// Rounds a drive to 0.001 dB within the drive range.
fn round_drive(drive_db: f64) -> f32 {
    let clamped = drive_db.clamp(f64::from(PRE_GAIN_MIN_DB), f64::from(MAX_DRIVE_DB));
    ((clamped * 1000.0).round() / 1000.0) as f32
}

/// Reads the input once: its analysis, and the decoded audio when it fits in memory.
fn analyse_input(
    path: &Path,
    name: &str,
    progress: bool,
) -> Result<(Analysis, InputAudio), MasterError> {
    let mut cache: Option<Vec<Vec<f32>>> = None;
    let mut too_big = false;
    let analysis = analyze_file_with(path, name, progress, |info: &AudioInfo, chunk| {
        if too_big {
            return;
        }
        let cache = cache.get_or_insert_with(|| {
            let frames = info.total_frames.unwrap_or(0) as usize;
            let fits = (frames as u64) * (info.channels as u64) * 4 <= MEMORY_CACHE_BYTES;
            vec![Vec::with_capacity(if fits { frames } else { 0 }); info.channels]
        });
        let held = cache[0].len() + chunk[0].len();
        if (held as u64) * (info.channels as u64) * 4 > MEMORY_CACHE_BYTES {
            too_big = true;
            return;
        }
        for (c, x) in cache.iter_mut().zip(chunk) {
            c.extend_from_slice(x);
        }
    })
    .map_err(|e| MasterError::Input(e.to_string()))?;
    let audio = match cache {
        Some(data) if !too_big => InputAudio::Memory(data),
        _ => InputAudio::File(path.to_path_buf()),
    };
    Ok((analysis, audio))
}

fn pass_bar(info: &AudioInfo, name: &str, progress: bool, what: &str) -> Option<ProgressBar> {
    let bar = progress_bar(info, name, progress)?;
    bar.set_message(format!("{name}: {what}"));
    Some(bar)
}

/// The input read once and the stages in front of the drive decided once: what every version
/// of a master shares, whatever its target.
pub struct PreparedInput {
    /// Analysis of the input.
    pub analysis: Analysis,
    audio: InputAudio,
    front: FrontStages,
    /// The limiter style the assistant chose, if it chose one.
    style: Option<dsp_core::dynamics::LimiterStyle>,
    /// What the assistant proposed (None when it was off or could not run).
    pub assistant: Option<AssistantOutcome>,
    /// Warnings of the preparation (the assistant's).
    pub warnings: Vec<String>,
    /// Integrated loudness and true peak of what the drive acts on (the front stages' output).
    front_lufs: f64,
    front_true_peak_dbtp: f64,
}

/// Masters `input` to `opts.target`, writing `output` (via a temporary file: nothing is left
/// behind on failure). `progress` asks for progress bars on long files.
pub fn master_file(
    input: &Path,
    input_name: &str,
    output: &Path,
    output_name: &str,
    opts: &MasterOptions,
    progress: bool,
) -> Result<MasterOutcome, MasterError> {
    // The output is checked before the long preparation.
    drop(TempOutput::new(output).map_err(|e| MasterError::Output(e.to_string()))?);
    let prepared = prepare_input(input, input_name, opts, progress)?;
    master_prepared(&prepared, input_name, output, output_name, opts, progress)
}

/// Reads `input`, runs the assistant (aimed at `opts.target`; only the limiter move's wording
/// depends on it) and measures what the drive will act on.
pub fn prepare_input(
    input: &Path,
    input_name: &str,
    opts: &MasterOptions,
    progress: bool,
) -> Result<PreparedInput, MasterError> {
    let (input_analysis, audio) = analyse_input(input, input_name, progress)?;
    let info = input_analysis.info.clone();
    let (fs, channels) = (info.sample_rate_hz, info.channels);
    let mut warnings = Vec::new();
    let mut front = FrontStages {
        eq: opts.eq,
        multiband: opts.multiband,
    };
    let mut style = None;
    let mut assistant = None;
    if let Some(request) = &opts.assistant {
        let plan = assistant::plan(
            &audio,
            &input_analysis,
            &opts.target,
            request,
            &mut warnings,
        )?;
        if let Some((plan, mut outcome)) = plan {
            match opts.eq {
                Some(_) => outcome.overridden.push("eq"),
                None => front.eq = plan.chain.eq,
            }
            match opts.multiband {
                Some(_) => outcome.overridden.push("multiband"),
                None => front.multiband = plan.chain.multiband,
            }
            match (request.keep_style, plan.chain.limiter) {
                (true, _) => outcome.overridden.push("limiter style"),
                (false, Some(l)) => style = Some(l.style),
                (false, None) => {}
            }
            // Moves of a replaced stage were not made: they leave the report.
            let replaced = |m: &vernis_assistant::Move| {
                let key = match m.stage {
                    vernis_assistant::MoveStage::Eq => "eq",
                    vernis_assistant::MoveStage::Multiband => "multiband",
                    vernis_assistant::MoveStage::Limiter => "limiter style",
                };
                outcome.overridden.contains(&key)
            };
            let kept: Vec<_> = outcome
                .moves
                .iter()
                .filter(|m| !replaced(m))
                .cloned()
                .collect();
            outcome.moves = kept;
            assistant = Some(outcome);
        }
    }
    let (front_lufs, front_true_peak_dbtp) = match (front.eq, front.multiband) {
        (None, None) => (
            input_analysis.reading.integrated_lufs,
            input_analysis.reading.true_peak_dbtp,
        ),
        (eq, multiband) => {
            let name = if multiband.is_some() {
                "multiband"
            } else {
                "eq"
            };
            let bar = pass_bar(&info, input_name, progress, name);
            let out = run_pass(
                &audio,
                fs,
                channels,
                PassOptions {
                    chain: ChainSettings {
                        eq,
                        multiband,
                        ..ChainSettings::default()
                    },
                    quantise_bits: None,
                    gain_reduction: false,
                    sink: None,
                    progress: bar.as_ref(),
                    parallel: true,
                    detailed_timing: false,
                },
            );
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let out = out.map_err(|e| MasterError::Input(e.to_string()))?;
            (out.reading.integrated_lufs, out.reading.true_peak_dbtp)
        }
    };
    Ok(PreparedInput {
        analysis: input_analysis,
        audio,
        front,
        style,
        assistant,
        warnings,
        front_lufs,
        front_true_peak_dbtp,
    })
}

/// Masters a prepared input to `opts.target`, writing `output` (via a temporary file). The
/// assistant's limiter move is worded for this target.
pub fn master_prepared(
    prepared: &PreparedInput,
    input_name: &str,
    output: &Path,
    output_name: &str,
    opts: &MasterOptions,
    progress: bool,
) -> Result<MasterOutcome, MasterError> {
    let temp = TempOutput::new(output).map_err(|e| MasterError::Output(e.to_string()))?;
    let input_analysis = &prepared.analysis;
    let audio = &prepared.audio;
    let front = prepared.front;
    let info = input_analysis.info.clone();
    let (fs, channels) = (info.sample_rate_hz, info.channels);
    let container = OutputContainer::for_path(output);
    let format = opts
        .format
        .unwrap_or_else(|| container.default_format(&info));
    container.check(format).map_err(MasterError::Output)?;
    let quantise_bits = format.int_bits();

    let mut base = opts.limiter;
    base.ceiling_dbtp = opts.target.ceiling_dbtp as f32;
    base.unity_gain = false;
    base.bypass = false;
    base.dither = opts.dither.unwrap_or(match format {
        OutputFormat::Wav16 => Dither::Bits16Shaped,
        OutputFormat::Wav24 => Dither::Bits24,
        OutputFormat::Wav32f => Dither::Off,
    });
    if let Some(style) = prepared.style {
        base.style = style;
    }
    let mut warnings = dither_warnings(base.dither, quantise_bits);
    warnings.extend(prepared.warnings.iter().cloned());
    let mut assistant = prepared.assistant.clone();
    if let Some(outcome) = &mut assistant {
        for m in &mut outcome.moves {
            if m.stage == vernis_assistant::MoveStage::Limiter {
                m.action = vernis_assistant::decisions::limiter::action(
                    base.style,
                    vernis_assistant::AssistantTarget {
                        lufs: opts.target.lufs,
                        ceiling_dbtp: opts.target.ceiling_dbtp,
                    },
                );
            }
        }
    }
    let (input_lufs, input_true_peak_dbtp) = (prepared.front_lufs, prepared.front_true_peak_dbtp);
    let (aim, window_lo, window_hi) = opts.target.aim();
    let mut steps: Vec<SearchStep> = Vec::new();
    let mut drives: Vec<f32> = Vec::new();
    let mut chosen_drive = 0.0f32;

    // Every render is written to the temporary file with gain-reduction statistics, so that the
    // render that lands on the target is the output (no extra render to write it).
    let render_at = |drive: f32, what: &str| -> Result<PassOutput, MasterError> {
        let output_error = |e: std::io::Error| MasterError::Output(format!("cannot write: {e}"));
        let mut sink = AudioSink::create(temp.path(), container, format, channels, fs)
            .map_err(output_error)?;
        let bar = pass_bar(&info, input_name, progress, what);
        let out = run_pass(
            audio,
            fs,
            channels,
            PassOptions {
                chain: drive_chain(drive, &base, front),
                quantise_bits,
                gain_reduction: true,
                sink: Some(&mut sink),
                progress: bar.as_ref(),
                parallel: true,
                detailed_timing: false,
            },
        );
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let out = out.map_err(|e| match e {
            RenderError::Input(e) => MasterError::Input(e.to_string()),
            RenderError::Output(e) => output_error(e),
        })?;
        sink.finish().map_err(output_error)?;
        Ok(out)
    };
    // The render whose output is in the temporary file, and its drive.
    let mut written: Option<(f32, PassOutput)> = None;

    if !input_lufs.is_finite() {
        warnings.push(
            "the input is silent (integrated loudness undefined): rendered without gain; \
             the target cannot be reached"
                .into(),
        );
    } else {
        // (drive, loudness) of the loudest render under the window and of the quietest over it.
        let mut below: Option<(f64, f64)> = None;
        let mut above: Option<(f64, f64)> = None;
        let mut last_side_below: Option<bool> = None;
        let mut same_side_runs = 0;
        let mut drive = round_drive(aim - input_lufs);
        let mut found = false;
        let mut unreachable = None;
        for k in 0..MAX_SEARCH_RENDERS {
            let out = render_at(drive, &format!("render {}", k + 1))?;
            let measured = out.reading.integrated_lufs;
            written = Some((drive, out));
            let chain = drive_chain(drive, &base, front);
            steps.push(SearchStep {
                pre_gain_db: chain.pre_gain_db,
                input_gain_db: chain.limiter.map_or(0.0, |l| l.input_gain_db),
                integrated_lufs: measured,
            });
            drives.push(drive);
            if (window_lo..=window_hi).contains(&measured) {
                found = true;
                break;
            }
            let d = f64::from(drive);
            // NaN and -inf count as too quiet.
            let is_below = measured.is_nan() || measured <= window_hi;
            let f = if measured.is_finite() {
                measured
            } else {
                f64::from(PRE_GAIN_MIN_DB) * 2.0
            };
            if is_below {
                if below.is_none_or(|(bd, _)| d > bd) {
                    below = Some((d, f));
                }
            } else if above.is_none_or(|(ad, _)| d < ad) {
                above = Some((d, f));
            }
            same_side_runs = if last_side_below == Some(is_below) {
                same_side_runs + 1
            } else {
                0
            };
            last_side_below = Some(is_below);

            // The slope (LU per dB of drive) for extrapolating before a bracket exists: from the
            // last two renders; after the first, from a model where the loudness lost to limiting
            // grows linearly from the drive at which the input's true peak meets the ceiling.
            let slope = match steps.len() {
                n if n >= 2 => {
                    let (d0, f0) = (f64::from(drives[n - 2]), steps[n - 2].integrated_lufs);
                    (f - f0) / (d - d0)
                }
                _ => {
                    let onset = opts.target.ceiling_dbtp - input_true_peak_dbtp;
                    let lost = input_lufs + d - f;
                    if d > onset + 0.5 {
                        1.0 - lost / (d - onset)
                    } else {
                        1.0
                    }
                }
            };
            let slope = if slope.is_finite() {
                slope.clamp(SLOPE_RANGE.0, SLOPE_RANGE.1)
            } else {
                SLOPE_RANGE.1
            };
            let next = match (below, above) {
                (Some((ld, lf)), Some((hd, hf))) => {
                    let secant = ld + (aim - lf) * (hd - ld) / (hf - lf);
                    let mid = 0.5 * (ld + hd);
                    // Bisect when the secant leaves the bracket or keeps landing on one side.
                    if !secant.is_finite() || secant <= ld || secant >= hd || same_side_runs >= 1 {
                        mid
                    } else {
                        secant
                    }
                }
                (Some((ld, lf)), None) => {
                    if ld >= f64::from(MAX_DRIVE_DB) {
                        unreachable = Some(format!(
                            "the target is out of reach: at the limiter's maximum input gain of \
                             +{MAX_DRIVE_DB} dB the output reads {lf:.2} LUFS"
                        ));
                        break;
                    }
                    ld + (aim - lf) / slope
                }
                (None, Some((hd, hf))) => {
                    if hd <= f64::from(PRE_GAIN_MIN_DB) {
                        unreachable = Some(format!(
                            "the target is out of reach: at the lowest pre-gain of \
                             {PRE_GAIN_MIN_DB} dB the output reads {hf:.2} LUFS"
                        ));
                        break;
                    }
                    hd - (hf - aim) / slope
                }
                (None, None) => break,
            };
            let next = round_drive(next);
            if drives.contains(&next) {
                // The bracket is narrower than the drive's resolution.
                break;
            }
            drive = next;
        }
        // The render closest to the aim (the one in the window, when found).
        chosen_drive = steps
            .iter()
            .zip(&drives)
            .min_by(|(a, _), (b, _)| {
                let da = (a.integrated_lufs - aim).abs();
                let db = (b.integrated_lufs - aim).abs();
                da.total_cmp(&db)
            })
            .map(|(_, &d)| d)
            .unwrap_or(0.0);
        if let Some(w) = unreachable {
            warnings.push(w);
        } else if !found && steps.len() >= MAX_SEARCH_RENDERS {
            warnings.push(format!(
                "the search stopped after {MAX_SEARCH_RENDERS} renders without landing within \
                 {STOP_LU} LU of the target"
            ));
        }
    }

    // The output: the chosen render, rendered again only if it is not the last one written.
    let out = match written.take() {
        Some((drive, out)) if drive == chosen_drive => out,
        _ => render_at(chosen_drive, "writing")?,
    };
    temp.commit()
        .map_err(|e| MasterError::Output(format!("cannot write: {e}")))?;
    let chain = drive_chain(chosen_drive, &base, front);

    let gain_reduction = out.gain_reduction.clone().unwrap_or(GainReduction {
        max_db: 0.0,
        mean_db: 0.0,
        percent_above_db: [0.0; 3],
        block_frames: 0,
        history_db: Vec::new(),
    });
    let output_info = format.info(container, fs, channels, out.frames);
    // The layout `vernis analyze` finds in the written file (vernis writes a standard mask).
    let output_layout = resolve_layout(&output_info, Some(channel_mask(channels)), None)
        .map_err(MasterError::Output)?;
    let output_analysis = Analysis {
        file: output_name.to_string(),
        info: output_info,
        layout: output_layout,
        reading: out.reading,
        history: out.history,
    };

    let r = &output_analysis.reading;
    let target = &opts.target;
    let loudness_ok =
        r.integrated_lufs.is_finite() && (r.integrated_lufs - target.lufs).abs() <= TOLERANCE_LU;
    // Silence has no true peak (NaN is not over anything).
    let peak_ok = r.true_peak_dbtp.is_nan()
        || r.true_peak_dbtp <= target.ceiling_dbtp + TRUE_PEAK_ALLOWANCE_DB;
    if input_lufs.is_finite() && !loudness_ok {
        warnings.push(format!(
            "the output's integrated loudness is {:.2} LUFS, {:+.2} LU from the target \
             (tolerance {TOLERANCE_LU} LU)",
            r.integrated_lufs,
            r.integrated_lufs - target.lufs
        ));
    }
    if r.true_peak_dbtp > target.ceiling_dbtp {
        warnings.push(format!(
            "the output's true peak {:.2} dBTP is over the ceiling of {:.1} dBTP",
            r.true_peak_dbtp, target.ceiling_dbtp
        ));
    }
    if gain_reduction.max_db > HEAVY_LIMITING_DB {
        warnings.push(format!(
            "reaching the target needs more than {HEAVY_LIMITING_DB} dB of limiting \
             (max GR {:.1} dB)",
            gain_reduction.max_db
        ));
    }

    Ok(MasterOutcome {
        input: input_analysis.clone(),
        output: output_analysis,
        chain,
        target: opts.target.clone(),
        format,
        container,
        gain_reduction,
        steps,
        within_tolerance: loudness_ok && peak_ok,
        warnings,
        latency_samples: out.latency_samples,
        assistant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_splits_into_pre_gain_and_input_gain() {
        let base = LimiterSettings::default();
        let up = drive_chain(7.5, &base, FrontStages::default());
        assert_eq!(
            (up.pre_gain_db, up.limiter.unwrap().input_gain_db),
            (0.0, 7.5)
        );
        let multiband = Some(MultibandSettings::default());
        let down = drive_chain(
            -3.25,
            &base,
            FrontStages {
                eq: None,
                multiband,
            },
        );
        let limiter = down.limiter.unwrap();
        assert_eq!((down.pre_gain_db, limiter.input_gain_db), (-3.25, 0.0));
        assert_eq!(down.multiband, multiband);
        assert_eq!(round_drive(1.23456), 1.235);
        assert_eq!(round_drive(99.0), MAX_DRIVE_DB);
        assert_eq!(round_drive(-1e9), PRE_GAIN_MIN_DB);
    }

    #[test]
    fn spotify_aims_under_its_target() {
        let spotify = dsp_core::targets::platform_by_id("spotify").unwrap();
        let (aim, lo, hi) = Target::platform(spotify, None).aim();
        assert!(hi < -14.0 && lo > -14.1 && (aim + 14.05).abs() < 1e-9);
        // With the strict ceiling chosen, the master may sit on either side.
        let (aim, lo, hi) = Target::platform(spotify, Some(-2.0)).aim();
        assert_eq!((aim, lo, hi), (-14.0, -14.05, -13.95));
        let (aim, _, _) = Target::lufs(-16.0, None).aim();
        assert_eq!(aim, -16.0);
    }
}
