//! The contract every Vernis processor follows.

/// What a processor is prepared for: the sample rate, the largest block it will see and its channel count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessSpec {
    /// Sample rate in hertz.
    pub sample_rate_hz: f64,
    /// Largest number of frames passed to one `process` call.
    pub max_block_frames: usize,
    /// Number of audio channels.
    pub channels: usize,
}

impl ProcessSpec {
    /// Builds a spec from its three fields.
    pub fn new(sample_rate_hz: f64, max_block_frames: usize, channels: usize) -> Self {
        Self {
            sample_rate_hz,
            max_block_frames,
            channels,
        }
    }
}

/// An audio processor: allocates only in [`prepare`](Processor::prepare), processes in place in real time.
pub trait Processor {
    /// Allocates and designs everything for `spec`; the only method that may allocate, and it may be called again.
    fn prepare(&mut self, spec: &ProcessSpec);

    /// Clears all internal state so that the same input gives the same output again; real-time safe.
    fn reset(&mut self);

    /// Delay in samples that this processor adds to the signal path.
    fn latency_samples(&self) -> u32;

    /// Processes one block in place: one slice per channel, all of the same length `1..=max_block_frames`.
    fn process(&mut self, channels: &mut [&mut [f32]]);
}
