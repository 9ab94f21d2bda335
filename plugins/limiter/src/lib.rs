//! Vernis Limiter: a true-peak lookahead limiter (CLAP + VST3).
//!
//! This crate is glue: parameters ([`params`]), the editor ([`editor`]) and the audio-thread side
//! below, which runs [`dsp_core::dynamics::LookaheadLimiter`] and publishes meters to the editor
//! through [`LimiterShared`]: input and output true peak per channel, gain reduction and its
//! history, and the output's loudness ([`dsp_core::meter::LoudnessMeter`]).
//!
//! * Automation: `SAMPLE_ACCURATE_AUTOMATION` makes the wrapper split the host buffer at every
//!   parameter event, so within one `process()` call the parameter values are constant. They are
//!   mapped onto [`LimiterSettings`] once per call and handed to the limiter when they changed;
//!   the limiter ramps Input Gain and Ceiling itself, so no nice-plug smoothers are involved and
//!   the output does not depend on how the host cuts its buffers.
//! * Latency ([`ui_kit::LatencyReporter`]): reported in `activate()`. A setting that changes it
//!   (Lookahead, Oversampling, or Style at the shortest lookaheads) while active applies at once
//!   in VST3 and the standalone, re-reported from `process()`. CLAP allows a latency change only
//!   inside `activate()`: the limiter keeps running at the reported latency (every other setting
//!   applies at once), asks the host for a restart, and the new latency takes effect in the next
//!   activation. The audio is always delayed by exactly the latency last reported.
//! * First sample: values that arrive before the first sample after activation or `reset()`
//!   apply at once, with no ramp, so the first render of a project equals the second.
//! * Output: subnormal samples are flushed to zero ([`dsp_core::subnormal::flush_subnormals`]).
//! * Bypass: the Bypass parameter is the host's bypass switch and maps to the limiter's own
//!   latency-compensated crossfaded bypass, so bypassing neither shifts the audio nor clicks.
//! * Preview: with Preview on, the output is played at the gain Preview Platform's loudness
//!   normalisation would apply to the output's integrated loudness and true peak measured so far
//!   ([`dsp_core::preview::PlaybackPreview`], updated at the publish rate, ramped over 50 ms). It
//!   is the very last stage, after the output meters and after the limiter's dither: the meters
//!   and gain-reduction readouts never see it, the latency does not change, and with it off the
//!   output is bit-identical. A gain after dither no longer leaves the dither at the word
//!   length's LSB; that is accepted because Preview is for monitoring, not for rendering (it is
//!   off by default and renders previewed only when a project is saved with it on).
//! * Meters are measured in sub-blocks of at most [`SUB_BLOCK_FRAMES`] frames and published every
//!   1/30 s; nothing on the audio path allocates, locks or formats.

use std::sync::Arc;

use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter};
use dsp_core::meter::{LoudnessMeter, TruePeakDetector};
use dsp_core::preview::PlaybackPreview;
use dsp_core::subnormal::flush_subnormals;
use dsp_core::units::gain_to_db;
use dsp_core::{ProcessSpec, Processor};
use nice_plug::prelude::*;
use ui_kit::{CommandFlag, FrameClock, HistoryRing, LatencyReporter, LatencyRequest, MeterBus};

pub mod editor;
pub mod params;
#[cfg(test)]
mod preview_tests;

pub use params::LimiterParams;

/// Most channels the plugin is configured with (7.1.4); all are limited with one linked gain at
/// 100 % Stereo Link.
pub const MAX_CHANNELS: usize = ui_kit::layouts::MAX_LAYOUT_CHANNELS;

/// Longest piece of audio the limiter and the meters get at once, frames: host blocks up to this
/// size reach the limiter whole (cut only at publish boundaries), so the plugin's cost per call is
/// the bench's at the host's block size. Output and readings do not depend on it.
pub const SUB_BLOCK_FRAMES: usize = 1024;

/// Rate at which readings are published and history points recorded, hertz.
pub const PUBLISH_RATE_HZ: f64 = 30.0;

/// Deepest gain reduction the meters show, dB: a gain of exactly 0 (−∞ dB) is metered as this.
pub const MAX_METERED_REDUCTION_DB: f32 = 96.0;

/// Length of the gain-reduction history, seconds.
pub const HISTORY_SECONDS: usize = 120;

/// Columns of a [`LimiterShared::history`] point.
pub mod history {
    /// Highest input true peak over the channels, dBTP.
    pub const INPUT_DBTP: usize = 0;
    /// Highest output true peak over the channels, dBTP.
    pub const OUTPUT_DBTP: usize = 1;
    /// Deepest gain reduction, dB (≥ 0).
    pub const GAIN_REDUCTION_DB: usize = 2;
    /// Width of a point.
    pub const WIDTH: usize = 3;
}

/// Slot names of the [`MeterBus`] in [`LimiterShared::bus`].
///
/// "Peak" slots hold the highest value since the editor last took them ([`MeterBus::set_max`] /
/// [`MeterBus::take`]); the others are plain readings.
pub mod slot {
    use super::MAX_CHANNELS;

    /// Input true peak of channel 0 since the editor's last look, dBTP; channel `c` at `+ c`.
    pub const INPUT_PEAK_DBTP: usize = 0;
    /// Output true peak of channel 0 since the editor's last look, dBTP; channel `c` at `+ c`.
    pub const OUTPUT_PEAK_DBTP: usize = INPUT_PEAK_DBTP + MAX_CHANNELS;
    /// Deepest gain reduction since the editor's last look, dB (≥ 0).
    pub const GAIN_REDUCTION_DB: usize = OUTPUT_PEAK_DBTP + MAX_CHANNELS;
    /// Highest input true peak since reset, over all channels, dBTP.
    pub const INPUT_MAX_DBTP: usize = GAIN_REDUCTION_DB + 1;
    /// Highest output true peak since reset, over all channels, dBTP.
    pub const OUTPUT_MAX_DBTP: usize = INPUT_MAX_DBTP + 1;
    /// Deepest gain reduction since reset, dB.
    pub const GAIN_REDUCTION_MAX_DB: usize = OUTPUT_MAX_DBTP + 1;
    /// Momentary loudness of the output, LUFS.
    pub const MOMENTARY_LUFS: usize = GAIN_REDUCTION_MAX_DB + 1;
    /// Short-term loudness of the output, LUFS.
    pub const SHORT_TERM_LUFS: usize = MOMENTARY_LUFS + 1;
    /// Integrated loudness of the output since reset, LUFS.
    pub const INTEGRATED_LUFS: usize = SHORT_TERM_LUFS + 1;
    /// Measured time since reset, seconds.
    pub const MEASURED_SECONDS: usize = INTEGRATED_LUFS + 1;
    /// Latency reported to the host, samples.
    pub const LATENCY_SAMPLES: usize = MEASURED_SECONDS + 1;
    /// Sample rate, hertz.
    pub const SAMPLE_RATE_HZ: usize = LATENCY_SAMPLES + 1;
    /// Number of channels.
    pub const CHANNELS: usize = SAMPLE_RATE_HZ + 1;
    /// Gain Preview Platform's normalisation applies to the output so far (what Preview plays), dB.
    pub const PREVIEW_GAIN_DB: usize = CHANNELS + 1;
    /// Number of slots.
    pub const COUNT: usize = PREVIEW_GAIN_DB + 1;
}

/// State shared between the audio thread (single writer) and the editor (readers).
#[derive(Debug)]
pub struct LimiterShared {
    /// Scalar readings, indexed by the constants in [`slot`].
    pub bus: MeterBus,
    /// Input peak, output peak and gain reduction every 1/30 s (columns in [`history`]).
    pub history: HistoryRing<{ history::WIDTH }>,
    /// Raised by the editor's Reset button: clears the loudness, the maxima and the history.
    pub reset: CommandFlag,
}

impl LimiterShared {
    fn new() -> Self {
        let bus = MeterBus::new(slot::COUNT, f32::NEG_INFINITY);
        bus.set(slot::GAIN_REDUCTION_DB, 0.0);
        bus.set(slot::GAIN_REDUCTION_MAX_DB, 0.0);
        bus.set(slot::MEASURED_SECONDS, 0.0);
        bus.set(slot::LATENCY_SAMPLES, 0.0);
        bus.set(slot::SAMPLE_RATE_HZ, 48_000.0);
        bus.set(slot::CHANNELS, 2.0);
        bus.set(slot::PREVIEW_GAIN_DB, 0.0);
        Self {
            bus,
            history: HistoryRing::new(HISTORY_SECONDS * PUBLISH_RATE_HZ as usize),
            reset: CommandFlag::new(),
        }
    }
}

/// The Vernis Limiter plugin.
pub struct VernisLimiter {
    params: Arc<LimiterParams>,
    shared: Arc<LimiterShared>,
    limiter: LookaheadLimiter,
    /// Settings last handed to the limiter.
    applied: Option<LimiterSettings>,
    /// Latency reported to the host, and whether a restart is pending (CLAP).
    latency: LatencyReporter,
    /// No sample has been processed since the last activation or reset: settings apply at once.
    awaiting_first_sample: bool,
    loudness: LoudnessMeter,
    /// The Preview gain stage, after everything else.
    preview: PlaybackPreview,
    input_peaks: TruePeakDetector,
    output_peaks: TruePeakDetector,
    sample_rate_hz: f64,
    channels: usize,
    /// When to publish the readings and record a history point next.
    publish_clock: FrameClock,
    /// Deepest gain reduction in the current publish interval, dB.
    interval_reduction_db: f32,
    /// Highest true peaks and deepest gain reduction since the last meter reset.
    input_max_gain: f32,
    output_max_gain: f32,
    max_reduction_db: f32,
    /// (sample rate, channels) the meters were last prepared for.
    meters_prepared_for: Option<(f64, usize)>,
    /// Standalone demo input (`VERNIS_DEMO`), never present in plugin builds.
    #[cfg(feature = "standalone")]
    demo: Option<ui_kit::demo::DemoInput>,
    /// The demo's warm-up audio, run through the limiter and the meters in the first `process()`
    /// call (after the host's `reset()`, so the history shows no seam).
    #[cfg(feature = "standalone")]
    demo_warmup: Option<Vec<Vec<f32>>>,
}

impl Default for VernisLimiter {
    fn default() -> Self {
        Self {
            params: Arc::new(LimiterParams::default()),
            shared: Arc::new(LimiterShared::new()),
            limiter: LookaheadLimiter::new(),
            applied: None,
            latency: LatencyReporter::new(),
            awaiting_first_sample: true,
            loudness: LoudnessMeter::new(),
            preview: PlaybackPreview::new(),
            input_peaks: TruePeakDetector::new(),
            output_peaks: TruePeakDetector::new(),
            sample_rate_hz: 48_000.0,
            channels: 2,
            publish_clock: FrameClock::new(1_600.0),
            interval_reduction_db: 0.0,
            input_max_gain: 0.0,
            output_max_gain: 0.0,
            max_reduction_db: 0.0,
            meters_prepared_for: None,
            #[cfg(feature = "standalone")]
            demo: None,
            #[cfg(feature = "standalone")]
            demo_warmup: None,
        }
    }
}

impl VernisLimiter {
    /// Prepares the limiter and the meters for a configuration; the only place that allocates.
    ///
    /// The limiter is always prepared afresh. The meters keep their running measurement when the
    /// sample rate and channel count are unchanged (hosts re-activate for buffer-size changes).
    fn prepare(&mut self, sample_rate_hz: f64, channels: usize) {
        let channels = channels.clamp(1, MAX_CHANNELS);
        self.sample_rate_hz = sample_rate_hz;
        self.channels = channels;
        let spec = ProcessSpec::new(sample_rate_hz, SUB_BLOCK_FRAMES, channels);
        let settings = self.params.settings();
        self.limiter.set_settings(&settings);
        self.applied = Some(settings);
        self.limiter.prepare(&spec);
        self.limiter.reset();
        self.awaiting_first_sample = true;
        self.preview.prepare(&spec);
        self.apply_preview_params();

        let bus = &self.shared.bus;
        bus.set(slot::LATENCY_SAMPLES, self.limiter.latency_samples() as f32);
        bus.set_f64(slot::SAMPLE_RATE_HZ, sample_rate_hz);
        bus.set(slot::CHANNELS, channels as f32);

        if self.meters_prepared_for != Some((sample_rate_hz, channels)) {
            self.meters_prepared_for = Some((sample_rate_hz, channels));
            self.loudness.prepare(&spec);
            self.input_peaks.prepare(&spec);
            self.output_peaks.prepare(&spec);
            self.publish_clock
                .set_interval(sample_rate_hz / PUBLISH_RATE_HZ);
            self.reset_meters();
        }
    }

    /// Clears the loudness measurement, the maxima, the history and the published readings.
    /// Real-time safe.
    fn reset_meters(&mut self) {
        self.loudness.reset();
        self.input_peaks.reset_peaks();
        self.output_peaks.reset_peaks();
        self.input_max_gain = 0.0;
        self.output_max_gain = 0.0;
        self.max_reduction_db = 0.0;
        self.interval_reduction_db = 0.0;
        self.shared.history.clear();
        self.publish_clock.restart();
        let bus = &self.shared.bus;
        for c in 0..MAX_CHANNELS {
            bus.set(slot::INPUT_PEAK_DBTP + c, f32::NEG_INFINITY);
            bus.set(slot::OUTPUT_PEAK_DBTP + c, f32::NEG_INFINITY);
        }
        bus.set(slot::GAIN_REDUCTION_DB, 0.0);
        bus.set(slot::INPUT_MAX_DBTP, f32::NEG_INFINITY);
        bus.set(slot::OUTPUT_MAX_DBTP, f32::NEG_INFINITY);
        bus.set(slot::GAIN_REDUCTION_MAX_DB, 0.0);
        self.publish_loudness();
    }

    /// Hands changed settings to the limiter and says what the host must be told. With
    /// `latency_may_change` false (CLAP while active), settings that would change the latency
    /// keep their running values and a restart is asked for instead. Real-time safe.
    fn apply_settings(
        &mut self,
        wanted: &LimiterSettings,
        latency_may_change: bool,
    ) -> LatencyRequest {
        let settings = match self.applied {
            Some(running) if !latency_may_change => {
                LookaheadLimiter::settings_keeping_latency(wanted, &running, self.sample_rate_hz)
            }
            _ => *wanted,
        };
        if self.applied != Some(settings) {
            self.limiter.set_settings(&settings);
            self.applied = Some(settings);
        }
        let latency = self.limiter.latency_samples();
        self.shared.bus.set(slot::LATENCY_SAMPLES, latency as f32);
        LatencyRequest::after_update(
            settings != *wanted,
            latency,
            self.latency.reported_samples(),
        )
    }

    /// Publishes the output loudness and hands it, with the output's highest true peak since the
    /// meter reset, to the preview.
    fn publish_loudness(&mut self) {
        let integrated_lufs = self.loudness.integrated_lufs();
        self.preview.set_measurement(
            integrated_lufs,
            f64::from(gain_to_db_f32(self.output_max_gain)),
        );
        let bus = &self.shared.bus;
        bus.set_f64(slot::PREVIEW_GAIN_DB, self.preview.platform_gain_db());
        bus.set_f64(slot::MOMENTARY_LUFS, self.loudness.momentary_lufs());
        bus.set_f64(slot::SHORT_TERM_LUFS, self.loudness.short_term_lufs());
        bus.set_f64(slot::INTEGRATED_LUFS, integrated_lufs);
        bus.set_f64(
            slot::MEASURED_SECONDS,
            self.loudness.reading().frames as f64 / self.sample_rate_hz,
        );
    }

    /// Publishes the readings of the interval that just ended and records a history point.
    fn publish(&mut self) {
        let bus = &self.shared.bus;
        let mut input_gain = 0.0f32;
        let mut output_gain = 0.0f32;
        for c in 0..self.channels {
            let input = self.input_peaks.channel_peak_gain(c);
            let output = self.output_peaks.channel_peak_gain(c);
            bus.set_max(slot::INPUT_PEAK_DBTP + c, gain_to_db_f32(input));
            bus.set_max(slot::OUTPUT_PEAK_DBTP + c, gain_to_db_f32(output));
            input_gain = input_gain.max(input);
            output_gain = output_gain.max(output);
        }
        self.input_peaks.reset_peaks();
        self.output_peaks.reset_peaks();
        let reduction = self.interval_reduction_db;
        self.interval_reduction_db = 0.0;
        bus.set_max(slot::GAIN_REDUCTION_DB, reduction);

        self.input_max_gain = self.input_max_gain.max(input_gain);
        self.output_max_gain = self.output_max_gain.max(output_gain);
        self.max_reduction_db = self.max_reduction_db.max(reduction);
        bus.set(slot::INPUT_MAX_DBTP, gain_to_db_f32(self.input_max_gain));
        bus.set(slot::OUTPUT_MAX_DBTP, gain_to_db_f32(self.output_max_gain));
        bus.set(slot::GAIN_REDUCTION_MAX_DB, self.max_reduction_db);
        self.publish_loudness();

        let mut point = [0.0; history::WIDTH];
        point[history::INPUT_DBTP] = gain_to_db_f32(input_gain);
        point[history::OUTPUT_DBTP] = gain_to_db_f32(output_gain);
        point[history::GAIN_REDUCTION_DB] = reduction;
        self.shared.history.push(point);
    }

    /// Limits `channels` in place (one slice per channel, all of the same length) and meters
    /// input and output, in sub-blocks of at most [`SUB_BLOCK_FRAMES`] that end exactly on publish
    /// boundaries. Allocation-free.
    fn run(&mut self, channels: &mut [&mut [f32]]) {
        let count = channels.len().min(self.channels);
        if count == 0 {
            return;
        }
        let frames = channels[..count].iter().map(|c| c.len()).min().unwrap_or(0);
        let mut pos = 0;
        while pos < frames {
            let len = (frames - pos)
                .min(SUB_BLOCK_FRAMES)
                .min(self.publish_clock.frames_left());
            let mut block: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (slice, channel) in block.iter_mut().zip(channels.iter_mut()) {
                *slice = &mut channel[pos..pos + len];
            }
            let block = &mut block[..count];
            {
                let input: [&[f32]; MAX_CHANNELS] =
                    std::array::from_fn(|c| block.get(c).map_or(&[][..], |s| &s[..]));
                self.input_peaks.measure(&input[..count]);
            }
            self.limiter.process(block);
            // `max` drops a NaN; `min` keeps an infinite reduction (gain 0) on the scale.
            self.interval_reduction_db = self.interval_reduction_db.max(
                self.limiter
                    .block_gain_reduction_db()
                    .min(MAX_METERED_REDUCTION_DB),
            );
            {
                let output: [&[f32]; MAX_CHANNELS] =
                    std::array::from_fn(|c| block.get(c).map_or(&[][..], |s| &s[..]));
                self.output_peaks.measure(&output[..count]);
                self.loudness.measure(&output[..count]);
            }
            self.preview.process(block);
            pos += len;
            if self.publish_clock.advance(len) {
                self.publish();
            }
        }
    }
}

impl VernisLimiter {
    /// Hands the Preview switch and platform to the preview stage (once per `process()` call).
    fn apply_preview_params(&mut self) {
        self.preview.set_enabled(self.params.preview.value());
        self.preview
            .set_platform(Some(*self.params.preview_platform.value().platform()));
    }
}

/// `gain_to_db` for meter values (`-inf` for silence).
fn gain_to_db_f32(gain: f32) -> f32 {
    gain_to_db(f64::from(gain)) as f32
}

#[cfg(feature = "standalone")]
impl VernisLimiter {
    /// Starts the demo programme when `VERNIS_DEMO` is set and copies its warm-up part
    /// (allocates; from `activate`).
    fn start_demo(&mut self) {
        self.demo = ui_kit::demo::DemoInput::from_env(self.sample_rate_hz);
        self.demo_warmup = self.demo.as_mut().and_then(|demo| {
            let warmup = demo.take_warmup()?;
            Some(
                (0..self.channels)
                    .map(|c| demo.channel(c, warmup.clone()).to_vec())
                    .collect(),
            )
        });
    }

    /// On the first block, runs the demo's warm-up through the limiter and the meters at once, so
    /// the history is not empty; then replaces the (silent) standalone input with the programme.
    fn run_demo(&mut self, buffer: &mut Buffer) {
        if let Some(mut warmup) = self.demo_warmup.take() {
            let count = warmup.len().min(MAX_CHANNELS);
            let mut slices: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (slice, channel) in slices.iter_mut().zip(warmup.iter_mut()) {
                *slice = &mut channel[..];
            }
            self.run(&mut slices[..count]);
            // Standalone demo only: freeing the warm-up copy here is allowed past the allocation
            // check (plugin builds never get here).
            nice_plug::util::permit_alloc(|| drop(warmup));
        }
        if let Some(demo) = self.demo.as_mut() {
            demo.fill(buffer.as_slice());
        }
    }
}

impl Plugin for VernisLimiter {
    const NAME: &'static str = "Vernis Limiter";
    const VENDOR: &'static str = "Vernis";
    const URL: &'static str = "https://vernis.audio";
    const EMAIL: &'static str = "info@vernis.audio";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = ui_kit::layouts::MASTERING_LAYOUTS;

    const SAMPLE_ACCURATE_AUTOMATION: bool = true;

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = editor::Editor;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn filter_state(state: &mut PluginState) {
        params::repair_state(state);
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(self.params.clone(), self.shared.clone())
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let channels = audio_io_layout
            .main_input_channels
            .map_or(2, |n| n.get() as usize);
        self.prepare(f64::from(buffer_config.sample_rate), channels);
        self.latency
            .report_at_activation(self.limiter.latency_samples(), context);
        #[cfg(feature = "standalone")]
        self.start_demo();
        true
    }

    /// Clears the limiter's delay lines and envelopes (hosts call this on seeks and transport
    /// stops); values that arrive before the next sample apply at once. The loudness measurement
    /// and the maxima are kept; the editor's Reset clears them.
    fn reset(&mut self) {
        self.limiter.reset();
        self.preview.reset();
        self.awaiting_first_sample = true;
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        if self.shared.reset.take() {
            self.reset_meters();
        }
        // Constant within this call: the wrapper splits the buffer at parameter events.
        let settings = self.params.settings();
        let latency_may_change = LatencyReporter::changes_apply_while_active(context.plugin_api());
        let request = self.apply_settings(&settings, latency_may_change);
        self.latency.handle(request, context);
        self.apply_preview_params();
        if self.awaiting_first_sample && buffer.samples() > 0 {
            // Nothing has played since activation or reset: the values set meanwhile apply at
            // once instead of ramping from the old ones.
            self.limiter.reset();
            self.awaiting_first_sample = false;
        }

        #[cfg(feature = "standalone")]
        self.run_demo(buffer);

        self.run(buffer.as_slice());
        for channel in buffer.as_slice().iter_mut() {
            flush_subnormals(channel);
        }
        // Keep being called on silence: the lookahead still holds audio, and the meters fall.
        ProcessStatus::KeepAlive
    }
}

impl ClapPlugin for VernisLimiter {
    const CLAP_ID: &'static str = "audio.vernis.limiter";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("True-peak lookahead limiter with loudness-target assistance and dither");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Limiter,
        ClapFeature::Mastering,
        ClapFeature::Stereo,
        ClapFeature::Mono,
        ClapFeature::Surround,
    ];
}

impl Vst3Plugin for VernisLimiter {
    const VST3_CLASS_ID: [u8; 16] = *b"VernisLimiterTP1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Dynamics];
}

nice_export_clap!(VernisLimiter);
nice_export_vst3!(VernisLimiter);

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(frames: usize, sample_rate_hz: f64, amplitude: f32) -> Vec<f32> {
        (0..frames)
            .map(|n| {
                amplitude
                    * (2.0 * std::f64::consts::PI * 997.0 * n as f64 / sample_rate_hz).sin() as f32
            })
            .collect()
    }

    #[test]
    fn meters_publish_at_30_hz_whatever_the_blocks() {
        let fs = 44_100.0;
        let mut plugin = VernisLimiter::default();
        plugin.prepare(fs, 2);
        let signal = sine(2 * 44_100, fs, 0.5);
        let mut left = signal.clone();
        let mut right = signal.clone();
        // Odd block sizes: interval boundaries must not depend on them.
        let mut start = 0;
        for len in [1, 333, 64, 65, 1000, 7].iter().cycle() {
            if start >= left.len() {
                break;
            }
            let end = (start + len).min(left.len());
            plugin.run(&mut [&mut left[start..end], &mut right[start..end]]);
            start = end;
        }
        let shared = plugin.shared.clone();
        assert_eq!(shared.history.total_written(), 60);
        let bus = &shared.bus;
        // 0.5 amplitude = −6.02 dBTP in; the output is at most that (the stub passes through).
        let input = bus.take(slot::INPUT_PEAK_DBTP, f32::NEG_INFINITY);
        assert!((input - -6.02).abs() < 0.1, "{input}");
        assert_eq!(bus.get(slot::INPUT_PEAK_DBTP), f32::NEG_INFINITY);
        assert!((bus.get(slot::INPUT_MAX_DBTP) - -6.02).abs() < 0.1);
        assert!(bus.get(slot::OUTPUT_MAX_DBTP) <= -6.0);
        assert!(bus.get(slot::SHORT_TERM_LUFS).is_finite());
        assert!(bus.get(slot::INTEGRATED_LUFS).is_finite());
        assert!((bus.get(slot::MEASURED_SECONDS) - 2.0).abs() < 0.01);
        assert_eq!(bus.get(slot::SAMPLE_RATE_HZ), 44_100.0);
        assert_eq!(bus.get(slot::CHANNELS), 2.0);
        let mut points = Vec::new();
        shared.history.copy_recent(usize::MAX, &mut points);
        let last = points.last().unwrap();
        assert!((last[history::INPUT_DBTP] - -6.02).abs() < 0.1);
        assert!(last[history::GAIN_REDUCTION_DB] >= 0.0);

        plugin.shared.reset.request();
        assert!(plugin.shared.reset.take());
        plugin.reset_meters();
        assert!(shared.history.is_empty());
        assert_eq!(bus.get(slot::INTEGRATED_LUFS), f32::NEG_INFINITY);
        assert_eq!(bus.get(slot::INPUT_MAX_DBTP), f32::NEG_INFINITY);
    }

    #[test]
    fn latency_follows_the_settings() {
        let fs = 48_000.0;
        let mut plugin = VernisLimiter::default();
        plugin.prepare(fs, 2);
        let defaults = LimiterSettings::default();
        let default_latency = LookaheadLimiter::latency_samples_for(&defaults, fs);
        assert_eq!(plugin.limiter.latency_samples(), default_latency);
        // As activate() would report it.
        plugin.latency = LatencyReporter::new();
        assert_eq!(
            plugin.apply_settings(&defaults, true),
            LatencyRequest::Report(default_latency)
        );
        let longer = LimiterSettings {
            lookahead_ms: 10.0,
            oversampling: dsp_core::dynamics::Oversampling::X16,
            input_gain_db: 6.0,
            ..defaults
        };
        let expected = LookaheadLimiter::latency_samples_for(&longer, fs);
        assert_ne!(expected, default_latency);

        // CLAP while active: the latency stays, Input Gain applies, a restart is asked for.
        assert_eq!(
            plugin.apply_settings(&longer, false),
            LatencyRequest::Restart
        );
        assert_eq!(plugin.limiter.latency_samples(), default_latency);
        assert_eq!(plugin.limiter.settings().input_gain_db, 6.0);
        assert_eq!(
            plugin.limiter.settings().lookahead_ms,
            defaults.lookahead_ms
        );
        // VST3: applies at once and is reported.
        let mut vst3 = VernisLimiter::default();
        vst3.prepare(fs, 2);
        assert_eq!(
            vst3.apply_settings(&longer, true),
            LatencyRequest::Report(expected)
        );
        assert_eq!(vst3.shared.bus.get(slot::LATENCY_SAMPLES), expected as f32);
    }

    #[test]
    fn twelve_channels_share_one_gain_and_stay_under_the_ceiling() {
        let fs = 48_000.0;
        let mut plugin = VernisLimiter::default();
        plugin.prepare(fs, 12);
        let loud = sine(9_600, fs, 0.99);
        let quiet = sine(9_600, fs, 0.01);
        let mut channels: Vec<Vec<f32>> = (0..12)
            .map(|c| if c == 0 { loud.clone() } else { quiet.clone() })
            .collect();
        let settings = LimiterSettings {
            input_gain_db: 12.0,
            ..LimiterSettings::default()
        };
        plugin.apply_settings(&settings, true);
        let mut slices: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
        plugin.run(&mut slices);
        let latency = plugin.limiter.latency_samples() as usize;
        let ceiling = dsp_core::units::db_to_gain(-1.0) as f32;
        // Past the attack, the quiet channel is turned down by what the loud one needs: the
        // ratio of the two outputs stays the input ratio (0.01 / 0.99) on every channel.
        let steady = (latency + 2_400)..9_600;
        for (c, channel) in channels.iter().enumerate().skip(1) {
            let pairs = channels[0][steady.clone()]
                .iter()
                .zip(&channel[steady.clone()]);
            for (n, (&l, &q)) in pairs.enumerate() {
                assert!(l.abs() <= ceiling, "channel 0 frame {n}: {l}");
                if l.abs() > 0.1 {
                    let ratio = q / l;
                    assert!(
                        (ratio - 0.01 / 0.99).abs() < 1e-4,
                        "channel {c} frame {n}: {ratio}"
                    );
                }
            }
        }
        assert_eq!(plugin.shared.bus.get(slot::CHANNELS), 12.0);
    }

    #[test]
    fn mono_and_reactivation() {
        let mut plugin = VernisLimiter::default();
        plugin.prepare(48_000.0, 1);
        let mut mono = sine(4_800, 48_000.0, 0.25);
        plugin.run(&mut [&mut mono[..]]);
        assert_eq!(plugin.shared.history.total_written(), 3);
        // Same rate and channels: the measurement survives a re-activation; a new rate does not.
        plugin.prepare(48_000.0, 1);
        assert_eq!(plugin.shared.history.total_written(), 3);
        plugin.prepare(96_000.0, 1);
        assert_eq!(plugin.shared.history.total_written(), 0);
        assert!(mono.iter().all(|x| x.is_finite()));
    }
}
