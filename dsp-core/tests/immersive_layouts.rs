//! Immersive layouts (ITU-R BS.2051 7.1 and 7.1.4): the meter's BS.1770-4 position weights against
//! analytic loudness, and the limiter linking 12 channels with every channel under the ceiling.
//!
//! Analytic tone loudness (spec §1): L = −0.691 + 10·log10(Σ G_i·A_i²/2) + |H_K(997 Hz)|² in dB, so a
//! 0 dBFS 997 Hz sine in one front channel reads −3.01 LUFS and a side channel (G = 1.41) reads
//! 10·log10(1.41) = +1.49 dB more. Tone cases must be within 0.02 LU (spec: Vernis's own tolerance).

mod common;

use common::*;
use dsp_core::dynamics::{LimiterSettings, Oversampling};
use dsp_core::filter::KWeighting;
use dsp_core::layout::ChannelLayout;
use dsp_core::meter::{LoudnessMeter, LoudnessReading, TruePeakDetector};
use dsp_core::{ProcessSpec, Processor};

const FS: f64 = 48_000.0;
const TONE_HZ: f64 = 997.0;
/// Spec: tone cases within 0.02 LU of the analytic value.
const TONE_TOLERANCE_LU: f64 = 0.02;
/// BS.1770-4 weights of 7.1.4 in WAV order FL FR FC LFE BL BR SL SR TFL TFR TBL TBR, written out
/// by hand (not taken from the code under test).
const WEIGHTS_714: [f64; 12] = [1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.41, 1.41, 1.0, 1.0, 1.0, 1.0];

/// Analytic loudness of steady 997 Hz sines, `(weight, peak dBFS)` per channel.
fn analytic_lufs(channels: &[(f64, f64)]) -> f64 {
    let h_db = KWeighting::new(FS).magnitude_db(TONE_HZ, FS);
    let power: f64 = channels
        .iter()
        .map(|&(g, peak_dbfs)| g * 10f64.powf(peak_dbfs / 10.0) / 2.0)
        .sum();
    -0.691 + 10.0 * power.log10() + h_db
}

fn sine(peak_dbfs: f64, seconds: f64) -> Vec<f32> {
    sine_segments(
        FS,
        &[Segment {
            freq_hz: TONE_HZ,
            peak_dbfs,
            seconds,
        }],
    )
}

/// Measures `channels` with a meter prepared for their count, weighed by `layout` when given.
fn measure_with(channels: &[Vec<f32>], layout: Option<&ChannelLayout>) -> LoudnessReading {
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(FS, 4800, channels.len()));
    if let Some(l) = layout {
        meter.set_channel_layout(l);
    }
    let views: Vec<&[f32]> = channels.iter().map(|c| &c[..]).collect();
    for start in (0..channels[0].len()).step_by(4800) {
        let block: Vec<&[f32]> = views.iter().map(|c| &c[start..start + 4800]).collect();
        meter.measure(&block);
    }
    meter.reading()
}

/// `count` channels of silence with a −20 dBFS tone in `channel`.
fn tone_in(count: usize, channel: usize) -> Vec<Vec<f32>> {
    let tone = sine(-20.0, 5.0);
    let mut out = vec![vec![0.0; tone.len()]; count];
    out[channel] = tone;
    out
}

fn assert_lu(label: &str, got: f64, expected: f64) {
    assert!(
        (got - expected).abs() <= TONE_TOLERANCE_LU,
        "{label}: got {got:.4} LUFS, expected {expected:.4} ± {TONE_TOLERANCE_LU}"
    );
}

#[test]
fn full_scale_front_tone_reads_minus_3_01() {
    // Spec §1: a 0 dBFS 997 Hz sine in one front channel reads −3.01 LUFS (here FL of 7.1.4).
    let mut x = vec![vec![0.0; (5.0 * FS) as usize]; 12];
    x[0] = sine(0.0, 5.0);
    let r = measure_with(&x, None);
    assert_lu("0 dBFS in FL", r.integrated_lufs, -3.01);
}

#[test]
fn each_channel_of_7_1_4_weighs_as_its_position() {
    // Assumed from the count (12 = 7.1.4): −20 dBFS in one channel reads
    // −23.01 + 10·log10(G): fronts, backs (±135°) and tops −23.01, sides −21.52, LFE nothing.
    for (ch, &g) in WEIGHTS_714.iter().enumerate() {
        let r = measure_with(&tone_in(12, ch), None);
        if g == 0.0 {
            assert_eq!(r.integrated_lufs, f64::NEG_INFINITY, "LFE must be excluded");
            assert_eq!(
                r.momentary_max_lufs,
                f64::NEG_INFINITY,
                "LFE must be excluded"
            );
            continue;
        }
        let expected = analytic_lufs(&[(g, -20.0)]);
        println!(
            "7.1.4 channel {ch}: {:.4} LUFS (analytic {expected:.4})",
            r.integrated_lufs
        );
        assert_lu(
            &format!("7.1.4 channel {ch} I"),
            r.integrated_lufs,
            expected,
        );
        assert_lu(
            &format!("7.1.4 channel {ch} max M"),
            r.momentary_max_lufs,
            expected,
        );
    }
}

#[test]
fn sides_of_7_1_weigh_plus_1_49_db_and_backs_0_db() {
    // 7.1 (mask FL FR FC LFE BL BR SL SR = 0x63F): BL/BR are the ±135° backs (G = 1.0), SL/SR the
    // ±90° sides (G = 1.41, +1.49 dB).
    let layout = ChannelLayout::from_wav_mask(0x63F, 8).unwrap();
    let front = measure_with(&tone_in(8, 0), Some(&layout)).integrated_lufs;
    let back = measure_with(&tone_in(8, 4), Some(&layout)).integrated_lufs;
    let side = measure_with(&tone_in(8, 6), Some(&layout)).integrated_lufs;
    println!("7.1: front {front:.4}, back {back:.4}, side {side:.4} LUFS");
    assert_lu("7.1 BL", back, analytic_lufs(&[(1.0, -20.0)]));
    assert_lu("7.1 SL", side, analytic_lufs(&[(1.41, -20.0)]));
    let side_minus_front = side - front;
    assert!(
        (side_minus_front - 10.0 * 1.41f64.log10()).abs() <= 0.005,
        "side − front = {side_minus_front:.4} dB, expected 1.4922"
    );
}

#[test]
fn surrounds_of_5_1_weigh_plus_1_49_db_whichever_bits_name_them() {
    // 5.1 as FL FR FC LFE BL BR (0x3F) or FL FR FC LFE SL SR (0x60F): the one surround pair is the
    // ±110° surrounds, G = 1.41 either way.
    let expected = analytic_lufs(&[(1.41, -20.0)]);
    for mask in [0x3F, 0x60F] {
        let layout = ChannelLayout::from_wav_mask(mask, 6).unwrap();
        for ch in [4, 5] {
            let got = measure_with(&tone_in(6, ch), Some(&layout)).integrated_lufs;
            println!("5.1 mask {mask:#x} channel {ch}: {got:.4} LUFS (analytic {expected:.4})");
            assert_lu(&format!("5.1 mask {mask:#x} ch {ch}"), got, expected);
        }
    }
}

/// Different levels in every channel of 7.1.4 (dBFS, WAV order), the LFE loudest.
const LEVELS_714: [f64; 12] = [
    -28.0, -28.0, -24.0, -6.0, -30.0, -31.0, -32.0, -33.0, -34.0, -35.0, -36.0, -37.0,
];

fn programme_714() -> Vec<Vec<f32>> {
    LEVELS_714.iter().map(|&db| sine(db, 5.0)).collect()
}

#[test]
fn mask_named_and_assumed_7_1_4_read_the_analytic_sum() {
    let x = programme_714();
    let terms: Vec<(f64, f64)> = WEIGHTS_714.iter().copied().zip(LEVELS_714).collect();
    let expected = analytic_lufs(&terms);
    let assumed = measure_with(&x, None).integrated_lufs;
    let masked = ChannelLayout::from_wav_mask(0x2D63F, 12).unwrap();
    let from_mask = measure_with(&x, Some(&masked)).integrated_lufs;
    let named = ChannelLayout::from_name("7.1.4").unwrap();
    let from_name = measure_with(&x, Some(&named)).integrated_lufs;
    println!("7.1.4 programme: assumed {assumed:.4}, mask {from_mask:.4}, name {from_name:.4}, analytic {expected:.4}");
    assert_lu("assumed 7.1.4", assumed, expected);
    assert_eq!(assumed, from_mask);
    assert_eq!(assumed, from_name);
    // A generic mask (0xFFF: FL FR FC LFE BL BR FLC FRC BC SL SR TC) places the sides at channels
    // 9 and 10 instead of 6 and 7: the reading follows the mask, by the analytic difference.
    let generic_weights = [1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.41, 1.41, 1.0];
    let terms: Vec<(f64, f64)> = generic_weights.into_iter().zip(LEVELS_714).collect();
    let expected_generic = analytic_lufs(&terms);
    let generic = ChannelLayout::from_wav_mask(0xFFF, 12).unwrap();
    let other = measure_with(&x, Some(&generic)).integrated_lufs;
    println!("generic mask 0xFFF: {other:.4} (analytic {expected_generic:.4})");
    assert_lu("generic mask", other, expected_generic);
    assert!((expected_generic - expected).abs() > 2.0 * TONE_TOLERANCE_LU);
}

// ---------------------------------------------------------------------------------------------
// The limiter at 12 channels.

/// Twelve different signals, each 0.5 s, most needing limiting even before the +12 dB drive.
fn torture_714(fs: f64) -> Vec<Vec<f32>> {
    let frames = (0.5 * fs) as usize;
    let square: Vec<f32> = (0..frames)
        .map(|i| if (i / 37) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let mut clicks = vec![0.0f32; frames];
    for k in (100..frames).step_by(997) {
        clicks[k] = if k % 2 == 0 { 4.0 } else { -4.0 };
    }
    let mut step = vec![1e-3f32; frames];
    for x in step[frames / 3..].iter_mut() {
        *x = 1e2;
    }
    let quiet = sine_segments(
        fs,
        &[Segment {
            freq_hz: 440.0,
            peak_dbfs: -40.0,
            seconds: 0.5,
        }],
    );
    let bass = sine_segments(
        fs,
        &[Segment {
            freq_hz: 60.0,
            peak_dbfs: 6.0,
            seconds: 0.5,
        }],
    );
    vec![
        white_noise(frames, 4.0, 1),
        white_noise(frames, 2.0, 2),
        square,
        bass,
        clicks.clone(),
        clicks.iter().map(|x| -x).collect(),
        faded_sine(fs, 0.45 * fs, 10.0, 2.0, 0.5),
        faded_sine(fs, fs / 4.0, 45.0, 2.0, 0.5),
        step,
        quiet,
        white_noise(frames, 0.5, 3),
        vec![0.0; frames],
    ]
}

/// True peak of one channel at 16× (the detector's interpolator with 32 taps per phase), dBTP.
fn true_peak_16x_db(fs: f64, x: &[f32]) -> f64 {
    let mut d = TruePeakDetector::with_filter(16, 32);
    d.prepare(&ProcessSpec::new(fs, x.len(), 1));
    d.measure(&[x]);
    d.peak_dbtp()
}

#[test]
fn twelve_channels_stay_under_the_ceiling_on_every_channel() {
    let base = LimiterSettings {
        input_gain_db: 12.0,
        ceiling_dbtp: -1.0,
        ..LimiterSettings::default()
    };
    let grid = [
        base,
        LimiterSettings {
            oversampling: Oversampling::X1,
            ..base
        },
        LimiterSettings {
            stereo_link_percent: 0.0,
            ..base
        },
        LimiterSettings {
            stereo_link_percent: 50.0,
            release_ms: 1.0,
            auto_release: false,
            ..base
        },
    ];
    let mut worst = f64::NEG_INFINITY;
    for fs in [48_000.0, 96_000.0] {
        let input = torture_714(fs);
        for settings in grid {
            let (out, _) = render_limiter_with_tail(&settings, fs, &input, 512);
            assert!(out.iter().flatten().all(|x| x.is_finite()));
            // BS.1770 meter (4× at these rates) per channel, and a 16× reading per channel.
            let mut meter = LoudnessMeter::new();
            meter.prepare(&ProcessSpec::new(fs, out[0].len(), 12));
            let views: Vec<&[f32]> = out.iter().map(|c| &c[..]).collect();
            meter.measure(&views);
            for (ch, x) in out.iter().enumerate() {
                let over_meter = meter.channel_true_peak_dbtp(ch) - -1.0;
                let over_16x = true_peak_16x_db(fs, x) - -1.0;
                worst = worst.max(over_meter).max(over_16x);
                assert!(
                    over_meter <= 0.01 && over_16x <= 0.01,
                    "channel {ch} at {fs} Hz, {settings:?}: {over_meter:+.3} dB (meter), {over_16x:+.3} dB (16x) over"
                );
            }
        }
    }
    println!("12 channels: worst true peak over the ceiling {worst:+.4} dB (limit +0.01)");
}

/// Gain the limiter applied to channel `ch` at each output sample (output / (input · drive)),
/// where the input is far enough from zero for the ratio to be exact to float precision.
fn applied_gains(input: &[f32], out: &[f32], latency: usize, drive: f32) -> Vec<Option<f32>> {
    (0..input.len())
        .map(|n| (input[n].abs() > 1e-4).then(|| out[n + latency] / (input[n] * drive)))
        .collect()
}

#[test]
fn full_link_gives_every_channel_one_gain() {
    // A loud noise in FL and a quiet −40 dBFS sine in TBR: at 100 % link the sine is reduced by
    // exactly the noise's gain; at 0 % it passes untouched.
    let frames = (0.5 * FS) as usize;
    let mut input = vec![vec![0.0f32; frames]; 12];
    input[0] = white_noise(frames, 1.0, 9);
    input[11] = sine(-40.0, 0.5);
    let drive_db = 12.0f32;
    let drive = 10f32.powf(drive_db / 20.0);
    let linked = LimiterSettings {
        input_gain_db: drive_db,
        oversampling: Oversampling::X1,
        dc_filter: false,
        ..LimiterSettings::default()
    };
    let (out, latency) = render_limiter_with_tail(&linked, FS, &input, 512);
    let loud = applied_gains(&input[0], &out[0], latency, drive);
    let quiet = applied_gains(&input[11], &out[11], latency, drive);
    let (mut compared, mut deepest_db, mut worst_diff_db) = (0, 0.0f64, 0.0f64);
    for (l, q) in loud.iter().zip(&quiet) {
        if let (Some(l), Some(q)) = (l, q) {
            let (l_db, q_db) = (20.0 * (*l as f64).log10(), 20.0 * (*q as f64).log10());
            worst_diff_db = worst_diff_db.max((l_db - q_db).abs());
            deepest_db = deepest_db.min(q_db);
            compared += 1;
        }
    }
    println!("linked: {compared} samples, deepest GR {deepest_db:.2} dB, worst difference {worst_diff_db:.2e} dB");
    assert!(compared > frames / 2, "only {compared} samples compared");
    // Noise peaking at +12 dBFS into a −1 dBTP ceiling: at least 10 dB of reduction somewhere.
    assert!(
        deepest_db < -10.0,
        "quiet channel reduced by only {deepest_db:.2} dB"
    );
    assert!(
        worst_diff_db < 1e-4,
        "gains differ by {worst_diff_db:.2e} dB"
    );

    let unlinked = LimiterSettings {
        stereo_link_percent: 0.0,
        ..linked
    };
    let (out, latency) = render_limiter_with_tail(&unlinked, FS, &input, 512);
    let quiet = applied_gains(&input[11], &out[11], latency, drive);
    let deepest_db = quiet
        .iter()
        .flatten()
        .map(|&g| 20.0 * (g as f64).log10())
        .fold(0.0f64, f64::min);
    println!("unlinked: quiet channel deepest GR {deepest_db:.2e} dB");
    // −40 dBFS + 12 dB is far under the ceiling: unity within float precision.
    assert!(
        deepest_db.abs() < 1e-4,
        "unlinked quiet channel reduced by {deepest_db:.2e} dB"
    );
}
