//! ITU-R BS.1770-4 / EBU R128 loudness meter (Tech 3341 momentary/short-term/integrated, Tech 3342 LRA).
//!
//! K-weighted energy is summed per channel in sample order into sub-blocks of about 1 ms that divide
//! 100 ms exactly. Momentary (400 ms) and short-term (3 s) loudness are sliding sums over those
//! sub-blocks, so their maxima are tracked on a ~1 ms grid (a 400 ms burst at any offset reads within
//! 0.01 LU). Every 100 ms a gating block (400 ms, 75 % overlap) goes into a fixed-size histogram for the
//! integrated loudness, and a short-term value goes into another for the loudness range. Results are
//! identical whatever the block partition.

use super::histogram::LoudnessHistogram;
use super::true_peak::{peak_abs, TruePeakDetector};
use crate::filter::KWeighting;
pub use crate::layout::ChannelLayout;
use crate::processor::{ProcessSpec, Processor};
use crate::units::{gain_to_db, power_to_lufs};

/// Relative gate of the integrated loudness (BS.1770-2 and later), LU.
pub const INTEGRATED_RELATIVE_GATE_LU: f64 = -10.0;
/// Relative gate of the loudness range (EBU Tech 3342), LU.
pub const LRA_RELATIVE_GATE_LU: f64 = -20.0;
/// Longest sub-block used to track momentary and short-term maxima, seconds.
const MAX_HOP_SECONDS: f64 = 0.001;

/// Every reading of the meter at one moment. LUFS and dB values are `-inf` when undefined (silence);
/// `plr_db` is NaN when undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoudnessReading {
    /// Momentary loudness (last 400 ms), LUFS.
    pub momentary_lufs: f64,
    /// Short-term loudness (last 3 s), LUFS.
    pub short_term_lufs: f64,
    /// Gated integrated loudness since reset, LUFS.
    pub integrated_lufs: f64,
    /// Loudness range (EBU Tech 3342), LU; 0 until defined.
    pub loudness_range_lu: f64,
    /// Highest momentary loudness since reset, LUFS.
    pub momentary_max_lufs: f64,
    /// Highest short-term loudness since reset, LUFS.
    pub short_term_max_lufs: f64,
    /// Highest absolute sample value since reset, dBFS.
    pub sample_peak_dbfs: f64,
    /// Highest true peak over all channels since reset, dBTP.
    pub true_peak_dbtp: f64,
    /// Highest true peak of each channel since reset, dBTP (`-inf` beyond the prepared channels).
    pub channel_true_peak_dbtp: [f64; super::MAX_CHANNELS],
    /// Peak-to-loudness ratio: true peak minus integrated loudness, dB.
    pub plr_db: f64,
    /// Frames measured since reset.
    pub frames: u64,
}

/// BS.1770-4 / EBU R128 loudness meter: M, S, I, LRA, max M/S, sample and true peak.
#[derive(Debug, Clone, Default)]
pub struct LoudnessMeter {
    weights: Vec<f64>,
    filters: Vec<KWeighting>,
    /// Running K-weighted sum of squares of the current sub-block, per channel.
    hop_sums: Vec<f64>,
    true_peak: TruePeakDetector,
    sample_peak_gain: f32,

    hop_frames: usize,
    hops_per_100ms: usize,
    hops_per_momentary: usize,
    hop_fill: usize,
    /// Weighted energies of the last 3 s of sub-blocks (ring).
    hop_energies: Vec<f64>,
    ring_pos: usize,
    hops_done: u64,
    momentary_sum: f64,
    short_term_sum: f64,
    momentary_max_sum: f64,
    short_term_max_sum: f64,
    momentary_frames: f64,
    short_term_frames: f64,

    gating_blocks: LoudnessHistogram,
    short_term_values: LoudnessHistogram,
    frames: u64,
}

/// Number of frames in one sub-block for `hundred_ms_frames`: the largest divisor of it not above ~1 ms.
fn hop_frames_for(hundred_ms_frames: usize, sample_rate_hz: f64) -> usize {
    let limit = ((sample_rate_hz * MAX_HOP_SECONDS).floor() as usize).max(1);
    (1..=limit.min(hundred_ms_frames))
        .rev()
        .find(|d| hundred_ms_frames.is_multiple_of(*d))
        .unwrap_or(1)
}

impl LoudnessMeter {
    /// Creates an unprepared meter; call [`Processor::prepare`] before measuring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the BS.1770 channel weights (one per prepared channel), e.g. for a layout not guessed from the count.
    pub fn set_channel_weights(&mut self, weights: &[f64]) {
        for (w, &g) in self.weights.iter_mut().zip(weights) {
            *w = g;
        }
    }

    /// Weighs the channels as `layout` places them (BS.1770-4 position weights); call after prepare.
    pub fn set_channel_layout(&mut self, layout: &ChannelLayout) {
        self.set_channel_weights(layout.weights());
    }

    /// BS.1770 weight of each prepared channel.
    pub fn channel_weights(&self) -> &[f64] {
        &self.weights
    }

    /// Measures one block: one slice per channel (extra channels are ignored), any length, allocation-free.
    pub fn measure(&mut self, channels: &[&[f32]]) {
        let channel_count = channels.len().min(self.filters.len());
        let frames = channels[..channel_count]
            .iter()
            .map(|c| c.len())
            .min()
            .unwrap_or(0);
        if frames == 0 || self.hop_frames == 0 {
            return;
        }
        let mut start = 0;
        while start < frames {
            let take = (frames - start).min(self.hop_frames - self.hop_fill);
            let range = start..start + take;
            let mut filters = self.filters[..channel_count].chunks_exact_mut(2);
            let mut sums = self.hop_sums[..channel_count].chunks_exact_mut(2);
            let mut inputs = channels[..channel_count].chunks_exact(2);
            for ((f, s), x) in (&mut filters).zip(&mut sums).zip(&mut inputs) {
                let (fa, fb) = f.split_at_mut(1);
                let (sa, sb) = s.split_at_mut(1);
                KWeighting::accumulate_squares_pair(
                    (&mut fa[0], &mut fb[0]),
                    (&x[0][range.clone()], &x[1][range.clone()]),
                    (&mut sa[0], &mut sb[0]),
                );
            }
            for ((f, s), x) in filters
                .into_remainder()
                .iter_mut()
                .zip(sums.into_remainder())
                .zip(inputs.remainder())
            {
                f.accumulate_squares(&x[range.clone()], s);
            }
            self.hop_fill += take;
            start += take;
            if self.hop_fill == self.hop_frames {
                self.finish_hop();
            }
        }
        self.true_peak.measure(&channels[..channel_count]);
        for input in &channels[..channel_count] {
            let mut peak = peak_abs(&input[..frames]);
            if !peak.is_finite() {
                peak = input[..frames].iter().fold(0.0f32, |m, &x| {
                    if x.is_finite() {
                        m.max(x.abs())
                    } else {
                        m
                    }
                });
            }
            self.sample_peak_gain = self.sample_peak_gain.max(peak);
        }
        self.frames += frames as u64;
    }

    /// Closes the current sub-block: slides the momentary and short-term sums, tracks maxima, feeds the histograms.
    fn finish_hop(&mut self) {
        let mut energy = 0.0;
        for ((sum, w), filter) in self
            .hop_sums
            .iter_mut()
            .zip(&self.weights)
            .zip(&mut self.filters)
        {
            energy += w * *sum;
            *sum = 0.0;
            filter.flush_decayed_state();
        }
        self.hop_fill = 0;

        let ring_len = self.hop_energies.len();
        let leaving_short = self.hop_energies[self.ring_pos];
        let leaving_momentary =
            self.hop_energies[(self.ring_pos + ring_len - self.hops_per_momentary) % ring_len];
        self.hop_energies[self.ring_pos] = energy;
        self.ring_pos = (self.ring_pos + 1) % ring_len;
        self.hops_done += 1;
        if self.ring_pos == 0 {
            // Once per 3 s, re-add the windows from scratch so running-sum rounding cannot drift.
            self.short_term_sum = self.hop_energies.iter().sum();
            self.momentary_sum = self.hop_energies[ring_len - self.hops_per_momentary..]
                .iter()
                .sum();
        } else {
            self.short_term_sum = (self.short_term_sum + energy - leaving_short).max(0.0);
            self.momentary_sum = (self.momentary_sum + energy - leaving_momentary).max(0.0);
        }
        self.momentary_max_sum = self.momentary_max_sum.max(self.momentary_sum);
        self.short_term_max_sum = self.short_term_max_sum.max(self.short_term_sum);

        if self.hops_done.is_multiple_of(self.hops_per_100ms as u64) {
            if self.hops_done >= self.hops_per_momentary as u64 {
                self.gating_blocks
                    .add(self.momentary_sum / self.momentary_frames);
            }
            if self.hops_done >= ring_len as u64 {
                self.short_term_values
                    .add(self.short_term_sum / self.short_term_frames);
            }
        }
    }

    /// All readings now. Costs a scan of the histograms (tens of microseconds): call it at display rate.
    pub fn reading(&self) -> LoudnessReading {
        let integrated_lufs = self.integrated_lufs();
        let sample_peak_dbfs = gain_to_db(self.sample_peak_gain as f64);
        let true_peak_dbtp =
            gain_to_db(self.true_peak.peak_gain().max(self.sample_peak_gain) as f64);
        let plr_db = if integrated_lufs.is_finite() && true_peak_dbtp.is_finite() {
            true_peak_dbtp - integrated_lufs
        } else {
            f64::NAN
        };
        LoudnessReading {
            momentary_lufs: self.momentary_lufs(),
            short_term_lufs: self.short_term_lufs(),
            integrated_lufs,
            loudness_range_lu: self.loudness_range_lu(),
            momentary_max_lufs: self.power_lufs(self.momentary_max_sum, self.momentary_frames),
            short_term_max_lufs: self.power_lufs(self.short_term_max_sum, self.short_term_frames),
            sample_peak_dbfs,
            true_peak_dbtp,
            channel_true_peak_dbtp: std::array::from_fn(|ch| self.channel_true_peak_dbtp(ch)),
            plr_db,
            frames: self.frames,
        }
    }

    fn power_lufs(&self, sum: f64, frames: f64) -> f64 {
        if frames > 0.0 {
            power_to_lufs(sum / frames)
        } else {
            f64::NEG_INFINITY
        }
    }

    /// Momentary loudness (last 400 ms), LUFS; cheap.
    pub fn momentary_lufs(&self) -> f64 {
        self.power_lufs(self.momentary_sum, self.momentary_frames)
    }

    /// Short-term loudness (last 3 s), LUFS; cheap.
    pub fn short_term_lufs(&self) -> f64 {
        self.power_lufs(self.short_term_sum, self.short_term_frames)
    }

    /// Gated integrated loudness since reset, LUFS.
    pub fn integrated_lufs(&self) -> f64 {
        self.gating_blocks
            .gated_mean_lufs(INTEGRATED_RELATIVE_GATE_LU)
    }

    /// Loudness range since reset, LU (0 until a short-term value passes the gates).
    pub fn loudness_range_lu(&self) -> f64 {
        self.short_term_values
            .loudness_range_lu(LRA_RELATIVE_GATE_LU)
    }

    /// Highest true peak of one channel since reset, dBTP.
    pub fn channel_true_peak_dbtp(&self, channel: usize) -> f64 {
        gain_to_db(self.true_peak.channel_peak_gain(channel) as f64)
    }

    /// Frames per sub-block, the resolution of the momentary and short-term maxima.
    pub fn hop_frames(&self) -> usize {
        self.hop_frames
    }
}

impl Processor for LoudnessMeter {
    fn prepare(&mut self, spec: &ProcessSpec) {
        let channels = spec.channels.max(1);
        let layout = ChannelLayout::from_channel_count(channels);
        self.weights = (0..channels)
            .map(|ch| match &layout {
                Some(l) => l.weights()[ch],
                // Unknown layouts: LFE (WAVE position 4) excluded, everything else at unity.
                None if ch == 3 => 0.0,
                None => 1.0,
            })
            .collect();
        self.filters = vec![KWeighting::new(spec.sample_rate_hz); channels];
        self.hop_sums = vec![0.0; channels];
        self.true_peak.prepare(&ProcessSpec { channels, ..*spec });

        let hundred_ms_frames = ((spec.sample_rate_hz / 10.0).round() as usize).max(1);
        self.hop_frames = hop_frames_for(hundred_ms_frames, spec.sample_rate_hz);
        self.hops_per_100ms = hundred_ms_frames / self.hop_frames;
        self.hops_per_momentary = 4 * self.hops_per_100ms;
        self.hop_energies = vec![0.0; 30 * self.hops_per_100ms];
        self.momentary_frames = (4 * hundred_ms_frames) as f64;
        self.short_term_frames = (30 * hundred_ms_frames) as f64;
        self.gating_blocks = LoudnessHistogram::new();
        self.short_term_values = LoudnessHistogram::new();
        self.reset();
    }

    fn reset(&mut self) {
        for f in &mut self.filters {
            f.reset();
        }
        self.hop_sums.fill(0.0);
        self.true_peak.reset();
        self.sample_peak_gain = 0.0;
        self.hop_fill = 0;
        self.hop_energies.fill(0.0);
        self.ring_pos = 0;
        self.hops_done = 0;
        self.momentary_sum = 0.0;
        self.short_term_sum = 0.0;
        self.momentary_max_sum = 0.0;
        self.short_term_max_sum = 0.0;
        self.gating_blocks.clear();
        self.short_term_values.clear();
        self.frames = 0;
    }

    fn latency_samples(&self) -> u32 {
        0
    }

    /// Measures the block; the audio is left untouched.
    fn process(&mut self, channels: &mut [&mut [f32]]) {
        let mut views = [&[][..]; super::MAX_CHANNELS];
        let count = channels.len().min(views.len());
        for (view, ch) in views.iter_mut().zip(channels.iter()) {
            *view = &ch[..];
        }
        self.measure(&views[..count]);
    }
}
