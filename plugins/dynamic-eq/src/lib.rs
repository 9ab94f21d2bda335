//! Vernis Dynamic EQ: a parametric EQ of up to 24 bands, each static or dynamic (CLAP + VST3).
//!
//! This crate is glue: parameters ([`params`]), the editor ([`editor`]) and the audio-thread side
//! below, which runs [`dsp_core::eq::DynamicEq`] and publishes what the editor draws through
//! [`DynamicEqShared`]: each band's detector level and live dynamic offset, and the input,
//! output and sidechain audio for the analyser.
//!
//! * Ports: stereo main in/out plus a stereo "Sidechain" input
//!   ([`ui_kit::layouts::SIDECHAIN_LAYOUTS`] says why mono is not offered). The sidechain is handed
//!   to the EQ while a used dynamic band listens to it (Band k Sidechain = External); nice-plug
//!   gives a port the host leaves unconnected as silence, so such a band then hears silence.
//! * Automation: `SAMPLE_ACCURATE_AUTOMATION` splits the host buffer at parameter events, so the
//!   values are constant within a `process()` call; they are mapped onto one
//!   [`DynamicEqSettings`] per call and handed over before the call's first sub-block (the EQ
//!   skips unchanged bands). The EQ glides frequency, gain and Q and ramps bypass and output
//!   gain itself, so no nice-plug smoothers are involved and the output does not depend on how
//!   the host cuts its buffers.
//! * Latency: 0 in Zero Latency; in Linear Phase the kernel's centre plus one hop (4607 samples
//!   at 48 kHz), reported at activation. CLAP allows a change only inside `activate()`: a Phase
//!   switch while active keeps the running phase (every other setting applies at once), asks the
//!   host for a restart, and the new phase and latency take effect in the next activation
//!   (ui-kit's [`LatencyReporter`]). The audio is always delayed by exactly the latency last
//!   reported.
//! * First sample: settings handed over before the first sample after activation or `reset()`
//!   apply at once (dsp-core's contract), so the first render of a project equals the second.
//! * Bypass: dsp-core has no global bypass, so the host's switch bypasses every band (each fades
//!   over dsp-core's bypass ramp) and ramps the output gain to 0 dB; the bypassed EQ then passes
//!   the input untouched.
//! * Band Solo: mapped to `EqBandSettings::solo` (dsp-core's listen: the soloed bands' regions
//!   through band passes, cross-faded).
//! * Hostile input: NaN and ±∞ in the main and sidechain input become silence before the EQ,
//!   and any non-finite output sample becomes silence (a second guard: dsp-core's DynamicEq
//!   also silences non-finite input); subnormal output samples are flushed to zero
//!   ([`dsp_core::subnormal::flush_subnormals`]).
//! * Meters: the audio runs in sub-blocks of at most [`SUB_BLOCK_FRAMES`] frames that end on the
//!   1/30 s publish boundaries. Band readings and the analyser taps are written only while the
//!   editor is open; nothing on the audio path allocates, locks or formats.
//! * State: values a saved state holds that this version cannot read are set to their defaults
//!   with a log message ([`params::repair_state`]).

use std::sync::Arc;

use dsp_core::dynamics::BandSidechain;
use dsp_core::eq::{DynamicEq, DynamicEqSettings, MAX_EQ_BANDS};
use dsp_core::subnormal::flush_subnormals;
use dsp_core::{ProcessSpec, Processor};
use nice_plug::prelude::*;
use ui_kit::latency::{LatencyReporter, LatencyRequest};
use ui_kit::{EditorOpen, FrameClock, MeterBus, SampleRing};

pub mod editor;
pub mod params;

pub use params::DynamicEqParams;

/// Most channels of the main and the sidechain port.
pub const MAX_CHANNELS: usize = ui_kit::layouts::MAX_SIDECHAIN_LAYOUT_CHANNELS;

/// Longest piece of audio the EQ gets at once, frames. Output does not depend on it.
pub const SUB_BLOCK_FRAMES: usize = 1024;

/// Rate at which band readings are published, hertz.
pub const PUBLISH_RATE_HZ: f64 = 30.0;

/// Level a silent band reads, dB.
pub const SILENCE_DB: f32 = -200.0;

/// Slot names of the [`MeterBus`] in [`DynamicEqShared::bus`]; band `b` (0-based) at `+ b`.
pub mod slot {
    use super::MAX_EQ_BANDS;

    /// Highest detector level of band 0 in the last publish interval, dB.
    pub const LEVEL_DB: usize = 0;
    /// Dynamic offset of band 0 furthest from 0 dB in the last interval, dB.
    pub const GAIN_DB: usize = LEVEL_DB + MAX_EQ_BANDS;
    /// Sample rate, hertz.
    pub const SAMPLE_RATE_HZ: usize = GAIN_DB + MAX_EQ_BANDS;
    /// Number of main channels.
    pub const CHANNELS: usize = SAMPLE_RATE_HZ + 1;
    /// Latency the EQ runs with, samples.
    pub const LATENCY_SAMPLES: usize = CHANNELS + 1;
    /// Number of slots.
    pub const COUNT: usize = LATENCY_SAMPLES + 1;
}

/// State shared between the audio thread (single writer) and the editor (readers).
#[derive(Debug)]
pub struct DynamicEqShared {
    /// Scalar readings, indexed by the constants in [`slot`].
    pub bus: MeterBus,
    /// The input, mixed to mono, for the "before" spectrum.
    pub input: Arc<SampleRing>,
    /// The output, mixed to mono, for the "after" spectrum.
    pub output: Arc<SampleRing>,
    /// The sidechain input, mixed to mono, while a band listens to it.
    pub sidechain: Arc<SampleRing>,
    /// Whether the editor is open (readings are published only then).
    pub editor_open: EditorOpen,
}

impl DynamicEqShared {
    fn new() -> Self {
        let bus = MeterBus::new(slot::COUNT, 0.0);
        for b in 0..MAX_EQ_BANDS {
            bus.set(slot::LEVEL_DB + b, SILENCE_DB);
        }
        bus.set(slot::SAMPLE_RATE_HZ, 48_000.0);
        bus.set(slot::CHANNELS, 2.0);
        Self {
            bus,
            input: SampleRing::for_spectrum(),
            output: SampleRing::for_spectrum(),
            sidechain: SampleRing::for_spectrum(),
            editor_open: EditorOpen::new(),
        }
    }
}

/// Band readings gathered over one publish interval.
#[derive(Debug, Clone, Copy)]
struct IntervalMeters {
    level_db: [f32; MAX_EQ_BANDS],
    gain_db: [f32; MAX_EQ_BANDS],
}

impl Default for IntervalMeters {
    fn default() -> Self {
        Self {
            level_db: [SILENCE_DB; MAX_EQ_BANDS],
            gain_db: [0.0; MAX_EQ_BANDS],
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

/// The Vernis Dynamic EQ plugin.
pub struct VernisDynamicEq {
    params: Arc<DynamicEqParams>,
    shared: Arc<DynamicEqShared>,
    eq: DynamicEq,
    sample_rate_hz: f64,
    channels: usize,
    /// The settings last handed to the EQ (None before the first call).
    applied: Option<DynamicEqSettings>,
    latency: LatencyReporter,
    /// When to publish the readings next.
    publish_clock: FrameClock,
    interval: IntervalMeters,
    /// Standalone demo input (`VERNIS_DEMO`), never present in plugin builds.
    #[cfg(feature = "standalone")]
    demo: Option<ui_kit::demo::DemoInput>,
}

impl Default for VernisDynamicEq {
    fn default() -> Self {
        let params = DynamicEqParams::default();
        #[cfg(feature = "standalone")]
        if std::env::var_os(ui_kit::demo::DEMO_ENV).is_some() {
            params.apply_demo_preset();
        }
        Self {
            params: Arc::new(params),
            shared: Arc::new(DynamicEqShared::new()),
            eq: DynamicEq::new(),
            sample_rate_hz: 48_000.0,
            channels: 2,
            applied: None,
            latency: LatencyReporter::new(),
            publish_clock: FrameClock::new(1_600.0),
            interval: IntervalMeters::default(),
            #[cfg(feature = "standalone")]
            demo: None,
        }
    }
}

impl VernisDynamicEq {
    /// Prepares the EQ for a configuration; the only place that allocates.
    fn prepare(&mut self, sample_rate_hz: f64, channels: usize) {
        let channels = channels.clamp(1, MAX_CHANNELS);
        self.sample_rate_hz = sample_rate_hz;
        self.channels = channels;
        let settings = self.params.settings();
        self.eq.set_settings(settings);
        self.applied = Some(settings);
        self.eq.prepare(&ProcessSpec::new(
            sample_rate_hz,
            SUB_BLOCK_FRAMES,
            channels,
        ));
        self.publish_clock
            .set_interval(sample_rate_hz / PUBLISH_RATE_HZ);
        self.publish_clock.restart();
        self.interval = IntervalMeters::default();
        let bus = &self.shared.bus;
        bus.set_f64(slot::SAMPLE_RATE_HZ, sample_rate_hz);
        bus.set(slot::CHANNELS, channels as f32);
        bus.set(slot::LATENCY_SAMPLES, self.eq.latency_samples() as f32);
    }

    /// Hands changed settings to the EQ (it skips unchanged bands) and says what the host must be
    /// told. With `latency_may_change` false (CLAP while active), a Phase whose latency differs
    /// from the reported one is held back and a restart is asked for. Real-time safe.
    fn apply_settings(
        &mut self,
        wanted: &DynamicEqSettings,
        latency_may_change: bool,
    ) -> LatencyRequest {
        let fs = self.sample_rate_hz;
        let settings = self.latency.settings_to_apply(
            *wanted,
            self.applied,
            latency_may_change,
            |s| DynamicEq::latency_samples_for(s, fs),
            DynamicEq::settings_keeping_latency,
        );
        if *self.eq.settings() != settings {
            self.eq.set_settings(settings);
        }
        self.applied = Some(settings);
        let latency = self.eq.latency_samples();
        self.shared.bus.set(slot::LATENCY_SAMPLES, latency as f32);
        LatencyRequest::after_update(
            settings != *wanted,
            latency,
            self.latency.reported_samples(),
        )
    }

    /// Publishes the interval's band readings.
    fn publish(&mut self) {
        let bus = &self.shared.bus;
        let m = std::mem::take(&mut self.interval);
        for b in 0..MAX_EQ_BANDS {
            bus.set(slot::LEVEL_DB + b, m.level_db[b]);
            bus.set(slot::GAIN_DB + b, m.gain_db[b]);
        }
    }

    /// Runs the EQ over `channels` (in place, any length), with the sidechain when one is given,
    /// in sub-blocks that end on publish boundaries. Allocation-free.
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
                    if let Some(sc) = sidechain {
                        self.shared.sidechain.push_mixed(sc);
                    }
                }
                self.eq.process_with_sidechain(block, sidechain);
                if publishing {
                    self.shared
                        .output
                        .push_mixed(&ui_kit::shared_views(block)[..block.len()]);
                    let meters = self.eq.band_meters();
                    let m = &mut self.interval;
                    for (b, meter) in meters.iter().enumerate() {
                        m.level_db[b] = m.level_db[b].max(meter.level_db);
                        m.gain_db[b] = furthest_from_zero(m.gain_db[b], meter.gain_db);
                    }
                    if interval_ended {
                        self.publish();
                    }
                }
            },
        );
        self.publish_clock = clock;
    }

    /// Whether any used dynamic band's detector listens to the sidechain input.
    fn uses_sidechain(&self) -> bool {
        self.eq.settings().bands.iter().any(|b| {
            b.used && b.dynamics.enabled && b.dynamics.sidechain == BandSidechain::External
        })
    }
}

impl Plugin for VernisDynamicEq {
    const NAME: &'static str = "Vernis Dynamic EQ";
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

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(self.params.clone(), self.shared.clone())
    }

    fn filter_state(state: &mut PluginState) {
        params::repair_state(state);
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
            .report_at_activation(self.eq.latency_samples(), context);
        true
    }

    /// Clears the EQ's filters and envelopes (hosts call this on seeks and transport stops);
    /// settings handed over before the next sample apply at once.
    fn reset(&mut self) {
        self.eq.reset();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        #[cfg(feature = "standalone")]
        if let Some(demo) = self.demo.as_mut() {
            demo.fill(buffer.as_slice());
        }
        // Constant within this call: the wrapper splits the buffer at parameter events.
        let settings = self.params.settings();
        let latency_may_change = LatencyReporter::changes_apply_while_active(context.plugin_api());
        let request = self.apply_settings(&settings, latency_may_change);
        self.latency.handle(request, context);

        let sidechain_port = if self.uses_sidechain() {
            aux.inputs.first_mut()
        } else {
            None
        };
        for channel in buffer.as_slice().iter_mut() {
            zero_non_finite(channel);
        }
        match sidechain_port {
            Some(port) => {
                for channel in port.as_slice().iter_mut() {
                    zero_non_finite(channel);
                }
                let sc = port.as_slice_immutable();
                let sc: [&[f32]; MAX_CHANNELS] =
                    std::array::from_fn(|c| sc.get(c).map_or(&[][..], |s| &s[..]));
                let count = port_channels(MAX_CHANNELS, &sc);
                self.run(buffer.as_slice(), Some(&sc[..count]));
            }
            None => self.run(buffer.as_slice(), None),
        }
        for channel in buffer.as_slice().iter_mut() {
            // A band boosting a near-full-scale input can overflow to ±∞.
            zero_non_finite(channel);
            flush_subnormals(channel);
        }
        // Keep being called on silence: filters and releases still ring out.
        ProcessStatus::KeepAlive
    }
}

/// Replaces NaN and ±∞ with silence. dsp-core's DynamicEq passes non-finite input through (it
/// only clears its filter states afterwards), so the plugin keeps it out of the EQ and out of
/// the host, as the multiband's DSP does for itself.
fn zero_non_finite(samples: &mut [f32]) {
    for x in samples.iter_mut() {
        if !x.is_finite() {
            *x = 0.0;
        }
    }
}

/// Number of leading non-empty channels among the first `max` of `channels`.
fn port_channels(max: usize, channels: &[&[f32]]) -> usize {
    channels[..max.min(channels.len())]
        .iter()
        .take_while(|c| !c.is_empty())
        .count()
}

impl ClapPlugin for VernisDynamicEq {
    const CLAP_ID: &'static str = "audio.vernis.dynamic-eq";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Parametric EQ whose bands can each be static or dynamic, with analyser");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Equalizer,
        ClapFeature::Filter,
        ClapFeature::Compressor,
        ClapFeature::Mastering,
        ClapFeature::Stereo,
    ];
}

impl Vst3Plugin for VernisDynamicEq {
    const VST3_CLASS_ID: [u8; 16] = *b"VernisDynamicEQ1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::Eq,
        Vst3SubCategory::Dynamics,
    ];
}

nice_export_clap!(VernisDynamicEq);
nice_export_vst3!(VernisDynamicEq);

#[cfg(test)]
mod tests;
