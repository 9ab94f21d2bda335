//! What the assistant measures on a programme before deciding anything.
//!
//! - [`loudness`]: integrated loudness, loudness range, maximum momentary and short-term
//!   loudness, true and sample peak, PLR and PSR (dsp-core's BS.1770-4 meter), and the
//!   short-term loudness every 100 ms (what the loud sections are picked from);
//! - [`signal_checks`]: DC offset, clipping runs, non-finite samples, head and tail silence;
//! - [`tonal_balance`]: the loud sections' long-term average spectrum of mid and side, 1/6
//!   octave;
//! - [`problems`]: rumble, resonances, harshness and sibilance that come and go;
//! - [`band_stats`]: per multiband band level statistics, crest factor, width and
//!   correlation, low-end mono compatibility.

use serde::Serialize;

pub mod band_stats;
pub mod loudness;
pub mod problems;
pub mod signal_checks;
pub mod tonal_balance;

use crate::programme::Programme;
pub use band_stats::BandAnalysis;
pub use loudness::LoudnessProfile;
pub use problems::Problems;
pub use signal_checks::SignalChecks;
pub use tonal_balance::TonalBalance;

/// Everything measured on one programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Loud-section spectra of mid and side.
    pub tonal_balance: TonalBalance,
    /// What the problem detectors found.
    pub problems: Problems,
    /// Per band of the multiband's default split.
    pub bands: BandAnalysis,
}

/// Measures `programme` (deterministic: the same audio gives the same numbers).
pub fn analyse(programme: &Programme) -> ProgrammeAnalysis {
    let loudness = LoudnessProfile::measure(programme);
    let tonal_balance = TonalBalance::measure(programme, &loudness);
    ProgrammeAnalysis {
        sample_rate_hz: programme.sample_rate_hz(),
        channels: programme.channels().len(),
        duration_s: programme.duration_s(),
        problems: Problems::find(programme, &loudness, &tonal_balance),
        bands: BandAnalysis::measure(programme, &loudness, None),
        tonal_balance,
        loudness,
        checks: SignalChecks::measure(programme),
    }
}
