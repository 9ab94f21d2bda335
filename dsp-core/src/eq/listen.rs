//! Solo / listen: the output becomes the soloed bands' regions, each the EQ's output through a
//! band pass `(s/Q)/(s² + s/Q + 1)` at the band's frequency and Q (0 dB at the centre).
//!
//! Each band has a listen weight `w` ramped over [`LISTEN_RAMP_MS`]; the output is
//! `y·(1 − min(1, Σw)) + Σ w·BP(y)`, so soloing, unsoloing and moving the solo from one band to
//! another cross-fade without a click. A band pass whose weight starts from 0 starts from silence
//! (at the sample the setting arrives, so any block partition gives the same output). With no
//! band soloed and no ramp running, nothing is computed and the output is untouched.

use super::eq_band::CHUNK;
use super::settings::MAX_EQ_BANDS;
use crate::filter::eq_section::{SvfCoefficients, SvfState};
use crate::smoothing::LinearSmoother;

/// Cross-fade of solo on/off, ms.
pub const LISTEN_RAMP_MS: f64 = 10.0;

/// The band pass of a band at `frequency_hz` (below Nyquist) and `q`.
pub fn listen_filter(frequency_hz: f64, q: f64, sample_rate_hz: f64) -> SvfCoefficients {
    SvfCoefficients::band_pass(frequency_hz, q, sample_rate_hz)
}

/// The solo state of every band (see the module docs).
#[derive(Debug, Clone)]
pub struct Listen {
    weights: [LinearSmoother; MAX_EQ_BANDS],
    states: [[SvfState; 2]; MAX_EQ_BANDS],
    /// Output accumulated over the soloed bands, per channel.
    sum: Box<[[f32; CHUNK]; 2]>,
    /// One band's band pass of the chunk.
    band: Box<[f32; CHUNK]>,
    fresh: bool,
}

impl Default for Listen {
    fn default() -> Self {
        Self::new()
    }
}

impl Listen {
    /// Nothing soloed.
    pub fn new() -> Self {
        Self {
            weights: [LinearSmoother::new(LISTEN_RAMP_MS, 0.0); MAX_EQ_BANDS],
            states: [[SvfState::default(); 2]; MAX_EQ_BANDS],
            sum: Box::new([[0.0; CHUNK]; 2]),
            band: Box::new([0.0; CHUNK]),
            fresh: true,
        }
    }

    /// Sets the ramp length for `sample_rate_hz` and resets.
    pub fn prepare(&mut self, sample_rate_hz: f64) {
        for w in &mut self.weights {
            w.prepare(sample_rate_hz);
        }
        self.reset();
    }

    /// Back to silence; the next solo settings apply without a ramp.
    pub fn reset(&mut self) {
        for w in &mut self.weights {
            w.reset(0.0);
        }
        self.states = [[SvfState::default(); 2]; MAX_EQ_BANDS];
        self.fresh = true;
    }

    /// Whether `band` is soloed (its weight heads to 1) — called when its settings apply.
    pub fn set_solo(&mut self, band: usize, soloed: bool) {
        let Some(w) = self.weights.get_mut(band) else {
            return;
        };
        let target = if soloed { 1.0 } else { 0.0 };
        if target == 1.0 && w.value() == 0.0 && !w.is_smoothing() {
            self.states[band] = [SvfState::default(); 2];
        }
        if self.fresh {
            w.reset(target);
        } else {
            w.set_target(target);
        }
    }

    /// Whether any band is heard through its band pass (or fading).
    fn active(&self) -> bool {
        self.weights
            .iter()
            .any(|w| w.is_smoothing() || w.value() != 0.0)
    }

    /// Replaces the first `n` frames of `channels` (one or two) by the soloed bands' regions;
    /// `filters[k]` is band `k`'s band pass.
    pub fn process(
        &mut self,
        channels: &mut [&mut [f32]],
        n: usize,
        filters: &[SvfCoefficients; MAX_EQ_BANDS],
    ) {
        self.fresh = false;
        if !self.active() {
            return;
        }
        let n = n.min(CHUNK);
        for sum in self.sum.iter_mut() {
            sum[..n].fill(0.0);
        }
        // The total weight per sample (1 − it is what the EQ's own output keeps).
        let total = &mut *self.band;
        total[..n].fill(0.0);
        for w in &self.weights {
            if w.is_smoothing() || w.value() != 0.0 {
                let mut ramp = *w;
                for t in &mut total[..n] {
                    *t += ramp.next_value() as f32;
                }
            }
        }
        let keep: [f32; CHUNK] = std::array::from_fn(|i| 1.0 - total[i].min(1.0));
        for (k, w) in self.weights.iter_mut().enumerate() {
            if !(w.is_smoothing() || w.value() != 0.0) {
                continue;
            }
            let c = &filters[k];
            for (ch, (samples, sum)) in channels.iter().zip(self.sum.iter_mut()).enumerate() {
                let mut ramp = *w;
                let st = &mut self.states[k][ch];
                for (s, &x) in sum[..n].iter_mut().zip(samples[..n].iter()) {
                    *s += ramp.next_value() as f32 * st.tick(c, x);
                }
                if !st.is_finite() {
                    *st = SvfState::default();
                }
            }
            for _ in 0..n {
                w.next_value();
            }
        }
        for (samples, sum) in channels.iter_mut().zip(self.sum.iter()) {
            for ((x, &s), &kept) in samples[..n].iter_mut().zip(&sum[..n]).zip(&keep[..n]) {
                *x = kept * *x + s;
            }
        }
    }
}
