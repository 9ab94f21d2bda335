//! `vernis master --album`: one decision for the album, the loudness differences between tracks
//! kept, the album (all tracks as one programme) on target, every track under the ceiling;
//! checked with the independent `ebur128` crate on the written files.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

const FS: u32 = 48_000;

/// A stereo track: noise under a slow swell (0.5 Hz), then 1 s of near-silence, `gain_db` on it.
fn track(seed: u64, seconds: usize, gain_db: f64) -> Vec<Vec<f32>> {
    let frames = seconds * FS as usize;
    let g = db_to_gain(gain_db) as f32;
    (0..2)
        .map(|c| {
            let n = noise(seed * 2 + c, frames, 0.5);
            n.iter()
                .enumerate()
                .map(|(i, x)| {
                    let t = i as f32 / FS as f32;
                    let swell = 0.6 + 0.4 * (std::f32::consts::TAU * 0.5 * t).sin();
                    let tail = if i + FS as usize > frames { 0.001 } else { 1.0 };
                    x * swell * tail * g
                })
                .collect()
        })
        .collect()
}

/// Masters the tracks (gains in dB) as an album; returns the album report and the (input,
/// output) files.
fn master_album(dir: &TempDir, levels_db: &[f64]) -> (Value, Vec<(PathBuf, PathBuf)>) {
    master_album_with(dir, levels_db, None)
}

/// As [`master_album`], track `clicks` (if any) with a full-scale click every 0.25 s.
fn master_album_with(
    dir: &TempDir,
    levels_db: &[f64],
    clicks: Option<usize>,
) -> (Value, Vec<(PathBuf, PathBuf)>) {
    let mut files = Vec::new();
    for (k, &level) in levels_db.iter().enumerate() {
        let path = dir.path(&format!("track-{k}.wav"));
        let mut audio = track(k as u64 + 1, 6, level);
        if clicks == Some(k) {
            for ch in &mut audio {
                for i in (1_000..ch.len() - FS as usize).step_by(FS as usize / 4) {
                    ch[i] = 0.99;
                }
            }
        }
        write_wav(&path, &audio, FS, Encoding::Float32);
        files.push(path);
    }
    let out_dir = dir.path("album");
    let mut args = vec![
        "master",
        "--album",
        "--target",
        "spotify",
        "--out-dir",
        s(&out_dir),
    ];
    args.extend(files.iter().map(|p| s(p)));
    run_ok(&args);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("album.json")).unwrap())
            .unwrap();
    let pairs = files
        .iter()
        .enumerate()
        .map(|(k, f)| (f.clone(), out_dir.join(format!("track-{k}.wav"))))
        .collect();
    (report, pairs)
}

/// Integrated loudness of each file and of all of them back to back, and each true peak (ebur128).
fn readings(files: &[PathBuf]) -> (Vec<(f64, f64)>, f64) {
    let mut all: Vec<Vec<f32>> = vec![Vec::new(); 2];
    let each = files
        .iter()
        .map(|f| {
            let (fs, audio) = read_wav(f);
            for (a, x) in all.iter_mut().zip(&audio) {
                a.extend_from_slice(x);
            }
            ebur128_reading(&audio, fs)
        })
        .collect();
    (each, ebur128_reading(&all, FS).0)
}

/// Checks the album rules; returns the largest gain reduction of any track.
fn check_rules(report: &Value, pairs: &[(PathBuf, PathBuf)]) -> f64 {
    let inputs: Vec<PathBuf> = pairs.iter().map(|p| p.0.clone()).collect();
    let outputs: Vec<PathBuf> = pairs.iter().map(|p| p.1.clone()).collect();
    let (before, _) = readings(&inputs);
    let (after, album_lufs) = readings(&outputs);
    assert!(
        (album_lufs + 14.0).abs() <= 0.1,
        "album at {album_lufs} LUFS by ebur128"
    );
    let changes: Vec<f64> = before.iter().zip(&after).map(|(b, a)| a.0 - b.0).collect();
    for (k, &c) in changes.iter().enumerate() {
        for &d in &changes[..k] {
            assert!(
                (c - d).abs() <= 0.2,
                "loudness differences moved: {changes:?}"
            );
        }
        assert!(after[k].1 <= -1.0 + 0.1, "track {k} at {} dBTP", after[k].1);
    }
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), pairs.len() + 1);
    let album = &rows[pairs.len()];
    assert_eq!(album["track"], "album");
    assert!((num(album, "output_lufs") + 14.0).abs() <= 0.1, "{album}");
    assert!(num(album, "true_peak_dbtp") <= -1.0 + 0.01, "{album}");
    rows[..pairs.len()]
        .iter()
        .map(|r| {
            assert!(num(r, "true_peak_dbtp") <= -1.0 + 0.01, "{r}");
            num(r, "max_gain_reduction_db")
        })
        .fold(0.0, f64::max)
}

#[test]
fn an_album_keeps_its_balance_and_meets_the_target() {
    let dir = TempDir::new("album");
    // Three tracks 3 and 5 dB apart.
    let (report, pairs) = master_album(&dir, &[-18.0, -21.0, -23.0]);
    let max_gr = check_rules(&report, &pairs);
    assert!(max_gr <= 6.0, "{max_gr} dB");
    assert_eq!(report["warnings"].as_array().unwrap().len(), 0, "{report}");
    for r in report["rows"].as_array().unwrap() {
        assert_eq!(r["ok"], true, "{r}");
    }
    // One decision: every track has the same EQ, multiband and limiter style.
    let track_report = |k: usize| -> Value {
        let path = dir.path("album").join(format!("track-{k}.json"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let first = track_report(0);
    for k in 1..3 {
        let other = track_report(k);
        for key in ["eq", "multiband", "style"] {
            assert_eq!(first["settings"][key], other["settings"][key], "{key}");
        }
    }
}

#[test]
fn a_track_that_cannot_reach_its_share_is_warned_and_stays_safe() {
    let dir = TempDir::new("album-loud");
    // A quiet album: every track must come up about 12 dB. The first one's full-scale clicks
    // cannot follow without far more than 6 dB of limiting.
    let (report, pairs) = master_album_with(&dir, &[-14.0, -14.0, -16.0], Some(0));
    let outputs: Vec<PathBuf> = pairs.iter().map(|p| p.1.clone()).collect();
    let (after, album_lufs) = readings(&outputs);
    assert!(
        (album_lufs + 14.0).abs() <= 0.1,
        "album at {album_lufs} LUFS"
    );
    for (k, (_, peak)) in after.iter().enumerate() {
        assert!(*peak <= -1.0 + 0.1, "track {k} at {peak} dBTP");
    }
    let warnings = strings(&report["warnings"]);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("track-0.wav") && w.contains("more than 6 dB")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("track-1.wav")),
        "{warnings:?}"
    );
}

#[test]
fn album_tracks_must_share_rate_and_channels() {
    let dir = TempDir::new("album-mixed");
    let a = dir.path("a.wav");
    let b = dir.path("b.wav");
    write_wav(&a, &track(1, 4, -20.0), FS, Encoding::Float32);
    write_wav(&b, &track(2, 4, -20.0), 44_100, Encoding::Float32);
    let out_dir = dir.path("out");
    let out = vernis(&["master", "--album", "--out-dir", s(&out_dir), s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("share one rate"), "{err}");
}
