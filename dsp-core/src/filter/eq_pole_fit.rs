//! Fixed-pole designs for [`crate::filter::eq_design`]: the poles are the impulse-invariant
//! (matched) poles of the analogue prototype, and only the numerator is fitted.
//!
//! With the poles fixed, `|N(φ)|² = |H(jω)|²·|A(φ)|²` (`φ = sin²(ω/2)`, `|A|²` the squared
//! magnitude of the matched denominator, Vicanek 2016, eq. 11) is a target that is smooth across
//! the pole resonance, and the squared magnitude of a numerator of degree `2k` in `z⁻¹` is a
//! polynomial of degree `2k` in `φ`: fitting it is linear. The fit here is weighted least squares
//! (weights `1/target`, i.e. relative error, which is what a dB tolerance measures) over a fixed
//! set of nodes with the DC value kept exactly; any polynomial that stays positive on `[0, 1]` is
//! the squared magnitude of a minimum-phase FIR (Fejér–Riesz), so the fit is realisable whenever
//! the fitted polynomial is positive, which is checked per quadratic factor.

// `!(x > 0.0)` is meant: it also rejects NaN. The least-squares loops index rows and columns.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

use std::f64::consts::PI;

use super::analog_prototype::AnalogSection;
use super::biquad::BiquadCoefficients;
use super::eq_design::EqSection;
use super::eq_fit::{factor_min_phase, solve, split_quartic, vicanek_triple};

/// Impulse-invariant poles `1 + a1 z⁻¹ + a2 z⁻²` of an analogue denominator, with the sums at DC
/// and Nyquist computed without cancellation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchedPoles {
    /// `a1`.
    pub a1: f64,
    /// `a2` (0 for a first-order denominator).
    pub a2: f64,
    /// `1 + a1 + a2`.
    pub den_dc: f64,
    /// `1 − a1 + a2`.
    pub den_nyquist: f64,
}

impl MatchedPoles {
    /// No poles (an FIR section).
    pub const NONE: Self = Self {
        a1: 0.0,
        a2: 0.0,
        den_dc: 1.0,
        den_nyquist: 1.0,
    };

    /// The impulse-invariant poles of the analogue denominator `den` (normalised `s`, `s⁰` first)
    /// at `w0` rad/sample.
    pub fn of(den: &[f64; 3], w0: f64) -> Self {
        let [d0, d1, d2] = *den;
        if d2 == 0.0 {
            // First order: pole at −w0·d0/d1.
            let c = w0 * d0 / d1;
            let z = (-c).exp();
            return Self {
                a1: -z,
                a2: 0.0,
                den_dc: -(-c).exp_m1(),
                den_nyquist: 1.0 + z,
            };
        }
        // Poles −σ ± jθ (or −σ ± μ), in rad/sample.
        let sigma = 0.5 * w0 * d1 / d2;
        let disc = d1 * d1 - 4.0 * d0 * d2;
        let r = (-sigma).exp();
        let a2 = r * r;
        if disc < 0.0 {
            let theta = (0.5 * w0 * (-disc).sqrt() / d2).min(PI * 0.999);
            let one_minus_r = -(-sigma).exp_m1();
            let (sh, ch) = ((0.5 * theta).sin(), (0.5 * theta).cos());
            Self {
                a1: -2.0 * r * theta.cos(),
                a2,
                den_dc: one_minus_r * one_minus_r + 4.0 * r * sh * sh,
                den_nyquist: one_minus_r * one_minus_r + 4.0 * r * ch * ch,
            }
        } else {
            let mu = 0.5 * w0 * disc.sqrt() / d2;
            let (z1, z2) = ((-sigma + mu).exp(), (-sigma - mu).exp());
            Self {
                a1: -(z1 + z2),
                a2,
                den_dc: (-(-sigma + mu).exp_m1()) * (-(-sigma - mu).exp_m1()),
                den_nyquist: (1.0 + z1) * (1.0 + z2),
            }
        }
    }

    /// `|A(e^{jω})|²` at `φ = sin²(ω/2)`.
    #[inline]
    pub fn magnitude_sq(&self, phi: f64) -> f64 {
        let phi0 = 1.0 - phi;
        self.den_dc * self.den_dc * phi0 + self.den_nyquist * self.den_nyquist * phi
            - 16.0 * self.a2 * phi0 * phi
    }
}

/// Most nodes of one fit.
pub const MAX_FIT_NODES: usize = 16;

/// Sanathanan–Koerner / Lawson iterations of the weighted least squares.
pub const FIT_ITERATIONS: usize = 6;

/// Weighted linear least squares: minimises `Σ v_i·(rows_i·x − rhs_i)²` by the normal equations.
fn least_squares<const K: usize>(rows: &[[f64; K]], rhs: &[f64], vs: &[f64]) -> Option<[f64; K]> {
    let mut m = [[0.0; K]; K];
    let mut b = [0.0; K];
    for ((row, &r), &v) in rows.iter().zip(rhs).zip(vs) {
        for j in 0..K {
            let vj = v * row[j];
            for k in j..K {
                m[j][k] += vj * row[k];
            }
            b[j] += vj * r;
        }
    }
    for j in 0..K {
        for k in 0..j {
            m[j][k] = m[k][j];
        }
    }
    solve(&mut m, &mut b)
}

/// A section `b/a` from the matched poles and a numerator `gain·(1 + e1·φ + e2·φ²)` (`None` if
/// that is not positive on `[0, 1]`, or its zeros are not strictly inside the unit circle).
fn section(gain_sq: f64, e: (f64, f64), poles: &MatchedPoles) -> Option<EqSection> {
    let (np, nm, nc) = vicanek_triple(e.0, e.1)?;
    let n = factor_min_phase(np, nm, nc)?;
    // Zeros strictly inside: the section may be inverted (cut orientation).
    if !(n[0] > 0.0 && (n[2] / n[0]).abs() < 1.0 - 1e-9 && nm > 1e-9) {
        return None;
    }
    let g = gain_sq.sqrt();
    Some(EqSection {
        biquad: BiquadCoefficients {
            b0: n[0] * g,
            b1: n[1] * g,
            b2: n[2] * g,
            a1: poles.a1,
            a2: poles.a2,
        },
        num_dc: np * g,
        num_nyquist: nm * g,
        den_dc: poles.den_dc,
        den_nyquist: poles.den_nyquist,
    })
}

/// `N(u)/D(u)` (`N` of degree `K − 2` with `N(0) = c0`, `D = 1 + d1·u + d2·u²`) fitted to
/// `(us[i], ts[i])`: `N − T·D = 0` linearised (Levy), re-weighted by `1/(T·D_prev)²`
/// (Sanathanan–Koerner) and by the last relative errors (Lawson, towards equal ripple). Returns
/// the numerator's `c1..` then `d1, d2`.
fn fit_rational<const K: usize>(c0: f64, us: &[f64], ts: &[f64]) -> Option<[f64; K]> {
    let n = us.len().min(MAX_FIT_NODES);
    let nn = K - 2;
    let mut rows = [[0.0; K]; MAX_FIT_NODES];
    let mut rhs = [0.0; MAX_FIT_NODES];
    let mut vs = [0.0; MAX_FIT_NODES];
    for i in 0..n {
        let (u, t) = (us[i], ts[i]);
        let mut p = u;
        for j in 0..nn {
            rows[i][j] = p;
            p *= u;
        }
        rows[i][nn] = -t * u;
        rows[i][nn + 1] = -t * u * u;
        rhs[i] = t - c0;
        vs[i] = 1.0 / (t * t);
    }
    let eval = |x: &[f64; K], u: f64| {
        let mut num = 0.0;
        for j in (0..nn).rev() {
            num = (num + x[j]) * u;
        }
        (c0 + num, 1.0 + u * (x[nn] + u * x[nn + 1]))
    };
    let mut lawson = [1.0; MAX_FIT_NODES];
    let mut x = least_squares(&rows[..n], &rhs[..n], &vs[..n])?;
    for _ in 0..FIT_ITERATIONS {
        let mut sum = 0.0;
        for i in 0..n {
            let (num, den) = eval(&x, us[i]);
            lawson[i] *= (num / (ts[i] * den) - 1.0).abs() + 1e-9;
            sum += lawson[i];
        }
        for i in 0..n {
            let (_, den) = eval(&x, us[i]);
            lawson[i] /= sum;
            vs[i] = lawson[i] / (ts[i] * den).powi(2);
        }
        x = least_squares(&rows[..n], &rhs[..n], &vs[..n])?;
    }
    Some(x)
}

/// `c0 + Σ_{j=1..4} c_j·u^j` fitted to `(us[i], ts[i])` by least squares in the relative error with
/// Lawson re-weighting; returns `c1..c4`.
fn fit_polynomial(c0: f64, us: &[f64], ts: &[f64]) -> Option<[f64; 4]> {
    let n = us.len().min(MAX_FIT_NODES);
    let mut rows = [[0.0; 4]; MAX_FIT_NODES];
    let mut rhs = [0.0; MAX_FIT_NODES];
    let mut vs = [0.0; MAX_FIT_NODES];
    for i in 0..n {
        let u = us[i];
        rows[i] = [u, u * u, u * u * u, u * u * u * u];
        rhs[i] = ts[i] - c0;
        vs[i] = 1.0 / (ts[i] * ts[i]);
    }
    let mut x = least_squares(&rows[..n], &rhs[..n], &vs[..n])?;
    for _ in 0..FIT_ITERATIONS {
        let mut sum = 0.0;
        for i in 0..n {
            let u = us[i];
            let fit = c0 + u * (x[0] + u * (x[1] + u * (x[2] + u * x[3])));
            vs[i] *= (fit / ts[i] - 1.0).abs() + 1e-9;
            sum += vs[i] * ts[i] * ts[i];
        }
        for v in &mut vs[..n] {
            *v /= sum;
        }
        x = least_squares(&rows[..n], &rhs[..n], &vs[..n])?;
    }
    Some(x)
}

/// The poles `1 + d1·φ + d2·φ²` (DC-normalised squared magnitude) as a stable denominator, with
/// the squared gain `1/a0²` that keeps the section's DC value.
fn fitted_poles(d1: f64, d2: f64) -> Option<(MatchedPoles, f64)> {
    let (dp, dm, dc) = vicanek_triple(d1, d2)?;
    let d = factor_min_phase(dp, dm, dc)?;
    if !(d[0] > 0.0 && (d[2] / d[0]).abs() < 1.0 - 1e-9) {
        return None;
    }
    let poles = MatchedPoles {
        a1: d[1] / d[0],
        a2: d[2] / d[0],
        den_dc: dp / d[0],
        den_nyquist: dm / d[0],
    };
    Some((poles, 1.0 / (d[0] * d[0])))
}

/// What [`fit_with_matched_poles`] fits besides the matched poles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoleFit {
    /// The matched zeros, and one correction biquad (numerator and poles fitted).
    MatchedZeros,
    /// A fourth-degree numerator and one pole pair.
    FittedPoles,
    /// A fourth-degree numerator only (the second section is an FIR).
    Fir,
}

/// Highest frequency of matched zeros, as a fraction of Nyquist.
pub const MAX_MATCHED_ZERO: f64 = 0.98;

/// Two sections for the second-order analogue `sec` at `w0` rad/sample: its matched poles, and
/// as `mode` says: its matched zeros with a fitted correction biquad (complex zeros below
/// [`MAX_MATCHED_ZERO`]·Nyquist, else `None`), or a fitted fourth-degree numerator over one fitted
/// pole pair, or over no further poles. `nodes` are frequencies normalised
/// to f0 (DC is always matched and need not be listed; nodes at or above Nyquist are taken at
/// Nyquist).
pub fn fit_with_matched_poles(
    sec: &AnalogSection,
    w0: f64,
    nodes: &[f64],
    mode: PoleFit,
) -> Option<[EqSection; 2]> {
    let match_zeros = mode == PoleFit::MatchedZeros;
    let poles = MatchedPoles::of(&sec.den, w0);
    let [n0, n1, n2] = sec.num;
    let zeros_in_band = match_zeros
        && n2 > 0.0
        && n1 * n1 < 4.0 * n0 * n2
        && (n0 / n2).sqrt() * w0 < MAX_MATCHED_ZERO * PI;
    if match_zeros && !zeros_in_band {
        return None;
    }
    let zeros = if zeros_in_band {
        MatchedPoles::of(&sec.num, w0)
    } else {
        MatchedPoles::NONE
    };
    let phi_ref = (0.5 * w0.min(PI)).sin().powi(2);
    let mut us = [0.0; MAX_FIT_NODES];
    let mut ts = [0.0; MAX_FIT_NODES];
    let n = nodes.len().min(MAX_FIT_NODES);
    for (i, &w) in nodes[..n].iter().enumerate() {
        let w = w.min(PI / w0);
        let phi = (0.5 * w * w0).sin().powi(2);
        us[i] = phi / phi_ref;
        ts[i] = sec.magnitude_sq(w) * poles.magnitude_sq(phi) / zeros.magnitude_sq(phi);
    }
    let c0 = sec.magnitude_sq(0.0) * (poles.den_dc / zeros.den_dc).powi(2);
    if !(c0 > 0.0) {
        return None;
    }
    let to_phi = |(e1, e2): (f64, f64)| (e1 / phi_ref, e2 / (phi_ref * phi_ref));
    if zeros_in_band {
        let x = fit_rational::<4>(c0, &us[..n], &ts[..n])?;
        let (extra, g) = fitted_poles(x[2] / phi_ref, x[3] / (phi_ref * phi_ref))?;
        let s1 = section(c0 * g, to_phi((x[0] / c0, x[1] / c0)), &extra)?;
        let s0 = EqSection {
            biquad: BiquadCoefficients {
                b0: 1.0,
                b1: zeros.a1,
                b2: zeros.a2,
                a1: poles.a1,
                a2: poles.a2,
            },
            num_dc: zeros.den_dc,
            num_nyquist: zeros.den_nyquist,
            den_dc: poles.den_dc,
            den_nyquist: poles.den_nyquist,
        };
        return Some([s0, s1]);
    }
    if mode == PoleFit::Fir {
        let c = fit_polynomial(c0, &us[..n], &ts[..n])?;
        let q = split_quartic([c[0] / c0, c[1] / c0, c[2] / c0, c[3] / c0])?;
        let s0 = section(c0, to_phi(q[0]), &poles)?;
        let s1 = section(1.0, to_phi(q[1]), &MatchedPoles::NONE)?;
        return Some([s0, s1]);
    }
    let x = fit_rational::<6>(c0, &us[..n], &ts[..n])?;
    let q = split_quartic([x[0] / c0, x[1] / c0, x[2] / c0, x[3] / c0])?;
    let s0 = section(c0, to_phi(q[0]), &poles)?;
    let (extra, g) = fitted_poles(x[4] / phi_ref, x[5] / (phi_ref * phi_ref))?;
    let s1 = section(g, to_phi(q[1]), &extra)?;
    Some([s0, s1])
}
