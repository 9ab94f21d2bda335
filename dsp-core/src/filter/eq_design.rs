//! Coefficient design of the EQ shapes: magnitude-matched biquads, in `f64`, closed form.
//!
//! Per shape (references: [`crate::filter::analog_prototype`]; `A = 10^(G/40)`):
//!
//! - **Bell, Low/High Shelf, Tilt** (anti-cramping): the orientation whose poles lie at or below
//!   f0 is designed (boost for bells and low shelves, cut for high shelves and tilts) and inverted
//!   for the other sign, so boost and cut errors are mirror images. A bell first tries one biquad
//!   interpolating the analogue `|H|²` at DC, the half-gain edges, f0 and the top, taken when
//!   within 0.5 % at the check frequencies (bells well below Nyquist; half the runtime cost).
//!   Otherwise several two-biquad candidates are designed and the first whose `|H|²` is within 1.2 % of the analogue at 24 check
//!   frequencies is taken (else the best): for shelves and the tilt first the matched-pole fits of
//!   [`crate::filter::eq_pole_fit`] (impulse-invariant poles and zeros plus a fitted correction
//!   biquad, then the poles with a fitted quartic numerator over one fitted pole pair); then, and
//!   for bells only, the rational interpolation of the analogue `|H|²` at DC and eight frequencies
//!   ([`crate::filter::eq_fit`]: a 9×9 solve and two quartic splits; bell nodes the half-gain
//!   edges, f0 and log-spaced up to 0.46·fs, shelf nodes around the pole and zero resonances),
//!   then the same at log-spread nodes, then (shelves) the matched poles over an FIR-corrected
//!   quartic; else one biquad at five nodes, else Vicanek's matched biquad.
//! - **Low Cut**: per Butterworth section, impulse-invariant poles, the DC zeros kept exactly
//!   (`k(1 − z⁻¹)ⁿ`), `k` matched at f0.
//! - **High Cut**: per Butterworth section the better (worst dB error at 49 check frequencies) of
//!   Vicanek's matched biquad and a biquad interpolating the analogue `|H|²` at DC, f0/2, f0,
//!   2·f0 and the band top (poles and zeros fitted: a first-order section gets a second pole).
//! - **Band Pass**: the best of Vicanek's matched biquad and biquads with their zero at DC
//!   interpolating the analogue `|H|²` at four nodes (three node sets), by the same check.
//! - **Notch**: the best of Vicanek's matched biquad and biquads with the zeros on the unit circle
//!   at f0 and poles fitted at DC and two frequencies around the notch (three pairs).
//! - **All Pass**: impulse-invariant poles, numerator the reversed denominator (|H| = 1 exactly).
//! - **0 dB** bell/shelf/tilt: no section at all (bit-exact identity).
//!
//! Measured worst |digital − analogue| (tests/eq_shapes.rs grid: f0 20 Hz..18 kHz (≤ 0.408·fs),
//! G ±5..±30 dB, Q 0.025..40, 20 Hz..20 kHz at 44.1 kHz / ..0.45·fs elsewhere; misses = settings
//! of the grid above 0.1 dB, of 4896 for bells/shelves, 3264 for cuts, 408 for notch/band pass):
//!
//! | shape | 44.1 kHz | 48 kHz | 96 kHz | where it peaks |
//! |---|---|---|---|---|
//! | Bell | 0.048 dB | 0.049 dB | 0.033 dB | f0 18 kHz, ±20..30 dB, Q 1.6–2.5 (96 k: Q 0.025) |
//! | Shelves, Tilt, f0 ≤ 0.12·fs | 0.033 dB | 0.033 dB | 0.033 dB | Q 0.025 or 40, ±30 dB |
//! | Shelves, Tilt, all f0 | 0.57 dB (20 misses) | 2.6 dB (20) | 0.32 dB (6) | Q ≥ 6 with the upper resonance near the band top (f0 ≈ 10 kHz at 44.1/48 k, 18 kHz at 96 k); 22.05 kHz: 2.7 dB (18); 384 kHz: 0.043 dB (none) |
//! | Low Cut, f0 ≤ 0.05·fs, Q ≥ 0.5 | 0.042 dB | 0.041 dB | 0.041 dB | Q 40, near the top |
//! | Low Cut, all | 3.3 dB (739) | 3.0 dB (703) | 3.0 dB (417) | f0 18 kHz Q 40, or Q 0.025 |
//! | High Cut, f0 ≤ 0.05·fs, Q ≥ 0.5 | 0.20 dB (90 of 1920) | 0.19 dB (90) | 0.19 dB (80) | Q 40, far above f0 (Q ≤ 2 there: none) |
//! | High Cut, all | 3.0 dB (722) | 3.1 dB (681) | 1.3 dB (399) | f0 ≥ 13 kHz, 72–96 dB/oct |
//! | Notch (> −30 dB), f0 ≤ 0.05·fs, Q ≥ 0.5 | 0.044 dB | 0.043 dB | 0.043 dB | near the top |
//! | Notch, all | 1.3 dB (96 of 408) | 1.2 dB (89) | 0.41 dB (64) | Q ≤ 0.06 with f0 near the top |
//! | Band Pass (> −30 dB), f0 ≤ 0.05·fs, Q ≥ 0.5 | 0.55 dB (62 of 240) | 0.55 dB (61) | 0.55 dB (54) | Q 2.5, upper skirt near the top |
//! | Band Pass, all | 3.2 dB (231) | 2.7 dB (229) | 1.0 dB (211) | f0 18 kHz, Q 10–16 |
//! | All Pass | 0 | 0 | 0 | |
//!
//! Cost (examples/eq_speed.rs at 48 kHz, this 2-core AMD EPYC VM, idle): a shelf/tilt design
//! 3.8 µs, a bell 2.7 µs (on average 1.39 sections over the example's frequencies; the fits,
//! candidates and check errors, the quartic roots by Durand–Kerner dominate the two-biquad
//! ones), a Low Cut 0.13–0.41 µs, a High Cut 1.7 µs (12 dB/oct) to 12.8 µs (96 dB/oct, 8
//! fitted and checked sections), Notch 2.7 µs, Band Pass 2.2 µs; at runtime 2 sections for
//! shelves/tilts and bells near Nyquist, 1 for other bells, one per Butterworth section for
//! cuts.

use std::f64::consts::PI;

use super::analog_prototype::{shelf_a, AnalogPrototype, AnalogSection, MAX_ANALOG_SECTIONS};
use super::biquad::BiquadCoefficients;
use super::eq_fit::{fit_band_pass, fit_biquad, fit_notch, fit_two_biquads};
use super::eq_pole_fit::{fit_with_matched_poles, MatchedPoles, PoleFit};
use super::eq_shape::{EqShape, EqShapeSettings};

/// Highest fitted frequency as a fraction of the rate (the accuracy band ends at 0.45·fs, or
/// 20 kHz at 44.1 kHz = 0.4535·fs).
pub const TOP_FRACTION: f64 = 0.46;

/// Lowest fitted frequency other than DC, Hz.
pub const MIN_NODE_HZ: f64 = 5.0;

/// Most digital sections of one band (a 96 dB/oct cut).
pub const MAX_EQ_SECTIONS: usize = MAX_ANALOG_SECTIONS;

/// One designed section: the biquad plus its numerator and denominator summed at DC
/// (`b0 + b1 + b2`, `1 + a1 + a2`) and at Nyquist (`b0 − b1 + b2`, `1 − a1 + a2`), computed
/// without cancellation, so a low-frequency section converts to the state-variable runtime
/// ([`crate::filter::eq_section`]) with full relative precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqSection {
    /// The normalised biquad (`a0 = 1`).
    pub biquad: BiquadCoefficients,
    /// `b0 + b1 + b2`.
    pub num_dc: f64,
    /// `b0 − b1 + b2`.
    pub num_nyquist: f64,
    /// `1 + a1 + a2`.
    pub den_dc: f64,
    /// `1 − a1 + a2`.
    pub den_nyquist: f64,
}

impl EqSection {
    /// The identity section.
    pub const IDENTITY: Self = Self {
        biquad: BiquadCoefficients::IDENTITY,
        num_dc: 1.0,
        num_nyquist: 1.0,
        den_dc: 1.0,
        den_nyquist: 1.0,
    };

    /// The reciprocal section (poles and zeros swapped, renormalised to `a0 = 1`); the zeros
    /// must be strictly inside the unit circle.
    pub fn inverted(&self) -> Self {
        let c = &self.biquad;
        let inv_b0 = 1.0 / c.b0;
        Self {
            biquad: BiquadCoefficients {
                b0: inv_b0,
                b1: c.a1 * inv_b0,
                b2: c.a2 * inv_b0,
                a1: c.b1 * inv_b0,
                a2: c.b2 * inv_b0,
            },
            num_dc: self.den_dc * inv_b0,
            num_nyquist: self.den_nyquist * inv_b0,
            den_dc: self.num_dc * inv_b0,
            den_nyquist: self.num_nyquist * inv_b0,
        }
    }

    /// Multiplies the numerator by `gain`.
    pub fn scaled(mut self, gain: f64) -> Self {
        self.biquad.b0 *= gain;
        self.biquad.b1 *= gain;
        self.biquad.b2 *= gain;
        self.num_dc *= gain;
        self.num_nyquist *= gain;
        self
    }
}

/// The designed cascade of one band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqCoefficients {
    sections: [EqSection; MAX_EQ_SECTIONS],
    len: usize,
}

impl Default for EqCoefficients {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl EqCoefficients {
    /// The identity (no section): output equals input bit for bit.
    pub const IDENTITY: Self = Self {
        sections: [EqSection::IDENTITY; MAX_EQ_SECTIONS],
        len: 0,
    };

    /// The sections of the cascade (empty for the identity).
    pub fn sections(&self) -> &[EqSection] {
        &self.sections[..self.len]
    }

    /// Whether the cascade is the exact identity.
    pub fn is_identity(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, s: EqSection) {
        if self.len < MAX_EQ_SECTIONS {
            self.sections[self.len] = s;
            self.len += 1;
        }
    }

    /// Complex response at `freq_hz` (product of the sections), as (real, imaginary).
    pub fn response(&self, freq_hz: f64, sample_rate_hz: f64) -> (f64, f64) {
        let mut acc = (1.0, 0.0);
        for s in self.sections() {
            let (re, im) = s.biquad.response(freq_hz, sample_rate_hz);
            acc = (acc.0 * re - acc.1 * im, acc.0 * im + acc.1 * re);
        }
        acc
    }

    /// Magnitude response at `freq_hz`, dB.
    pub fn magnitude_db(&self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        let (re, im) = self.response(freq_hz, sample_rate_hz);
        10.0 * (re * re + im * im).log10()
    }
}

/// Designs the band `settings` (sanitised first) for `sample_rate_hz`: closed form, no allocation.
pub fn design(settings: &EqShapeSettings, sample_rate_hz: f64) -> EqCoefficients {
    let fs = if sample_rate_hz.is_finite() {
        sample_rate_hz.max(1_000.0)
    } else {
        48_000.0
    };
    let s = settings.sanitized(fs);
    let mut out = EqCoefficients::IDENTITY;
    if s.shape.uses_gain() && s.gain_db == 0.0 {
        return out;
    }
    let w0 = 2.0 * PI * s.frequency_hz / fs;
    match s.shape {
        EqShape::Bell | EqShape::LowShelf | EqShape::HighShelf | EqShape::TiltShelf => {
            // Design the orientation whose poles lie at or below f0 (boost for bells and low
            // shelves, cut for high and tilt shelves), then invert if the other one was asked for.
            let boost = s.gain_db > 0.0;
            let design_boost = matches!(s.shape, EqShape::Bell | EqShape::LowShelf);
            let mut d = s;
            d.gain_db = if design_boost {
                s.gain_db.abs()
            } else {
                -s.gain_db.abs()
            };
            let p = AnalogPrototype::new(&d, fs);
            let proto = p.sections()[0];
            let w_top = TOP_FRACTION * 2.0 * PI / w0;
            let (lo, hi) = match s.shape {
                EqShape::Bell => {
                    let h = 0.5 / s.q;
                    let c = (1.0 + h * h).sqrt();
                    (c - h, c + h)
                }
                _ => {
                    let wp = shelf_a(d.gain_db)
                        .sqrt()
                        .min(1.0 / shelf_a(d.gain_db).sqrt());
                    (wp, 1.0 / wp)
                }
            };
            let lo = lo.max(MIN_NODE_HZ / s.frequency_hz);
            let hi = hi.min(w_top.sqrt());
            let sections = if s.shape == EqShape::Bell {
                fit_sections(
                    &proto,
                    w0,
                    bell_nodes(lo, hi, w_top),
                    lo,
                    hi,
                    w_top,
                    s.q,
                    s.shape == EqShape::Bell,
                )
            } else {
                fit_sections(
                    &proto,
                    w0,
                    shelf_nodes(lo, s.q, w_top),
                    lo,
                    hi,
                    w_top,
                    s.q,
                    s.shape == EqShape::Bell,
                )
            };
            for sec in &sections[..if sections[1] == EqSection::IDENTITY {
                1
            } else {
                2
            }] {
                out.push(if boost == design_boost {
                    *sec
                } else {
                    sec.inverted()
                });
            }
        }
        EqShape::AllPass => {
            let p = AnalogPrototype::new(&s, fs);
            let (a1, a2, den_dc, den_ny) = matched_poles(&p.sections()[0].den, w0);
            out.push(EqSection {
                biquad: BiquadCoefficients {
                    b0: a2,
                    b1: a1,
                    b2: 1.0,
                    a1,
                    a2,
                },
                num_dc: den_dc,
                num_nyquist: den_ny,
                den_dc,
                den_nyquist: den_ny,
            });
        }
        EqShape::LowCut | EqShape::HighCut | EqShape::BandPass | EqShape::Notch => {
            let p = AnalogPrototype::new(&s, fs);
            for sec in p.sections() {
                out.push(match s.shape {
                    EqShape::LowCut => match_highpass(sec, w0),
                    EqShape::HighCut => fit_lowpass_section(sec, w0),
                    EqShape::BandPass => fit_band_pass_section(sec, w0),
                    _ => fit_notch_section(sec, w0, s.q),
                });
            }
        }
    }
    out
}

/// A High Cut section: the better (by [`CutCheck`]) of Vicanek's matched biquad and a biquad
/// interpolating the analogue `|H|²` at DC, f0/2, f0, 2·f0 and the top of the band (poles and
/// zeros both fitted; for a first-order section this spends the biquad's second pole on the
/// magnitude near Nyquist that one matched pole cannot follow).
fn fit_lowpass_section(sec: &AnalogSection, w0: f64) -> EqSection {
    let matched = match_section(sec, w0);
    let w_top = TOP_FRACTION * 2.0 * PI / w0;
    let nodes = if w_top > 2.5 {
        [0.0, 0.5, 1.0, 2.0, w_top]
    } else {
        [0.0, 0.2 * w_top, 0.4 * w_top, 0.7 * w_top, w_top]
    };
    let Some(fitted) = fit_biquad(sec, w0, &nodes) else {
        return matched;
    };
    let check = CutCheck::new(sec, w0, w_top);
    if check.error_db(&fitted) < check.error_db(&matched) {
        fitted
    } else {
        matched
    }
}

/// A Band Pass section: the best (by [`CutCheck`]) of Vicanek's matched biquad and biquads
/// with their zero at DC interpolating the analogue `|H|²` at f0/2, f0 and two higher nodes up to
/// the band top (three node sets).
fn fit_band_pass_section(sec: &AnalogSection, w0: f64) -> EqSection {
    let w_top = TOP_FRACTION * 2.0 * PI / w0;
    let node_sets = if w_top > 2.5 {
        [
            [0.5, 1.0, 2.0, w_top],
            [0.5, 1.0, w_top.sqrt(), w_top],
            [0.5, 1.0, w_top.powf(0.75), w_top],
        ]
    } else {
        let t = w_top;
        [
            [0.25 * t, 0.5 * t, 0.75 * t, t],
            [0.2 * t, 0.4 * t, 0.7 * t, t],
            [0.3 * t, 0.6 * t, 0.85 * t, t],
        ]
    };
    let matched = match_section(sec, w0);
    let check = CutCheck::new(sec, w0, w_top);
    let mut best = (check.error_db(&matched), matched);
    for nodes in &node_sets {
        if let Some(fitted) = fit_band_pass(sec, w0, nodes) {
            let e = check.error_db(&fitted);
            if e < best.0 {
                best = (e, fitted);
            }
        }
    }
    best.1
}

/// A Notch section: the best (by [`CutCheck`]) of Vicanek's matched biquad and biquads with
/// their zeros on the unit circle at f0 and poles fitted at DC and at pairs of frequencies around
/// the notch (its −3 dB edges, and half-way to them and beyond).
fn fit_notch_section(sec: &AnalogSection, w0: f64, q: f64) -> EqSection {
    let w_top = TOP_FRACTION * 2.0 * PI / w0;
    let h = 0.5 / q.max(1e-3);
    let c = (1.0 + h * h).sqrt();
    let (lo, hi) = (c - h, (c + h).min(0.9 * w_top));
    let matched = match_section(sec, w0);
    let check = CutCheck::new(sec, w0, w_top);
    let mut best = (check.error_db(&matched), matched);
    for spread in [1.0, 0.5, 2.0] {
        let nodes = [lo.powf(spread), hi.powf(spread).min(0.9 * w_top)];
        if !(nodes[0] < 1.0 && nodes[1] > 1.0) {
            continue;
        }
        if let Some(fitted) = fit_notch(sec, w0, &nodes) {
            let e = check.error_db(&fitted);
            if e < best.0 {
                best = (e, fitted);
            }
        }
    }
    best.1
}

/// Log-spaced check frequencies of [`CutCheck`].
const CUT_CHECK_LOG_POINTS: usize = 64;
/// Check frequencies across a resonance.
const CUT_CHECK_RESONANCE_POINTS: usize = 17;

/// The check a cut, band pass or notch section's candidates are ranked by: the analogue `|H|²`
/// where it is above −30 dB, at 64 log-spaced frequencies from f0/1000 to 0.45·fs and at 17
/// across the resonance of a second-order section (f0 ± 2 bandwidths), with each frequency's
/// `φ = sin²(ω/2)` computed once for all candidates.
struct CutCheck {
    phi: [f64; CUT_CHECK_LOG_POINTS + CUT_CHECK_RESONANCE_POINTS],
    target: [f64; CUT_CHECK_LOG_POINTS + CUT_CHECK_RESONANCE_POINTS],
    len: usize,
}

impl CutCheck {
    /// The check of `sec` at `w0` rad/sample (`w_top`: the fits' top, 0.46·fs, normalised to f0).
    fn new(sec: &AnalogSection, w0: f64, w_top: f64) -> Self {
        let w_top = w_top * (0.45 / TOP_FRACTION);
        let mut check = Self {
            phi: [0.0; CUT_CHECK_LOG_POINTS + CUT_CHECK_RESONANCE_POINTS],
            target: [0.0; CUT_CHECK_LOG_POINTS + CUT_CHECK_RESONANCE_POINTS],
            len: 0,
        };
        let mut add = |w: f64| {
            let want = sec.magnitude_sq(w);
            if want > 1e-3 && w > 0.0 && w <= w_top {
                check.phi[check.len] = (0.5 * w * w0).sin().powi(2);
                check.target[check.len] = want;
                check.len += 1;
            }
        };
        let start = 0.001f64;
        let r = (w_top / start).powf(1.0 / (CUT_CHECK_LOG_POINTS - 1) as f64);
        for i in 0..CUT_CHECK_LOG_POINTS {
            add(start * r.powi(i as i32));
        }
        if !sec.is_first_order() && sec.den[1] > 0.0 {
            let bandwidth = sec.den[1] / (sec.den[0] * sec.den[2]).sqrt();
            let half = (CUT_CHECK_RESONANCE_POINTS / 2) as i32;
            for i in -half..=half {
                add(1.0 + 0.25 * f64::from(i) * bandwidth);
            }
        }
        check
    }

    /// Worst |dB error| of `digital` over the check (NaN counts as ∞).
    fn error_db(&self, digital: &EqSection) -> f64 {
        let c = &digital.biquad;
        let mut worst_ratio = 1.0f64;
        for (&phi, &want) in self.phi[..self.len].iter().zip(&self.target[..self.len]) {
            let rest = 1.0 - phi;
            let cross = 16.0 * phi * rest;
            let num = digital.num_dc * digital.num_dc * rest
                + digital.num_nyquist * digital.num_nyquist * phi
                - cross * c.b0 * c.b2;
            let den = digital.den_dc * digital.den_dc * rest
                + digital.den_nyquist * digital.den_nyquist * phi
                - cross * c.a2;
            let ratio = num / (den * want);
            if !(ratio > 0.0 && ratio.is_finite()) {
                return f64::INFINITY;
            }
            worst_ratio = worst_ratio.max(ratio).max(1.0 / ratio);
        }
        10.0 * worst_ratio.log10()
    }
}

/// Impulse-invariant poles of the analogue denominator `den` (normalised `s`) at `w0` rad/sample:
/// `(a1, a2, 1 + a1 + a2, 1 − a1 + a2)`, the sums computed without cancellation.
fn matched_poles(den: &[f64; 3], w0: f64) -> (f64, f64, f64, f64) {
    let p = MatchedPoles::of(den, w0);
    (p.a1, p.a2, p.den_dc, p.den_nyquist)
}

/// A highpass section with the analogue's zeros at DC kept exactly (`k·(1 − z⁻¹)ⁿ`, n = 1 or 2),
/// impulse-invariant poles, and `k` matching the analogue magnitude at f0 (Vicanek 2016, §4).
fn match_highpass(sec: &AnalogSection, w0: f64) -> EqSection {
    let (a1, a2, den_dc, den_ny) = matched_poles(&sec.den, w0);
    let wm = w0.min(PI * 0.999);
    let phi1 = (0.5 * wm).sin().powi(2);
    let phi0 = 1.0 - phi1;
    let den_mag = (den_dc * den_dc * phi0 + den_ny * den_ny * phi1 - 4.0 * a2 * 4.0 * phi0 * phi1)
        .max(0.0)
        .sqrt();
    let h = sec.magnitude_sq(wm / w0).sqrt();
    let (b, num_ny) = if sec.is_first_order() {
        let k = h * den_mag / (2.0 * phi1.sqrt());
        ([k, -k, 0.0], 2.0 * k)
    } else {
        let k = h * den_mag / (4.0 * phi1);
        ([k, -2.0 * k, k], 4.0 * k)
    };
    EqSection {
        biquad: BiquadCoefficients {
            b0: b[0],
            b1: b[1],
            b2: b[2],
            a1,
            a2,
        },
        num_dc: 0.0,
        num_nyquist: num_ny,
        den_dc,
        den_nyquist: den_ny,
    }
}

/// Vicanek's magnitude match ("Matched Second Order Digital Filters", 2016): impulse-invariant
/// poles, and the numerator whose squared magnitude
/// `B0·φ0 + B1·φ1 + B2·φ2` (`φ1 = sin²(ω/2)`, `φ0 = 1 − φ1`, `φ2 = 4·φ0·φ1`) equals the analogue one
/// at DC, at Nyquist and at f0; the minimum-phase factor of it is taken.
fn match_section(sec: &AnalogSection, w0: f64) -> EqSection {
    let (a1, a2, den_dc, den_ny) = matched_poles(&sec.den, w0);
    let h_dc = sec.magnitude_sq(0.0).sqrt();
    let h_ny = sec.magnitude_sq(PI / w0).sqrt();
    let sqrt_b0 = den_dc * h_dc;
    let sqrt_b1 = den_ny * h_ny;
    if sec.is_first_order() {
        // |b0 + b1 z⁻¹|² has only B0 and B1: matched at DC and Nyquist.
        let b0 = 0.5 * (sqrt_b0 + sqrt_b1);
        let b1 = 0.5 * (sqrt_b0 - sqrt_b1);
        return EqSection {
            biquad: BiquadCoefficients {
                b0,
                b1,
                b2: 0.0,
                a1,
                a2,
            },
            num_dc: sqrt_b0,
            num_nyquist: sqrt_b1,
            den_dc,
            den_nyquist: den_ny,
        };
    }
    let wm = w0.min(PI * 0.999);
    let phi1 = (0.5 * wm).sin().powi(2);
    let phi0 = 1.0 - phi1;
    let phi2 = 4.0 * phi0 * phi1;
    let (big_a0, big_a1, big_a2) = (den_dc * den_dc, den_ny * den_ny, -4.0 * a2);
    let hm2 = sec.magnitude_sq(wm / w0);
    let big_b2 = (hm2 * (big_a0 * phi0 + big_a1 * phi1 + big_a2 * phi2)
        - sqrt_b0 * sqrt_b0 * phi0
        - sqrt_b1 * sqrt_b1 * phi1)
        / phi2;
    let w = 0.5 * (sqrt_b0 + sqrt_b1);
    let root = (w * w + big_b2).max(0.0).sqrt();
    let b0 = 0.5 * (w + root);
    let b2 = 0.5 * (w - root);
    EqSection {
        biquad: BiquadCoefficients {
            b0,
            b1: 0.5 * (sqrt_b0 - sqrt_b1),
            b2,
            a1,
            a2,
        },
        num_dc: sqrt_b0,
        num_nyquist: sqrt_b1,
        den_dc,
        den_nyquist: den_ny,
    }
}

/// Worst relative error `|ratio − 1|` of `|H|²` of a candidate over 24 log-spaced frequencies
/// from `lo/4` to `w_top` (normalised to f0).
fn check_error(proto: &AnalogSection, w0: f64, pair: &[EqSection; 2], lo: f64, w_top: f64) -> f64 {
    let start = 0.25 * lo;
    let r = (w_top / start).powf(1.0 / 23.0);
    let mut w = start;
    let mut worst = 0.0f64;
    for _ in 0..24 {
        let mut h = 1.0;
        for s in pair {
            let (re, im) = s.biquad.response(w * w0, 2.0 * PI);
            h *= re * re + im * im;
        }
        let e = (h / proto.magnitude_sq(w) - 1.0).abs();
        worst = if e.is_nan() {
            f64::INFINITY
        } else {
            worst.max(e)
        };
        w *= r;
    }
    worst
}

/// A check error that is good enough to stop trying candidates (about 0.05 dB).
const GOOD_ENOUGH: f64 = 0.012;

/// A check error at which one biquad is taken before any two-biquad fit (about 0.02 dB).
const ONE_SECTION_GOOD_ENOUGH: f64 = 0.005;

/// The anti-cramping design of one bell/shelf/tilt section: for a bell one biquad at five nodes
/// when its [`check_error`] is under [`ONE_SECTION_GOOD_ENOUGH`]; else the best of several two-biquad fits
/// (the first under [`GOOD_ENOUGH`] is taken): for shelves the matched-pole
/// fits ([`fit_with_matched_poles`], with and without matched zeros), then the nine-node rational
/// interpolation at `nodes9`, then at nodes spread evenly in log frequency; else one biquad at five
/// nodes, else the plain matched biquad.
#[allow(clippy::too_many_arguments)]
fn fit_sections(
    proto: &AnalogSection,
    w0: f64,
    nodes9: [f64; 9],
    lo: f64,
    hi: f64,
    w_top: f64,
    q: f64,
    bell: bool,
) -> [EqSection; 2] {
    let mut best: Option<([EqSection; 2], f64)> = None;
    let mut consider = |cand: Option<[EqSection; 2]>| {
        if let Some(pair) = cand {
            let e = check_error(proto, w0, &pair, lo, w_top);
            if best.is_none_or(|(_, b)| e < b) {
                best = Some((pair, e));
            }
        }
        best.is_some_and(|(_, b)| b < GOOD_ENOUGH)
    };
    // For bells one biquad interpolating the analogue at five nodes serves wherever it is this
    // close (bells well below Nyquist): half the runtime cost of two. (Not for shelves: at low
    // Q their error between the check frequencies grows to 0.08 dB.)
    let nodes5 = [0.0, lo, 1.0, hi, w_top];
    let one = fit_biquad(proto, w0, &nodes5);
    if let Some(one) = one.filter(|_| bell) {
        let single = [one, EqSection::IDENTITY];
        if check_error(proto, w0, &single, lo, w_top) < ONE_SECTION_GOOD_ENOUGH {
            return single;
        }
    }
    let (nodes, n) = pole_fit_nodes(lo, q, w_top, PI / w0);
    if !bell
        && (consider(fit_with_matched_poles(
            proto,
            w0,
            &nodes[..n],
            PoleFit::MatchedZeros,
        )) || consider(fit_with_matched_poles(
            proto,
            w0,
            &nodes[..n],
            PoleFit::FittedPoles,
        )))
    {
        return best.map(|b| b.0).unwrap_or([EqSection::IDENTITY; 2]);
    }
    if consider(fit_two_biquads(proto, w0, &nodes9)) {
        return best.map(|b| b.0).unwrap_or([EqSection::IDENTITY; 2]);
    }
    // Nodes spread evenly in log frequency from `lo` to the top.
    let r = (w_top / lo).powf(1.0 / 7.0);
    let mut spread = [0.0; 9];
    let mut w = lo;
    for node in spread.iter_mut().skip(1) {
        *node = w;
        w *= r;
    }
    if !consider(fit_two_biquads(proto, w0, &spread)) && !bell {
        consider(fit_with_matched_poles(proto, w0, &nodes[..n], PoleFit::Fir));
    }
    if let Some((pair, _)) = best {
        return pair;
    }
    let one = one.unwrap_or_else(|| match_section(proto, w0));
    [one, EqSection::IDENTITY]
}

/// Bell nodes (normalised to f0): DC, the half-gain edges `lo`, `hi`, f0, and log-spaced above.
fn bell_nodes(lo: f64, hi: f64, w_top: f64) -> [f64; 9] {
    let r = (w_top / hi).powf(0.2);
    [
        0.0,
        lo,
        lo.sqrt(),
        1.0,
        hi,
        hi * r,
        hi * r * r,
        hi * r.powi(4),
        w_top,
    ]
}

/// Shelf nodes (normalised to f0, designed orientation: poles at `wp` ≤ 1, zeros at `1/wp`): DC,
/// three around the pole resonance, three around the zero resonance if it is in band, the rest
/// log-spaced up to `w_top`.
fn shelf_nodes(wp: f64, q: f64, w_top: f64) -> [f64; 9] {
    let h = (0.5 / q).min(0.35).exp();
    let zp = 1.0 / wp;
    let mut n = [0.0, wp / h, wp, wp * h, 0.0, 0.0, 0.0, 0.0, w_top];
    if zp * h * h < w_top {
        n[4] = zp / h;
        n[5] = zp;
        n[6] = zp * h;
        n[7] = (zp * h * w_top).sqrt();
    } else {
        let r = (w_top / (wp * h)).powf(0.2);
        for k in 4..8 {
            n[k] = n[k - 1] * r;
        }
    }
    n
}

/// Nodes of the matched-pole fit (normalised to f0; `wp` the lower resonance, `1/wp` the upper):
/// ten log-spaced from below `wp` to `w_top`, two around `wp`, three around `1/wp` if it is in
/// band, and Nyquist `w_ny`.
fn pole_fit_nodes(wp: f64, q: f64, w_top: f64, w_ny: f64) -> ([f64; 16], usize) {
    let mut n = [0.0; 16];
    let start = 0.25 * wp;
    let r = (w_top / start).powf(1.0 / 9.0);
    let mut w = start;
    for node in n.iter_mut().take(10) {
        *node = w;
        w *= r;
    }
    let h = (0.5 / q).min(0.35).exp();
    n[10] = wp / h;
    n[11] = wp * h;
    let mut len = 12;
    let zp = 1.0 / wp;
    if zp * h < w_top {
        n[12] = zp / h;
        n[13] = zp;
        n[14] = zp * h;
        len = 15;
    }
    n[len] = w_ny;
    (n, len)
}
