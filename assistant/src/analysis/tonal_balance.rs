//! The tonal balance of the loud sections: the long-term average spectrum of mid and side
//! over the 100 ms pieces whose short-term loudness is within [`LOUD_MARGIN_LU`] of the
//! loudest, in 1/6-octave bands from 20 Hz to 20 kHz (and 1/3-octave bands for the checks).
//!
//! Mid is `(L + R) / 2` and side `(L − R) / 2` of the first two channels (the front pair of
//! every layout); a mono programme has a mid only (its side reads `-inf`). Levels are dB
//! relative to a full-scale sine ([`dsp_core::analysis::spectrum`]).

use serde::Serialize;

use dsp_core::analysis::{fractional_octave_levels_db, log_centres_hz, AverageSpectrum};

use super::loudness::{LoudnessProfile, HISTORY_RATE_HZ};
use crate::programme::Programme;

/// A 100 ms piece is loud when its short-term loudness is at least the loudest minus this, LU.
pub const LOUD_MARGIN_LU: f64 = 4.0;
/// Lowest 1/6-octave band centre, Hz (the bands go up to 20 kHz or 0.45·fs).
pub const LOWEST_BAND_HZ: f64 = 20.0;
/// Bands per octave of the smoothed spectrum.
pub const BANDS_PER_OCTAVE: f64 = 6.0;

/// Loud-section spectra of mid and side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TonalBalance {
    /// Band centres, Hz (1/6 octave apart).
    pub centres_hz: Vec<f64>,
    /// Mid level per band, dB re full-scale sine.
    pub mid_db: Vec<f64>,
    /// Side level per band, dB re full-scale sine (`-inf` for mono).
    pub side_db: Vec<f64>,
    /// Seconds of audio the average covers.
    pub loud_seconds: f64,
}

/// The 1/3-octave centres (base-2, from 20 Hz) up to `top_hz`.
pub fn third_octave_centres_hz(top_hz: f64) -> Vec<f64> {
    let count = ((top_hz / LOWEST_BAND_HZ).log2() * 3.0).floor() as usize + 1;
    log_centres_hz(LOWEST_BAND_HZ, 3.0, count)
}

impl TonalBalance {
    /// Measures the loud sections of `programme` given its loudness `profile`.
    pub fn measure(programme: &Programme, profile: &LoudnessProfile) -> Self {
        let fs = programme.sample_rate_hz();
        let top = 20_000f64.min(0.45 * fs);
        let count = ((top / LOWEST_BAND_HZ).log2() * BANDS_PER_OCTAVE).floor() as usize + 1;
        let centres_hz = log_centres_hz(LOWEST_BAND_HZ, BANDS_PER_OCTAVE, count);
        let (mid, side, loud_seconds) = Self::spectra(programme, profile);
        let bands = |s: &Option<AverageSpectrum>| match s {
            Some(s) => fractional_octave_levels_db(&s.power(), s.bin_hz(), &centres_hz, 1.0 / 6.0),
            None => vec![f64::NEG_INFINITY; centres_hz.len()],
        };
        Self {
            mid_db: bands(&mid),
            side_db: bands(&side),
            centres_hz: centres_hz.clone(),
            loud_seconds,
        }
    }

    /// 1/3-octave levels of mid (or side) of the loud sections at `centres_hz`.
    pub fn third_octave_levels_db(
        programme: &Programme,
        profile: &LoudnessProfile,
        centres_hz: &[f64],
        side: bool,
    ) -> Vec<f64> {
        let (m, s, _) = Self::spectra(programme, profile);
        match if side { s } else { m } {
            Some(s) => fractional_octave_levels_db(&s.power(), s.bin_hz(), centres_hz, 1.0 / 3.0),
            None => vec![f64::NEG_INFINITY; centres_hz.len()],
        }
    }

    /// The averaged mid and side spectra of the loud pieces and the seconds they cover.
    pub(crate) fn spectra(
        programme: &Programme,
        profile: &LoudnessProfile,
    ) -> (Option<AverageSpectrum>, Option<AverageSpectrum>, f64) {
        let fs = programme.sample_rate_hz();
        let channels = programme.channels();
        if channels.is_empty() {
            return (None, None, 0.0);
        }
        let (mid, side) = mid_side(channels);
        let pieces = loud_pieces(&profile.short_term_history_lufs);
        let piece = ((fs / HISTORY_RATE_HZ).round() as usize).max(1);
        let mut m = AverageSpectrum::new(fs);
        let mut s = side.as_ref().map(|_| AverageSpectrum::new(fs));
        for &k in &pieces {
            let (from, to) = (k * piece, ((k + 1) * piece).min(programme.frames()));
            let starts: Vec<usize> = m.frame_starts(from, to).collect();
            for start in starts {
                m.add_frame(&mid, start);
                if let (Some(s), Some(side)) = (s.as_mut(), side.as_ref()) {
                    s.add_frame(side, start);
                }
            }
        }
        let seconds = pieces.len() as f64 / HISTORY_RATE_HZ;
        (Some(m), s, seconds)
    }
}

/// Mid `(L + R) / 2` and side `(L − R) / 2` of the first two channels (a single channel is
/// the mid, with no side).
pub fn mid_side(channels: &[Vec<f32>]) -> (Vec<f32>, Option<Vec<f32>>) {
    match channels {
        [l, r, ..] => (
            l.iter().zip(r).map(|(a, b)| 0.5 * (a + b)).collect(),
            Some(l.iter().zip(r).map(|(a, b)| 0.5 * (a - b)).collect()),
        ),
        [only] => (only.clone(), None),
        [] => (Vec::new(), None),
    }
}

/// Indices of the 100 ms pieces whose short-term loudness is within [`LOUD_MARGIN_LU`] of the
/// loudest (none when all are silent).
pub fn loud_pieces(short_term_lufs: &[f64]) -> Vec<usize> {
    let loudest = short_term_lufs
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !loudest.is_finite() {
        return Vec::new();
    }
    (0..short_term_lufs.len())
        .filter(|&k| short_term_lufs[k] >= loudest - LOUD_MARGIN_LU)
        .collect()
}
