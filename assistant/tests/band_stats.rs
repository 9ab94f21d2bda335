//! Per-band statistics against analytic values: levels and crest of sines in their bands,
//! width and correlation of mono, anti-phase and independent channels.

mod common;

use common::{sine, white};
use vernis_assistant::{analyse, Programme};

const FS: f64 = 48_000.0;

/// Magnitudes of the 24 dB/oct Linkwitz-Riley low and high pass at `hz` for a crossover at
/// `fc` (`1/(1 + r⁴)` and `r⁴/(1 + r⁴)`, `r = hz/fc`).
fn lr4(hz: f64, fc: f64) -> (f64, f64) {
    let r4 = (hz / fc).powi(4);
    (1.0 / (1.0 + r4), r4 / (1.0 + r4))
}

fn db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

fn bands(l: Vec<f32>, r: Vec<f32>) -> vernis_assistant::analysis::BandAnalysis {
    analyse(&Programme::new(vec![l, r], FS, None).unwrap()).bands
}

#[test]
fn a_mono_bass_sine_reads_its_level_crest_and_correlation() {
    let x = sine(0.5, 60.0, FS, (8.0 * FS) as usize);
    let a = bands(x.clone(), x);
    assert_eq!(a.bands.len(), 4);
    assert_eq!((a.bands[0].low_hz, a.bands[0].high_hz), (0.0, 120.0));
    let low = &a.bands[0];
    // The sine's level through the 120 Hz low pass (−0.53 dB an octave below it).
    let want = db(0.5 * lr4(60.0, 120.0).0);
    for level in [low.level_p10_db, low.level_median_db, low.level_p95_db] {
        assert!((level - want).abs() < 0.1, "{low:?}");
    }
    // A sine's peak is 3.01 dB above its RMS.
    assert!((low.crest_db - 3.01).abs() < 0.1, "{}", low.crest_db);
    assert!(
        low.width_db < -100.0 && (low.correlation - 1.0).abs() < 1e-9,
        "{low:?}"
    );
    assert!(a.low_end_mono_safe);
    // The other bands hold only the crossovers' leakage (60 Hz is an octave below 120 Hz).
    assert!(a.bands[1].level_median_db < want - 20.0, "{:?}", a.bands[1]);
    assert!(a.bands[3].level_median_db < want - 80.0, "{:?}", a.bands[3]);
}

#[test]
fn anti_phase_bass_is_not_mono_safe_and_independent_noise_is_uncorrelated() {
    let x = sine(0.5, 60.0, FS, (8.0 * FS) as usize);
    let inverted: Vec<f32> = x.iter().map(|v| -v).collect();
    let a = bands(x, inverted);
    assert!(!a.low_end_mono_safe);
    assert!((a.bands[0].correlation + 1.0).abs() < 1e-9 && a.bands[0].width_db > 100.0);
    let frames = (10.0 * FS) as usize;
    let a = bands(white(0.5, frames, 3), white(0.5, frames, 77));
    for b in &a.bands {
        assert!(b.correlation.abs() < 0.05, "{b:?}");
        assert!(b.width_db.abs() < 0.5, "{b:?}");
    }
}

#[test]
fn level_statistics_follow_a_level_that_changes() {
    // A 2 kHz sine alternating between −6 and −26 dBFS every second: the 10th and 90th
    // percentiles of the 1–6 kHz band read the two levels.
    let loud = sine(0.5, 2000.0, FS, FS as usize);
    let quiet = sine(0.05, 2000.0, FS, FS as usize);
    let mut x = Vec::new();
    for _ in 0..5 {
        x.extend(&loud);
        x.extend(&quiet);
    }
    let b = &bands(x.clone(), x).bands[2];
    assert_eq!((b.low_hz, b.high_hz), (1000.0, 6000.0));
    // Through the band pass: high pass at 1 kHz, low pass at 6 kHz (−0.63 dB at 2 kHz).
    let h = lr4(2000.0, 1000.0).1 * lr4(2000.0, 6000.0).0;
    assert!((b.level_p90_db - db(0.5 * h)).abs() < 0.1, "{b:?}");
    assert!((b.level_p10_db - db(0.05 * h)).abs() < 0.1, "{b:?}");
    // Crest: the loud sine's peak over the RMS of both halves (mean square (A² + a²)/4), plus
    // the band pass's overshoot where the level steps up (0.5 dB here).
    let rms_db = 10.0 * ((0.25 + 0.0025) / 4.0f64).log10();
    let steady = db(0.5) - rms_db;
    assert!(
        b.crest_db >= steady && b.crest_db < steady + 0.7,
        "{}",
        b.crest_db
    );
}
