//! One band's dynamics for the multiband compressor (and the dynamic EQ): level detector →
//! static curve → transient shaper → makeup, as a linear gain per sample.
//!
//! Signal flow per chunk of [`CHUNK`] samples, in passes so only the envelopes are serial:
//! 1. detector magnitude → Peak hold or RMS mean → dB ([`LevelDetector::measure`]); band audio →
//!    held magnitude ([`TransientShaper::measure`]) (vectorised apart from the hold/sum chains);
//! 2. one serial loop running the three followers side by side (detector attack/release in dB,
//!    the shaper's fast and slow envelopes), so their dependency chains overlap (or, in the
//!    multiband compressor, the followers of every band in one loop);
//! 3. a vectorised pass: static curve ([`CurveShape`]) with the smoothed parameters, transient
//!    gain `T·w`, makeup, bypass mix, and one [`fast_db_to_gain`] per sample.
//!
//! Automation: threshold, slope factor (from the ratio, so ∞ ramps too), knee, range, makeup
//! and transient ramp linearly over [`PARAMETER_RAMP_MS`]; attack/release apply at once; bypass
//! ramps the whole dB gain to 0 over [`BYPASS_RAMP_MS`]; direction and detector switch at once.
//! Settings handed over before the first sample after [`prepare`](BandDynamics::prepare) or
//! [`reset`](BandDynamics::reset) apply without a ramp.
//!
//! Identity: ratio 1 gives a slope factor of exactly 0, so the curve is ±0 dB; with transient 0
//! and makeup 0 the summed dB gain is 0 and `fast_db_to_gain(0) == 1.0`, so every gain is exactly
//! 1.0 (as it is when bypassed). All state advances per sample, so any block partition gives
//! bit-identical gains, and every vector build (baseline, AVX2, AVX-512) the same gains.
//!
//! Cost (2.1 GHz shared VM, AVX-512 build, `examples/mbtime`; benches/band_dynamics.rs measures
//! the same): ≈ 2000–2400× real time at 48 kHz (≈ 0.45 ms per second of audio). The floor is
//! the serial part: the follower loop's multiply → add → select chain (≈ 9–12 cycles per
//! sample); the holds' minimum chains are scanned in registers, and the dB conversions and the
//! curve are vectorised. The multiband compressor runs pass 2 of all its bands at once
//! (`band_bank`), so there the chain's cost is shared by up to six bands.

use super::band_bank::in_simd_build;
use super::band_curve::{slope_factor, CurveShape};
use super::band_settings::{BandDetector, BandSettings};
use super::envelope::SlidingMinimum;
use super::fast_db::fast_db_to_gain;
use super::level_detector::{sanitize_magnitude, AttackRelease, LevelDetector};
use super::transient_shaper::{attack_share, boost_gate, TransientShaper, MAX_TRANSIENT_DB};
use crate::simd::SimdLevel;
use crate::smoothing::LinearSmoother;

/// Ramp of the continuous parameters, ms.
pub const PARAMETER_RAMP_MS: f64 = 20.0;
/// Ramp of bypass, ms.
pub const BYPASS_RAMP_MS: f64 = 10.0;
/// Samples per pass (bounds the stack scratch).
pub const CHUNK: usize = 256;

/// What one band did in the last block, for meters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BandMeterValues {
    /// Detector level (after attack/release) at the block's last sample, dB (−200 for silence).
    pub level_db: f32,
    /// The largest-magnitude dynamics gain change in the block, dB (makeup excluded).
    pub gain_db: f32,
    /// The largest-magnitude transient-shaper gain change in the block, dB.
    pub transient_db: f32,
}

/// Smoothers of the continuous parameters.
#[derive(Debug, Clone, Copy)]
struct Smoothers {
    threshold_db: LinearSmoother,
    slope: LinearSmoother,
    knee_db: LinearSmoother,
    range_db: LinearSmoother,
    makeup_db: LinearSmoother,
    transient_db: LinearSmoother,
    /// 1 when active, 0 when bypassed.
    wet: LinearSmoother,
}

impl Smoothers {
    fn new() -> Self {
        let s = |v| LinearSmoother::new(PARAMETER_RAMP_MS, v);
        Self {
            threshold_db: s(-20.0),
            slope: s(0.0),
            knee_db: s(0.0),
            range_db: s(0.0),
            makeup_db: s(0.0),
            transient_db: s(0.0),
            wet: LinearSmoother::new(BYPASS_RAMP_MS, 1.0),
        }
    }

    fn all(&mut self) -> [&mut LinearSmoother; 7] {
        [
            &mut self.threshold_db,
            &mut self.slope,
            &mut self.knee_db,
            &mut self.range_db,
            &mut self.makeup_db,
            &mut self.transient_db,
            &mut self.wet,
        ]
    }

    /// Targets for `band`, in the order of [`all`](Self::all).
    fn targets(band: &BandSettings) -> [f64; 7] {
        [
            f64::from(band.threshold_db),
            f64::from(slope_factor(band.direction, band.ratio)),
            f64::from(band.knee_db.max(0.0)),
            f64::from(band.range_db.max(0.0)),
            f64::from(band.makeup_db),
            f64::from(band.transient_db.clamp(-MAX_TRANSIENT_DB, MAX_TRANSIENT_DB)),
            if band.bypass { 0.0 } else { 1.0 },
        ]
    }
}

/// Per-chunk working buffers (kept, so no pass clears them).
#[derive(Debug, Clone)]
struct Scratch {
    level: [f32; CHUNK],
    fast: [f32; CHUNK],
    slow: [f32; CHUNK],
    dynamics: [f32; CHUNK],
    transient: [f32; CHUNK],
    /// Samples since the band's held level last rose (the transient boost gate).
    age: [f32; CHUNK],
    /// Threshold, slope, knee, range, makeup, transient, wet (the order of `Smoothers::all`).
    parameters: [[f32; CHUNK]; 7],
}

/// One band's dynamics: detector, curve, transient shaper and makeup (see the module docs).
#[derive(Debug, Clone)]
pub struct BandDynamics {
    sample_rate_hz: f64,
    settings: BandSettings,
    lowest_hz: f32,
    /// Settings waiting for the next process.
    pending: bool,
    /// No sample processed since prepare/reset: the next settings apply without a ramp.
    fresh: bool,
    detector: LevelDetector,
    shaper: TransientShaper,
    smoothers: Smoothers,
    shape: CurveShape,
    simd: SimdLevel,
    /// The shaper's hold is in the detector's hold state (both reset alike and fed the same
    /// magnitudes since), so only the detector's hold runs; see [`unmirror`].
    mirrored: bool,
    /// The lowest frequency the holds were last set for.
    applied_lowest_hz: f32,
    /// The transient shaper runs (off: its envelopes are not followed and Transient counts as 0).
    transient_enabled: bool,
    scratch: Box<Scratch>,
}

impl Default for BandDynamics {
    fn default() -> Self {
        Self::new()
    }
}

impl BandDynamics {
    /// A band with default settings; call [`prepare`](Self::prepare) before processing.
    pub fn new() -> Self {
        let settings = BandSettings::default();
        Self {
            sample_rate_hz: 48_000.0,
            settings,
            lowest_hz: 20.0,
            pending: true,
            fresh: true,
            detector: LevelDetector::new(),
            shaper: TransientShaper::new(),
            smoothers: Smoothers::new(),
            shape: CurveShape::of(settings.direction),
            simd: SimdLevel::Baseline,
            mirrored: true,
            applied_lowest_hz: 20.0,
            transient_enabled: true,
            scratch: Box::new(Scratch {
                level: [0.0; CHUNK],
                fast: [0.0; CHUNK],
                slow: [0.0; CHUNK],
                dynamics: [0.0; CHUNK],
                transient: [0.0; CHUNK],
                age: [0.0; CHUNK],
                parameters: [[0.0; CHUNK]; 7],
            }),
        }
    }

    /// Allocates the detector windows for `sample_rate_hz` and resets (the only allocating call).
    /// Blocks of any length may be processed; `max_block_frames` is accepted for the contract.
    pub fn prepare(&mut self, sample_rate_hz: f64, max_block_frames: usize) {
        let _ = max_block_frames;
        self.sample_rate_hz = sample_rate_hz;
        self.simd = crate::simd::detect();
        self.detector.prepare(sample_rate_hz);
        self.shaper.prepare(sample_rate_hz);
        for s in self.smoothers.all() {
            s.prepare(sample_rate_hz);
        }
        self.reset();
    }

    /// Stores settings; applied at the next process; lowest_hz = the band's lower crossover
    /// (20 Hz for band 1), sets the peak hold.
    pub fn set_settings(&mut self, band: &BandSettings, lowest_hz: f32) {
        self.settings = *band;
        self.lowest_hz = lowest_hz;
        self.pending = true;
    }

    /// Switches the transient shaper off for good (the dynamic EQ's bands): its two envelopes
    /// are no longer followed, and the Transient setting counts as 0 dB. The gains are the same
    /// as with the shaper on and Transient at 0.
    pub fn disable_transient(&mut self) {
        self.transient_enabled = false;
        self.pending = true;
    }

    /// Clears all state (real-time safe); smoothed values jump to the settings handed over.
    pub fn reset(&mut self) {
        self.detector.reset();
        self.shaper.reset();
        self.mirrored = true;
        self.fresh = true;
        self.pending = true;
    }

    fn apply_settings(&mut self) {
        let mut band = self.settings;
        if !self.transient_enabled {
            band.transient_db = 0.0;
        }
        let lowest_changed = self.lowest_hz != self.applied_lowest_hz;
        if lowest_changed || band.detector != self.detector.detector() {
            unmirror(&mut self.detector, &mut self.shaper, &mut self.mirrored);
        }
        self.detector.set_detector(band.detector, self.lowest_hz);
        self.detector.set_times(band.attack_ms, band.release_ms);
        self.shaper.set_lowest_hz(self.lowest_hz);
        if lowest_changed {
            // Both holds were cleared and set to the same window.
            self.applied_lowest_hz = self.lowest_hz;
            self.mirrored = true;
        }
        self.shape = CurveShape::of(band.direction);
        let fresh = self.fresh;
        for (s, t) in self
            .smoothers
            .all()
            .into_iter()
            .zip(Smoothers::targets(&band))
        {
            if fresh {
                s.reset(t);
            } else {
                s.set_target(t);
            }
        }
        self.pending = false;
    }

    /// detector: the detector magnitude per sample (already linked |x|, len n); audio: the band's
    /// own audio magnitude for the transient shaper (len n); gain: out, linear gain per sample =
    /// dynamics × transient × makeup (len n). Returns meters.
    pub fn process(
        &mut self,
        detector: &[f32],
        audio: &[f32],
        gain: &mut [f32],
    ) -> BandMeterValues {
        let n = gain.len().min(detector.len()).min(audio.len());
        if self.pending {
            self.apply_settings();
        }
        self.fresh = false;
        let level_db = self.detector.follower_mut().state as f32;
        let (level_db, gain_lo, gain_hi, tr_lo, tr_hi) =
            self.process_chunks(&detector[..n], &audio[..n], &mut gain[..n], level_db);
        gain[n..].fill(1.0);
        meter_values(level_db, gain_lo, gain_hi, tr_lo, tr_hi)
    }

    /// Pass 1 of one chunk for `band_bank` (`detector` and `audio` of the
    /// same length, 1..=[`CHUNK`]); the bank then runs every band's followers together and
    /// [`finish_chunk`](Self::finish_chunk) gives the gains, as [`process`](Self::process) would.
    pub(crate) fn begin_chunk(&mut self, detector: &[f32], audio: &[f32]) {
        let m = detector.len().min(audio.len()).min(CHUNK);
        if self.pending {
            self.apply_settings();
        }
        self.fresh = false;
        let (detector, audio) = (&detector[..m], &audio[..m]);
        in_simd_build(
            self.simd,
            #[inline(always)]
            || self.measure_chunk(detector, audio),
        );
    }

    /// Pass 3 of the chunk begun by [`begin_chunk`](Self::begin_chunk) (after the bank's
    /// followers): the gains (`gain` as long as the chunk) and the meters.
    pub(crate) fn finish_chunk(&mut self, gain: &mut [f32]) -> BandMeterValues {
        let (level_db, gain_lo, gain_hi, tr_lo, tr_hi) = in_simd_build(
            self.simd,
            #[inline(always)]
            || self.shape_chunk(gain),
        );
        meter_values(level_db, gain_lo, gain_hi, tr_lo, tr_hi)
    }

    /// Whether the transient shaper runs (its followers are part of pass 2).
    pub(crate) fn transient_enabled(&self) -> bool {
        self.transient_enabled
    }

    /// The vector build this band runs in.
    pub(crate) fn simd_level(&self) -> SimdLevel {
        self.simd
    }

    /// The three followers (detector, shaper fast, shaper slow) and the chunk buffers they
    /// run over (`level`, `fast`, `slow`), for the bank's pass 2.
    #[allow(clippy::type_complexity)]
    pub(crate) fn follower_parts(&mut self) -> ([&mut AttackRelease; 3], [&mut [f32; CHUNK]; 3]) {
        let (fast, slow) = self.shaper.followers_mut();
        let scratch = &mut *self.scratch;
        (
            [self.detector.follower_mut(), fast, slow],
            [&mut scratch.level, &mut scratch.fast, &mut scratch.slow],
        )
    }

    /// [`process_chunks_body`](Self::process_chunks_body) in a build for the widest vector
    /// instructions available (the same arithmetic in the same order, so the same results).
    fn process_chunks(
        &mut self,
        detector: &[f32],
        audio: &[f32],
        gain: &mut [f32],
        level_db: f32,
    ) -> (f32, f32, f32, f32, f32) {
        #[cfg(target_arch = "x86_64")]
        {
            type Args<'a> = (&'a [f32], &'a [f32], &'a mut [f32], f32);
            #[target_feature(enable = "avx2,avx512f,avx512vl")]
            fn widest(band: &mut BandDynamics, (d, a, g, l): Args) -> (f32, f32, f32, f32, f32) {
                band.process_chunks_body(d, a, g, l)
            }
            #[target_feature(enable = "avx2")]
            fn wide(band: &mut BandDynamics, (d, a, g, l): Args) -> (f32, f32, f32, f32, f32) {
                band.process_chunks_body(d, a, g, l)
            }
            let args = (detector, audio, gain, level_db);
            match self.simd {
                // SAFETY: the level is only this high when `detect()` reported the features.
                SimdLevel::Avx512 => return unsafe { widest(self, args) },
                // SAFETY: as above.
                SimdLevel::Avx2 => return unsafe { wide(self, args) },
                SimdLevel::Baseline => {
                    return self.process_chunks_body(args.0, args.1, args.2, args.3)
                }
            }
        }
        #[allow(unreachable_code)]
        self.process_chunks_body(detector, audio, gain, level_db)
    }

    /// All chunks of a block; returns (last level, min/max dynamics dB, min/max transient dB).
    #[inline(always)]
    fn process_chunks_body(
        &mut self,
        detector: &[f32],
        audio: &[f32],
        gain: &mut [f32],
        mut level_db: f32,
    ) -> (f32, f32, f32, f32, f32) {
        let n = gain.len();
        let (mut gain_lo, mut gain_hi, mut tr_lo, mut tr_hi) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        let mut start = 0;
        while start < n {
            let m = CHUNK.min(n - start);
            let chunk = self.process_chunk(
                &detector[start..start + m],
                &audio[start..start + m],
                &mut gain[start..start + m],
            );
            level_db = chunk.0;
            gain_lo = gain_lo.min(chunk.1);
            gain_hi = gain_hi.max(chunk.2);
            tr_lo = tr_lo.min(chunk.3);
            tr_hi = tr_hi.max(chunk.4);
            start += m;
        }
        (level_db, gain_lo, gain_hi, tr_lo, tr_hi)
    }

    /// One chunk; returns (last level, min/max dynamics dB, min/max transient dB).
    #[inline(always)]
    fn process_chunk(
        &mut self,
        detector: &[f32],
        audio: &[f32],
        gain: &mut [f32],
    ) -> (f32, f32, f32, f32, f32) {
        let m = gain.len();
        self.measure_chunk(detector, audio);
        self.follow_chunk(m);
        self.shape_chunk(gain)
    }

    /// Pass 1 of a chunk (`detector` and `audio` of the same length ≤ [`CHUNK`]): the level
    /// before attack/release (dB) into `scratch.level`, the held band magnitude into
    /// `scratch.fast`.
    #[inline(always)]
    fn measure_chunk(&mut self, detector: &[f32], audio: &[f32]) {
        let m = detector.len();
        let scratch = &mut *self.scratch;
        let (level, fast) = (&mut scratch.level[..m], &mut scratch.fast[..m]);
        if !self.transient_enabled {
            // Only the level is used (the shaper's hold, envelopes and gate never are).
            self.detector.measure(detector, level);
            return;
        }

        // Pass 1: pre-envelope level (dB) and held band magnitude. With Peak detection both
        // holds share window and phase: when the detector reads the band's own magnitude they
        // hold the same values, so one hold serves both; otherwise both run in one loop.
        let peak = self.detector.detector() == BandDetector::Peak;
        let same = peak
            && self.mirrored
            && (std::ptr::eq(detector, audio) || bitwise_equal(detector, audio));
        if same {
            for (l, &d) in level.iter_mut().zip(detector) {
                *l = -sanitize_magnitude(d);
            }
            self.detector.peak_hold_mut().process(level);
            for (f, &l) in fast.iter_mut().zip(level.iter()) {
                *f = -l;
            }
            LevelDetector::held_to_db(level);
        } else if peak {
            unmirror(&mut self.detector, &mut self.shaper, &mut self.mirrored);
            for ((l, f), (&d, &a)) in level
                .iter_mut()
                .zip(fast.iter_mut())
                .zip(detector.iter().zip(audio))
            {
                *l = -sanitize_magnitude(d);
                *f = -sanitize_magnitude(a);
            }
            SlidingMinimum::process_pair(
                self.detector.peak_hold_mut(),
                self.shaper.hold_mut(),
                level,
                fast,
            );
            LevelDetector::held_to_db(level);
            for f in fast.iter_mut() {
                *f = -*f;
            }
        } else {
            unmirror(&mut self.detector, &mut self.shaper, &mut self.mirrored);
            self.detector.measure(detector, level);
            self.shaper.measure(audio, fast);
        }

        // The boost gate's ages, from the held magnitudes (only when the shaper is in use; the
        // state advances either way, so the ages do not depend on how blocks were cut).
        let transient = &self.smoothers.transient_db;
        let shaping = transient.is_smoothing() || transient.value() != 0.0;
        if shaping {
            self.shaper.rise_ages(fast, &mut scratch.age[..m]);
        } else {
            self.shaper.skip_rise_ages(fast);
        }
    }

    /// Pass 2 of a chunk of `m` samples: the three followers in one serial loop (the detector's
    /// over `scratch.level`, the shaper's fast and slow over `scratch.fast`, into `fast`/`slow`).
    #[inline(always)]
    fn follow_chunk(&mut self, m: usize) {
        let scratch = &mut *self.scratch;
        let (level, fast, slow) = (
            &mut scratch.level[..m],
            &mut scratch.fast[..m],
            &mut scratch.slow[..m],
        );
        let mut follower = *self.detector.follower_mut();
        if !self.transient_enabled {
            for l in level.iter_mut() {
                *l = follower.next(f64::from(*l)) as f32;
            }
            *self.detector.follower_mut() = follower;
            return;
        }
        let (f_env, s_env) = self.shaper.followers_mut();
        let (mut f_env_local, mut s_env_local) = (*f_env, *s_env);
        for ((l, f), s) in level.iter_mut().zip(fast.iter_mut()).zip(slow.iter_mut()) {
            let held = f64::from(*f);
            *l = follower.next(f64::from(*l)) as f32;
            *f = f_env_local.next(held) as f32;
            *s = s_env_local.next(held) as f32;
        }
        (*f_env, *s_env) = (f_env_local, s_env_local);
        *self.detector.follower_mut() = follower;
    }

    /// Pass 3 of a chunk (`gain` as long as the chunk, after passes 1 and 2); returns (last
    /// level, min/max dynamics dB, min/max transient dB).
    #[inline(always)]
    fn shape_chunk(&mut self, gain: &mut [f32]) -> (f32, f32, f32, f32, f32) {
        let m = gain.len();
        let scratch = &mut *self.scratch;
        let last_level = scratch.level[m - 1];
        let (level, fast, slow) = (&scratch.level[..m], &scratch.fast[..m], &scratch.slow[..m]);
        // Pass 3: smoothed parameters, curve, transient, makeup, bypass, dB → gain. With every
        // parameter settled the values are constants (what `fill` would repeat); a Transient
        // of exactly 0 then contributes exactly ±0 dB, which leaves the sum's gain unchanged
        // (`fast_db_to_gain(±0) == 1` and `x ± 0 == x` otherwise), so it is skipped.
        let shape = self.shape;
        let (dynamics, transient) = (&mut scratch.dynamics[..m], &mut scratch.transient[..m]);
        let age = &scratch.age[..m];
        let fall_log2 = self.shaper.fall_log2();
        let settled = self.smoothers.all().iter().all(|s| !s.is_smoothing());
        if settled {
            let [thr, slope, knee, range, makeup, trans, w] =
                self.smoothers.all().map(|s| s.value() as f32);
            let makeup = w * makeup;
            if trans == 0.0 {
                for i in 0..m {
                    dynamics[i] = w * shape.gain_db(level[i], thr, slope, knee, range);
                    gain[i] = fast_db_to_gain(dynamics[i] + makeup);
                }
                let (g_lo, g_hi) = min_max(dynamics);
                return (last_level, g_lo, g_hi, 0.0, 0.0);
            }
            let trans = w * trans;
            for i in 0..m {
                dynamics[i] = w * shape.gain_db(level[i], thr, slope, knee, range);
                let gate = boost_gate(trans, age[i], fall_log2);
                transient[i] = trans * attack_share(fast[i], slow[i]) * gate;
                gain[i] = fast_db_to_gain(dynamics[i] + transient[i] + makeup);
            }
        } else {
            let p = &mut scratch.parameters;
            for (buf, s) in p.iter_mut().zip(self.smoothers.all()) {
                s.fill(&mut buf[..m]);
            }
            let [thr, slope, knee, range, makeup, trans, wet] = &*p;
            let (thr, slope, knee, range) = (&thr[..m], &slope[..m], &knee[..m], &range[..m]);
            let (makeup, trans, wet) = (&makeup[..m], &trans[..m], &wet[..m]);
            for i in 0..m {
                let w = wet[i];
                dynamics[i] = w * shape.gain_db(level[i], thr[i], slope[i], knee[i], range[i]);
                let gate = boost_gate(trans[i], age[i], fall_log2);
                transient[i] = w * trans[i] * attack_share(fast[i], slow[i]) * gate;
                gain[i] = fast_db_to_gain(dynamics[i] + transient[i] + w * makeup[i]);
            }
        }
        let (g_lo, g_hi) = min_max(dynamics);
        let (t_lo, t_hi) = min_max(transient);
        (last_level, g_lo, g_hi, t_lo, t_hi)
    }
}

/// The meters from a block's last level and its min/max dynamics and transient dB.
fn meter_values(
    level_db: f32,
    gain_lo: f32,
    gain_hi: f32,
    tr_lo: f32,
    tr_hi: f32,
) -> BandMeterValues {
    BandMeterValues {
        level_db,
        gain_db: if -gain_lo > gain_hi { gain_lo } else { gain_hi },
        transient_db: if -tr_lo > tr_hi { tr_lo } else { tr_hi },
    }
}

/// Gives the shaper's hold its own copy of the state it mirrors (before the two diverge).
fn unmirror(detector: &mut LevelDetector, shaper: &mut TransientShaper, mirrored: &mut bool) {
    if *mirrored {
        shaper.hold_mut().copy_from(detector.peak_hold_mut());
        *mirrored = false;
    }
}

/// Whether `a` and `b` hold the same bits (so the holds fed from them agree exactly).
#[inline(always)]
fn bitwise_equal(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.chunks(16).zip(b.chunks(16)).all(|(x, y)| {
            x.iter()
                .zip(y)
                .fold(0u32, |d, (p, q)| d | (p.to_bits() ^ q.to_bits()))
                == 0
        })
}

/// Smallest and largest value of `values` and 0 (NaN ignored), in lanes so the loops vectorise
/// (one pass each, so the two reductions stay in separate registers).
#[inline(always)]
fn min_max(values: &[f32]) -> (f32, f32) {
    const LANES: usize = 16;
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    let (mut lo, mut hi) = ([0.0f32; LANES], [0.0f32; LANES]);
    for c in chunks.clone() {
        let c: &[f32; LANES] = c.try_into().expect("a whole chunk");
        for k in 0..LANES {
            lo[k] = if c[k] < lo[k] { c[k] } else { lo[k] };
        }
    }
    for c in chunks {
        let c: &[f32; LANES] = c.try_into().expect("a whole chunk");
        for k in 0..LANES {
            hi[k] = if c[k] > hi[k] { c[k] } else { hi[k] };
        }
    }
    let fold = |a: &[f32], pick: fn(f32, f32) -> f32| a.iter().copied().fold(0.0, pick);
    let lo = fold(&lo, f32::min).min(fold(rest, f32::min));
    let hi = fold(&hi, f32::max).max(fold(rest, f32::max));
    (lo, hi)
}
