//! Playback preview: the output played at the gain a platform's loudness normalisation would apply.
//!
//! Signal flow: `input -> × gain -> output`, nothing else. The gain is
//! [`Platform::playback_gain_db`] of the integrated loudness and true peak measured so far
//! ([`PlaybackPreview::set_measurement`], called by the owner at meter-publish rate), clamped to
//! [`MIN_PREVIEW_GAIN_DB`]..=[`MAX_PREVIEW_GAIN_DB`]; unity while the preview is off or the loudness
//! is undefined (silence, nothing measured yet, non-finite readings).
//!
//! Guarantees and why they hold:
//! * Off means untouched: with the preview off and no ramp under way, `process` returns without
//!   touching a sample, so the output is bit-identical to the input.
//! * No clicks: every change of the gain (switching on or off, a new platform, the integrated
//!   loudness evolving) is a linear ramp of the linear gain over [`PREVIEW_RAMP_MS`]; a ramp that
//!   is retargeted mid-way continues from where it is.
//! * First sample: a value set before the first sample after [`Processor::reset`] applies at once,
//!   with no ramp, so a render starting with the preview on is previewed from its first sample.
//! * Never NaN/Inf gain: non-finite readings give unity, the gain is clamped, and the ramp runs
//!   between finite values. (A NaN *input* sample stays NaN: the preview does not clean audio.)
//! * Zero latency, allocation-free (no buffers at all).
//!
//! The meters of a plugin must measure before this stage: the preview changes only what is heard.

use crate::smoothing::LinearSmoother;
use crate::targets::Platform;
use crate::units::db_to_gain;
use crate::{ProcessSpec, Processor};

/// Length of the ramp of every gain change, ms: long enough to be click-free on a full-scale
/// low-frequency tone, short enough to feel instant when switching.
pub const PREVIEW_RAMP_MS: f64 = 50.0;

/// Largest lift the preview applies, dB. Only delivery targets (EBU R128, ATSC A/85, a custom
/// target) lift without a peak limit; a near-silent programme would otherwise be monitored at up
/// to +47 dB.
pub const MAX_PREVIEW_GAIN_DB: f64 = 20.0;

/// Deepest turn-down the preview applies, dB (a −70 LUFS reference could not ask for more).
pub const MIN_PREVIEW_GAIN_DB: f64 = -60.0;

/// Applies a platform's playback gain, smoothed, to a block of audio in place.
#[derive(Debug, Clone, Copy)]
pub struct PlaybackPreview {
    enabled: bool,
    platform: Option<Platform>,
    integrated_lufs: f64,
    true_peak_dbtp: f64,
    gain: LinearSmoother,
    awaiting_first_sample: bool,
}

impl Default for PlaybackPreview {
    fn default() -> Self {
        Self::new()
    }
}

impl PlaybackPreview {
    /// An off preview with no platform and nothing measured; call [`Processor::prepare`] before use.
    pub fn new() -> Self {
        Self {
            enabled: false,
            platform: None,
            integrated_lufs: f64::NEG_INFINITY,
            true_peak_dbtp: f64::NEG_INFINITY,
            gain: LinearSmoother::new(PREVIEW_RAMP_MS, 1.0),
            awaiting_first_sample: true,
        }
    }

    /// Switches the preview on or off (ramped during audio).
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
        self.retarget();
    }

    /// Whether the preview is switched on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The platform whose normalisation is previewed; `None` previews at unity.
    pub fn set_platform(&mut self, platform: Option<Platform>) {
        self.platform = platform;
        self.retarget();
    }

    /// The integrated loudness (LUFS) and true peak (dBTP) of the programme measured so far.
    pub fn set_measurement(&mut self, integrated_lufs: f64, true_peak_dbtp: f64) {
        self.integrated_lufs = integrated_lufs;
        self.true_peak_dbtp = true_peak_dbtp;
        self.retarget();
    }

    /// Gain in dB the selected platform applies to the measurement so far, whether or not the
    /// preview is on (0 dB when the loudness is undefined or no platform is selected); always finite.
    pub fn platform_gain_db(&self) -> f64 {
        let Some(platform) = self.platform else {
            return 0.0;
        };
        // An unreadable true peak (NaN, +inf) forbids a peak-limited lift rather than allowing any.
        let true_peak_dbtp = if self.true_peak_dbtp.is_nan() || self.true_peak_dbtp > f64::MAX {
            f64::MAX
        } else {
            self.true_peak_dbtp
        };
        match platform.playback_gain_db(self.integrated_lufs, true_peak_dbtp) {
            Some(db) if db.is_finite() => db.clamp(MIN_PREVIEW_GAIN_DB, MAX_PREVIEW_GAIN_DB),
            _ => 0.0,
        }
    }

    /// Gain in dB the preview is heading to: [`platform_gain_db`](Self::platform_gain_db) when
    /// on, 0 dB when off.
    pub fn target_gain_db(&self) -> f64 {
        if self.enabled {
            self.platform_gain_db()
        } else {
            0.0
        }
    }

    /// Linear gain applied to the last sample processed (or to the next one, when at rest).
    pub fn current_gain(&self) -> f64 {
        self.gain.value()
    }

    /// Whether a gain ramp is under way.
    pub fn is_ramping(&self) -> bool {
        self.gain.is_smoothing()
    }

    fn retarget(&mut self) {
        let target = db_to_gain(self.target_gain_db());
        if self.awaiting_first_sample {
            self.gain.reset(target);
        } else {
            self.gain.set_target(target);
        }
    }
}

impl Processor for PlaybackPreview {
    /// Sets the ramp length for the sample rate (no allocation).
    fn prepare(&mut self, spec: &ProcessSpec) {
        self.gain.prepare(spec.sample_rate_hz);
        self.reset();
    }

    /// Ends any ramp; values set before the next sample apply at once. Keeps the settings and
    /// the measurement.
    fn reset(&mut self) {
        self.awaiting_first_sample = true;
        self.retarget();
    }

    fn latency_samples(&self) -> u32 {
        0
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        if frames == 0 {
            return;
        }
        self.awaiting_first_sample = false;
        if !self.gain.is_smoothing() {
            let gain = self.gain.value() as f32;
            if gain != 1.0 {
                for channel in channels.iter_mut() {
                    for x in channel[..frames].iter_mut() {
                        *x *= gain;
                    }
                }
            }
            return;
        }
        for n in 0..frames {
            let gain = self.gain.next_value() as f32;
            for channel in channels.iter_mut() {
                channel[n] *= gain;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::platform_by_id;

    fn prepared(platform: &str) -> PlaybackPreview {
        let mut p = PlaybackPreview::new();
        p.prepare(&ProcessSpec::new(48_000.0, 512, 2));
        p.set_platform(platform_by_id(platform).copied());
        p
    }

    #[test]
    fn off_is_bit_exact_and_undefined_loudness_is_unity() {
        let mut p = prepared("youtube");
        p.set_measurement(-8.0, -0.1);
        let input: Vec<f32> = (0..512).map(|n| (n as f32 * 0.37).sin() * 0.9).collect();
        let mut out = input.clone();
        p.process(&mut [&mut out[..]]);
        assert_eq!(out, input);
        p.set_enabled(true);
        p.set_measurement(f64::NEG_INFINITY, f64::NEG_INFINITY);
        assert_eq!(p.target_gain_db(), 0.0);
        p.set_measurement(f64::NAN, f64::NAN);
        assert_eq!(p.target_gain_db(), 0.0);
    }

    #[test]
    fn value_before_the_first_sample_applies_at_once_later_ones_ramp() {
        let mut p = prepared("youtube");
        p.set_enabled(true);
        p.set_measurement(-10.0, -1.0); // −4 dB
        let g = db_to_gain(-4.0) as f32;
        let mut x = vec![1.0f32; 4];
        p.process(&mut [&mut x[..]]);
        assert!(x.iter().all(|&v| v == g), "{x:?}");
        p.set_enabled(false);
        let mut x = vec![1.0f32; 2400];
        p.process(&mut [&mut x[..]]);
        assert!((x[0] - g).abs() < 1e-3 && x[0] > g);
        assert_eq!(x[2399], 1.0);
        let step = x
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max);
        assert!(step <= (1.0 - g) / 2400.0 * 1.001, "{step}");
    }

    #[test]
    fn non_finite_true_peak_forbids_a_peak_limited_lift_and_lifts_are_capped() {
        let mut p = prepared("apple-music");
        p.set_enabled(true);
        p.set_measurement(-20.0, f64::NAN);
        assert_eq!(p.platform_gain_db(), 0.0);
        p.set_measurement(-20.0, -10.0);
        assert_eq!(p.platform_gain_db(), 4.0);
        let mut p = prepared("ebu-r128");
        p.set_measurement(-69.0, -40.0);
        assert_eq!(p.platform_gain_db(), MAX_PREVIEW_GAIN_DB);
        // Absurd but finite readings (a corrupted meter) still give a finite, bounded gain.
        p.set_enabled(true);
        for (lufs, tp) in [
            (-f64::MAX, -f64::MAX),
            (f64::MAX, f64::MAX),
            (f64::INFINITY, 0.0),
        ] {
            p.set_measurement(lufs, tp);
            let db = p.target_gain_db();
            assert!(
                (MIN_PREVIEW_GAIN_DB..=MAX_PREVIEW_GAIN_DB).contains(&db),
                "{db}"
            );
            let mut x = [f32::MAX, 1.0];
            p.process(&mut [&mut x[..]]);
            assert!(p.current_gain().is_finite() && x[1].is_finite(), "{x:?}");
        }
    }
}
