//! The multiband compressor as a whole: identities per crossover mode, band isolation, THD+N,
//! routing (M/S/L/R), external sidechain, mix, partition and rate invariance, bad input.
//!
//! Tolerances are stated per test; numbers the closing note quotes are printed (`--nocapture`).

mod common;

use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSidechain, MultibandCompressor, MultibandSettings,
};
use dsp_core::filter::{CrossoverMode, CrossoverSlope};
use dsp_core::{ProcessSpec, Processor};
use std::f64::consts::PI;

const FS: f64 = 48_000.0;

/// Renders `input` (one Vec per channel) through a compressor with `settings`, in blocks of `block` frames.
fn render(
    settings: MultibandSettings,
    fs: f64,
    input: &[Vec<f32>],
    sidechain: Option<&[Vec<f32>]>,
    block: usize,
) -> Vec<Vec<f32>> {
    let mut mb = MultibandCompressor::new();
    mb.set_settings(settings);
    mb.prepare(&ProcessSpec::new(fs, block.max(1), input.len()));
    let mut out = input.to_vec();
    let frames = input[0].len();
    let mut start = 0;
    while start < frames {
        let n = block.min(frames - start);
        let mut refs: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[start..start + n]).collect();
        match sidechain {
            Some(sc) => {
                let sc_refs: Vec<&[f32]> = sc.iter().map(|c| &c[start..start + n]).collect();
                mb.process_with_sidechain(&mut refs, Some(&sc_refs));
            }
            None => mb.process(&mut refs),
        }
        start += n;
    }
    out
}

fn sine(fs: f64, freq_hz: f64, peak: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| (peak * (2.0 * PI * freq_hz * i as f64 / fs).sin()) as f32)
        .collect()
}

/// Least-squares fit of a sine at `freq_hz` to `x`: the (sine, cosine) coefficients.
fn sine_fit(x: &[f32], fs: f64, freq_hz: f64) -> (f64, f64) {
    let (mut ss, mut sc, mut cc, mut xs, mut xc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let (s, c) = (2.0 * PI * freq_hz * i as f64 / fs).sin_cos();
        ss += s * s;
        sc += s * c;
        cc += c * c;
        xs += v as f64 * s;
        xc += v as f64 * c;
    }
    let det = ss * cc - sc * sc;
    ((xs * cc - xc * sc) / det, (xc * ss - xs * sc) / det)
}

/// Amplitude of the `freq_hz` component of `x` by least squares (sine and cosine).
fn amplitude_at(x: &[f32], fs: f64, freq_hz: f64) -> f64 {
    let (a, b) = sine_fit(x, fs, freq_hz);
    (a * a + b * b).sqrt()
}

/// Residual RMS of `x` after removing its best-fit sine at `freq_hz`, relative to that sine's RMS, dB.
fn thd_n_db(x: &[f32], fs: f64, freq_hz: f64) -> f64 {
    let (a, b) = sine_fit(x, fs, freq_hz);
    let mut residual = 0.0;
    for (i, &v) in x.iter().enumerate() {
        let (s, c) = (2.0 * PI * freq_hz * i as f64 / fs).sin_cos();
        let e = v as f64 - (a * s + b * c);
        residual += e * e;
    }
    let fundamental = 0.5 * (a * a + b * b) * x.len() as f64;
    10.0 * (residual / fundamental).log10()
}

fn noise(frames: usize, seed: u64) -> Vec<f32> {
    common::white_noise(frames, 0.5, seed)
}

fn compressing(mut s: MultibandSettings) -> MultibandSettings {
    for (k, b) in s.band.iter_mut().enumerate() {
        b.threshold_db = -30.0 - 3.0 * k as f32;
        b.ratio = 4.0;
        b.attack_ms = 5.0;
        b.release_ms = 80.0;
        b.transient_db = if k % 2 == 0 { 3.0 } else { -2.0 };
    }
    s
}

#[test]
fn dynamic_phase_idle_is_bit_identical_and_equal_gains_scale() {
    let input = vec![noise(48_000, 1), noise(48_000, 2)];
    let mut s = MultibandSettings {
        mode: CrossoverMode::DynamicPhase,
        ..Default::default()
    };
    for bands in [1, 4, 6] {
        s.bands = bands;
        let out = render(s, FS, &input, None, 512);
        assert!(out == input, "{bands} bands idle");
    }
    // Every band at −6 dB of makeup: the output is 0.501 × an all-pass of the input, so its
    // magnitude response is −6 dB within 0.1 dB (here far tighter) from 20 Hz to 20 kHz.
    for b in &mut s.band {
        b.makeup_db = -6.0;
    }
    let mut impulse = vec![0.0f32; 32_768];
    impulse[10] = 1.0;
    let out = render(s, FS, &[impulse.clone(), impulse], None, 512);
    let mut worst = 0.0f64;
    for k in 0..=30 {
        let f = 20.0 * 1000f64.powf(k as f64 / 30.0);
        let (mut re, mut im) = (0.0, 0.0);
        for (i, &v) in out[0].iter().enumerate() {
            let w = 2.0 * PI * f * i as f64 / FS;
            re += v as f64 * w.cos();
            im -= v as f64 * w.sin();
        }
        let db = 10.0 * (re * re + im * im).log10();
        worst = worst.max((db + 6.0).abs());
    }
    println!("dynamic phase, equal gains of -6 dB: worst magnitude error {worst:.5} dB");
    assert!(worst < 0.1, "{worst}");
}

#[test]
fn lookahead_delays_exactly_by_the_reported_latency() {
    let input = vec![noise(20_000, 3), noise(20_000, 4)];
    for mode in CrossoverMode::ALL {
        let s = MultibandSettings {
            mode,
            lookahead_ms: 5.0,
            ..Default::default()
        };
        let latency = MultibandCompressor::latency_samples_for(&s, FS) as usize;
        let mut mb = MultibandCompressor::new();
        mb.set_settings(s);
        mb.prepare(&ProcessSpec::new(FS, 512, 2));
        assert_eq!(mb.latency_samples() as usize, latency, "{mode:?}");
        assert!(latency >= 240, "{mode:?}: {latency}");
        let out = render(s, FS, &input, None, 512);
        if mode == CrossoverMode::DynamicPhase {
            // Idle Dynamic Phase: the input delayed, bit for bit.
            assert_eq!(&out[0][latency..], &input[0][..20_000 - latency]);
            assert!(out[0][..latency].iter().all(|&v| v == 0.0));
        } else if mode == CrossoverMode::LinearPhase {
            let mut err = 0.0f64;
            let mut energy = 0.0f64;
            for i in latency..20_000 {
                err += (out[0][i] as f64 - input[0][i - latency] as f64).powi(2);
                energy += (input[0][i - latency] as f64).powi(2);
            }
            let residual_db = 10.0 * (err / energy).log10();
            println!("linear phase unity residual: {residual_db:.1} dB");
            assert!(residual_db < -100.0, "{residual_db}");
        }
    }
}

#[test]
fn band_isolation_low_band_pumping_leaves_5_khz_untouched() {
    // 60 Hz at −6 dBFS switched on and off at 2 Hz (so the low band pumps) + 5 kHz at −30 dBFS.
    let frames = 96_000;
    let low: Vec<f32> = sine(FS, 60.0, 0.5, frames)
        .iter()
        .enumerate()
        .map(|(i, &v)| if (i / 12_000) % 2 == 0 { v } else { 0.0 })
        .collect();
    let high = sine(FS, 5000.0, 10f64.powf(-30.0 / 20.0), frames);
    let mix: Vec<f32> = low.iter().zip(&high).map(|(a, b)| a + b).collect();
    let input = vec![mix.clone(), mix];
    for (mode, limit_db) in [
        (CrossoverMode::MinimumPhase, -140.0),
        (CrossoverMode::DynamicPhase, -100.0),
        (CrossoverMode::LinearPhase, -100.0),
    ] {
        let neutral = MultibandSettings {
            mode,
            ..Default::default()
        };
        let mut acting = neutral;
        acting.band[0].threshold_db = -30.0;
        acting.band[0].ratio = 8.0;
        acting.band[0].attack_ms = 1.0;
        acting.band[0].release_ms = 20.0;
        let a = render(neutral, FS, &input, None, 512);
        let b = render(acting, FS, &input, None, 512);
        let skip = 24_000;
        let tone_a = amplitude_at(&a[0][skip..], FS, 5000.0);
        let tone_b = amplitude_at(&b[0][skip..], FS, 5000.0);
        let moved_db = 20.0 * (tone_b / tone_a).log10();
        // Sidebands: the difference the low band's gain makes, band-passed around 5 kHz by a
        // least-squares probe at offsets of 2..40 Hz (the pumping rate's harmonics).
        let diff: Vec<f32> = b[0][skip..]
            .iter()
            .zip(&a[0][skip..])
            .map(|(x, y)| x - y)
            .collect();
        let mut worst = f64::NEG_INFINITY;
        for offset in [2.0, 4.0, 6.0, 10.0, 20.0, 40.0] {
            for f in [5000.0 - offset, 5000.0 + offset] {
                worst = worst.max(20.0 * amplitude_at(&diff, FS, f).max(1e-30).log10());
            }
        }
        println!("{mode:?}: 5 kHz moved {moved_db:+.5} dB, worst sideband {worst:.1} dBFS");
        assert!(moved_db.abs() <= 0.001, "{mode:?}: {moved_db}");
        assert!(worst < limit_db, "{mode:?}: {worst}");
    }
}

#[test]
fn steep_slope_lets_the_low_band_take_almost_all_the_gain_reduction() {
    // 60 Hz at −6 dBFS; band 1 set for 22.8 dB of reduction (4:1, hard knee, threshold −36.4 dB).
    let x = sine(FS, 60.0, 0.5, 96_000);
    let input = vec![x.clone(), x];
    for (slope, least_db, most_db) in [
        (CrossoverSlope::Db48, 22.0, 23.0),
        (CrossoverSlope::Db24, 17.0, 18.8),
    ] {
        let mut s = MultibandSettings {
            slope,
            ..Default::default()
        };
        s.band[0].threshold_db = -36.4;
        s.band[0].ratio = 4.0;
        s.band[0].knee_db = 0.0;
        s.band[0].range_db = 60.0;
        let out = render(s, FS, &input, None, 512);
        let loss_db = -20.0 * (amplitude_at(&out[0][48_000..], FS, 60.0) / 0.5).log10();
        println!("{slope:?}: the 60 Hz tone loses {loss_db:.2} dB of the 22.8 dB set");
        assert!(
            (least_db..most_db).contains(&loss_db),
            "{slope:?}: {loss_db}"
        );
    }
}

#[test]
fn thd_n_at_100_hz_with_6_db_of_reduction() {
    // −10 dBFS at 100 Hz, well inside band 1 (crossover 1 kHz), 4:1 set for 6 dB of reduction.
    let x = sine(FS, 100.0, 10f64.powf(-10.0 / 20.0), 4 * 48_000);
    let input = vec![x.clone(), x];
    for (detector, threshold_db, limit_db) in [
        (BandDetector::Peak, -18.0, -55.0),
        (BandDetector::Rms, -21.0103, -100.0),
    ] {
        let mut s = MultibandSettings {
            bands: 2,
            ..Default::default()
        };
        s.crossovers_hz[0] = 1000.0;
        let b = &mut s.band[0];
        b.detector = detector;
        b.threshold_db = threshold_db;
        b.ratio = 4.0;
        b.knee_db = 0.0;
        b.attack_ms = 10.0;
        b.release_ms = 100.0;
        let out = render(s, FS, &input, None, 512);
        let tail = &out[0][2 * 48_000..];
        let gr_db = -20.0 * (amplitude_at(tail, FS, 100.0) / 10f64.powf(-0.5)).log10();
        let thd = thd_n_db(tail, FS, 100.0);
        println!("{detector:?}: gain reduction {gr_db:.3} dB, THD+N {thd:.1} dB");
        assert!((gr_db - 6.0).abs() < 0.1, "{detector:?}: {gr_db}");
        assert!(thd < limit_db, "{detector:?}: {thd}");
    }
}

#[test]
fn mid_side_and_left_right_routing() {
    let frames = 48_000;
    let loud = sine(FS, 1000.0, 0.5, frames);
    let mut s = MultibandSettings {
        mode: CrossoverMode::DynamicPhase,
        ..Default::default()
    };
    for b in &mut s.band {
        b.threshold_db = -40.0;
        b.ratio = 10.0;
    }
    let neutral = MultibandSettings {
        mode: CrossoverMode::DynamicPhase,
        ..Default::default()
    };
    let mono = vec![loud.clone(), loud.clone()];
    let side_only = vec![loud.clone(), loud.iter().map(|v| -v).collect::<Vec<_>>()];
    let left_only = vec![loud.clone(), vec![0.0; frames]];
    for (channel, signal, touched) in [
        (BandChannel::Side, &mono, false),
        (BandChannel::Side, &side_only, true),
        (BandChannel::Mid, &side_only, false),
        (BandChannel::Mid, &mono, true),
        (BandChannel::Right, &left_only, false),
        (BandChannel::Left, &left_only, true),
    ] {
        for b in &mut s.band {
            b.channel = channel;
        }
        let out = render(s, FS, signal, None, 512);
        let reference = render(neutral, FS, signal, None, 512);
        let level = amplitude_at(&out[0][24_000..], FS, 1000.0);
        let untouched = amplitude_at(&reference[0][24_000..], FS, 1000.0);
        let change_db = 20.0 * (level / untouched).log10();
        if touched {
            assert!(change_db < -10.0, "{channel:?}: {change_db}");
        } else {
            assert!(out == reference, "{channel:?} must leave this signal alone");
        }
    }
    // Mid compression keeps the side: L = m + s, R = m − s with m loud, s quiet.
    for b in &mut s.band {
        b.channel = BandChannel::Mid;
    }
    let quiet = sine(FS, 3000.0, 0.01, frames);
    let ms = vec![
        loud.iter()
            .zip(&quiet)
            .map(|(m, q)| m + q)
            .collect::<Vec<_>>(),
        loud.iter()
            .zip(&quiet)
            .map(|(m, q)| m - q)
            .collect::<Vec<_>>(),
    ];
    let out = render(s, FS, &ms, None, 512);
    let side: Vec<f32> = out[0]
        .iter()
        .zip(&out[1])
        .map(|(l, r)| 0.5 * (l - r))
        .collect();
    let side_db = 20.0 * (amplitude_at(&side[24_000..], FS, 3000.0) / 0.01).log10();
    assert!(side_db.abs() < 0.01, "side moved {side_db} dB");
}

#[test]
fn external_sidechain_drives_the_gain() {
    let frames = 48_000;
    let quiet = sine(FS, 1000.0, 0.05, frames);
    let loud = sine(FS, 1000.0, 0.9, frames);
    let input = vec![quiet.clone(), quiet.clone()];
    let sc = vec![loud.clone(), loud];
    let mut s = MultibandSettings {
        mode: CrossoverMode::DynamicPhase,
        ..Default::default()
    };
    for b in &mut s.band {
        b.threshold_db = -20.0;
        b.ratio = 4.0;
    }
    let internal = render(s, FS, &input, Some(&sc), 512);
    let worst = internal[0]
        .iter()
        .zip(&input[0])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        internal == input,
        "internal detection: −26 dBFS is below −20 dB (worst {worst})"
    );
    for b in &mut s.band {
        b.sidechain = BandSidechain::External;
    }
    let external = render(s, FS, &input, Some(&sc), 512);
    let change_db = 20.0 * (amplitude_at(&external[0][24_000..], FS, 1000.0) / 0.05).log10();
    // The 1 kHz sidechain tone sits on crossover 2: each neighbouring band reads it 6.02 dB down
    // (−6.94 dBFS), 13.06 dB over the threshold, so 4:1 takes 9.80 dB off both bands.
    let expected_db = -0.75 * (20.0 * (0.9f64 * 0.5).log10() + 20.0);
    println!("external sidechain: {change_db:.2} dB (expected {expected_db:.2})");
    assert!((change_db - expected_db).abs() < 0.2, "{change_db}");
    // A mono key feeds both channels alike.
    let mono_key = vec![sc[0].clone()];
    let from_mono = render(s, FS, &input, Some(&mono_key), 512);
    assert!(
        from_mono == external,
        "a mono sidechain acts like the same signal on both sides"
    );
    // A stereo key into a mono main: its mid, here the same tone.
    let mono_main = render(s, FS, &input[..1], Some(&sc), 512);
    let mono_change_db = 20.0 * (amplitude_at(&mono_main[0][24_000..], FS, 1000.0) / 0.05).log10();
    assert!(
        (mono_change_db - expected_db).abs() < 0.2,
        "{mono_change_db}"
    );
    // No sidechain connected: External falls back to nothing acting.
    let unconnected = render(s, FS, &input, None, 512);
    assert!(unconnected == input, "no sidechain connected");
}

#[test]
fn half_mix_at_unity_is_flat_in_every_mode() {
    let frames = 16_384;
    let mut impulse = vec![0.0f32; frames];
    impulse[100] = 1.0;
    let input = vec![impulse.clone(), impulse];
    for mode in CrossoverMode::ALL {
        let s = MultibandSettings {
            mode,
            mix_percent: 50.0,
            ..Default::default()
        };
        let full = MultibandSettings {
            mix_percent: 100.0,
            ..s
        };
        let half = render(s, FS, &input, None, 512);
        let wet = render(full, FS, &input, None, 512);
        // 50 % of the unity wet with the aligned dry must be the unity wet itself.
        let worst = half[0]
            .iter()
            .zip(&wet[0])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "{mode:?}: {worst}");
    }
}

#[test]
fn any_block_partition_gives_the_same_output() {
    let input = vec![noise(30_000, 7), noise(30_000, 8)];
    for mode in CrossoverMode::ALL {
        let mut s = compressing(MultibandSettings {
            mode,
            bands: 5,
            lookahead_ms: 3.0,
            ..Default::default()
        });
        s.band[1].channel = BandChannel::Mid;
        s.band[2].direction = BandDirection::ExpandDown;
        s.band[3].direction = BandDirection::CompressUp;
        s.band[4].detector = BandDetector::Rms;
        let reference = render(s, FS, &input, None, 8192);
        for block in [1, 37, 512] {
            assert!(
                render(s, FS, &input, None, block) == reference,
                "{mode:?}, block {block}"
            );
        }
    }
}

#[test]
fn every_rate_and_bad_input_stays_finite() {
    for fs in [22_050.0, 44_100.0, 96_000.0, 192_000.0, 384_000.0] {
        let n = 20_000;
        let mut x = noise(n, 9);
        for (i, v) in x.iter_mut().enumerate() {
            match i % 5000 {
                100 => *v = f32::NAN,
                200 => *v = f32::INFINITY,
                300 => *v = f32::NEG_INFINITY,
                400..=1400 => *v = if (i / 20) % 2 == 0 { 1.0 } else { -1.0 },
                1500..=2500 => *v = 1e-40,
                2600..=3000 => *v = 0.7,
                _ => {}
            }
        }
        let input = vec![x.clone(), x];
        for mode in CrossoverMode::ALL {
            let s = compressing(MultibandSettings {
                mode,
                bands: 6,
                ..Default::default()
            });
            let out = render(s, fs, &input, None, 512);
            assert!(
                out.iter()
                    .flatten()
                    .all(|v| v.is_finite() && v.abs() < 100.0),
                "{mode:?} at {fs}"
            );
        }
    }
}
