//! `vernis master IN --targets … --out-dir D [--preview]`: every platform's version of one master,
//! checked by dsp-core's meter (the reports) and by the independent `ebur128` crate (the files).

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// (id, target LUFS, ceiling dBTP) of the platforms under test, from `shared/spec/loudness.md` §3.
const PLATFORMS: [(&str, f64, f64); 4] = [
    ("spotify", -14.0, -1.0),
    ("apple-music", -16.0, -1.0),
    ("youtube", -14.0, -1.0),
    ("amazon", -14.0, -2.0),
];

/// The playback gain each platform's published rule gives a master, written out from the spec
/// (not from dsp-core): Spotify and Apple Music turn loud masters down and lift quiet ones only
/// as far as the true peak stays under −1 dBTP; YouTube and Amazon only turn down.
fn expected_playback_gain_db(platform: &str, lufs: f64, true_peak_dbtp: f64) -> f64 {
    let (target, lifts) = match platform {
        "spotify" => (-14.0, true),
        "apple-music" => (-16.0, true),
        "youtube" | "amazon" => (-14.0, false),
        other => panic!("no rule for {other}"),
    };
    let to_target = target - lufs;
    if to_target <= 0.0 {
        to_target
    } else if lifts {
        to_target.min((-1.0 - true_peak_dbtp).max(0.0))
    } else {
        0.0
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_platform_gets_its_own_version_with_a_comparison_and_previews() {
    let dir = TempDir::new("versions");
    let input = demo_wav_seconds(&dir, 12);
    let out_dir = dir.path("out");
    let ids: Vec<&str> = PLATFORMS.iter().map(|p| p.0).collect();
    let stdout = run_ok(&[
        "master",
        s(&input),
        "--targets",
        &ids.join(","),
        "--out-dir",
        s(&out_dir),
        "--preview",
        "--assistant",
        "off",
    ]);
    assert!(stdout.contains("Playback"), "{stdout}");
    let summary = json(&out_dir.join("demo-versions.json"));
    let rows = summary.as_array().unwrap();
    assert_eq!(rows.len(), PLATFORMS.len());
    for (row, &(id, target, ceiling)) in rows.iter().zip(&PLATFORMS) {
        assert_eq!(row["target"], id);
        // Our meter, in the version's own report.
        let report = json(&out_dir.join(format!("demo-{id}.json")));
        let lufs = num(&report["output"], "integrated_lufs");
        let true_peak = num(&report["output"], "true_peak_dbtp");
        assert!((lufs - target).abs() <= 0.1, "{id}: {lufs} LUFS");
        assert!(true_peak <= ceiling + 0.01, "{id}: {true_peak} dBTP");
        assert_eq!(report["within_tolerance"], true, "{id}");
        assert_eq!(num(row, "integrated_lufs"), lufs);
        // The independent meter, on the written file.
        let (fs, audio) = read_wav(&out_dir.join(format!("demo-{id}.wav")));
        let (ebu_lufs, ebu_peak) = ebur128_reading(&audio, fs);
        assert!(
            (ebu_lufs - target).abs() <= 0.1,
            "{id}: ebur128 {ebu_lufs} LUFS"
        );
        assert!(ebu_peak <= ceiling + 0.1, "{id}: ebur128 {ebu_peak} dBTP");

        // The comparison: what every platform's rule does to this version.
        let playback = row["playback"].as_array().unwrap();
        assert_eq!(playback.len(), PLATFORMS.len());
        for (cell, &(other, _, other_ceiling)) in playback.iter().zip(&PLATFORMS) {
            assert_eq!(cell["platform"], other);
            let expected = expected_playback_gain_db(other, lufs, true_peak);
            let gain = num(cell, "playback_gain_db");
            // Both from readings rounded to 3 decimals.
            assert!(
                (gain - expected).abs() <= 0.002,
                "{id} on {other}: {gain} dB, the rule gives {expected} dB"
            );
            // Spotify's ceiling tightens to −2 dBTP for masters louder than −14 LUFS.
            let applies = if other == "spotify" && lufs > -14.0 {
                -2.0
            } else {
                other_ceiling
            };
            assert_eq!(
                cell["true_peak_ok"],
                true_peak <= applies,
                "{id} on {other}"
            );
        }

        // The preview plays at the platform's playback loudness (by the independent meter).
        let own_gain = expected_playback_gain_db(id, lufs, true_peak);
        let preview = out_dir.join(format!("demo-{id}-preview.wav"));
        let (fs, audio) = read_wav(&preview);
        let (preview_lufs, _) = ebur128_reading(&audio, fs);
        assert!(
            (preview_lufs - (ebu_lufs + own_gain)).abs() < 0.02,
            "{id}: preview {preview_lufs} LUFS, version {ebu_lufs} + {own_gain} dB"
        );
    }
    // The Amazon version is limited to its stricter ceiling; the others are over it.
    let on_amazon = |row: &Value| row["playback"][3]["true_peak_ok"] == true;
    assert!(on_amazon(&rows[3]));
    assert!(!on_amazon(&rows[0]), "{stdout}");
}

#[test]
fn versions_share_one_set_of_decisions() {
    let dir = TempDir::new("versions-assistant");
    let input = demo_wav_seconds(&dir, 10);
    let versions_into = |out_dir: &Path| {
        run_ok(&[
            "master",
            s(&input),
            "--targets",
            "spotify,amazon",
            "--out-dir",
            s(out_dir),
        ])
    };
    let out_dir = dir.path("out");
    versions_into(&out_dir);
    let spotify = json(&out_dir.join("demo-spotify.json"));
    let amazon = json(&out_dir.join("demo-amazon.json"));
    // The same EQ, multiband and limiter style; only the drive and the ceiling differ.
    for key in ["eq", "multiband"] {
        assert!(!spotify["settings"][key].is_null(), "{key}: {spotify}");
        assert_eq!(spotify["settings"][key], amazon["settings"][key], "{key}");
    }
    assert_eq!(spotify["settings"]["style"], amazon["settings"]["style"]);
    assert_eq!(num(&spotify["settings"], "ceiling_dbtp"), -1.0);
    assert_eq!(num(&amazon["settings"], "ceiling_dbtp"), -2.0);
    // Each version's limiter move names its own target.
    let limiter_move = |r: &Value| {
        r["assistant"]["moves"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["stage"] == "limiter")
            .map(|m| m["action"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(limiter_move(&spotify).contains("ceiling -1.0 dBTP"));
    assert!(limiter_move(&amazon).contains("ceiling -2.0 dBTP"));
    // Same input, same options: same bytes.
    let again = dir.path("again");
    versions_into(&again);
    for id in ["spotify", "amazon"] {
        let name = format!("demo-{id}.wav");
        assert!(
            std::fs::read(out_dir.join(&name)).unwrap()
                == std::fs::read(again.join(&name)).unwrap()
        );
    }
}

#[test]
fn targets_need_an_out_dir_and_no_single_output() {
    let dir = TempDir::new("versions-args");
    let input = demo_wav_seconds(&dir, 4);
    let out = dir.path("o.wav");
    let d = dir.path("d");
    let report = dir.path("r.json");
    for args in [
        vec!["master", s(&input), "--targets", "spotify"],
        vec!["master", s(&input)],
        vec!["master", s(&input), s(&out), s(&out)],
        vec![
            "master",
            s(&input),
            "--targets",
            "spotify,nowhere",
            "--out-dir",
            s(&d),
        ],
        vec![
            "master",
            s(&input),
            "--targets",
            "spotify",
            "--target",
            "youtube",
            "--out-dir",
            s(&d),
        ],
        vec![
            "master",
            s(&input),
            "--out-dir",
            s(&d),
            "--report",
            s(&report),
        ],
        vec!["master", s(&input), s(&out), "--preview"],
        vec!["master", s(&input), s(&out), "--jobs", "2"],
    ] {
        let result = vernis(&args);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
    }
    assert!(dir_listing(dir.dir()).iter().all(|f| f == "demo.wav"));
}
