//! The tonal match: a programme coloured with known EQ moves, matched back to the uncoloured
//! original, lands within ±1 dB of it in 1/3-octave bands from 60 Hz to 12 kHz (mid and side,
//! at 44.1, 48 and 96 kHz); clamps hold on a reference 20 dB away; the amount scales the moves.

mod common;

use common::colouring::{
    band, colouring, equalised, loud_third_octave_levels_db, worst_difference,
};
use common::pink;
use dsp_core::dynamics::BandChannel;
use dsp_core::eq::DynamicEqSettings;
use dsp_core::filter::eq_shape::EqShape;
use vernis_assistant::decisions::MoveStage;
use vernis_assistant::{analyse, propose_with_reference, AssistantTarget, MatchOptions, Programme};

const TARGET: AssistantTarget = AssistantTarget {
    lufs: -14.0,
    ceiling_dbtp: -1.0,
};

/// Stereo pink noise with some side: L = a + 0.3·b, R = a − 0.3·b.
fn original(fs: f64) -> Programme {
    let frames = (15.0 * fs) as usize;
    let (a, b) = (pink(0.1, frames, 1), pink(0.1, frames, 2));
    let l = a.iter().zip(&b).map(|(x, y)| x + 0.3 * y).collect();
    let r = a.iter().zip(&b).map(|(x, y)| x - 0.3 * y).collect();
    Programme::new(vec![l, r], fs, None).unwrap()
}

fn run_eq(p: &Programme, settings: DynamicEqSettings) -> Programme {
    let fs = p.sample_rate_hz();
    Programme::new(equalised(p.channels(), fs, settings), fs, None).unwrap()
}

/// Worst |difference| of the loud-section 1/3-octave levels, 60 Hz–12 kHz, offset removed.
fn worst_programme_difference(a: &Programme, b: &Programme, side: bool) -> f64 {
    worst_difference(
        &loud_third_octave_levels_db(a, side),
        &loud_third_octave_levels_db(b, side),
    )
}

#[test]
fn a_coloured_programme_is_matched_back_within_one_db() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        let reference = original(fs);
        let coloured = run_eq(&reference, colouring());
        let before = (
            worst_programme_difference(&coloured, &reference, false),
            worst_programme_difference(&coloured, &reference, true),
        );
        let analysis = analyse(&coloured);
        let plan = propose_with_reference(
            &coloured,
            &analysis,
            TARGET,
            Some((&analyse(&reference), MatchOptions::default())),
        );
        let eq = plan.chain.eq.expect("match bands");
        let matched = run_eq(&coloured, eq);
        let after = (
            worst_programme_difference(&matched, &reference, false),
            worst_programme_difference(&matched, &reference, true),
        );
        let bands = eq.bands.iter().filter(|b| b.used).count();
        eprintln!(
            "{fs} Hz: worst 1/3-octave difference mid {:.2} -> {:.2} dB, side {:.2} -> {:.2} dB, {bands} bands",
            before.0, after.0, before.1, after.1
        );
        assert!(before.0 > 2.5 && before.1 > 2.5, "{before:?}");
        assert!(after.0 <= 1.0 && after.1 <= 1.0, "{fs}: {after:?}");
        assert!(plan
            .moves
            .iter()
            .any(|m| m.stage == MoveStage::Eq && m.reason.contains("tonal match")));
    }
}

#[test]
fn clamps_hold_and_the_amount_scales() {
    let fs = 48_000.0;
    let reference = original(fs);
    // A reference 20 dB brighter above 2 kHz.
    let mut bright = DynamicEqSettings::default();
    bright.bands[0] = band(EqShape::HighShelf, 2_000.0, 20.0, 0.7, BandChannel::Stereo);
    let bright_reference = run_eq(&reference, bright);
    let analysis = analyse(&reference);
    let reference_analysis = analyse(&bright_reference);
    let gains = |amount: f64| {
        let options = MatchOptions {
            amount,
            max_move_db: 6.0,
        };
        let plan = propose_with_reference(
            &reference,
            &analysis,
            TARGET,
            Some((&reference_analysis, options)),
        );
        plan.chain
            .eq
            .map(|eq| {
                eq.bands
                    .iter()
                    .filter(|b| b.used)
                    .map(|b| b.filter.gain_db)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let full = gains(1.0);
    assert!(
        !full.is_empty() && full.iter().all(|g| g.abs() <= 6.0),
        "{full:?}"
    );
    assert!(
        full.iter().any(|g| (g.abs() - 6.0).abs() < 1e-9),
        "{full:?}"
    );
    let half = gains(0.5);
    assert!(
        half.iter().all(|g| g.abs() <= 3.0) && !half.is_empty(),
        "{half:?}"
    );
    assert!(gains(0.0).is_empty());
    // Matching a programme to itself moves nothing.
    let plan = propose_with_reference(
        &reference,
        &analysis,
        TARGET,
        Some((&analysis, MatchOptions::default())),
    );
    assert!(plan.chain.eq.is_none(), "{:?}", plan.moves);
}
