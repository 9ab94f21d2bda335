//! Per multiband band: level statistics, crest factor, stereo width and correlation, split by
//! the multiband's own crossovers (Minimum Phase, 24 dB/oct), so the numbers are those of the
//! bands the multiband compressor will act on.
//!
//! Levels are per 100 ms piece of the first two channels (RMS of both, dB re full-scale sine:
//! a sine of peak A reads `20·log10(A)`), over the pieces within
//! [`ACTIVE_RANGE_LU`](super::problems::ACTIVE_RANGE_LU) of the loudest short-term loudness.
//! Crest factor is the highest sample peak of the band over those pieces minus their mean
//! RMS level. Width is the side energy over the mid energy (dB; −∞ for mono content), and
//! correlation the normalised `Σ L·R`. Low-end mono compatibility reads the lowest band:
//! its correlation is at least [`MONO_SAFE_CORRELATION`].

use serde::Serialize;

use dsp_core::filter::crossover::BandSplitter;
use dsp_core::filter::crossover_settings::CrossoverSettings;

use super::loudness::{LoudnessProfile, HISTORY_RATE_HZ};
use super::problems::ACTIVE_RANGE_LU;
use crate::programme::Programme;

/// The lowest band is mono-compatible from this correlation up.
pub const MONO_SAFE_CORRELATION: f64 = 0.5;

/// 100 ms pieces per window of the typical crest (`piece_crest_db`): 1 s.
const CREST_WINDOW_PIECES: usize = 10;

/// Frames split at a time.
const SPLIT_FRAMES: usize = 4096;

/// One band's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandStats {
    /// Lower and upper edge, Hz (0 and Nyquist at the ends).
    pub low_hz: f64,
    /// Upper edge, Hz.
    pub high_hz: f64,
    /// RMS level per active piece: 10th, 50th, 90th and 95th percentile, dB.
    pub level_p10_db: f64,
    /// Median level, dB.
    pub level_median_db: f64,
    /// 90th percentile level, dB.
    pub level_p90_db: f64,
    /// 95th percentile level, dB.
    pub level_p95_db: f64,
    /// Peak minus mean RMS level over the active pieces, dB.
    pub crest_db: f64,
    /// Median over 1 s windows of the active pieces of each window's peak minus its RMS, dB:
    /// how punchy the band typically is (a window holds hits and what rings after them; robust
    /// to a single stray peak, unlike `crest_db`).
    pub piece_crest_db: f64,
    /// Side energy over mid energy, dB.
    pub width_db: f64,
    /// Correlation of left and right, −1..1 (1 for mono).
    pub correlation: f64,
}

/// Per-band numbers for a multiband split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandAnalysis {
    /// The bands, lowest first.
    pub bands: Vec<BandStats>,
    /// Whether the lowest band holds up summed to mono.
    pub low_end_mono_safe: bool,
}

/// Running sums of one band over one piece.
#[derive(Debug, Clone, Copy, Default)]
struct PieceSums {
    ll: f64,
    rr: f64,
    lr: f64,
    peak: f32,
    frames: usize,
}

impl BandAnalysis {
    /// Splits `programme` by `crossovers` (the multiband's defaults when None) and measures
    /// every band.
    pub fn measure(
        programme: &Programme,
        profile: &LoudnessProfile,
        crossovers: Option<CrossoverSettings>,
    ) -> Self {
        let settings = crossovers.unwrap_or_default();
        let fs = programme.sample_rate_hz();
        let channels = programme.channels();
        let pair: Vec<&[f32]> = match channels {
            [l, r, ..] => vec![l, r],
            [only] => vec![only, only],
            [] => return Self::empty(),
        };
        let mut splitter = BandSplitter::new();
        splitter.set_settings(settings);
        splitter.prepare(fs, SPLIT_FRAMES, 2);
        let (hz, count) = settings.clamped_crossovers_hz(fs);
        let edges: Vec<f64> = hz[..count].iter().map(|&f| f64::from(f)).collect();
        let bands = edges.len() + 1;
        let piece = ((fs / HISTORY_RATE_HZ).round() as usize).max(1);
        let pieces = programme.frames().div_ceil(piece);
        let mut sums = vec![vec![PieceSums::default(); pieces]; bands];
        let mut start = 0;
        while start < programme.frames() {
            let end = (start + SPLIT_FRAMES).min(programme.frames());
            let block = [&pair[0][start..end], &pair[1][start..end]];
            splitter.split(&block);
            for (b, band_sums) in sums.iter_mut().enumerate() {
                let (l, r) = (splitter.band(b, 0), splitter.band(b, 1));
                for (i, (&x, &y)) in l.iter().zip(r).enumerate() {
                    let s = &mut band_sums[(start + i) / piece];
                    let (x, y) = (f64::from(x), f64::from(y));
                    s.ll += x * x;
                    s.rr += y * y;
                    s.lr += x * y;
                    s.peak = s.peak.max(x.abs().max(y.abs()) as f32);
                    s.frames += 1;
                }
            }
            start = end;
        }
        let active = active_pieces(&profile.short_term_history_lufs);
        let bands: Vec<BandStats> = sums
            .iter()
            .enumerate()
            .map(|(b, band_sums)| {
                let low_hz = if b == 0 { 0.0 } else { edges[b - 1] };
                let high_hz = edges.get(b).copied().unwrap_or(0.5 * fs);
                band_stats(band_sums, &active, low_hz, high_hz)
            })
            .collect();
        let low_end_mono_safe = bands
            .first()
            .is_none_or(|b| b.correlation >= MONO_SAFE_CORRELATION || b.correlation.is_nan());
        Self {
            bands,
            low_end_mono_safe,
        }
    }

    fn empty() -> Self {
        Self {
            bands: Vec::new(),
            low_end_mono_safe: true,
        }
    }
}

/// The pieces within [`ACTIVE_RANGE_LU`] of the loudest.
fn active_pieces(history: &[f64]) -> Vec<usize> {
    let loudest = history
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    (0..history.len())
        .filter(|&k| loudest.is_finite() && history[k] >= loudest - ACTIVE_RANGE_LU)
        .collect()
}

/// One band's statistics over the active pieces.
fn band_stats(sums: &[PieceSums], active: &[usize], low_hz: f64, high_hz: f64) -> BandStats {
    let db = |power: f64| 10.0 * power.log10();
    let mut levels: Vec<f64> = Vec::with_capacity(active.len());
    let mut windows = vec![PieceSums::default(); sums.len().div_ceil(CREST_WINDOW_PIECES)];
    let mut total = PieceSums::default();
    for &k in active {
        let Some(s) = sums.get(k) else { continue };
        if s.frames == 0 {
            continue;
        }
        // Mean power of both channels, ×2: a full-scale sine reads 0 dB.
        levels.push(db((s.ll + s.rr) / s.frames as f64));
        let w = &mut windows[k / CREST_WINDOW_PIECES];
        w.ll += s.ll;
        w.rr += s.rr;
        w.peak = w.peak.max(s.peak);
        w.frames += s.frames;
        w.lr += 1.0; // counts the active pieces in the window
        total.ll += s.ll;
        total.rr += s.rr;
        total.lr += s.lr;
        total.peak = total.peak.max(s.peak);
        total.frames += s.frames;
    }
    levels.sort_by(f64::total_cmp);
    // Windows at least half active; one channel's RMS is half the summed power.
    let mut crests: Vec<f64> = windows
        .iter()
        .filter(|w| w.frames > 0 && 2.0 * w.lr >= CREST_WINDOW_PIECES as f64)
        .map(|w| 20.0 * f64::from(w.peak).log10() - db((w.ll + w.rr) / (2.0 * w.frames as f64)))
        .filter(|c| c.is_finite())
        .collect();
    crests.sort_by(f64::total_cmp);
    let at = |q: f64| {
        if levels.is_empty() {
            f64::NEG_INFINITY
        } else {
            levels[((levels.len() - 1) as f64 * q).round() as usize]
        }
    };
    let mean_db = db((total.ll + total.rr) / total.frames.max(1) as f64);
    let (mid, side) = (
        total.ll + total.rr + 2.0 * total.lr,
        total.ll + total.rr - 2.0 * total.lr,
    );
    let norm = (total.ll * total.rr).sqrt();
    BandStats {
        low_hz,
        high_hz,
        level_p10_db: at(0.1),
        level_median_db: at(0.5),
        level_p90_db: at(0.9),
        level_p95_db: at(0.95),
        // RMS of one channel: half the summed power.
        crest_db: 20.0 * f64::from(total.peak).log10() - (mean_db - 10.0 * 2f64.log10()),
        piece_crest_db: crests.get(crests.len() / 2).copied().unwrap_or(f64::NAN),
        width_db: db(side.max(0.0) / mid.max(f64::MIN_POSITIVE)),
        correlation: if norm > 0.0 { total.lr / norm } else { 1.0 },
    }
}
