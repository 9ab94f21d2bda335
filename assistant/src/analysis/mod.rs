//! What the assistant measures on a programme before deciding anything.
//!
//! - [`loudness`]: integrated loudness, loudness range, maximum momentary and short-term
//!   loudness, true and sample peak, PLR and PSR (dsp-core's BS.1770-4 meter), and the
//!   short-term loudness every 100 ms (what the loud sections are picked from);
//! - [`signal_checks`]: DC offset, clipping runs, non-finite samples, head and tail silence.

pub mod loudness;
pub mod signal_checks;

use crate::programme::Programme;
pub use loudness::LoudnessProfile;
pub use signal_checks::SignalChecks;

/// Everything measured on one programme.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeAnalysis {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Channels measured.
    pub channels: usize,
    /// Length, s.
    pub duration_s: f64,
    /// Loudness and peaks.
    pub loudness: LoudnessProfile,
    /// DC, clipping and silence.
    pub checks: SignalChecks,
}

/// Measures `programme` (deterministic: the same audio gives the same numbers).
pub fn analyse(programme: &Programme) -> ProgrammeAnalysis {
    ProgrammeAnalysis {
        sample_rate_hz: programme.sample_rate_hz(),
        channels: programme.channels().len(),
        duration_s: programme.duration_s(),
        loudness: LoudnessProfile::measure(programme),
        checks: SignalChecks::measure(programme),
    }
}
