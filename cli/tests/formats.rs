//! End-to-end tests of the input and output formats: `vernis analyze` on every committed fixture
//! (MP3, AAC/M4A, ALAC/M4A, Ogg Vorbis) and on generated AIFF and FLAC files, FLAC output by
//! extension, and error lines for broken compressed files among good ones. The decoders'
//! bit-exactness and trimming are unit-tested in `src/audio_io/tests_formats.rs`.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Integrated loudness of the fixtures' source (1 kHz at -6.02 dBFS left, -12.04 dBFS right,
/// 0.5 s), by dsp-core's meter on the exact 16-bit source.
fn fixture_source_lufs() -> f64 {
    let s = |n: usize| (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / 44_100.0).sin();
    let ch = |a: f64| -> Vec<f32> {
        (0..22_050)
            .map(|n| ((a * s(n)).round() / 32_768.0) as f32)
            .collect()
    };
    measure(&[ch(16_384.0), ch(8_192.0)], 44_100).0
}

/// Loudness of a decoded 0.5 s fixture against its source. The programme holds two 400 ms gating
/// blocks, the first of which includes the codec's onset; 96 kbit/s MP3 reads 0.45 LU low, AAC
/// 0.2, Vorbis 0.05. The tone's steady-state level is checked to 0.5 dB in the unit tests.
const LOSSY_LOUDNESS_TOLERANCE_LU: f64 = 0.6;

#[test]
fn every_fixture_is_analysed_with_its_true_length() {
    let reference = fixture_source_lufs();
    for (name, format, duration_s) in [
        ("sine-lame.mp3", "MP3 (lossy), 44100 Hz, stereo", 0.5),
        (
            "sine-aac.m4a",
            "MP4/M4A, AAC (lossy), 44100 Hz, stereo",
            0.5,
        ),
        (
            "sine-vorbis.ogg",
            "Ogg, Vorbis (lossy), 44100 Hz, stereo",
            0.5,
        ),
        (
            "sine-alac.m4a",
            "MP4/M4A, ALAC, 16-bit integer, 44100 Hz, stereo",
            0.1,
        ),
    ] {
        let path = fixture(name);
        let json = analyze_json(&path);
        assert_eq!(num(&json, "sample_rate_hz"), 44_100.0, "{name}");
        assert_eq!(num(&json, "channels"), 2.0, "{name}");
        assert_eq!(
            num(&json, "duration_s"),
            duration_s,
            "{name}: delay/padding removed"
        );
        if duration_s >= 0.4 {
            let lufs = num(&json, "integrated_lufs");
            assert!(
                (lufs - reference).abs() < LOSSY_LOUDNESS_TOLERANCE_LU,
                "{name}: {lufs} vs {reference}"
            );
        }
        let out = vernis(&["analyze", path.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!("Format      {format}")),
            "{name}: {text}"
        );
    }
}

#[test]
fn render_writes_flac_by_extension_and_refuses_float_flac() {
    let dir = TempDir::new("flac-out");
    let input = dir.path("in.wav");
    let tone = sine(48_000, 1000.0, -12.0, 3.0);
    write_wav(&input, &[tone.clone(), tone], 48_000, Encoding::Int24);
    let wav = dir.path("out.wav");
    let flac = dir.path("out.flac");
    for out in [&wav, &flac] {
        let r = vernis(&["render", input.to_str().unwrap(), out.to_str().unwrap()]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    let text =
        String::from_utf8_lossy(&vernis(&["analyze", flac.to_str().unwrap()]).stdout).into_owned();
    assert!(
        text.contains("Format      FLAC, 24-bit integer, 48000 Hz, stereo"),
        "{text}"
    );
    // The same render in both containers: the same samples.
    let (_, from_wav) = read_wav(&wav);
    let mut reader = claxon::FlacReader::open(&flac).unwrap();
    assert_eq!(reader.streaminfo().bits_per_sample, 24);
    let scale = 1.0 / 8_388_608.0;
    let from_flac: Vec<f32> = reader
        .samples()
        .map(|s| s.unwrap() as f32 * scale)
        .collect();
    let interleaved: Vec<f32> = (0..from_wav[0].len())
        .flat_map(|i| [from_wav[0][i], from_wav[1][i]])
        .collect();
    assert_eq!(from_flac, interleaved);

    let r = vernis(&[
        "render",
        input.to_str().unwrap(),
        dir.path("x.flac").to_str().unwrap(),
        "--format",
        "wav32f",
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("FLAC stores integer samples"));
    assert!(!dir.path("x.flac").exists());
}

#[test]
fn aiff_input_masters_to_flac() {
    let dir = TempDir::new("aiff-master");
    // A 16-bit big-endian AIFF, written by hand.
    let tone = sine(44_100, 1000.0, -20.0, 4.0);
    let mut comm = Vec::new();
    comm.extend_from_slice(&1u16.to_be_bytes());
    comm.extend_from_slice(&(tone.len() as u32).to_be_bytes());
    comm.extend_from_slice(&16u16.to_be_bytes());
    comm.extend_from_slice(&[0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0]); // 44100 as 80-bit float
    let mut ssnd = vec![0u8; 8];
    for &x in &tone {
        ssnd.extend_from_slice(&(((x * 32_768.0).round()) as i16).to_be_bytes());
    }
    let mut form = b"AIFF".to_vec();
    for (id, body) in [(b"COMM", &comm), (b"SSND", &ssnd)] {
        form.extend_from_slice(id);
        form.extend_from_slice(&(body.len() as u32).to_be_bytes());
        form.extend_from_slice(body);
    }
    let mut file = b"FORM".to_vec();
    file.extend_from_slice(&(form.len() as u32).to_be_bytes());
    file.extend(form);
    let aiff = dir.path("tone.aif");
    std::fs::write(&aiff, file).unwrap();
    let json = analyze_json(&aiff);
    assert_eq!(num(&json, "duration_s"), 4.0);
    assert!(
        (num(&json, "integrated_lufs") + 23.0).abs() < 0.1,
        "mono -20 dBFS sine reads -23 LUFS"
    );

    let out = dir.path("master.flac");
    let r = vernis(&[
        "master",
        aiff.to_str().unwrap(),
        out.to_str().unwrap(),
        "--lufs",
        "-16",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(text.contains("FLAC, 16-bit integer"), "{text}");
    let json = analyze_json(&out);
    assert!((num(&json, "integrated_lufs") + 16.0).abs() < 0.15);
}
