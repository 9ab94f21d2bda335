//! A band's level detector: Peak (sliding-maximum hold) or true RMS (exact running mean of x²),
//! then a one-pole attack/release follower in the dB domain.
//!
//! Signal flow: detector magnitude (NaN → 0, clamped to [`MAX_MAGNITUDE`]) → Peak: maximum over
//! the last [`hold_window_samples`] (half a period of `max(20 Hz, lowest_hz)`) / RMS: mean of x²
//! over [`rms_window_samples`] (that half period rounded up to a multiple of 5 ms, at least 10 ms) → dB
//! (floored at [`SILENCE_DB`]) → attack/release.
//!
//! Why a steady sine reads without ripple: `|x|` of a sine repeats every half period, so any hold
//! of at least half a period of the lowest frequency the band passes sees a whole cycle of `|x|`
//! and reads its sample peak; x² repeats every half period too, and the RMS window is a whole
//! number of 5 ms (half periods of 100 Hz), so 100 Hz and its multiples average to the exact mean
//! square in any band (others keep a ripple below `1/(4π·f·window)` of the power, smoothed
//! further by the release). The RMS sum is fixed point ([`BoxAverage`]), so it never drifts and
//! reads the same whatever the block sizes.
//!
//! Attack/release: `y ← c·y + (1 − c)·L` on the level in dB with `c = exp(−1/(τ·fs))`, attack
//! `τ` while the level rises above `y`, release `τ` otherwise: after a step in dB the reading has
//! covered 63 % of it after one time constant (after the hold, for the Peak release). The state is
//! `f64` so a 5000 ms release still moves by less than an `f32` ulp per sample; 0.01 ms attack is
//! `c ≈ 0.125` at 48 kHz (≈ instantaneous).

use super::band_settings::BandDetector;
use super::envelope::{BoxAverage, SlidingMinimum, BOX_MAX_LENGTH};
use super::fast_db::{fast_log2, DB_PER_LOG2};

/// Level read for silence, dB (also the floor of every reading).
pub const SILENCE_DB: f32 = -200.0;
/// Largest detector magnitude accepted (+60 dBFS); +Inf clamps to it.
pub const MAX_MAGNITUDE: f32 = 1000.0;
/// Lowest frequency a hold or RMS window is sized for, Hz.
pub const MIN_WINDOW_HZ: f32 = 20.0;
/// Shortest RMS window, ms.
pub const MIN_RMS_WINDOW_MS: f32 = 10.0;
/// The RMS window is a whole number of these, ms (half a period of 100 Hz).
pub const RMS_WINDOW_STEP_MS: f32 = 5.0;
/// Scale of x² before the fixed-point mean (2^8): moves its resolution to 2^-40 (≈ −120 dB
/// power), and caps the RMS reading at +24 dBFS.
const RMS_PRESCALE: f32 = 256.0;
/// Silence floor as an amplitude (10^(−200/20)).
const SILENCE_GAIN: f32 = 1e-10;

/// Half a period of `max(20 Hz, lowest_hz)` in whole samples (≥ 1): the Peak hold.
pub fn hold_window_samples(sample_rate_hz: f64, lowest_hz: f32) -> usize {
    let hz = f64::from(lowest_hz.max(MIN_WINDOW_HZ));
    (sample_rate_hz / (2.0 * hz)).ceil().max(1.0) as usize
}

/// The RMS window: half a period of `max(20 Hz, lowest_hz)` rounded up to a multiple of
/// [`RMS_WINDOW_STEP_MS`], at least [`MIN_RMS_WINDOW_MS`], in samples (≤ the fixed-point
/// average's capacity).
pub fn rms_window_samples(sample_rate_hz: f64, lowest_hz: f32) -> usize {
    let half_period_ms = 500.0 / lowest_hz.max(MIN_WINDOW_HZ);
    let ms =
        ((half_period_ms / RMS_WINDOW_STEP_MS).ceil() * RMS_WINDOW_STEP_MS).max(MIN_RMS_WINDOW_MS);
    ((f64::from(ms) * 0.001 * sample_rate_hz).round() as usize).clamp(1, BOX_MAX_LENGTH)
}

/// One-pole coefficient `exp(−1/(τ·fs))` for time constant `time_ms` (0 for instantaneous).
pub fn one_pole_coefficient(time_ms: f32, sample_rate_hz: f64) -> f64 {
    let samples = f64::from(time_ms.max(0.0)) * 0.001 * sample_rate_hz;
    if samples > 0.0 {
        (-1.0 / samples).exp()
    } else {
        0.0
    }
}

/// An attack/release one-pole follower (`f64` state), advanced one value at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttackRelease {
    /// Coefficient while the input is above the state.
    pub attack: f64,
    /// Coefficient while the input is at or below the state.
    pub release: f64,
    /// Current output.
    pub state: f64,
}

impl AttackRelease {
    /// A follower resting at `state` that jumps to its input (call [`set_times`](Self::set_times)).
    pub fn new(state: f64) -> Self {
        Self {
            attack: 0.0,
            release: 0.0,
            state,
        }
    }

    /// Sets the attack and release time constants (63 %), ms.
    pub fn set_times(&mut self, attack_ms: f32, release_ms: f32, sample_rate_hz: f64) {
        self.attack = one_pole_coefficient(attack_ms, sample_rate_hz);
        self.release = one_pole_coefficient(release_ms, sample_rate_hz);
    }

    /// Advances one value and returns the new state.
    #[inline(always)]
    pub fn next(&mut self, input: f64) -> f64 {
        // Both candidates are computed from the state and the choice comes last, so the serial
        // chain is one multiply, one add and a select (the comparison runs alongside).
        let attacked = self.attack * self.state + (1.0 - self.attack) * input;
        let released = self.release * self.state + (1.0 - self.release) * input;
        self.state = if input > self.state {
            attacked
        } else {
            released
        };
        self.state
    }
}

/// `|x|` with NaN → 0 and anything above [`MAX_MAGNITUDE`] (including +Inf) clamped to it.
#[inline(always)]
pub fn sanitize_magnitude(x: f32) -> f32 {
    let a = x.abs();
    if a >= 0.0 {
        a.min(MAX_MAGNITUDE)
    } else {
        0.0
    }
}

/// Peak or RMS level detector with attack/release (see the module docs).
#[derive(Debug, Clone)]
pub struct LevelDetector {
    detector: BandDetector,
    sample_rate_hz: f64,
    lowest_hz: f32,
    /// Sliding minimum of −|x|: the Peak hold.
    hold: SlidingMinimum,
    rms: BoxAverage,
    follower: AttackRelease,
}

impl Default for LevelDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl LevelDetector {
    /// An unprepared Peak detector (call [`prepare`](Self::prepare) before processing).
    pub fn new() -> Self {
        Self {
            detector: BandDetector::Peak,
            sample_rate_hz: 48_000.0,
            lowest_hz: MIN_WINDOW_HZ,
            hold: SlidingMinimum::with_capacity(1),
            rms: BoxAverage::with_capacity(1),
            follower: AttackRelease::new(f64::from(SILENCE_DB)),
        }
    }

    /// Allocates the hold and RMS windows for `sample_rate_hz` and resets.
    pub fn prepare(&mut self, sample_rate_hz: f64) {
        self.sample_rate_hz = sample_rate_hz;
        self.hold = SlidingMinimum::with_capacity(hold_window_samples(sample_rate_hz, 0.0));
        self.rms = BoxAverage::with_capacity(rms_window_samples(sample_rate_hz, 0.0));
        self.reset();
    }

    /// Sets the detector kind and the band's lowest frequency (which sizes the windows); a
    /// change of either clears the window history.
    pub fn set_detector(&mut self, detector: BandDetector, lowest_hz: f32) {
        if detector != self.detector || lowest_hz != self.lowest_hz {
            self.detector = detector;
            self.lowest_hz = lowest_hz;
            self.reset_windows();
        }
    }

    /// Sets the attack and release time constants (63 % of a step in dB), ms; applies at once.
    pub fn set_times(&mut self, attack_ms: f32, release_ms: f32) {
        self.follower
            .set_times(attack_ms, release_ms, self.sample_rate_hz);
    }

    /// Clears all state: the detector reads silence.
    pub fn reset(&mut self) {
        self.reset_windows();
        self.follower.state = f64::from(SILENCE_DB);
    }

    fn reset_windows(&mut self) {
        self.hold.reset();
        self.hold
            .set_window(hold_window_samples(self.sample_rate_hz, self.lowest_hz));
        self.rms
            .reset_to(rms_window_samples(self.sample_rate_hz, self.lowest_hz), 0.0);
    }

    /// The follower (for callers that run several followers in one loop, see [`measure`](Self::measure)).
    pub fn follower_mut(&mut self) -> &mut AttackRelease {
        &mut self.follower
    }

    /// The detector kind in use.
    pub fn detector(&self) -> BandDetector {
        self.detector
    }

    /// The Peak hold (a sliding minimum of `−|x|`), for callers that pair it with another hold.
    pub(crate) fn peak_hold_mut(&mut self) -> &mut SlidingMinimum {
        &mut self.hold
    }

    /// Turns held negated magnitudes (the Peak hold's output) into dB in place.
    #[inline(always)]
    pub(crate) fn held_to_db(out_db: &mut [f32]) {
        for o in out_db.iter_mut() {
            let held = (-*o).max(SILENCE_GAIN);
            *o = (DB_PER_LOG2 * fast_log2(held)).max(SILENCE_DB);
        }
    }

    /// The level before attack/release, dB, per sample of `magnitude` (same length as `out_db`).
    #[inline(always)]
    pub fn measure(&mut self, magnitude: &[f32], out_db: &mut [f32]) {
        match self.detector {
            BandDetector::Peak => {
                for (o, &x) in out_db.iter_mut().zip(magnitude) {
                    *o = -sanitize_magnitude(x);
                }
                self.hold.process(out_db);
                Self::held_to_db(out_db);
            }
            BandDetector::Rms => {
                for (o, &x) in out_db.iter_mut().zip(magnitude) {
                    let a = sanitize_magnitude(x);
                    *o = a * a * RMS_PRESCALE;
                }
                self.rms.process(out_db);
                for o in out_db.iter_mut() {
                    let power = (*o * (1.0 / RMS_PRESCALE)).max(SILENCE_GAIN * SILENCE_GAIN);
                    *o = (0.5 * DB_PER_LOG2 * fast_log2(power)).max(SILENCE_DB);
                }
            }
        }
    }

    /// Level after attack/release, dB (≥ [`SILENCE_DB`]), per sample of `magnitude`.
    pub fn process(&mut self, magnitude: &[f32], level_db: &mut [f32]) {
        self.measure(magnitude, level_db);
        let mut follower = self.follower;
        for l in level_db.iter_mut() {
            *l = follower.next(f64::from(*l)) as f32;
        }
        self.follower = follower;
    }
}
