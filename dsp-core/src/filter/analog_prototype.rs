//! The analogue prototypes of the EQ shapes: the references every digital design is measured against.
//!
//! Each shape is a cascade of first- and second-order sections in the normalised Laplace variable
//! `s = jf/f0` (`f0` = `frequency_hz`). With `A = 10^(G/40)` (`G` = `gain_db`) and `Q` = `q`:
//!
//! | shape | `H(s)` |
//! |---|---|
//! | Bell | `(s² + s·A/Q + 1) / (s² + s/(A·Q) + 1)` (G at f0) |
//! | Low Shelf | `A·(s² + s·√A/Q + A) / (A·s² + s·√A/Q + 1)` (G at DC, G/2 at f0, 0 dB at ∞) |
//! | High Shelf | `A·(A·s² + s·√A/Q + 1) / (s² + s·√A/Q + A)` (0 dB at DC, G/2 at f0, G at ∞) |
//! | Tilt Shelf | `(A·s² + s·√A/Q + 1) / (s² + s·√A/Q + A)`: the high shelf divided by `A`, so −G/2 at DC, 0 dB at the pivot f0, +G/2 at ∞ (second order, Q-controlled like the shelves) |
//! | Notch | `(s² + 1) / (s² + s/Q + 1)` |
//! | Band Pass | `(s/Q) / (s² + s/Q + 1)` (0 dB at f0) |
//! | All Pass | `(s² − s/Q + 1) / (s² + s/Q + 1)` |
//! | High Cut | Butterworth lowpass of order n = slope/6: `1/(s + 1)` if n is odd, times `1/(s² + s/Q_k + 1)` |
//! | Low Cut | Butterworth highpass: `s/(s + 1)` if n is odd, times `s²/(s² + s/Q_k + 1)` |
//!
//! Butterworth section Qs: `Q_k = 1/(2 cos α_k)` with `α_k = (2k − 1)π/(2n)` (n even) or `kπ/n`
//! (n odd). **Cut resonance**: the last (highest-Q) section's Q is `Q_max·q/√½`, clamped to
//! `[MIN_Q, MAX_Q]`; so `q = √½` (the default) is an exact Butterworth filter and a 12 dB/oct cut
//! has exactly `Q = q`. A 6 dB/oct cut has no second-order section and ignores q.

use super::eq_shape::{EqShape, EqShapeSettings, BUTTERWORTH_Q, MAX_Q, MIN_Q};

/// Most sections of one prototype (a 96 dB/oct cut: eight second-order sections).
pub const MAX_ANALOG_SECTIONS: usize = 8;

/// One analogue section `H(s) = (n0 + n1·s + n2·s²) / (d0 + d1·s + d2·s²)` in normalised `s`
/// (first order when `n2 = d2 = 0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalogSection {
    /// Numerator coefficients of `s⁰, s¹, s²`.
    pub num: [f64; 3],
    /// Denominator coefficients of `s⁰, s¹, s²`.
    pub den: [f64; 3],
}

impl AnalogSection {
    /// The section that passes everything unchanged.
    pub const IDENTITY: Self = Self {
        num: [1.0, 0.0, 0.0],
        den: [1.0, 0.0, 0.0],
    };

    /// Squared magnitude at the normalised frequency `w = f/f0`.
    #[inline]
    pub fn magnitude_sq(&self, w: f64) -> f64 {
        let w2 = w * w;
        let nr = self.num[0] - self.num[2] * w2;
        let ni = self.num[1] * w;
        let dr = self.den[0] - self.den[2] * w2;
        let di = self.den[1] * w;
        (nr * nr + ni * ni) / (dr * dr + di * di)
    }

    /// Complex response at the normalised frequency `w = f/f0`, as (real, imaginary).
    pub fn response(&self, w: f64) -> (f64, f64) {
        let w2 = w * w;
        let (nr, ni) = (self.num[0] - self.num[2] * w2, self.num[1] * w);
        let (dr, di) = (self.den[0] - self.den[2] * w2, self.den[1] * w);
        let d2 = dr * dr + di * di;
        ((nr * dr + ni * di) / d2, (ni * dr - nr * di) / d2)
    }

    /// The reciprocal section `1/H(s)` (numerator and denominator swapped).
    pub fn inverted(&self) -> Self {
        Self {
            num: self.den,
            den: self.num,
        }
    }

    /// Whether this is a first-order section.
    pub fn is_first_order(&self) -> bool {
        self.num[2] == 0.0 && self.den[2] == 0.0
    }
}

/// The analogue reference of one band: a cascade of [`AnalogSection`]s at `frequency_hz`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalogPrototype {
    sections: [AnalogSection; MAX_ANALOG_SECTIONS],
    len: usize,
    frequency_hz: f64,
}

/// `A = 10^(G/40)`: the square root of the linear gain, the shelf and bell parameter.
#[inline]
pub fn shelf_a(gain_db: f64) -> f64 {
    10f64.powf(gain_db / 40.0)
}

/// Q of Butterworth section `k` (0-based, lowest Q first) of order `order`, and whether the
/// order has a first-order section.
pub fn butterworth_q(order: usize, k: usize) -> f64 {
    let n = order as f64;
    let alpha = if order.is_multiple_of(2) {
        (2.0 * k as f64 + 1.0) * std::f64::consts::PI / (2.0 * n)
    } else {
        (k as f64 + 1.0) * std::f64::consts::PI / n
    };
    1.0 / (2.0 * alpha.cos())
}

/// The Qs of the second-order sections of a cut of `order` with resonance `q` (the last, highest
/// Q, scaled by `q/√½` and clamped to `[MIN_Q, MAX_Q]`), written into `out`; returns how many.
pub fn cut_section_qs(order: usize, q: f64, out: &mut [f64; MAX_ANALOG_SECTIONS]) -> usize {
    let pairs = order / 2;
    for (k, slot) in out.iter_mut().enumerate().take(pairs) {
        *slot = butterworth_q(order, k);
    }
    if pairs > 0 {
        out[pairs - 1] = (out[pairs - 1] * q / BUTTERWORTH_Q).clamp(MIN_Q, MAX_Q);
    }
    pairs
}

impl AnalogPrototype {
    /// The prototype of `settings` (sanitised for `sample_rate_hz` first).
    pub fn new(settings: &EqShapeSettings, sample_rate_hz: f64) -> Self {
        let s = settings.sanitized(sample_rate_hz);
        let mut p = Self {
            sections: [AnalogSection::IDENTITY; MAX_ANALOG_SECTIONS],
            len: 0,
            frequency_hz: s.frequency_hz,
        };
        let (q, a) = (s.q, shelf_a(s.gain_db));
        let sa = a.sqrt();
        let sec = |num: [f64; 3], den: [f64; 3]| AnalogSection { num, den };
        match s.shape {
            EqShape::Bell => p.push(sec([1.0, a / q, 1.0], [1.0, 1.0 / (a * q), 1.0])),
            EqShape::LowShelf => p.push(sec([a * a, a * sa / q, a], [1.0, sa / q, a])),
            EqShape::HighShelf => p.push(sec([a, a * sa / q, a * a], [a, sa / q, 1.0])),
            EqShape::TiltShelf => p.push(sec([1.0, sa / q, a], [a, sa / q, 1.0])),
            EqShape::Notch => p.push(sec([1.0, 0.0, 1.0], [1.0, 1.0 / q, 1.0])),
            EqShape::BandPass => p.push(sec([0.0, 1.0 / q, 0.0], [1.0, 1.0 / q, 1.0])),
            EqShape::AllPass => p.push(sec([1.0, -1.0 / q, 1.0], [1.0, 1.0 / q, 1.0])),
            EqShape::LowCut | EqShape::HighCut => {
                let low_cut = s.shape == EqShape::LowCut;
                let order = s.slope.order();
                if order % 2 == 1 {
                    let num = if low_cut {
                        [0.0, 1.0, 0.0]
                    } else {
                        [1.0, 0.0, 0.0]
                    };
                    p.push(sec(num, [1.0, 1.0, 0.0]));
                }
                let mut qs = [0.0; MAX_ANALOG_SECTIONS];
                let pairs = cut_section_qs(order, q, &mut qs);
                for &qk in &qs[..pairs] {
                    let num = if low_cut {
                        [0.0, 0.0, 1.0]
                    } else {
                        [1.0, 0.0, 0.0]
                    };
                    p.push(sec(num, [1.0, 1.0 / qk, 1.0]));
                }
            }
        }
        p
    }

    fn push(&mut self, s: AnalogSection) {
        if self.len < MAX_ANALOG_SECTIONS {
            self.sections[self.len] = s;
            self.len += 1;
        }
    }

    /// The sections of the cascade.
    pub fn sections(&self) -> &[AnalogSection] {
        &self.sections[..self.len]
    }

    /// The (sanitised) centre, corner or pivot frequency, Hz.
    pub fn frequency_hz(&self) -> f64 {
        self.frequency_hz
    }

    /// Squared magnitude at `freq_hz`.
    pub fn magnitude_sq(&self, freq_hz: f64) -> f64 {
        let w = freq_hz / self.frequency_hz;
        self.sections().iter().map(|s| s.magnitude_sq(w)).product()
    }

    /// Magnitude at `freq_hz`, dB.
    pub fn magnitude_db(&self, freq_hz: f64) -> f64 {
        10.0 * self.magnitude_sq(freq_hz).log10()
    }
}
