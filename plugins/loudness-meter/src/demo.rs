//! Demo input for the standalone build (feature `standalone`), used for screenshots.
//!
//! When the environment variable `VERNIS_DEMO` is set, the standalone replaces its input with
//! dsp-core's synthesised demo programme (looped). The value is a number of seconds measured at
//! once on the first block (default 0), so a screenshot taken a few seconds after start already
//! shows a history. Plugin bundles are built without this feature and never write to the buffer.

use std::ops::Range;

use dsp_core::demo::demo_programme;

/// Name of the environment variable that switches the demo input on.
pub const DEMO_ENV: &str = "VERNIS_DEMO";

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
        let programme = demo_programme(sample_rate_hz);
        let len = programme.first().map_or(0, Vec::len);
        if len == 0 {
            return None;
        }
        let warmup = ((warmup_s.max(0.0) * sample_rate_hz) as usize).min(len);
        Some(Self {
            programme,
            position: 0,
            warmup_frames: (warmup > 0).then_some(warmup),
        })
    }

    /// The frames to measure at once before the first block, once; moves the play position past them.
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
