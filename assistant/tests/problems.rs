//! The problem detectors find planted rumble, resonances, harshness and sibilance, and leave
//! flat programmes alone.

mod common;

use common::{band_noise, mix, pink, sine, white};
use dsp_core::filter::eq_design::design;
use dsp_core::filter::eq_section::EqFilter;
use dsp_core::filter::eq_shape::{EqShape, EqShapeSettings};
use vernis_assistant::analysis::problems::{Problems, RESONANCE_DB};
use vernis_assistant::{analyse, Programme};

const FS: f64 = 48_000.0;

fn stereo(x: Vec<f32>) -> Problems {
    analyse(&Programme::new(vec![x.clone(), x], FS, None).unwrap()).problems
}

fn nothing_found(p: &Problems) -> bool {
    p.rumble.is_none()
        && p.resonances.is_empty()
        && !p.harshness.is_some_and(|b| b.found)
        && !p.sibilance.is_some_and(|b| b.found)
}

#[test]
fn flat_programmes_have_no_problem() {
    let frames = (20.0 * FS) as usize;
    for x in [pink(0.1, frames, 7), white(0.3, frames, 9)] {
        let p = stereo(x);
        assert!(nothing_found(&p), "{p:?}");
        let spread = |b: Option<vernis_assistant::analysis::problems::Bursts>| {
            b.map(|b| b.p95_share_db - b.median_share_db)
        };
        eprintln!(
            "flat: rumble {:?}, spreads {:?} {:?}",
            p.rumble,
            spread(p.harshness),
            spread(p.sibilance)
        );
        // Steady noise: the bands' shares hardly move.
        for b in [p.harshness.unwrap(), p.sibilance.unwrap()] {
            assert!(b.p95_share_db - b.median_share_db < 1.0, "{b:?}");
        }
    }
}

#[test]
fn rumble_below_30_hz_is_found() {
    let frames = (20.0 * FS) as usize;
    let mut x = pink(0.1, frames, 3);
    mix(&mut x, &sine(0.1, 16.0, FS, frames));
    let p = stereo(x);
    let r = p.rumble.expect("rumble");
    eprintln!(
        "rumble: 10-30 Hz {:.1} dB above 30-120 Hz per octave",
        r.above_bass_db
    );
    assert!(r.above_bass_db > 6.0, "{r:?}");
    assert!(p.resonances.is_empty(), "{:?}", p.resonances);
}

#[test]
fn a_planted_resonance_is_found_at_its_frequency() {
    let frames = (20.0 * FS) as usize;
    let boost = EqShapeSettings {
        shape: EqShape::Bell,
        frequency_hz: 1_200.0,
        gain_db: 10.0,
        q: 8.0,
        ..EqShapeSettings::default()
    };
    let mut filter = EqFilter::new(&design(&boost, FS));
    let x: Vec<f32> = pink(0.1, frames, 5)
        .iter()
        .map(|&v| filter.tick(v))
        .collect();
    let p = stereo(x);
    let r = p.resonances.first().expect("a resonance");
    eprintln!(
        "resonance: {:.0} Hz, {:.1} dB",
        r.frequency_hz, r.prominence_db
    );
    assert_eq!(p.resonances.len(), 1, "{:?}", p.resonances);
    // Within 1/12 octave of the boost (the bands are 1/6 octave apart).
    assert!(
        (r.frequency_hz / 1_200.0).log2().abs() <= 1.0 / 12.0 + 1e-9,
        "{r:?}"
    );
    assert!(
        r.prominence_db >= RESONANCE_DB && r.prominence_db <= 10.0,
        "{r:?}"
    );
}

#[test]
fn sibilance_and_harshness_that_come_and_go_are_found_apart() {
    let frames = (20.0 * FS) as usize;
    for (low, high, sibilant) in [(5_500.0, 8_500.0, true), (2_500.0, 4_500.0, false)] {
        let mut x = pink(0.1, frames, 11);
        let burst = band_noise(0.2, low, high, FS, (0.15 * FS) as usize);
        for second in 0..20 {
            let at = (second as f64 * FS + 0.3 * FS) as usize;
            mix(&mut x[at..], &burst);
        }
        let p = stereo(x);
        let (hit, miss) = if sibilant {
            (p.sibilance.unwrap(), p.harshness.unwrap())
        } else {
            (p.harshness.unwrap(), p.sibilance.unwrap())
        };
        eprintln!(
            "bursts {low}-{high} Hz: p95 - median {:.1} dB (other band {:.1} dB)",
            hit.p95_share_db - hit.median_share_db,
            miss.p95_share_db - miss.median_share_db
        );
        assert!(hit.found, "{hit:?}");
        assert!(!miss.found, "{miss:?}");
        assert!(p.rumble.is_none());
    }
}

/// A kick drum of peak `peak`: a sine gliding from 150 Hz down to 50 Hz, decaying over about
/// 250 ms.
fn kick(peak: f32, frames: usize) -> Vec<f32> {
    let mut phase = 0.0f64;
    (0..frames)
        .map(|i| {
            let t = i as f64 / FS;
            phase += std::f64::consts::TAU * (50.0 + 100.0 * (-t / 0.03).exp()) / FS;
            (f64::from(peak) * (-t / 0.25).exp() * phase.sin()) as f32
        })
        .collect()
}

/// Loud kicks under steady noise move the whole spectrum's power but not the balance above
/// the bass: neither harshness nor sibilance (the bands' shares are taken against the power
/// above 300 Hz, so a kick that dominates the total does not dip them).
#[test]
fn kicks_under_steady_noise_are_not_harshness_or_sibilance() {
    let frames = (20.0 * FS) as usize;
    for beats_per_second in [2.0, 4.0] {
        let mut x = pink(0.05, frames, 13);
        let hit = kick(0.9, (0.5 * FS) as usize);
        let mut at = 0;
        while at < frames {
            mix(&mut x[at..], &hit);
            at += (FS / beats_per_second) as usize;
        }
        let p = stereo(x);
        let (h, s) = (p.harshness.unwrap(), p.sibilance.unwrap());
        eprintln!(
            "kicks at {beats_per_second}/s: p95 - median harshness {:.1} dB, sibilance {:.1} dB",
            h.p95_share_db - h.median_share_db,
            s.p95_share_db - s.median_share_db
        );
        assert!(!h.found && !s.found, "{h:?} {s:?}");
        assert!(h.p95_share_db - h.median_share_db < 3.0, "{h:?}");
    }
}

#[test]
fn silence_finds_nothing_and_low_rates_skip_sibilance() {
    let p = stereo(vec![0.0; 48_000]);
    assert!(nothing_found(&p) && p.harshness.is_none() && p.sibilance.is_none());
    let fs = 16_000.0;
    let x = pink(0.1, (5.0 * fs) as usize, 2);
    let p = analyse(&Programme::new(vec![x], fs, None).unwrap()).problems;
    assert!(p.sibilance.is_none() && p.harshness.is_some());
}
