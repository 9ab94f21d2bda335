//! Vernis Loudness: an EBU R128 / BS.1770 loudness and true-peak meter (CLAP + VST3).
//!
//! This crate is glue: parameters ([`params`]), the editor ([`editor`]) and the audio-thread side
//! below, which feeds [`dsp_core::meter::LoudnessMeter`] and publishes its readings to the editor
//! through [`MeterShared`]. Audio passes through untouched (bit-exact, zero latency), except that subnormal
//! samples are flushed to zero.
//!
//! Preview: with the Preview switch on, the output is played at the gain the selected target's
//! normalisation would apply to the integrated loudness measured so far
//! ([`dsp_core::preview::PlaybackPreview`], updated at the publish rate and ramped over 50 ms).
//! The meter measures each piece of audio before the preview gain is applied, so readings are
//! the same whether Preview is on or off; with it off the output stays bit-exact. The switch is
//! an ordinary saved parameter (off by default): a project renders previewed only if it was
//! saved with Preview on.
//!
//! Layouts ([`ui_kit::layouts`]): mono, stereo, 5.1, 7.1 (8 channels) and 7.1.4 (12), weighed as
//! dsp-core's `ChannelLayout::from_channel_count` places them in WAV/VST3 order; neither wrapper
//! tells the plugin more than the channel count.

use std::sync::Arc;

use dsp_core::meter::{LoudnessMeter, LoudnessReading};
use dsp_core::preview::PlaybackPreview;
use dsp_core::subnormal::flush_subnormals;
use dsp_core::{ProcessSpec, Processor};
use nice_plug::prelude::*;
use ui_kit::{CommandFlag, FrameClock, HistoryRing, MeterBus};

pub mod editor;
pub mod params;
#[cfg(test)]
mod preview_tests;

pub use params::{LoudnessParams, Target};

/// Most channels the plugin is ever configured with (7.1.4).
pub const MAX_CHANNELS: usize = ui_kit::layouts::MAX_LAYOUT_CHANNELS;

/// History points per second (one (M, S) point every 100 ms).
pub const HISTORY_RATE_HZ: f64 = 10.0;

/// Length of the history the editor can show, in seconds (one hour).
pub const HISTORY_SECONDS: usize = 3600;

/// Rate at which the scalar readings are published to the editor, in hertz.
pub const PUBLISH_RATE_HZ: f64 = 30.0;

/// Slot names of the [`MeterBus`] in [`MeterShared::bus`].
pub mod slot {
    /// Momentary loudness, LUFS.
    pub const MOMENTARY_LUFS: usize = 0;
    /// Short-term loudness, LUFS.
    pub const SHORT_TERM_LUFS: usize = 1;
    /// Integrated loudness, LUFS.
    pub const INTEGRATED_LUFS: usize = 2;
    /// Loudness range, LU.
    pub const LOUDNESS_RANGE_LU: usize = 3;
    /// Highest momentary loudness, LUFS.
    pub const MOMENTARY_MAX_LUFS: usize = 4;
    /// Highest short-term loudness, LUFS.
    pub const SHORT_TERM_MAX_LUFS: usize = 5;
    /// Highest sample peak, dBFS.
    pub const SAMPLE_PEAK_DBFS: usize = 6;
    /// Highest true peak over all channels, dBTP.
    pub const TRUE_PEAK_DBTP: usize = 7;
    /// Peak-to-loudness ratio, dB.
    pub const PLR_DB: usize = 8;
    /// Measured time since the last reset, seconds.
    pub const MEASURED_SECONDS: usize = 9;
    /// Number of channels being measured.
    pub const CHANNELS: usize = 10;
    /// Highest true peak of channel 0, dBTP; channel `c` is at `CHANNEL_TRUE_PEAK_DBTP + c`.
    pub const CHANNEL_TRUE_PEAK_DBTP: usize = 11;
    /// Gain the target's normalisation applies to the measurement so far (what Preview plays), dB.
    pub const PREVIEW_GAIN_DB: usize = CHANNEL_TRUE_PEAK_DBTP + super::MAX_CHANNELS;
    /// Number of slots.
    pub const COUNT: usize = PREVIEW_GAIN_DB + 1;
}

/// State shared between the audio thread (single writer) and the editor (readers).
#[derive(Debug)]
pub struct MeterShared {
    /// Scalar readings, indexed by the constants in [`slot`].
    pub bus: MeterBus,
    /// (momentary, short-term) loudness in LUFS every 100 ms of measured audio.
    pub history: HistoryRing<2>,
    /// Raised by the editor's Reset button; consumed by the audio thread.
    pub reset: CommandFlag,
}

impl MeterShared {
    fn new() -> Self {
        let bus = MeterBus::new(slot::COUNT, f32::NEG_INFINITY);
        bus.set(slot::LOUDNESS_RANGE_LU, 0.0);
        bus.set(slot::MEASURED_SECONDS, 0.0);
        bus.set(slot::CHANNELS, 2.0);
        bus.set(slot::PREVIEW_GAIN_DB, 0.0);
        Self {
            bus,
            history: HistoryRing::new(HISTORY_SECONDS * HISTORY_RATE_HZ as usize),
            reset: CommandFlag::new(),
        }
    }
}

/// The Vernis Loudness plugin.
pub struct VernisLoudness {
    params: Arc<LoudnessParams>,
    shared: Arc<MeterShared>,
    meter: LoudnessMeter,
    /// The Preview gain stage, after the meter.
    preview: PlaybackPreview,
    sample_rate_hz: f64,
    channels: usize,
    /// When to record the next history point.
    history_clock: FrameClock,
    /// When to publish the readings next.
    publish_clock: FrameClock,
    was_playing: bool,
    /// (sample rate, channels) the meter was last prepared for.
    prepared_for: Option<(f64, usize)>,
    /// Standalone demo input (`VERNIS_DEMO`), never present in plugin builds.
    #[cfg(feature = "standalone")]
    demo: Option<ui_kit::demo::DemoInput>,
}

impl Default for VernisLoudness {
    fn default() -> Self {
        Self {
            params: Arc::new(LoudnessParams::default()),
            shared: Arc::new(MeterShared::new()),
            meter: LoudnessMeter::new(),
            preview: PlaybackPreview::new(),
            sample_rate_hz: 48_000.0,
            channels: 2,
            history_clock: FrameClock::new(4_800.0),
            publish_clock: FrameClock::new(1_600.0),
            was_playing: false,
            prepared_for: None,
            #[cfg(feature = "standalone")]
            demo: None,
        }
    }
}

impl VernisLoudness {
    /// Prepares the meter and the publishing intervals and starts a fresh measurement; the only
    /// place that allocates. Does nothing when already prepared for this sample rate and channel
    /// count (hosts re-activate for buffer-size changes and state loads; the meter accepts any
    /// block length, so the running measurement is kept).
    fn prepare(&mut self, sample_rate_hz: f64, max_block_frames: usize, channels: usize) {
        let channels = channels.clamp(1, MAX_CHANNELS);
        if self.prepared_for == Some((sample_rate_hz, channels)) {
            return;
        }
        self.prepared_for = Some((sample_rate_hz, channels));
        self.sample_rate_hz = sample_rate_hz;
        self.channels = channels;
        let spec = ProcessSpec::new(self.sample_rate_hz, max_block_frames, self.channels);
        self.meter.prepare(&spec);
        self.preview.prepare(&spec);
        self.history_clock
            .set_interval(self.sample_rate_hz / HISTORY_RATE_HZ);
        self.publish_clock
            .set_interval((self.sample_rate_hz / PUBLISH_RATE_HZ).round().max(1.0));
        self.reset_measurement();
    }

    /// Clears the measurement, the history and the published readings. Real-time safe.
    fn reset_measurement(&mut self) {
        self.meter.reset();
        self.shared.history.clear();
        self.history_clock.restart();
        self.publish_clock.restart();
        self.publish();
    }

    /// Copies the meter's readings to the shared bus and hands the integrated loudness and true
    /// peak so far to the preview.
    fn publish(&mut self) {
        let r: LoudnessReading = self.meter.reading();
        self.preview
            .set_measurement(r.integrated_lufs, r.true_peak_dbtp);
        let bus = &self.shared.bus;
        bus.set_f64(slot::MOMENTARY_LUFS, r.momentary_lufs);
        bus.set_f64(slot::SHORT_TERM_LUFS, r.short_term_lufs);
        bus.set_f64(slot::INTEGRATED_LUFS, r.integrated_lufs);
        bus.set_f64(slot::LOUDNESS_RANGE_LU, r.loudness_range_lu);
        bus.set_f64(slot::MOMENTARY_MAX_LUFS, r.momentary_max_lufs);
        bus.set_f64(slot::SHORT_TERM_MAX_LUFS, r.short_term_max_lufs);
        bus.set_f64(slot::SAMPLE_PEAK_DBFS, r.sample_peak_dbfs);
        bus.set_f64(slot::TRUE_PEAK_DBTP, r.true_peak_dbtp);
        bus.set_f64(slot::PLR_DB, r.plr_db);
        bus.set_f64(
            slot::MEASURED_SECONDS,
            r.frames as f64 / self.sample_rate_hz,
        );
        bus.set(slot::CHANNELS, self.channels as f32);
        for ch in 0..MAX_CHANNELS {
            let tp = if ch < self.channels {
                self.meter.channel_true_peak_dbtp(ch)
            } else {
                f64::NEG_INFINITY
            };
            bus.set_f64(slot::CHANNEL_TRUE_PEAK_DBTP + ch, tp);
        }
        bus.set_f64(slot::PREVIEW_GAIN_DB, self.preview.platform_gain_db());
    }

    /// Length of the next piece of at most `frames_left` frames: pieces end exactly on publish and
    /// history boundaries.
    fn piece_frames(&self, frames_left: usize) -> usize {
        frames_left
            .min(self.history_clock.frames_left())
            .min(self.publish_clock.frames_left())
    }

    /// Measures one piece (from [`piece_frames`](Self::piece_frames)), then publishes and records
    /// history when due.
    fn measure_piece(&mut self, slices: &[&[f32]]) {
        let len = slices.first().map_or(0, |s| s.len());
        self.meter.measure(slices);
        let history_due = self.history_clock.advance(len);
        if self.publish_clock.advance(len) {
            self.publish();
        }
        if history_due {
            self.shared.history.push([
                self.meter.momentary_lufs() as f32,
                self.meter.short_term_lufs() as f32,
            ]);
        }
    }

    /// Measures one block (one slice per channel, all of the same length) in pieces that end
    /// exactly on publish and history boundaries. Allocation-free.
    #[cfg(any(test, feature = "standalone"))]
    fn measure<S: AsRef<[f32]>>(&mut self, channels: &[S]) {
        let count = channels.len().min(MAX_CHANNELS);
        let frames = channels
            .iter()
            .take(count)
            .map(|c| c.as_ref().len())
            .min()
            .unwrap_or(0);
        let mut pos = 0;
        while pos < frames {
            let len = self.piece_frames(frames - pos);
            let mut slices: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
            for (slice, channel) in slices.iter_mut().zip(channels.iter()) {
                *slice = &channel.as_ref()[pos..pos + len];
            }
            self.measure_piece(&slices[..count]);
            pos += len;
        }
    }

    /// The audio path of `process()`: measures each piece (unless `measure` is false: Pause), then
    /// applies the preview gain to it, so the meter never hears the preview and a new preview
    /// gain takes effect at the same frame whatever the host's block size. Allocation-free.
    fn run(&mut self, channels: &mut [&mut [f32]], measure: bool) {
        let count = channels.len().min(MAX_CHANNELS);
        let frames = channels[..count].iter().map(|c| c.len()).min().unwrap_or(0);
        let mut pos = 0;
        while pos < frames {
            let len = if measure {
                self.piece_frames(frames - pos)
            } else {
                frames - pos
            };
            let mut block: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (slice, channel) in block.iter_mut().zip(channels.iter_mut()) {
                *slice = &mut channel[pos..pos + len];
            }
            let block = &mut block[..count];
            if measure {
                let view: [&[f32]; MAX_CHANNELS] =
                    std::array::from_fn(|c| block.get(c).map_or(&[][..], |s| &s[..]));
                self.measure_piece(&view[..count]);
            }
            self.preview.process(block);
            pos += len;
        }
    }

    /// Hands the Preview switch and the target to the preview stage (once per `process()` call).
    fn apply_preview_params(&mut self) {
        self.preview.set_enabled(self.params.preview.value());
        self.preview
            .set_platform(Some(self.params.preview_platform()));
    }
}

#[cfg(feature = "standalone")]
impl VernisLoudness {
    /// Replaces the (silent) standalone input with the demo programme; on the first block also
    /// measures the warm-up part of the programme at once so the history is not empty.
    fn run_demo(&mut self, buffer: &mut Buffer) {
        let Some(mut demo) = self.demo.take() else {
            return;
        };
        if let Some(warmup) = demo.take_warmup() {
            let channels: [&[f32]; MAX_CHANNELS] =
                std::array::from_fn(|c| demo.channel(c, warmup.clone()));
            self.measure(&channels[..self.channels]);
        }
        demo.fill(buffer.as_slice());
        self.demo = Some(demo);
    }
}

impl Plugin for VernisLoudness {
    const NAME: &'static str = "Vernis Loudness";
    const VENDOR: &'static str = "Vernis";
    const URL: &'static str = "https://vernis.audio";
    const EMAIL: &'static str = "info@vernis.audio";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = ui_kit::layouts::MASTERING_LAYOUTS;

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = editor::Editor;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(self.params.clone(), self.shared.clone())
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let channels = audio_io_layout
            .main_input_channels
            .map_or(2, |n| n.get() as usize);
        self.prepare(
            f64::from(buffer_config.sample_rate),
            buffer_config.max_buffer_size as usize,
            channels,
        );
        // Values set before the first sample apply at once.
        self.apply_preview_params();
        self.preview.reset();
        #[cfg(feature = "standalone")]
        {
            self.demo = ui_kit::demo::DemoInput::from_env(self.sample_rate_hz);
        }
        true
    }

    /// Keeps the measurement: hosts call `reset()` on seeks and transport stops, and a loudness
    /// measurement must survive those. It is cleared by the Reset button, by "Reset On Play" and
    /// by an activation with a new sample rate or channel count. The preview gain jumps to the
    /// value that is current at the next sample instead of ramping.
    fn reset(&mut self) {
        self.preview.reset();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        if self.shared.reset.take() {
            self.reset_measurement();
        }
        let playing = context.transport().playing;
        if playing && !self.was_playing && self.params.reset_on_play.value() {
            self.reset_measurement();
        }
        self.was_playing = playing;

        #[cfg(feature = "standalone")]
        self.run_demo(buffer);

        self.apply_preview_params();
        let measure = !self.params.pause.value();
        self.run(buffer.as_slice(), measure);
        // The pass-through stays bit-exact except for subnormals, which never leave a plugin.
        for channel in buffer.as_slice().iter_mut() {
            flush_subnormals(channel);
        }
        // Keep being called on silent input so the momentary reading falls and the time runs on.
        ProcessStatus::KeepAlive
    }
}

impl ClapPlugin for VernisLoudness {
    const CLAP_ID: &'static str = "audio.vernis.loudness";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("EBU R128 / BS.1770 loudness and true-peak meter with streaming targets");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Analyzer,
        ClapFeature::Stereo,
        ClapFeature::Mono,
        ClapFeature::Surround,
        ClapFeature::Utility,
    ];
}

impl Vst3Plugin for VernisLoudness {
    const VST3_CLASS_ID: [u8; 16] = *b"VernisLoudnessM1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Analyzer];
}

nice_export_clap!(VernisLoudness);
nice_export_vst3!(VernisLoudness);

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
    fn history_every_100_ms_and_readings_published() {
        let mut plugin = VernisLoudness::default();
        let fs = 44_100.0;
        plugin.prepare(fs, 512, 2);
        let signal = sine(3 * 44_100, fs, 0.5);
        // Odd block sizes: boundaries must not depend on them.
        for block in signal.chunks(333) {
            plugin.measure(&[block, block]);
        }
        let shared = plugin.shared.clone();
        let history = &shared.history;
        assert_eq!(history.total_written(), 30);
        let mut points = Vec::new();
        history.copy_recent(usize::MAX, &mut points);
        let [m, s] = *points.last().unwrap();
        assert!(m.is_finite() && s.is_finite(), "{m} {s}");
        assert!((m - s).abs() < 0.5, "steady tone: M {m} ~ S {s}");
        let bus = &shared.bus;
        assert!((bus.get(slot::MEASURED_SECONDS) - 3.0).abs() < 0.05);
        assert!(bus.get(slot::INTEGRATED_LUFS).is_finite());
        assert!(bus.get(slot::CHANNEL_TRUE_PEAK_DBTP).is_finite());
        assert_eq!(bus.get(slot::CHANNELS), 2.0);

        plugin.shared.reset.request();
        assert!(plugin.shared.reset.take());
        plugin.reset_measurement();
        assert!(history.is_empty());
        assert_eq!(bus.get(slot::INTEGRATED_LUFS), f32::NEG_INFINITY);
    }

    #[test]
    fn history_rate_is_exact_at_fractional_intervals() {
        let mut plugin = VernisLoudness::default();
        // 22 050 / 10 = 2 205 frames; 11 025 Hz -> 1 102.5 frames per point.
        plugin.prepare(11_025.0, 64, 1);
        let signal = sine(11_025 * 10, 11_025.0, 0.25);
        for block in signal.chunks(64) {
            plugin.measure(&[block]);
        }
        assert_eq!(plugin.shared.history.total_written(), 100);

        // Re-activation with the same rate and channels keeps the measurement; a new rate does not.
        plugin.prepare(11_025.0, 1024, 1);
        assert_eq!(plugin.shared.history.total_written(), 100);
        plugin.prepare(22_050.0, 1024, 1);
        assert_eq!(plugin.shared.history.total_written(), 0);
    }
}
