//! Meters: loudness (BS.1770 / EBU R128), true peak and sample peak.

pub mod loudness;
pub mod true_peak;

pub use loudness::{ChannelLayout, LoudnessMeter, LoudnessReading};
pub use true_peak::TruePeakDetector;
