//! Rational magnitude fits in `φ = sin²(ω/2)`: the anti-cramping design of
//! [`crate::filter::eq_design`].
//!
//! The squared magnitude of a cascade of k biquads is a ratio of two polynomials of degree 2k in
//! `φ` (each biquad contributes `B0·φ0 + B1·φ1 + B2·φ2` with `φ0 = 1 − φ`, `φ2 = 4φ(1 − φ)`;
//! Vicanek 2016, eq. 11). So interpolating the analogue `|H(jω)|²` at `4k + 1` frequencies is a
//! linear system (`N(φᵢ) − yᵢ·D(φᵢ) = 0`, `D(0) = 1`), solved here by Gaussian elimination; the
//! polynomials are then split into quadratics (Durand–Kerner roots for degree 4) and each
//! quadratic, if positive on `[0, 1]`, is the squared magnitude of one minimum-phase factor. Every
//! step has a fixed bound (no allocation, at most [`ROOT_ITERATIONS`] iterations); a fit that is
//! not realisable returns `None` and the caller falls back to a simpler design.

// `!(x > 0.0)` is meant: it also rejects NaN. The elimination loops index two rows at once.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

use super::analog_prototype::AnalogSection;
use super::biquad::BiquadCoefficients;
use super::eq_design::EqSection;

/// Most Durand–Kerner iterations for the quartic roots.
pub const ROOT_ITERATIONS: usize = 60;

/// Solves the `N`×`N` system `m·x = rhs` by Gaussian elimination with partial pivoting.
pub(crate) fn solve<const N: usize>(m: &mut [[f64; N]; N], rhs: &mut [f64; N]) -> Option<[f64; N]> {
    for col in 0..N {
        let mut piv = col;
        for r in col + 1..N {
            if m[r][col].abs() > m[piv][col].abs() {
                piv = r;
            }
        }
        if !(m[piv][col].abs() > 1e-300) {
            return None;
        }
        m.swap(col, piv);
        rhs.swap(col, piv);
        for r in col + 1..N {
            let f = m[r][col] / m[col][col];
            for c in col..N {
                m[r][c] -= f * m[col][c];
            }
            rhs[r] -= f * rhs[col];
        }
    }
    let mut x = [0.0; N];
    for r in (0..N).rev() {
        let mut acc = rhs[r];
        for c in r + 1..N {
            acc -= m[r][c] * x[c];
        }
        x[r] = acc / m[r][r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Minimum-phase `[c0, c1, c2]` (`c0 + c1 z⁻¹ + c2 z⁻²`) whose squared magnitude is
/// `p²·φ0 + m²·φ1 + c·φ2`, with `p = c0 + c1 + c2`, `m = c0 − c1 + c2`; `None` if not realisable.
pub fn factor_min_phase(p: f64, m: f64, c: f64) -> Option<[f64; 3]> {
    let w = 0.5 * (p + m);
    let disc = w * w + c;
    if !(disc >= 0.0) {
        return None;
    }
    let root = disc.sqrt();
    Some([0.5 * (w + root), 0.5 * (p - m), 0.5 * (w - root)])
}

/// A quadratic `1 + e1·φ + e2·φ²` (value 1 at DC) as the Vicanek triple `(√B0, √B1, B2)`;
/// `None` unless it is positive at DC, Nyquist and between.
pub(crate) fn vicanek_triple(e1: f64, e2: f64) -> Option<(f64, f64, f64)> {
    let at_nyquist = 1.0 + e1 + e2;
    // Minimum over [0, 1] of a quadratic with positive ends: at the vertex if inside.
    let vertex = if e2 > 0.0 { -0.5 * e1 / e2 } else { -1.0 };
    let min_inside = if (0.0..=1.0).contains(&vertex) {
        1.0 + 0.5 * e1 * vertex
    } else {
        1.0
    };
    if !(at_nyquist > 0.0 && min_inside > 0.0) {
        return None;
    }
    Some((1.0, at_nyquist.sqrt(), -0.25 * e2))
}

/// One section `gain·N(φ)/D(φ)` from two DC-normalised quadratics in `φ`, `None` if either is not
/// realisable or the poles are not strictly inside the unit circle.
fn section_from_quadratics(gain: f64, num: (f64, f64), den: (f64, f64)) -> Option<EqSection> {
    let (np, nm, nc) = vicanek_triple(num.0, num.1)?;
    let (dp, dm, dc) = vicanek_triple(den.0, den.1)?;
    let n = factor_min_phase(np, nm, nc)?;
    let d = factor_min_phase(dp, dm, dc)?;
    if !(d[0] > 0.0 && (d[2] / d[0]).abs() < 1.0 - 1e-12) {
        return None;
    }
    let g = gain.sqrt() / d[0];
    Some(EqSection {
        biquad: BiquadCoefficients {
            b0: n[0] * g,
            b1: n[1] * g,
            b2: n[2] * g,
            a1: d[1] / d[0],
            a2: d[2] / d[0],
        },
        num_dc: np * g,
        num_nyquist: nm * g,
        den_dc: dp / d[0],
        den_nyquist: dm / d[0],
    })
}

/// Fills one interpolation row of the fit `Σ n_j u^j − y·Σ_{j≥1} d_j u^j = y` (degree `deg`).
fn fit_system<const N: usize>(
    sec: &AnalogSection,
    w0: f64,
    phi_ref: f64,
    nodes: &[f64; N],
    deg: usize,
) -> Option<[f64; N]> {
    let mut m = [[0.0; N]; N];
    let mut rhs = [0.0; N];
    for (i, &w) in nodes.iter().enumerate() {
        let u = (0.5 * w * w0).sin().powi(2) / phi_ref;
        let y = sec.magnitude_sq(w);
        let scale = 1.0 / ((1.0 + u.powi(deg as i32)) * (1.0 + y));
        let mut p = scale;
        for j in 0..=deg {
            m[i][j] = p;
            if j > 0 {
                m[i][deg + j] = -y * p;
            }
            p *= u;
        }
        rhs[i] = scale * y;
    }
    solve(&mut m, &mut rhs)
}

/// One biquad interpolating the analogue `|H|²` of `sec` (normalised `s`, at `w0` rad/sample) at
/// the five normalised frequencies `nodes` (`nodes[0]` must be 0: DC is matched exactly).
pub fn fit_biquad(sec: &AnalogSection, w0: f64, nodes: &[f64; 5]) -> Option<EqSection> {
    let phi_ref = (0.5 * w0).sin().powi(2);
    let x = fit_system(sec, w0, phi_ref, nodes, 2)?;
    let n0 = x[0];
    if !(n0 > 0.0) {
        return None;
    }
    let num = (x[1] / (phi_ref * n0), x[2] / (phi_ref * phi_ref * n0));
    let den = (x[3] / phi_ref, x[4] / (phi_ref * phi_ref));
    section_from_quadratics(n0, num, den)
}

/// One biquad with a zero at DC (`(1 − z⁻¹)(c0 + c1 z⁻¹)`) interpolating the analogue `|H|²` of
/// the band pass `sec` at the four normalised frequencies `nodes` (all above DC): `|H|² =
/// u·(n1 + n2·u)/(1 + d1·u + d2·u²)` in `u = φ/φ(w0)`, a 4×4 solve.
pub fn fit_band_pass(sec: &AnalogSection, w0: f64, nodes: &[f64; 4]) -> Option<EqSection> {
    let phi_ref = (0.5 * w0).sin().powi(2);
    let mut m = [[0.0; 4]; 4];
    let mut rhs = [0.0; 4];
    for (i, &w) in nodes.iter().enumerate() {
        let u = (0.5 * w * w0).sin().powi(2) / phi_ref;
        let y = sec.magnitude_sq(w);
        let scale = 1.0 / ((1.0 + u * u) * (1.0 + y));
        m[i] = [scale * u, scale * u * u, -y * scale * u, -y * scale * u * u];
        rhs[i] = scale * y;
    }
    let [n1, n2, d1, d2] = solve(&mut m, &mut rhs)?;
    // |c0 + c1 z⁻¹|² = (n1 + n2·u) / (4·φ_ref) is linear in φ: P² at DC, M² at Nyquist.
    let p2 = n1 / (4.0 * phi_ref);
    let m2 = (n1 + n2 / phi_ref) / (4.0 * phi_ref);
    if !(p2 > 0.0 && m2 > 0.0) {
        return None;
    }
    let (p, mm) = (p2.sqrt(), m2.sqrt());
    let (c0, c1) = (0.5 * (p + mm), 0.5 * (p - mm));
    let (dp, dm, dc) = vicanek_triple(d1 / phi_ref, d2 / (phi_ref * phi_ref))?;
    let d = factor_min_phase(dp, dm, dc)?;
    if !(d[0] > 0.0 && (d[2] / d[0]).abs() < 1.0 - 1e-12) {
        return None;
    }
    let g = 1.0 / d[0];
    Some(EqSection {
        biquad: BiquadCoefficients {
            b0: c0 * g,
            b1: (c1 - c0) * g,
            b2: -c1 * g,
            a1: d[1] / d[0],
            a2: d[2] / d[0],
        },
        num_dc: 0.0,
        num_nyquist: 2.0 * mm * g,
        den_dc: dp / d[0],
        den_nyquist: dm / d[0],
    })
}

/// A notch biquad with its zeros exactly on the unit circle at `w0` and its poles fitted so the
/// squared magnitude `16·g²·(φ − φ0)²/(1 + d1·φ + d2·φ²)` equals the analogue `|H|²` of `sec` at
/// DC and at the two normalised frequencies `nodes` (a 2×2 solve).
pub fn fit_notch(sec: &AnalogSection, w0: f64, nodes: &[f64; 2]) -> Option<EqSection> {
    let phi0 = (0.5 * w0).sin().powi(2);
    let dc = sec.magnitude_sq(0.0);
    if !(dc > 0.0 && phi0 > 0.0 && phi0 < 1.0) {
        return None;
    }
    // DC: 16·g²·φ0² = dc.
    let g2 = dc / (16.0 * phi0 * phi0);
    let mut m = [[0.0; 2]; 2];
    let mut rhs = [0.0; 2];
    for (i, &w) in nodes.iter().enumerate() {
        let phi = (0.5 * w * w0).sin().powi(2);
        let y = sec.magnitude_sq(w);
        if !(y > 0.0) {
            return None;
        }
        // 1 + d1·φ + d2·φ² = 16·g²·(φ − φ0)²/y.
        m[i] = [phi, phi * phi];
        rhs[i] = 16.0 * g2 * (phi - phi0).powi(2) / y - 1.0;
    }
    let [d1, d2] = solve(&mut m, &mut rhs)?;
    let (dp, dm, dc_) = vicanek_triple(d1, d2)?;
    let d = factor_min_phase(dp, dm, dc_)?;
    if !(d[0] > 0.0 && (d[2] / d[0]).abs() < 1.0 - 1e-12) {
        return None;
    }
    // Numerator k·(1 − 2cos(w0)·z⁻¹ + z⁻²) with |·|² = 16·k²·(φ − φ0)²: k = √g² / d0.
    let k = g2.sqrt() / d[0];
    let c = w0.cos();
    Some(EqSection {
        biquad: BiquadCoefficients {
            b0: k,
            b1: -2.0 * c * k,
            b2: k,
            a1: d[1] / d[0],
            a2: d[2] / d[0],
        },
        num_dc: 4.0 * phi0 * k,
        num_nyquist: 4.0 * (1.0 - phi0) * k,
        den_dc: dp / d[0],
        den_nyquist: dm / d[0],
    })
}

#[derive(Clone, Copy, Debug)]
struct C64(f64, f64);

impl C64 {
    fn add(self, o: Self) -> Self {
        C64(self.0 + o.0, self.1 + o.1)
    }
    fn sub(self, o: Self) -> Self {
        C64(self.0 - o.0, self.1 - o.1)
    }
    fn mul(self, o: Self) -> Self {
        C64(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
    }
    fn div(self, o: Self) -> Self {
        let d = o.0 * o.0 + o.1 * o.1;
        C64(
            (self.0 * o.0 + self.1 * o.1) / d,
            (self.1 * o.0 - self.0 * o.1) / d,
        )
    }
    fn abs(self) -> f64 {
        self.0.hypot(self.1)
    }
}

/// Splits `1 + c1 u + c2 u² + c3 u³ + c4 u⁴` into two real quadratics `1 + e1 u + e2 u²` (roots
/// by Durand–Kerner, conjugates paired), ordered by the modulus of their roots.
pub(crate) fn split_quartic(c: [f64; 4]) -> Option<[(f64, f64); 2]> {
    let [c1, c2, c3, c4] = c;
    if !(c4.abs() > 0.0) {
        return None;
    }
    // Monic: u⁴ + a3 u³ + a2 u² + a1 u + a0.
    let (a0, a1, a2, a3) = (1.0 / c4, c1 / c4, c2 / c4, c3 / c4);
    let eval = |z: C64| {
        let mut acc = C64(1.0, 0.0);
        for k in [a3, a2, a1, a0] {
            acc = acc.mul(z).add(C64(k, 0.0));
        }
        acc
    };
    let radius = 1.0
        + a0.abs()
            .max(a1.abs())
            .max(a2.abs())
            .max(a3.abs())
            .powf(0.25);
    let seed = C64(0.4, 0.9);
    let mut z = [C64(radius, 0.0); 4];
    let mut s = C64(radius * 0.5, 0.0);
    for zi in z.iter_mut() {
        s = s.mul(seed);
        *zi = s;
    }
    for _ in 0..ROOT_ITERATIONS {
        let mut moved = 0.0f64;
        for i in 0..4 {
            let mut den = C64(1.0, 0.0);
            for j in 0..4 {
                if i != j {
                    den = den.mul(z[i].sub(z[j]));
                }
            }
            let step = eval(z[i]).div(den);
            z[i] = z[i].sub(step);
            moved = moved.max(step.abs() / z[i].abs().max(1e-300));
        }
        if moved < 1e-11 {
            break;
        }
    }
    // Pair: the root with the largest |imag| with its conjugate partner, the rest together.
    let mut order = [0usize, 1, 2, 3];
    order.sort_by(|&x, &y| z[y].1.abs().total_cmp(&z[x].1.abs()));
    let first = order[0];
    let partner = *order[1..]
        .iter()
        .min_by(|&&x, &&y| {
            let dx = (z[x].0 - z[first].0).abs() + (z[x].1 + z[first].1).abs();
            let dy = (z[y].0 - z[first].0).abs() + (z[y].1 + z[first].1).abs();
            dx.total_cmp(&dy)
        })
        .unwrap_or(&order[1]);
    let rest: [usize; 2] = {
        let mut r = [0; 2];
        let mut k = 0;
        for i in 0..4 {
            if i != first && i != partner {
                r[k] = i;
                k += 1;
            }
        }
        r
    };
    let quad = |p: C64, q: C64| -> Option<(f64, f64, f64)> {
        // (u − p)(u − q) = u² − (p + q) u + p q, normalised to 1 at u = 0.
        let sum = p.add(q);
        let prod = p.mul(q);
        let scale = prod.abs().max(1e-300);
        if sum.1.abs() > 1e-6 * (sum.0.abs() + scale.sqrt()) || prod.1.abs() > 1e-6 * scale {
            return None;
        }
        Some((-sum.0 / prod.0, 1.0 / prod.0, prod.0.abs()))
    };
    let (e1a, e2a, ma) = quad(z[first], z[partner])?;
    let (e1b, e2b, mb) = quad(z[rest[0]], z[rest[1]])?;
    if !(e1a.is_finite() && e2a.is_finite() && e1b.is_finite() && e2b.is_finite()) {
        return None;
    }
    Some(if ma <= mb {
        [(e1a, e2a), (e1b, e2b)]
    } else {
        [(e1b, e2b), (e1a, e2a)]
    })
}

/// Two biquads whose cascade interpolates the analogue `|H|²` of `sec` at the nine normalised
/// frequencies `nodes` (`nodes[0]` must be 0); the numerator and denominator quadratics are paired
/// by root modulus (lower zeros with lower poles).
pub fn fit_two_biquads(sec: &AnalogSection, w0: f64, nodes: &[f64; 9]) -> Option<[EqSection; 2]> {
    let phi_ref = (0.5 * w0).sin().powi(2);
    let x = fit_system(sec, w0, phi_ref, nodes, 4)?;
    let n0 = x[0];
    if !(n0 > 0.0) {
        return None;
    }
    let num = split_quartic([x[1] / n0, x[2] / n0, x[3] / n0, x[4] / n0])?;
    let den = split_quartic([x[5], x[6], x[7], x[8]])?;
    // Back from u = φ/φ_ref to φ.
    let to_phi = |(e1, e2): (f64, f64)| (e1 / phi_ref, e2 / (phi_ref * phi_ref));
    let s0 = section_from_quadratics(n0, to_phi(num[0]), to_phi(den[0]))?;
    let s1 = section_from_quadratics(1.0, to_phi(num[1]), to_phi(den[1]))?;
    Some([s0, s1])
}
