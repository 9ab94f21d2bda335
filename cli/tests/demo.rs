//! End-to-end test of `vernis demo`.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn demo_writes_all_its_files() {
    let dir = TempDir::new("demo");
    let out_dir = dir.path("nested/out");
    let out = vernis(&["demo", out_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);

    for name in [
        "demo.wav",
        "demo-reference.wav",
        "demo-report.txt",
        "demo-report.json",
        "demo-loudness.png",
        "demo-master.wav",
        "demo-master-report.json",
        "demo-master-report.txt",
        "demo-master.png",
        "demo-master-spectrum.png",
        "demo-presets/dynamic-eq.vstpreset",
        "demo-presets/multiband.vstpreset",
        "demo-presets/limiter.vstpreset",
    ] {
        let path = out_dir.join(name);
        assert!(path.is_file(), "{name} missing");
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{name} empty");
        assert!(
            stdout.contains(path.to_str().unwrap()),
            "{name} not printed"
        );
    }

    // The WAV: 48 kHz stereo, ~30 s.
    let reader = hound::WavReader::open(out_dir.join("demo.wav")).unwrap();
    assert_eq!(reader.spec().sample_rate, 48_000);
    assert_eq!(reader.spec().channels, 2);
    let seconds = f64::from(reader.duration()) / 48_000.0;
    assert!((seconds - 30.0).abs() < 0.01, "{seconds} s");

    // The report: a mix with real dynamics, peaking near −1 dBFS, roughly −14 to −18 LUFS.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("demo-report.json")).unwrap())
            .unwrap();
    let integrated = num(&json, "integrated_lufs");
    assert!((-18.0..=-14.0).contains(&integrated), "I = {integrated}");
    assert!((num(&json, "sample_peak_dbfs") + 1.0).abs() < 0.05);
    assert!(num(&json, "loudness_range_lu") > 3.0);
    assert!(num(&json, "momentary_max_lufs") > integrated);

    let text = std::fs::read_to_string(out_dir.join("demo-report.txt")).unwrap();
    assert!(text.contains("Integrated loudness"));
    assert!(stdout.contains(&text), "the printed report is the file's");

    let png = std::fs::read(out_dir.join("demo-loudness.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    // The master: Spotify's −14 LUFS under −1 dBTP, 24-bit, same length.
    let master = out_dir.join("demo-master.wav");
    let reader = hound::WavReader::open(&master).unwrap();
    assert_eq!(reader.spec().bits_per_sample, 24);
    assert_eq!(reader.duration(), 30 * 48_000);
    let after = analyze_json(&master);
    assert!(
        (num(&after, "integrated_lufs") + 14.0).abs() <= 0.1,
        "{after}"
    );
    assert!(num(&after, "true_peak_dbtp") <= -1.0 + 0.01, "{after}");
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("demo-master-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["within_tolerance"], true);
    assert_eq!(report["output"], after);
    assert_eq!(report["target"]["id"], "spotify");
    // The assistant mastered it against the built-in reference: its moves are listed, the
    // tonal match among them.
    let moves = report["assistant"]["moves"].as_array().unwrap();
    let reason = |m: &Value| m["reason"].as_str().unwrap().to_string();
    assert!(
        moves.iter().any(|m| reason(m).contains("tonal match")),
        "{moves:?}"
    );
    assert!(report["assistant"]["reference"]
        .as_str()
        .unwrap()
        .ends_with("demo-reference.wav"));
    let master_text = std::fs::read_to_string(out_dir.join("demo-master-report.txt")).unwrap();
    assert!(master_text.contains("Mastered") && master_text.contains("Integrated loudness"));
    assert!(
        stdout.contains(&master_text),
        "the master's text is printed"
    );
    let png = std::fs::read(out_dir.join("demo-master.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 1000);

    // Every streaming platform's version, from the master's decisions, with its comparison.
    let versions = out_dir.join("demo-versions");
    let rows: Value = serde_json::from_str(
        &std::fs::read_to_string(versions.join("demo-versions.json")).unwrap(),
    )
    .unwrap();
    let rows = rows.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["target"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "spotify",
            "apple-music",
            "youtube",
            "amazon",
            "tidal",
            "deezer"
        ]
    );
    for row in rows {
        let id = row["target"].as_str().unwrap();
        assert_eq!(row["within_tolerance"], true, "{row}");
        for file in [
            format!("demo-{id}.wav"),
            format!("demo-{id}.json"),
            format!("demo-{id}-preview.wav"),
        ] {
            let path = versions.join(&file);
            assert!(path.is_file(), "{file} missing");
            assert!(
                stdout.contains(path.to_str().unwrap()),
                "{file} not printed"
            );
        }
        let version: Value = serde_json::from_str(
            &std::fs::read_to_string(versions.join(format!("demo-{id}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(version["settings"]["eq"], report["settings"]["eq"], "{id}");
        assert_eq!(
            version["settings"]["multiband"], report["settings"]["multiband"],
            "{id}"
        );
    }
    // The Spotify version is the master.
    assert!(
        std::fs::read(versions.join("demo-spotify.wav")).unwrap()
            == std::fs::read(out_dir.join("demo-master.wav")).unwrap()
    );
    let table = std::fs::read_to_string(versions.join("demo-versions.txt")).unwrap();
    assert!(
        table.contains("Playback") && stdout.contains(&table),
        "{table}"
    );
}

#[test]
fn demo_into_an_unwritable_place_fails_cleanly() {
    let dir = TempDir::new("demo-bad");
    let file = dir.path("a-file");
    std::fs::write(&file, b"x").unwrap();
    let out = vernis(&["demo", file.join("sub").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = lines(&out.stderr);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].starts_with("vernis: "), "{}", err[0]);
}
