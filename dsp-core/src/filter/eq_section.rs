//! The `f32` runtime of the EQ shapes: each designed biquad run as a trapezoidal state-variable
//! filter (Zavalishin's TPT SVF), which stays accurate in `f32` at low frequencies and high rates.
//!
//! Why not a direct form in `f32`: at 20 Hz and 384 kHz the poles sit 1.6·10⁻⁴ from z = 1 and
//! `1 + a1 + a2 ≈ 10⁻⁷`, the size of one `f32` rounding step of `a1 ≈ −2`, so direct-form
//! coefficients lose the filter. Any stable biquad is the bilinear transform of some analogue
//! `N(s)/(s² + g·k·s + g²)` (`s = (1 − z⁻¹)/(1 + z⁻¹)`), and the SVF takes exactly `g`, `k` and the
//! output mix `y = m0·x + m1·bp + m2·lp` as coefficients: small numbers stay small numbers with full
//! relative precision, and the one coefficient near 1, `d = 1/(1 + g(g + k))`, only scales the
//! loop gain by `1 ± 6·10⁻⁸`. The conversion uses the DC and Nyquist sums of
//! [`crate::filter::eq_design::EqSection`], computed without cancellation.
//!
//! Cost: 5 multiplies and 6 adds for the loop, 3 multiplies and 2 adds for the mix, per section and
//! sample. An identity design (0 dB) has no section: the samples are not touched (bit exact).

use super::eq_design::{EqCoefficients, EqSection, MAX_EQ_SECTIONS};
use super::state_match::matched_states;

/// One section in state-variable form, `f32`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SvfCoefficients {
    /// Integrator gain `g` (`tan(πf/fs)` of the equivalent analogue poles).
    pub g: f32,
    /// `g + k`, with `k = 1/Q` the damping of the equivalent analogue poles.
    pub g_plus_k: f32,
    /// `1/(1 + g(g + k))`.
    pub d: f32,
    /// Mix of the input.
    pub m0: f32,
    /// Mix of the band-pass state output.
    pub m1: f32,
    /// Mix of the low-pass state output.
    pub m2: f32,
}

impl SvfCoefficients {
    /// The state-variable form of a designed section (the section must be stable).
    pub fn from_section(s: &EqSection) -> Self {
        let c = &s.biquad;
        let pn = s.den_nyquist;
        let g2 = s.den_dc / pn;
        let g = g2.sqrt();
        let gk = 2.0 * (1.0 - c.a2) / pn;
        let k = gk / g;
        let n2 = s.num_nyquist / pn;
        let n1 = 2.0 * (c.b0 - c.b2) / pn;
        let m1 = (n1 - n2 * gk) / g;
        let m2 = s.num_dc / s.den_dc - n2;
        Self {
            g: g as f32,
            g_plus_k: (g + k) as f32,
            d: (1.0 / (1.0 + g * (g + k))) as f32,
            m0: n2 as f32,
            m1: m1 as f32,
            m2: m2 as f32,
        }
    }
}

impl SvfCoefficients {
    /// The band pass `(s/Q)/(s² + s/Q + 1)` at `frequency_hz` (prewarped, so exactly 0 dB with
    /// zero phase there; kept below Nyquist) and `q`.
    pub fn band_pass(frequency_hz: f64, q: f64, sample_rate_hz: f64) -> Self {
        let w = (std::f64::consts::PI * frequency_hz / sample_rate_hz).min(1.55);
        let g = w.tan();
        let k = 1.0 / q;
        Self {
            g: g as f32,
            g_plus_k: (g + k) as f32,
            d: (1.0 / (1.0 + g * (g + k))) as f32,
            m0: 0.0,
            m1: k as f32,
            m2: 0.0,
        }
    }

    /// Squared magnitude at `freq_hz` for `sample_rate_hz`: the trapezoidal SVF is exactly its
    /// analogue `(m0·s² + (m0·k + m1)·s + m0 + m2)/(s² + k·s + 1)` at `s = j·tan(πf/fs)/g`.
    pub fn magnitude_sq(&self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        let g = f64::from(self.g);
        let k = f64::from(self.g_plus_k) - g;
        let (m0, m1, m2) = (f64::from(self.m0), f64::from(self.m1), f64::from(self.m2));
        let w = (std::f64::consts::PI * freq_hz / sample_rate_hz).tan() / g;
        let (nr, ni) = (m0 + m2 - m0 * w * w, (m0 * k + m1) * w);
        let (dr, di) = (1.0 - w * w, k * w);
        (nr * nr + ni * ni) / (dr * dr + di * di)
    }
}

/// State of one section: the two trapezoidal integrators.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SvfState {
    s1: f32,
    s2: f32,
}

impl SvfState {
    /// Processes one sample.
    #[inline(always)]
    pub fn tick(&mut self, c: &SvfCoefficients, x: f32) -> f32 {
        let hp = (x - c.g_plus_k * self.s1 - self.s2) * c.d;
        let v1 = c.g * hp;
        let bp = v1 + self.s1;
        self.s1 = bp + v1;
        let v2 = c.g * bp;
        let lp = v2 + self.s2;
        self.s2 = lp + v2;
        c.m0 * x + c.m1 * bp + c.m2 * lp
    }

    /// The two integrator values.
    pub fn integrators(&self) -> [f32; 2] {
        [self.s1, self.s2]
    }

    /// A state holding the integrator values `v`.
    pub fn from_integrators(v: [f32; 2]) -> Self {
        Self { s1: v[0], s2: v[1] }
    }

    /// Whether both integrators hold finite values.
    #[inline]
    pub fn is_finite(&self) -> bool {
        self.s1.is_finite() && self.s2.is_finite()
    }
}

/// One EQ band on one channel: the designed cascade run in `f32` (no allocation).
#[derive(Debug, Clone, Copy, Default)]
pub struct EqFilter {
    coefficients: [SvfCoefficients; MAX_EQ_SECTIONS],
    states: [SvfState; MAX_EQ_SECTIONS],
    len: usize,
}

impl EqFilter {
    /// A filter running `design` from silence.
    pub fn new(design: &EqCoefficients) -> Self {
        let mut f = Self::default();
        f.set_coefficients(design);
        f
    }

    /// Takes a new design, keeping the integrator states (for smoothed re-designs); sections
    /// that appear start from silence.
    pub fn set_coefficients(&mut self, design: &EqCoefficients) {
        let n = design.sections().len();
        for (i, s) in design.sections().iter().enumerate() {
            self.coefficients[i] = SvfCoefficients::from_section(s);
        }
        for st in &mut self.states[n.min(self.len)..n] {
            *st = SvfState::default();
        }
        self.len = n;
    }

    /// Takes a new design during a glide: when it has as many sections as the running one, the
    /// state becomes the one whose free response continues the running filter's
    /// ([`matched_states`]), so a re-design that factors the cascade differently (the designer's
    /// candidates can change between neighbouring settings) does not click; otherwise as
    /// [`set_coefficients`](Self::set_coefficients).
    pub fn retune(&mut self, design: &EqCoefficients) {
        let n = design.sections().len();
        if n == self.len && n > 0 {
            let mut new = [SvfCoefficients::default(); MAX_EQ_SECTIONS];
            for (c, s) in new.iter_mut().zip(design.sections()) {
                *c = SvfCoefficients::from_section(s);
            }
            let old = &self.coefficients[..n];
            if let Some(states) = matched_states(old, &self.states[..n], &new[..n]) {
                self.coefficients[..n].copy_from_slice(&new[..n]);
                self.states[..n].copy_from_slice(&states[..n]);
                return;
            }
        }
        self.set_coefficients(design);
    }

    /// Clears the state to silence.
    pub fn reset(&mut self) {
        self.states = [SvfState::default(); MAX_EQ_SECTIONS];
    }

    /// Filters one sample through every section.
    #[inline(always)]
    pub fn tick(&mut self, x: f32) -> f32 {
        let mut v = x;
        for (c, st) in self.coefficients[..self.len]
            .iter()
            .zip(self.states[..self.len].iter_mut())
        {
            v = st.tick(c, v);
        }
        v
    }

    /// Filters one sample of each channel of a stereo pair run by `left` and `right` (the same
    /// design), section by section side by side, so the two channels' chains overlap.
    #[inline(always)]
    pub fn tick_pair(left: &mut Self, right: &mut Self, x: f32, y: f32) -> (f32, f32) {
        let (mut a, mut b) = (x, y);
        let n = left.len.min(right.len);
        for k in 0..n {
            let c = &left.coefficients[k];
            a = left.states[k].tick(c, a);
            b = right.states[k].tick(c, b);
        }
        (a, b)
    }

    /// How many sections run.
    pub fn section_count(&self) -> usize {
        self.len
    }

    /// The running sections' coefficients and states (for a caller running them as vector lanes).
    pub(crate) fn parts_mut(&mut self) -> (&[SvfCoefficients], &mut [SvfState]) {
        (&self.coefficients[..self.len], &mut self.states[..self.len])
    }

    /// Clears the state when it holds NaN or ±∞ (after bad input).
    pub fn sanitize(&mut self) {
        if !self.states[..self.len].iter().all(SvfState::is_finite) {
            self.reset();
        }
    }

    /// Whether the design is the identity (no section).
    pub fn is_identity(&self) -> bool {
        self.len == 0
    }

    /// Filters `block` in place; a non-finite state (after NaN/Inf input) is cleared at the end of
    /// the block.
    pub fn process(&mut self, block: &mut [f32]) {
        for (c, st) in self.coefficients[..self.len]
            .iter()
            .zip(self.states[..self.len].iter_mut())
        {
            let mut s = *st;
            for x in block.iter_mut() {
                *x = s.tick(c, *x);
            }
            *st = if s.is_finite() {
                s
            } else {
                SvfState::default()
            };
        }
    }
}
