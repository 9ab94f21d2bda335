//! Continuing a filter through a change of its realisation: the state of a new cascade of
//! state-variable sections whose free (zero-input) response matches the running one's.
//!
//! A cascade of `n` sections has `2n` integrators, and its free response `y[t]` is linear in
//! them: `y = O·s` with the observability matrix `O` (`2n × 2n`). Two cascades realising nearly
//! the same transfer function in different ways (other section order, zeros paired with other
//! poles, another fitted candidate) then continue each other when `O_new·s_new = O_old·s_old`:
//! the new filter rings on as the old one would have. The rows used are the successive
//! differences of the first `2n` free-response samples (the same basis on both sides, so the
//! same solution), which keeps the system well conditioned when the poles sit close to z = 1.
//! Everything runs in `f64`; a singular or non-finite solve returns `None`.

use super::eq_design::MAX_EQ_SECTIONS;
use super::eq_section::{SvfCoefficients, SvfState};

/// Most integrators of one cascade.
const MAX_STATES: usize = 2 * MAX_EQ_SECTIONS;

/// One trapezoidal SVF step in `f64` (the arithmetic of [`SvfState::tick`]).
fn tick(c: &SvfCoefficients, s: &mut [f64; 2], x: f64) -> f64 {
    let (g, gk, d) = (f64::from(c.g), f64::from(c.g_plus_k), f64::from(c.d));
    let hp = (x - gk * s[0] - s[1]) * d;
    let v1 = g * hp;
    let bp = v1 + s[0];
    s[0] = bp + v1;
    let v2 = g * bp;
    let lp = v2 + s[1];
    s[1] = lp + v2;
    f64::from(c.m0) * x + f64::from(c.m1) * bp + f64::from(c.m2) * lp
}

/// The first `m` free-response samples of `cascade` from `states` (`m` ≤ [`MAX_STATES`]),
/// replaced by their successive differences (row k = Δᵏ of the samples at 0).
fn free_response(cascade: &[SvfCoefficients], states: &[[f64; 2]], m: usize) -> [f64; MAX_STATES] {
    let mut s = [[0.0f64; 2]; MAX_EQ_SECTIONS];
    s[..cascade.len()].copy_from_slice(&states[..cascade.len()]);
    let mut y = [0.0f64; MAX_STATES];
    for out in y.iter_mut().take(m) {
        let mut v = 0.0;
        for (c, st) in cascade.iter().zip(s.iter_mut()) {
            v = tick(c, st, v);
        }
        *out = v;
    }
    // Forward differences in place: afterwards y[k] = Δᵏ y[0].
    for k in 1..m {
        for i in (k..m).rev() {
            y[i] -= y[i - 1];
        }
    }
    y
}

/// The state of `new` whose free response continues that of `old` from `old_states` (matched
/// over the first `2·new.len()` samples, so the cascades may differ in length), or None when it
/// cannot be solved.
#[allow(clippy::needless_range_loop)] // matrix rows and columns indexed alike
pub fn matched_states(
    old: &[SvfCoefficients],
    old_states: &[SvfState],
    new: &[SvfCoefficients],
) -> Option<[SvfState; MAX_EQ_SECTIONS]> {
    let (n_old, n) = (old.len(), new.len());
    if n == 0 || n_old == 0 || n.max(n_old) > MAX_EQ_SECTIONS || old_states.len() < n_old {
        return None;
    }
    let m = 2 * n;
    let mut current = [[0.0f64; 2]; MAX_EQ_SECTIONS];
    for (c, st) in current.iter_mut().zip(&old_states[..n_old]) {
        let [a, b] = st.integrators();
        *c = [f64::from(a), f64::from(b)];
    }
    if current[..n_old].iter().flatten().all(|&v| v == 0.0) {
        return Some([SvfState::default(); MAX_EQ_SECTIONS]);
    }
    let target = free_response(old, &current, m);
    // Columns of O_new: the free response from each unit integrator.
    let mut matrix = [[0.0f64; MAX_STATES + 1]; MAX_STATES];
    for j in 0..m {
        let mut unit = [[0.0f64; 2]; MAX_EQ_SECTIONS];
        unit[j / 2][j % 2] = 1.0;
        let column = free_response(new, &unit, m);
        for i in 0..m {
            matrix[i][j] = column[i];
        }
    }
    for i in 0..m {
        matrix[i][m] = target[i];
    }
    let x = solve(&mut matrix, m)?;
    let mut out = [SvfState::default(); MAX_EQ_SECTIONS];
    for (k, st) in out.iter_mut().take(n).enumerate() {
        let v = [x[2 * k] as f32, x[2 * k + 1] as f32];
        if !(v[0].is_finite() && v[1].is_finite()) {
            return None;
        }
        *st = SvfState::from_integrators(v);
    }
    Some(out)
}

/// Solves the `m × m` system in `a` (right-hand side in column `m`) by Gaussian elimination with
/// partial pivoting; None when it is singular.
#[allow(clippy::needless_range_loop)] // matrix rows and columns indexed alike
fn solve(a: &mut [[f64; MAX_STATES + 1]; MAX_STATES], m: usize) -> Option<[f64; MAX_STATES]> {
    for col in 0..m {
        let pivot = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 || !a[pivot][col].is_finite() {
            return None;
        }
        a.swap(col, pivot);
        for row in col + 1..m {
            let f = a[row][col] / a[col][col];
            for k in col..=m {
                a[row][k] -= f * a[col][k];
            }
        }
    }
    let mut x = [0.0f64; MAX_STATES];
    for row in (0..m).rev() {
        let mut v = a[row][m];
        for k in row + 1..m {
            v -= a[row][k] * x[k];
        }
        x[row] = v / a[row][row];
    }
    x[..m].iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::eq_design::design;
    use crate::filter::eq_section::EqFilter;
    use crate::filter::eq_shape::{EqShape, EqShapeSettings};

    #[test]
    fn a_reordered_cascade_continues_the_running_one() {
        // Two sections (a bell high enough to need the anti-cramping pair) in either order realise
        // the same filter: switched mid-signal with the
        // matched state, the output goes on as if nothing had changed.
        let settings = EqShapeSettings {
            shape: EqShape::Bell,
            frequency_hz: 9_000.0,
            gain_db: 9.0,
            q: 2.0,
            ..EqShapeSettings::default()
        };
        let d = design(&settings, 48_000.0);
        assert_eq!(d.sections().len(), 2);
        let c: Vec<SvfCoefficients> = d
            .sections()
            .iter()
            .map(SvfCoefficients::from_section)
            .collect();
        let swapped = [c[1], c[0]];
        let input: Vec<f32> = (0..4000)
            .map(|i| ((i as f32) * 0.031).sin() * ((i as f32) * 0.0007).cos())
            .collect();
        let mut reference = EqFilter::new(&d);
        let want: Vec<f32> = input.iter().map(|&x| reference.tick(x)).collect();
        // Run the first half, then continue on the swapped cascade from the matched state.
        let mut states = [SvfState::default(); 2];
        let mut got = Vec::new();
        for &x in &input[..2000] {
            let mut v = x;
            for (cc, st) in c.iter().zip(states.iter_mut()) {
                v = st.tick(cc, v);
            }
            got.push(v);
        }
        let matched = matched_states(&c, &states, &swapped).unwrap();
        let mut states = [matched[0], matched[1]];
        for &x in &input[2000..] {
            let mut v = x;
            for (cc, st) in swapped.iter().zip(states.iter_mut()) {
                v = st.tick(cc, v);
            }
            got.push(v);
        }
        let err = got
            .iter()
            .zip(&want)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(err < 1e-4, "{err}");
        // Keeping the old state instead (what a plain coefficient swap does) clicks.
        let mut states = [SvfState::default(); 2];
        let mut plain = Vec::new();
        for (i, &x) in input.iter().enumerate() {
            let cascade = if i < 2000 { [c[0], c[1]] } else { swapped };
            let mut v = x;
            for (cc, st) in cascade.iter().zip(states.iter_mut()) {
                v = st.tick(cc, v);
            }
            plain.push(v);
        }
        let plain_err = plain
            .iter()
            .zip(&want)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(plain_err > 100.0 * err.max(1e-6), "{plain_err} vs {err}");
    }

    #[test]
    fn a_bell_going_from_one_section_to_two_does_not_click() {
        // Gliding up, a bell changes from one biquad to the anti-cramping pair (the new second
        // section starts from silence): right after the switch the output stays as close to
        // a filter that ran the pair all along as the two realisations are in steady state.
        let bell = |frequency_hz| EqShapeSettings {
            shape: EqShape::Bell,
            frequency_hz,
            gain_db: 12.0,
            q: 1.0,
            ..EqShapeSettings::default()
        };
        let fs = 48_000.0;
        let mut f = 1_000.0;
        while design(&bell(f * 1.01), fs).sections().len() == 1 {
            f *= 1.01;
            assert!(f < 20_000.0, "no bell takes two sections");
        }
        // Bisect to neighbouring settings, so the two filters differ only in realisation.
        let (mut lo, mut hi) = (f, f * 1.01);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            if design(&bell(mid), fs).sections().len() == 1 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let (one, two) = (design(&bell(lo), fs), design(&bell(hi), fs));
        let input: Vec<f32> = (0..6000)
            .map(|i| ((i as f32) * 0.61).sin() * 0.5 + ((i as f32) * 0.093).sin() * 0.4)
            .collect();
        let run = |switch_at: usize| {
            let mut filter = EqFilter::new(if switch_at == 0 { &two } else { &one });
            let out: Vec<f32> = (input.iter().enumerate())
                .map(|(i, &x)| {
                    if i == switch_at && i > 0 {
                        filter.retune(&two);
                    }
                    filter.tick(x)
                })
                .collect();
            out
        };
        let (pair, single, switched) = (run(0), run(usize::MAX), run(3000));
        let worst = |a: &[f32], b: &[f32]| {
            a[3000..3400]
                .iter()
                .zip(&b[3000..3400])
                .fold(0.0f32, |m, (x, y)| m.max((x - y).abs()))
        };
        let (steady, click) = (worst(&single, &pair), worst(&switched, &pair));
        eprintln!(
            "one → two sections at {lo:.1} Hz: {click:.2e} after the switch, {steady:.2e} steady"
        );
        assert!(click <= 1.5 * steady, "{click} vs {steady} at {lo} Hz");
    }
}
