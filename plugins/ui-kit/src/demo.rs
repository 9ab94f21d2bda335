//! Demo input for the plugins' standalone builds (feature `standalone`), used for screenshots.
//!
//! When the environment variable [`DEMO_ENV`] (`VERNIS_DEMO`) is set, a standalone replaces its
//! (silent) input with dsp-core's synthesised demo programme, looped. The value is a number of
//! seconds the plugin may run through its analysis at once before the first block (default 0), so
//! a screenshot taken a few seconds after start already shows a history. [`DEMO_GAIN_ENV`]
//! (`VERNIS_DEMO_GAIN_DB`) scales the programme (e.g. `+5` to drive a limiter into a few dB of gain
//! reduction; the programme itself peaks at −1 dBFS).
//!
//! Plugin bundles are built without the `standalone` feature and never construct a [`DemoInput`].

use std::ops::Range;

use dsp_core::demo::demo_programme;
use dsp_core::units::db_to_gain;

/// Name of the environment variable that switches the demo input on (value: warm-up seconds).
pub const DEMO_ENV: &str = "VERNIS_DEMO";

/// Name of the environment variable with the gain applied to the demo programme, in dB.
pub const DEMO_GAIN_ENV: &str = "VERNIS_DEMO_GAIN_DB";

/// The looping demo programme and the play position.
pub struct DemoInput {
    programme: Vec<Vec<f32>>,
    position: usize,
    warmup_frames: Option<usize>,
}

impl DemoInput {
    /// Renders the programme when `VERNIS_DEMO` is set (allocates; call from `activate`).
    pub fn from_env(sample_rate_hz: f64) -> Option<Self> {
        let value = std::env::var(DEMO_ENV).ok()?;
        let warmup_s: f64 = value.trim().parse().unwrap_or(0.0);
        let gain_db: f64 = std::env::var(DEMO_GAIN_ENV)
            .ok()
            .and_then(|v| v.trim().trim_start_matches('+').parse().ok())
            .unwrap_or(0.0);
        Self::new(sample_rate_hz, warmup_s, gain_db)
    }

    /// Renders the programme at `sample_rate_hz`, scaled by `gain_db`, with `warmup_s` seconds of
    /// warm-up (allocates).
    pub fn new(sample_rate_hz: f64, warmup_s: f64, gain_db: f64) -> Option<Self> {
        let mut programme = demo_programme(sample_rate_hz);
        let len = programme.first().map_or(0, Vec::len);
        if len == 0 {
            return None;
        }
        if gain_db != 0.0 && gain_db.is_finite() {
            let gain = db_to_gain(gain_db) as f32;
            for x in programme.iter_mut().flatten() {
                *x *= gain;
            }
        }
        let warmup = ((warmup_s.max(0.0) * sample_rate_hz) as usize).min(len);
        Some(Self {
            programme,
            position: 0,
            warmup_frames: (warmup > 0).then_some(warmup),
        })
    }

    /// The frames to analyse at once before the first block, once; moves the play position past
    /// them.
    pub fn take_warmup(&mut self) -> Option<Range<usize>> {
        let frames = self.warmup_frames.take()?;
        self.position = frames % self.len();
        Some(0..frames)
    }

    /// Samples `range` of the programme channel feeding output channel `channel`.
    pub fn channel(&self, channel: usize, range: Range<usize>) -> &[f32] {
        &self.programme[channel % self.programme.len()][range]
    }

    fn len(&self) -> usize {
        self.programme[0].len()
    }

    /// Overwrites `channels` with the next frames of the programme (looping). Allocation-free.
    pub fn fill(&mut self, channels: &mut [&mut [f32]]) {
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let len = self.len();
        let mut done = 0;
        while done < frames {
            let take = (frames - done).min(len - self.position);
            for (c, out) in channels.iter_mut().enumerate() {
                out[done..done + take]
                    .copy_from_slice(self.channel(c, self.position..self.position + take));
            }
            done += take;
            self.position = (self.position + take) % len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gain_warmup_and_looping() {
        let fs = 8_000.0;
        let plain = DemoInput::new(fs, 0.0, 0.0).unwrap();
        let mut hot = DemoInput::new(fs, 1.0, 6.0).unwrap();
        let a = plain.channel(0, 16_000..16_100);
        let b = hot.channel(0, 16_000..16_100);
        for (x, y) in a.iter().zip(b) {
            assert!((y - x * 1.995_262_3).abs() <= 1e-6 * (1.0 + x.abs()));
        }
        assert_eq!(hot.take_warmup(), Some(0..8_000));
        assert_eq!(hot.take_warmup(), None);
        let mut left = vec![0.0; 300];
        let mut right = vec![0.0; 300];
        hot.fill(&mut [&mut left, &mut right]);
        assert_eq!(&left[..], hot.channel(0, 8_000..8_300));
        assert_eq!(&right[..], hot.channel(1, 8_000..8_300));
    }
}
