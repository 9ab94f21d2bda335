//! The selective filter in front of a dynamic band's level detector: four identical trapezoidal
//! band passes `(s/Q)/(s² + s/Q + 1)` in cascade, prewarped to the band's centre.
//!
//! At the centre each section is exactly 0 dB with zero phase, so a steady sine at f0 reaches the
//! detector at its own level (Peak reads its peak, RMS its RMS). Two octaves away one section
//! passes `1/√(1 + 14.06·Q²)`; four pass its fourth power: −36 dB at the narrowest detector Q
//! ([`MIN_DETECTOR_Q`]), so tones two octaves below and above, as loud as the tone at f0, move a
//! 4:1 band's offset by less than 0.2 dB in the worst phase (tests/dynamic_eq.rs). Wider bands
//! detect at [`MIN_DETECTOR_Q`]: a detector wider than that could not keep that promise.

use crate::filter::eq_section::SvfCoefficients;

/// Band-pass sections in the detector.
pub const DETECTOR_SECTIONS: usize = 4;
/// Lowest Q the detector runs at (bands wider than this detect at this Q).
pub const MIN_DETECTOR_Q: f64 = 0.7;

/// The detector tuning: one band pass, repeated [`DETECTOR_SECTIONS`] times.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DetectorFilter {
    c: SvfCoefficients,
}

impl DetectorFilter {
    /// A detector centred on `frequency_hz` (below Nyquist) with `q` (at least [`MIN_DETECTOR_Q`]).
    pub fn new(frequency_hz: f64, q: f64, sample_rate_hz: f64) -> Self {
        Self {
            c: SvfCoefficients::band_pass(frequency_hz, q.max(MIN_DETECTOR_Q), sample_rate_hz),
        }
    }

    /// Filters `block` in place through the cascade, advancing `state`.
    pub fn process(&self, state: &mut DetectorState, block: &mut [f32]) {
        let mut st = state.sections;
        for x in block.iter_mut() {
            let mut v = *x;
            for s in &mut st {
                v = self.tick(s, v);
            }
            *x = v;
        }
        state.sections = st;
        state.sanitize();
    }

    /// Filters the first `n` samples of `rows[i]` through `filters[i]` with `states[i]`, for every
    /// row at once: groups of [`BANK_LANES`] rows run as vector lanes, sample by sample (the same
    /// arithmetic per row as [`process`](Self::process), so the same results), built for the
    /// widest vector instructions `simd` allows.
    pub fn process_bank(
        filters: &[DetectorFilter],
        states: &mut [DetectorState],
        rows: &mut [[f32; super::eq_band::CHUNK]],
        n: usize,
        simd: crate::simd::SimdLevel,
    ) {
        let lanes = filters.len().min(states.len()).min(rows.len());
        let n = n.min(super::eq_band::CHUNK);
        crate::dynamics::band_bank::in_simd_build(
            simd,
            #[inline(always)]
            || {
                let mut start = 0;
                while start < lanes {
                    let end = (start + BANK_LANES).min(lanes);
                    bank_group(
                        &filters[start..end],
                        &mut states[start..end],
                        &mut rows[start..end],
                        n,
                    );
                    start = end;
                }
            },
        );
        for st in &mut states[..lanes] {
            st.sanitize();
        }
    }

    /// One band-pass section, one sample.
    #[inline(always)]
    fn tick(&self, s: &mut [f32; 2], x: f32) -> f32 {
        let c = &self.c;
        let hp = (x - c.g_plus_k * s[0] - s[1]) * c.d;
        let v1 = c.g * hp;
        let bp = v1 + s[0];
        s[0] = bp + v1;
        s[1] += 2.0 * c.g * bp;
        c.m1 * bp
    }
}

/// Rows filtered side by side as the lanes of one vector.
pub const BANK_LANES: usize = 16;

/// Up to [`BANK_LANES`] rows as lanes (unused lanes run on zeros and are not written back).
#[inline(always)]
#[allow(clippy::needless_range_loop)] // lanes indexed alike across several arrays
fn bank_group(
    filters: &[DetectorFilter],
    states: &mut [DetectorState],
    rows: &mut [[f32; super::eq_band::CHUNK]],
    n: usize,
) {
    const L: usize = BANK_LANES;
    let used = filters.len().min(states.len()).min(rows.len()).min(L);
    let mut g = [0.0f32; L];
    let mut gk = [0.0f32; L];
    let mut d = [0.0f32; L];
    let mut m1 = [0.0f32; L];
    let mut s1 = [[0.0f32; L]; DETECTOR_SECTIONS];
    let mut s2 = [[0.0f32; L]; DETECTOR_SECTIONS];
    for j in 0..used {
        let c = &filters[j].c;
        (g[j], gk[j], d[j], m1[j]) = (c.g, c.g_plus_k, c.d, c.m1);
        for k in 0..DETECTOR_SECTIONS {
            s1[k][j] = states[j].sections[k][0];
            s2[k][j] = states[j].sections[k][1];
        }
    }
    // Samples move between the rows and the lanes a block at a time (row reads and writes stay
    // contiguous instead of a gather and a scatter per sample).
    const BLOCK: usize = 16;
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        let mut block = [[0.0f32; L]; BLOCK];
        for j in 0..used {
            for (v, &x) in block.iter_mut().zip(&rows[j][start..start + len]) {
                v[j] = x;
            }
        }
        for v in &mut block[..len] {
            for k in 0..DETECTOR_SECTIONS {
                let (a, b) = (&mut s1[k], &mut s2[k]);
                for j in 0..L {
                    // The arithmetic of `DetectorFilter::tick`, lane by lane.
                    let hp = (v[j] - gk[j] * a[j] - b[j]) * d[j];
                    let v1 = g[j] * hp;
                    let bp = v1 + a[j];
                    a[j] = bp + v1;
                    b[j] += 2.0 * g[j] * bp;
                    v[j] = m1[j] * bp;
                }
            }
        }
        for j in 0..used {
            for (v, x) in block.iter().zip(&mut rows[j][start..start + len]) {
                *x = v[j];
            }
        }
        start += len;
    }
    for j in 0..used {
        for k in 0..DETECTOR_SECTIONS {
            states[j].sections[k] = [s1[k][j], s2[k][j]];
        }
    }
}

/// Integrator states of one channel's detector cascade.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DetectorState {
    sections: [[f32; 2]; DETECTOR_SECTIONS],
}

impl DetectorState {
    /// Clears the integrators when any holds NaN or ±∞ (after bad input).
    fn sanitize(&mut self) {
        if !self.sections.iter().flatten().all(|v| v.is_finite()) {
            *self = Self::default();
        }
    }
}
