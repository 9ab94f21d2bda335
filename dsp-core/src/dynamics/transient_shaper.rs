//! Transient shaper: a gain in dB from the difference of a fast and a slow envelope of the band's
//! own audio, zero on sustained tones.
//!
//! Signal flow: `|audio|` (sanitised as the level detector's input) → hold (sliding maximum over
//! the band's Peak hold window, so a steady sine gives a constant, ripple-free input) → two
//! linear one-pole followers with a shared release [`RELEASE_MS`]: fast (attack
//! [`FAST_ATTACK_MS`]) and slow (attack [`SLOW_ATTACK_MS`]) → attack share `w = 1 − slow/fast`
//! (in 0..1: the part of the current level the slow envelope has not caught up with) → gain
//! `T·min(1, w/`[`FULL_SHARE`]`)` dB for the Transient setting `T` (−12..12 dB). A boost
//! (`T > 0`) is also gated by how long ago the held level last rose: `g = e^{−age/τ}` with
//! τ = [`BOOST_FALL_MS`], so it covers the rise to the hit's peak and falls as fast as it rose
//! once the peak has passed; a cut (`T < 0`) is not gated, so it softens the whole attack.
//!
//! At a sharp onset the held level rises to the hit's first peak within a quarter period (1.7 ms
//! at 150 Hz, 4.2 ms at 60 Hz) and the fast envelope follows it, while the slow one lags: `w`
//! stays above [`FULL_SHARE`] up to the first peak, so that peak moves by exactly `T` dB; once the
//! held level stops rising the slow envelope catches up within a few ms and the gain returns to
//! 0 dB, which keeps the boost (or cut) on the attack only. The followers never cross (the fast
//! one is always at or above the slow one, as both start from silence and share the release), so
//! `w` never leaves 0..1. On a steady tone both followers converge (exactly, in `f64`) to the
//! same held level, so the gain is exactly 0 dB.
//!
//! Why the gate: the crest factor is peak / RMS, and whatever the boost covers besides the peak
//! raises the RMS too. Ungated, the boost lasted about 6 ms past the onset and a ringing kick's
//! crest rose by only +10.2 dB at `T = +12`; gated, the boost ends with the rise.
//!
//! Measured (tests/band_dynamics.rs): the first peak of 60–200 Hz hits moves by `T` within
//! 0.5 dB; the crest factor of a ringing kick (150 → 60 Hz, 300 ms decay) rises by +5.8 dB at
//! `T = +6` and +11.2 dB at `T = +12`. Shorter hits gain less crest (the rise to the first peak
//! is then a larger part of the hit's energy): +4.5 / +7.3 dB for a 60 Hz hit decaying over
//! 60 ms. Softening lowers the first peak by `|T|` but the crest only by about 0.3 dB, because
//! the next cycles, barely decayed, become the peak.

use super::envelope::SlidingMinimum;
use super::fast_db::fast_exp2;
use super::level_detector::{hold_window_samples, sanitize_magnitude, AttackRelease};

/// Attack of the fast envelope, ms.
pub const FAST_ATTACK_MS: f32 = 0.5;
/// Attack of the slow envelope, ms.
pub const SLOW_ATTACK_MS: f32 = 3.0;
/// Release shared by both envelopes, ms.
pub const RELEASE_MS: f32 = 20.0;
/// Attack share at and above which the full Transient gain applies.
pub const FULL_SHARE: f32 = 0.25;
/// Largest Transient setting magnitude, dB.
pub const MAX_TRANSIENT_DB: f32 = 12.0;
/// Time constant of the boost's fall once the held level stops rising, ms.
pub const BOOST_FALL_MS: f32 = 0.5;
/// Largest age counted, samples (the gate is 0 long before).
const MAX_AGE: f32 = 1.0e6;
/// Fast envelope below which the shaper leaves the gain alone (−200 dB).
const FLOOR: f64 = 1e-10;

/// How much of the Transient gain applies: `min(1, (1 − slow/fast) / FULL_SHARE)` (0 in silence).
#[inline(always)]
pub fn attack_share(fast: f32, slow: f32) -> f32 {
    let share = if fast > FLOOR as f32 {
        (1.0 - slow / fast) * (1.0 / FULL_SHARE)
    } else {
        0.0
    };
    share.min(1.0)
}

/// The boost gate for a Transient setting `transient_db` at `age` samples since the held level
/// last rose: `2^(age·fall_log2)` for a boost, 1 for a cut (`fall_log2` from
/// [`TransientShaper::fall_log2`]).
#[inline(always)]
pub fn boost_gate(transient_db: f32, age: f32, fall_log2: f32) -> f32 {
    let gate = fast_exp2(age * fall_log2);
    if transient_db > 0.0 {
        gate
    } else {
        1.0
    }
}

/// The transient shaper of one band (see the module docs).
#[derive(Debug, Clone)]
pub struct TransientShaper {
    sample_rate_hz: f64,
    lowest_hz: f32,
    /// Sliding minimum of −|x|.
    hold: SlidingMinimum,
    fast: AttackRelease,
    slow: AttackRelease,
    /// The last held level seen (for the rise test).
    previous_held: f32,
    /// Samples since the held level last rose, at the last sample seen.
    age: f32,
    /// `log2` of the boost gate's per-sample decay factor.
    fall_log2: f32,
}

impl Default for TransientShaper {
    fn default() -> Self {
        Self::new()
    }
}

impl TransientShaper {
    /// An unprepared shaper (call [`prepare`](Self::prepare) before processing).
    pub fn new() -> Self {
        Self {
            sample_rate_hz: 48_000.0,
            lowest_hz: 20.0,
            hold: SlidingMinimum::with_capacity(1),
            fast: AttackRelease::new(0.0),
            slow: AttackRelease::new(0.0),
            previous_held: 0.0,
            age: MAX_AGE,
            fall_log2: 0.0,
        }
    }

    /// Allocates the hold for `sample_rate_hz`, sets the time constants and resets.
    pub fn prepare(&mut self, sample_rate_hz: f64) {
        self.sample_rate_hz = sample_rate_hz;
        self.hold = SlidingMinimum::with_capacity(hold_window_samples(sample_rate_hz, 0.0));
        self.fast
            .set_times(FAST_ATTACK_MS, RELEASE_MS, sample_rate_hz);
        self.slow
            .set_times(SLOW_ATTACK_MS, RELEASE_MS, sample_rate_hz);
        let fall_samples = f64::from(BOOST_FALL_MS) * 0.001 * sample_rate_hz;
        self.fall_log2 = (-std::f64::consts::LOG2_E / fall_samples) as f32;
        self.reset();
    }

    /// Sets the band's lowest frequency, which sizes the hold (a change clears the hold).
    pub fn set_lowest_hz(&mut self, lowest_hz: f32) {
        if lowest_hz != self.lowest_hz {
            self.lowest_hz = lowest_hz;
            self.reset_hold();
        }
    }

    /// Clears all state (silence).
    pub fn reset(&mut self) {
        self.reset_hold();
        self.fast.state = 0.0;
        self.slow.state = 0.0;
        self.previous_held = 0.0;
        self.age = MAX_AGE;
    }

    /// `log2` of the boost gate's per-sample decay (for [`boost_gate`]).
    pub fn fall_log2(&self) -> f32 {
        self.fall_log2
    }

    /// Samples since the held level last rose, per sample of `held` (0 where it rises), into
    /// `ages`; advances the state.
    #[inline(always)]
    pub fn rise_ages(&mut self, held: &[f32], ages: &mut [f32]) {
        let (mut previous, mut age) = (self.previous_held, self.age);
        for (a, &h) in ages.iter_mut().zip(held) {
            age = if h > previous {
                0.0
            } else {
                (age + 1.0).min(MAX_AGE)
            };
            previous = h;
            *a = age;
        }
        (self.previous_held, self.age) = (previous, age);
    }

    /// Advances the rise state over `held` as [`rise_ages`](Self::rise_ages) does, without
    /// writing the ages (when nothing reads them).
    #[inline(always)]
    pub fn skip_rise_ages(&mut self, held: &[f32]) {
        let Some(&last) = held.last() else {
            return;
        };
        let rise = (1..held.len())
            .rev()
            .find(|&i| held[i] > held[i - 1])
            .or_else(|| (held[0] > self.previous_held).then_some(0));
        self.age = match rise {
            Some(i) => (held.len() - 1 - i) as f32,
            None => self.age + held.len() as f32,
        }
        .min(MAX_AGE);
        self.previous_held = last;
    }

    fn reset_hold(&mut self) {
        self.hold.reset();
        self.hold
            .set_window(hold_window_samples(self.sample_rate_hz, self.lowest_hz));
    }

    /// The hold (a sliding minimum of `−|x|`), for callers that pair it with another hold.
    pub(crate) fn hold_mut(&mut self) -> &mut SlidingMinimum {
        &mut self.hold
    }

    /// The held magnitude per sample of `audio` (the followers' input), into `held`.
    #[inline(always)]
    pub fn measure(&mut self, audio: &[f32], held: &mut [f32]) {
        for (h, &x) in held.iter_mut().zip(audio) {
            *h = -sanitize_magnitude(x);
        }
        self.hold.process(held);
        for h in held.iter_mut() {
            *h = -*h;
        }
    }

    /// The fast and slow followers (for callers that run them in their own loop).
    pub fn followers_mut(&mut self) -> (&mut AttackRelease, &mut AttackRelease) {
        (&mut self.fast, &mut self.slow)
    }

    /// Gain change in dB per sample of `audio` for Transient setting `transient_db`.
    pub fn process(&mut self, audio: &[f32], transient_db: f32, gain_db: &mut [f32]) {
        self.measure(audio, gain_db);
        let t = transient_db.clamp(-MAX_TRANSIENT_DB, MAX_TRANSIENT_DB);
        let (mut fast, mut slow) = (self.fast, self.slow);
        let (mut previous, mut age) = (self.previous_held, self.age);
        for g in gain_db.iter_mut() {
            age = if *g > previous {
                0.0
            } else {
                (age + 1.0).min(MAX_AGE)
            };
            previous = *g;
            let h = f64::from(*g);
            let f = fast.next(h) as f32;
            let s = slow.next(h) as f32;
            *g = t * attack_share(f, s) * boost_gate(t, age, self.fall_log2);
        }
        (self.fast, self.slow) = (fast, slow);
        (self.previous_held, self.age) = (previous, age);
    }
}
