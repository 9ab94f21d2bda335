//! Meters: loudness (BS.1770 / EBU R128), true peak and sample peak.

/// Most channels a meter handles (7.1.4 = 12, plus headroom).
pub const MAX_CHANNELS: usize = 16;

pub mod histogram;
pub mod loudness;
pub mod true_peak;

pub use histogram::{LoudnessHistogram, ABSOLUTE_GATE_LUFS};
pub use loudness::{ChannelLayout, LoudnessMeter, LoudnessReading};
pub use true_peak::TruePeakDetector;
