//! The limiter's settings: the target's ceiling, and the style from the material — Transparent
//! when the lowest multiband band (below 120 Hz) holds at least [`BASS_HEAVY_SHARE`] of the
//! power (fast envelopes distort bass), else Punchy when the programme's PSR is at least
//! [`PUNCHY_PSR_DB`] (transients worth keeping), else Transparent.

use dsp_core::dynamics::{LimiterSettings, LimiterStyle};

use super::{AssistantTarget, Move, MoveStage};
use crate::analysis::ProgrammeAnalysis;

/// Share of the power in the lowest band from which a mix counts as bass-heavy.
pub const BASS_HEAVY_SHARE: f64 = 0.5;
/// PSR from which the transients are kept with the Punchy style, dB.
pub const PUNCHY_PSR_DB: f64 = 12.0;

/// The limiter settings for `target` (the drive is left to the loudness search).
pub fn settings(
    analysis: &ProgrammeAnalysis,
    target: AssistantTarget,
    moves: &mut Vec<Move>,
) -> LimiterSettings {
    let power = |b: &crate::analysis::band_stats::BandStats| 10f64.powf(b.level_median_db / 10.0);
    let bands = &analysis.bands.bands;
    let total: f64 = bands.iter().map(power).filter(|p| p.is_finite()).sum();
    let bass_share = bands
        .first()
        .map_or(0.0, |b| power(b) / total.max(f64::MIN_POSITIVE));
    let psr = analysis.loudness.psr_db;
    let (style, reason) = if bass_share >= BASS_HEAVY_SHARE {
        (
            LimiterStyle::Transparent,
            format!(
                "{:.0} % of the power is below 120 Hz: the transparent envelope keeps the bass clean",
                100.0 * bass_share
            ),
        )
    } else if psr >= PUNCHY_PSR_DB {
        (
            LimiterStyle::Punchy,
            format!("the peaks stand {psr:.1} dB above the loudest 3 s (PSR): keep their punch"),
        )
    } else {
        (
            LimiterStyle::Transparent,
            format!("PSR {psr:.1} dB: the mix is already dense, limit it transparently"),
        )
    };
    let settings = LimiterSettings {
        ceiling_dbtp: target.ceiling_dbtp as f32,
        style,
        ..LimiterSettings::default()
    };
    moves.push(Move {
        stage: MoveStage::Limiter,
        action: action(style, target),
        reason,
    });
    settings
}

/// The limiter move's wording for `style` aimed at `target` (versions of one master for
/// several targets share the style and differ only here).
pub fn action(style: LimiterStyle, target: AssistantTarget) -> String {
    format!(
        "{} style, ceiling {:.1} dBTP, drive found for {:.1} LUFS",
        style.name(),
        target.ceiling_dbtp,
        target.lufs
    )
}
