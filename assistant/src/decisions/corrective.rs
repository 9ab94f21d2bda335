//! Corrective Dynamic EQ moves, one band per problem found ([`crate::analysis::problems`]):
//!
//! - **Rumble** → a 24 dB/oct Low Cut at [`LOW_CUT_HZ`].
//! - **Each resonance** → a dynamic bell at its frequency, Q [`RESONANCE_Q`], cutting above
//!   the threshold at 3:1 by at most half its prominence (at most [`MAX_CUT_DB`]); the
//!   threshold is the band detector's 75th-percentile level on the active audio, so it only
//!   acts when the resonance rises.
//! - **Harshness / sibilance that come and go** → a dynamic bell at 3.2 kHz (Q 1) / 7 kHz
//!   (Q 1.4), 3:1 above a threshold halfway between the detector's median and 95th-percentile
//!   levels, by at most half that spread (at most [`MAX_CUT_DB`]); faster for sibilance.

use dsp_core::dynamics::BandChannel;
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqTrigger};
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};

use super::probe::{eq_levels, LevelPercentiles};
use super::{hz_text, round_to, Move, MoveStage};
use crate::analysis::ProgrammeAnalysis;
use crate::programme::Programme;

/// Low Cut frequency against rumble, Hz.
pub const LOW_CUT_HZ: f64 = 30.0;
/// Q of a resonance cut.
pub const RESONANCE_Q: f64 = 6.0;
/// Deepest corrective cut, dB.
pub const MAX_CUT_DB: f64 = 6.0;

/// A dynamic cut waiting for its threshold.
struct DynamicCut {
    band: EqBandSettings,
    /// (threshold, range) from the detector's levels.
    rule: fn(&LevelPercentiles, f64) -> (f64, f64),
    /// The measured figure the rule scales (prominence or burst spread, dB).
    figure_db: f64,
    action: String,
    reason: String,
}

/// A dynamic bell at `hz`, Q `q`, with the given times (threshold and range filled later).
fn dynamic_bell(hz: f64, q: f64, attack_ms: f32, release_ms: f32) -> EqBandSettings {
    EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::Bell,
            frequency_hz: hz,
            gain_db: 0.0,
            q,
            ..EqShapeSettings::default()
        },
        dynamics: EqDynamicsSettings {
            enabled: true,
            ratio: 3.0,
            attack_ms,
            release_ms,
            knee_db: 3.0,
            trigger: EqTrigger::Above,
            ..EqDynamicsSettings::default()
        },
        placement: BandChannel::Stereo,
        ..EqBandSettings::default()
    }
}

/// Adds the corrective moves to `moves`; the EQ settings, or None when nothing needs it.
pub fn moves(
    programme: &Programme,
    analysis: &ProgrammeAnalysis,
    moves: &mut Vec<Move>,
) -> Option<DynamicEqSettings> {
    let problems = &analysis.problems;
    let mut bands: Vec<EqBandSettings> = Vec::new();
    let mut texts: Vec<Move> = Vec::new();
    if let Some(rumble) = problems.rumble {
        bands.push(EqBandSettings {
            used: true,
            filter: EqShapeSettings {
                shape: EqShape::LowCut,
                frequency_hz: LOW_CUT_HZ,
                q: std::f64::consts::FRAC_1_SQRT_2,
                slope: CutSlope::Db24,
                ..EqShapeSettings::default()
            },
            ..EqBandSettings::default()
        });
        texts.push(Move {
            stage: MoveStage::Eq,
            action: format!("low cut at {}, 24 dB/oct", hz_text(LOW_CUT_HZ)),
            reason: format!(
                "below 30 Hz the loud sections carry {:.1} dB more power per octave than from 30 to 120 Hz (rumble)",
                rumble.above_bass_db
            ),
        });
    }
    let mut cuts: Vec<DynamicCut> = Vec::new();
    for r in &problems.resonances {
        cuts.push(DynamicCut {
            band: dynamic_bell(r.frequency_hz, RESONANCE_Q, 5.0, 100.0),
            rule: |p, prominence| (p.p75_db, (0.5 * prominence).min(MAX_CUT_DB)),
            figure_db: r.prominence_db,
            action: hz_text(r.frequency_hz),
            reason: format!(
                "on the loud sections it stands {:.1} dB above the spectrum around it (a resonance)",
                r.prominence_db
            ),
        });
    }
    let bursts = [
        (problems.harshness, 3_200.0, 1.0, 5.0, 120.0, "harshness"),
        (problems.sibilance, 7_000.0, 1.4, 1.0, 60.0, "sibilance"),
    ];
    for (found, hz, q, attack_ms, release_ms, name) in bursts {
        let Some(b) = found.filter(|b| b.found) else {
            continue;
        };
        let spread = b.p95_share_db - b.median_share_db;
        cuts.push(DynamicCut {
            band: dynamic_bell(hz, q, attack_ms, release_ms),
            rule: |p, spread| {
                let threshold = 0.5 * (p.p50_db + p.p95_db);
                (threshold, (0.5 * spread).min(MAX_CUT_DB))
            },
            figure_db: spread,
            action: hz_text(hz),
            reason: format!(
                "{:.0}–{:.0} kHz comes and goes: 5 % of the time it stands {:.1} dB further above the rest of the mix (above 300 Hz) than it typically does ({name})",
                b.low_hz / 1000.0,
                b.high_hz / 1000.0,
                spread
            ),
        });
    }
    let cut_bands: Vec<EqBandSettings> = cuts.iter().map(|c| c.band).collect();
    let levels = eq_levels(programme, &analysis.loudness, &cut_bands);
    for (cut, level) in cuts.into_iter().zip(levels) {
        let Some(level) = level else { continue };
        let (threshold, depth) = (cut.rule)(&level, cut.figure_db);
        let threshold = round_to(threshold, 0.5).clamp(-80.0, 0.0);
        let depth = round_to(depth, 0.5);
        if depth < 0.5 {
            continue;
        }
        let mut band = cut.band;
        band.dynamics.threshold_db = threshold as f32;
        band.dynamics.range_db = -depth as f32;
        bands.push(band);
        texts.push(Move {
            stage: MoveStage::Eq,
            action: format!(
                "cut {} by up to {depth:.1} dB when it rises above {threshold:.1} dB (3:1)",
                cut.action
            ),
            reason: cut.reason,
        });
    }
    if bands.is_empty() {
        return None;
    }
    let mut settings = DynamicEqSettings::default();
    for (slot, band) in settings.bands.iter_mut().zip(bands) {
        *slot = band;
    }
    moves.extend(texts);
    Some(settings)
}
