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
        let c = &self.c;
        for st in &mut state.sections {
            let (mut s1, mut s2) = (st[0], st[1]);
            for x in block.iter_mut() {
                let hp = (*x - c.g_plus_k * s1 - s2) * c.d;
                let v1 = c.g * hp;
                let bp = v1 + s1;
                s1 = bp + v1;
                let v2 = c.g * bp;
                s2 += 2.0 * v2;
                *x = c.m1 * bp;
            }
            *st = if s1.is_finite() && s2.is_finite() {
                [s1, s2]
            } else {
                [0.0, 0.0]
            };
        }
    }
}

/// Integrator states of one channel's detector cascade.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DetectorState {
    sections: [[f32; 2]; DETECTOR_SECTIONS],
}
