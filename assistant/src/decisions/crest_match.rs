//! With a reference: transient shaping where a multiband band is flatter than the reference.
//! Punch is the band's typical crest factor, [`BandStats::piece_crest_db`](crate::analysis::band_stats::BandStats::piece_crest_db)
//! (the median over the loud sections' 1 s windows of each window's peak minus its RMS). A band
//! whose crest is at least [`CREST_MARGIN_DB`] under the reference's gets its attacks
//! emphasised by the band's transient shaper, aiming at the difference times the match amount
//! (at most [`MAX_CREST_MOVE_DB`]).
//!
//! The Transient starts at the wanted change and is then corrected from a measurement: the
//! programme runs through the multiband, each band's crest is read again and the Transient is
//! rescaled by how far the band moved against how far it should have, [`CORRECTIONS`] times.
//!
//! A band *peakier* than the reference is left to the level rule ([`super::gentle`]): on kick
//! material, fast compression (0.3 ms attack, 300 ms release) raised this crest instead of
//! lowering it (the tails come down more than the attacks), and softening the attacks barely
//! moves it, so neither is a dependable way toward a lower crest.

use dsp_core::dynamics::{MultibandCompressor, MultibandSettings};
use dsp_core::{ProcessSpec, Processor};

use super::{band_name, round_to, Move, MoveStage};
use crate::analysis::{BandAnalysis, LoudnessProfile, ProgrammeAnalysis};
use crate::programme::Programme;

/// A crest difference smaller than this is left alone, dB.
pub const CREST_MARGIN_DB: f64 = 1.5;
/// The largest crest increase asked for, dB.
pub const MAX_CREST_MOVE_DB: f64 = 6.0;
/// The most attack emphasis used, dB.
pub const MAX_TRANSIENT_DB: f64 = 9.0;
/// Measured corrections after the first guess.
pub const CORRECTIONS: usize = 3;

/// The bands (indices into `settings.band`, which keeps the multiband's default crossovers)
/// moved toward `reference`'s crest; their settings are written into `settings` and their moves
/// into `moves`. `programme` is what the multiband will hear (after the EQ) and `amount` the
/// match amount (0..1).
pub fn moves(
    programme: &Programme,
    analysis: &ProgrammeAnalysis,
    reference: &ProgrammeAnalysis,
    amount: f64,
    settings: &mut MultibandSettings,
    moves: &mut Vec<Move>,
) -> Vec<usize> {
    let profile = LoudnessProfile::measure(programme);
    let crossovers = Some(settings.crossover());
    let before = BandAnalysis::measure(programme, &profile, crossovers);
    // The reference was split by the multiband's default crossovers, as `settings` is.
    let reference_bands: Vec<f64> = reference
        .bands
        .bands
        .iter()
        .map(|b| b.piece_crest_db)
        .collect();
    // (band, wanted crest change, Transient dB)
    let mut plans: Vec<(usize, f64, f64)> = Vec::new();
    for (k, (ours, theirs)) in before.bands.iter().zip(&reference_bands).enumerate() {
        let difference = theirs - ours.piece_crest_db;
        if !difference.is_finite() || difference.abs() < CREST_MARGIN_DB {
            continue;
        }
        let wanted = (difference * amount).clamp(-MAX_CREST_MOVE_DB, MAX_CREST_MOVE_DB);
        if wanted < 0.5 {
            continue;
        }
        plans.push((k, wanted, wanted.min(MAX_TRANSIENT_DB)));
    }
    if plans.is_empty() {
        return Vec::new();
    }
    apply(settings, &plans);
    for _ in 0..CORRECTIONS {
        let after = measure_after(programme, &profile, settings);
        for (k, wanted, plan) in &mut plans {
            let moved = after[*k] - before.bands[*k].piece_crest_db;
            *plan = if moved > 0.1 {
                (*plan * *wanted / moved).clamp(0.0, MAX_TRANSIENT_DB)
            } else {
                (2.0 * *plan).min(MAX_TRANSIENT_DB)
            };
        }
        apply(settings, &plans);
    }
    let after = measure_after(programme, &profile, settings);
    let mut done = Vec::new();
    for (k, _, _) in &plans {
        let band = &settings.band[*k];
        let name = band_name(*k, &before.bands, analysis.sample_rate_hz);
        let (ours, theirs) = (before.bands[*k].piece_crest_db, reference_bands[*k]);
        let action = format!(
            "{name}: attacks emphasised by {:.1} dB (transient shaper)",
            band.transient_db
        );
        let reason = format!(
            "it is flatter than the reference: its typical crest on the loud sections is {ours:.1} dB against the reference's {theirs:.1} dB; with the emphasis it is {:.1} dB",
            after[*k]
        );
        moves.push(Move {
            stage: MoveStage::Multiband,
            action,
            reason,
        });
        done.push(*k);
    }
    done
}

/// Writes each band's plan into `settings`, values rounded to tidy steps.
fn apply(settings: &mut MultibandSettings, plans: &[(usize, f64, f64)]) {
    for &(k, _, transient_db) in plans {
        settings.band[k].transient_db = round_to(transient_db, 0.1) as f32;
    }
}

/// Each band's typical crest after `programme` runs through the multiband `settings`.
fn measure_after(
    programme: &Programme,
    profile: &LoudnessProfile,
    settings: &MultibandSettings,
) -> Vec<f64> {
    let fs = programme.sample_rate_hz();
    let block = 4096;
    let mut multiband = MultibandCompressor::new();
    multiband.set_settings(*settings);
    multiband.prepare(&ProcessSpec::new(fs, block, 2));
    let latency = multiband.latency_samples() as usize;
    let frames = programme.frames();
    let mut audio: Vec<Vec<f32>> = match programme.channels() {
        [l, r, ..] => vec![l.clone(), r.clone()],
        [only] => vec![only.clone(), only.clone()],
        [] => return Vec::new(),
    };
    for c in &mut audio {
        c.resize(frames + latency, 0.0);
    }
    let mut start = 0;
    while start < frames + latency {
        let end = (start + block).min(frames + latency);
        let (l, r) = audio.split_at_mut(1);
        multiband.process(&mut [&mut l[0][start..end], &mut r[0][start..end]]);
        start = end;
    }
    for c in &mut audio {
        c.drain(..latency);
    }
    let Ok(processed) = Programme::new(audio, fs, None) else {
        return Vec::new();
    };
    // The loud sections are those of the input, so the same pieces are compared.
    BandAnalysis::measure(&processed, profile, Some(settings.crossover()))
        .bands
        .iter()
        .map(|b| b.piece_crest_db)
        .collect()
}
