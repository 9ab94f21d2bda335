//! Static gain curves: the limiter's ceiling rule and a soft-knee compressor curve, shared by every
//! dynamics processor and by editors that draw the curve.

use super::band_curve::CurveShape;
use super::band_settings::BandDirection;

/// Linear gain that brings a (true) peak of `peak_gain` down to `ceiling_gain`; 1 when already below.
#[inline]
pub fn limit_gain(peak_gain: f32, ceiling_gain: f32) -> f32 {
    if peak_gain > ceiling_gain {
        ceiling_gain / peak_gain
    } else {
        1.0
    }
}

/// Downward compressor curve: gain change in dB (≤ 0) for a detector level in dB, with a quadratic
/// soft knee; the CompressDown case of [`band_curve`](super::band_curve) without range or ∞ ratio.
pub fn compressor_gain_db(level_db: f32, threshold_db: f32, ratio: f32, knee_db: f32) -> f32 {
    let slope = 1.0 - 1.0 / ratio.max(1.0);
    CurveShape::of(BandDirection::CompressDown).gain_db(
        level_db,
        threshold_db,
        slope,
        knee_db.max(0.0),
        f32::INFINITY,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_gain_brings_the_peak_to_the_ceiling() {
        assert_eq!(limit_gain(0.5, 0.8), 1.0);
        assert!((limit_gain(2.0, 0.5) * 2.0 - 0.5).abs() < 1e-7);
    }

    #[test]
    fn compressor_curve_hard_and_soft_knee() {
        // 4:1 above −20 dB: 12 dB over becomes 3 dB over, a 9 dB reduction.
        assert!((compressor_gain_db(-8.0, -20.0, 4.0, 0.0) + 9.0).abs() < 1e-5);
        assert_eq!(compressor_gain_db(-30.0, -20.0, 4.0, 0.0), 0.0);
        // Soft knee: continuous at both knee edges and a quarter of the slope at the threshold.
        let k = 6.0;
        assert!(compressor_gain_db(-23.0, -20.0, 4.0, k).abs() < 1e-6);
        assert!(
            (compressor_gain_db(-17.0, -20.0, 4.0, k) - compressor_gain_db(-17.0, -20.0, 4.0, 0.0))
                .abs()
                < 1e-5
        );
        assert!(
            (compressor_gain_db(-20.0, -20.0, 4.0, k) - (-0.75 * 3.0 * 3.0 / 12.0)).abs() < 1e-5
        );
    }
}
