//! EBU R128 loudness meter (STUB: API only, implementation in progress).
use crate::processor::{ProcessSpec, Processor};

/// Channel layouts the meter knows the BS.1770 weights of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelLayout {
    /// One channel.
    Mono,
    /// Left, right.
    Stereo,
    /// L, R, C, LFE, Ls, Rs (WAVE order); LFE excluded.
    Surround51,
}

/// Every reading of the meter at one moment; LUFS/dB values are `-inf` when undefined (silence).
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
    /// Peak-to-loudness ratio: true peak minus integrated loudness, dB.
    pub plr_db: f64,
    /// Frames measured since reset.
    pub frames: u64,
}

/// BS.1770-4 / EBU R128 loudness meter: M, S, I, LRA, max M/S, sample and true peak.
pub struct LoudnessMeter {}

impl LoudnessMeter {
    /// Creates an unprepared meter; call [`Processor::prepare`] before measuring.
    pub fn new() -> Self {
        Self {}
    }
    /// Measures one block: one slice per channel, any length.
    pub fn measure(&mut self, channels: &[&[f32]]) {
        let _ = channels;
        todo!()
    }
    /// All readings now.
    pub fn reading(&self) -> LoudnessReading {
        todo!()
    }
    /// Highest true peak of one channel since reset, dBTP.
    pub fn channel_true_peak_dbtp(&self, channel: usize) -> f64 {
        let _ = channel;
        todo!()
    }
}

impl Default for LoudnessMeter {
    fn default() -> Self {
        Self::new()
    }
}

impl Processor for LoudnessMeter {
    fn prepare(&mut self, spec: &ProcessSpec) {
        let _ = spec;
    }
    fn reset(&mut self) {}
    fn latency_samples(&self) -> u32 {
        0
    }
    /// Measures the block and leaves the audio untouched.
    fn process(&mut self, channels: &mut [&mut [f32]]) {
        let _ = channels;
        todo!()
    }
}
