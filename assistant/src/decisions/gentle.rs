//! Gentle multiband control from each band's detector level statistics on the loud sections
//! (the multiband's default four bands): a band whose 100 ms detector level's 90th percentile is at least
//! [`SPREAD_DB`] above its 10th is compressed at [`RATIO`]:1 above its 75th-percentile level
//! (so it acts on the loudest quarter of the loud sections), knee 6 dB, range [`RANGE_DB`]; a band
//! that holds steady is left alone, and with no band to control the multiband is left out.

use dsp_core::dynamics::{BandDirection, MultibandSettings};

use super::probe::multiband_levels;
use super::{band_name, round_to, Move, MoveStage};
use crate::analysis::ProgrammeAnalysis;
use crate::programme::Programme;

/// Least spread from the 10th to the 90th percentile worth controlling, dB.
pub const SPREAD_DB: f64 = 6.0;
/// Ratio of the gentle control.
pub const RATIO: f32 = 1.5;
/// Most gain reduction of the gentle control, dB.
pub const RANGE_DB: f32 = 3.0;

/// Adds the multiband moves to `moves` for the bands of `settings` (the multiband's default
/// split) not in `taken` (bands another rule already set); the settings, or None when no band
/// needs control.
pub fn moves(
    programme: &Programme,
    analysis: &ProgrammeAnalysis,
    mut settings: MultibandSettings,
    taken: &[usize],
    moves: &mut Vec<Move>,
) -> Option<MultibandSettings> {
    let levels = multiband_levels(programme, &analysis.loudness, &settings);
    let edges = &analysis.bands.bands;
    let mut any = !taken.is_empty();
    for (k, level) in levels.iter().enumerate() {
        let Some(level) = level else { continue };
        if taken.contains(&k) {
            continue;
        }
        let spread = level.p90_db - level.p10_db;
        if spread < SPREAD_DB || !level.p75_db.is_finite() || level.p75_db < -100.0 {
            continue;
        }
        let threshold = round_to(level.p75_db, 0.5).clamp(-60.0, 0.0);
        let band = &mut settings.band[k];
        band.direction = BandDirection::CompressDown;
        band.ratio = RATIO;
        band.threshold_db = threshold as f32;
        band.knee_db = 6.0;
        band.range_db = RANGE_DB;
        band.attack_ms = if k == 0 { 30.0 } else { 15.0 };
        band.release_ms = if k == 0 { 200.0 } else { 150.0 };
        any = true;
        let name = band_name(k, edges, analysis.sample_rate_hz);
        moves.push(Move {
            stage: MoveStage::Multiband,
            action: format!(
                "{name}: {RATIO}:1 above {threshold:.1} dB, at most {RANGE_DB:.0} dB of reduction"
            ),
            reason: format!(
                "on the loud sections its detector level spreads {spread:.1} dB from the 10th to the 90th percentile; the threshold is its level on their loudest quarter"
            ),
        });
    }
    any.then_some(settings)
}
