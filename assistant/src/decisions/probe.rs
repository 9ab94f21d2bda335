//! The detectors' own level distributions: the programme run through the Dynamic EQ (or the
//! multiband) with the candidate bands listening but (practically) not acting, reading each
//! band's detector level every 100 ms. Thresholds set from these land where the processors'
//! detectors will really read the programme.

use dsp_core::dynamics::{MultibandCompressor, MultibandSettings};
use dsp_core::eq::{DynamicEq, DynamicEqSettings, EqBandSettings, MAX_EQ_BANDS};
use dsp_core::{ProcessSpec, Processor};

use crate::analysis::loudness::{LoudnessProfile, HISTORY_RATE_HZ};
use crate::analysis::problems::ACTIVE_RANGE_LU;
use crate::analysis::tonal_balance::LOUD_MARGIN_LU;
use crate::programme::Programme;

/// Percentiles of one detector's 100 ms levels over the active pieces, dB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelPercentiles {
    /// 10th percentile.
    pub p10_db: f64,
    /// Median.
    pub p50_db: f64,
    /// 75th percentile.
    pub p75_db: f64,
    /// 90th percentile.
    pub p90_db: f64,
    /// 95th percentile.
    pub p95_db: f64,
}

/// Percentiles of `levels` (None when empty).
fn percentiles(mut levels: Vec<f64>) -> Option<LevelPercentiles> {
    if levels.is_empty() {
        return None;
    }
    levels.sort_by(f64::total_cmp);
    let at = |q: f64| levels[((levels.len() - 1) as f64 * q).round() as usize];
    Some(LevelPercentiles {
        p10_db: at(0.1),
        p50_db: at(0.5),
        p75_db: at(0.75),
        p90_db: at(0.9),
        p95_db: at(0.95),
    })
}

/// Whether 100 ms piece `k` is within `margin_lu` of the loudest.
fn active(profile: &LoudnessProfile, margin_lu: f64) -> impl Fn(usize) -> bool + '_ {
    let h = &profile.short_term_history_lufs;
    let loudest = h
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    move |k| loudest.is_finite() && h.get(k).is_some_and(|&v| v >= loudest - margin_lu)
}

/// The first two channels (a mono programme twice).
fn pair(programme: &Programme) -> [Vec<f32>; 2] {
    match programme.channels() {
        [l, r, ..] => [l.clone(), r.clone()],
        [only] => [only.clone(), only.clone()],
        [] => [Vec::new(), Vec::new()],
    }
}

/// Runs `process` over `programme` in 100 ms blocks, collecting `read()` after each one within
/// `margin_lu` of the loudest.
fn probe<const N: usize>(
    programme: &Programme,
    profile: &LoudnessProfile,
    margin_lu: f64,
    mut process: impl FnMut(&mut [&mut [f32]]),
    read: impl Fn() -> [f32; N],
) -> [Vec<f64>; N] {
    let fs = programme.sample_rate_hz();
    let piece = ((fs / HISTORY_RATE_HZ).round() as usize).max(1);
    let [mut l, mut r] = pair(programme);
    let is_active = active(profile, margin_lu);
    let mut out: [Vec<f64>; N] = std::array::from_fn(|_| Vec::new());
    for (k, (a, b)) in l.chunks_mut(piece).zip(r.chunks_mut(piece)).enumerate() {
        process(&mut [a, b]);
        if is_active(k) {
            for (o, v) in out.iter_mut().zip(read()) {
                o.push(f64::from(v));
            }
        }
    }
    out
}

/// The detector level percentiles of each of `bands` (at most [`MAX_EQ_BANDS`]) as the
/// Dynamic EQ reads them on the active audio (within
/// [`ACTIVE_RANGE_LU`] of the loudest); their dynamics are switched on with a threshold of 0 dB and a range
/// of −0.01 dB so they listen without acting.
pub fn eq_levels(
    programme: &Programme,
    profile: &LoudnessProfile,
    bands: &[EqBandSettings],
) -> Vec<Option<LevelPercentiles>> {
    let mut settings = DynamicEqSettings::default();
    for (slot, band) in settings
        .bands
        .iter_mut()
        .zip(bands.iter().take(MAX_EQ_BANDS))
    {
        *slot = *band;
        slot.used = true;
        slot.dynamics.enabled = true;
        slot.dynamics.threshold_db = 0.0;
        slot.dynamics.ratio = 2.0;
        slot.dynamics.range_db = -0.01;
    }
    let mut eq = DynamicEq::new();
    eq.set_settings(settings);
    let piece = ((programme.sample_rate_hz() / HISTORY_RATE_HZ).round() as usize).max(1);
    eq.prepare(&ProcessSpec::new(programme.sample_rate_hz(), piece, 2));
    let eq = std::cell::RefCell::new(eq);
    let levels = probe::<MAX_EQ_BANDS>(
        programme,
        profile,
        ACTIVE_RANGE_LU,
        |channels| eq.borrow_mut().process(channels),
        || eq.borrow().band_meters().map(|m| m.level_db),
    );
    levels
        .into_iter()
        .take(bands.len())
        .map(percentiles)
        .collect()
}

/// The detector level percentiles of every band of `settings` as the multiband reads them on
/// the loud sections (within [`LOUD_MARGIN_LU`] of the loudest: an arrangement's quiet parts are
/// not the band's dynamics), its bands at ratio 1 (listening, not acting).
pub fn multiband_levels(
    programme: &Programme,
    profile: &LoudnessProfile,
    settings: &MultibandSettings,
) -> Vec<Option<LevelPercentiles>> {
    let mut s = *settings;
    for band in &mut s.band {
        band.ratio = 1.0;
        band.transient_db = 0.0;
        band.makeup_db = 0.0;
    }
    let mut multiband = MultibandCompressor::new();
    multiband.set_settings(s);
    let piece = ((programme.sample_rate_hz() / HISTORY_RATE_HZ).round() as usize).max(1);
    multiband.prepare(&ProcessSpec::new(programme.sample_rate_hz(), piece, 2));
    let multiband = std::cell::RefCell::new(multiband);
    const BANDS: usize = dsp_core::filter::crossover_settings::MAX_BANDS;
    let levels = probe::<BANDS>(
        programme,
        profile,
        LOUD_MARGIN_LU,
        |channels| multiband.borrow_mut().process(channels),
        || multiband.borrow().band_meters().map(|m| m.level_db),
    );
    levels.into_iter().take(s.bands).map(percentiles).collect()
}
