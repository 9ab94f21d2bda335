//! The tonal match against a reference: the difference of the loud-section spectra (reference
//! minus programme, 1/6 octave, mid and side separately), its mean over 60 Hz–12 kHz removed
//! (loudness is the limiter's job), smoothed over 1/3 octave, fitted with at most
//! [`MAX_MATCH_BANDS`] static bands per signal, each clamped to ± the largest move and scaled
//! by the match amount.
//!
//! The fit is greedy and deterministic: the band with the largest remaining difference gets a
//! bell whose Q follows the width of that lobe (where the difference keeps its sign and at least
//! half its size), or a shelf when the lobe reaches the ends of the range (below 60 Hz or above
//! 12 kHz); then every band's gain is corrected by the remaining difference at its frequency,
//! [`REFINE_PASSES`] times. It stops when the remaining difference is within
//! [`GOOD_ENOUGH_DB`] everywhere in 60 Hz–12 kHz.

use dsp_core::dynamics::BandChannel;
use dsp_core::eq::curve::BandCurve;
use dsp_core::eq::EqBandSettings;
use dsp_core::filter::eq_shape::{EqShape, EqShapeSettings};

use super::{hz_text, round_to, Move, MoveStage};
use crate::analysis::TonalBalance;

/// Most bands per signal (mid, side).
pub const MAX_MATCH_BANDS: usize = 6;
/// Refinement passes over the gains after each new band.
pub const REFINE_PASSES: usize = 4;
/// The fit stops when it is this close everywhere in the matched range, dB.
pub const GOOD_ENOUGH_DB: f64 = 0.4;
/// The matched range, Hz.
pub const MATCH_RANGE_HZ: (f64, f64) = (60.0, 12_000.0);

/// How far and how much to match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchOptions {
    /// Share of each fitted move applied, 0..1.
    pub amount: f64,
    /// Largest |gain| of one band, dB.
    pub max_move_db: f64,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            amount: 1.0,
            max_move_db: 6.0,
        }
    }
}

/// The difference to fit at each band centre (mean over the matched range removed, smoothed
/// over 1/3 octave; 0 where either level is not finite).
fn difference(programme: &[f64], reference: &[f64], centres: &[f64]) -> Vec<f64> {
    let raw: Vec<f64> = programme
        .iter()
        .zip(reference)
        .map(|(p, r)| {
            let d = r - p;
            if d.is_finite() {
                d
            } else {
                0.0
            }
        })
        .collect();
    let in_range = |f: f64| (MATCH_RANGE_HZ.0..=MATCH_RANGE_HZ.1).contains(&f);
    let (sum, count) = raw
        .iter()
        .zip(centres)
        .filter(|(_, &f)| in_range(f))
        .fold((0.0, 0usize), |(s, n), (d, _)| (s + d, n + 1));
    let mean = if count > 0 { sum / count as f64 } else { 0.0 };
    // 1/3-octave moving average of the 1/6-octave values (the band and its two neighbours).
    (0..raw.len())
        .map(|k| {
            let lo = k.saturating_sub(1);
            let hi = (k + 1).min(raw.len() - 1);
            raw[lo..=hi].iter().sum::<f64>() / (hi - lo + 1) as f64 - mean
        })
        .collect()
}

/// The sum of `bands`' curves at `centres`, dB.
fn response(bands: &[EqBandSettings], centres: &[f64], fs: f64) -> Vec<f64> {
    let curves: Vec<BandCurve> = bands.iter().map(|b| BandCurve::new(b, 0.0, fs)).collect();
    centres
        .iter()
        .map(|&f| curves.iter().map(|c| c.magnitude_db(f)).sum())
        .collect()
}

/// A static band of `shape` at `hz`, `gain_db`, `q`, on `placement`.
pub fn band(
    shape: EqShape,
    hz: f64,
    gain_db: f64,
    q: f64,
    placement: BandChannel,
) -> EqBandSettings {
    EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape,
            frequency_hz: hz,
            gain_db,
            q,
            ..EqShapeSettings::default()
        },
        placement,
        ..EqBandSettings::default()
    }
}

/// Fits the bands that take `programme`'s levels to `reference`'s (both at `centres`, 1/6
/// octave apart) at `fs`, on `placement`, before the amount and the clamp.
pub fn fit(
    programme: &[f64],
    reference: &[f64],
    centres: &[f64],
    fs: f64,
    placement: BandChannel,
) -> Vec<EqBandSettings> {
    let target = difference(programme, reference, centres);
    let in_range: Vec<usize> = (0..centres.len())
        .filter(|&k| (MATCH_RANGE_HZ.0..=MATCH_RANGE_HZ.1).contains(&centres[k]))
        .collect();
    let (Some(&first), Some(&last)) = (in_range.first(), in_range.last()) else {
        return Vec::new();
    };
    let mut bands: Vec<EqBandSettings> = Vec::new();
    for _ in 0..MAX_MATCH_BANDS {
        let now = response(&bands, centres, fs);
        let residual: Vec<f64> = target.iter().zip(&now).map(|(t, n)| t - n).collect();
        let Some(&k) = in_range
            .iter()
            .max_by(|&&a, &&b| residual[a].abs().total_cmp(&residual[b].abs()))
        else {
            break;
        };
        if residual[k].abs() < GOOD_ENOUGH_DB {
            break;
        }
        // The lobe around k: same sign and at least half the size.
        let keeps = |j: usize| {
            residual[j] * residual[k] > 0.0 && residual[j].abs() >= 0.5 * residual[k].abs()
        };
        let (mut lo, mut hi) = (k, k);
        while lo > 0 && keeps(lo - 1) {
            lo -= 1;
        }
        while hi + 1 < centres.len() && keeps(hi + 1) {
            hi += 1;
        }
        let gain = residual[k];
        let new = if lo <= first && hi < last {
            // Reaches the bottom: a low shelf whose half-gain point is the lobe's upper edge.
            band(EqShape::LowShelf, centres[hi], gain, 0.7, placement)
        } else if hi >= last && lo > first {
            band(EqShape::HighShelf, centres[lo], gain, 0.7, placement)
        } else {
            let octaves = ((centres[hi] / centres[lo]).log2() + 1.0 / 6.0).max(1.0 / 6.0);
            let r = 2f64.powf(octaves);
            let q = (r.sqrt() / (r - 1.0)).clamp(0.3, 6.0);
            let centre = (centres[lo] * centres[hi]).sqrt();
            band(EqShape::Bell, centre, gain, q, placement)
        };
        bands.push(new);
        for _ in 0..REFINE_PASSES {
            let now = response(&bands, centres, fs);
            for b in &mut bands {
                let f = b.filter.frequency_hz;
                let at = (0..centres.len())
                    .min_by(|&x, &y| {
                        (centres[x] / f)
                            .ln()
                            .abs()
                            .total_cmp(&(centres[y] / f).ln().abs())
                    })
                    .expect("centres");
                // A shelf is read at its plateau end of the range.
                let j = match b.filter.shape {
                    EqShape::LowShelf => first,
                    EqShape::HighShelf => last,
                    _ => at,
                };
                let g = b.filter.gain_db + 0.8 * (target[j] - now[j]);
                b.filter.gain_db = g.clamp(-24.0, 24.0);
            }
        }
    }
    bands
}

/// The match moves for mid and side; the bands after the clamp and the amount, rounded to
/// 0.1 dB (bands that round to 0 dB are dropped).
pub fn moves(
    programme: &TonalBalance,
    reference: &TonalBalance,
    fs: f64,
    options: MatchOptions,
    moves: &mut Vec<Move>,
) -> Vec<EqBandSettings> {
    let mut out = Vec::new();
    let signals = [
        (
            &programme.mid_db,
            &reference.mid_db,
            BandChannel::Mid,
            "mid",
        ),
        (
            &programme.side_db,
            &reference.side_db,
            BandChannel::Side,
            "side",
        ),
    ];
    for (p, r, placement, name) in signals {
        let has_side = p.iter().chain(r.iter()).any(|v| v.is_finite());
        if !has_side {
            continue;
        }
        let centres = &programme.centres_hz;
        let target = difference(p, r, centres);
        for mut b in fit(p, r, centres, fs, placement) {
            let fitted = b.filter.gain_db;
            let clamped = fitted.clamp(-options.max_move_db, options.max_move_db);
            let gain = round_to(clamped * options.amount.clamp(0.0, 1.0), 0.1);
            if gain == 0.0 {
                continue;
            }
            b.filter.gain_db = gain;
            let f = b.filter.frequency_hz;
            // What the band answers: the mean difference where it acts (a shelf's side of its
            // frequency, a bell's centre 1/6 octave).
            let (lo, hi) = match b.filter.shape {
                EqShape::LowShelf => (MATCH_RANGE_HZ.0.min(f / 2.0), f),
                EqShape::HighShelf => (f, MATCH_RANGE_HZ.1.max(2.0 * f)),
                _ => (f / 2f64.powf(1.0 / 12.0), f * 2f64.powf(1.0 / 12.0)),
            };
            let near: Vec<f64> = (0..centres.len())
                .filter(|&k| centres[k] >= lo && centres[k] <= hi)
                .map(|k| target[k])
                .collect();
            let answered = if near.is_empty() {
                b.filter.gain_db
            } else {
                near.iter().sum::<f64>() / near.len() as f64
            };
            let (shape, region) = match b.filter.shape {
                EqShape::LowShelf => ("low shelf", format!("below {}", hz_text(f))),
                EqShape::HighShelf => ("high shelf", format!("above {}", hz_text(f))),
                _ => ("bell", format!("around {}", hz_text(f))),
            };
            let clamp_note = if clamped != fitted {
                format!(" (clamped from {fitted:+.1} dB)")
            } else {
                String::new()
            };
            moves.push(Move {
                stage: MoveStage::Eq,
                action: format!(
                    "{name} {shape} at {} {gain:+.1} dB, Q {:.2}{clamp_note}",
                    hz_text(f),
                    b.filter.q
                ),
                reason: format!(
                    "on the loud sections the {name} {region} is {:+.1} dB from the reference (tonal match, {:.0} %)",
                    -answered,
                    100.0 * options.amount
                ),
            });
            out.push(b);
        }
    }
    out
}
