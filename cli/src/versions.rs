//! `vernis master IN --targets spotify,apple-music,… --out-dir D`: every platform's version of one
//! master. The input is read, analysed and given its EQ, multiband and limiter style once
//! ([`prepare_input`]); then each platform gets its own drive search to its target under its
//! ceiling. The comparison table says what each platform's normalisation does to each version,
//! and `--preview` writes each version as its platform plays it (its playback gain applied).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use dsp_core::targets::Platform;
use serde::Serialize;

use crate::analyze::{analyze_file_with, Analysis};
use crate::audio_io::{AudioSink, OutputContainer, OutputFormat};
use crate::master::{
    master_prepared, master_report, prepare_input, rounded, MasterError, MasterOptions,
    MasterOutcome, PreparedInput, Target,
};

/// One platform's version, as written.
pub struct Version {
    /// The platform it was mastered for.
    pub platform: &'static Platform,
    /// The master file.
    pub path: PathBuf,
    /// The JSON report of this version (as `vernis master --report`).
    pub report_path: PathBuf,
    /// What mastering it did.
    pub outcome: MasterOutcome,
    /// The preview (the version at its platform's playback gain) and its analysis, if asked for.
    pub preview: Option<(PathBuf, Analysis)>,
}

/// What one platform's normalisation does to one version.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Playback {
    /// Platform id.
    pub platform: &'static str,
    /// Gain the platform applies, dB (None for silence), to 3 decimals.
    pub playback_gain_db: Option<f64>,
    /// Loudness the listener hears, LUFS (to 3 decimals in the JSON summary).
    pub playback_lufs: Option<f64>,
    /// The version's true peak is under the ceiling that platform applies to it.
    pub true_peak_ok: bool,
}

/// A row of the comparison, for the JSON summary.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRow {
    /// Platform id the version was mastered for.
    pub target: &'static str,
    /// The master file.
    pub file: String,
    /// Its JSON report.
    pub report: String,
    /// Integrated loudness, LUFS, to 3 decimals (None for silence).
    pub integrated_lufs: Option<f64>,
    /// True peak, dBTP, to 3 decimals.
    pub true_peak_dbtp: Option<f64>,
    /// The drive the search found (pre-gain + limiter input gain), dB.
    pub drive_db: f32,
    /// Within 0.1 LU of its target and under its ceiling.
    pub within_tolerance: bool,
    /// What every requested platform does to it.
    pub playback: Vec<Playback>,
    /// The preview file and its integrated loudness (LUFS, to 3 decimals), if written.
    pub preview: Option<(String, Option<f64>)>,
    /// Warnings of this version.
    pub warnings: Vec<String>,
}

/// The file name stem of the versions: the input's stem.
pub fn stem_of(input: &Path) -> String {
    input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "master".into())
}

/// Masters `input` once per platform into `out_dir` (`<stem>-<id>.wav` and `<stem>-<id>.json`,
/// and `<stem>-<id>-preview.wav` with `preview`). `opts.target` is replaced per platform;
/// `ceiling_dbtp`, when given, replaces every platform's ceiling.
pub fn master_versions(
    input: &Path,
    platforms: &[&'static Platform],
    ceiling_dbtp: Option<f64>,
    out_dir: &Path,
    opts: &MasterOptions,
    preview: bool,
    progress: bool,
) -> Result<Vec<Version>, MasterError> {
    let input_name = input.display().to_string();
    let first = platforms
        .first()
        .ok_or_else(|| MasterError::Output("no target given".into()))?;
    let opts = MasterOptions {
        target: Target::platform(first, ceiling_dbtp),
        ..opts.clone()
    };
    let prepared = prepare_input(input, &input_name, &opts, progress)?;
    let request = VersionsRequest {
        stem: stem_of(input),
        platforms,
        ceiling_dbtp,
        out_dir,
        preview,
    };
    versions_of(&prepared, &input_name, &request, &opts, progress)
}

/// Where and what [`versions_of`] writes.
pub struct VersionsRequest<'a> {
    /// File name stem of every file written.
    pub stem: String,
    /// The platforms, in order.
    pub platforms: &'a [&'static Platform],
    /// A ceiling replacing every platform's, dBTP.
    pub ceiling_dbtp: Option<f64>,
    /// Directory (created if needed).
    pub out_dir: &'a Path,
    /// Also write the previews.
    pub preview: bool,
}

/// The versions of an input already prepared (as [`master_versions`]).
pub fn versions_of(
    prepared: &PreparedInput,
    input_name: &str,
    request: &VersionsRequest,
    opts: &MasterOptions,
    progress: bool,
) -> Result<Vec<Version>, MasterError> {
    let out_dir = request.out_dir;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MasterError::Output(format!("{}: cannot create: {e}", out_dir.display())))?;
    let stem = &request.stem;
    let mut opts = opts.clone();
    let mut versions = Vec::with_capacity(request.platforms.len());
    for &platform in request.platforms {
        opts.target = Target::platform(platform, request.ceiling_dbtp);
        let path = out_dir.join(format!("{stem}-{}.wav", platform.id));
        let name = path.display().to_string();
        let outcome = master_prepared(prepared, input_name, &path, &name, &opts, progress)?;
        let report_path = out_dir.join(format!("{stem}-{}.json", platform.id));
        let json = serde_json::to_string_pretty(&master_report(&outcome, None))
            .map_err(|e| MasterError::Output(format!("cannot encode JSON: {e}")))?;
        std::fs::write(&report_path, json + "\n").map_err(|e| {
            MasterError::Output(format!("{}: cannot write: {e}", report_path.display()))
        })?;
        let preview = if request.preview {
            let gain_db = platform
                .playback_gain_db(
                    outcome.output.reading.integrated_lufs,
                    outcome.output.reading.true_peak_dbtp,
                )
                .unwrap_or(0.0);
            let preview_path = out_dir.join(format!("{stem}-{}-preview.wav", platform.id));
            Some(write_preview(&path, &preview_path, gain_db)?)
        } else {
            None
        };
        versions.push(Version {
            platform,
            path,
            report_path,
            outcome,
            preview,
        });
    }
    Ok(versions)
}

/// Writes the JSON summary `<stem>-versions.json` into `out_dir`; returns its path.
pub fn write_summary_json(
    versions: &[Version],
    platforms: &[&'static Platform],
    out_dir: &Path,
    stem: &str,
) -> Result<PathBuf, (PathBuf, String)> {
    let path = out_dir.join(format!("{stem}-versions.json"));
    serde_json::to_string_pretty(&rows(versions, platforms))
        .map_err(|e| format!("cannot encode JSON: {e}"))
        .and_then(|json| {
            std::fs::write(&path, json + "\n").map_err(|e| format!("cannot write: {e}"))
        })
        .map_err(|reason| (path.clone(), reason))?;
    Ok(path)
}

/// Writes `master` scaled by `gain_db` to `preview` (32-bit float, so a lift never clips) and
/// measures the written file.
fn write_preview(
    master: &Path,
    preview: &Path,
    gain_db: f64,
) -> Result<(PathBuf, Analysis), MasterError> {
    let gain = 10f64.powf(gain_db / 20.0) as f32;
    let mut sink: Option<AudioSink> = None;
    let mut write_error: Option<std::io::Error> = None;
    let mut scaled: Vec<Vec<f32>> = Vec::new();
    let master_name = master.display().to_string();
    analyze_file_with(master, &master_name, false, |info, chunk| {
        if write_error.is_some() {
            return;
        }
        if sink.is_none() {
            match AudioSink::create(
                preview,
                OutputContainer::Wav,
                OutputFormat::Wav32f,
                info.channels,
                info.sample_rate_hz,
            ) {
                Ok(s) => sink = Some(s),
                Err(e) => {
                    write_error = Some(e);
                    return;
                }
            }
            scaled = vec![Vec::new(); info.channels];
        }
        for (out, x) in scaled.iter_mut().zip(chunk) {
            out.clear();
            out.extend(x.iter().map(|v| v * gain));
        }
        let slices: Vec<&[f32]> = scaled.iter().map(Vec::as_slice).collect();
        if let Some(s) = sink.as_mut() {
            if let Err(e) = s.write(&slices) {
                write_error = Some(e);
            }
        }
    })
    .map_err(|e| MasterError::Output(format!("{master_name}: {e}")))?;
    let preview_name = preview.display().to_string();
    let cannot =
        |e: std::io::Error| MasterError::Output(format!("{preview_name}: cannot write: {e}"));
    if let Some(e) = write_error {
        return Err(cannot(e));
    }
    match sink {
        Some(s) => s.finish().map_err(cannot)?,
        None => return Err(MasterError::Output(format!("{master_name}: no audio"))),
    }
    let analysis = analyze_file_with(preview, &preview_name, false, |_, _| {})
        .map_err(|e| MasterError::Output(format!("{preview_name}: {e}")))?;
    Ok((preview.to_path_buf(), analysis))
}

/// What each platform of `platforms` does to `version`.
pub fn playback(version: &Version, platforms: &[&'static Platform]) -> Vec<Playback> {
    let r = &version.outcome.output.reading;
    platforms
        .iter()
        .map(|p| {
            let gain = p.playback_gain_db(r.integrated_lufs, r.true_peak_dbtp);
            Playback {
                platform: p.id,
                playback_gain_db: gain,
                playback_lufs: gain.map(|g| r.integrated_lufs + g),
                true_peak_ok: p.true_peak_ok(r.integrated_lufs, r.true_peak_dbtp),
            }
        })
        .collect()
}

/// The rows of the JSON summary.
pub fn rows(versions: &[Version], platforms: &[&'static Platform]) -> Vec<VersionRow> {
    versions
        .iter()
        .map(|v| {
            let r = &v.outcome.output.reading;
            VersionRow {
                target: v.platform.id,
                file: v.path.display().to_string(),
                report: v.report_path.display().to_string(),
                integrated_lufs: rounded(r.integrated_lufs, 3),
                true_peak_dbtp: rounded(r.true_peak_dbtp, 3),
                drive_db: v.outcome.chain.pre_gain_db + v.outcome.limiter().input_gain_db,
                within_tolerance: v.outcome.within_tolerance,
                playback: playback(v, platforms)
                    .into_iter()
                    .map(|p| Playback {
                        playback_gain_db: p.playback_gain_db.and_then(|g| rounded(g, 3)),
                        playback_lufs: p.playback_lufs.and_then(|l| rounded(l, 3)),
                        ..p
                    })
                    .collect(),
                preview: v.preview.as_ref().map(|(p, a)| {
                    (
                        p.display().to_string(),
                        rounded(a.reading.integrated_lufs, 3),
                    )
                }),
                warnings: v.outcome.warnings.clone(),
            }
        })
        .collect()
}

/// The text summary: one line per version, then the comparison table.
pub fn summary(input: &Path, versions: &[Version], platforms: &[&'static Platform]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Versions    {} masters of {} (one analysis, one set of EQ/multiband decisions, one drive search each)",
        versions.len(),
        input.display()
    );
    let _ = writeln!(
        s,
        "  {:<14} {:>10} {:>11} {:>10}  File",
        "For", "LUFS", "True peak", "Drive"
    );
    for v in versions {
        let r = &v.outcome.output.reading;
        let drive = v.outcome.chain.pre_gain_db + v.outcome.limiter().input_gain_db;
        let verdict = if v.outcome.within_tolerance {
            ""
        } else {
            "  NOT within tolerance"
        };
        let _ = writeln!(
            s,
            "  {:<14} {:>10.2} {:>6.2} dBTP {:>+7.3} dB  {}{verdict}",
            v.platform.name,
            r.integrated_lufs,
            r.true_peak_dbtp,
            drive,
            v.path.display()
        );
        for w in &v.outcome.warnings {
            let _ = writeln!(s, "  {:<14} warning: {w}", "");
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Playback    gain each platform's normalisation applies to each version, dB (* true peak over its ceiling)"
    );
    let mut header = format!("  {:<14}", "Version");
    for p in platforms {
        let _ = write!(header, " {:>13}", p.name);
    }
    let _ = writeln!(s, "{header}");
    for v in versions {
        let mut line = format!("  {:<14}", v.platform.name);
        for p in playback(v, platforms) {
            let cell = match p.playback_gain_db {
                // Rounded first, so that a few hundredths of a dB read +0.0, not -0.0.
                Some(g) => format!(
                    "{:+.1}{}",
                    (g * 10.0).round() / 10.0 + 0.0,
                    if p.true_peak_ok { " " } else { "*" }
                ),
                None => "n/a ".into(),
            };
            let _ = write!(line, " {cell:>13}");
        }
        let _ = writeln!(s, "{line}");
    }
    if versions.iter().any(|v| v.preview.is_some()) {
        let _ = writeln!(s);
        for v in versions {
            if let Some((path, a)) = &v.preview {
                let _ = writeln!(
                    s,
                    "Preview     {:<14} {:>7.2} LUFS  {}",
                    v.platform.name,
                    a.reading.integrated_lufs,
                    path.display()
                );
            }
        }
    }
    s
}
