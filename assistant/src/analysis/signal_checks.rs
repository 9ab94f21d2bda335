//! Plain signal checks: DC offset, clipping runs, non-finite samples, head and tail silence.

use crate::programme::Programme;
use serde::Serialize;

/// A sample at or above this magnitude counts as clipped (−0.01 dBFS).
pub const CLIP_LEVEL: f32 = 0.998_849_3;
/// Consecutive clipped samples of one channel that make a clipping run.
pub const MIN_CLIP_RUN: usize = 3;
/// Head and tail silence end where any channel first (last) exceeds this, dBFS.
pub const SILENCE_DBFS: f64 = -60.0;

/// Results of the signal checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalChecks {
    /// Mean of each channel, dBFS (`-inf` for none).
    pub dc_offset_dbfs: Vec<f64>,
    /// Runs of at least [`MIN_CLIP_RUN`] clipped samples, over all channels.
    pub clipping_runs: usize,
    /// Samples in those runs.
    pub clipped_samples: usize,
    /// Longest run, samples.
    pub longest_clip_run: usize,
    /// Where the first run starts, s (None without any).
    pub first_clip_s: Option<f64>,
    /// NaN or infinite samples (they count as silence everywhere else).
    pub non_finite_samples: usize,
    /// Silence before the first sample above [`SILENCE_DBFS`], s (the whole length if none).
    pub head_silence_s: f64,
    /// Silence after the last sample above [`SILENCE_DBFS`], s (the whole length if none).
    pub tail_silence_s: f64,
}

impl SignalChecks {
    /// Runs every check over `programme`.
    pub fn measure(programme: &Programme) -> Self {
        let fs = programme.sample_rate_hz();
        let frames = programme.frames();
        let threshold = 10f64.powf(SILENCE_DBFS / 20.0) as f32;
        let mut checks = Self {
            dc_offset_dbfs: Vec::new(),
            clipping_runs: 0,
            clipped_samples: 0,
            longest_clip_run: 0,
            first_clip_s: None,
            non_finite_samples: 0,
            head_silence_s: 0.0,
            tail_silence_s: 0.0,
        };
        let (mut first_loud, mut last_loud) = (frames, None::<usize>);
        let mut first_clip = None::<usize>;
        for channel in programme.channels() {
            let mut sum = 0.0f64;
            let mut run = 0usize;
            let mut close_run = |run: usize, end: usize, checks: &mut Self| {
                if run >= MIN_CLIP_RUN {
                    checks.clipping_runs += 1;
                    checks.clipped_samples += run;
                    checks.longest_clip_run = checks.longest_clip_run.max(run);
                    let start = end - run;
                    first_clip = Some(first_clip.map_or(start, |f: usize| f.min(start)));
                }
            };
            for (i, &x) in channel.iter().enumerate() {
                let x = if x.is_finite() {
                    x
                } else {
                    checks.non_finite_samples += 1;
                    0.0
                };
                sum += f64::from(x);
                let magnitude = x.abs();
                if magnitude > threshold {
                    first_loud = first_loud.min(i);
                    last_loud = Some(last_loud.map_or(i, |l| l.max(i)));
                }
                if magnitude >= CLIP_LEVEL {
                    run += 1;
                } else {
                    close_run(run, i, &mut checks);
                    run = 0;
                }
            }
            close_run(run, channel.len(), &mut checks);
            let mean = if channel.is_empty() {
                0.0
            } else {
                sum / channel.len() as f64
            };
            checks.dc_offset_dbfs.push(20.0 * mean.abs().log10());
        }
        checks.first_clip_s = first_clip.map(|f| f as f64 / fs);
        match last_loud {
            Some(last) => {
                checks.head_silence_s = first_loud as f64 / fs;
                checks.tail_silence_s = (frames - 1 - last) as f64 / fs;
            }
            None => {
                checks.head_silence_s = frames as f64 / fs;
                checks.tail_silence_s = frames as f64 / fs;
            }
        }
        checks
    }
}
