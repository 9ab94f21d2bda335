//! The mastering chain: one [`Processor`] made of optional stages in a fixed order.
//!
//! Signal flow: dynamic EQ ([`DynamicEq`]) → multiband ([`MultibandCompressor`]) → pre-gain
//! ([`PreGain`]) → limiter ([`LookaheadLimiter`]). The order is [`Stage::ORDER`]; a stage whose settings are `None` is
//! left out of the signal path (it adds no latency and touches no sample). The pre-gain is always
//! in and is exactly transparent at 0 dB.
//!
//! Adding a stage: a [`Stage`] variant placed in
//! [`Stage::ORDER`], an `Option` field in [`ChainSettings`], the processor in [`MasteringChain`],
//! and one arm in each of the matches that map a stage to its settings and its processor
//! (`ChainSettings::has`, `MasteringChain::stage` and `stage_mut`). Everything else (prepare, reset, latency,
//! processing, switching a stage in and out) walks `Stage::ORDER`.
//!
//! Why the guarantees hold:
//! - Latency: each enabled stage delays the signal by its own `latency_samples()`, and the stages
//!   run in series, so the chain's latency is their sum.
//! - Allocation: [`Processor::prepare`] prepares every stage, enabled or not, so enabling one later
//!   allocates nothing; `process` only dispatches to the prepared stages.
//! - Reproducibility: a stage switched in is reset first, so its output does not depend on audio it
//!   saw before it was switched out. A chain holding only the limiter calls it exactly as a bare
//!   limiter would be called, so the output is the same bit for bit.
//! - Partition invariance: every stage is invariant to how a block is cut, and the pre-gain's ramp
//!   advances per sample.

use crate::dynamics::{LimiterSettings, LookaheadLimiter, MultibandCompressor, MultibandSettings};
use crate::eq::{DynamicEq, DynamicEqSettings};
use crate::processor::{ProcessSpec, Processor};
use crate::smoothing::LinearSmoother;
use crate::units::db_to_gain;

/// Ramp time of a pre-gain change that arrives while audio runs, ms.
const PRE_GAIN_RAMP_MS: f64 = 20.0;

/// One stage of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The dynamic EQ.
    Eq,
    /// The multiband compressor/expander.
    Multiband,
    /// A plain gain in front of the limiter (the limiter's Input Gain only goes up).
    PreGain,
    /// The true-peak lookahead limiter.
    Limiter,
}

impl Stage {
    /// Every stage in signal order.
    pub const ORDER: [Self; 4] = [Self::Eq, Self::Multiband, Self::PreGain, Self::Limiter];

    /// Stable lower-case key (`eq`, `multiband`, `pre_gain`, `limiter`), the prefix of its text
    /// settings.
    pub fn key(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Multiband => "multiband",
            Self::PreGain => "pre_gain",
            Self::Limiter => "limiter",
        }
    }
}

/// Settings of the whole chain: `None` leaves a stage out.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChainSettings {
    /// The dynamic EQ stage, if in the chain.
    pub eq: Option<DynamicEqSettings>,
    /// The multiband stage, if in the chain.
    pub multiband: Option<MultibandSettings>,
    /// Gain between the multiband and the limiter, dB (0 is exactly transparent).
    pub pre_gain_db: f32,
    /// The limiter stage, if in the chain.
    pub limiter: Option<LimiterSettings>,
}

impl ChainSettings {
    /// Whether `stage` is in the signal path with these settings.
    pub fn has(&self, stage: Stage) -> bool {
        match stage {
            Stage::Eq => self.eq.is_some(),
            Stage::Multiband => self.multiband.is_some(),
            Stage::PreGain => true,
            Stage::Limiter => self.limiter.is_some(),
        }
    }

    /// The latency these settings have at `sample_rate_hz` (the sum over the enabled stages), samples.
    pub fn latency_samples_for(&self, sample_rate_hz: f64) -> u32 {
        let eq = self
            .eq
            .map_or(0, |s| DynamicEq::latency_samples_for(&s, sample_rate_hz));
        let multiband = self.multiband.map_or(0, |s| {
            MultibandCompressor::latency_samples_for(&s, sample_rate_hz)
        });
        let limiter = self.limiter.map_or(0, |s| {
            LookaheadLimiter::latency_samples_for(&s, sample_rate_hz)
        });
        eq + multiband + limiter
    }

    /// The pre-gain as a linear gain (exactly 1 at 0 dB).
    pub fn pre_gain(&self) -> f32 {
        pre_gain_for(self.pre_gain_db)
    }
}

fn pre_gain_for(db: f32) -> f32 {
    if db == 0.0 {
        1.0
    } else {
        db_to_gain(f64::from(db)) as f32
    }
}

/// A plain gain: the first value after `prepare`/`reset` applies at once, later changes ramp
/// linearly over 20 ms, per sample (so the result does not depend on the block partition).
#[derive(Debug, Clone)]
pub struct PreGain {
    gain: f32,
    smoother: LinearSmoother,
    /// No audio since the last prepare/reset: a new value jumps instead of ramping.
    fresh: bool,
}

impl Default for PreGain {
    fn default() -> Self {
        Self::new()
    }
}

impl PreGain {
    /// A unity gain; call [`Processor::prepare`] before processing.
    pub fn new() -> Self {
        Self {
            gain: 1.0,
            smoother: LinearSmoother::new(PRE_GAIN_RAMP_MS, 1.0),
            fresh: true,
        }
    }

    /// Sets the gain in dB; it jumps before the first processed sample and ramps afterwards.
    pub fn set_gain_db(&mut self, db: f32) {
        let gain = pre_gain_for(db);
        if gain == self.gain {
            return;
        }
        self.gain = gain;
        if self.fresh {
            self.smoother.reset(f64::from(gain));
        } else {
            self.smoother.set_target(f64::from(gain));
        }
    }

    /// The gain heading to, linear.
    pub fn gain(&self) -> f32 {
        self.gain
    }
}

impl Processor for PreGain {
    fn prepare(&mut self, spec: &ProcessSpec) {
        self.smoother.prepare(spec.sample_rate_hz);
        self.reset();
    }

    fn reset(&mut self) {
        self.smoother.reset(f64::from(self.gain));
        self.fresh = true;
    }

    fn latency_samples(&self) -> u32 {
        0
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        self.fresh = false;
        if !self.smoother.is_smoothing() {
            // At rest the gain is exactly `self.gain`: one multiply per sample, none at unity.
            if self.gain != 1.0 {
                for ch in channels.iter_mut() {
                    for x in ch.iter_mut() {
                        *x *= self.gain;
                    }
                }
            }
            return;
        }
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        for i in 0..frames {
            let g = self.smoother.next_value() as f32;
            for ch in channels.iter_mut() {
                ch[i] *= g;
            }
        }
    }
}

/// The mastering chain as one processor (see the module docs).
#[derive(Debug)]
pub struct MasteringChain {
    settings: ChainSettings,
    eq: DynamicEq,
    multiband: MultibandCompressor,
    pre_gain: PreGain,
    limiter: LookaheadLimiter,
    spec: Option<ProcessSpec>,
}

impl Default for MasteringChain {
    fn default() -> Self {
        Self::new(ChainSettings::default())
    }
}

impl MasteringChain {
    /// A chain with `settings`; call [`Processor::prepare`] before processing.
    pub fn new(settings: ChainSettings) -> Self {
        let mut chain = Self {
            settings: ChainSettings::default(),
            eq: DynamicEq::new(),
            multiband: MultibandCompressor::new(),
            pre_gain: PreGain::new(),
            limiter: LookaheadLimiter::new(),
            spec: None,
        };
        chain.set_settings(settings);
        chain
    }

    /// Hands over new settings. A stage switched in is reset (its state starts afresh); stages
    /// apply their changes as they document (the limiter's at the top of the next block, the
    /// pre-gain ramped once audio has run). Switching a stage or changing its latency-relevant
    /// settings changes [`latency_samples`](Processor::latency_samples). Real-time safe.
    pub fn set_settings(&mut self, settings: ChainSettings) {
        let before = self.settings;
        self.settings = settings;
        if let Some(e) = settings.eq {
            self.eq.set_settings(e);
        }
        if let Some(m) = settings.multiband {
            self.multiband.set_settings(m);
        }
        self.pre_gain.set_gain_db(settings.pre_gain_db);
        if let Some(l) = settings.limiter {
            self.limiter.set_settings(&l);
        }
        if self.spec.is_none() {
            // Not prepared yet: `prepare` and the first `reset` define the state.
            return;
        }
        for stage in Stage::ORDER {
            if settings.has(stage) && !before.has(stage) {
                self.stage_mut(stage).reset();
            }
        }
    }

    /// The settings last handed over.
    pub fn settings(&self) -> ChainSettings {
        self.settings
    }

    /// The dynamic EQ stage (its meters are valid while it is in the chain).
    pub fn eq(&self) -> &DynamicEq {
        &self.eq
    }

    /// The multiband stage (its meters are valid while it is in the chain).
    pub fn multiband(&self) -> &MultibandCompressor {
        &self.multiband
    }

    /// The limiter stage (its meters are valid while it is in the chain).
    pub fn limiter(&self) -> &LookaheadLimiter {
        &self.limiter
    }

    /// Deepest gain reduction of the limiter during the last processed block, dB (0 without a limiter).
    pub fn limiter_gain_reduction_db(&self) -> f32 {
        if self.settings.limiter.is_some() {
            self.limiter.block_gain_reduction_db()
        } else {
            0.0
        }
    }

    /// [`process`](Processor::process), and the limiter's lowest gain in each `segment_frames`
    /// span of the block, as [`LookaheadLimiter::process_with_segment_gains`] reports it (1.0 for
    /// every span without a limiter). The audio is the same as `process` gives. Allocation-free.
    pub fn process_with_segment_gains(
        &mut self,
        channels: &mut [&mut [f32]],
        segment_frames: usize,
        segment_gains: &mut [f32],
    ) {
        if self.settings.limiter.is_none() {
            let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
            let spans = frames
                .div_ceil(segment_frames.max(1))
                .min(segment_gains.len());
            segment_gains[..spans].fill(1.0);
        }
        for stage in Stage::ORDER {
            if !self.settings.has(stage) {
                continue;
            }
            if stage == Stage::Limiter {
                self.limiter
                    .process_with_segment_gains(channels, segment_frames, segment_gains);
            } else {
                self.stage_mut(stage).process(channels);
            }
        }
    }

    /// The processor of `stage`.
    fn stage_mut(&mut self, stage: Stage) -> &mut dyn Processor {
        match stage {
            Stage::Eq => &mut self.eq,
            Stage::Multiband => &mut self.multiband,
            Stage::PreGain => &mut self.pre_gain,
            Stage::Limiter => &mut self.limiter,
        }
    }

    /// The processor of `stage`, shared.
    fn stage(&self, stage: Stage) -> &dyn Processor {
        match stage {
            Stage::Eq => &self.eq,
            Stage::Multiband => &self.multiband,
            Stage::PreGain => &self.pre_gain,
            Stage::Limiter => &self.limiter,
        }
    }
}

impl Processor for MasteringChain {
    /// Prepares every stage, enabled or not, so that switching one in later allocates nothing.
    fn prepare(&mut self, spec: &ProcessSpec) {
        self.spec = Some(*spec);
        for stage in Stage::ORDER {
            self.stage_mut(stage).prepare(spec);
        }
    }

    fn reset(&mut self) {
        for stage in Stage::ORDER {
            self.stage_mut(stage).reset();
        }
    }

    /// The sum of the enabled stages' latencies.
    fn latency_samples(&self) -> u32 {
        if self.spec.is_none() {
            return 0;
        }
        Stage::ORDER
            .into_iter()
            .filter(|&s| self.settings.has(s))
            .map(|s| self.stage(s).latency_samples())
            .sum()
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        for stage in Stage::ORDER {
            if self.settings.has(stage) {
                self.stage_mut(stage).process(channels);
            }
        }
    }
}

#[cfg(test)]
mod tests;
