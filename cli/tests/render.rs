//! End-to-end tests of `vernis render`.

mod common;

use std::path::Path;

use common::*;

const FS: u32 = 48_000;

/// Every `--set` key, as the error messages must list them.
const KEYS: [&str; 12] = [
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
];

/// Stereo noise bursts with loud peaks: 0.5 s on, 0.25 s off, levels cycling over 12 dB.
fn noise_bursts(seconds: f64) -> Vec<Vec<f32>> {
    let frames = (seconds * f64::from(FS)) as usize;
    let mut channels = vec![noise(3, frames, 0.9), noise(5, frames, 0.9)];
    for ch in &mut channels {
        for (i, x) in ch.iter_mut().enumerate() {
            let t = i as f64 / f64::from(FS);
            let cycle = (t / 0.75).floor() as usize;
            let on = t % 0.75 < 0.5;
            let level_db = -12.0 * (cycle % 4) as f64 / 3.0;
            *x = if on {
                *x * db_to_gain(level_db) as f32
            } else {
                0.0
            };
        }
    }
    channels
}

#[test]
fn output_respects_the_ceiling_and_keeps_the_length() {
    let dir = TempDir::new("render-ceiling");
    let input = dir.path("bursts.wav");
    let signal = noise_bursts(6.0);
    write_wav(&input, &signal, FS, Encoding::Float32);
    let (_, input_tp) = measure(&signal, FS);
    assert!(input_tp > -1.5, "the input must need limiting: {input_tp}");

    for (ceiling, gain, extra, format) in [
        ("-1", "12", "limiter.oversampling=4x", "wav32f"),
        ("-3", "6", "limiter.style=aggressive", "wav24"),
        ("-0.3", "24", "limiter.oversampling=1x", "wav32f"),
    ] {
        let output = dir.path(&format!("out{ceiling}.wav"));
        let text = run_ok(&[
            "render",
            s(&input),
            s(&output),
            "--set",
            &format!("limiter.ceiling_dbtp={ceiling}"),
            "--set",
            &format!("limiter.input_gain_db={gain}"),
            "--set",
            extra,
            "--set",
            "limiter.dither=24-bit",
            "--format",
            format,
        ]);
        assert!(text.contains("Gain reduction"), "{text}");
        let (rate, out) = read_wav(&output);
        assert_eq!(rate, FS);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].len(), signal[0].len(), "length");
        let (_, tp) = measure(&out, FS);
        let c: f64 = ceiling.parse().unwrap();
        assert!(tp <= c + 0.01, "ceiling {c}: true peak {tp}");
        assert!(
            tp > c - 1.0,
            "ceiling {c}: the limiter should drive up to it, got {tp}"
        );
    }
}

/// Silence with single-sample clicks at `clicks` (frames), at −20 dBFS.
fn clicks(frames: usize, clicks: &[usize]) -> Vec<f32> {
    let mut x = vec![0.0f32; frames];
    for &c in clicks {
        x[c] = 0.1;
    }
    x
}

fn argmax_near(x: &[f32], centre: usize, radius: usize) -> usize {
    let lo = centre.saturating_sub(radius);
    let hi = (centre + radius).min(x.len());
    (lo..hi)
        .max_by(|&a, &b| x[a].abs().total_cmp(&x[b].abs()))
        .unwrap()
}

#[test]
fn latency_is_compensated_clicks_stay_at_their_frame() {
    let dir = TempDir::new("render-align");
    let positions = [1_000, 24_007, 47_990];
    let left = clicks(48_000, &positions);
    let right = clicks(48_000, &[30_001]);
    let input = dir.path("clicks.wav");
    write_wav(&input, &[left.clone(), right], FS, Encoding::Float32);

    for settings in [
        vec![],
        vec!["limiter.oversampling=1x"],
        vec!["limiter.oversampling=16x", "limiter.lookahead_ms=10"],
        vec!["limiter.lookahead_ms=0.5", "limiter.style=punchy"],
        vec!["limiter.bypass=on"],
    ] {
        let output = dir.path("out.wav");
        let mut args = vec!["render", s(&input), s(&output), "--format", "wav32f"];
        for set in &settings {
            args.push("--set");
            args.push(set);
        }
        run_ok(&args);
        let (_, out) = read_wav(&output);
        assert_eq!(out[0].len(), 48_000, "{settings:?}: length");
        for &p in &positions {
            assert_eq!(
                argmax_near(&out[0], p, 2_000),
                p,
                "{settings:?}: click at {p}"
            );
            assert!(
                (out[0][p] - 0.1).abs() < 0.02,
                "{settings:?}: click level {}",
                out[0][p]
            );
        }
        assert_eq!(
            argmax_near(&out[1], 30_001, 2_000),
            30_001,
            "{settings:?}: right"
        );
    }
}

#[test]
fn bad_settings_exit_2_list_every_key_and_write_nothing() {
    let dir = TempDir::new("render-bad-settings");
    let input = dir.path("in.wav");
    write_wav(&input, &noise_bursts(1.0), FS, Encoding::Int16);
    let output = dir.path("out.wav");
    for bad in [
        "limiter.nope=1",
        "limiter.ceiling_dbtp=3",
        "limiter.ceiling_dbtp=loud",
        "limiter.release_ms=0",
        "limiter.style=brickwall",
        "ceiling_dbtp=-1",
        "limiter.release_ms",
    ] {
        let out = vernis(&["render", s(&input), s(&output), "--set", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        for key in KEYS {
            assert!(
                err.contains(&format!("limiter.{key}")),
                "{bad}: {key} missing in\n{err}"
            );
        }
        for range in [
            "-12..0 dBTP",
            "0..24 dB",
            "1..1000 ms",
            "transparent|punchy",
        ] {
            assert!(err.contains(range), "{bad}: {range} missing in\n{err}");
        }
        assert!(!output.exists(), "{bad}: output written");
    }
    for args in [
        vec!["--pre-gain", "3"],
        vec!["--format", "mp3"],
        vec!["--set"],
    ] {
        let mut full = vec!["render", s(&input), s(&output)];
        full.extend(args.iter().copied());
        assert_eq!(vernis(&full).status.code(), Some(2), "{args:?}");
        assert!(!output.exists());
    }
    assert_eq!(dir_listing(dir.dir()), ["in.wav"]);
    // The help lists the settings.
    let help = String::from_utf8_lossy(&vernis(&["render", "--help"]).stdout).into_owned();
    for key in KEYS {
        assert!(
            help.contains(&format!("limiter.{key}")),
            "{key} not in --help"
        );
    }
}

#[test]
fn render_is_deterministic() {
    let dir = TempDir::new("render-determinism");
    let input = dir.path("in.wav");
    write_wav(&input, &noise_bursts(3.0), FS, Encoding::Int24);
    let mut outputs = Vec::new();
    for name in ["a.wav", "b.wav"] {
        let output = dir.path(name);
        run_ok(&[
            "render",
            s(&input),
            s(&output),
            "--set",
            "limiter.input_gain_db=9",
            "--set",
            "limiter.dither=16-bit-shaped",
            "--format",
            "wav16",
        ]);
        outputs.push(std::fs::read(&output).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}

/// Reads a 16-bit WAV's raw samples.
fn read_i16(path: &Path) -> Vec<i16> {
    let mut r = hound::WavReader::open(path).unwrap();
    assert_eq!(r.spec().bits_per_sample, 16);
    r.samples::<i16>().map(Result::unwrap).collect()
}

#[test]
fn sixteen_bit_output_is_dithered_and_float_silence_stays_silent() {
    let dir = TempDir::new("render-dither");
    // A −70 dBFS tone: about 10 LSB at 16 bits, where dither matters (after 0.1 s of silence).
    let mut tone = vec![0.0f32; FS as usize / 10];
    tone.extend(sine(FS, 997.0, -70.0, 2.0));
    let input = dir.path("quiet.wav");
    write_wav(&input, &[tone.clone(), tone.clone()], FS, Encoding::Float32);

    // At 1x the limiter passes audio under the ceiling unchanged (its oversampling filters,
    // otherwise, are not bit-transparent), so plain rounding is the reference.
    let plain = dir.path("plain.wav");
    let out = vernis(&[
        "render",
        s(&input),
        s(&plain),
        "--format",
        "wav16",
        "--set",
        "limiter.oversampling=1x",
    ]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("vernis: warning:") && err.contains("without dither"),
        "{err}"
    );
    let rounded: Vec<i16> = read_i16(&plain);
    // Without dither: exactly the rounded tone.
    for (i, pair) in rounded.chunks(2).enumerate() {
        let expected = (tone[i] * 32_768.0).round() as i16;
        assert_eq!(pair[0], expected, "frame {i}");
    }

    for dither in ["16-bit", "16-bit-shaped"] {
        let dithered = dir.path(&format!("{dither}.wav"));
        let out = vernis(&[
            "render",
            s(&input),
            s(&dithered),
            "--format",
            "wav16",
            "--set",
            &format!("limiter.dither={dither}"),
            "--set",
            "limiter.oversampling=1x",
        ]);
        assert!(out.status.success());
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let samples = read_i16(&dithered);
        let differing = samples.iter().zip(&rounded).filter(|(a, b)| a != b).count();
        assert!(
            differing > samples.len() / 5,
            "{dither}: only {differing} of {} samples differ from plain rounding",
            samples.len()
        );
        // The LSB toggles: both parities are common.
        let odd = samples.iter().filter(|&&v| v % 2 != 0).count();
        assert!(
            odd > samples.len() / 4 && odd < samples.len() * 3 / 4,
            "{dither}: {odd}"
        );
    }

    // Silence: with dither, noise of a few LSB; as float without dither, exact silence.
    let silence = vec![0.0f32; FS as usize];
    let silent = dir.path("silence.wav");
    write_wav(&silent, &[silence.clone(), silence], FS, Encoding::Int16);
    let noisy = dir.path("silence-dithered.wav");
    run_ok(&[
        "render",
        s(&silent),
        s(&noisy),
        "--set",
        "limiter.dither=16-bit",
    ]);
    let samples = read_i16(&noisy);
    assert!(samples.iter().filter(|&&v| v != 0).count() > samples.len() / 4);
    assert!(
        samples.iter().all(|&v| v.abs() <= 4),
        "TPDF dither stays within a few LSB"
    );

    let float = dir.path("silence-float.wav");
    run_ok(&["render", s(&silent), s(&float), "--format", "wav32f"]);
    let (_, out) = read_wav(&float);
    assert!(out.iter().flatten().all(|&x| x == 0.0));
}

#[test]
fn default_format_follows_the_input() {
    let dir = TempDir::new("render-formats");
    let signal = noise_bursts(0.5);
    for (encoding, bits, float) in [
        (Encoding::Int16, 16, false),
        (Encoding::Int24, 24, false),
        (Encoding::Float32, 32, true),
        (Encoding::Int32, 32, true),
    ] {
        let input = dir.path("in.wav");
        write_wav(&input, &signal, FS, encoding);
        let output = dir.path("out.wav");
        let _ = vernis(&["render", s(&input), s(&output)]);
        let spec = hound::WavReader::open(&output).unwrap().spec();
        assert_eq!(spec.bits_per_sample, bits, "{encoding:?}");
        assert_eq!(spec.sample_format == hound::SampleFormat::Float, float);
    }
    // FLAC in, six channels: 24-bit WAV out with the channel count kept.
    let flac = dir.path("in.flac");
    let six: Vec<Vec<f32>> = (0..6).map(|c| noise(c + 1, 12_000, 0.3)).collect();
    write_flac(&flac, &six, 44_100, 24);
    let output = dir.path("six.wav");
    run_ok(&[
        "render",
        s(&flac),
        s(&output),
        "--set",
        "limiter.dither=24-bit",
    ]);
    let (rate, out) = read_wav(&output);
    assert_eq!((rate, out.len(), out[0].len()), (44_100, 6, 12_000));
    // Analysed like any WAV.
    let json = analyze_json(&output);
    assert_eq!(json["channels"], 6);
}

#[test]
fn bad_inputs_and_outputs_are_one_line_and_leave_nothing() {
    let dir = TempDir::new("render-bad-inputs");
    let out_dir = TempDir::new("render-bad-inputs-out");
    let output = out_dir.path("out.wav");
    for (bad, reason) in bad_inputs(&dir) {
        let out = vernis(&["render", s(&bad), s(&output)]);
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
        assert!(
            dir_listing(out_dir.dir()).is_empty(),
            "{}: left files",
            bad.display()
        );
    }

    let input = dir.path("good.wav");
    write_wav(&input, &noise_bursts(0.5), FS, Encoding::Int16);
    for target in [out_dir.path("missing/out.wav"), out_dir.dir().to_path_buf()] {
        let out = vernis(&["render", s(&input), s(&target)]);
        assert_eq!(out.status.code(), Some(1));
        let err = lines(&out.stderr);
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(
            err[0].starts_with(&format!("vernis: {}: ", target.display())),
            "{}",
            err[0]
        );
    }
    assert!(dir_listing(out_dir.dir()).is_empty());
}

#[test]
fn a_programme_that_starts_at_the_first_frame_is_not_ducked() {
    // A −20 dBFS tone from frame 0 needs no gain reduction: the output must follow the input from
    // the very start (the limiter's state after reset must not read as a peak).
    let dir = TempDir::new("render-start");
    let tone = sine(FS, 440.0, -20.0, 1.0);
    let input = dir.path("tone.wav");
    write_wav(&input, &[tone.clone(), tone.clone()], FS, Encoding::Float32);
    for oversampling in ["1x", "4x"] {
        let output = dir.path("out.wav");
        let text = run_ok(&[
            "render",
            s(&input),
            s(&output),
            "--set",
            &format!("limiter.oversampling={oversampling}"),
        ]);
        let (_, out) = read_wav(&output);
        for start in (0..FS as usize / 2).step_by(480) {
            let peak = |x: &[f32]| x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let a = peak(&tone[start..start + 480]);
            let b = peak(&out[0][start..start + 480]);
            assert!(
                (b / a - 1.0).abs() < 0.02,
                "{oversampling}: ms {}: input peak {a}, output peak {b}\n{text}",
                start / 48
            );
        }
        assert!(
            text.contains("max 0.0 dB"),
            "{oversampling}: no gain reduction expected\n{text}"
        );
    }
}
