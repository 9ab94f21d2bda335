//! End-to-end tests of `vernis master`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use serde_json::Value;

const FS: u32 = 48_000;

const REPORT_FIELDS: [&str; 12] = [
    "input",
    "output",
    "settings",
    "render_args",
    "format",
    "target",
    "gain_reduction",
    "iterations",
    "search",
    "latency_samples",
    "within_tolerance",
    "warnings",
];

const SETTINGS_KEYS: [&str; 13] = [
    "input_gain_db",
    "ceiling_dbtp",
    "lookahead_ms",
    "release_ms",
    "auto_release",
    "stereo_link_percent",
    "style",
    "oversampling",
    "unity_gain",
    "dither",
    "dc_filter",
    "bypass",
    "pre_gain_db",
];

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn master_ok(args: &[&str]) -> (String, String) {
    let out = vernis(args);
    assert!(
        out.status.success(),
        "vernis {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn spotify_master_lands_on_target_under_the_ceiling() {
    let dir = TempDir::new("master-spotify");
    let demo = demo_wav(&dir);
    let output = dir.path("master.wav");
    let json_path = dir.path("report.json");
    let (stdout, _) = master_ok(&[
        "master",
        s(&demo),
        s(&output),
        "--target",
        "spotify",
        "--report",
        s(&json_path),
    ]);

    // Measured independently of the report: dsp-core's meter on the file as written.
    let (rate, audio) = read_wav(&output);
    assert_eq!(rate, FS);
    assert_eq!(audio[0].len(), 20 * FS as usize);
    let (integrated, true_peak) = measure(&audio, FS);
    assert!((integrated + 14.0).abs() <= 0.1, "I = {integrated}");
    assert!(true_peak <= -1.0 + 0.01, "TP = {true_peak}");

    let r = report(&json_path);
    assert_eq!(r["within_tolerance"], true, "{r:#}");
    assert!((num(&r["output"], "integrated_lufs") - integrated).abs() < 0.001);
    // Input was 24-bit: 24-bit out, 24-bit dither.
    assert_eq!(r["format"], "wav24");
    assert_eq!(r["settings"]["dither"], "24-bit");
    assert!(num(&r["settings"], "input_gain_db") > 0.0);
    assert_eq!(num(&r["settings"], "pre_gain_db"), 0.0);

    for needle in [
        "Spotify",
        "Input",
        "Output",
        "Integrated",
        "True peak",
        "Gain reduction",
        "within tolerance",
    ] {
        assert!(stdout.contains(needle), "{needle} missing in\n{stdout}");
    }
}

#[test]
fn report_has_the_documented_fields_and_matches_analyze() {
    let dir = TempDir::new("master-report");
    let demo = demo_wav(&dir);
    let output = dir.path("master.wav");
    let json_path = dir.path("report.json");
    let plot = dir.path("before-after.png");
    let (stdout, _) = master_ok(&[
        "master",
        s(&demo),
        s(&output),
        "--target",
        "apple-music",
        "--format",
        "wav16",
        "--report",
        s(&json_path),
        "--plot",
        s(&plot),
        // The limiter alone: the assistant's part is tested in tests/assistant.rs.
        "--assistant",
        "off",
    ]);
    assert!(
        stdout.contains(s(&json_path)) && stdout.contains(s(&plot)),
        "{stdout}"
    );
    let png = std::fs::read(&plot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let r = report(&json_path);
    let keys: BTreeSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = REPORT_FIELDS.iter().copied().collect();
    assert_eq!(keys, expected);

    // input and output are exactly what `vernis analyze --json` says about the files.
    assert_eq!(r["input"], analyze_json(&demo));
    assert_eq!(r["output"], analyze_json(&output));

    let settings = r["settings"].as_object().unwrap();
    let keys: BTreeSet<&str> = settings.keys().map(String::as_str).collect();
    assert_eq!(keys, SETTINGS_KEYS.iter().copied().collect());
    assert!(settings.values().all(|v| !v.is_null()));
    assert_eq!(r["settings"]["dither"], "16-bit-shaped");
    assert_eq!(r["settings"]["ceiling_dbtp"], -1.0);

    let target = &r["target"];
    assert_eq!(target["id"], "apple-music");
    assert_eq!(target["name"], "Apple Music");
    assert_eq!(num(target, "lufs"), -16.0);
    assert_eq!(num(target, "ceiling_dbtp"), -1.0);

    let gr = &r["gain_reduction"];
    for field in [
        "max_db",
        "mean_db",
        "percent_above_1_db",
        "percent_above_3_db",
        "percent_above_6_db",
    ] {
        assert!(num(gr, field) >= 0.0, "{field}");
    }
    assert!(num(gr, "max_db") >= num(gr, "mean_db"));
    assert!(num(gr, "percent_above_1_db") >= num(gr, "percent_above_3_db"));
    assert!(num(gr, "percent_above_3_db") >= num(gr, "percent_above_6_db"));
    assert!(
        num(gr, "max_db") > 0.5,
        "the demo needs limiting to reach -16: {gr}"
    );

    let iterations = r["iterations"].as_u64().unwrap();
    assert!((1..=12).contains(&iterations));
    assert_eq!(r["search"].as_array().unwrap().len() as u64, iterations);
    assert!(r["within_tolerance"].is_boolean());
    assert!(r["warnings"].is_array());
    assert_eq!(r["format"], "wav16");
}

#[test]
fn master_is_deterministic_and_render_args_reproduce_it() {
    let dir = TempDir::new("master-determinism");
    let demo = demo_wav(&dir);
    let mut outputs = Vec::new();
    for name in ["a.wav", "b.wav"] {
        let output = dir.path(name);
        master_ok(&[
            "master",
            s(&demo),
            s(&output),
            "--format",
            "wav16",
            "--report",
            s(&dir.path("r.json")),
        ]);
        outputs.push(std::fs::read(&output).unwrap());
    }
    assert_eq!(outputs[0], outputs[1], "two runs differ");

    let r = report(&dir.path("r.json"));
    let rendered = dir.path("rendered.wav");
    let mut args = vec!["render".to_string(), s(&demo).into(), s(&rendered).into()];
    for a in r["render_args"].as_array().unwrap() {
        args.push(a.as_str().unwrap().into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = vernis(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&rendered).unwrap(),
        outputs[0],
        "render_args do not reproduce"
    );
}

/// Stereo noise at about −8 LUFS with a quieter middle.
fn loud_noise(seconds: f64) -> Vec<Vec<f32>> {
    let frames = (seconds * f64::from(FS)) as usize;
    let mut channels = vec![noise(21, frames, 0.9), noise(22, frames, 0.9)];
    for ch in &mut channels {
        for (i, x) in ch.iter_mut().enumerate() {
            let t = i as f64 / f64::from(FS);
            if (3.0..5.0).contains(&t) {
                *x *= 0.3;
            }
        }
    }
    channels
}

#[test]
fn loud_input_is_turned_down_by_the_pre_gain() {
    let dir = TempDir::new("master-loud");
    let input = dir.path("loud.wav");
    let signal = loud_noise(8.0);
    write_wav(&input, &signal, FS, Encoding::Float32);
    let (i_in, _) = measure(&signal, FS);
    assert!(i_in > -10.0, "{i_in}");
    let output = dir.path("out.wav");
    let json_path = dir.path("r.json");
    master_ok(&[
        "master",
        s(&input),
        s(&output),
        "--target",
        "youtube",
        "--report",
        s(&json_path),
    ]);
    let r = report(&json_path);
    assert_eq!(r["within_tolerance"], true, "{r:#}");
    assert!(num(&r["settings"], "pre_gain_db") < -3.0);
    assert_eq!(num(&r["settings"], "input_gain_db"), 0.0);
    assert_eq!(r["format"], "wav32f");
    assert_eq!(r["settings"]["dither"], "off");
    let (_, audio) = read_wav(&output);
    let (integrated, true_peak) = measure(&audio, FS);
    assert!((integrated + 14.0).abs() <= 0.1, "{integrated}");
    assert!(true_peak <= -1.0 + 0.01, "{true_peak}");
}

#[test]
fn lufs_ceiling_and_style_options() {
    let dir = TempDir::new("master-lufs");
    let demo = demo_wav(&dir);
    let output = dir.path("out.wav");
    let json_path = dir.path("r.json");
    master_ok(&[
        "master",
        s(&demo),
        s(&output),
        "--lufs",
        "-12",
        "--ceiling",
        "-2",
        "--style",
        "punchy",
        "--set",
        "limiter.release_ms=50",
        "--set",
        "limiter.dither=off",
        "--format",
        "wav32f",
        "--report",
        s(&json_path),
    ]);
    let r = report(&json_path);
    assert!(r["target"]["id"].is_null());
    assert_eq!(num(&r["target"], "lufs"), -12.0);
    assert_eq!(num(&r["target"], "ceiling_dbtp"), -2.0);
    assert_eq!(r["settings"]["style"], "punchy");
    assert_eq!(num(&r["settings"], "release_ms"), 50.0);
    let (_, audio) = read_wav(&output);
    let (integrated, true_peak) = measure(&audio, FS);
    assert!((integrated + 12.0).abs() <= 0.1, "{integrated}");
    assert!(true_peak <= -2.0 + 0.01, "{true_peak}");
}

#[test]
fn heavy_limiting_and_unreachable_targets_warn() {
    let dir = TempDir::new("master-warnings");
    // Quiet noise with full-scale clicks: reaching −14 LUFS means limiting the clicks hard.
    let frames = 8 * FS as usize;
    let mut spiky = vec![noise(31, frames, 0.02), noise(32, frames, 0.02)];
    for ch in &mut spiky {
        for i in (1_000..frames).step_by(12_000) {
            ch[i] = 0.99;
        }
    }
    let input = dir.path("spiky.wav");
    write_wav(&input, &spiky, FS, Encoding::Float32);
    let output = dir.path("out.wav");
    let json_path = dir.path("r.json");
    let (stdout, stderr) = master_ok(&["master", s(&input), s(&output), "--report", s(&json_path)]);
    let r = report(&json_path);
    assert!(num(&r["gain_reduction"], "max_db") > 6.0);
    // The summary names its warnings, not only their number.
    assert!(
        stdout.contains("1 warning(s)")
            && stdout.contains("Warning     reaching the target needs more than 6 dB"),
        "{stdout}"
    );
    let warnings = strings(&r["warnings"]);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("more than 6 dB of limiting")),
        "{warnings:?}"
    );
    assert!(
        stderr.contains("vernis: warning: reaching the target needs more than 6 dB"),
        "{stderr}"
    );

    // A −60 dBFS tone cannot reach −14 LUFS with at most 24 dB of gain.
    let quiet = sine(FS, 440.0, -60.0, 5.0);
    let input = dir.path("quiet.wav");
    write_wav(&input, &[quiet.clone(), quiet], FS, Encoding::Int24);
    let (_, stderr) = master_ok(&["master", s(&input), s(&output), "--report", s(&json_path)]);
    let r = report(&json_path);
    assert_eq!(r["within_tolerance"], false);
    assert!(stderr.contains("out of reach"), "{stderr}");
    assert!((num(&r["settings"], "input_gain_db") - 24.0).abs() < 1e-9);
}

#[test]
fn silence_in_gives_dither_noise_or_exact_silence() {
    let dir = TempDir::new("master-silence");
    let zeros = vec![0.0f32; 2 * FS as usize];
    let input = dir.path("silence.wav");
    write_wav(&input, &[zeros.clone(), zeros], FS, Encoding::Int16);

    let sixteen = dir.path("16.wav");
    let (_, stderr) = master_ok(&["master", s(&input), s(&sixteen), "--format", "wav16"]);
    assert!(stderr.contains("silent"), "{stderr}");
    let mut reader = hound::WavReader::open(&sixteen).unwrap();
    let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
    assert_eq!(samples.len(), 4 * FS as usize);
    assert!(
        samples.iter().filter(|&&v| v != 0).count() > samples.len() / 4,
        "dither noise"
    );

    let float = dir.path("float.wav");
    master_ok(&["master", s(&input), s(&float), "--format", "wav32f"]);
    let (_, audio) = read_wav(&float);
    assert!(audio.iter().flatten().all(|&x| x == 0.0));
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let dir = TempDir::new("master-usage");
    let input = dir.path("in.wav");
    write_wav(&input, &loud_noise(1.0), FS, Encoding::Int16);
    let output = dir.path("out.wav");
    for args in [
        vec!["--target", "nowhere"],
        vec!["--target", "spotify", "--lufs", "-14"],
        vec!["--lufs", "5"],
        vec!["--ceiling", "1"],
        vec!["--style", "loud"],
        vec!["--format", "flac"],
        vec!["--set", "limiter.input_gain_db=3"],
        vec!["--set", "limiter.ceiling_dbtp=-1"],
        vec!["--set", "limiter.nope=1"],
        vec!["--plot", "x.jpg"],
    ] {
        let mut full = vec!["master", s(&input), s(&output)];
        full.extend(args.iter().copied());
        let out = vernis(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!output.exists(), "{args:?}");
    }
    let help = String::from_utf8_lossy(&vernis(&["master", "--help"]).stdout).into_owned();
    assert!(help.contains("more than 6 dB"), "{help}");
}

#[test]
fn bad_inputs_are_one_line_and_leave_nothing() {
    let dir = TempDir::new("master-bad");
    let out_dir = TempDir::new("master-bad-out");
    let output = out_dir.path("out.wav");
    let json_path = out_dir.path("r.json");
    for (bad, reason) in bad_inputs(&dir) {
        let out = vernis(&["master", s(&bad), s(&output), "--report", s(&json_path)]);
        assert_eq!(out.status.code(), Some(1), "{}", bad.display());
        assert!(out.stdout.is_empty());
        let err = lines(&out.stderr);
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(
            err[0].starts_with(&format!("vernis: {}: ", bad.display())),
            "{}",
            err[0]
        );
        assert!(err[0].to_lowercase().contains(reason), "{}", err[0]);
        assert!(dir_listing(out_dir.dir()).is_empty(), "{}", bad.display());
    }
}
