//! Settings of the Dynamic EQ in user units: per band the filter shape, the dynamics on top of
//! its static gain, where it acts and what it listens to.
//!
//! The static law of a dynamic band (trigger Above; Below mirrors it with `T − L`):
//! `offset = sign(R) · min(|R|, (L − T)(1 − 1/r))` when the detector level `L` exceeds the
//! threshold `T`, else 0, with a quadratic soft knee of width `K` centred on `T` (the curve of
//! [`crate::dynamics::band_curve`] with the compressor slope `1 − 1/r`). The band's gain is
//! `G + offset`. [`EqDynamicsSettings::band_settings`] maps the law onto the multiband gain
//! computer, which runs it per sample.

use crate::dynamics::{BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain};
use crate::filter::eq_shape::{EqShapeSettings, MAX_Q, MIN_Q};

/// Most bands of one Dynamic EQ.
pub const MAX_EQ_BANDS: usize = 24;
/// Largest |range| of a dynamic band, dB.
pub const MAX_RANGE_DB: f32 = 30.0;
use crate::dynamics::band_settings::RATIO_INFINITE;

/// On which side of the threshold a dynamic band acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EqTrigger {
    /// The offset grows as the detector level rises above the threshold.
    #[default]
    Above,
    /// The offset grows as the detector level falls below the threshold.
    Below,
}

impl EqTrigger {
    /// Both triggers in display order.
    pub const ALL: [Self; 2] = [Self::Above, Self::Below];

    /// Stable key (`above`, `below`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Above => "above",
            Self::Below => "below",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Above => "Above",
            Self::Below => "Below",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.key().eq_ignore_ascii_case(t) || v.name().eq_ignore_ascii_case(t))
    }
}

/// The dynamics of one band, on top of its static gain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqDynamicsSettings {
    /// Dynamics on; off, the band is a static filter and its detector does not run.
    pub enabled: bool,
    /// Threshold at the band's detector, dB (−80..0).
    pub threshold_db: f32,
    /// Ratio (1..100; 100 counts as ∞).
    pub ratio: f32,
    /// Signed range, dB (−30..30): negative cuts, positive boosts; the most the offset may reach.
    pub range_db: f32,
    /// Attack time, ms (0.1..500).
    pub attack_ms: f32,
    /// Release time, ms (1..5000).
    pub release_ms: f32,
    /// Soft-knee width centred on the threshold, dB (0..24).
    pub knee_db: f32,
    /// Which side of the threshold the band acts on.
    pub trigger: EqTrigger,
    /// Peak or RMS detector.
    pub detector: BandDetector,
    /// Where the detector listens: the EQ's input or the external sidechain.
    pub sidechain: BandSidechain,
    /// Detect at [`detector_frequency_hz`](Self::detector_frequency_hz) and
    /// [`detector_q`](Self::detector_q) instead of the band's own frequency and Q.
    pub split_detector: bool,
    /// Detector centre when split, Hz.
    pub detector_frequency_hz: f64,
    /// Detector Q when split.
    pub detector_q: f64,
}

impl Default for EqDynamicsSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            threshold_db: -20.0,
            ratio: 4.0,
            range_db: -6.0,
            attack_ms: 10.0,
            release_ms: 150.0,
            knee_db: 0.0,
            trigger: EqTrigger::Above,
            detector: BandDetector::Peak,
            sidechain: BandSidechain::Internal,
            split_detector: false,
            detector_frequency_hz: 1000.0,
            detector_q: 1.0,
        }
    }
}

impl EqDynamicsSettings {
    /// Whether the dynamics can move the gain (enabled, a ratio above 1 and a non-zero range).
    pub fn is_active(&self) -> bool {
        self.enabled && self.ratio > 1.0 && self.range_db != 0.0 && self.range_db.is_finite()
    }

    /// The gain-computer settings that run this law (bypassed when the dynamics are not active).
    ///
    /// Above with a cut is CompressDown and Below with a boost CompressUp (slope `1 − 1/r`);
    /// Above with a boost is ExpandUp and Below with a cut ExpandDown, given the ratio
    /// `2 − 1/r` so the expander slope `r' − 1` is the same `1 − 1/r`.
    pub fn band_settings(&self) -> BandSettings {
        let r = if self.ratio.is_nan() {
            1.0
        } else {
            self.ratio.clamp(1.0, RATIO_INFINITE)
        };
        let cut = self.range_db < 0.0;
        let (direction, ratio) = match (self.trigger, cut) {
            (EqTrigger::Above, true) => (BandDirection::CompressDown, r),
            (EqTrigger::Below, false) => (BandDirection::CompressUp, r),
            (EqTrigger::Above, false) => (BandDirection::ExpandUp, expander_ratio(r)),
            (EqTrigger::Below, true) => (BandDirection::ExpandDown, expander_ratio(r)),
        };
        let finite_or = |v: f32, d: f32| if v.is_finite() { v } else { d };
        BandSettings {
            direction,
            threshold_db: finite_or(self.threshold_db, -20.0).clamp(-80.0, 0.0),
            ratio,
            knee_db: finite_or(self.knee_db, 0.0).clamp(0.0, 24.0),
            attack_ms: finite_or(self.attack_ms, 10.0).clamp(0.1, 500.0),
            release_ms: finite_or(self.release_ms, 150.0).clamp(1.0, 5000.0),
            range_db: finite_or(self.range_db, 0.0).abs().min(MAX_RANGE_DB),
            makeup_db: 0.0,
            detector: self.detector,
            channel: BandChannel::Stereo,
            sidechain: self.sidechain,
            transient_db: 0.0,
            solo: false,
            mute: false,
            bypass: !self.is_active(),
        }
    }

    /// The detector's centre and Q for a band at `frequency_hz` and `q`.
    pub fn detector_tuning(&self, frequency_hz: f64, q: f64) -> (f64, f64) {
        if self.split_detector {
            let f = if self.detector_frequency_hz.is_finite() {
                self.detector_frequency_hz
            } else {
                frequency_hz
            };
            let dq = if self.detector_q.is_nan() {
                q
            } else {
                self.detector_q.clamp(MIN_Q, MAX_Q)
            };
            (f, dq)
        } else {
            (frequency_hz, q)
        }
    }
}

/// The expander ratio whose slope `r' − 1` equals the compressor slope `1 − 1/r` (∞ → 2).
fn expander_ratio(r: f32) -> f32 {
    if r >= RATIO_INFINITE {
        2.0
    } else {
        2.0 - 1.0 / r
    }
}

/// One band of the Dynamic EQ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqBandSettings {
    /// The band is in use; unused bands cost nothing and pass the signal untouched.
    pub used: bool,
    /// Shape, frequency, static gain, Q and slope.
    pub filter: EqShapeSettings,
    /// Dynamics on top of the static gain.
    pub dynamics: EqDynamicsSettings,
    /// Which part of a stereo signal the band filters (and detects on).
    pub placement: BandChannel,
    /// Pass the signal around this band (ramped, no click).
    pub bypass: bool,
    /// Listen to this band: the output becomes the band's region through a band pass.
    pub solo: bool,
}

impl Default for EqBandSettings {
    fn default() -> Self {
        Self {
            used: false,
            filter: EqShapeSettings {
                q: 1.0,
                ..EqShapeSettings::default()
            },
            dynamics: EqDynamicsSettings::default(),
            placement: BandChannel::Stereo,
            bypass: false,
            solo: false,
        }
    }
}

/// Largest |output gain|, dB.
pub const MAX_OUTPUT_GAIN_DB: f32 = 24.0;

/// How the bands are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EqPhase {
    /// IIR filters, no latency (the analogue-matched phase of each shape).
    #[default]
    ZeroLatency,
    /// FIR kernels with the same magnitude and no phase shift, with latency
    /// ([`super::linear_phase`]).
    LinearPhase,
}

impl EqPhase {
    /// Both modes in display order.
    pub const ALL: [Self; 2] = [Self::ZeroLatency, Self::LinearPhase];

    /// Stable key (`zero-latency`, `linear-phase`).
    pub fn key(self) -> &'static str {
        match self {
            Self::ZeroLatency => "zero-latency",
            Self::LinearPhase => "linear-phase",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ZeroLatency => "Zero Latency",
            Self::LinearPhase => "Linear Phase",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.key().eq_ignore_ascii_case(t) || v.name().eq_ignore_ascii_case(t))
    }
}

/// Every setting of the Dynamic EQ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DynamicEqSettings {
    /// The bands, processed in this order.
    pub bands: [EqBandSettings; MAX_EQ_BANDS],
    /// Gain after the bands, dB (−24..24; ramped).
    pub output_gain_db: f32,
    /// Zero Latency or Linear Phase (changes the latency).
    pub phase: EqPhase,
}

impl Default for DynamicEqSettings {
    fn default() -> Self {
        Self {
            bands: [EqBandSettings::default(); MAX_EQ_BANDS],
            output_gain_db: 0.0,
            phase: EqPhase::ZeroLatency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::band_curve::static_gain_db;

    #[test]
    fn the_mapped_law_is_the_issue_law_in_every_direction() {
        for trigger in EqTrigger::ALL {
            for range_db in [-12.0f32, -6.0, 6.0, 12.0] {
                for ratio in [1.5f32, 4.0, 100.0] {
                    let d = EqDynamicsSettings {
                        enabled: true,
                        threshold_db: -20.0,
                        ratio,
                        range_db,
                        knee_db: 0.0,
                        trigger,
                        ..EqDynamicsSettings::default()
                    };
                    let band = d.band_settings();
                    for level_db in [-40.0f32, -25.0, -20.0, -15.0, -10.0, 0.0] {
                        let x = match trigger {
                            EqTrigger::Above => level_db - -20.0,
                            EqTrigger::Below => -20.0 - level_db,
                        };
                        let slope = if ratio >= RATIO_INFINITE {
                            1.0
                        } else {
                            1.0 - 1.0 / ratio
                        };
                        let want = if x > 0.0 {
                            range_db.signum() * (range_db.abs()).min(x * slope)
                        } else {
                            0.0
                        };
                        let got = static_gain_db(&band, level_db);
                        assert!(
                            (got - want).abs() < 1e-4,
                            "{trigger:?} R {range_db} r {ratio} L {level_db}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn triggers_parse_back() {
        for t in EqTrigger::ALL {
            assert_eq!(EqTrigger::parse(t.key()), Some(t));
            assert_eq!(EqTrigger::parse(t.name()), Some(t));
        }
        assert_eq!(EqTrigger::parse("sideways"), None);
    }
}
