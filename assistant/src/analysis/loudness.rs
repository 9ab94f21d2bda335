//! Loudness and peaks of a programme, from dsp-core's BS.1770-4 / EBU R128 meter.

use dsp_core::meter::LoudnessMeter;
use dsp_core::{ProcessSpec, Processor};
use serde::Serialize;

use crate::programme::Programme;

/// Short-term loudness readings per second of audio (one every 100 ms).
pub const HISTORY_RATE_HZ: f64 = 10.0;

/// Loudness and peak measurements of a whole programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoudnessProfile {
    /// Gated integrated loudness, LUFS (`-inf` when nothing passes the gates).
    pub integrated_lufs: f64,
    /// Loudness range (EBU Tech 3342), LU.
    pub loudness_range_lu: f64,
    /// Highest momentary (400 ms) loudness, LUFS.
    pub momentary_max_lufs: f64,
    /// Highest short-term (3 s) loudness, LUFS.
    pub short_term_max_lufs: f64,
    /// Highest true peak over all channels, dBTP.
    pub true_peak_dbtp: f64,
    /// Highest absolute sample, dBFS.
    pub sample_peak_dbfs: f64,
    /// Peak-to-loudness ratio: true peak minus integrated loudness, dB.
    pub plr_db: f64,
    /// Peak-to-short-term-loudness ratio: true peak minus the highest short-term loudness, dB.
    pub psr_db: f64,
    /// Short-term loudness at the end of every 100 ms of audio, LUFS (`-inf` in silence); not
    /// serialised (the loudness plot shows it).
    #[serde(skip)]
    pub short_term_history_lufs: Vec<f64>,
}

impl LoudnessProfile {
    /// Measures `programme` in 100 ms pieces.
    pub fn measure(programme: &Programme) -> Self {
        let fs = programme.sample_rate_hz();
        let channels = programme.channels();
        let piece = ((fs / HISTORY_RATE_HZ).round() as usize).max(1);
        let mut meter = LoudnessMeter::new();
        meter.prepare(&ProcessSpec::new(fs, piece, channels.len()));
        meter.set_channel_layout(programme.layout());
        let mut history = Vec::with_capacity(programme.frames() / piece + 1);
        let mut start = 0;
        while start < programme.frames() {
            let end = (start + piece).min(programme.frames());
            let views: Vec<&[f32]> = channels.iter().map(|c| &c[start..end]).collect();
            meter.measure(&views);
            history.push(meter.short_term_lufs());
            start = end;
        }
        let r = meter.reading();
        Self {
            integrated_lufs: r.integrated_lufs,
            loudness_range_lu: r.loudness_range_lu,
            momentary_max_lufs: r.momentary_max_lufs,
            short_term_max_lufs: r.short_term_max_lufs,
            true_peak_dbtp: r.true_peak_dbtp,
            sample_peak_dbfs: r.sample_peak_dbfs,
            plr_db: r.plr_db,
            psr_db: r.true_peak_dbtp - r.short_term_max_lufs,
            short_term_history_lufs: history,
        }
    }
}
