//! The loud-section spectra: which pieces count as loud, mid and side levels of planted sines
//! against their analytic values, at several rates.

use vernis_assistant::analysis::tonal_balance::{loud_pieces, LOUD_MARGIN_LU};
use vernis_assistant::{analyse, Programme};

fn sine(peak: f32, hz: f64, fs: f64, seconds: f64) -> Vec<f32> {
    (0..(seconds * fs) as usize)
        .map(|i| peak * (2.0 * std::f64::consts::PI * hz * i as f64 / fs).sin() as f32)
        .collect()
}

/// The level of the band whose centre is nearest `hz`.
fn level_at(centres: &[f64], levels: &[f64], hz: f64) -> f64 {
    let k = (0..centres.len())
        .min_by(|&a, &b| {
            let d = |c: f64| (c / hz).ln().abs();
            d(centres[a]).total_cmp(&d(centres[b]))
        })
        .unwrap();
    levels[k]
}

#[test]
fn only_the_loud_pieces_count() {
    // A quiet 200 Hz passage (−30 dBFS), then a loud 2 kHz one (−6 dBFS): the loud-section
    // spectrum holds the 2 kHz sine at its level and hardly any 200 Hz.
    let fs = 48_000.0;
    let mut x = sine(0.0316, 200.0, fs, 10.0);
    x.extend(sine(0.5, 2000.0, fs, 10.0));
    let a = analyse(&Programme::new(vec![x.clone(), x], fs, None).unwrap());
    let t = &a.tonal_balance;
    let loud = level_at(&t.centres_hz, &t.mid_db, 2000.0);
    let quiet = level_at(&t.centres_hz, &t.mid_db, 200.0);
    assert!((loud - 20.0 * 0.5f64.log10()).abs() < 0.1, "{loud}");
    assert!(quiet < loud - 60.0, "{quiet} vs {loud}");
    // The loud part is 10 s; its 3 s short-term window reaches the loudest − 4 LU once it
    // holds 10^−0.4 of loud audio, after 3·10^−0.4 = 1.19 s: 8.81 s count (to a 100 ms piece).
    let want = 10.0 - 3.0 * 10f64.powf(-LOUD_MARGIN_LU / 10.0);
    assert!(
        (t.loud_seconds - want).abs() <= 0.15,
        "{} vs {want}",
        t.loud_seconds
    );
    assert_eq!(loud_pieces(&[f64::NEG_INFINITY; 5]), Vec::<usize>::new());
    let margin = LOUD_MARGIN_LU;
    assert_eq!(
        loud_pieces(&[-20.0, -20.0 - margin, -20.1 - margin, -21.0]),
        [0, 1, 3]
    );
}

#[test]
fn mid_and_side_read_their_analytic_levels_at_every_rate() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        let s = sine(0.5, 1000.0, fs, 6.0);
        let inverted: Vec<f32> = s.iter().map(|v| -v).collect();
        let zero = vec![0.0f32; s.len()];
        let want = 20.0 * 0.5f64.log10();
        // Same in both channels: all mid, no side.
        let t =
            analyse(&Programme::new(vec![s.clone(), s.clone()], fs, None).unwrap()).tonal_balance;
        assert!(
            (level_at(&t.centres_hz, &t.mid_db, 1000.0) - want).abs() < 0.1,
            "{fs}"
        );
        assert!(t.side_db.iter().all(|&v| v < -200.0), "{fs}");
        // Opposite: all side.
        let t =
            analyse(&Programme::new(vec![s.clone(), inverted], fs, None).unwrap()).tonal_balance;
        assert!(
            (level_at(&t.centres_hz, &t.side_db, 1000.0) - want).abs() < 0.1,
            "{fs}"
        );
        assert!(t.mid_db.iter().all(|&v| v < -200.0), "{fs}");
        // Left only: half in each, −6.02 dB.
        let t = analyse(&Programme::new(vec![s.clone(), zero], fs, None).unwrap()).tonal_balance;
        for levels in [&t.mid_db, &t.side_db] {
            let l = level_at(&t.centres_hz, levels, 1000.0);
            assert!((l - want + 6.02).abs() < 0.1, "{fs}: {l}");
        }
        // The bands reach 20 kHz (or 0.45·fs) 1/6 octave apart.
        let top = *t.centres_hz.last().unwrap();
        assert!(top <= 20_000.0f64.min(0.45 * fs) && top > 0.89 * 20_000.0f64.min(0.45 * fs));
        // Mono: mid only.
        let t = analyse(&Programme::new(vec![s], fs, None).unwrap()).tonal_balance;
        assert!((level_at(&t.centres_hz, &t.mid_db, 1000.0) - want).abs() < 0.1);
        assert!(t.side_db.iter().all(|&v| v == f64::NEG_INFINITY));
    }
}
