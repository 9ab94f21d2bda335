//! End-to-end tests of `vernis analyze` on generated WAV and FLAC files.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use serde_json::Value;

const FIELDS: [&str; 15] = [
    "file",
    "sample_rate_hz",
    "channels",
    "layout",
    "layout_assumed",
    "channel_true_peaks",
    "duration_s",
    "integrated_lufs",
    "loudness_range_lu",
    "momentary_max_lufs",
    "short_term_max_lufs",
    "true_peak_dbtp",
    "sample_peak_dbfs",
    "plr_db",
    "platforms",
];

const PLATFORM_FIELDS: [&str; 5] = [
    "name",
    "target_lufs",
    "ceiling_dbtp",
    "playback_gain_db",
    "true_peak_ok",
];

/// A stereo 1 kHz sine at −23 dBFS, 20 s: EBU Tech 3341 case 1.
fn tone_stereo(fs: u32) -> Vec<Vec<f32>> {
    let s = sine(fs, 1000.0, -23.0, 20.0);
    vec![s.clone(), s]
}

fn assert_close(json: &Value, field: &str, expected: f64, tolerance: f64) {
    let got = num(json, field);
    assert!(
        (got - expected).abs() <= tolerance,
        "{field}: got {got}, expected {expected} ± {tolerance}"
    );
}

fn assert_tone(json: &Value, expected_lufs: f64) {
    assert_close(json, "integrated_lufs", expected_lufs, 0.05);
    assert_close(json, "momentary_max_lufs", expected_lufs, 0.05);
    assert_close(json, "short_term_max_lufs", expected_lufs, 0.05);
}

#[test]
fn json_has_exactly_the_fields() {
    let dir = TempDir::new("fields");
    let wav = dir.path("tone.wav");
    write_wav(&wav, &tone_stereo(48_000), 48_000, Encoding::Int16);
    let json = analyze_json(&wav);
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, FIELDS.iter().copied().collect());
    assert_eq!(json["file"], wav.to_str().unwrap());
    assert_eq!(json["sample_rate_hz"], 48_000);
    assert_eq!(json["channels"], 2);
    assert_close(&json, "duration_s", 20.0, 1e-9);

    let platforms = json["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 8);
    for p in platforms {
        let keys: BTreeSet<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, PLATFORM_FIELDS.iter().copied().collect());
        assert!(p["name"].is_string());
        assert!(p["true_peak_ok"].is_boolean());
    }
    let names: Vec<&str> = platforms
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Spotify");
    // A −23 LUFS tone: EBU R128 needs no gain; Spotify (−14) lifts it only as far as
    // the −1 dBTP limit allows, which here is the whole 9 dB.
    let ebu = platforms.iter().find(|p| p["name"] == "EBU R128").unwrap();
    assert!(ebu["playback_gain_db"].as_f64().unwrap().abs() < 0.06);
    assert!((platforms[0]["playback_gain_db"].as_f64().unwrap() - 9.0).abs() < 0.06);
}

#[test]
fn tone_reads_minus_23_in_every_wav_encoding() {
    let dir = TempDir::new("encodings");
    for (encoding, name) in [
        (Encoding::Int16, "16.wav"),
        (Encoding::Int24, "24.wav"),
        (Encoding::Int32, "32.wav"),
        (Encoding::Float32, "float.wav"),
    ] {
        let wav = dir.path(name);
        write_wav(&wav, &tone_stereo(48_000), 48_000, encoding);
        let json = analyze_json(&wav);
        assert_tone(&json, -23.0);
        assert_close(&json, "sample_peak_dbfs", -23.0, 0.05);
        assert_close(&json, "true_peak_dbtp", -23.0, 0.1);
        assert_close(&json, "plr_db", 0.0, 0.15);
    }
}

#[test]
fn tone_reads_minus_23_at_other_rates() {
    let dir = TempDir::new("rates");
    for fs in [44_100, 96_000] {
        let wav = dir.path(&format!("tone-{fs}.wav"));
        write_wav(&wav, &tone_stereo(fs), fs, Encoding::Int24);
        let json = analyze_json(&wav);
        assert_eq!(json["sample_rate_hz"], fs);
        assert_close(&json, "integrated_lufs", -23.0, 0.05);
    }
}

#[test]
fn eight_bit_wav_is_read() {
    let dir = TempDir::new("8bit");
    let wav = dir.path("8.wav");
    let s = sine(48_000, 1000.0, -6.0, 10.0);
    write_wav(&wav, &[s.clone(), s], 48_000, Encoding::Int8);
    let json = analyze_json(&wav);
    assert_close(&json, "integrated_lufs", -6.0, 0.05);
}

#[test]
fn mono_tone_reads_the_analytic_value() {
    // One channel of peak A: −0.691 + 10·log10(A²/2) + 0.691 (K-filter gain at 1 kHz)
    // = 20·log10(A) − 3.01.
    let dir = TempDir::new("mono");
    let wav = dir.path("mono.wav");
    write_wav(
        &wav,
        &[sine(48_000, 1000.0, -23.0, 20.0)],
        48_000,
        Encoding::Int24,
    );
    let json = analyze_json(&wav);
    assert_eq!(json["channels"], 1);
    let expected = -23.0 + 10.0 * 0.5f64.log10();
    assert_tone(&json, expected);
}

/// Tech 3341 case 6 levels: L R C Ls Rs = −28 −28 −24 −30 −30 dBFS reads −23 LUFS.
fn surround(fs: u32, lfe_dbfs: Option<f64>) -> Vec<Vec<f32>> {
    let tone = |db: f64| sine(fs, 1000.0, db, 20.0);
    let mut channels = vec![tone(-28.0), tone(-28.0), tone(-24.0)];
    if let Some(lfe) = lfe_dbfs {
        channels.push(tone(lfe));
    }
    channels.push(tone(-30.0));
    channels.push(tone(-30.0));
    channels
}

#[test]
fn five_one_reads_minus_23_and_ignores_the_lfe() {
    let dir = TempDir::new("surround");
    let wav51 = dir.path("5.1.wav");
    // A loud LFE channel: the meter must leave it out, and the channel order must be L R C LFE Ls Rs.
    write_wav(
        &wav51,
        &surround(48_000, Some(-20.0)),
        48_000,
        Encoding::Int24,
    );
    let json = analyze_json(&wav51);
    assert_eq!(json["channels"], 6);
    assert_close(&json, "integrated_lufs", -23.0, 0.05);

    let wav50 = dir.path("5.0.wav");
    write_wav(&wav50, &surround(48_000, None), 48_000, Encoding::Float32);
    let json = analyze_json(&wav50);
    assert_eq!(json["channels"], 5);
    assert_close(&json, "integrated_lufs", -23.0, 0.05);
}

#[test]
fn flac_files_are_read() {
    let dir = TempDir::new("flac");
    for bits in [16, 24] {
        let flac = dir.path(&format!("tone-{bits}.flac"));
        write_flac(&flac, &tone_stereo(48_000), 48_000, bits);
        let json = analyze_json(&flac);
        assert_close(&json, "duration_s", 20.0, 1e-9);
        assert_tone(&json, -23.0);
    }
    let flac51 = dir.path("5.1.flac");
    write_flac(&flac51, &surround(44_100, Some(-20.0)), 44_100, 24);
    let json = analyze_json(&flac51);
    assert_eq!(json["channels"], 6);
    assert_close(&json, "integrated_lufs", -23.0, 0.05);
}

#[test]
fn silence_gives_nulls() {
    let dir = TempDir::new("silence");
    let wav = dir.path("silence.wav");
    let zeros = vec![0.0f32; 48_000 * 5];
    write_wav(&wav, &[zeros.clone(), zeros], 48_000, Encoding::Int16);
    let json = analyze_json(&wav);
    for field in [
        "integrated_lufs",
        "momentary_max_lufs",
        "short_term_max_lufs",
        "true_peak_dbtp",
        "sample_peak_dbfs",
        "plr_db",
    ] {
        assert!(
            json[field].is_null(),
            "{field} should be null: {}",
            json[field]
        );
    }
    let lra = &json["loudness_range_lu"];
    assert!(lra.is_null() || lra.as_f64() == Some(0.0), "LRA {lra}");
    for p in json["platforms"].as_array().unwrap() {
        assert!(p["playback_gain_db"].is_null());
    }
    // The text report shows silence rather than failing.
    let out = vernis(&["analyze", wav.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("-inf LUFS"), "{text}");
}

#[test]
fn several_files_give_a_json_array_in_order() {
    let dir = TempDir::new("array");
    let a = dir.path("a.wav");
    let b = dir.path("b.flac");
    write_wav(&a, &tone_stereo(48_000), 48_000, Encoding::Int16);
    write_flac(&b, &[sine(44_100, 1000.0, -20.0, 5.0)], 44_100, 16);
    let out = vernis(&[
        "analyze",
        "--json",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json.as_array().expect("an array for several files");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["file"], a.to_str().unwrap());
    assert_eq!(items[1]["file"], b.to_str().unwrap());
    assert_eq!(items[1]["channels"], 1);
}

#[test]
fn text_report_shows_the_essentials() {
    let dir = TempDir::new("text");
    let wav = dir.path("tone.wav");
    write_wav(&wav, &tone_stereo(48_000), 48_000, Encoding::Int24);
    let out = vernis(&["analyze", "--target", "ebu-r128", wav.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "tone.wav",
        "WAV, 24-bit integer, 48000 Hz, stereo",
        "Integrated loudness",
        "-23.0 LUFS",
        "Loudness range",
        "True peak",
        "dBTP",
        "Sample peak",
        "PLR",
        "> EBU R128",
        "Apple Music",
        "ATSC A/85",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn each_bad_input_is_one_line_and_the_others_still_run() {
    let dir = TempDir::new("bad");
    let good = dir.path("good.wav");
    write_wav(&good, &tone_stereo(48_000), 48_000, Encoding::Int16);
    let good2 = dir.path("good2.wav");
    write_wav(
        &good2,
        &[sine(48_000, 1000.0, -30.0, 5.0)],
        48_000,
        Encoding::Int16,
    );

    for (bad, reason) in bad_inputs(&dir) {
        let bad_str = bad.to_str().unwrap();
        let args = [
            "analyze",
            "--json",
            good.to_str().unwrap(),
            bad_str,
            good2.to_str().unwrap(),
        ];
        let out = vernis(&args);
        assert_eq!(out.status.code(), Some(1), "{bad_str}: exit status");
        let err = lines(&out.stderr);
        assert_eq!(err.len(), 1, "{bad_str}: stderr {err:?}");
        let prefix = format!("vernis: {bad_str}: ");
        assert!(err[0].starts_with(&prefix), "{bad_str}: {}", err[0]);
        assert!(
            err[0].to_lowercase().contains(reason),
            "{bad_str}: reason {:?} lacks {reason:?}",
            err[0]
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("JSON of the good files");
        let items = json.as_array().unwrap();
        let files: Vec<&str> = items.iter().map(|j| j["file"].as_str().unwrap()).collect();
        assert_eq!(files, [good.to_str().unwrap(), good2.to_str().unwrap()]);
        assert!((num(&items[0], "integrated_lufs") + 23.0).abs() < 0.05);

        // Alone, in text mode: nothing on stdout, the same single line on stderr.
        let out = vernis(&["analyze", bad_str]);
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty(), "{bad_str}");
        assert_eq!(lines(&out.stderr).len(), 1);
    }
}

#[test]
fn all_bad_inputs_in_one_call() {
    let dir = TempDir::new("allbad");
    let bad = bad_inputs(&dir);
    let good = dir.path("good.wav");
    write_wav(&good, &tone_stereo(48_000), 48_000, Encoding::Float32);
    let mut args: Vec<String> = vec!["analyze".into()];
    for (path, _) in &bad {
        args.push(path.to_str().unwrap().into());
    }
    args.push(good.to_str().unwrap().into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = vernis(&refs);
    assert_eq!(out.status.code(), Some(1));
    let err = lines(&out.stderr);
    assert_eq!(err.len(), bad.len(), "{err:#?}");
    for ((path, _), line) in bad.iter().zip(&err) {
        assert!(
            line.starts_with(&format!("vernis: {}: ", path.display())),
            "{line}"
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("good.wav") && text.contains("-23.0 LUFS"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let out = vernis(&["analyze", "--target", "nowhere", "x.wav"]);
    assert_eq!(out.status.code(), Some(2));
    let out = vernis(&["analyze", "--plot", "out.jpg", "x.wav"]);
    assert_eq!(out.status.code(), Some(2));
    let out = vernis(&["analyze"]);
    assert_eq!(out.status.code(), Some(2));
    let help = vernis(&["analyze", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("array"), "{text}");
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{}: PNG signature",
        path.display()
    );
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert!(
        bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
        "IEND"
    );
    (w, h)
}

#[test]
fn plot_writes_a_png() {
    let dir = TempDir::new("plot");
    let wav = dir.path("tone.wav");
    write_wav(&wav, &tone_stereo(48_000), 48_000, Encoding::Int16);
    let png = dir.path("loudness.png");
    let out = vernis(&[
        "analyze",
        "--plot",
        png.to_str().unwrap(),
        "--target",
        "apple-music",
        wav.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(png_size(&png), (1200, 500));
    assert!(String::from_utf8_lossy(&out.stdout).contains("loudness.png"));
}

#[test]
fn plot_with_several_files_appends_the_stem() {
    let dir = TempDir::new("plots");
    let a = dir.path("verse.wav");
    let b = dir.path("chorus.flac");
    write_wav(&a, &tone_stereo(48_000), 48_000, Encoding::Int16);
    let zeros = vec![0.0f32; 44_100 * 2];
    write_flac(&b, &[zeros.clone(), zeros], 44_100, 16); // silence: a plot without curves
    let png = dir.path("loud.png");
    let out = vernis(&[
        "analyze",
        "--json",
        "--plot",
        png.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(png_size(&dir.path("loud-verse.png")), (1200, 500));
    assert_eq!(png_size(&dir.path("loud-chorus.png")), (1200, 500));
    assert!(!png.exists());
}

/// Noise with a loud middle and quiet ends, so that both gates matter.
fn gated_noise(fs: u32, seconds: f64) -> Vec<Vec<f32>> {
    let frames = (seconds * f64::from(fs)) as usize;
    let mut channels = vec![noise(7, frames, 0.5), noise(11, frames, 0.5)];
    for ch in &mut channels {
        for (i, x) in ch.iter_mut().enumerate() {
            let t = i as f64 / f64::from(fs);
            let level_db = if t < 4.0 {
                -30.0
            } else if t < 14.0 {
                -6.0 - 4.0 * ((t - 4.0) / 10.0)
            } else {
                -45.0
            };
            *x *= db_to_gain(level_db) as f32;
        }
    }
    channels
}

#[test]
fn ebur128_agrees_on_noise() {
    use ebur128::{EbuR128, Mode};
    let dir = TempDir::new("oracle");
    for fs in [44_100u32, 48_000] {
        let wav = dir.path(&format!("noise-{fs}.wav"));
        write_wav(&wav, &gated_noise(fs, 20.0), fs, Encoding::Int24);
        let json = analyze_json(&wav);

        let (rate, data) = read_wav(&wav);
        let mut oracle = EbuR128::new(2, rate, Mode::I | Mode::SAMPLE_PEAK).unwrap();
        oracle.add_frames_planar_f32(&[&data[0], &data[1]]).unwrap();
        let integrated = oracle.loudness_global().unwrap();
        assert!(
            (num(&json, "integrated_lufs") - integrated).abs() <= 0.05,
            "{fs} Hz: vernis {} vs ebur128 {integrated}",
            json["integrated_lufs"]
        );
        let peak = (0..2)
            .map(|c| oracle.sample_peak(c).unwrap())
            .fold(0.0, f64::max);
        assert!((num(&json, "sample_peak_dbfs") - 20.0 * peak.log10()).abs() < 0.01);
        // True peak is not compared: on full-band white noise the two meters' interpolators
        // legitimately differ (ebur128 reads about 0.4 dB lower here).
    }
}
