//! Meter properties: agreement with an independent implementation (the `ebur128` crate), block-size
//! invariance, reset reproducibility, hostile input, and no allocation after prepare.

mod common;

use common::*;
use dsp_core::meter::LoudnessMeter;
use dsp_core::{ProcessSpec, Processor};
use ebur128::{EbuR128, Mode};

/// I, max M and max S from the `ebur128` crate, its momentary/short-term read every `hop` frames.
fn oracle(fs: f64, channels: &[Vec<f32>], hop: usize) -> (f64, f64, f64) {
    let mut e = EbuR128::new(
        channels.len() as u32,
        fs as u32,
        Mode::I | Mode::M | Mode::S,
    )
    .unwrap();
    let (mut max_m, mut max_s) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let frames = channels[0].len();
    let mut start = 0;
    while start < frames {
        let end = (start + hop).min(frames);
        let views: Vec<&[f32]> = channels.iter().map(|c| &c[start..end]).collect();
        e.add_frames_planar_f32(&views).unwrap();
        max_m = max_m.max(e.loudness_momentary().unwrap());
        max_s = max_s.max(e.loudness_shortterm().unwrap());
        start = end;
    }
    (e.loudness_global().unwrap(), max_m, max_s)
}

fn compare_with_oracle(label: &str, fs: f64, channels: &[Vec<f32>]) {
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(fs, 4096, channels.len()));
    let hop = meter.hop_frames();
    let ours = measure(fs, channels, 4096);
    let (i, max_m, max_s) = oracle(fs, channels, hop);
    for (name, a, b) in [
        ("I", ours.integrated_lufs, i),
        ("max M", ours.momentary_max_lufs, max_m),
        ("max S", ours.short_term_max_lufs, max_s),
    ] {
        assert!(
            (a - b).abs() <= 0.05,
            "{label} {name}: vernis {a:.4}, ebur128 {b:.4}"
        );
    }
}

#[test]
fn agrees_with_ebur128_on_noise() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        let frames = (20.0 * fs) as usize;
        // Noise with a level change, so gating and maxima are exercised.
        let mut left = white_noise(frames, 0.3, 1);
        let mut right = white_noise(frames, 0.3, 2);
        for x in left[frames / 2..]
            .iter_mut()
            .chain(right[frames / 2..].iter_mut())
        {
            *x *= 0.1;
        }
        compare_with_oracle(&format!("noise at {fs}"), fs, &[left, right]);
    }
}

#[test]
fn agrees_with_ebur128_on_the_demo_programme() {
    for fs in [44_100.0, 48_000.0] {
        let programme = dsp_core::demo::demo_programme(fs);
        compare_with_oracle(&format!("demo at {fs}"), fs, &programme);
    }
}

#[test]
fn readings_do_not_depend_on_the_block_partition() {
    let fs = 48_000.0;
    let frames = (6.0 * fs) as usize;
    let x = vec![white_noise(frames, 0.5, 3), white_noise(frames, 0.25, 4)];
    let reference = measure(fs, &x, 8192);
    for block in [1, 37, 512, 4096] {
        assert_eq!(measure(fs, &x, block), reference, "block {block}");
    }
    // Random partition.
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(fs, 8192, 2));
    let sizes = white_noise(4096, 1.0, 5);
    let (mut start, mut k) = (0, 0);
    while start < frames {
        let len = 1 + ((sizes[k % sizes.len()].abs() * 3000.0) as usize);
        let end = (start + len).min(frames);
        meter.measure(&[&x[0][start..end], &x[1][start..end]]);
        start = end;
        k += 1;
    }
    assert_eq!(meter.reading(), reference);
}

#[test]
fn reset_reproduces_the_first_measurement() {
    let fs = 44_100.0;
    let x = white_noise((4.0 * fs) as usize, 0.5, 6);
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(fs, 512, 1));
    meter.measure(&[&x]);
    let first = meter.reading();
    meter.reset();
    meter.measure(&[&x]);
    assert_eq!(meter.reading(), first);
}

#[test]
fn hostile_input_never_yields_nan() {
    let fs = 48_000.0;
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(fs, 1024, 2));
    let mut hostile = vec![
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e-40,
        -1e-42,
        f32::MAX,
        1.0,
        -1.0,
    ];
    hostile.resize(1024, 1e-39);
    for _ in 0..200 {
        meter.measure(&[&hostile, &hostile]);
        let r = meter.reading();
        for v in [
            r.momentary_lufs,
            r.short_term_lufs,
            r.integrated_lufs,
            r.loudness_range_lu,
            r.momentary_max_lufs,
            r.short_term_max_lufs,
            r.sample_peak_dbfs,
            r.true_peak_dbtp,
        ] {
            assert!(!v.is_nan(), "{r:?}");
        }
    }
    // Full-scale square wave and DC, then recovery to an exact known tone level.
    let square: Vec<f32> = (0..48_000)
        .map(|i| if (i / 24) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let dc = vec![1.0f32; 48_000];
    meter.measure(&[&square, &dc]);
    meter.reset();
    let t = sine_segments(fs, &[tone(-23.0, 5.0)]);
    meter.measure(&[&t, &t]);
    assert!((meter.reading().integrated_lufs + 23.0).abs() < 0.1);
    // Silence: everything undefined, nothing NaN except the documented PLR.
    meter.reset();
    let zeros = vec![0.0f32; 96_000];
    meter.measure(&[&zeros, &zeros]);
    let r = meter.reading();
    assert_eq!(r.integrated_lufs, f64::NEG_INFINITY);
    assert_eq!(r.true_peak_dbtp, f64::NEG_INFINITY);
    assert_eq!(r.loudness_range_lu, 0.0);
    assert!(r.plr_db.is_nan());
}
