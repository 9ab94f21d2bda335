//! Unit conversions, named `x_to_y`.

/// Offset of BS.1770 loudness: `L = -0.691 + 10 log10(sum G_i z_i)`.
pub const LOUDNESS_OFFSET_DB: f64 = -0.691;

/// Converts decibels to a linear amplitude gain.
#[inline]
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Converts a linear amplitude gain to decibels (`-inf` for zero).
#[inline]
pub fn gain_to_db(gain: f64) -> f64 {
    20.0 * gain.abs().log10()
}

/// Converts decibels to a linear amplitude gain in `f32`.
#[inline]
pub fn db_to_gain_f32(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Converts a linear amplitude gain to decibels in `f32` (`-inf` for zero).
#[inline]
pub fn gain_to_db_f32(gain: f32) -> f32 {
    20.0 * gain.abs().log10()
}

/// Converts a channel-weighted mean square (BS.1770 `sum G_i z_i`) to LUFS (`-inf` for zero).
#[inline]
pub fn power_to_lufs(power: f64) -> f64 {
    if power > 0.0 {
        LOUDNESS_OFFSET_DB + 10.0 * power.log10()
    } else {
        f64::NEG_INFINITY
    }
}

/// Converts LUFS back to a channel-weighted mean square (inverse of [`power_to_lufs`]).
#[inline]
pub fn lufs_to_power(lufs: f64) -> f64 {
    10f64.powf((lufs - LOUDNESS_OFFSET_DB) / 10.0)
}

/// Converts milliseconds to a (fractional) number of samples at `sample_rate_hz`.
#[inline]
pub fn ms_to_samples(ms: f64, sample_rate_hz: f64) -> f64 {
    ms * 0.001 * sample_rate_hz
}

/// Converts a number of samples at `sample_rate_hz` to milliseconds.
#[inline]
pub fn samples_to_ms(samples: f64, sample_rate_hz: f64) -> f64 {
    samples * 1000.0 / sample_rate_hz
}

/// Converts seconds to a whole number of samples at `sample_rate_hz`, rounded to nearest.
#[inline]
pub fn seconds_to_samples(seconds: f64, sample_rate_hz: f64) -> usize {
    (seconds * sample_rate_hz).round().max(0.0) as usize
}

/// Returns `x` if it is finite and `0.0` otherwise (NaN and ±Inf become silence).
#[inline]
pub fn sanitize_sample(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_gain_round_trip() {
        for db in [-120.0, -23.0, -6.0206, 0.0, 3.0, 24.0] {
            assert!((gain_to_db(db_to_gain(db)) - db).abs() < 1e-9);
        }
        assert!((db_to_gain(-6.020_599_913_279_624) - 0.5).abs() < 1e-12);
        assert_eq!(gain_to_db(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn lufs_round_trip_and_offset() {
        // A full-scale sine in one channel has mean square 0.5: -0.691 + 10 log10(0.5) = -3.701.
        assert!((power_to_lufs(0.5) - (-3.701_299_956_639_812)).abs() < 1e-9);
        assert!((lufs_to_power(power_to_lufs(0.123)) - 0.123).abs() < 1e-12);
        assert_eq!(power_to_lufs(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn time_conversions() {
        assert_eq!(ms_to_samples(10.0, 48_000.0), 480.0);
        assert_eq!(samples_to_ms(480.0, 48_000.0), 10.0);
        assert_eq!(seconds_to_samples(0.1, 44_100.0), 4410);
    }
}
