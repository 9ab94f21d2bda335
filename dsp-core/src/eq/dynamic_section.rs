//! The variable-gain section of a dynamic band: a state-variable bell, shelf or tilt whose gain
//! moves per sample with the band's dynamics, on top of the band's static (matched) design.
//!
//! It is the trapezoidal SVF of [`crate::filter::eq_section`] with the analogue prototype of
//! [`crate::filter::analog_prototype`] written in its output mix, `y = m0·x + m1·bp + m2·lp` over
//! `s² + k·s + 1` in the prewarped variable (`g = tan(π·f0/fs)`, `k = 1/Q`), with `A² = gain`:
//!
//! | shape | poles | `m0` | `m1` | `m2` |
//! |---|---|---|---|---|
//! | Bell | `g`, `k/A` | 1 | `(k/A)(A² − 1)` | 0 |
//! | Low Shelf | `g/√A`, `k` | 1 | `k(A − 1)` | `A² − 1` |
//! | High Shelf | `g·√A`, `k` | `A²` | `k·A(1 − A)` | `1 − A²` |
//! | Tilt Shelf | `g·√A`, `k` | `A` | `k(1 − A)` | `1/A − A` |
//!
//! The gain at f0 (bell) and at DC/Nyquist (shelves) is exact; away from them the bilinear
//! warping narrows the curve toward Nyquist (tests/dynamic_eq.rs measures it). A gain of exactly
//! 1 is the identity: [`DynamicSection::tick`] then returns its input bit for bit.

use crate::filter::eq_section::{SvfCoefficients, SvfState};
use crate::filter::eq_shape::EqShape;

/// The shapes whose gain the dynamics can move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicShape {
    /// Peaking filter.
    Bell,
    /// Gain below f0.
    LowShelf,
    /// Gain above f0.
    HighShelf,
    /// Tilt around f0.
    TiltShelf,
}

impl DynamicShape {
    /// The dynamic form of `shape` (None for cuts, notch, band pass and all pass: their gain is fixed).
    pub fn of(shape: EqShape) -> Option<Self> {
        match shape {
            EqShape::Bell => Some(Self::Bell),
            EqShape::LowShelf => Some(Self::LowShelf),
            EqShape::HighShelf => Some(Self::HighShelf),
            EqShape::TiltShelf => Some(Self::TiltShelf),
            _ => None,
        }
    }
}

/// The tuning of a dynamic section (its frequency and Q); the gain comes per sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DynamicSection {
    shape: DynamicShape,
    /// `tan(π·f0/fs)`.
    g: f32,
    /// `1/Q`.
    k: f32,
}

impl DynamicSection {
    /// A section of `shape` at `frequency_hz` (below Nyquist) and `q` for `sample_rate_hz`.
    pub fn new(shape: DynamicShape, frequency_hz: f64, q: f64, sample_rate_hz: f64) -> Self {
        let w = (std::f64::consts::PI * frequency_hz / sample_rate_hz).min(1.55);
        Self {
            shape,
            g: w.tan() as f32,
            k: (1.0 / q) as f32,
        }
    }

    /// Its shape, `g = tan(π·f0/fs)` and `k = 1/Q` (for a caller computing the coefficients as
    /// vector lanes with the same arithmetic as [`coefficients`](Self::coefficients)).
    pub(crate) fn parts(&self) -> (DynamicShape, f32, f32) {
        (self.shape, self.g, self.k)
    }

    /// The coefficients at linear gain `gain` (`A²`; > 0).
    #[inline(always)]
    pub fn coefficients(&self, gain: f32) -> SvfCoefficients {
        let a = gain.sqrt();
        let (g, k, m0, m1, m2) = match self.shape {
            DynamicShape::Bell => {
                let ka = self.k / a;
                (self.g, ka, 1.0, ka * (gain - 1.0), 0.0)
            }
            DynamicShape::LowShelf => {
                let g = self.g / a.sqrt();
                (g, self.k, 1.0, self.k * (a - 1.0), gain - 1.0)
            }
            DynamicShape::HighShelf => {
                let g = self.g * a.sqrt();
                (g, self.k, gain, self.k * a * (1.0 - a), 1.0 - gain)
            }
            DynamicShape::TiltShelf => {
                let g = self.g * a.sqrt();
                (g, self.k, a, self.k * (1.0 - a), 1.0 / a - a)
            }
        };
        SvfCoefficients {
            g,
            g_plus_k: g + k,
            d: 1.0 / (1.0 + g * (g + k)),
            m0,
            m1,
            m2,
        }
    }
}

/// The two integrators of one channel's dynamic section.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DynamicSectionState {
    svf: SvfState,
}

impl DynamicSectionState {
    /// Filters one sample at linear gain `gain`; the state always advances, and a gain of exactly 1
    /// returns `x` unchanged.
    #[inline(always)]
    pub fn tick(&mut self, section: &DynamicSection, gain: f32, x: f32) -> f32 {
        self.tick_with(&section.coefficients(gain), gain, x)
    }

    /// [`tick`](Self::tick) with the coefficients of `gain` already computed (shared by channels).
    #[inline(always)]
    pub fn tick_with(&mut self, c: &SvfCoefficients, gain: f32, x: f32) -> f32 {
        let y = self.svf.tick(c, x);
        if gain == 1.0 {
            x
        } else {
            y
        }
    }

    /// The section's integrators (for a caller running it as a vector lane).
    pub(crate) fn svf_mut(&mut self) -> &mut SvfState {
        &mut self.svf
    }

    /// Clears the integrators when they hold NaN or ±∞ (after bad input).
    #[inline]
    pub fn sanitize(&mut self) {
        if !self.svf.is_finite() {
            *self = Self::default();
        }
    }
}
