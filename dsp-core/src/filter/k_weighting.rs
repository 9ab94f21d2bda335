//! ITU-R BS.1770 K-weighting (high shelf + RLB high-pass), derived for any sample rate.

use super::biquad::{BiquadCoefficients, BiquadState};

/// Analogue-prototype parameters fitted to BS.1770's 48 kHz table (see `shared/spec/loudness.md` §1.2).
const SHELF_F0_HZ: f64 = 1_681.974_450_955_533;
const SHELF_GAIN_DB: f64 = 3.999_843_853_973_347;
const SHELF_Q: f64 = 0.707_175_236_955_419_6;
const SHELF_VB_EXPONENT: f64 = 0.499_666_774_154_541_6;
const HIGHPASS_F0_HZ: f64 = 38.135_470_876_024_44;
const HIGHPASS_Q: f64 = 0.500_327_037_323_877_3;

/// Designs the stage-1 high shelf ("pre-filter") for `sample_rate_hz`.
pub fn shelf_coefficients(sample_rate_hz: f64) -> BiquadCoefficients {
    let k = (std::f64::consts::PI * SHELF_F0_HZ / sample_rate_hz).tan();
    let vh = 10f64.powf(SHELF_GAIN_DB / 20.0);
    let vb = vh.powf(SHELF_VB_EXPONENT);
    let k2 = k * k;
    BiquadCoefficients::from_unnormalized(
        [
            vh + vb * k / SHELF_Q + k2,
            2.0 * (k2 - vh),
            vh - vb * k / SHELF_Q + k2,
        ],
        [
            1.0 + k / SHELF_Q + k2,
            2.0 * (k2 - 1.0),
            1.0 - k / SHELF_Q + k2,
        ],
    )
}

/// Designs the stage-2 RLB high-pass for `sample_rate_hz` (numerator `[1, -2, 1]` as in BS.1770).
pub fn highpass_coefficients(sample_rate_hz: f64) -> BiquadCoefficients {
    let k = (std::f64::consts::PI * HIGHPASS_F0_HZ / sample_rate_hz).tan();
    let k2 = k * k;
    let d = 1.0 + k / HIGHPASS_Q + k2;
    BiquadCoefficients {
        b0: 1.0,
        b1: -2.0,
        b2: 1.0,
        a1: 2.0 * (k2 - 1.0) / d,
        a2: (1.0 - k / HIGHPASS_Q + k2) / d,
    }
}

/// One channel of K-weighting: the two BS.1770 stages in cascade, run in `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KWeighting {
    shelf: BiquadCoefficients,
    highpass: BiquadCoefficients,
    shelf_state: BiquadState,
    highpass_state: BiquadState,
}

impl KWeighting {
    /// Designs the filter for `sample_rate_hz`, with silent state.
    pub fn new(sample_rate_hz: f64) -> Self {
        Self {
            shelf: shelf_coefficients(sample_rate_hz),
            highpass: highpass_coefficients(sample_rate_hz),
            shelf_state: BiquadState::default(),
            highpass_state: BiquadState::default(),
        }
    }

    /// Filters one block and adds the squares of the K-weighted output to `sum_of_squares`, in sample order.
    ///
    /// Adding in sample order onto a running sum keeps the result identical whatever the block partition.
    /// Non-finite input samples are treated as silence so one bad sample cannot poison the measurement.
    #[inline]
    pub fn accumulate_squares(&mut self, input: &[f32], sum_of_squares: &mut f64) {
        let (c1, c2) = (self.shelf, self.highpass);
        let (mut s1, mut s2) = (self.shelf_state, self.highpass_state);
        let mut sum = *sum_of_squares;
        for &x in input {
            let x = if x.is_finite() { x as f64 } else { 0.0 };
            let y = s2.tick(&c2, s1.tick(&c1, x));
            sum += y * y;
        }
        self.shelf_state = s1;
        self.highpass_state = s2;
        *sum_of_squares = sum;
    }

    /// [`accumulate_squares`](Self::accumulate_squares) for two channels at once: the two independent
    /// recursions interleave, which roughly halves the time of the serial filter chain; results are identical.
    #[inline]
    pub fn accumulate_squares_pair(
        pair: (&mut Self, &mut Self),
        inputs: (&[f32], &[f32]),
        sums: (&mut f64, &mut f64),
    ) {
        let (a, b) = pair;
        let (c1, c2) = (a.shelf, a.highpass);
        let (d1, d2) = (b.shelf, b.highpass);
        let (mut sa1, mut sa2, mut sb1, mut sb2) = (
            a.shelf_state,
            a.highpass_state,
            b.shelf_state,
            b.highpass_state,
        );
        let (mut sum_a, mut sum_b) = (*sums.0, *sums.1);
        for (&xa, &xb) in inputs.0.iter().zip(inputs.1) {
            let xa = if xa.is_finite() { xa as f64 } else { 0.0 };
            let xb = if xb.is_finite() { xb as f64 } else { 0.0 };
            let ya = sa2.tick(&c2, sa1.tick(&c1, xa));
            let yb = sb2.tick(&d2, sb1.tick(&d1, xb));
            sum_a += ya * ya;
            sum_b += yb * yb;
        }
        a.shelf_state = sa1;
        a.highpass_state = sa2;
        b.shelf_state = sb1;
        b.highpass_state = sb2;
        *sums.0 = sum_a;
        *sums.1 = sum_b;
    }

    /// Flushes a state that has decayed below 1e-30 to exact zero (no denormals in long silences).
    ///
    /// Call it at partition-independent points (the meter does it every sub-block) to keep results block-size invariant.
    pub fn flush_decayed_state(&mut self) {
        if self.shelf_state.magnitude() < 1e-30 && self.highpass_state.magnitude() < 1e-30 {
            self.reset();
        }
    }

    /// Clears the filter state.
    pub fn reset(&mut self) {
        self.shelf_state.reset();
        self.highpass_state.reset();
    }

    /// Magnitude response of the cascade at `freq_hz`, in dB.
    pub fn magnitude_db(&self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        self.shelf.magnitude_db(freq_hz, sample_rate_hz)
            + self.highpass.magnitude_db(freq_hz, sample_rate_hz)
    }

    /// The stage coefficients (shelf, high-pass).
    pub fn coefficients(&self) -> (BiquadCoefficients, BiquadCoefficients) {
        (self.shelf, self.highpass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_bs1770_48k_table() {
        let shelf = shelf_coefficients(48_000.0);
        let hp = highpass_coefficients(48_000.0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(shelf.b0, 1.535_124_859_586_97));
        assert!(close(shelf.b1, -2.691_696_189_406_38));
        assert!(close(shelf.b2, 1.198_392_810_852_85));
        assert!(close(shelf.a1, -1.690_659_293_182_41));
        assert!(close(shelf.a2, 0.732_480_774_215_85));
        assert!(close(hp.a1, -1.990_047_454_833_98));
        assert!(close(hp.a2, 0.990_072_250_366_21));
    }

    #[test]
    fn gain_at_997_hz_matches_the_spec() {
        for (fs, expected_db) in [(44_100.0, 0.6938), (48_000.0, 0.6910), (96_000.0, 0.6737)] {
            let k = KWeighting::new(fs);
            let g = k.magnitude_db(997.0, fs);
            assert!((g - expected_db).abs() < 5e-4, "{fs}: {g}");
        }
    }
}
