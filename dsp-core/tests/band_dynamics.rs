//! One band's dynamics (`BandDynamics`) measured on synthetic signals: static curves of all four
//! directions with Peak and RMS detection, the GR anchors, range, THD+N, attack/release time
//! constants, the transient shaper's crest change, hostile input, identity and block-partition
//! invariance. Measured numbers are printed (`--nocapture`) for the record.

mod common;

use std::f64::consts::PI;

use dsp_core::dynamics::band_curve::static_gain_db;
use dsp_core::dynamics::level_detector::{hold_window_samples, LevelDetector};
use dsp_core::dynamics::{BandDetector, BandDirection, BandDynamics, BandSettings};

const FS: f64 = 48_000.0;

/// A sine of peak `amplitude` at `freq_hz`, phase 0, `frames` long.
fn sine(freq_hz: f64, amplitude: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| (amplitude * (2.0 * PI * freq_hz * i as f64 / FS).sin()) as f32)
        .collect()
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// Runs `band` over `x` (detector and audio both `|x|`) in blocks of `block`; returns the gains.
fn gains(band: &BandSettings, lowest_hz: f32, x: &[f32], block: usize) -> Vec<f32> {
    let mut d = BandDynamics::new();
    d.prepare(FS, block);
    d.set_settings(band, lowest_hz);
    run(&mut d, x, &mut |_| block)
}

/// Processes `x` through `d` in blocks whose lengths `next_block(start)` chooses.
fn run(d: &mut BandDynamics, x: &[f32], next_block: &mut dyn FnMut(usize) -> usize) -> Vec<f32> {
    let mag: Vec<f32> = x.iter().map(|v| v.abs()).collect();
    let mut g = vec![0.0f32; x.len()];
    let mut start = 0;
    while start < x.len() {
        let end = (start + next_block(start).max(1)).min(x.len());
        d.process(&mag[start..end], &mag[start..end], &mut g[start..end]);
        start = end;
    }
    g
}

/// Steady-state gain (dB) the band applies to a 1 kHz sine of peak `peak_db`, from the output
/// peak over the last 10 ms of a 0.4 s render, and the largest gain ripple there (dB).
fn steady_gain_db(band: &BandSettings, peak_db: f64) -> (f64, f64) {
    let amp = 10f64.powf(peak_db / 20.0);
    let x = sine(1000.0, amp, (0.4 * FS) as usize);
    let g = gains(band, 20.0, &x, 512);
    let tail = x.len() - 480;
    let out_peak = (tail..x.len())
        .map(|i| (x[i] as f64 * g[i] as f64).abs())
        .fold(0.0, f64::max);
    let (lo, hi) = g[tail..]
        .iter()
        .fold((f32::MAX, f32::MIN), |(l, h), &v| (l.min(v), h.max(v)));
    (db(out_peak / amp), db(hi as f64 / lo as f64))
}

/// Analytic d(gain)/d(level) of the module's rule at detector level `l` (None at a kink).
fn analytic_gain_slope(band: &BandSettings, l: f64) -> Option<f64> {
    let (side, sign) = match band.direction {
        BandDirection::CompressDown => (1.0, -1.0),
        BandDirection::CompressUp => (-1.0, 1.0),
        BandDirection::ExpandDown => (-1.0, -1.0),
        BandDirection::ExpandUp => (1.0, 1.0),
    };
    let r = band.ratio as f64;
    let s = match band.direction {
        BandDirection::CompressDown | BandDirection::CompressUp => 1.0 - 1.0 / r,
        _ => r - 1.0,
    };
    let k = band.knee_db as f64;
    let x = side * (l - band.threshold_db as f64);
    let m = static_gain_db(band, l as f32).abs() as f64;
    let near = |a: f64, b: f64| (a - b).abs() < 0.3;
    if near(x, k / 2.0) || near(x, -k / 2.0) || near(m, band.range_db as f64) {
        return None;
    }
    let dm = if m >= band.range_db as f64 {
        0.0
    } else if x >= k / 2.0 {
        s
    } else if x > -k / 2.0 {
        s * (x + k / 2.0) / k
    } else {
        0.0
    };
    Some(sign * side * dm)
}

#[test]
fn static_curves_of_all_directions_peak_and_rms() {
    let mut worst = (0.0f64, 0.0f64, 0.0f64);
    for detector in [BandDetector::Peak, BandDetector::Rms] {
        // RMS reads a sine 3.01 dB below its peak.
        let reading_offset = if detector == BandDetector::Rms {
            -db(2f64.sqrt())
        } else {
            0.0
        };
        for direction in BandDirection::ALL {
            let band = BandSettings {
                direction,
                detector,
                threshold_db: -30.0,
                ratio: 3.0,
                knee_db: 6.0,
                range_db: 20.0,
                attack_ms: 1.0,
                release_ms: 20.0,
                ..BandSettings::default()
            };
            let step = 0.25;
            let mut previous: Option<(f64, f64)> = None;
            for i in 0..=200 {
                let peak_db = -60.0 + i as f64 * step;
                let (gain_db, ripple_db) = steady_gain_db(&band, peak_db);
                let reading = peak_db + reading_offset;
                let expected = static_gain_db(&band, reading as f32) as f64;
                let err = (gain_db - expected).abs();
                assert!(
                    err < 0.05,
                    "{direction:?} {detector:?} at {peak_db} dB: {gain_db} vs {expected}"
                );
                assert!(
                    ripple_db < 1e-3,
                    "{direction:?} {detector:?} ripple {ripple_db}"
                );
                worst.0 = worst.0.max(err);
                worst.2 = worst.2.max(ripple_db);
                let out = peak_db + gain_db;
                if let Some((prev_in, prev_out)) = previous {
                    let mid = 0.5 * (prev_in + peak_db) + reading_offset;
                    if let (Some(a), Some(b)) = (
                        analytic_gain_slope(&band, prev_in + reading_offset),
                        analytic_gain_slope(&band, peak_db + reading_offset),
                    ) {
                        // Exact for the linear parts; the knee's derivative is linear, so the
                        // chord slope equals the derivative at the midpoint.
                        let analytic =
                            1.0 + analytic_gain_slope(&band, mid).unwrap_or(0.5 * (a + b));
                        let measured = (out - prev_out) / step;
                        let slope_err = (measured - analytic).abs();
                        assert!(
                            slope_err < 0.005,
                            "{direction:?} {detector:?} slope at {mid}: {measured} vs {analytic}"
                        );
                        worst.1 = worst.1.max(slope_err);
                    }
                }
                previous = Some((peak_db, out));
            }
        }
    }
    eprintln!(
        "static curves: worst level error {:.2e} dB, worst slope error {:.2e}, worst ripple {:.2e} dB",
        worst.0, worst.1, worst.2
    );
}

#[test]
fn gain_reduction_anchors() {
    // 4:1 above −20 dB, hard knee, −10 dBFS 1 kHz sine: Peak reads −10 → 10·(3/4) = 7.50 dB;
    // RMS reads −13.01 → 6.99·(3/4) = 5.24 dB.
    for (detector, expected) in [(BandDetector::Peak, 7.50), (BandDetector::Rms, 5.2423)] {
        let band = BandSettings {
            detector,
            threshold_db: -20.0,
            ratio: 4.0,
            knee_db: 0.0,
            attack_ms: 0.1,
            range_db: 60.0,
            ..BandSettings::default()
        };
        let (gain_db, _) = steady_gain_db(&band, -10.0);
        eprintln!(
            "GR anchor {detector:?}: {:.4} dB (expected {expected})",
            -gain_db
        );
        assert!(
            (-gain_db - expected).abs() < 0.005,
            "{detector:?}: {gain_db}"
        );
    }
}

#[test]
fn range_bounds_the_gain() {
    let cases = [
        (BandDirection::CompressDown, 100.0, 3.0, -6.0, -3.0),
        (BandDirection::ExpandDown, 100.0, 12.0, -50.0, -12.0),
        (BandDirection::CompressUp, 10.0, 6.0, -60.0, 6.0),
        (BandDirection::ExpandUp, 4.0, 9.0, -5.0, 9.0),
    ];
    for (direction, ratio, range_db, peak_db, expected) in cases {
        let band = BandSettings {
            direction,
            ratio,
            range_db,
            threshold_db: -30.0,
            knee_db: 0.0,
            attack_ms: 1.0,
            ..BandSettings::default()
        };
        let (gain_db, _) = steady_gain_db(&band, peak_db);
        assert!(
            (gain_db - expected).abs() < 1e-3,
            "{direction:?}: {gain_db}"
        );
    }
}

#[test]
fn thd_n_of_a_100_hz_sine_with_6_db_of_gain_reduction() {
    // 4:1 above −20 dB: 8 dB over reads as 6 dB of GR. Peak reads the peak, RMS 3.01 dB lower.
    for (detector, peak_db, limit_db) in [
        (BandDetector::Peak, -12.0, -55.0),
        (BandDetector::Rms, -12.0 + db(2f64.sqrt()), -100.0),
    ] {
        let band = BandSettings {
            detector,
            threshold_db: -20.0,
            ratio: 4.0,
            knee_db: 0.0,
            attack_ms: 10.0,
            release_ms: 100.0,
            range_db: 60.0,
            ..BandSettings::default()
        };
        let x = sine(100.0, 10f64.powf(peak_db / 20.0), (3.0 * FS) as usize);
        let g = gains(&band, 20.0, &x, 256);
        let y: Vec<f32> = x.iter().zip(&g).map(|(a, b)| a * b).collect();
        let tail = &y[(2.0 * FS) as usize..];
        let gr = -db(g[g.len() - 1] as f64);
        let thd = common::thd_n_db(tail, 100.0, FS);
        eprintln!("THD+N 100 Hz {detector:?}: {thd:.1} dB at {gr:.3} dB GR");
        assert!((gr - 6.0).abs() < 0.01, "{detector:?} GR {gr}");
        assert!(thd < limit_db, "{detector:?} THD+N {thd} dB");
    }
}

/// Samples after the step until the detector has covered 63.2 % of a `from_db` → `to_db` step.
fn time_constant_samples(attack_ms: f32, release_ms: f32, from_db: f64, to_db: f64) -> f64 {
    let mut d = LevelDetector::new();
    d.prepare(FS);
    d.set_detector(BandDetector::Peak, 1000.0);
    d.set_times(attack_ms, release_ms);
    let settle = (FS * 30.0 * (attack_ms.max(release_ms) as f64) * 1e-3) as usize + 1000;
    let before = vec![10f64.powf(from_db / 20.0) as f32; settle];
    let after = vec![10f64.powf(to_db / 20.0) as f32; settle];
    let mut out = vec![0.0f32; settle];
    d.process(&before, &mut out);
    assert!((out[settle - 1] as f64 - from_db).abs() < 1e-3);
    d.process(&after, &mut out);
    let target = from_db + (1.0 - (-1.0f64).exp()) * (to_db - from_db);
    let i = out
        .iter()
        .position(|&v| (v as f64 - target) * (to_db - from_db).signum() >= 0.0)
        .expect("reaches 63 %");
    // Linear interpolation between the samples around the crossing; the first output is one step in.
    let (a, b) = (
        if i == 0 { from_db } else { out[i - 1] as f64 },
        out[i] as f64,
    );
    i as f64 + (target - a) / (b - a)
}

#[test]
fn attack_and_release_time_constants_on_a_level_step() {
    let hold = hold_window_samples(FS, 1000.0) as f64;
    // (attack ms, release ms, step up?): the measured time constant within 1 % + 1 sample.
    for (attack_ms, release_ms) in [(10.0f32, 100.0f32), (1.0, 5000.0), (100.0, 20.0)] {
        let up = time_constant_samples(attack_ms, release_ms, -40.0, -10.0);
        let down = time_constant_samples(attack_ms, release_ms, -10.0, -40.0) - (hold - 1.0);
        let (ta, tr) = (attack_ms as f64 * 48.0, release_ms as f64 * 48.0);
        eprintln!("attack {attack_ms} ms: τ {:.2} samples (expected {ta}); release {release_ms} ms: τ {:.2} (expected {tr})", up, down);
        assert!((up - ta).abs() < 0.01 * ta + 1.0, "attack {up} vs {ta}");
        assert!(
            (down - tr).abs() < 0.01 * tr + 1.0,
            "release {down} vs {tr}"
        );
    }
    // 0.01 ms is as good as instantaneous: 99.9 % of the step within 4 samples.
    let mut d = LevelDetector::new();
    d.prepare(FS);
    d.set_times(0.01, 5000.0);
    let mut out = vec![0.0f32; 8];
    d.process(&[1.0; 8], &mut out);
    assert!(out[3] > -0.2, "{out:?}");
}

/// A repeated drum hit: a sine sweeping from `start_hz` down to `end_hz` (20 ms sweep) with a
/// sharp onset and a `decay_s` exponential decay, every `period_s`, peak 0.5.
fn drum_hits(frames: usize, start_hz: f64, end_hz: f64, decay_s: f64, period_s: f64) -> Vec<f32> {
    let period = (period_s * FS) as usize;
    (0..frames)
        .map(|i| {
            let t = (i % period) as f64 / FS;
            let sweep = (start_hz - end_hz) * 0.02 * (1.0 - (-t / 0.02).exp());
            let phase = 2.0 * PI * (end_hz * t + sweep);
            (0.5 * (-t / decay_s).exp() * phase.sin()) as f32
        })
        .collect()
}

fn crest_db(y: &[f32]) -> f64 {
    let peak = y.iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64));
    let rms = (y.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
    db(peak / rms)
}

/// Output/input (dB) of the peak over the first 0.3 periods of `start_hz` after each onset.
fn first_peak_change_db(x: &[f32], y: &[f32], start_hz: f64, period_s: f64) -> Vec<f64> {
    let period = (period_s * FS) as usize;
    let span = (0.3 * FS / start_hz) as usize;
    let peak = |s: &[f32]| s.iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64));
    (2..x.len() / period)
        .map(|k| {
            let r = k * period..k * period + span;
            db(peak(&y[r.clone()]) / peak(&x[r]))
        })
        .collect()
}

fn shaped(x: &[f32], transient_db: f32) -> Vec<f32> {
    let band = BandSettings {
        transient_db,
        ..BandSettings::default()
    };
    let g = gains(&band, 20.0, x, 512);
    x.iter().zip(&g).map(|(a, b)| a * b).collect()
}

#[test]
fn transient_shaper_moves_the_attack_by_the_setting() {
    let settings = [-12.0f32, -6.0, 6.0, 12.0];
    // The first peak of a hit moves by T within 0.5 dB (60–200 Hz, short and ringing hits).
    for (start_hz, end_hz, decay_s, period_s) in [
        (150.0, 60.0, 0.06, 0.25),
        (200.0, 200.0, 0.15, 0.5),
        (60.0, 60.0, 0.06, 0.25),
        (150.0, 60.0, 0.3, 0.5),
    ] {
        let x = drum_hits((3.0 * FS) as usize, start_hz, end_hz, decay_s, period_s);
        let mut report = String::new();
        for t in settings {
            let y = shaped(&x, t);
            let changes = first_peak_change_db(&x, &y, start_hz, period_s);
            for &c in &changes {
                assert!(
                    (c - t as f64).abs() < 0.5,
                    "{start_hz} Hz hit, T {t}: first peak {c}"
                );
            }
            report += &format!(" T {t:+}: {:+.2};", changes[0]);
        }
        eprintln!("transient first peak, {start_hz}-{end_hz} Hz hit, decay {decay_s} s:{report}");
    }
}

#[test]
fn transient_shaper_raises_the_crest_of_a_ringing_kick() {
    // A kick sweeping 150 → 60 Hz, decaying over 300 ms, every 500 ms.
    let x = drum_hits((4.0 * FS) as usize, 150.0, 60.0, 0.3, 0.5);
    let skip = (1.0 * FS) as usize;
    let crest_in = crest_db(&x[skip..]);
    let mut report = String::new();
    let mut previous = f64::NEG_INFINITY;
    for (t, tolerance_db) in [
        (-12.0f32, None),
        (-6.0, None),
        (0.0, Some(0.0)),
        (6.0, Some(1.0)),
        (12.0, Some(1.0)),
    ] {
        let y = shaped(&x, t);
        let change = crest_db(&y[skip..]) - crest_in;
        report += &format!(" T {t:+}: {change:+.2} dB;");
        // Softening barely moves the crest (the next, barely decayed, cycles become the peak).
        if t >= 0.0 {
            assert!(change > previous, "crest change not monotonic at {t}");
        }
        assert!(change * t as f64 >= 0.0, "wrong direction at {t}");
        if let Some(tol) = tolerance_db {
            assert!(
                (change - t as f64).abs() <= tol,
                "T {t}: crest change {change}"
            );
        }
        previous = change;
    }
    eprintln!("transient crest change, ringing kick (input crest {crest_in:.2} dB):{report}");
    // A short hit (60 Hz, 60 ms decay) gains less crest: the rise to its first peak carries a
    // larger part of its energy. Boosts still raise it, in order.
    let x = drum_hits((3.0 * FS) as usize, 60.0, 60.0, 0.06, 0.25);
    let crest_in = crest_db(&x[skip..]);
    let changes: Vec<f64> = [3.0f32, 6.0, 12.0]
        .iter()
        .map(|&t| crest_db(&shaped(&x, t)[skip..]) - crest_in)
        .collect();
    eprintln!("transient crest change, short 60 Hz hit: T +3/+6/+12: {changes:+.2?} dB");
    assert!(changes[0] > 1.5 && changes[1] > changes[0] + 1.5 && changes[2] > changes[1] + 1.5);
}

#[test]
fn transient_shaper_leaves_a_steady_sine_exactly_alone() {
    let band = BandSettings {
        transient_db: 12.0,
        ..BandSettings::default()
    };
    for freq_hz in [60.0, 100.0, 1000.0] {
        let s = sine(freq_hz, 0.3, (4.0 * FS) as usize);
        let g = gains(&band, 20.0, &s, 512);
        assert!(
            g[(3.0 * FS) as usize..].iter().all(|&v| v == 1.0),
            "{freq_hz} Hz"
        );
    }
}

#[test]
fn hostile_input_gives_finite_gains_and_does_not_poison_the_state() {
    let band = BandSettings {
        ratio: 4.0,
        makeup_db: 6.0,
        transient_db: 6.0,
        ..BandSettings::default()
    };
    for detector in [BandDetector::Peak, BandDetector::Rms] {
        let band = BandSettings { detector, ..band };
        let mut d = BandDynamics::new();
        d.prepare(FS, 512);
        d.set_settings(&band, 20.0);
        let mut x = vec![0.0f32; 4096];
        for (i, v) in x.iter_mut().enumerate() {
            *v = match i % 5 {
                0 => f32::NAN,
                1 => f32::INFINITY,
                2 => f32::NEG_INFINITY,
                3 => 1e-42,
                _ => 0.0,
            };
        }
        let g = run(&mut d, &x, &mut |_| 512);
        assert!(g.iter().all(|v| v.is_finite() && *v > 0.0), "{detector:?}");
        // Silence reads −200 dB, and a normal signal afterwards reads normally.
        let m = d.process(&[0.0; 512], &[0.0; 512], &mut [0.0; 512]);
        assert!(m.level_db.is_finite());
        let s = sine(1000.0, 0.1, 48_000);
        let g = run(&mut d, &s, &mut |_| 512);
        assert!(g.iter().all(|v| v.is_finite()));
        let mut silent = BandDynamics::new();
        silent.prepare(FS, 512);
        silent.set_settings(&band, 20.0);
        let mut g = [0.0f32; 512];
        let m = silent.process(&[0.0; 512], &[0.0; 512], &mut g);
        assert_eq!(m.level_db, -200.0, "{detector:?}");
        assert!(g.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn ratio_1_transient_0_makeup_0_is_exactly_unity() {
    let mut x = common::white_noise(20_000, 2.0, 7);
    x[100] = f32::NAN;
    x[200] = f32::INFINITY;
    for direction in BandDirection::ALL {
        for detector in [BandDetector::Peak, BandDetector::Rms] {
            let band = BandSettings {
                direction,
                detector,
                ratio: 1.0,
                threshold_db: -60.0,
                knee_db: 0.0,
                ..BandSettings::default()
            };
            let g = gains(&band, 20.0, &x, 333);
            assert!(g.iter().all(|&v| v == 1.0), "{direction:?} {detector:?}");
        }
    }
    // Bypass is unity too, and ramps (no jump) when toggled during audio.
    let band = BandSettings {
        ratio: 8.0,
        threshold_db: -40.0,
        makeup_db: 3.0,
        ..BandSettings::default()
    };
    let mut d = BandDynamics::new();
    d.prepare(FS, 512);
    d.set_settings(&band, 20.0);
    let s = sine(200.0, 0.5, 48_000);
    let before = run(&mut d, &s, &mut |_| 480);
    d.set_settings(
        &BandSettings {
            bypass: true,
            ..band
        },
        20.0,
    );
    let after = run(&mut d, &s, &mut |_| 480);
    assert!((before[before.len() - 1] as f64) < 0.5);
    let step = after
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold((after[0] - before[before.len() - 1]).abs(), f32::max);
    assert!(step < 0.01, "bypass jumps by {step}");
    assert!(after[480..].iter().all(|&v| v == 1.0));
}

#[test]
fn automation_ramps_without_clicks() {
    let band = BandSettings {
        ratio: 4.0,
        threshold_db: -20.0,
        knee_db: 0.0,
        ..BandSettings::default()
    };
    let mut d = BandDynamics::new();
    d.prepare(FS, 512);
    d.set_settings(&band, 20.0);
    let s = sine(1000.0, 0.5, 48_000);
    let mut g = run(&mut d, &s, &mut |_| 480);
    d.set_settings(
        &BandSettings {
            threshold_db: -40.0,
            ratio: 100.0,
            makeup_db: 12.0,
            ..band
        },
        20.0,
    );
    g.extend(run(&mut d, &s, &mut |_| 480));
    let worst = g
        .windows(2)
        .map(|w| db(w[1] as f64 / w[0] as f64).abs())
        .fold(0.0, f64::max);
    // The largest move, 20 ms for ~15 dB of gain: about 0.016 dB per sample.
    assert!(worst < 0.03, "largest per-sample gain step {worst} dB");
}

#[test]
fn any_block_partition_gives_bit_identical_gains() {
    let x = {
        let mut v = drum_hits(60_000, 150.0, 60.0, 0.06, 0.25);
        for (a, b) in v.iter_mut().zip(common::white_noise(60_000, 0.05, 3)) {
            *a += b;
        }
        v
    };
    for detector in [BandDetector::Peak, BandDetector::Rms] {
        let band = BandSettings {
            detector,
            ratio: 3.0,
            threshold_db: -30.0,
            transient_db: 0.0,
            makeup_db: 2.0,
            ..BandSettings::default()
        };
        // The shaper's boost gate is only computed while the shaper is in use, yet its state
        // advances throughout: switching it on mid-stream must not depend on the partition.
        let change = BandSettings {
            threshold_db: -20.0,
            direction: BandDirection::ExpandDown,
            transient_db: 5.0,
            ..band
        };
        let render = |sizes: &[usize]| {
            let mut d = BandDynamics::new();
            d.prepare(FS, 1024);
            d.set_settings(&band, 80.0);
            let mut k = 0;
            let mut first = run(&mut d, &x[..30_000], &mut |_| {
                k += 1;
                sizes[k % sizes.len()]
            });
            d.set_settings(&change, 80.0);
            first.extend(run(&mut d, &x[30_000..], &mut |_| {
                k += 1;
                sizes[k % sizes.len()]
            }));
            first
        };
        let reference = render(&[512]);
        for sizes in [&[1usize][..], &[7, 300, 1, 64], &[1024, 3]] {
            assert_eq!(render(sizes), reference, "{detector:?} {sizes:?}");
        }
    }
}

#[test]
fn every_vector_build_gives_the_same_gains() {
    use dsp_core::simd::{set_level_cap, SimdLevel};
    let x = drum_hits(30_000, 150.0, 60.0, 0.06, 0.25);
    let band = BandSettings {
        ratio: 3.0,
        threshold_db: -30.0,
        transient_db: 5.0,
        makeup_db: 2.0,
        ..BandSettings::default()
    };
    let mut renders = Vec::new();
    for cap in [Some(SimdLevel::Baseline), Some(SimdLevel::Avx2), None] {
        set_level_cap(cap);
        renders.push(gains(&band, 40.0, &x, 512));
    }
    set_level_cap(None);
    assert_eq!(renders[0], renders[1]);
    assert_eq!(renders[0], renders[2]);
}
