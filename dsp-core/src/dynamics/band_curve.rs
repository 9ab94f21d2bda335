//! Static curves of a band's gain computer, for all four [`BandDirection`]s; the editor draws the
//! transfer curve from [`static_gain_db`], and [`BandDynamics`](super::BandDynamics) runs the same
//! rule per sample ([`CurveShape`] is its precomputed form).
//!
//! The rule, for detector level `L`, threshold `T`, ratio `r`, knee width `K` and range `R` (dB):
//!
//! - `x = L − T` for CompressDown and ExpandUp (they act above the threshold), `x = T − L` for
//!   CompressUp and ExpandDown (they act below it): how far the level is on the active side.
//! - Slope factor `s = 1 − 1/r` for compressors and `s = r − 1` for expanders; `r ≥`
//!   [`RATIO_INFINITE`] means ∞: `s = 1` for compressors (∞:1, the output stays at the
//!   threshold) and `s =` [`EXPANDER_INFINITE_SLOPE`] for expanders (clamped by the range: a gate).
//!   Ratios below 1 count as 1.
//! - Magnitude `m = s·x` for `x ≥ K/2`; `m = s·(x + K/2)² / (2K)` for `|x| < K/2` (a quadratic
//!   soft knee of width `K` centred on the threshold, continuous in value and slope); `0` below.
//!   Then `m = min(m, R)`.
//! - Sign: CompressDown and ExpandDown lower the gain (`−m`); CompressUp and ExpandUp raise it (`+m`).
//!
//! Ratio 1 gives exactly 0 dB everywhere. A compressor's output level moves by `1/r` dB per dB of
//! input on its active side; an expander's by `r` dB per dB.

use super::band_settings::{BandDirection, BandSettings, RATIO_INFINITE};

/// Slope factor standing for an infinite expansion ratio (a gate once the range clamps it).
pub const EXPANDER_INFINITE_SLOPE: f32 = 1000.0;

/// Whether `direction` acts below the threshold (CompressUp, ExpandDown).
fn acts_below(direction: BandDirection) -> bool {
    matches!(
        direction,
        BandDirection::CompressUp | BandDirection::ExpandDown
    )
}

/// Whether `direction` raises the gain (CompressUp, ExpandUp).
fn raises(direction: BandDirection) -> bool {
    matches!(
        direction,
        BandDirection::CompressUp | BandDirection::ExpandUp
    )
}

/// Slope factor `s` of `direction` at `ratio` (see the module docs).
pub fn slope_factor(direction: BandDirection, ratio: f32) -> f32 {
    let r = if ratio.is_nan() { 1.0 } else { ratio.max(1.0) };
    match direction {
        BandDirection::CompressDown | BandDirection::CompressUp => {
            if r >= RATIO_INFINITE {
                1.0
            } else {
                1.0 - 1.0 / r
            }
        }
        BandDirection::ExpandDown | BandDirection::ExpandUp => {
            if r >= RATIO_INFINITE {
                EXPANDER_INFINITE_SLOPE
            } else {
                r - 1.0
            }
        }
    }
}

/// The curve in the form evaluated per sample: `gain = sign · min(s · knee(side · (L − T)), R)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveShape {
    /// +1 when the direction acts above the threshold, −1 below.
    pub side: f32,
    /// +1 when the direction raises the gain, −1 when it lowers it.
    pub sign: f32,
}

impl CurveShape {
    /// The shape of `direction`.
    pub fn of(direction: BandDirection) -> Self {
        Self {
            side: if acts_below(direction) { -1.0 } else { 1.0 },
            sign: if raises(direction) { 1.0 } else { -1.0 },
        }
    }

    /// Gain change in dB for `level_db` with slope factor `slope`, threshold, knee and range (dB).
    /// Branch-free, so loops over it vectorise.
    #[inline(always)]
    pub fn gain_db(
        self,
        level_db: f32,
        threshold_db: f32,
        slope: f32,
        knee_db: f32,
        range_db: f32,
    ) -> f32 {
        let x = self.side * (level_db - threshold_db);
        let half_knee = 0.5 * knee_db;
        let linear = slope * x;
        let k = x + half_knee;
        // knee_db ≥ 0; the max keeps 0/0 out when it is 0 (that branch is then never taken).
        let knee = slope * k * k / (2.0 * knee_db).max(1e-12);
        let m = if x >= half_knee {
            linear
        } else if k > 0.0 {
            knee
        } else {
            0.0
        };
        let m = if m < range_db { m } else { range_db };
        self.sign * m
    }
}

/// Gain change in dB (before makeup) of `direction` at `level_db`, with the module's rule.
pub fn directional_gain_db(
    direction: BandDirection,
    level_db: f32,
    threshold_db: f32,
    ratio: f32,
    knee_db: f32,
    range_db: f32,
) -> f32 {
    CurveShape::of(direction).gain_db(
        level_db,
        threshold_db,
        slope_factor(direction, ratio),
        knee_db.max(0.0),
        range_db.max(0.0),
    )
}

/// Gain change in dB (before makeup) of `band` at detector level `level_db`: the transfer curve
/// the editor draws and the dynamics apply.
pub fn static_gain_db(band: &BandSettings, level_db: f32) -> f32 {
    directional_gain_db(
        band.direction,
        level_db,
        band.threshold_db,
        band.ratio,
        band.knee_db,
        band.range_db,
    )
}

/// Level above the threshold at which [`auto_makeup_db`] measures the curve, dB.
pub const AUTO_MAKEUP_PROBE_DB: f32 = 10.0;

/// Suggested makeup for `band`: for CompressDown, half the gain reduction at `T + 10 dB`
/// (a level a compressed band typically sits at, halved so loud passages are not pushed up
/// beyond where they started); 0 for the other directions, which leave loud material at or
/// above its level already.
pub fn auto_makeup_db(band: &BandSettings) -> f32 {
    match band.direction {
        BandDirection::CompressDown => {
            -0.5 * static_gain_db(band, band.threshold_db + AUTO_MAKEUP_PROBE_DB)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::gain_computer::compressor_gain_db;
    use super::*;

    #[test]
    fn compress_down_matches_the_shared_compressor_curve() {
        for ratio in [1.0f32, 1.5, 2.0, 4.0, 20.0] {
            for knee in [0.0f32, 3.0, 12.0] {
                for i in -60..=10 {
                    let l = i as f32;
                    let a = directional_gain_db(
                        BandDirection::CompressDown,
                        l,
                        -20.0,
                        ratio,
                        knee,
                        100.0,
                    );
                    let b = compressor_gain_db(l, -20.0, ratio, knee);
                    assert!(
                        (a - b).abs() < 1e-4,
                        "ratio {ratio} knee {knee} at {l}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn directions_mirror_each_other() {
        let g = |d, l| directional_gain_db(d, l, -30.0, 3.0, 0.0, 60.0);
        let close = |a: f32, b: f32| assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        close(g(BandDirection::CompressDown, -20.0), -10.0 * (2.0 / 3.0));
        close(g(BandDirection::CompressUp, -40.0), 10.0 * (2.0 / 3.0));
        close(g(BandDirection::ExpandDown, -40.0), -20.0);
        close(g(BandDirection::ExpandUp, -20.0), 20.0);
        for d in BandDirection::ALL {
            assert_eq!(
                directional_gain_db(d, -35.0, -30.0, 1.0, 6.0, 60.0).abs(),
                0.0
            );
        }
        // ∞ expansion is a gate bounded by the range.
        assert_eq!(
            directional_gain_db(BandDirection::ExpandDown, -31.0, -30.0, 100.0, 0.0, 40.0),
            -40.0
        );
    }

    #[test]
    fn auto_makeup_rule() {
        let band = BandSettings {
            ratio: 4.0,
            knee_db: 0.0,
            ..BandSettings::default()
        };
        assert!((auto_makeup_db(&band) - 3.75).abs() < 1e-6);
        let up = BandSettings {
            direction: BandDirection::CompressUp,
            ..band
        };
        assert_eq!(auto_makeup_db(&up), 0.0);
    }
}
