//! `vernis master --album T1 T2 … --target P --out-dir D`: one album, one decision.
//!
//! The assistant measures the album as one programme (the tracks back to back) and proposes one
//! EQ, one multiband and one limiter style for every track. Each track is then aimed at its input
//! loudness plus one album gain `g` (so the loudness differences between tracks are kept), with
//! its own drive search under the ceiling. The album's integrated loudness (all output tracks as
//! one programme) is measured and `g` corrected by its distance from the target, up to
//! [`ALBUM_PASSES`] times, until it is within [`ALBUM_STOP_LU`].

use std::path::{Path, PathBuf};

use dsp_core::meter::LoudnessMeter;
use dsp_core::{ProcessSpec, Processor};
use serde::Serialize;

use super::{
    analyse_input, assistant, master_prepared, prepare_input, rounded, AssistantOutcome,
    MasterError, MasterOptions, MasterOutcome, Target, HEAVY_LIMITING_DB,
};
use crate::analyze::{analyze_file_with, Analysis};
use crate::render::InputAudio;

/// Most album passes (each renders every track's drive search).
pub const ALBUM_PASSES: usize = 3;

/// The album pass stops when the album loudness is this close to the target, LU.
pub const ALBUM_STOP_LU: f64 = 0.05;

/// One track of the mastered album.
pub struct AlbumTrack {
    /// The input file.
    pub input: PathBuf,
    /// The master written.
    pub output: PathBuf,
    /// Integrated loudness of the input, LUFS.
    pub input_lufs: f64,
    /// The loudness this track was aimed at, LUFS.
    pub aim_lufs: f64,
    /// What mastering it did.
    pub outcome: MasterOutcome,
}

/// The mastered album.
pub struct AlbumOutcome {
    /// The tracks, in order.
    pub tracks: Vec<AlbumTrack>,
    /// Integrated loudness of the input tracks as one programme, LUFS.
    pub input_album_lufs: f64,
    /// Integrated loudness of the output tracks as one programme, LUFS.
    pub album_lufs: f64,
    /// Highest true peak of the output tracks, dBTP.
    pub album_true_peak_dbtp: f64,
    /// The target.
    pub target: Target,
    /// The album gain: each track aimed at its input loudness plus this, dB.
    pub album_gain_db: f64,
    /// Album passes made.
    pub passes: usize,
    /// What the assistant decided for the album (None when it was off).
    pub assistant: Option<AssistantOutcome>,
    /// Things the user should know (per track, named).
    pub warnings: Vec<String>,
}

/// Feeds `audio` (planar) into `meter`.
fn measure_into(meter: &mut LoudnessMeter, audio: &[Vec<f32>]) {
    let views: Vec<&[f32]> = audio.iter().map(Vec::as_slice).collect();
    meter.measure(&views);
}

/// A meter for the album's rate and layout.
fn album_meter(first: &Analysis) -> LoudnessMeter {
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(
        f64::from(first.info.sample_rate_hz),
        4096,
        first.info.channels,
    ));
    meter.set_channel_layout(&first.layout.layout);
    meter
}

/// Integrated loudness and highest true peak of the written tracks as one programme.
fn measure_album(first: &Analysis, outputs: &[PathBuf]) -> Result<(f64, f64), MasterError> {
    let mut meter = album_meter(first);
    let mut peak = f64::NEG_INFINITY;
    for path in outputs {
        let name = path.display().to_string();
        let a = analyze_file_with(path, &name, false, |_, chunk| meter.measure(chunk))
            .map_err(|e| MasterError::Output(format!("{name}: {e}")))?;
        peak = peak.max(a.reading.true_peak_dbtp);
    }
    Ok((meter.reading().integrated_lufs, peak))
}

/// Masters the album `tracks` into `out_dir` as `STEM.wav` each (stems must differ).
pub fn master_album(
    tracks: &[PathBuf],
    opts: &MasterOptions,
    out_dir: &Path,
    stem_of: impl Fn(&Path) -> String,
) -> Result<AlbumOutcome, MasterError> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MasterError::Output(format!("{}: cannot create: {e}", out_dir.display())))?;
    // Read every track; they must share rate and channels to be one album programme.
    let mut read = Vec::with_capacity(tracks.len());
    for t in tracks {
        let name = t.display().to_string();
        let (analysis, audio) =
            analyse_input(t, &name, false).map_err(|e| prefix_error(e, &name))?;
        let InputAudio::Memory(data) = audio else {
            return Err(MasterError::Input(format!(
                "{name}: too long to hold in memory for an album"
            )));
        };
        read.push((analysis, data));
    }
    let Some((first, _)) = read.first() else {
        return Err(MasterError::Input(
            "an album needs at least one track".into(),
        ));
    };
    for (a, _) in &read[1..] {
        if a.info.sample_rate_hz != first.info.sample_rate_hz
            || a.info.channels != first.info.channels
        {
            return Err(MasterError::Input(format!(
                "{}: {} Hz, {} channel(s); the album's first track is {} Hz, {} channel(s): \
                 an album's tracks share one rate and channel count",
                a.file,
                a.info.sample_rate_hz,
                a.info.channels,
                first.info.sample_rate_hz,
                first.info.channels
            )));
        }
    }
    let first = first.clone();

    // The album as one programme, for the assistant and for its input loudness.
    let mut album: Vec<Vec<f32>> = vec![Vec::new(); first.info.channels];
    let mut meter = album_meter(&first);
    for (_, data) in &read {
        measure_into(&mut meter, data);
        for (a, d) in album.iter_mut().zip(data) {
            a.extend_from_slice(d);
        }
    }
    let input_album_lufs = meter.reading().integrated_lufs;
    let mut warnings = Vec::new();
    let mut track_opts = MasterOptions {
        assistant: None,
        ..opts.clone()
    };
    let mut assistant_outcome = None;
    if let Some(request) = &opts.assistant {
        let album_audio = InputAudio::Memory(album);
        let planned = assistant::plan(&album_audio, &first, &opts.target, request, &mut warnings)?;
        if let Some((plan, mut outcome)) = planned {
            match opts.eq {
                Some(_) => outcome.overridden.push("eq"),
                None => track_opts.eq = plan.chain.eq,
            }
            match opts.multiband {
                Some(_) => outcome.overridden.push("multiband"),
                None => track_opts.multiband = plan.chain.multiband,
            }
            match (request.keep_style, plan.chain.limiter) {
                (true, _) => outcome.overridden.push("limiter style"),
                (false, Some(l)) => track_opts.limiter.style = l.style,
                (false, None) => {}
            }
            assistant_outcome = Some(outcome);
        }
    } else {
        drop(album);
    }

    // Each track's input loudness, and its front stages measured once.
    let mut prepared = Vec::with_capacity(read.len());
    for (t, (analysis, _)) in tracks.iter().zip(&read) {
        let name = t.display().to_string();
        let p = prepare_input(t, &name, &track_opts, false).map_err(|e| prefix_error(e, &name))?;
        prepared.push((name, analysis.reading.integrated_lufs, p));
    }
    drop(read);
    if !input_album_lufs.is_finite() {
        return Err(MasterError::Input("the album is silent".into()));
    }

    let outputs: Vec<PathBuf> = tracks
        .iter()
        .map(|t| out_dir.join(format!("{}.wav", stem_of(t))))
        .collect();
    let mut album_gain_db = opts.target.lufs - input_album_lufs;
    let mut passes = 0;
    let mut result = None;
    while passes < ALBUM_PASSES {
        passes += 1;
        let mut masters = Vec::with_capacity(prepared.len());
        for ((name, input_lufs, p), output) in prepared.iter().zip(&outputs) {
            // A silent track gets no aim of its own; it is rendered at the album gain.
            let aim = if input_lufs.is_finite() {
                input_lufs + album_gain_db
            } else {
                opts.target.lufs
            };
            track_opts.target = Target {
                id: opts.target.id,
                name: format!("{} album", opts.target.name),
                lufs: aim,
                ceiling_dbtp: opts.target.ceiling_dbtp,
                loud_master_ceiling_dbtp: None,
            };
            let out_name = output.display().to_string();
            let m = master_prepared(p, name, output, &out_name, &track_opts, false)
                .map_err(|e| prefix_error(e, name))?;
            masters.push((aim, m));
        }
        let (album_lufs, album_peak) = measure_album(&first, &outputs)?;
        let miss = opts.target.lufs - album_lufs;
        result = Some((masters, album_lufs, album_peak, album_gain_db));
        if !miss.is_finite() || miss.abs() <= ALBUM_STOP_LU {
            break;
        }
        album_gain_db += miss;
    }
    let (masters, album_lufs, album_true_peak_dbtp, album_gain_db) =
        result.expect("at least one pass");

    let mut out_tracks = Vec::with_capacity(masters.len());
    for (((name, input_lufs, _), output), (aim, outcome)) in
        prepared.iter().zip(outputs).zip(masters)
    {
        for w in &outcome.warnings {
            warnings.push(format!("{name}: {w}"));
        }
        if outcome.gain_reduction.max_db > HEAVY_LIMITING_DB {
            // Already in the track's warnings; say what it costs the album.
            let got = outcome.output.reading.integrated_lufs;
            if (got - aim).abs() > 0.1 {
                warnings.push(format!(
                    "{name}: its share of the album is {aim:.2} LUFS; it reaches {got:.2} LUFS"
                ));
            }
        }
        out_tracks.push(AlbumTrack {
            input: PathBuf::from(name),
            output,
            input_lufs: *input_lufs,
            aim_lufs: aim,
            outcome,
        });
    }
    if (album_lufs - opts.target.lufs).abs() > 0.1 {
        warnings.push(format!(
            "the album's integrated loudness is {album_lufs:.2} LUFS, {:+.2} LU from the target",
            album_lufs - opts.target.lufs
        ));
    }
    Ok(AlbumOutcome {
        tracks: out_tracks,
        input_album_lufs,
        album_lufs,
        album_true_peak_dbtp,
        target: opts.target.clone(),
        album_gain_db,
        passes,
        assistant: assistant_outcome,
        warnings,
    })
}

fn prefix_error(e: MasterError, name: &str) -> MasterError {
    match e {
        MasterError::Input(r) if !r.starts_with(name) => MasterError::Input(format!("{name}: {r}")),
        other => other,
    }
}

/// One row of the album report.
#[derive(Debug, Clone, Serialize)]
pub struct AlbumRow {
    /// The input track, or `album`.
    pub track: String,
    /// The master written (None for the album row).
    pub output: Option<String>,
    /// Input integrated loudness, LUFS.
    pub input_lufs: Option<f64>,
    /// The loudness the track was aimed at (input + album gain), LUFS.
    pub aim_lufs: Option<f64>,
    /// Output integrated loudness, LUFS.
    pub output_lufs: Option<f64>,
    /// Output minus input loudness of this track, relative to the album's, LU (how far its
    /// difference to the rest of the album moved; 0 when kept).
    pub balance_change_lu: Option<f64>,
    /// Output true peak, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Deepest gain reduction, dB.
    pub max_gain_reduction_db: Option<f64>,
    /// Within the album's rules: balance kept within 0.2 LU and true peak under the ceiling.
    pub ok: bool,
}

/// Balance changes up to this are "kept", LU.
pub const BALANCE_TOLERANCE_LU: f64 = 0.2;

/// The report's rows: one per track, then the album row.
pub fn album_rows(a: &AlbumOutcome) -> Vec<AlbumRow> {
    let album_change = a.album_lufs - a.input_album_lufs;
    let ceiling = a.target.ceiling_dbtp + super::TRUE_PEAK_ALLOWANCE_DB;
    let mut rows: Vec<AlbumRow> = a
        .tracks
        .iter()
        .map(|t| {
            let r = &t.outcome.output.reading;
            let change = r.integrated_lufs - t.input_lufs - album_change;
            let peak_ok = r.true_peak_dbtp.is_nan() || r.true_peak_dbtp <= ceiling;
            AlbumRow {
                track: t.input.display().to_string(),
                output: Some(t.output.display().to_string()),
                input_lufs: rounded(t.input_lufs, 3),
                aim_lufs: rounded(t.aim_lufs, 3),
                output_lufs: rounded(r.integrated_lufs, 3),
                balance_change_lu: rounded(change, 3),
                true_peak_dbtp: rounded(r.true_peak_dbtp, 3),
                max_gain_reduction_db: rounded(t.outcome.gain_reduction.max_db, 3),
                ok: peak_ok && (!change.is_finite() || change.abs() <= BALANCE_TOLERANCE_LU),
            }
        })
        .collect();
    rows.push(AlbumRow {
        track: "album".into(),
        output: None,
        input_lufs: rounded(a.input_album_lufs, 3),
        aim_lufs: rounded(a.target.lufs, 3),
        output_lufs: rounded(a.album_lufs, 3),
        balance_change_lu: None,
        true_peak_dbtp: rounded(a.album_true_peak_dbtp, 3),
        max_gain_reduction_db: None,
        ok: (a.album_lufs - a.target.lufs).abs() <= super::TOLERANCE_LU
            && a.album_true_peak_dbtp <= ceiling,
    });
    rows
}
