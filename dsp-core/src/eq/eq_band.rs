//! One band of the Dynamic EQ at run time: its static matched design per channel, the dynamic
//! section on top, the detector and gain computer, the placement and the bypass ramp.
//!
//! Frequency, static gain and Q glide over [`PARAMETER_RAMP_MS`] (frequency and Q in octaves);
//! while they glide, the static design, the dynamic section and the detector are re-tuned on a
//! grid of [`CONTROL_FRAMES`] samples counted from prepare/reset, so any block partition re-tunes
//! at the same samples. Shape, slope, placement and the dynamics switch apply at once. Bypass
//! (and taking a band in or out of use) cross-fades over [`BYPASS_RAMP_MS`]; a band that is
//! fully out runs nothing and starts from silence when it comes back.

use super::band_detector::{DetectorFilter, DetectorState};
use super::dynamic_section::{DynamicSection, DynamicSectionState, DynamicShape};
use super::listen::listen_filter;
use super::lp_response::LpBand;
use super::settings::EqBandSettings;
use crate::dynamics::level_detector::sanitize_magnitude;
use crate::dynamics::{BandChannel, BandDynamics, BandMeterValues, BandSidechain};
use crate::filter::eq_design::{design, EqCoefficients};
use crate::filter::eq_section::EqFilter;
use crate::filter::eq_section::SvfCoefficients;
use crate::filter::eq_shape::EqShapeSettings;
use crate::smoothing::LinearSmoother;

/// Glide of frequency, static gain and Q, ms.
pub const PARAMETER_RAMP_MS: f64 = 20.0;
/// Cross-fade of bypass and of taking a band in or out of use, ms.
pub const BYPASS_RAMP_MS: f64 = 10.0;
/// Re-tuning grid while a band glides, samples: each step re-designs the band (10–13 µs for a
/// bell or shelf, so ≈ 4 % of a core per gliding band at 48 kHz) and carries the filter state
/// over ([`EqFilter::retune`]); spurious products of a full sweep measure −88 dBc.
pub const CONTROL_FRAMES: u64 = 16;
/// Most frames handled at a time (bounds the scratch buffers).
pub const CHUNK: usize = 256;

/// What a running band does in one chunk (from [`EqBand::begin_apply`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct TickPlan {
    dynamic: Option<DynamicSection>,
    placement: BandChannel,
    fading: bool,
}

impl TickPlan {
    /// The channels (left, right) the band filters when it can run as a vector lane: not
    /// fading, placed on Stereo, Left or Right; None otherwise (Mid/Side or fading).
    pub(crate) fn lane_channels(&self) -> Option<[bool; 2]> {
        if self.fading {
            return None;
        }
        match self.placement {
            BandChannel::Stereo => Some([true, true]),
            BandChannel::Left => Some([true, false]),
            BandChannel::Right => Some([false, true]),
            BandChannel::Mid | BandChannel::Side => None,
        }
    }

    /// The dynamic section the band runs this chunk, if any.
    pub(crate) fn dynamic(&self) -> Option<&DynamicSection> {
        self.dynamic.as_ref()
    }
}

/// One band's state (see the module docs).
#[derive(Debug, Clone)]
pub struct EqBand {
    sample_rate_hz: f64,
    /// The settings handed over last.
    settings: EqBandSettings,
    /// Their filter, sanitised for the rate (what the glides head to).
    target: EqShapeSettings,
    pending: bool,
    /// No sample since prepare/reset: settings apply without glide or fade.
    fresh: bool,
    frequency_log2: LinearSmoother,
    gain_db: LinearSmoother,
    q_log2: LinearSmoother,
    /// 1 while the band is in use and not bypassed.
    wet: LinearSmoother,
    /// A glide ran since the last re-tune.
    retune: bool,
    statics: [EqFilter; 2],
    /// The static design the filters run (what the linear-phase mode plays).
    design: EqCoefficients,
    dynamic: Option<DynamicSection>,
    dynamic_states: [DynamicSectionState; 2],
    detector: DetectorFilter,
    detector_states: [DetectorState; 2],
    dynamics: BandDynamics,
    /// Whether the gain computer runs (dynamics active on a shape with a gain).
    dynamic_active: bool,
    /// Detector centre the peak hold was sized for, Hz.
    hold_hz: f64,
    /// The band pass of its solo.
    listen: SvfCoefficients,
    /// The filter and detector tuning last designed (None: nothing designed yet).
    tuned: Option<(EqShapeSettings, (f64, f64))>,
    meters: BandMeterValues,
}

impl Default for EqBand {
    fn default() -> Self {
        Self::new()
    }
}

impl EqBand {
    /// An unused band; call [`prepare`](Self::prepare) before processing.
    pub fn new() -> Self {
        Self {
            sample_rate_hz: 48_000.0,
            settings: EqBandSettings::default(),
            target: EqShapeSettings::default(),
            pending: true,
            fresh: true,
            frequency_log2: LinearSmoother::new(PARAMETER_RAMP_MS, 10.0),
            gain_db: LinearSmoother::new(PARAMETER_RAMP_MS, 0.0),
            q_log2: LinearSmoother::new(PARAMETER_RAMP_MS, 0.0),
            wet: LinearSmoother::new(BYPASS_RAMP_MS, 0.0),
            retune: false,
            statics: [EqFilter::default(); 2],
            design: EqCoefficients::IDENTITY,
            dynamic: None,
            dynamic_states: [DynamicSectionState::default(); 2],
            detector: DetectorFilter::default(),
            detector_states: [DetectorState::default(); 2],
            dynamics: BandDynamics::new(),
            dynamic_active: false,
            hold_hz: 1000.0,
            tuned: None,
            listen: SvfCoefficients::default(),
            meters: BandMeterValues::default(),
        }
    }

    /// Prepares for `sample_rate_hz` (the only allocating call) and resets.
    pub fn prepare(&mut self, sample_rate_hz: f64, max_block_frames: usize) {
        self.sample_rate_hz = sample_rate_hz;
        self.tuned = None;
        for s in [
            &mut self.frequency_log2,
            &mut self.gain_db,
            &mut self.q_log2,
            &mut self.wet,
        ] {
            s.prepare(sample_rate_hz);
        }
        self.dynamics.prepare(sample_rate_hz, max_block_frames);
        self.dynamics.disable_transient();
        self.reset();
    }

    /// Clears all state (real-time safe); the settings handed over apply at once.
    pub fn reset(&mut self) {
        self.clear_audio_state();
        self.fresh = true;
        self.pending = true;
        self.meters = BandMeterValues::default();
    }

    fn clear_audio_state(&mut self) {
        for f in &mut self.statics {
            f.reset();
        }
        self.dynamic_states = [DynamicSectionState::default(); 2];
        self.detector_states = [DetectorState::default(); 2];
        self.dynamics.reset();
    }

    /// Stores settings, applied at the next chunk.
    pub fn set_settings(&mut self, settings: &EqBandSettings) {
        self.settings = *settings;
        self.pending = true;
    }

    /// The meters of the last chunk (dynamic gain offset, detector level).
    pub fn meters(&self) -> BandMeterValues {
        self.meters
    }

    /// Whether this band does anything (in use, or fading in or out).
    pub fn is_running(&self) -> bool {
        self.wet.is_smoothing() || self.wet.value() != 0.0
    }

    /// Whether its tuning glides (so the caller cuts chunks on the re-tuning grid).
    pub fn is_gliding(&self) -> bool {
        self.retune
            || self.frequency_log2.is_smoothing()
            || self.gain_db.is_smoothing()
            || self.q_log2.is_smoothing()
    }

    /// Whether it listens to the external sidechain.
    pub fn uses_sidechain(&self) -> bool {
        self.dynamic_active && self.settings.dynamics.sidechain == BandSidechain::External
    }

    /// The shape being tuned to (sanitised), with the glide's current frequency, gain and Q.
    fn current_filter(&self) -> EqShapeSettings {
        let target = self.target;
        if self.frequency_log2.is_smoothing()
            || self.gain_db.is_smoothing()
            || self.q_log2.is_smoothing()
        {
            EqShapeSettings {
                frequency_hz: self.frequency_log2.value().exp2(),
                gain_db: self.gain_db.value(),
                q: self.q_log2.value().exp2(),
                ..target
            }
        } else {
            target
        }
    }

    /// Applies pending settings at the start of a chunk (`on_grid`: the chunk starts on the
    /// re-tuning grid).
    pub fn begin_chunk(&mut self, on_grid: bool) {
        if self.pending {
            self.apply_settings();
        } else if on_grid && self.retune {
            self.retune = self.is_gliding_now();
            self.tune();
        }
    }

    fn is_gliding_now(&self) -> bool {
        self.frequency_log2.is_smoothing()
            || self.gain_db.is_smoothing()
            || self.q_log2.is_smoothing()
    }

    #[inline(never)]
    fn apply_settings(&mut self) {
        let s = self.settings;
        let f = s.filter.sanitized(self.sample_rate_hz);
        self.target = f;
        let targets = [f.frequency_hz.log2(), f.gain_db, f.q.log2()];
        let wet = if s.used && !s.bypass { 1.0 } else { 0.0 };
        let resumed = !self.is_running() && wet == 1.0;
        let jump = self.fresh || resumed;
        for (sm, t) in [
            &mut self.frequency_log2,
            &mut self.gain_db,
            &mut self.q_log2,
        ]
        .into_iter()
        .zip(targets)
        {
            if jump {
                sm.reset(t);
            } else {
                sm.set_target(t);
            }
        }
        if self.fresh {
            self.wet.reset(wet);
        } else {
            self.wet.set_target(wet);
        }
        if resumed {
            // The band was silent: its filters start from silence, whatever the partition.
            self.clear_audio_state();
        }
        self.dynamic_active =
            s.dynamics.is_active() && DynamicShape::of(f.shape).is_some() && s.used;
        let mut band = s.dynamics.band_settings();
        band.bypass = !self.dynamic_active;
        let (det_hz, _) = s.dynamics.detector_tuning(f.frequency_hz, f.q);
        let det_hz = det_hz.clamp(10.0, 0.49 * self.sample_rate_hz);
        if self.fresh || resumed {
            self.hold_hz = det_hz;
        } else if (det_hz / self.hold_hz).log2().abs() > 1.0 {
            // The peak hold follows the detector only by octaves (resizing it clears it).
            self.hold_hz = det_hz;
        }
        self.dynamics
            .set_settings(&band, (0.5 * self.hold_hz) as f32);
        self.pending = false;
        self.retune = self.is_gliding_now();
        self.tune();
    }

    /// Designs the static filter, the dynamic section and the detector for the current tuning.
    #[inline(never)]
    fn tune(&mut self) {
        let fs = self.sample_rate_hz;
        let f = self.current_filter();
        let detector = self.settings.dynamics.detector_tuning(f.frequency_hz, f.q);
        if self.tuned == Some((f, detector)) {
            return;
        }
        self.tuned = Some((f, detector));
        let coefficients = design(&f, fs);
        for st in &mut self.statics {
            st.retune(&coefficients);
        }
        self.design = coefficients;
        self.dynamic = DynamicShape::of(f.shape)
            .map(|shape| DynamicSection::new(shape, f.frequency_hz, f.q, fs));
        let (det_hz, det_q) = detector;
        self.detector = DetectorFilter::new(det_hz.clamp(10.0, 0.49 * fs), det_q, fs);
        self.listen = listen_filter(f.frequency_hz, f.q, fs);
    }

    /// The band pass its solo is heard through (at the current tuning).
    pub fn listen_coefficients(&self) -> SvfCoefficients {
        self.listen
    }

    /// Whether the detector runs this chunk.
    fn detecting(&self) -> bool {
        self.dynamic_active && self.is_running()
    }

    /// The detector's input rows for one chunk of the EQ's input (or the sidechain): two for a
    /// stereo band, one otherwise, none when the dynamics are off. Returns how many were written.
    pub fn detector_input(
        &self,
        source: [&[f32]; 2],
        rows: &mut [[f32; CHUNK]],
        n: usize,
    ) -> usize {
        if !self.detecting() {
            return 0;
        }
        let [l, r] = source;
        match self.detector_placement(source) {
            BandChannel::Stereo => {
                rows[0][..n].copy_from_slice(&l[..n]);
                rows[1][..n].copy_from_slice(&r[..n]);
                2
            }
            p @ (BandChannel::Mid | BandChannel::Side) => {
                let sign = if p == BandChannel::Mid { 1.0 } else { -1.0 };
                for ((x, &a), &b) in rows[0][..n].iter_mut().zip(&l[..n]).zip(&r[..n]) {
                    *x = 0.5 * (a + sign * b);
                }
                1
            }
            p => {
                let src = if p == BandChannel::Right { r } else { l };
                rows[0][..n].copy_from_slice(&src[..n]);
                1
            }
        }
    }

    fn detector_placement(&self, [l, r]: [&[f32]; 2]) -> BandChannel {
        if std::ptr::eq(l, r) {
            BandChannel::Left
        } else {
            self.settings.placement
        }
    }

    /// The detector tuning and this band's `i`-th detector state (0, or 1 for a stereo band's right).
    pub fn detector_lane(&mut self, i: usize) -> (DetectorFilter, &mut DetectorState) {
        (self.detector, &mut self.detector_states[i.min(1)])
    }

    /// The gain computer over the filtered detector rows (`count` from
    /// [`detector_input`](Self::detector_input)): the linear dynamic gain per sample into `gains`
    /// (1 when the dynamics are off).
    pub fn finish_detect(&mut self, rows: &mut [[f32; CHUNK]], count: usize, gains: &mut [f32]) {
        if self.begin_dynamics(rows, count, gains) {
            let a = &rows[0][..gains.len()];
            self.meters = self.dynamics.process(a, a, gains);
        }
    }

    /// Pass 1 of [`finish_detect`](Self::finish_detect) for a caller running several bands'
    /// followers together: returns whether the dynamics run (then the caller runs the followers
    /// of `dynamics_mut` and calls `end_dynamics`),
    /// or fills `gains` with 1.
    pub fn begin_dynamics(
        &mut self,
        rows: &mut [[f32; CHUNK]],
        count: usize,
        gains: &mut [f32],
    ) -> bool {
        let n = gains.len();
        if count == 0 {
            gains.fill(1.0);
            if !self.detecting() {
                self.meters = BandMeterValues::default();
            }
            return false;
        }
        if count == 2 {
            let (a, b) = rows.split_at_mut(1);
            for (x, &y) in a[0][..n].iter_mut().zip(&b[0][..n]) {
                *x = sanitize_magnitude(*x).max(sanitize_magnitude(y));
            }
        } else {
            for x in rows[0][..n].iter_mut() {
                *x = sanitize_magnitude(*x);
            }
        }
        true
    }

    /// The band's dynamics (for the caller of [`begin_dynamics`](Self::begin_dynamics)).
    pub(crate) fn dynamics_mut(&mut self) -> &mut BandDynamics {
        &mut self.dynamics
    }

    /// The gains of the chunk whose followers ran (see [`begin_dynamics`](Self::begin_dynamics)).
    pub(crate) fn end_dynamics(&mut self, gains: &mut [f32]) {
        self.meters = self.dynamics.finish_chunk(gains);
    }

    /// The plan of one chunk for [`tick`](Self::tick) (`count`: one or two channels), or None
    /// when the band does not run; while the bypass ramp moves, `wet` receives its `n` values.
    pub fn begin_apply(&self, count: usize, wet: &mut [f32; CHUNK], n: usize) -> Option<TickPlan> {
        if !self.is_running() {
            return None;
        }
        let fading = self.wet.is_smoothing();
        if fading {
            let mut ramp = self.wet;
            for w in &mut wet[..n.min(CHUNK)] {
                *w = ramp.next_value() as f32;
            }
        }
        Some(TickPlan {
            dynamic: if self.dynamic_active {
                self.dynamic
            } else {
                None
            },
            placement: if count == 2 {
                self.settings.placement
            } else {
                BandChannel::Left
            },
            fading,
        })
    }

    /// Filters one stereo sample (`y` is ignored for mono) at dynamic gain `gain` and bypass ramp
    /// value `wet` (used while the plan says it fades): the static design, then the dynamic
    /// section, on the part of the signal the placement names.
    #[inline(always)]
    pub fn tick(&mut self, plan: &TickPlan, x: f32, y: f32, gain: f32, wet: f32) -> (f32, f32) {
        let (dry_x, dry_y) = (x, y);
        let (mut x, mut y) = (x, y);
        let [fl, fr] = &mut self.statics;
        let [dl, dr] = &mut self.dynamic_states;
        match plan.placement {
            BandChannel::Stereo => {
                let (a, b) = EqFilter::tick_pair(fl, fr, x, y);
                (x, y) = match &plan.dynamic {
                    Some(section) => {
                        let c = section.coefficients(gain);
                        (dl.tick_with(&c, gain, a), dr.tick_with(&c, gain, b))
                    }
                    None => (a, b),
                };
            }
            BandChannel::Mid | BandChannel::Side => {
                let sign = if plan.placement == BandChannel::Mid {
                    1.0
                } else {
                    -1.0
                };
                let m0 = 0.5 * (x + sign * y);
                let mut m = fl.tick(m0);
                if let Some(section) = &plan.dynamic {
                    m = dl.tick(section, gain, m);
                }
                let delta = m - m0;
                if delta != 0.0 {
                    // L = M + S and R = M − S.
                    x += delta;
                    y += sign * delta;
                }
            }
            BandChannel::Right => {
                y = fr.tick(y);
                if let Some(section) = &plan.dynamic {
                    y = dr.tick(section, gain, y);
                }
            }
            BandChannel::Left => {
                x = fl.tick(x);
                if let Some(section) = &plan.dynamic {
                    x = dl.tick(section, gain, x);
                }
            }
        }
        if plan.fading {
            x = dry_x + wet * (x - dry_x);
            y = dry_y + wet * (y - dry_y);
        }
        (x, y)
    }

    /// What the band plays in the linear-phase mode at its current tuning, with its dynamic
    /// section at `gain` (`count`: one or two channels), or None when the band does not run.
    pub fn lp_band(&self, index: usize, count: usize, gain: f32) -> Option<LpBand> {
        if !self.is_running() {
            return None;
        }
        let dynamic = match (&self.dynamic, self.dynamic_active) {
            (Some(section), true) if gain != 1.0 => Some(section.coefficients(gain)),
            _ => None,
        };
        Some(LpBand {
            index,
            placement: if count == 2 {
                self.settings.placement
            } else {
                BandChannel::Stereo
            },
            statics: self.design,
            dynamic,
            wet: self.wet.value() as f32,
        })
    }

    /// How many static sections the band runs (for the lane cascade).
    pub(crate) fn static_section_count(&self) -> usize {
        self.statics[0]
            .section_count()
            .max(self.statics[1].section_count())
    }

    /// The static filters and dynamic section states of both channels (for the lane cascade).
    pub(crate) fn filter_states(&mut self) -> (&mut [EqFilter; 2], &mut [DynamicSectionState; 2]) {
        (&mut self.statics, &mut self.dynamic_states)
    }

    /// After a chunk of [`tick`](Self::tick)s: clears any state left non-finite by bad input.
    pub fn end_apply(&mut self) {
        for f in &mut self.statics {
            f.sanitize();
        }
        for d in &mut self.dynamic_states {
            d.sanitize();
        }
    }

    /// Advances the glides and the bypass ramp by the `n` samples of the chunk just processed.
    pub fn end_chunk(&mut self, n: usize) {
        self.fresh = false;
        for s in [
            &mut self.frequency_log2,
            &mut self.gain_db,
            &mut self.q_log2,
        ] {
            if s.is_smoothing() {
                self.retune = true;
                advance(s, n);
            }
        }
        advance(&mut self.wet, n);
        if !self.is_running() {
            self.meters = BandMeterValues::default();
        }
    }
}

/// Advances `smoother` by `n` samples.
fn advance(smoother: &mut LinearSmoother, n: usize) {
    for _ in 0..n {
        if !smoother.is_smoothing() {
            break;
        }
        smoother.next_value();
    }
}
