//! True-peak lookahead limiter.
//!
//! Signal flow: input gain (smoothed) → optional DC blocker → true-peak sidechain (the
//! [`TruePeakDetector`] interpolator at 8×) → per-channel required gain
//! `ceiling / peak` (linked across channels by Stereo Link) → sliding-minimum hold → release
//! follower → box-average attack → gain applied to the delayed audio, at the host rate or inside an
//! up/down-sampled path (Oversampling) → unity-gain compensation → latency-compensated bypass
//! crossfade → dither.
//!
//! Why the ceiling holds: the hold spans the attack plus a guard of [`GUARD_SAMPLES`] on both sides,
//! and the attack is an average of held values, so the gain on every sample within the guard of a
//! peak is at most the gain that peak needs. The interpolator's worst-case under-read is covered by
//! a margin below the ceiling ([`detector_margin_db`]). Oversampled, the output is the up/down
//! round trip of the gained audio, whose peaks can exceed the input's (the round trip trims the top
//! of the band), so the sidechain watches that round trip rather than the input, and the
//! audio waits 20 samples longer (before it is upsampled) for its gain.

use std::num::NonZeroUsize;

use super::envelope::{BoxAverage, SlidingMinimum};
use super::gain_computer::limit_gain;
use super::settings::{Dither, LimiterSettings, LimiterStyle};
use crate::delay::DelayLine;
use crate::dither::Ditherer;
use crate::filter::dc_blocker::DcBlocker;
use crate::filter::oversampling::{
    Oversampler, ONE_WAY_LATENCY_SAMPLES, ROUND_TRIP_LATENCY_SAMPLES,
};
use crate::meter::true_peak::TruePeakDetector;
use crate::processor::{ProcessSpec, Processor};
use crate::simd::SimdLevel;
use crate::smoothing::LinearSmoother;
use crate::units::{db_to_gain, gain_to_db};

/// Samples on each side of a peak over which the gain is held at least as low as the peak needs:
/// half the true-peak interpolator's support at the host rate...
pub const GUARD_SAMPLES: usize = 8;
/// ...plus the down-sampling filter's half support when the gain is applied oversampled.
pub const OVERSAMPLED_GUARD_SAMPLES: usize =
    GUARD_SAMPLES + crate::filter::oversampling::ONE_WAY_LATENCY_SAMPLES;
/// Sidechain interpolation factor at every rate.
const SIDECHAIN_FACTOR: usize = 8;
/// Shortest attack ramp any style uses (when the lookahead allows it), ms: faster gain changes
/// would spread energy beyond the guard and let the reconstructed peak exceed the ceiling.
const MIN_RAMP_MS: f64 = 0.25;
/// Taps per phase of the sidechain interpolator: twice the meter's, for a flatter passband up to
/// 0.49·fs (worst under-read on full-band peaks 0.21 dB instead of 0.51 dB).
const SIDECHAIN_TAPS_PER_PHASE: usize = 32;
/// Delay of the true-peak sidechain relative to its input, samples.
const DETECTOR_DELAY_SAMPLES: usize = SIDECHAIN_TAPS_PER_PHASE / 2;
/// Ramp time of Input Gain and Ceiling changes.
const PARAMETER_RAMP_MS: f64 = 20.0;
/// Crossfade time of bypass.
const BYPASS_RAMP_MS: f64 = 10.0;
/// Longest hold any style uses, ms.
const MAX_HOLD_MS: f64 = 30.0;
/// Longest lookahead, ms.
const MAX_LOOKAHEAD_MS: f64 = 10.0;
/// Cut-off of the DC filter.
const DC_CUTOFF_HZ: f64 = 5.0;
/// Time constant of the auto-release "sustained limiting" tracker, ms.
const SUSTAIN_TIME_MS: f64 = 400.0;
/// Processing chunk (bounds the scratch buffers; blocks are processed in chunks of this size).
const CHUNK: usize = 256;
/// Largest input magnitude accepted (+120 dBFS); anything beyond is clamped.
const MAX_INPUT: f32 = 1e6;
/// Most channels the limiter handles (7.1.4 = 12, plus headroom); all are linked as one group.
pub const MAX_CHANNELS: usize = 16;

/// Margin below the ceiling that covers the sidechain interpolator's under-read, dB: 0.09 dB on
/// single peaks with content up to 0.475·fs, 0.21 dB up to 0.49·fs, and up to 0.25 dB measured on
/// hard-driven full-band Gaussian noise (tests/limiter_ceiling.rs), plus 0.1 dB to spare.
pub fn detector_margin_db() -> f64 {
    0.35
}

/// How each style shapes the envelope.
#[derive(Debug, Clone, Copy)]
struct StyleShape {
    /// Fraction of the available attack span used by the attack ramp.
    attack_fraction: f64,
    /// Split the attack into two cascaded averages (smoother, S-shaped ramp).
    two_stage: bool,
    /// Minimum hold after a peak before release starts, ms.
    hold_ms: f64,
    /// Release time multiplier.
    release_scale: f64,
    /// Slowest auto-release stretch (release × this after sustained limiting).
    auto_release_stretch: f64,
    /// Extra safety margin below the ceiling, dB.
    extra_margin_db: f64,
}

fn style_shape(style: LimiterStyle) -> StyleShape {
    match style {
        LimiterStyle::Transparent => StyleShape {
            attack_fraction: 1.0,
            two_stage: true,
            hold_ms: 20.0,
            release_scale: 1.0,
            auto_release_stretch: 4.0,
            extra_margin_db: 0.0,
        },
        LimiterStyle::Punchy => StyleShape {
            attack_fraction: 0.5,
            two_stage: false,
            hold_ms: 8.0,
            release_scale: 0.6,
            auto_release_stretch: 3.0,
            extra_margin_db: 0.0,
        },
        LimiterStyle::Aggressive => StyleShape {
            attack_fraction: 0.25,
            two_stage: false,
            hold_ms: 1.0,
            release_scale: 0.3,
            auto_release_stretch: 2.0,
            extra_margin_db: 0.0,
        },
        LimiterStyle::Safe => StyleShape {
            attack_fraction: 1.0,
            two_stage: true,
            hold_ms: MAX_HOLD_MS,
            release_scale: 1.5,
            auto_release_stretch: 4.0,
            extra_margin_db: 0.3,
        },
    }
}

/// Sample counts derived from settings and rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Timing {
    /// Attack span available (lookahead minus detector delay and guard), ≥ 1.
    attack_span: usize,
    /// Lengths of the two cascaded averages (second may be 1 = pass-through).
    box_lengths: (usize, usize),
    /// Sliding-minimum window.
    hold_window: usize,
    /// Delay of the audio relative to the input at the host rate, before it is gained (and, when
    /// oversampled, before it is upsampled).
    audio_delay: usize,
    /// Delay of the gain that keeps it aligned with the audio (the unused part of the lookahead).
    gain_delay: usize,
    /// Delay of the ceiling ramp so it meets the sidechain sample it applies to.
    ceiling_delay: usize,
    /// Total latency reported.
    latency: usize,
}

fn timing(settings: &LimiterSettings, sample_rate_hz: f64) -> Timing {
    let shape = style_shape(settings.style);
    let lookahead_ms = (settings.lookahead_ms as f64).clamp(0.5, MAX_LOOKAHEAD_MS);
    let lookahead = (lookahead_ms * 0.001 * sample_rate_hz).round() as usize;
    let guard = if settings.oversampling.factor() > 1 {
        OVERSAMPLED_GUARD_SAMPLES
    } else {
        GUARD_SAMPLES
    };
    let attack_span = lookahead
        .saturating_sub(DETECTOR_DELAY_SAMPLES + guard)
        .max(1);
    let min_ramp = ((MIN_RAMP_MS * 0.001 * sample_rate_hz).round() as usize).min(attack_span);
    let ramp = ((attack_span as f64 * shape.attack_fraction).round() as usize)
        .clamp(min_ramp.max(1), attack_span);
    // Two averages of lengths a and b span a + b − 1 samples; the ramp spans `ramp + 1`.
    let box_lengths = if shape.two_stage && ramp >= 2 {
        let a = (ramp + 2) / 2;
        (a, ramp + 2 - a)
    } else {
        (ramp + 1, 1)
    };
    let hold = (shape.hold_ms * 0.001 * sample_rate_hz).round() as usize;
    let hold_window = (ramp + 2 * guard + 1).max(hold);
    let aligned_delay = DETECTOR_DELAY_SAMPLES + ramp + guard;
    // The unused part of the lookahead still delays the audio (latency follows the setting), and
    // the gain is delayed by as much to stay aligned.
    let lookahead_delay = aligned_delay.max(lookahead);
    let oversampled = settings.oversampling.factor() > 1;
    let gain_delay = lookahead_delay - aligned_delay;
    // Oversampled, the sidechain watches the up/down round trip of the input (what the output is
    // made of, 40 samples late), so the audio waits 20 samples more before it is upsampled (a
    // whole-sample delay commutes with the upsampler, and costs a factor less at the host rate).
    let (ceiling_delay, audio_delay, latency) = if oversampled {
        (
            DETECTOR_DELAY_SAMPLES + ROUND_TRIP_LATENCY_SAMPLES,
            lookahead_delay + ONE_WAY_LATENCY_SAMPLES,
            lookahead_delay + ROUND_TRIP_LATENCY_SAMPLES + ONE_WAY_LATENCY_SAMPLES,
        )
    } else {
        (DETECTOR_DELAY_SAMPLES, lookahead_delay, lookahead_delay)
    };
    Timing {
        attack_span,
        box_lengths,
        hold_window,
        audio_delay,
        gain_delay,
        ceiling_delay,
        latency,
    }
}

/// The envelope chain of one channel.
#[derive(Debug, Clone, Default)]
struct ChannelEnvelope {
    hold: SlidingMinimum,
    release_state: f32,
    first_average: BoxAverage,
    second_average: BoxAverage,
    sustain: f32,
    /// Last gain applied in the oversampled path (start of the next interpolation ramp).
    last_applied_gain: f32,
}

/// Feed-forward lookahead limiter with a true-peak sidechain; the output's true peak never exceeds the ceiling.
#[derive(Debug, Clone, Default)]
pub struct LookaheadLimiter {
    settings: LimiterSettings,
    applied: Option<LimiterSettings>,
    sample_rate_hz: f64,
    channels: usize,
    max_block_frames: usize,
    timing: Option<Timing>,

    input_gain: LinearSmoother,
    ceiling_gain: LinearSmoother,
    bypass_mix: LinearSmoother,
    dc_blockers: Vec<DcBlocker>,
    detector: TruePeakDetector,
    /// Ceiling (with margin) delayed like the detector output, one channel.
    ceiling_delay: DelayLine,
    envelopes: Vec<ChannelEnvelope>,
    audio_delay: DelayLine,
    /// Gain delayed to stay aligned with the audio (unused lookahead, upsampler delay).
    gain_delay: DelayLine,
    /// Unity-gain compensation (1 / input gain) delayed by the latency, one channel.
    unity_delay: DelayLine,
    dry_delay: DelayLine,
    /// Per channel, one oversampler per factor 2, 4, 8, 16 (all built in prepare, so switching never allocates).
    /// (Their up/down histories carry the audio path; their round-trip FIR feeds the sidechain.)
    oversamplers: Vec<Vec<Oversampler>>,
    /// Upsampled processed input of the current chunk, per channel.
    upsampled_audio: Vec<Vec<f32>>,
    /// Round trip of the processed input, watched by the sidechain in oversampled modes.
    round_trip: Vec<Vec<f32>>,
    ditherers: Vec<Ditherer>,

    /// Whether the last chunk ran one envelope for all channels (100 % link).
    envelopes_shared: bool,
    release_coefficient: f32,
    slow_release_coefficient: f32,
    sustain_coefficient: f32,
    margin_gain: f32,

    // Scratch (allocated in prepare).
    /// Processed input, then delayed, then limited.
    audio: Vec<Vec<f32>>,
    /// Sanitised input for the bypass path.
    dry: Vec<Vec<f32>>,
    /// True-peak envelope of the processed input.
    peaks: Vec<Vec<f32>>,
    /// Required gain, then the envelope gain.
    gains: Vec<Vec<f32>>,
    input_gain_ramp: Vec<f32>,
    ceiling: Vec<f32>,
    unity: Vec<f32>,
    bypass: Vec<f32>,
    /// Lowest required gain over the channels (stereo link).
    linked: Vec<f32>,
    block_min_gain: f32,
    /// Frames per gain segment of [`process_with_segment_gains`](Self::process_with_segment_gains)
    /// (0 while a plain `process` runs).
    segment_frames: usize,
    /// Offset of the current chunk in the current call, frames.
    chunk_offset: usize,
    /// Lowest gain of each segment the current chunk touches, from its first.
    chunk_segment_gains: Vec<f32>,
    /// Vector instructions the chunk processing may use (detected in prepare).
    simd: SimdLevel,
}

impl LookaheadLimiter {
    /// Creates an unprepared limiter with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies new settings; coefficients are recomputed at the top of the next block. Latency may change.
    pub fn set_settings(&mut self, settings: &LimiterSettings) {
        self.settings = *settings;
    }

    /// The settings in use.
    pub fn settings(&self) -> &LimiterSettings {
        &self.settings
    }

    /// Deepest gain reduction applied during the last processed block, dB (≥ 0).
    pub fn block_gain_reduction_db(&self) -> f32 {
        Self::gain_reduction_db(self.block_min_gain)
    }

    /// A gain as gain reduction in dB (≥ 0), as [`block_gain_reduction_db`](Self::block_gain_reduction_db)
    /// reports it; for the values of [`process_with_segment_gains`](Self::process_with_segment_gains).
    pub fn gain_reduction_db(gain: f32) -> f32 {
        (-gain_to_db(gain as f64)).max(0.0) as f32
    }

    /// [`process`](Processor::process), and the lowest gain applied in each `segment_frames`-frame
    /// span of the block, counted from its start (the last span may be shorter), written to
    /// `segment_gains[k]` for span `k`. Each value is bit for bit the lowest gain that
    /// [`block_gain_reduction_db`](Self::block_gain_reduction_db) would see had the block been
    /// processed in calls of `segment_frames`, and the audio is the same either way: metering
    /// at a fine resolution no longer costs a call per span. Spans beyond `segment_gains` are not
    /// reported. Allocation-free.
    pub fn process_with_segment_gains(
        &mut self,
        channels: &mut [&mut [f32]],
        segment_frames: usize,
        segment_gains: &mut [f32],
    ) {
        let segment_frames = segment_frames.max(1);
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let spans = frames.div_ceil(segment_frames).min(segment_gains.len());
        segment_gains[..spans].fill(1.0);
        self.segment_frames = segment_frames;
        self.process_blocks(channels, |limiter, offset, n| {
            let first = offset / segment_frames;
            let last = ((offset + n - 1) / segment_frames).min(spans.max(1) - 1);
            for (k, &g) in (first..=last).zip(&limiter.chunk_segment_gains) {
                if k < spans {
                    segment_gains[k] = segment_gains[k].min(g);
                }
            }
        });
        self.segment_frames = 0;
    }

    /// Runs the block in chunks, calling `after_chunk(self, offset, frames)` after each.
    fn process_blocks(
        &mut self,
        channels: &mut [&mut [f32]],
        mut after_chunk: impl FnMut(&Self, usize, usize),
    ) {
        self.apply_settings();
        self.block_min_gain = 1.0;
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut start = 0;
        while start < frames {
            let n = (frames - start).min(CHUNK);
            let mut views: [&mut [f32]; MAX_CHANNELS] = Default::default();
            let count = channels.len().min(MAX_CHANNELS);
            for (v, c) in views.iter_mut().zip(channels.iter_mut()) {
                *v = &mut c[start..start + n];
            }
            self.chunk_offset = start;
            self.process_chunk(&mut views[..count], n);
            after_chunk(self, start, n);
            start += n;
        }
    }

    /// Latency the given settings have at `sample_rate_hz`, in samples.
    pub fn latency_samples_for(settings: &LimiterSettings, sample_rate_hz: f64) -> u32 {
        timing(settings, sample_rate_hz).latency as u32
    }

    /// `wanted`, except for the settings that would change the latency away from `running`'s:
    /// those (lookahead and oversampling, and the style where it moves the latency of a short
    /// lookahead) keep `running`'s values, so the result has exactly `running`'s latency.
    ///
    /// For hosts that accept a new latency only at the next activation (CLAP): everything else
    /// the user changed applies at once.
    pub fn settings_keeping_latency(
        wanted: &LimiterSettings,
        running: &LimiterSettings,
        sample_rate_hz: f64,
    ) -> LimiterSettings {
        let latency = |s: &LimiterSettings| timing(s, sample_rate_hz).latency;
        let target = latency(running);
        if latency(wanted) == target {
            return *wanted;
        }
        let timing_kept = LimiterSettings {
            lookahead_ms: running.lookahead_ms,
            oversampling: running.oversampling,
            ..*wanted
        };
        if latency(&timing_kept) == target {
            return timing_kept;
        }
        // The latency is a function of lookahead, oversampling, style and rate only.
        LimiterSettings {
            style: running.style,
            ..timing_kept
        }
    }

    /// Recomputes everything that depends on the settings (top of a block only).
    fn apply_settings(&mut self) {
        let s = self.settings;
        if self.applied == Some(s) {
            return;
        }
        let fs = self.sample_rate_hz;
        let shape = style_shape(s.style);
        let new_timing = timing(&s, fs);
        if self.timing != Some(new_timing) {
            for env in &mut self.envelopes {
                env.hold.set_window(new_timing.hold_window);
                if env.first_average.length() != new_timing.box_lengths.0
                    || env.second_average.length() != new_timing.box_lengths.1
                {
                    let g = env.release_state;
                    env.first_average.reset_to(new_timing.box_lengths.0, g);
                    env.second_average.reset_to(new_timing.box_lengths.1, g);
                }
            }
            self.audio_delay.set_delay_samples(new_timing.audio_delay);
            self.gain_delay.set_delay_samples(new_timing.gain_delay);
            self.ceiling_delay
                .set_delay_samples(new_timing.ceiling_delay);
            self.unity_delay.set_delay_samples(new_timing.latency);
            self.dry_delay.set_delay_samples(new_timing.latency);
            self.timing = Some(new_timing);
        }
        if self.applied.map(|a| a.oversampling) != Some(s.oversampling) {
            // The newly selected filters start from silence.
            for per_channel in &mut self.oversamplers {
                for os in per_channel.iter_mut() {
                    os.reset();
                }
            }
        }
        let release_samples =
            (s.release_ms as f64).clamp(1.0, 1000.0) * 0.001 * fs * shape.release_scale;
        self.release_coefficient = (1.0 - (-1.0 / release_samples).exp()) as f32;
        let stretch = if s.auto_release {
            shape.auto_release_stretch
        } else {
            1.0
        };
        self.slow_release_coefficient = (1.0 - (-1.0 / (release_samples * stretch)).exp()) as f32;
        self.sustain_coefficient = (1.0 - (-1.0 / (SUSTAIN_TIME_MS * 0.001 * fs)).exp()) as f32;
        self.margin_gain = db_to_gain(-(detector_margin_db() + shape.extra_margin_db)) as f32;
        self.input_gain
            .set_target(db_to_gain((s.input_gain_db as f64).clamp(0.0, 24.0)));
        self.ceiling_gain
            .set_target(db_to_gain((s.ceiling_dbtp as f64).clamp(-12.0, 0.0)));
        self.bypass_mix.set_target(if s.bypass { 1.0 } else { 0.0 });
        if self.applied.map(|a| a.dither) != Some(s.dither) {
            for (ch, d) in self.ditherers.iter_mut().enumerate() {
                *d = Ditherer::new(
                    s.dither.bits().unwrap_or(24),
                    s.dither == Dither::Bits16Shaped,
                    0x5eed + ch as u64,
                );
            }
        }
        self.applied = Some(s);
    }

    /// [`process_chunk_body`](Self::process_chunk_body) in a build for the widest vector
    /// instructions available (the same arithmetic in the same order, so the same results).
    fn process_chunk(&mut self, io: &mut [&mut [f32]], n: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2,avx512f,avx512vl")]
            fn widest(limiter: &mut LookaheadLimiter, io: &mut [&mut [f32]], n: usize) {
                limiter.process_chunk_body(io, n);
            }
            #[target_feature(enable = "avx2")]
            fn wide(limiter: &mut LookaheadLimiter, io: &mut [&mut [f32]], n: usize) {
                limiter.process_chunk_body(io, n);
            }
            match self.simd {
                // SAFETY: the level is only this high when `detect()` reported the features.
                SimdLevel::Avx512 => return unsafe { widest(self, io, n) },
                // SAFETY: as above.
                SimdLevel::Avx2 => return unsafe { wide(self, io, n) },
                SimdLevel::Baseline => {}
            }
        }
        self.process_chunk_body(io, n);
    }

    #[inline(always)]
    fn process_chunk_body(&mut self, io: &mut [&mut [f32]], n: usize) {
        let channels = self.channels.min(io.len());
        let s = self.settings;
        let factor = s.oversampling.factor();
        let os_index = (factor.max(2).trailing_zeros() as usize) - 1;

        // Per-sample parameter ramps (constant fills when settled); unity compensation follows the input gain.
        self.ceiling_gain.fill(&mut self.ceiling[..n]);
        for c in &mut self.ceiling[..n] {
            *c *= self.margin_gain;
        }
        self.input_gain.fill(&mut self.input_gain_ramp[..n]);
        for (u, &g) in self.unity[..n].iter_mut().zip(&self.input_gain_ramp[..n]) {
            *u = 1.0 / g;
        }
        self.bypass_mix.fill(&mut self.bypass[..n]);
        // The ceiling is delayed like the sidechain, so each requirement meets the ceiling of its sample.
        self.ceiling_delay
            .process_channel(0, &mut self.ceiling[..n]);
        self.ceiling_delay.advance(n);
        let lowest_ceiling = self.ceiling[..n]
            .iter()
            .fold(f32::INFINITY, |m, &c| m.min(c));
        // Sanitise (NaN/Inf become silence), keep the dry input, apply input gain and DC filter.
        for (ch, input) in io.iter().enumerate().take(channels) {
            let dry = &mut self.dry[ch][..n];
            for (d, &x) in dry.iter_mut().zip(&input[..n]) {
                // NaN/Inf become silence; absurd magnitudes (beyond +120 dBFS) are clamped so the
                // filters cannot overflow.
                *d = if x.is_finite() {
                    x.clamp(-MAX_INPUT, MAX_INPUT)
                } else {
                    0.0
                };
            }
            let audio = &mut self.audio[ch][..n];
            for ((a, &d), &g) in audio
                .iter_mut()
                .zip(dry.iter())
                .zip(&self.input_gain_ramp[..n])
            {
                *a = d * g;
            }
            if s.dc_filter {
                for a in audio.iter_mut() {
                    *a = self.dc_blockers[ch].tick(*a);
                }
            }
            // Oversampled, the sidechain watches the round trip (the output is the round trip of
            // the gained audio, whose peaks can exceed the input's).
            let watched = if factor > 1 {
                let os = &mut self.oversamplers[ch][os_index];
                os.round_trip(0, &self.audio[ch][..n], &mut self.round_trip[ch][..n]);
                &self.round_trip[ch][..n]
            } else {
                &self.audio[ch][..n]
            };
            // Only where a peak can cross the lowest ceiling of this chunk is interpolation needed.
            self.detector.interpolated_peaks_above(
                ch,
                watched,
                &mut self.peaks[ch][..n],
                lowest_ceiling,
            );
        }

        // Required gain per channel, moved towards the most-limited channel by the stereo link
        // (for any channel count: the minimum is over all channels, see `stereo_link_percent`).
        let link = (s.stereo_link_percent / 100.0).clamp(0.0, 1.0);
        for (gains, peaks) in self.gains.iter_mut().zip(&self.peaks).take(channels) {
            for ((g, &p), &c) in gains[..n]
                .iter_mut()
                .zip(&peaks[..n])
                .zip(&self.ceiling[..n])
            {
                *g = limit_gain(p, c);
            }
        }
        if channels > 1 {
            // A scratch buffer, not a stack array: clearing the whole array cost as much per call.
            let linked = &mut self.linked[..n];
            linked.fill(1.0);
            for gains in self.gains.iter().take(channels) {
                for (l, &g) in linked[..n].iter_mut().zip(&gains[..n]) {
                    *l = l.min(g);
                }
            }
            for gains in self.gains.iter_mut().take(channels) {
                for (g, &l) in gains[..n].iter_mut().zip(linked.iter()) {
                    *g += link * (l - *g);
                }
            }
        }
        // Envelope per channel: hold, release (stretched after sustained limiting), attack averages.
        let (fast, slow, sustain_k) = (
            self.release_coefficient,
            self.slow_release_coefficient,
            self.sustain_coefficient,
        );
        let mut block_min = self.block_min_gain;
        // Fully linked channels share one requirement, so one envelope serves them all.
        let shared = link >= 1.0 && channels > 1;
        if self.envelopes_shared && !shared {
            let (first, rest) = self.envelopes.split_at_mut(1);
            for env in rest {
                env.copy_from(&first[0]);
            }
        }
        self.envelopes_shared = shared;
        let envelope_channels = if shared { 1 } else { channels };
        let segment_frames = NonZeroUsize::new(self.segment_frames);
        if let Some(segment_frames) = segment_frames {
            let touched = (self.chunk_offset + n - 1) / segment_frames
                - self.chunk_offset / segment_frames
                + 1;
            self.chunk_segment_gains[..touched].fill(1.0);
        }
        for ch in 0..envelope_channels {
            let env = &mut self.envelopes[ch];
            let gains = &mut self.gains[ch][..n];
            // Each stage runs over the whole chunk in turn (they only feed forward).
            env.hold.process(gains);
            let (mut sustain, mut release) = (env.sustain, env.release_state);
            let (sustain_decay, stretch) = (1.0 - sustain_k, slow - fast);
            // Written so each recurrence is one multiply, one add (and a minimum) long and has no
            // branch: the follower falls towards `held` at once and rises by `k` of the way.
            for g in gains.iter_mut() {
                let held = *g;
                let limiting = if held < 0.989 { sustain_k } else { 0.0 };
                sustain = sustain * sustain_decay + limiting;
                let k = fast + sustain * stretch;
                let follow = release * (1.0 - k) + k * held;
                release = if follow < held { follow } else { held };
                *g = release;
            }
            (env.sustain, env.release_state) = (sustain, release);
            env.first_average.process(gains);
            env.second_average.process(gains);
            for g in gains.iter_mut() {
                *g = if *g < 1.0 { *g } else { 1.0 };
            }
            // Gains are non-negative, so their bit patterns order like their values (vectorises).
            block_min = f32::from_bits(
                gains
                    .iter()
                    .fold(block_min.to_bits(), |m, &g| m.min(g.to_bits())),
            );
            if let Some(segment_frames) = segment_frames {
                let (offset, first) = (self.chunk_offset, self.chunk_offset / segment_frames);
                let mut pos = 0;
                while pos < n {
                    let k = (offset + pos) / segment_frames;
                    let end = ((k + 1) * segment_frames.get() - offset).min(n);
                    let low = &mut self.chunk_segment_gains[k - first];
                    *low = f32::from_bits(
                        gains[pos..end]
                            .iter()
                            .fold(low.to_bits(), |m, &g| m.min(g.to_bits())),
                    );
                    pos = end;
                }
            }
        }
        if shared {
            let (first, rest) = self.gains.split_at_mut(1);
            for g in rest.iter_mut().take(channels - 1) {
                g[..n].copy_from_slice(&first[0][..n]);
            }
            let last = self.envelopes[0].last_applied_gain;
            for env in self.envelopes.iter_mut().take(channels).skip(1) {
                env.last_applied_gain = last;
            }
        }
        self.block_min_gain = block_min;

        // Delay the processed input and apply the gain, at the host rate or oversampled.
        for ch in 0..channels {
            self.gain_delay
                .process_channel(ch, &mut self.gains[ch][..n]);
        }
        self.gain_delay.advance(n);
        for ch in 0..channels {
            self.audio_delay
                .process_channel(ch, &mut self.audio[ch][..n]);
        }
        self.audio_delay.advance(n);
        if factor == 1 {
            for ch in 0..channels {
                for (a, &g) in self.audio[ch][..n].iter_mut().zip(&self.gains[ch][..n]) {
                    *a *= g;
                }
            }
        } else {
            for ch in 0..channels {
                let os = &mut self.oversamplers[ch][os_index];
                let up = &mut self.upsampled_audio[ch][..n * factor];
                os.upsample(0, &self.audio[ch][..n], up);
                // Linear interpolation of the gain between host samples.
                let env = &mut self.envelopes[ch];
                let gains = &self.gains[ch][..n];
                env.last_applied_gain = match factor {
                    2 => interpolate_gain::<2>(env.last_applied_gain, gains, up),
                    4 => interpolate_gain::<4>(env.last_applied_gain, gains, up),
                    8 => interpolate_gain::<8>(env.last_applied_gain, gains, up),
                    _ => interpolate_gain::<16>(env.last_applied_gain, gains, up),
                };
                os.downsample(0, up, &mut self.audio[ch][..n]);
            }
        }
        // Unity gain, latency-compensated bypass crossfade, dither.
        self.unity_delay.process_channel(0, &mut self.unity[..n]);
        self.unity_delay.advance(n);
        for ch in 0..channels {
            self.dry_delay.process_channel(ch, &mut self.dry[ch][..n]);
        }
        self.dry_delay.advance(n);
        let plain =
            !s.unity_gain && s.dither == Dither::Off && self.bypass[..n].iter().all(|&b| b == 0.0);
        for (ch, out) in io.iter_mut().enumerate().take(channels) {
            let (wet, dry) = (&self.audio[ch][..n], &self.dry[ch][..n]);
            if plain {
                out[..n].copy_from_slice(wet);
                continue;
            }
            for (i, o) in out[..n].iter_mut().enumerate() {
                let w = if s.unity_gain {
                    wet[i] * self.unity[i]
                } else {
                    wet[i]
                };
                let b = self.bypass[i];
                let mut y = if b == 0.0 {
                    w
                } else if b == 1.0 {
                    dry[i]
                } else {
                    w + b * (dry[i] - w)
                };
                if s.dither != Dither::Off {
                    y = self.ditherers[ch].quantize(y);
                }
                *o = y;
            }
        }
    }
}

/// Multiplies each frame of `F` oversampled samples by the gain ramp from the previous host
/// gain to the frame's gain (linear interpolation); returns the last gain.
#[inline]
fn interpolate_gain<const F: usize>(mut previous: f32, gains: &[f32], up: &mut [f32]) -> f32 {
    let positions: [f32; F] = std::array::from_fn(|p| (p + 1) as f32);
    // `F` is a power of two, so multiplying by its inverse is exact.
    let inverse = 1.0 / F as f32;
    for (frame, &g) in up.chunks_exact_mut(F).zip(gains) {
        let step = (g - previous) * inverse;
        for (u, &p) in frame.iter_mut().zip(&positions) {
            *u *= previous + step * p;
        }
        previous = g;
    }
    previous
}

impl ChannelEnvelope {
    /// Copies another channel's envelope state without allocating (a derived `clone_from` would).
    fn copy_from(&mut self, other: &Self) {
        self.hold.copy_from(&other.hold);
        self.release_state = other.release_state;
        self.first_average.copy_from(&other.first_average);
        self.second_average.copy_from(&other.second_average);
        self.sustain = other.sustain;
        self.last_applied_gain = other.last_applied_gain;
    }
}

impl Processor for LookaheadLimiter {
    fn prepare(&mut self, spec: &ProcessSpec) {
        let fs = spec.sample_rate_hz;
        let channels = spec.channels.clamp(1, MAX_CHANNELS);
        self.sample_rate_hz = fs;
        self.channels = channels;
        self.max_block_frames = spec.max_block_frames.max(1);
        self.simd = crate::simd::detect();
        let max_lookahead = (MAX_LOOKAHEAD_MS * 0.001 * fs).ceil() as usize + 1;
        let max_span = max_lookahead + 2 * OVERSAMPLED_GUARD_SAMPLES + 2;
        let max_hold = ((MAX_HOLD_MS * 0.001 * fs).ceil() as usize).max(max_span) + 1;
        let max_audio_delay = max_lookahead + DETECTOR_DELAY_SAMPLES + OVERSAMPLED_GUARD_SAMPLES;
        let max_latency = max_audio_delay + ROUND_TRIP_LATENCY_SAMPLES + ONE_WAY_LATENCY_SAMPLES;

        self.input_gain = LinearSmoother::new(PARAMETER_RAMP_MS, 1.0);
        self.input_gain.prepare(fs);
        self.ceiling_gain = LinearSmoother::new(PARAMETER_RAMP_MS, 1.0);
        self.ceiling_gain.prepare(fs);
        self.bypass_mix = LinearSmoother::new(BYPASS_RAMP_MS, 0.0);
        self.bypass_mix.prepare(fs);
        self.dc_blockers = vec![DcBlocker::new(DC_CUTOFF_HZ, fs); channels];
        self.detector = TruePeakDetector::with_filter(SIDECHAIN_FACTOR, SIDECHAIN_TAPS_PER_PHASE);
        self.detector
            .prepare(&ProcessSpec::new(fs, CHUNK, channels));
        self.ceiling_delay = DelayLine::new(DETECTOR_DELAY_SAMPLES + ROUND_TRIP_LATENCY_SAMPLES);
        self.ceiling_delay.prepare(&ProcessSpec::new(fs, CHUNK, 1));
        self.envelopes = (0..channels)
            .map(|_| ChannelEnvelope {
                hold: SlidingMinimum::with_capacity(max_hold),
                release_state: 1.0,
                first_average: BoxAverage::with_capacity(max_span),
                second_average: BoxAverage::with_capacity(max_span),
                sustain: 0.0,
                last_applied_gain: 1.0,
            })
            .collect();
        self.audio_delay = DelayLine::new(max_latency);
        self.audio_delay
            .prepare(&ProcessSpec::new(fs, CHUNK, channels));
        self.gain_delay = DelayLine::new(max_lookahead);
        self.gain_delay
            .prepare(&ProcessSpec::new(fs, CHUNK, channels));
        self.unity_delay = DelayLine::new(max_latency);
        self.unity_delay.prepare(&ProcessSpec::new(fs, CHUNK, 1));
        self.dry_delay = DelayLine::new(max_latency);
        self.dry_delay
            .prepare(&ProcessSpec::new(fs, CHUNK, channels));
        self.oversamplers = (0..channels)
            .map(|_| {
                [2, 4, 8, 16]
                    .into_iter()
                    .map(|f| Oversampler::new(f, 1, CHUNK))
                    .collect()
            })
            .collect();
        self.ditherers = vec![Ditherer::new(24, false, 0); channels];
        self.audio = vec![vec![0.0; CHUNK]; channels];
        self.input_gain_ramp = vec![0.0; CHUNK];
        self.dry = vec![vec![0.0; CHUNK]; channels];
        self.peaks = vec![vec![0.0; CHUNK]; channels];
        self.gains = vec![vec![0.0; CHUNK]; channels];
        self.ceiling = vec![0.0; CHUNK];
        self.unity = vec![0.0; CHUNK];
        self.bypass = vec![0.0; CHUNK];
        self.linked = vec![0.0; CHUNK];
        self.chunk_segment_gains = vec![1.0; CHUNK];
        self.upsampled_audio = vec![vec![0.0; CHUNK * 16]; channels];
        self.round_trip = vec![vec![0.0; CHUNK]; channels];
        self.applied = None;
        self.timing = None;
        self.apply_settings();
        self.reset();
    }

    /// Settings handed over since the last block apply at once (no ramp from the old values), then
    /// every state is cleared, so the output depends only on the settings and the input to come.
    fn reset(&mut self) {
        if self.max_block_frames > 0 {
            self.apply_settings();
        }
        let s = self.settings;
        self.input_gain
            .reset(db_to_gain((s.input_gain_db as f64).clamp(0.0, 24.0)));
        self.ceiling_gain
            .reset(db_to_gain((s.ceiling_dbtp as f64).clamp(-12.0, 0.0)));
        self.bypass_mix.reset(if s.bypass { 1.0 } else { 0.0 });
        for d in &mut self.dc_blockers {
            d.reset();
        }
        self.detector.reset();
        self.ceiling_delay.reset();
        for env in &mut self.envelopes {
            env.hold.reset();
            env.release_state = 1.0;
            env.first_average.reset_to(env.first_average.length(), 1.0);
            env.second_average
                .reset_to(env.second_average.length(), 1.0);
            env.sustain = 0.0;
            env.last_applied_gain = 1.0;
        }
        for line in [
            &mut self.audio_delay,
            &mut self.gain_delay,
            &mut self.unity_delay,
            &mut self.dry_delay,
        ] {
            line.reset();
        }
        // Delayed control signals start at their steady values, not at zero.
        self.ceiling_delay
            .fill(self.ceiling_gain.value() as f32 * self.margin_gain);
        self.unity_delay
            .fill((1.0 / self.input_gain.value()) as f32);
        for os in self.oversamplers.iter_mut().flatten() {
            os.reset();
        }
        for d in &mut self.ditherers {
            d.reset();
        }
        self.block_min_gain = 1.0;
        self.envelopes_shared = false;
    }

    fn latency_samples(&self) -> u32 {
        timing(&self.settings, self.sample_rate_hz).latency as u32
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        self.process_blocks(channels, |_, _, _| {});
    }
}
