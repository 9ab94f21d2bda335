//! `vernis master --album T1 T2 … --out-dir D`: prints the album table and writes the reports.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::master::{
    album_rows, json_moves, master_album, master_report, AlbumOutcome, AlbumRow, JsonMove,
    MasterError, MasterOptions, BALANCE_TOLERANCE_LU,
};
use crate::versions::stem_of;
use crate::{emit, guarded, report_error, warn, MasterArgs};

/// `D/album.json`.
#[derive(Serialize)]
struct AlbumReport<'a> {
    target: &'a str,
    target_lufs: f64,
    ceiling_dbtp: f64,
    album_gain_db: Option<f64>,
    passes: usize,
    rows: Vec<AlbumRow>,
    moves: Vec<JsonMove>,
    warnings: &'a [String],
}

/// The album table.
fn album_text(a: &AlbumOutcome, rows: &[AlbumRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Album       {} tracks for {} ({:.1} LUFS, true peak <= {:.1} dBTP): one analysis, one set of decisions",
        a.tracks.len(),
        a.target.name,
        a.target.lufs,
        a.target.ceiling_dbtp
    );
    let _ = writeln!(
        s,
        "  {:<24} {:>8} {:>9} {:>8} {:>10} {:>7}  File",
        "Track", "In LUFS", "Out LUFS", "Balance", "True peak", "Max GR"
    );
    let cell = |x: Option<f64>, d: usize| x.map_or("-".to_string(), |v| format!("{v:.d$}"));
    for r in rows {
        let _ = writeln!(
            s,
            "  {:<24} {:>8} {:>9} {:>8} {:>10} {:>7}  {}{}",
            Path::new(&r.track)
                .file_name()
                .map_or(r.track.clone(), |n| n.to_string_lossy().into_owned()),
            cell(r.input_lufs, 2),
            cell(r.output_lufs, 2),
            r.balance_change_lu
                .map_or("".into(), |b| format!("{b:+.2}")),
            cell(r.true_peak_dbtp, 2),
            cell(r.max_gain_reduction_db, 1),
            r.output.as_deref().unwrap_or(""),
            if r.ok { "" } else { "  !" }
        );
    }
    let _ = writeln!(
        s,
        "Album gain  {:+.2} dB on every track's input loudness ({} pass(es)); balance = change \
         of a track's loudness against the album's, kept within ±{BALANCE_TOLERANCE_LU} LU",
        a.album_gain_db, a.passes
    );
    if let Some(assistant) = &a.assistant {
        let _ = writeln!(s, "Assistant   (the album as one programme)");
        for m in &assistant.moves {
            let _ = writeln!(s, "  {}", m.action);
            let _ = writeln!(s, "    because {}", m.reason);
        }
    }
    for w in &a.warnings {
        let _ = writeln!(s, "Warning     {w}");
    }
    s
}

/// Runs the album master.
pub fn cmd_master_album(args: &MasterArgs, opts: &MasterOptions, dir: &Path) -> ExitCode {
    let mut stems = std::collections::BTreeSet::new();
    for f in &args.files {
        if !stems.insert(stem_of(f)) {
            report_error(
                "--album",
                &format!("two tracks would both be written as {}", stem_of(f)),
            );
            return ExitCode::from(2);
        }
    }
    if stems.contains("album") {
        report_error("--album", "a track named album would overwrite album.json");
        return ExitCode::from(2);
    }
    let result = guarded(|| Ok(master_album(&args.files, opts, dir, stem_of)));
    let album = match result {
        Ok(Ok(a)) => a,
        Ok(Err(MasterError::Input(reason))) | Err(reason) => {
            report_error("--album", &reason);
            return ExitCode::FAILURE;
        }
        Ok(Err(MasterError::Output(reason))) => {
            report_error(&dir.display().to_string(), &reason);
            return ExitCode::FAILURE;
        }
        Ok(Err(MasterError::Reference(reason))) => {
            report_error("--reference", &reason);
            return ExitCode::FAILURE;
        }
    };
    for w in &album.warnings {
        warn(w);
    }
    let rows = album_rows(&album);
    let mut text = album_text(&album, &rows);
    let mut failed = false;
    let mut write_json = |path: &Path, json: Result<String, serde_json::Error>| {
        let written = json
            .map_err(|e| format!("cannot encode JSON: {e}"))
            .and_then(|j| std::fs::write(path, j + "\n").map_err(|e| format!("cannot write: {e}")));
        if let Err(reason) = written {
            report_error(&path.display().to_string(), &reason);
            failed = true;
        }
    };
    for t in &album.tracks {
        let path = dir.join(format!("{}.json", stem_of(&t.input)));
        write_json(
            &path,
            serde_json::to_string_pretty(&master_report(&t.outcome, None)),
        );
    }
    let report = AlbumReport {
        target: album.target.id.unwrap_or("custom"),
        target_lufs: album.target.lufs,
        ceiling_dbtp: album.target.ceiling_dbtp,
        album_gain_db: crate::master::rounded(album.album_gain_db, 3),
        passes: album.passes,
        rows,
        moves: album
            .assistant
            .as_ref()
            .map_or_else(Vec::new, |a| json_moves(&a.moves)),
        warnings: &album.warnings,
    };
    let album_json = dir.join("album.json");
    write_json(&album_json, serde_json::to_string_pretty(&report));
    let _ = writeln!(text, "Report      {}", album_json.display());
    if !emit(&text) || failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
