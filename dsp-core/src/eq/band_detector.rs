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
        let w = (std::f64::consts::PI * frequency_hz / sample_rate_hz).min(1.55);
        let g = w.tan();
        let k = 1.0 / q.max(MIN_DETECTOR_Q);
        Self {
            c: SvfCoefficients {
                g: g as f32,
                g_plus_k: (g + k) as f32,
                d: (1.0 / (1.0 + g * (g + k))) as f32,
                m0: 0.0,
                m1: k as f32,
                m2: 0.0,
            },
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
    /// row at once, sample by sample (so the rows' recursions overlap; no row waits for another).
    pub fn process_bank(
        filters: &[DetectorFilter],
        states: &mut [DetectorState],
        rows: &mut [[f32; super::eq_band::CHUNK]],
        n: usize,
    ) {
        let lanes = filters.len().min(states.len()).min(rows.len());
        // Sample-major on purpose: the lanes are the inner loop.
        let n = n.min(super::eq_band::CHUNK);
        #[allow(clippy::needless_range_loop)]
        for i in 0..n {
            for lane in 0..lanes {
                let (f, st) = (&filters[lane], &mut states[lane].sections);
                let mut v = rows[lane][i];
                for s in st.iter_mut() {
                    v = f.tick(s, v);
                }
                rows[lane][i] = v;
            }
        }
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
