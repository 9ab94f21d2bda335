//! Transient shaping toward the reference's punch: a programme flatter than its reference (the
//! reference's kick attacks 8 dB up) gets its attacks emphasised and its low band's typical
//! crest lands within 1 dB of the reference's; a peakier programme, or one matched to itself,
//! gets no transient move.

mod common;

use common::{mix, pink};
use dsp_core::dynamics::{MultibandCompressor, MultibandSettings};
use dsp_core::{ProcessSpec, Processor};
use vernis_assistant::analysis::BandAnalysis;
use vernis_assistant::decisions::MoveStage;
use vernis_assistant::{analyse, propose_with_reference, AssistantTarget, MatchOptions, Programme};

const FS: f64 = 48_000.0;
const TARGET: AssistantTarget = AssistantTarget {
    lufs: -14.0,
    ceiling_dbtp: -1.0,
};

/// A kick (55 Hz, 120 ms decay) every 500 ms over a pink-noise bed, 12 s, stereo.
fn kick_mix() -> Programme {
    let frames = (12.0 * FS) as usize;
    let mut x = pink(0.05, frames, 5);
    let mut kick = vec![0.0f32; frames];
    let period = (0.5 * FS) as usize;
    for (i, k) in kick.iter_mut().enumerate() {
        let t = (i % period) as f64 / FS;
        let f = 55.0 + 60.0 * (-t / 0.02).exp();
        *k = (0.6 * (-t / 0.12).exp() * (std::f64::consts::TAU * f * t).sin()) as f32;
    }
    mix(&mut x, &kick);
    Programme::new(vec![x.clone(), x], FS, None).unwrap()
}

/// `p` through the multiband with the low band's Transient at `transient_db`.
fn shaped(p: &Programme, transient_db: f32) -> Programme {
    let mut settings = MultibandSettings::default();
    settings.band[0].transient_db = transient_db;
    run(p, &settings)
}

fn run(p: &Programme, settings: &MultibandSettings) -> Programme {
    let mut m = MultibandCompressor::new();
    m.set_settings(*settings);
    m.prepare(&ProcessSpec::new(FS, 1024, 2));
    let latency = m.latency_samples() as usize;
    let mut ch: Vec<Vec<f32>> = p.channels().to_vec();
    for c in &mut ch {
        c.resize(p.frames() + latency, 0.0);
    }
    let (l, r) = ch.split_at_mut(1);
    for (a, b) in l[0].chunks_mut(1024).zip(r[0].chunks_mut(1024)) {
        m.process(&mut [a, b]);
    }
    for c in &mut ch {
        c.drain(..latency);
    }
    Programme::new(ch, FS, None).unwrap()
}

fn low_crest(p: &Programme) -> f64 {
    let a = analyse(p);
    BandAnalysis::measure(p, &a.loudness, None).bands[0].piece_crest_db
}

/// The plan's multiband on `programme` toward `reference`: the low band's crest before and
/// after, the reference's, and the multiband moves.
fn matched(programme: &Programme, reference: &Programme) -> (f64, f64, f64, Vec<String>) {
    let plan = propose_with_reference(
        programme,
        &analyse(programme),
        TARGET,
        Some((&analyse(reference), MatchOptions::default())),
    );
    let moves: Vec<String> = plan
        .moves
        .iter()
        .filter(|m| m.stage == MoveStage::Multiband)
        .map(|m| format!("{} / {}", m.action, m.reason))
        .collect();
    let after = plan
        .chain
        .multiband
        .map_or(f64::NAN, |s| low_crest(&run(programme, &s)));
    (low_crest(programme), after, low_crest(reference), moves)
}

#[test]
fn a_flatter_kick_gets_its_attacks_emphasised_toward_the_reference() {
    // The reference: the same mix with the kick's attacks 8 dB up.
    let programme = kick_mix();
    let reference = shaped(&programme, 8.0);
    let (before, after, wanted, moves) = matched(&programme, &reference);
    eprintln!(
        "flatter: low band crest {before:.2} -> {after:.2} dB (reference {wanted:.2}); {moves:?}"
    );
    assert!(wanted - before > 2.0, "{before} vs {wanted}");
    assert!(
        (after - wanted).abs() <= 1.0,
        "{after} vs {wanted}: {moves:?}"
    );
    assert!(
        moves.iter().any(|m| m.starts_with("band 1")
            && m.contains("attacks emphasised")
            && m.contains("flatter")),
        "{moves:?}"
    );
}

#[test]
fn a_peakier_or_equal_kick_gets_no_transient_move() {
    let programme = kick_mix();
    for reference in [programme.clone(), shaped(&programme, -8.0)] {
        let (_, _, _, moves) = matched(&shaped(&programme, 8.0), &reference);
        let (_, _, _, same) = matched(&reference, &reference);
        assert!(
            moves
                .iter()
                .chain(&same)
                .all(|m| !m.contains("attacks emphasised")),
            "{moves:?} {same:?}"
        );
    }
}
