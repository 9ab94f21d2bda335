//! Second-order IIR sections: `Copy` coefficients designed in `f64`, transposed direct form II state.

use std::f64::consts::PI;

/// Normalised biquad coefficients (`a0 = 1`): `y = b0 x + b1 x[-1] + b2 x[-2] - a1 y[-1] - a2 y[-2]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BiquadCoefficients {
    /// Feed-forward coefficient of the current input.
    pub b0: f64,
    /// Feed-forward coefficient of the previous input.
    pub b1: f64,
    /// Feed-forward coefficient of the input two samples ago.
    pub b2: f64,
    /// Feedback coefficient of the previous output.
    pub a1: f64,
    /// Feedback coefficient of the output two samples ago.
    pub a2: f64,
}

impl BiquadCoefficients {
    /// The identity filter (output equals input).
    pub const IDENTITY: Self = Self {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    /// Builds coefficients from un-normalised `b` and `a` (dividing everything by `a0`).
    pub fn from_unnormalized(b: [f64; 3], a: [f64; 3]) -> Self {
        let inv_a0 = 1.0 / a[0];
        Self {
            b0: b[0] * inv_a0,
            b1: b[1] * inv_a0,
            b2: b[2] * inv_a0,
            a1: a[1] * inv_a0,
            a2: a[2] * inv_a0,
        }
    }

    /// Complex frequency response at `freq_hz` for `sample_rate_hz`, as (real, imaginary).
    pub fn response(&self, freq_hz: f64, sample_rate_hz: f64) -> (f64, f64) {
        let w = 2.0 * PI * freq_hz / sample_rate_hz;
        // z^-1 = e^{-jw}
        let (c1, s1) = (w.cos(), -w.sin());
        let (c2, s2) = ((2.0 * w).cos(), -(2.0 * w).sin());
        let num = (
            self.b0 + self.b1 * c1 + self.b2 * c2,
            self.b1 * s1 + self.b2 * s2,
        );
        let den = (
            1.0 + self.a1 * c1 + self.a2 * c2,
            self.a1 * s1 + self.a2 * s2,
        );
        let den_mag2 = den.0 * den.0 + den.1 * den.1;
        (
            (num.0 * den.0 + num.1 * den.1) / den_mag2,
            (num.1 * den.0 - num.0 * den.1) / den_mag2,
        )
    }

    /// Magnitude response at `freq_hz` in dB.
    pub fn magnitude_db(&self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        let (re, im) = self.response(freq_hz, sample_rate_hz);
        10.0 * (re * re + im * im).log10()
    }
}

/// Running state of one biquad in transposed direct form II, in `f64`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BiquadState {
    s1: f64,
    s2: f64,
}

impl BiquadState {
    /// Processes one sample.
    #[inline(always)]
    pub fn tick(&mut self, c: &BiquadCoefficients, x: f64) -> f64 {
        let y = c.b0 * x + self.s1;
        self.s1 = c.b1 * x - c.a1 * y + self.s2;
        self.s2 = c.b2 * x - c.a2 * y;
        y
    }

    /// Clears the state to silence.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Largest magnitude held in the state, used to flush a decayed state to exact zero.
    #[inline]
    pub fn magnitude(&self) -> f64 {
        self.s1.abs().max(self.s2.abs())
    }

    /// Replaces a non-finite state (after NaN/Inf input) with silence, so the filter recovers.
    #[inline]
    pub fn recover_if_non_finite(&mut self) {
        if !(self.s1.is_finite() && self.s2.is_finite()) {
            self.reset();
        }
    }
}
