//! The multiband compressor/expander (work in progress: the API is final, the DSP is being filled in).
//!
//! Signal flow: band splitter → per band (dynamics, transient shaping, makeup, solo/mute/bypass)
//! → sum → mix with the latency-compensated dry signal → output gain.

use super::multiband_settings::MultibandSettings;
use crate::filter::crossover_settings::MAX_BANDS;
use crate::processor::{ProcessSpec, Processor};

/// What one band is doing right now, for meters and the editor.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BandMeter {
    /// Level the band's detector reads, dB (−200 for silence).
    pub level_db: f32,
    /// Gain change the dynamics apply (makeup and transient shaping excluded), dB.
    pub gain_db: f32,
    /// Gain change of the transient shaper, dB.
    pub transient_db: f32,
}

/// A phase-coherent multiband compressor/expander with transient shaping (see the module docs).
#[derive(Debug, Default)]
pub struct MultibandCompressor {
    settings: MultibandSettings,
    spec: Option<ProcessSpec>,
    meters: [BandMeter; MAX_BANDS],
}

impl MultibandCompressor {
    /// A compressor with default settings; call [`Processor::prepare`] before processing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands over new settings; they apply from the next processed sample (smoothed while audio runs).
    pub fn set_settings(&mut self, settings: MultibandSettings) {
        self.settings = settings;
    }

    /// The settings last handed over.
    pub fn settings(&self) -> MultibandSettings {
        self.settings
    }

    /// The latency `settings` would have at `sample_rate_hz`, samples.
    pub fn latency_samples_for(settings: &MultibandSettings, sample_rate_hz: f64) -> u32 {
        let _ = (settings, sample_rate_hz);
        0
    }

    /// `wanted` with every latency-changing field (lookahead, mode) kept at its `running` value.
    pub fn settings_keeping_latency(
        wanted: MultibandSettings,
        running: MultibandSettings,
    ) -> MultibandSettings {
        MultibandSettings {
            lookahead_ms: running.lookahead_ms,
            mode: running.mode,
            ..wanted
        }
    }

    /// Processes in place with an optional external sidechain (same channel count and length).
    pub fn process_with_sidechain(
        &mut self,
        channels: &mut [&mut [f32]],
        sidechain: Option<&[&[f32]]>,
    ) {
        let _ = (channels, sidechain);
    }

    /// Per-band meters of the last processed block (the first `bands` entries are used).
    pub fn band_meters(&self) -> [BandMeter; MAX_BANDS] {
        self.meters
    }
}

impl Processor for MultibandCompressor {
    fn prepare(&mut self, spec: &ProcessSpec) {
        self.spec = Some(*spec);
    }

    fn reset(&mut self) {
        self.meters = [BandMeter::default(); MAX_BANDS];
    }

    fn latency_samples(&self) -> u32 {
        self.spec.map_or(0, |s| {
            Self::latency_samples_for(&self.settings, s.sample_rate_hz)
        })
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        self.process_with_sidechain(channels, None);
    }
}
