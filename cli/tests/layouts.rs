//! `vernis analyze` on 8- and 12-channel WAV files: the layout comes from `--layout`, the
//! WAVE_FORMAT_EXTENSIBLE channel mask, or is assumed from the count (and the report says so);
//! channels are weighed by BS.1770-4 position (sides 1.41, LFE excluded) and each channel's true
//! peak is reported under its speaker's name.
//!
//! Analytic tone loudness: −0.691 + 10·log10(G·A²/2) + |H_K(997 Hz)| dB, i.e. −23.01 LUFS for
//! −20 dBFS in a front channel at 48 kHz and +1.49 dB (10·log10 1.41) in a side channel; the
//! tolerance is the analyze tests' 0.05 LU.

mod common;

use std::path::Path;

use common::*;
use dsp_core::filter::KWeighting;
use serde_json::Value;

const FS: u32 = 48_000;
const TONE_HZ: f64 = 997.0;
const TOLERANCE_LU: f64 = 0.05;
/// 7.1.4 as a WAV channel mask: FL FR FC LFE BL BR SL SR TFL TFR TBL TBR.
const MASK_714: u32 = 0x2D63F;
/// 7.1: FL FR FC LFE BL BR SL SR.
const MASK_71: u32 = 0x63F;

fn analytic_lufs(weight: f64, peak_dbfs: f64) -> f64 {
    let fs = f64::from(FS);
    let h_db = KWeighting::new(fs).magnitude_db(TONE_HZ, fs);
    -0.691 + 10.0 * (weight * db_to_gain(peak_dbfs).powi(2) / 2.0).log10() + h_db
}

/// Writes 24-bit WAVE_FORMAT_EXTENSIBLE with `channel_mask` (hound cannot choose the mask).
fn write_wav_extensible(path: &Path, channels: &[Vec<f32>], channel_mask: u32) {
    let (n, frames) = (channels.len() as u16, channels[0].len());
    let block_align = 3 * n;
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&0xFFFEu16.to_le_bytes());
    fmt.extend_from_slice(&n.to_le_bytes());
    fmt.extend_from_slice(&FS.to_le_bytes());
    fmt.extend_from_slice(&(FS * u32::from(block_align)).to_le_bytes());
    fmt.extend_from_slice(&block_align.to_le_bytes());
    fmt.extend_from_slice(&24u16.to_le_bytes());
    fmt.extend_from_slice(&22u16.to_le_bytes());
    fmt.extend_from_slice(&24u16.to_le_bytes());
    fmt.extend_from_slice(&channel_mask.to_le_bytes());
    // KSDATAFORMAT_SUBTYPE_PCM.
    fmt.extend_from_slice(&[
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B,
        0x71,
    ]);
    let mut data = Vec::with_capacity(frames * usize::from(block_align));
    for i in 0..frames {
        for ch in channels {
            let v = (f64::from(ch[i]) * 8_388_608.0)
                .round()
                .clamp(-8_388_608.0, 8_388_607.0);
            data.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        }
    }
    let mut file = Vec::new();
    file.extend_from_slice(b"RIFF");
    file.extend_from_slice(&((4 + 8 + fmt.len() + 8 + data.len()) as u32).to_le_bytes());
    file.extend_from_slice(b"WAVEfmt ");
    file.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    file.extend_from_slice(&fmt);
    file.extend_from_slice(b"data");
    file.extend_from_slice(&(data.len() as u32).to_le_bytes());
    file.extend_from_slice(&data);
    std::fs::write(path, file).unwrap();
}

/// `count` silent channels with a −20 dBFS 997 Hz tone in `channel`, 5 s.
fn tone_in(count: usize, channel: usize) -> Vec<Vec<f32>> {
    let tone = sine(FS, TONE_HZ, -20.0, 5.0);
    let mut x = vec![vec![0.0; tone.len()]; count];
    x[channel] = tone;
    x
}

fn analyze(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["analyze", "--json", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = vernis(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_lufs(label: &str, json: &Value, expected: f64) {
    let got = num(json, "integrated_lufs");
    println!("{label}: {got:.3} LUFS (analytic {expected:.3})");
    assert!(
        (got - expected).abs() <= TOLERANCE_LU,
        "{label}: got {got}, expected {expected} ± {TOLERANCE_LU}"
    );
}

fn labels(json: &Value) -> Vec<String> {
    json["channel_true_peaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn masked_7_1_4_weighs_sides_and_names_every_channel() {
    let dir = TempDir::new("layout-714");
    let wav = dir.path("714.wav");
    // Tone in SL (channel 7): a side, +1.49 dB.
    write_wav_extensible(&wav, &tone_in(12, 6), MASK_714);
    let json = analyze(&wav, &[]);
    assert_eq!(json["layout"], "7.1.4");
    assert_eq!(json["layout_assumed"], false);
    assert_lufs("7.1.4 SL", &json, analytic_lufs(1.41, -20.0));
    assert_eq!(
        labels(&json),
        ["FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR", "TFL", "TFR", "TBL", "TBR"]
    );
    let channels = json["channel_true_peaks"].as_array().unwrap();
    assert_eq!(channels[6]["weight"], 1.41);
    assert_eq!(channels[3]["weight"], 0.0);
    // The sine's true peak is its amplitude, −20 dBTP (BS.1770 tolerance +0.2/−0.4 dB).
    let tp = num(&channels[6], "true_peak_dbtp");
    assert!((-20.4..=-19.8).contains(&tp), "SL true peak {tp}");
    assert!(channels[0]["true_peak_dbtp"].is_null(), "silent FL");

    // Tone in TBL (channel 11): a top channel, weight 1.0.
    write_wav_extensible(&wav, &tone_in(12, 10), MASK_714);
    assert_lufs("7.1.4 TBL", &analyze(&wav, &[]), analytic_lufs(1.0, -20.0));
}

#[test]
fn without_a_mask_12_and_8_channels_are_assumed_and_layout_overrides() {
    let dir = TempDir::new("layout-assumed");
    // hound writes the generic mask 0xFFF (the lowest 12 bits): the layout is assumed, 7.1.4.
    let wav12 = dir.path("12.wav");
    write_wav(&wav12, &tone_in(12, 7), FS, Encoding::Int24);
    let json = analyze(&wav12, &[]);
    assert_eq!(json["layout"], "7.1.4");
    assert_eq!(json["layout_assumed"], true);
    assert_lufs("assumed 7.1.4 SR", &json, analytic_lufs(1.41, -20.0));

    // 8 channels, assumed 7.1: channel 5 is BL (a back, 1.0), channel 7 SL (a side, 1.41).
    let wav8 = dir.path("8.wav");
    write_wav(&wav8, &tone_in(8, 4), FS, Encoding::Int24);
    let json = analyze(&wav8, &[]);
    assert_eq!(
        (json["layout"].as_str(), json["layout_assumed"].as_bool()),
        (Some("7.1"), Some(true))
    );
    assert_lufs("assumed 7.1 BL", &json, analytic_lufs(1.0, -20.0));
    write_wav(&wav8, &tone_in(8, 6), FS, Encoding::Int24);
    assert_lufs(
        "assumed 7.1 SL",
        &analyze(&wav8, &[]),
        analytic_lufs(1.41, -20.0),
    );
    // --layout 5.1.2 makes channel 7 a top front (1.0) and says it is not assumed.
    let json = analyze(&wav8, &["--layout", "5.1.2"]);
    assert_eq!(
        (json["layout"].as_str(), json["layout_assumed"].as_bool()),
        (Some("5.1.2"), Some(false))
    );
    assert_eq!(labels(&json)[6], "TFL");
    assert_lufs("--layout 5.1.2 TFL", &json, analytic_lufs(1.0, -20.0));
    // A layout with another channel count is refused.
    let out = vernis(&["analyze", wav8.to_str().unwrap(), "--layout", "7.1.4"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("12 channels") && err.contains("8"), "{err}");
    let out = vernis(&["analyze", wav8.to_str().unwrap(), "--layout", "9.1.6"]);
    assert!(!out.status.success());
}

#[test]
fn masked_7_1_and_5_1_by_side_bits() {
    let dir = TempDir::new("layout-mask");
    // A real 7.1 mask: channel 5 (BL) is a back, weight 1.0.
    let wav8 = dir.path("71.wav");
    write_wav_extensible(&wav8, &tone_in(8, 4), MASK_71);
    let json = analyze(&wav8, &[]);
    assert_eq!(
        (json["layout"].as_str(), json["layout_assumed"].as_bool()),
        (Some("7.1"), Some(false))
    );
    assert_lufs("7.1 BL", &json, analytic_lufs(1.0, -20.0));
    // 5.1 named FL FR FC LFE SL SR (0x60F): its surrounds weigh 1.41 like BL/BR ones.
    let wav6 = dir.path("51-sides.wav");
    write_wav_extensible(&wav6, &tone_in(6, 4), 0x60F);
    let json = analyze(&wav6, &[]);
    assert_eq!(json["layout"], "FL FR FC LFE SL SR");
    assert_lufs("5.1 (SL SR) SL", &json, analytic_lufs(1.41, -20.0));
}

#[test]
fn per_channel_true_peaks_in_json_and_text() {
    let dir = TempDir::new("layout-peaks");
    let wav = dir.path("levels.wav");
    // Channel k at −(k + 1) dBFS.
    let x: Vec<Vec<f32>> = (0..12)
        .map(|k| sine(FS, TONE_HZ, -(k as f64 + 1.0), 1.0))
        .collect();
    write_wav_extensible(&wav, &x, MASK_714);
    let json = analyze(&wav, &[]);
    for (k, c) in json["channel_true_peaks"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let tp = num(c, "true_peak_dbtp");
        let expected = -(k as f64 + 1.0);
        assert!(
            (tp - expected).abs() <= 0.1,
            "channel {k}: {tp} dBTP, expected {expected} ± 0.1"
        );
    }
    assert!((num(&json, "true_peak_dbtp") - -1.0).abs() <= 0.1);

    let out = vernis(&["analyze", wav.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Layout      7.1.4 (from the channel mask 0x2d63f)"),
        "{text}"
    );
    assert!(text.contains("TBR"), "{text}");
    let hound = dir.path("hound.wav");
    write_wav(&hound, &x, FS, Encoding::Int24);
    let out = vernis(&["analyze", hound.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Layout      7.1.4 (assumed from 12 channels; --layout overrides)"),
        "{text}"
    );
}
