//! Problems a mastering engineer listens for, each found by a stated rule on the mid signal:
//!
//! - **Rumble**: in the loud-section spectrum, the power per octave from 10 to 30 Hz exceeds
//!   that from 30 to 120 Hz by more than [`RUMBLE_MARGIN_DB`] (a mix whose spectrum rises below
//!   30 Hz; a flat or naturally rolled-off low end is left alone).
//! - **Resonances**: a 1/6-octave band from 60 Hz to 12 kHz that is a local maximum and stands
//!   at least [`RESONANCE_DB`] above the mean of the bands from 1/3 to 2/3 octave either side
//!   (its own neighbours excluded, so a broad tilt is not a resonance) and at least half that
//!   above both bands 1/3 octave away (so a bump wider than that is not either); the
//!   [`MAX_RESONANCES`] most prominent.
//! - **Harshness (2–5 kHz) and sibilance (5–10 kHz) that come and go**: every 100 ms of the
//!   audio within [`ACTIVE_RANGE_LU`] of the loudest short-term loudness, the band's share: its
//!   power over that of the rest of the spectrum from [`SHARE_FLOOR_HZ`] up, the band itself
//!   excluded (dB), so a kick drum or a bass note that dominates the total does not dip it and a
//!   rising band is not diluted by its own power; found when its 95th percentile exceeds its
//!   median by at least [`BURST_DB`] (a steady bright mix is a tonal-balance matter, not a
//!   dynamic one).

use serde::Serialize;

use dsp_core::analysis::AverageSpectrum;

use super::loudness::{LoudnessProfile, HISTORY_RATE_HZ};
use super::tonal_balance::{mid_side, TonalBalance};
use crate::programme::Programme;

/// Rumble: how far the sub-30 Hz power per octave may exceed the 30–120 Hz one, dB.
pub const RUMBLE_MARGIN_DB: f64 = 3.0;
/// A resonance stands at least this far above its surroundings, dB.
pub const RESONANCE_DB: f64 = 5.0;
/// Most resonances reported.
pub const MAX_RESONANCES: usize = 3;
/// Pieces within this range of the loudest short-term loudness count for bursts, LU.
pub const ACTIVE_RANGE_LU: f64 = 20.0;
/// The band shares are taken against the power from here up (the rest of the band excluded), Hz.
pub const SHARE_FLOOR_HZ: f64 = 300.0;
/// A band comes and goes when its share's 95th percentile exceeds its median by this, dB.
pub const BURST_DB: f64 = 6.0;

/// Sub-30 Hz content rising above the bass.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rumble {
    /// Power per octave 10–30 Hz minus that of 30–120 Hz, dB.
    pub above_bass_db: f64,
}

/// A narrow peak of the loud-section spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Resonance {
    /// Centre of the band, Hz.
    pub frequency_hz: f64,
    /// How far it stands above its surroundings, dB.
    pub prominence_db: f64,
}

/// A band whose share (its power over the rest of the spectrum above [`SHARE_FLOOR_HZ`]) comes
/// and goes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bursts {
    /// The band's edges, Hz.
    pub low_hz: f64,
    /// Upper edge, Hz.
    pub high_hz: f64,
    /// Median of its share over the active pieces, dB.
    pub median_share_db: f64,
    /// 95th percentile of that share, dB.
    pub p95_share_db: f64,
    /// Whether `p95 − median` reaches [`BURST_DB`].
    pub found: bool,
}

/// Everything the problem detectors found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problems {
    /// Rumble, if found.
    pub rumble: Option<Rumble>,
    /// Resonances, most prominent first.
    pub resonances: Vec<Resonance>,
    /// The 2–5 kHz band's behaviour (None without active audio).
    pub harshness: Option<Bursts>,
    /// The 5–10 kHz band's behaviour (None without active audio or below 22.05 kHz rates).
    pub sibilance: Option<Bursts>,
}

impl Problems {
    /// Runs the detectors on `programme` given its loudness profile and tonal balance.
    pub fn find(programme: &Programme, profile: &LoudnessProfile, tonal: &TonalBalance) -> Self {
        let (mid, _, _) = TonalBalance::spectra(programme, profile);
        let rumble = mid.as_ref().and_then(rumble);
        let (signal, _) = mid_side(programme.channels());
        let fs = programme.sample_rate_hz();
        // The bands below Nyquist, measured together.
        let wanted = [(2_000.0, 5_000.0), (5_000.0, 10_000.0)];
        let usable: Vec<(f64, f64)> = wanted.into_iter().filter(|b| b.1 < 0.5 * fs).collect();
        let mut found = band_bursts(&signal, fs, profile, &usable).into_iter();
        Self {
            rumble,
            resonances: resonances(tonal),
            harshness: found.next().flatten(),
            sibilance: found.next().flatten(),
        }
    }
}

/// Power of the bins of `power` (bins `bin_hz` wide) from `low_hz` to `high_hz`.
fn band_power(power: &[f64], bin_hz: f64, low_hz: f64, high_hz: f64) -> f64 {
    let first = (low_hz / bin_hz).ceil() as usize;
    let last = ((high_hz / bin_hz).floor() as usize).min(power.len().saturating_sub(1));
    if first > last {
        return 0.0;
    }
    power[first..=last].iter().sum()
}

/// The rumble rule on the loud-section mid spectrum.
fn rumble(spectrum: &AverageSpectrum) -> Option<Rumble> {
    let (power, bin) = (spectrum.power(), spectrum.bin_hz());
    let per_octave = |lo: f64, hi: f64| band_power(&power, bin, lo, hi) / (hi / lo).log2();
    let (sub, bass) = (per_octave(10.0, 30.0), per_octave(30.0, 120.0));
    if !(sub > 0.0 && bass > 0.0) {
        return None;
    }
    let above_bass_db = 10.0 * (sub / bass).log10();
    (above_bass_db > RUMBLE_MARGIN_DB).then_some(Rumble { above_bass_db })
}

/// The resonance rule on the 1/6-octave mid levels.
fn resonances(tonal: &TonalBalance) -> Vec<Resonance> {
    let (c, l) = (&tonal.centres_hz, &tonal.mid_db);
    let mut found: Vec<Resonance> = (3..l.len().saturating_sub(4))
        .filter(|&k| (60.0..=12_000.0).contains(&c[k]))
        .filter(|&k| l[k].is_finite() && l[k] >= l[k - 1] && l[k] >= l[k + 1])
        .filter_map(|k| {
            let around = [l[k - 4], l[k - 3], l[k - 2], l[k + 2], l[k + 3], l[k + 4]];
            if around.iter().any(|v| !v.is_finite()) {
                return None;
            }
            let prominence_db = l[k] - around.iter().sum::<f64>() / around.len() as f64;
            let narrow = l[k] - l[k - 2].max(l[k + 2]) >= 0.5 * RESONANCE_DB;
            (prominence_db >= RESONANCE_DB && narrow).then_some(Resonance {
                frequency_hz: c[k],
                prominence_db,
            })
        })
        .collect();
    found.sort_by(|a, b| b.prominence_db.total_cmp(&a.prominence_db));
    found.truncate(MAX_RESONANCES);
    found
}

/// The share of each of `bands` (low, high Hz) in each active 100 ms piece of `signal`: its power
/// over that of the rest from [`SHARE_FLOOR_HZ`] to 0.45 `fs` (one FFT per piece serves every
/// band), and their statistics.
fn band_bursts(
    signal: &[f32],
    fs: f64,
    profile: &LoudnessProfile,
    bands: &[(f64, f64)],
) -> Vec<Option<Bursts>> {
    let history = &profile.short_term_history_lufs;
    let loudest = history
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !loudest.is_finite() || bands.is_empty() {
        return vec![None; bands.len()];
    }
    let piece = ((fs / HISTORY_RATE_HZ).round() as usize).max(1);
    let mut spectrum = AverageSpectrum::new(fs);
    let half = spectrum.fft_size() / 2;
    let mut shares = vec![Vec::new(); bands.len()];
    for (k, &st) in history.iter().enumerate() {
        if st < loudest - ACTIVE_RANGE_LU {
            continue;
        }
        let centre = k * piece + piece / 2;
        spectrum.clear();
        spectrum.add_frame(signal, centre.saturating_sub(half));
        let (power, bin) = (spectrum.power(), spectrum.bin_hz());
        let above_floor = band_power(&power, bin, SHARE_FLOOR_HZ, 0.45 * fs);
        for (share, &(low_hz, high_hz)) in shares.iter_mut().zip(bands) {
            let band = band_power(&power, bin, low_hz, high_hz);
            let rest = above_floor - band;
            if rest > 0.0 && band > 0.0 {
                share.push(10.0 * (band / rest).log10());
            }
        }
    }
    shares
        .into_iter()
        .zip(bands)
        .map(|(mut shares, &(low_hz, high_hz))| {
            if shares.is_empty() {
                return None;
            }
            shares.sort_by(f64::total_cmp);
            let at = |q: f64| shares[((shares.len() - 1) as f64 * q).round() as usize];
            let (median_share_db, p95_share_db) = (at(0.5), at(0.95));
            Some(Bursts {
                low_hz,
                high_hz,
                median_share_db,
                p95_share_db,
                found: p95_share_db - median_share_db >= BURST_DB,
            })
        })
        .collect()
}
