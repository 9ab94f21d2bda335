//! Linkwitz-Riley crossover sections for the band splitter ([`crate::filter::crossover`]).
//!
//! An LR crossover of order 2n is a Butterworth filter of order n applied twice: LR4 (24 dB/oct)
//! squares a 2nd-order Butterworth, LR8 (48 dB/oct) a 4th-order one (two biquads). With the
//! Butterworth denominator `B(s)` and n even, `LP + HP = B(−s)/B(s)`: the all-pass whose poles
//! are the Butterworth poles. So the highpass is computed as `HP = AP − LP`, and the all-pass shares
//! its recursion with the first lowpass section (same input, same denominator).
//!
//! Design: bilinear transform with prewarping at the crossover, in `f64`. The bilinear map keeps
//! the identity `LP + HP = AP` exactly, and the digital magnitudes are the analog ones at the warped
//! frequency `r = tan(πf/fs)/tan(πfc/fs)`: for LR of order p (4 or 8), `|LP| = 1/(1 + r^p)` and
//! `|HP| = r^p/(1 + r^p)` ([`lr_magnitudes`]).
//!
//! Runtime: each section is a direct-form-II recursion `w = g·x − a1·w1 − a2·w2` in `f64` on four
//! lanes ([`F4`]: two nodes of a tree level × one channel pair), followed by the FIR `(1 + z⁻¹)²` (lowpass) or
//! `(a2 + a1 z⁻¹ + z⁻²)/g` (all-pass). Feeding `g·x` keeps every state at signal level, so one
//! threshold can flush decayed states to exact zero.

use std::f64::consts::PI;
use std::ops::{Div, Mul, Sub};

use super::crossover_settings::CrossoverSlope;
pub use super::lanes::{LaneOps, Lanes, Plain, F4, F8};

/// Most Butterworth biquads per LR half (2 for LR8).
pub const MAX_SECTIONS: usize = 2;
// `LrState::map` and `LrCoefs::map` are written out for two sections.
const _: () = assert!(MAX_SECTIONS == 2);

/// A complex number (frequency responses).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Complex {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

impl Complex {
    /// `re + j·im`.
    pub const fn new(re: f64, im: f64) -> Self {
        Self { re, im }
    }
    /// Squared magnitude.
    pub fn norm_sqr(self) -> f64 {
        self.re * self.re + self.im * self.im
    }
}

impl Mul for Complex {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Self::new(
            self.re * o.re - self.im * o.im,
            self.re * o.im + self.im * o.re,
        )
    }
}

impl Div for Complex {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        let d = o.re * o.re + o.im * o.im;
        Self::new(
            (self.re * o.re + self.im * o.im) / d,
            (self.im * o.re - self.re * o.im) / d,
        )
    }
}

impl Sub for Complex {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self::new(self.re - o.re, self.im - o.im)
    }
}

/// One Butterworth biquad of a crossover: denominator `1 + a1 z⁻¹ + a2 z⁻²` and lowpass gain `g`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SectionDesign {
    /// Denominator coefficient of `z⁻¹`.
    pub a1: f64,
    /// Denominator coefficient of `z⁻²`.
    pub a2: f64,
    /// Lowpass numerator gain (`g (1 + z⁻¹)²`).
    pub gain: f64,
}

/// The Butterworth sections of one LR crossover at one frequency and rate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LrDesign {
    /// Sections (the first `count` are used).
    pub sections: [SectionDesign; MAX_SECTIONS],
    /// 1 for LR4, 2 for LR8.
    pub count: usize,
}

/// Damping `ζ` (`s² + 2ζs + 1`) of the Butterworth sections of each slope.
fn dampings(slope: CrossoverSlope) -> &'static [f64] {
    match slope {
        // 2nd order: Q = 1/√2.
        CrossoverSlope::Db24 => &[std::f64::consts::FRAC_1_SQRT_2],
        // 4th order: cos(π/8), cos(3π/8).
        CrossoverSlope::Db48 => &[0.923_879_532_511_286_7, 0.382_683_432_365_089_8],
    }
}

/// Sections per LR half for a slope.
pub fn section_count(slope: CrossoverSlope) -> usize {
    dampings(slope).len()
}

impl LrDesign {
    /// Designs the crossover at `crossover_hz` (bilinear, prewarped at the crossover).
    pub fn new(crossover_hz: f64, sample_rate_hz: f64, slope: CrossoverSlope) -> Self {
        let k = (PI * crossover_hz / sample_rate_hz).tan();
        let k2 = k * k;
        let mut sections = [SectionDesign::default(); MAX_SECTIONS];
        let d = dampings(slope);
        for (s, &zeta) in sections.iter_mut().zip(d) {
            let a0 = 1.0 + 2.0 * zeta * k + k2;
            *s = SectionDesign {
                a1: 2.0 * (k2 - 1.0) / a0,
                a2: (1.0 - 2.0 * zeta * k + k2) / a0,
                gain: k2 / a0,
            };
        }
        Self {
            sections,
            count: d.len(),
        }
    }

    /// Complex responses (lowpass, all-pass) at `freq_hz`; the highpass is their difference.
    pub fn responses(&self, freq_hz: f64, sample_rate_hz: f64) -> (Complex, Complex) {
        let w = 2.0 * PI * freq_hz / sample_rate_hz;
        let z1 = Complex::new(w.cos(), -w.sin());
        let z2 = Complex::new((2.0 * w).cos(), -(2.0 * w).sin());
        let mut lp = Complex::new(1.0, 0.0);
        let mut ap = Complex::new(1.0, 0.0);
        for s in &self.sections[..self.count] {
            let den = Complex::new(
                1.0 + s.a1 * z1.re + s.a2 * z2.re,
                s.a1 * z1.im + s.a2 * z2.im,
            );
            let lp_num = Complex::new(
                s.gain * (1.0 + 2.0 * z1.re + z2.re),
                s.gain * (2.0 * z1.im + z2.im),
            );
            let ap_num = Complex::new(s.a2 + s.a1 * z1.re + z2.re, s.a1 * z1.im + z2.im);
            let l = lp_num.div(den);
            lp = lp.mul(l).mul(l);
            ap = ap.mul(ap_num.div(den));
        }
        (lp, ap)
    }
}

/// Analytic magnitudes (lowpass, highpass) of the digital LR crossover: `1/(1 + r^p)` and
/// `r^p/(1 + r^p)` with `r = tan(πf/fs)/tan(πfc/fs)` and `p` = 4 (24 dB/oct) or 8 (48 dB/oct).
pub fn lr_magnitudes(
    freq_hz: f64,
    crossover_hz: f64,
    sample_rate_hz: f64,
    slope: CrossoverSlope,
) -> (f64, f64) {
    let r = (PI * freq_hz / sample_rate_hz).tan() / (PI * crossover_hz / sample_rate_hz).tan();
    let rp = r.powi(2 * section_count(slope) as i32 * 2);
    (1.0 / (1.0 + rp), rp / (1.0 + rp))
}

/// Runtime coefficients of one section for two nodes (lanes 0-1 and 2-3; with [`F8`], four).
#[derive(Debug, Clone, Copy, Default)]
pub struct SectionCoefs<V = F4> {
    a1: V,
    a2: V,
    gain: V,
    /// `a2/g`, `a1/g`, `1/g`: the all-pass numerator on the gain-scaled recursion.
    ap_b0: V,
    ap_b1: V,
    ap_b2: V,
}

/// Runtime coefficients of two crossovers (lanes 0-1 and 2-3) of the same slope; with [`F8`], of
/// two such packs ([`LrCoefs::join`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct LrCoefs<V = F4> {
    sections: [SectionCoefs<V>; MAX_SECTIONS],
}

impl<V: Copy> LrCoefs<V> {
    /// The coefficients with every lane vector converted by `f` (to a build's vector type).
    #[inline(always)]
    pub fn map<U>(&self, f: impl Fn(V) -> U) -> LrCoefs<U> {
        let s = |k: usize| {
            let s = &self.sections[k];
            SectionCoefs {
                a1: f(s.a1),
                a2: f(s.a2),
                gain: f(s.gain),
                ap_b0: f(s.ap_b0),
                ap_b1: f(s.ap_b1),
                ap_b2: f(s.ap_b2),
            }
        };
        // Written out (array `map` is not always inlined).
        LrCoefs {
            sections: [s(0), s(1)],
        }
    }
}

impl LrCoefs<F8> {
    /// `a` in lanes 0-3 and `b` in lanes 4-7.
    #[inline(always)]
    pub fn join(a: &LrCoefs, b: &LrCoefs) -> Self {
        let j = |s: &SectionCoefs, t: &SectionCoefs| SectionCoefs {
            a1: F8::join(s.a1, t.a1),
            a2: F8::join(s.a2, t.a2),
            gain: F8::join(s.gain, t.gain),
            ap_b0: F8::join(s.ap_b0, t.ap_b0),
            ap_b1: F8::join(s.ap_b1, t.ap_b1),
            ap_b2: F8::join(s.ap_b2, t.ap_b2),
        };
        let mut r = Self::default();
        for (r, (s, t)) in r
            .sections
            .iter_mut()
            .zip(a.sections.iter().zip(&b.sections))
        {
            *r = j(s, t);
        }
        r
    }
}

impl LrCoefs {
    /// Runtime form of two designs (`a` in lanes 0-1, `b` in lanes 2-3).
    pub fn from_designs(a: &LrDesign, b: &LrDesign) -> Self {
        let mut sections = [SectionCoefs::default(); MAX_SECTIONS];
        for (c, (s, t)) in sections
            .iter_mut()
            .zip(a.sections.iter().zip(&b.sections))
            .take(a.count)
        {
            let (ia, ib) = (1.0 / s.gain, 1.0 / t.gain);
            *c = SectionCoefs {
                a1: F4::pair(s.a1, t.a1),
                a2: F4::pair(s.a2, t.a2),
                gain: F4::pair(s.gain, t.gain),
                ap_b0: F4::pair(s.a2 * ia, t.a2 * ib),
                ap_b1: F4::pair(s.a1 * ia, t.a1 * ib),
                ap_b2: F4::pair(ia, ib),
            };
        }
        Self { sections }
    }
}

/// State of one gain-scaled direct-form-II recursion (`w[n−1]`, `w[n−2]`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Recursion<V = F4> {
    w1: V,
    w2: V,
}

impl<V: Copy> Recursion<V> {
    /// Advances the recursion by one sample; returns (lowpass, all-pass) outputs of the section.
    #[inline(always)]
    fn tick<O: LaneOps<V>>(&mut self, c: &SectionCoefs<V>, x: V, o: &O) -> (V, V) {
        let (w1, w2) = (self.w1, self.w2);
        // The loop-carried path is one multiply and one subtraction (w1 → a1·w1 → w).
        let w = o.sub(o.sub(o.mul(c.gain, x), o.mul(c.a2, w2)), o.mul(c.a1, w1));
        let lp = o.add(o.add(w, w2), o.add(w1, w1));
        let ap = o.add(
            o.add(o.mul(c.ap_b0, w), o.mul(c.ap_b1, w1)),
            o.mul(c.ap_b2, w2),
        );
        self.w2 = w1;
        self.w1 = w;
        (lp, ap)
    }
}

impl Recursion {
    /// Accumulates the lane-wise largest magnitude and the sum of the state (the sum is
    /// non-finite if any value is).
    #[inline(always)]
    fn accumulate(&self, max: &mut [f64; 4], sum: &mut [f64; 4]) {
        for l in 0..4 {
            max[l] = max[l].max(self.w1.0[l].abs()).max(self.w2.0[l].abs());
            sum[l] += self.w1.0[l] + self.w2.0[l];
        }
    }
}

/// State of two LR crossovers (lanes 0-1 and 2-3) on a channel pair: the lowpass chain (2·S sections) and the rest of
/// the all-pass chain (S − 1 sections; its first section is the lowpass chain's first).
/// With [`F8`], two such states ([`LrState::join`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct LrState<V = F4> {
    lowpass: [Recursion<V>; 2 * MAX_SECTIONS],
    allpass: [Recursion<V>; MAX_SECTIONS - 1],
}

impl<V: Lanes> LrState<V> {
    /// One sample of the crossover with `S` sections: (lowpass, highpass).
    #[inline(always)]
    pub fn split<const S: usize>(&mut self, c: &LrCoefs<V>, x: V) -> (V, V) {
        let (lp, _, hp) = self.split_allpass::<S, _>(c, x, &Plain);
        (lp, hp)
    }

    /// One sample of the lowpass alone.
    #[inline(always)]
    pub fn lowpass<const S: usize>(&mut self, c: &LrCoefs<V>, x: V) -> V {
        let mut lp = x;
        for j in 0..2 * S {
            lp = self.lowpass[j].tick(&c.sections[j % S], lp, &Plain).0;
        }
        lp
    }
}

impl<V: Copy> LrState<V> {
    /// One sample of the crossover with `S` sections in the arithmetic `o`: (lowpass, all-pass,
    /// highpass); with one section the all-pass is [`Self::allpass`]'s (the same recursion and
    /// numerator).
    #[inline(always)]
    pub fn split_allpass<const S: usize, O: LaneOps<V>>(
        &mut self,
        c: &LrCoefs<V>,
        x: V,
        o: &O,
    ) -> (V, V, V) {
        let (mut lp, mut ap) = self.lowpass[0].tick(&c.sections[0], x, o);
        for j in 1..2 * S {
            lp = self.lowpass[j].tick(&c.sections[j % S], lp, o).0;
        }
        for j in 1..S {
            ap = self.allpass[j - 1].tick(&c.sections[j], ap, o).1;
        }
        (lp, ap, o.sub(ap, lp))
    }

    /// One sample of the all-pass alone (compensation) in the arithmetic `o`, using the lowpass
    /// chain's first sections.
    #[inline(always)]
    pub fn allpass_with<const S: usize, O: LaneOps<V>>(
        &mut self,
        c: &LrCoefs<V>,
        x: V,
        o: &O,
    ) -> V {
        let mut ap = x;
        for j in 0..S {
            ap = self.lowpass[j].tick(&c.sections[j], ap, o).1;
        }
        ap
    }

    /// The state with every lane vector converted by `f` (to or from a build's vector type).
    #[inline(always)]
    pub fn map<U>(&self, f: impl Fn(V) -> U) -> LrState<U> {
        let r = |r: &Recursion<V>| Recursion {
            w1: f(r.w1),
            w2: f(r.w2),
        };
        // Written out (array `map` is not always inlined).
        let l = &self.lowpass;
        LrState {
            lowpass: [r(&l[0]), r(&l[1]), r(&l[2]), r(&l[3])],
            allpass: [r(&self.allpass[0])],
        }
    }

    /// One sample of the all-pass alone (compensation), using the lowpass chain's first sections.
    #[inline(always)]
    pub fn allpass<const S: usize>(&mut self, c: &LrCoefs<V>, x: V) -> V
    where
        V: Lanes,
    {
        self.allpass_with::<S, _>(c, x, &Plain)
    }

    /// The state made lane by lane from `self` and `other` by `select` (so a pipeline's ramp
    /// steps can keep the old state in the lanes that did not run).
    #[inline(always)]
    pub fn select_with(&self, other: &Self, select: impl Fn(V, V) -> V) -> Self {
        let mut r = *self;
        for k in 0..r.lowpass.len() {
            r.lowpass[k].w1 = select(self.lowpass[k].w1, other.lowpass[k].w1);
            r.lowpass[k].w2 = select(self.lowpass[k].w2, other.lowpass[k].w2);
        }
        for k in 0..r.allpass.len() {
            r.allpass[k].w1 = select(self.allpass[k].w1, other.allpass[k].w1);
            r.allpass[k].w2 = select(self.allpass[k].w2, other.allpass[k].w2);
        }
        r
    }
}

impl LrState<F8> {
    /// `a` in lanes 0-3 and `b` in lanes 4-7.
    #[inline(always)]
    pub fn join(a: &LrState, b: &LrState) -> Self {
        let mut r = Self::default();
        let pairs = a.lowpass.iter().zip(&b.lowpass);
        let to = r.lowpass.iter_mut().chain(r.allpass.iter_mut());
        for (r, (a, b)) in to.zip(pairs.chain(a.allpass.iter().zip(&b.allpass))) {
            r.w1 = F8::join(a.w1, b.w1);
            r.w2 = F8::join(a.w2, b.w2);
        }
        r
    }

    /// The states of lanes 0-3 and 4-7.
    #[inline(always)]
    pub fn halves(&self) -> (LrState, LrState) {
        let half = |f: fn(F8) -> F4| LrState {
            lowpass: self.lowpass.map(|r| Recursion {
                w1: f(r.w1),
                w2: f(r.w2),
            }),
            allpass: self.allpass.map(|r| Recursion {
                w1: f(r.w1),
                w2: f(r.w2),
            }),
        };
        (half(F8::low), half(F8::high))
    }

    /// A split (lanes 0-3) and an all-pass (lanes 4-7) packed to run as one
    /// [`LrState::split_allpass`], whose all-pass output is then the all-pass's: its sections go
    /// where the split's all-pass chain keeps its own (the split's lowpass chain runs on in those
    /// lanes from zero, unused).
    #[inline(always)]
    pub fn join_split_and_allpass(split: &LrState, allpass: &LrState) -> Self {
        let mut chain = LrState::default();
        chain.lowpass[0] = allpass.lowpass[0];
        chain.allpass[0] = allpass.lowpass[1];
        Self::join(split, &chain)
    }

    /// Stores the states of a [`Self::join_split_and_allpass`] pack back (the all-pass's other
    /// recursions, unused by it, are left as they are).
    #[inline(always)]
    pub fn halves_split_and_allpass(&self, split: &mut LrState, allpass: &mut LrState) {
        let (a, b) = self.halves();
        *split = a;
        allpass.lowpass[0] = b.lowpass[0];
        allpass.lowpass[1] = b.allpass[0];
    }
}

impl LrState {
    /// Accumulates the lane-wise largest magnitude and the sum of the state of a crossover with
    /// `sections` sections (non-finite if any state value is); the recursions it does not use
    /// stay zero, so they are skipped.
    #[inline(always)]
    pub fn accumulate(&self, sections: usize, max: &mut [f64; 4], sum: &mut [f64; 4]) {
        for r in &self.lowpass[..2 * sections] {
            r.accumulate(max, sum);
        }
        for r in &self.allpass[..sections - 1] {
            r.accumulate(max, sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_matches_the_analytic_magnitudes_and_sums_to_an_allpass() {
        for slope in CrossoverSlope::ALL {
            let d = LrDesign::new(1000.0, 48_000.0, slope);
            for f in [50.0, 700.0, 1000.0, 1400.0, 15_000.0] {
                let (lp, ap) = d.responses(f, 48_000.0);
                let hp = ap.sub(lp);
                let (ml, mh) = lr_magnitudes(f, 1000.0, 48_000.0, slope);
                assert!((lp.norm_sqr().sqrt() - ml).abs() < 1e-12, "{slope:?} {f}");
                assert!((hp.norm_sqr().sqrt() - mh).abs() < 1e-12, "{slope:?} {f}");
                assert!((ap.norm_sqr() - 1.0).abs() < 1e-12);
            }
        }
    }
}
