//! Vernis Multiband: a phase-coherent multiband compressor/expander (CLAP + VST3).
//!
//! This crate is glue: parameters ([`params`]), the editor ([`editor`]) and the audio-thread side
//! below, which runs [`dsp_core::dynamics::MultibandCompressor`] and publishes what the editor
//! draws through [`MultibandShared`]: each band's detector level, gain change and transient
//! shaping, a short gain history, and the input and output audio for the live spectra.
//!
//! * Ports: stereo main in/out plus a stereo "Sidechain" input
//!   ([`ui_kit::layouts::SIDECHAIN_LAYOUTS`] says why mono is not offered). The sidechain is handed to the compressor while a
//!   band listens to it (Band k Sidechain = External); nice-plug gives a port the host leaves
//!   unconnected as silence, so such a band then hears silence.
//! * Automation: `SAMPLE_ACCURATE_AUTOMATION` splits the host buffer at parameter events, so the
//!   values are constant within a `process()` call; they are mapped onto one
//!   [`MultibandSettings`] per call and handed over when they changed. The compressor smooths
//!   its own settings, so no nice-plug smoothers are involved and the output does not depend on
//!   how the host cuts its buffers.
//! * Latency ([`ui_kit::LatencyReporter`]): reported in `activate()`. Lookahead and Crossover
//!   Mode change it. In VST3 and the standalone a change applies at once and is re-reported from
//!   `process()`. CLAP allows a latency change only inside `activate()`: the compressor keeps the
//!   running lookahead and mode ([`MultibandCompressor::settings_keeping_latency`]; every other
//!   setting applies at once), the host is asked for a restart, and the new latency takes effect
//!   in the next activation. The audio is always delayed by exactly the latency last reported.
//! * First sample: values that arrive before the first sample after activation or `reset()`
//!   apply at once (the compressor is reset after taking them), so the first render of a project
//!   equals the second.
//! * Bypass: the host's bypass switch maps to the compressor's own latency-compensated,
//!   crossfaded bypass.
//! * Output: subnormal samples are flushed to zero ([`dsp_core::subnormal::flush_subnormals`]).
//! * Meters: the audio runs in sub-blocks of at most [`SUB_BLOCK_FRAMES`] frames that end on the
//!   1/30 s publish boundaries. Band readings, the history and the spectrum taps are written only
//!   while the editor is open; nothing on the audio path allocates, locks or formats.

use std::sync::Arc;

use dsp_core::dynamics::{BandSidechain, MultibandCompressor, MultibandSettings};
use dsp_core::filter::crossover_settings::MAX_BANDS;
use dsp_core::subnormal::flush_subnormals;
use dsp_core::{ProcessSpec, Processor};
use nice_plug::prelude::*;
use ui_kit::{
    EditorOpen, FrameClock, HistoryRing, LatencyReporter, LatencyRequest, MeterBus, SampleRing,
};

pub mod editor;
pub mod params;

pub use params::MultibandParams;

/// Most channels of the main and the sidechain port.
pub const MAX_CHANNELS: usize = ui_kit::layouts::MAX_SIDECHAIN_LAYOUT_CHANNELS;

/// Longest piece of audio the compressor gets at once, frames (host blocks up to this size reach
/// it whole, cut only at publish boundaries). Output does not depend on it.
pub const SUB_BLOCK_FRAMES: usize = 1024;

/// Rate at which band readings are published and history points recorded, hertz.
pub const PUBLISH_RATE_HZ: f64 = 30.0;

/// Length of the gain history, seconds.
pub const HISTORY_SECONDS: usize = 10;

/// The gain history of [`MultibandShared::history`].
pub mod history {
    /// Points kept (and shown): [`HISTORY_SECONDS`](super::HISTORY_SECONDS) at the publish rate.
    pub const POINTS: usize = super::HISTORY_SECONDS * super::PUBLISH_RATE_HZ as usize;
}

/// Level a silent band reads, dB.
pub const SILENCE_DB: f32 = -200.0;

/// Slot names of the [`MeterBus`] in [`MultibandShared::bus`]; band `b` (0-based) at `+ b`.
pub mod slot {
    use super::MAX_BANDS;

    /// Highest detector level of band 0 in the last publish interval, dB.
    pub const LEVEL_DB: usize = 0;
    /// Gain change of band 0 furthest from 0 dB in the last interval, dB.
    pub const GAIN_DB: usize = LEVEL_DB + MAX_BANDS;
    /// Transient-shaper gain of band 0 furthest from 0 dB in the last interval, dB.
    pub const TRANSIENT_DB: usize = GAIN_DB + MAX_BANDS;
    /// Latency reported to the host, samples.
    pub const LATENCY_SAMPLES: usize = TRANSIENT_DB + MAX_BANDS;
    /// Sample rate, hertz.
    pub const SAMPLE_RATE_HZ: usize = LATENCY_SAMPLES + 1;
    /// Number of main channels.
    pub const CHANNELS: usize = SAMPLE_RATE_HZ + 1;
    /// Number of slots.
    pub const COUNT: usize = CHANNELS + 1;
}

/// State shared between the audio thread (single writer) and the editor (readers).
#[derive(Debug)]
pub struct MultibandShared {
    /// Scalar readings, indexed by the constants in [`slot`].
    pub bus: MeterBus,
    /// Each band's gain change (dB, column = band) every 1/30 s.
    pub history: HistoryRing<MAX_BANDS>,
    /// The input, mixed to mono, for the "before" spectrum.
    pub input: Arc<SampleRing>,
    /// The output, mixed to mono, for the "after" spectrum.
    pub output: Arc<SampleRing>,
    /// Whether the editor is open (readings are published only then).
    pub editor_open: EditorOpen,
}

impl MultibandShared {
    fn new() -> Self {
        let bus = MeterBus::new(slot::COUNT, 0.0);
        for b in 0..MAX_BANDS {
            bus.set(slot::LEVEL_DB + b, SILENCE_DB);
        }
        bus.set(slot::SAMPLE_RATE_HZ, 48_000.0);
        bus.set(slot::CHANNELS, 2.0);
        Self {
            bus,
            history: HistoryRing::new(history::POINTS),
            input: SampleRing::for_spectrum(),
            output: SampleRing::for_spectrum(),
            editor_open: EditorOpen::new(),
        }
    }
}

/// Band readings gathered over one publish interval.
#[derive(Debug, Clone, Copy)]
struct IntervalMeters {
    level_db: [f32; MAX_BANDS],
    gain_db: [f32; MAX_BANDS],
    transient_db: [f32; MAX_BANDS],
}

impl Default for IntervalMeters {
    fn default() -> Self {
        Self {
            level_db: [SILENCE_DB; MAX_BANDS],
            gain_db: [0.0; MAX_BANDS],
            transient_db: [0.0; MAX_BANDS],
        }
    }
}

/// `b` if it is further from 0 than `a` (NaN ignored).
fn furthest_from_zero(a: f32, b: f32) -> f32 {
    if b.abs() > a.abs() {
        b
    } else {
        a
    }
}

/// The Vernis Multiband plugin.
pub struct VernisMultiband {
    params: Arc<MultibandParams>,
    shared: Arc<MultibandShared>,
    compressor: MultibandCompressor,
    /// Settings last handed to the compressor.
    applied: Option<MultibandSettings>,
    /// Latency reported to the host, and whether a restart is pending (CLAP).
    latency: LatencyReporter,
    /// No sample has been processed since the last activation or reset: settings apply at once.
    awaiting_first_sample: bool,
    sample_rate_hz: f64,
    channels: usize,
    /// When to publish the readings and record a history point next.
    publish_clock: FrameClock,
    interval: IntervalMeters,
    /// Standalone demo input (`VERNIS_DEMO`), never present in plugin builds.
    #[cfg(feature = "standalone")]
    demo: Option<ui_kit::demo::DemoInput>,
}

impl Default for VernisMultiband {
    fn default() -> Self {
        Self {
            params: Arc::new(MultibandParams::default()),
            shared: Arc::new(MultibandShared::new()),
            compressor: MultibandCompressor::new(),
            applied: None,
            latency: LatencyReporter::new(),
            awaiting_first_sample: true,
            sample_rate_hz: 48_000.0,
            channels: 2,
            publish_clock: FrameClock::new(1_600.0),
            interval: IntervalMeters::default(),
            #[cfg(feature = "standalone")]
            demo: None,
        }
    }
}

impl VernisMultiband {
    /// Prepares the compressor for a configuration; the only place that allocates.
    fn prepare(&mut self, sample_rate_hz: f64, channels: usize) {
        let channels = channels.clamp(1, MAX_CHANNELS);
        self.sample_rate_hz = sample_rate_hz;
        self.channels = channels;
        let settings = self.params.settings();
        self.compressor.set_settings(settings);
        self.applied = Some(settings);
        self.compressor.prepare(&ProcessSpec::new(
            sample_rate_hz,
            SUB_BLOCK_FRAMES,
            channels,
        ));
        self.compressor.reset();
        self.awaiting_first_sample = true;
        self.publish_clock
            .set_interval(sample_rate_hz / PUBLISH_RATE_HZ);
        self.publish_clock.restart();
        self.interval = IntervalMeters::default();

        let bus = &self.shared.bus;
        bus.set(
            slot::LATENCY_SAMPLES,
            self.compressor.latency_samples() as f32,
        );
        bus.set_f64(slot::SAMPLE_RATE_HZ, sample_rate_hz);
        bus.set(slot::CHANNELS, channels as f32);
    }

    /// Hands changed settings to the compressor and says what the host must be told. With
    /// `latency_may_change` false (CLAP while active), a wanted latency other than the reported
    /// one keeps the running lookahead and mode, and a restart is asked for. Real-time safe.
    fn apply_settings(
        &mut self,
        wanted: &MultibandSettings,
        latency_may_change: bool,
    ) -> LatencyRequest {
        let fs = self.sample_rate_hz;
        let settings = self.latency.settings_to_apply(
            *wanted,
            self.applied,
            latency_may_change,
            |s| MultibandCompressor::latency_samples_for(s, fs),
            |w, running| MultibandCompressor::settings_keeping_latency(w, *running),
        );
        if self.applied != Some(settings) {
            self.compressor.set_settings(settings);
            self.applied = Some(settings);
        }
        let latency = self.compressor.latency_samples();
        self.shared.bus.set(slot::LATENCY_SAMPLES, latency as f32);
        LatencyRequest::after_update(
            settings != *wanted,
            latency,
            self.latency.reported_samples(),
        )
    }

    /// Publishes the interval's band readings and records a history point.
    fn publish(&mut self) {
        let bus = &self.shared.bus;
        let m = std::mem::take(&mut self.interval);
        for b in 0..MAX_BANDS {
            bus.set(slot::LEVEL_DB + b, m.level_db[b]);
            bus.set(slot::GAIN_DB + b, m.gain_db[b]);
            bus.set(slot::TRANSIENT_DB + b, m.transient_db[b]);
        }
        self.shared.history.push(m.gain_db);
    }

    /// Runs the compressor over `channels` (in place, any length), with the sidechain when one
    /// is given, in sub-blocks that end on publish boundaries. Allocation-free.
    fn run(&mut self, channels: &mut [&mut [f32]], sidechain: Option<&[&[f32]]>) {
        let count = channels.len().min(self.channels);
        let publishing = self.shared.editor_open.get();
        let mut clock = self.publish_clock;
        ui_kit::for_each_sub_block(
            &mut channels[..count],
            sidechain,
            SUB_BLOCK_FRAMES,
            &mut clock,
            |block, sidechain, interval_ended| {
                if publishing {
                    self.shared
                        .input
                        .push_mixed(&ui_kit::shared_views(block)[..block.len()]);
                }
                self.compressor.process_with_sidechain(block, sidechain);
                if publishing {
                    self.shared
                        .output
                        .push_mixed(&ui_kit::shared_views(block)[..block.len()]);
                    let meters = self.compressor.band_meters();
                    let m = &mut self.interval;
                    for (b, meter) in meters.iter().enumerate() {
                        m.level_db[b] = m.level_db[b].max(meter.level_db);
                        m.gain_db[b] = furthest_from_zero(m.gain_db[b], meter.gain_db);
                        m.transient_db[b] =
                            furthest_from_zero(m.transient_db[b], meter.transient_db);
                    }
                    if interval_ended {
                        self.publish();
                    }
                }
            },
        );
        self.publish_clock = clock;
    }

    /// Whether any used band's detector listens to the sidechain input.
    fn uses_sidechain(&self) -> bool {
        self.applied.is_some_and(|s| {
            s.band[..s.bands.clamp(1, MAX_BANDS)]
                .iter()
                .any(|b| b.sidechain == BandSidechain::External)
        })
    }
}

impl Plugin for VernisMultiband {
    const NAME: &'static str = "Vernis Multiband";
    const VENDOR: &'static str = "Vernis";
    const URL: &'static str = "https://vernis.audio";
    const EMAIL: &'static str = "info@vernis.audio";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = ui_kit::layouts::SIDECHAIN_LAYOUTS;

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
        #[cfg(feature = "standalone")]
        {
            self.demo = ui_kit::demo::DemoInput::from_env(f64::from(buffer_config.sample_rate));
        }
        self.latency
            .report_at_activation(self.compressor.latency_samples(), context);
        true
    }

    /// Clears the compressor's filters, delay lines and envelopes (hosts call this on seeks and
    /// transport stops); values that arrive before the next sample apply at once.
    fn reset(&mut self) {
        self.compressor.reset();
        self.awaiting_first_sample = true;
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        // Constant within this call: the wrapper splits the buffer at parameter events.
        #[cfg(feature = "standalone")]
        if let Some(demo) = self.demo.as_mut() {
            demo.fill(buffer.as_slice());
        }
        let settings = self.params.settings();
        let latency_may_change = LatencyReporter::changes_apply_while_active(context.plugin_api());
        let request = self.apply_settings(&settings, latency_may_change);
        self.latency.handle(request, context);
        if self.awaiting_first_sample && buffer.samples() > 0 {
            // Nothing has played since activation or reset: the values set meanwhile apply at
            // once instead of ramping from the old ones.
            self.compressor.reset();
            self.awaiting_first_sample = false;
        }

        let sidechain_port = if self.uses_sidechain() {
            aux.inputs.first_mut()
        } else {
            None
        };
        match sidechain_port {
            Some(port) => {
                let sc = port.as_slice_immutable();
                let sc: [&[f32]; MAX_CHANNELS] =
                    std::array::from_fn(|c| sc.get(c).map_or(&[][..], |s| &s[..]));
                let count = port_channels(sc.len().min(MAX_CHANNELS), &sc);
                self.run(buffer.as_slice(), Some(&sc[..count]));
            }
            None => self.run(buffer.as_slice(), None),
        }
        for channel in buffer.as_slice().iter_mut() {
            flush_subnormals(channel);
        }
        // Keep being called on silence: filters, lookahead and releases still ring out.
        ProcessStatus::KeepAlive
    }
}

/// Number of leading non-empty channels among the first `max` of `channels`.
fn port_channels(max: usize, channels: &[&[f32]]) -> usize {
    channels[..max].iter().take_while(|c| !c.is_empty()).count()
}

impl ClapPlugin for VernisMultiband {
    const CLAP_ID: &'static str = "audio.vernis.multiband";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Phase-coherent multiband compressor/expander, upward and downward");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Compressor,
        ClapFeature::Expander,
        ClapFeature::Mastering,
        ClapFeature::Stereo,
    ];
}

impl Vst3Plugin for VernisMultiband {
    const VST3_CLASS_ID: [u8; 16] = *b"VernisMultibnd01";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Dynamics];
}

nice_export_clap!(VernisMultiband);
nice_export_vst3!(VernisMultiband);

#[cfg(test)]
mod tests;
