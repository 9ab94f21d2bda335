//! True-peak lookahead limiter (STUB: API fixed, implementation in progress).

use super::settings::LimiterSettings;
use crate::processor::{ProcessSpec, Processor};

/// Feed-forward lookahead limiter with a true-peak sidechain; the output's true peak never exceeds the ceiling.
#[derive(Debug, Clone, Default)]
pub struct LookaheadLimiter {
    settings: LimiterSettings,
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
        0.0
    }

    /// Latency the given settings would have at `sample_rate_hz`, in samples (for reporting before processing).
    pub fn latency_samples_for(settings: &LimiterSettings, sample_rate_hz: f64) -> u32 {
        let _ = (settings, sample_rate_hz);
        0
    }
}

impl Processor for LookaheadLimiter {
    fn prepare(&mut self, spec: &ProcessSpec) {
        let _ = spec;
    }
    fn reset(&mut self) {}
    fn latency_samples(&self) -> u32 {
        0
    }
    fn process(&mut self, channels: &mut [&mut [f32]]) {
        let _ = channels;
    }
}
