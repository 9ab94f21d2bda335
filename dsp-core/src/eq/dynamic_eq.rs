//! The Dynamic EQ processor: up to [`MAX_EQ_BANDS`] bands in series, each static or dynamic,
//! with zero latency, or in Linear Phase ([`super::linear_phase`]: the same magnitudes as FIR
//! kernels, latency 4607 samples at 48 kHz; re-tuning and dynamic gains on its hop grid).
//! Switching the phase mode changes the latency and starts the processor afresh.
//!
//! Per chunk of at most [`CHUNK`] frames every dynamic band first measures the EQ's input (or the
//! external sidechain), so no band waits for another's output; then the bands filter the signal
//! in order. Chunks are cut on the re-tuning grid while a band glides (see
//! [`super::eq_band`]), so the output is the same for any block partition. One or two channels
//! are processed; further channels pass untouched.
//!
//! Cost (benches/dynamic_eq.rs, 48 kHz stereo, 512-frame blocks, 2-core AMD EPYC VM, idle,
//! two runs): 8 dynamic bells ≈ 272–282×, 24 static bands ≈ 708–858×, 24 dynamic bands ≈
//! 108–113×, Linear Phase 8 dynamic bells ≈ 150–151× real time (the issue asks 250×, 300×,
//! 100× and 100×; the previous build on the same machine in the same runs: 246×, 263–267×,
//! 83–84×, 140–142×). The detectors run as vector lanes (16 rows at a time, widest build), the
//! bands' detector followers side by side (`dynamics::band_bank`), and the cascade as lanes too
//! ([`super::lane_cascade`]: one lane per static section, Mid/Side and fading bands on their
//! own). What remains is mostly the dynamics (level measurement and gain shaping per band) and
//! the detector cascades' recursions.
//!
//! Bad input: NaN and ±∞ samples are replaced by silence before anything else; a filter state
//! left non-finite by extreme input is cleared at the end of its chunk.
//!
//! Idle is identity: bands at 0 dB static gain whose dynamics rest below the threshold run no
//! static section and their dynamic sections return the input bit for bit.

use super::band_detector::{DetectorFilter, DetectorState};
use super::eq_band::PARAMETER_RAMP_MS;
use super::eq_band::{EqBand, TickPlan, CHUNK, CONTROL_FRAMES};
use super::lane_cascade::LaneCascade;
use super::linear_phase::{self, LinearPhaseEq};
use super::listen::Listen;
use super::lp_response::LpBand;
use super::settings::{DynamicEqSettings, EqPhase, MAX_EQ_BANDS, MAX_OUTPUT_GAIN_DB};
use crate::dynamics::band_bank::follow_levels;
use crate::dynamics::BandMeterValues;
use crate::filter::eq_section::SvfCoefficients;
use crate::simd::SimdLevel;
use crate::smoothing::LinearSmoother;
use crate::units::db_to_gain;
use crate::{ProcessSpec, Processor};

/// Per-band gains of one chunk.
#[derive(Debug)]
struct Gains([[f32; CHUNK]; MAX_EQ_BANDS]);

/// Detector rows of one chunk (two per stereo band).
#[derive(Debug)]
struct Rows([[f32; CHUNK]; 2 * MAX_EQ_BANDS]);

/// The Dynamic EQ (see the module docs).
#[derive(Debug)]
pub struct DynamicEq {
    sample_rate_hz: f64,
    max_block_frames: usize,
    settings: DynamicEqSettings,
    bands: Vec<EqBand>,
    /// Linear output gain, ramped over [`super::eq_band::PARAMETER_RAMP_MS`].
    output_gain: LinearSmoother,
    /// No sample since prepare/reset: the output gain jumps to its setting.
    fresh: bool,
    /// Samples since prepare/reset (the re-tuning grid's clock).
    clock: u64,
    gains: Box<Gains>,
    rows: Box<Rows>,
    /// Per band: its first detector row and how many it uses this chunk.
    lanes: [(usize, usize); MAX_EQ_BANDS],
    lane_filters: [DetectorFilter; 2 * MAX_EQ_BANDS],
    lane_states: [DetectorState; 2 * MAX_EQ_BANDS],
    /// Bypass ramp values of the running bands (in running order) for one chunk.
    wet_rows: Box<Gains>,
    /// The lanes the common bands run in.
    lanes_cascade: LaneCascade,
    listen: Listen,
    listen_filters: [SvfCoefficients; MAX_EQ_BANDS],
    /// The vector build the kernels run in.
    simd: SimdLevel,
    /// The Linear Phase engine (allocated in prepare, so a switch does not allocate).
    linear: Option<LinearPhaseEq>,
    /// The running bands handed to it at a hop boundary.
    lp_bands: Vec<LpBand>,
}

impl Default for DynamicEq {
    fn default() -> Self {
        Self::new()
    }
}

impl DynamicEq {
    /// An EQ with every band unused; call [`Processor::prepare`] before processing.
    pub fn new() -> Self {
        Self {
            sample_rate_hz: 48_000.0,
            max_block_frames: 0,
            settings: DynamicEqSettings::default(),
            bands: (0..MAX_EQ_BANDS).map(|_| EqBand::new()).collect(),
            output_gain: LinearSmoother::new(PARAMETER_RAMP_MS, 1.0),
            fresh: true,
            clock: 0,
            gains: Box::new(Gains([[1.0; CHUNK]; MAX_EQ_BANDS])),
            rows: Box::new(Rows([[0.0; CHUNK]; 2 * MAX_EQ_BANDS])),
            lanes: [(0, 0); MAX_EQ_BANDS],
            lane_filters: [DetectorFilter::default(); 2 * MAX_EQ_BANDS],
            lane_states: [DetectorState::default(); 2 * MAX_EQ_BANDS],
            wet_rows: Box::new(Gains([[1.0; CHUNK]; MAX_EQ_BANDS])),
            lanes_cascade: LaneCascade::new(),
            listen: Listen::new(),
            listen_filters: [SvfCoefficients::default(); MAX_EQ_BANDS],
            simd: SimdLevel::Baseline,
            linear: None,
            lp_bands: Vec::new(),
        }
    }

    /// The latency `settings` have at `sample_rate_hz`, samples (0 in Zero Latency).
    pub fn latency_samples_for(settings: &DynamicEqSettings, sample_rate_hz: f64) -> u32 {
        match settings.phase {
            EqPhase::ZeroLatency => 0,
            EqPhase::LinearPhase => linear_phase::latency_samples(sample_rate_hz) as u32,
        }
    }

    /// `wanted` with the phase mode of `running` (for a host that cannot take a latency change
    /// now).
    pub fn settings_keeping_latency(
        wanted: DynamicEqSettings,
        running: &DynamicEqSettings,
    ) -> DynamicEqSettings {
        DynamicEqSettings {
            phase: running.phase,
            ..wanted
        }
    }

    /// Whether the bands run as the linear-phase engine.
    fn linear_phase(&self) -> bool {
        self.settings.phase == EqPhase::LinearPhase && self.linear.is_some()
    }

    /// Hands over new settings; they apply from the next processed sample (at once after
    /// prepare/reset, gliding or fading otherwise).
    pub fn set_settings(&mut self, settings: DynamicEqSettings) {
        let phase_changed = settings.phase != self.settings.phase;
        for (k, (band, (new, old))) in self
            .bands
            .iter_mut()
            .zip(settings.bands.iter().zip(self.settings.bands.iter()))
            .enumerate()
        {
            if new != old {
                band.set_settings(new);
                self.listen.set_solo(k, new.used && new.solo);
            }
        }
        self.settings = settings;
        if phase_changed {
            // A different latency: the host restarts the audio, so everything starts afresh.
            self.reset();
            return;
        }
        let gain = output_gain(&settings);
        if self.fresh {
            self.output_gain.reset(gain);
        } else {
            self.output_gain.set_target(gain);
        }
    }

    /// The settings handed over last.
    pub fn settings(&self) -> &DynamicEqSettings {
        &self.settings
    }

    /// Each band's meters from the last block (zero for bands not running).
    pub fn band_meters(&self) -> [BandMeterValues; MAX_EQ_BANDS] {
        std::array::from_fn(|i| self.bands[i].meters())
    }

    /// Processes one block in place with an external sidechain (`None`, or one or two channels
    /// as long as the block) for the bands that listen to it; without one they hear the input.
    pub fn process_with_sidechain(
        &mut self,
        channels: &mut [&mut [f32]],
        sidechain: Option<&[&[f32]]>,
    ) {
        let n = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let count = channels.len().min(2);
        if count == 0 {
            return;
        }
        let sidechain = sidechain.filter(|s| !s.is_empty() && s.iter().all(|c| c.len() >= n));
        // NaN and ±∞ become silence (every finite sample is left as it is).
        for ch in channels[..count].iter_mut() {
            for x in ch[..n].iter_mut() {
                if !x.is_finite() {
                    *x = 0.0;
                }
            }
        }
        let linear = self.linear_phase();
        let mut start = 0;
        while start < n {
            // Pending settings apply first, so a glide they start is cut on the grid at once.
            // In Linear Phase the grid is the hop: the bands are re-tuned and played per hop.
            let on_grid = match &self.linear {
                Some(lp) if linear => lp.boundary_due() || self.clock == 0,
                _ => self.clock.is_multiple_of(CONTROL_FRAMES),
            };
            for band in &mut self.bands {
                band.begin_chunk(on_grid);
            }
            let mut m = CHUNK.min(n - start);
            if linear {
                self.linear_boundary(count);
                if let Some(lp) = &self.linear {
                    m = m.min(lp.until_boundary());
                }
            } else if self.bands.iter().any(EqBand::is_gliding) {
                let to_grid = CONTROL_FRAMES - self.clock % CONTROL_FRAMES;
                m = m.min(to_grid as usize);
            }
            self.process_chunk(channels, count, sidechain, start, m);
            self.clock += m as u64;
            start += m;
        }
        self.fresh = false;
        self.apply_output_gain(&mut channels[..count], n);
    }

    /// In Linear Phase at a due hop boundary: hands the running bands (dynamic gains from the
    /// lagged history) to the engine.
    fn linear_boundary(&mut self, count: usize) {
        let Some(lp) = &mut self.linear else { return };
        if !lp.boundary_due() {
            return;
        }
        self.lp_bands.clear();
        for (k, band) in self.bands.iter().enumerate() {
            if let Some(b) = band.lp_band(k, count, lp.lagged_gain(k)) {
                self.lp_bands.push(b);
            }
        }
        lp.hop_boundary(&self.lp_bands, count);
    }

    /// The output gain over the first `n` frames (untouched at exactly 0 dB).
    fn apply_output_gain(&mut self, channels: &mut [&mut [f32]], n: usize) {
        if self.output_gain.is_smoothing() {
            let steady = self.output_gain;
            for ch in channels.iter_mut() {
                let mut ramp = steady;
                for x in ch[..n].iter_mut() {
                    *x *= ramp.next_value() as f32;
                }
            }
            for _ in 0..n {
                self.output_gain.next_value();
            }
        } else if self.output_gain.value() != 1.0 {
            let g = self.output_gain.value() as f32;
            for ch in channels.iter_mut() {
                for x in ch[..n].iter_mut() {
                    *x *= g;
                }
            }
        }
    }

    fn process_chunk(
        &mut self,
        channels: &mut [&mut [f32]],
        count: usize,
        sidechain: Option<&[&[f32]]>,
        start: usize,
        m: usize,
    ) {
        let range = start..start + m;
        // Detection: every band measures the input before any band changes it; all detector
        // cascades run side by side.
        {
            let l: &[f32] = &channels[0][range.clone()];
            let r: &[f32] = &channels[count - 1][range.clone()];
            let side = sidechain.map(|s| {
                let sl = &s[0][range.clone()];
                let sr = &s[s.len().min(2) - 1][range.clone()];
                [sl, sr]
            });
            let mut lanes = 0;
            for (k, band) in self.bands.iter_mut().enumerate() {
                let source = match (band.uses_sidechain(), side) {
                    (true, Some(sc)) => sc,
                    _ => [l, r],
                };
                let count = band.detector_input(source, &mut self.rows.0[lanes..], m);
                self.lanes[k] = (lanes, count);
                for i in 0..count {
                    let (filter, state) = band.detector_lane(i);
                    self.lane_filters[lanes + i] = filter;
                    self.lane_states[lanes + i] = *state;
                }
                lanes += count;
            }
            DetectorFilter::process_bank(
                &self.lane_filters[..lanes],
                &mut self.lane_states[..lanes],
                &mut self.rows.0[..lanes],
                m,
                self.simd,
            );
            // The gain computers: each band's level, all their followers side by side, then
            // each band's gains (as `EqBand::finish_detect` one band at a time).
            let mut running = [false; MAX_EQ_BANDS];
            for (k, (band, gains)) in self
                .bands
                .iter_mut()
                .zip(self.gains.0.iter_mut())
                .enumerate()
            {
                let (first, count) = self.lanes[k];
                for i in 0..count {
                    *band.detector_lane(i).1 = self.lane_states[first + i];
                }
                let rows = &mut self.rows.0[first..];
                if band.begin_dynamics(rows, count, &mut gains[..m]) {
                    let level = &rows[0][..m];
                    band.dynamics_mut().begin_chunk(level, level);
                    running[k] = true;
                }
            }
            let bands = self.bands.iter_mut().zip(running);
            let running_bands = bands.filter(|(_, on)| *on).map(|(b, _)| b.dynamics_mut());
            follow_levels(running_bands, m, self.simd);
            for ((band, gains), on) in self
                .bands
                .iter_mut()
                .zip(self.gains.0.iter_mut())
                .zip(running)
            {
                if on {
                    band.end_dynamics(&mut gains[..m]);
                }
            }
        }
        match &mut self.linear {
            Some(lp) if self.settings.phase == EqPhase::LinearPhase => {
                lp.process(&mut channels[..count], start, m);
                if lp.boundary_due() {
                    for (k, gains) in self.gains.0.iter().enumerate() {
                        lp.record_gain(k, gains[m - 1]);
                    }
                }
            }
            _ => self.cascade(channels, count, start, m),
        }
        for (f, band) in self.listen_filters.iter_mut().zip(&self.bands) {
            *f = band.listen_coefficients();
        }
        {
            let (first, rest) = channels.split_at_mut(1);
            let mut views: [&mut [f32]; 2] = [&mut first[0][start..start + m], &mut []];
            if count == 2 {
                views[1] = &mut rest[0][start..start + m];
            }
            self.listen
                .process(&mut views[..count], m, &self.listen_filters);
        }
        for band in &mut self.bands {
            band.end_chunk(m);
        }
    }

    /// The bands in series over frames `start..start + m`: each run of consecutive bands that
    /// filter Stereo, Left or Right without a fade as vector lanes ([`LaneCascade`]), any other
    /// band on its own, sample by sample (the same arithmetic per frame and band as one band
    /// after another).
    #[allow(clippy::needless_range_loop)]
    fn cascade(&mut self, channels: &mut [&mut [f32]], count: usize, start: usize, m: usize) {
        let mut order = [0usize; MAX_EQ_BANDS];
        let mut plans = [None; MAX_EQ_BANDS];
        let mut running = 0;
        for (k, band) in self.bands.iter().enumerate() {
            if let Some(plan) = band.begin_apply(count, &mut self.wet_rows.0[running], m) {
                order[running] = k;
                plans[running] = Some(plan);
                running += 1;
            }
        }
        if running == 0 {
            return;
        }
        let (first, rest) = channels.split_at_mut(1);
        let l = &mut first[0][start..start + m];
        let mut no_right = [0.0f32; 0];
        let r: &mut [f32] = if count == 2 {
            &mut rest[0][start..start + m]
        } else {
            &mut no_right
        };
        let mut j = 0;
        while j < running {
            let lane = |p: &Option<TickPlan>| p.is_some_and(|p| p.lane_channels().is_some());
            let end = (j..running).find(|&e| !lane(&plans[e])).unwrap_or(running);
            if end > j {
                let mut run_plans = [TickPlan::default(); MAX_EQ_BANDS];
                for (p, q) in run_plans.iter_mut().zip(&plans[j..end]) {
                    *p = q.unwrap_or_default();
                }
                self.lanes_cascade.run(
                    &mut self.bands,
                    &order[j..end],
                    &run_plans[..end - j],
                    &self.gains.0,
                    l,
                    r,
                    m,
                    self.simd,
                );
                j = end;
                continue;
            }
            let k = order[j];
            let Some(plan) = &plans[j] else {
                j += 1;
                continue;
            };
            let band = &mut self.bands[k];
            for i in 0..m {
                let y = r.get(i).copied().unwrap_or(0.0);
                let out = band.tick(plan, l[i], y, self.gains.0[k][i], self.wet_rows.0[j][i]);
                l[i] = out.0;
                if let Some(v) = r.get_mut(i) {
                    *v = out.1;
                }
            }
            j += 1;
        }
        for &k in &order[..running] {
            self.bands[k].end_apply();
        }
    }
}

/// The linear output gain of `settings` (NaN → 0 dB, clamped to ±[`MAX_OUTPUT_GAIN_DB`]).
fn output_gain(settings: &DynamicEqSettings) -> f64 {
    let db = settings.output_gain_db;
    let db = if db.is_nan() {
        0.0
    } else {
        db.clamp(-MAX_OUTPUT_GAIN_DB, MAX_OUTPUT_GAIN_DB)
    };
    db_to_gain(f64::from(db))
}

impl Processor for DynamicEq {
    fn prepare(&mut self, spec: &ProcessSpec) {
        self.sample_rate_hz = spec.sample_rate_hz;
        self.max_block_frames = spec.max_block_frames;
        self.output_gain.prepare(spec.sample_rate_hz);
        self.listen.prepare(spec.sample_rate_hz);
        self.simd = crate::simd::detect();
        self.linear = Some(LinearPhaseEq::new(spec.sample_rate_hz));
        self.lp_bands = Vec::with_capacity(MAX_EQ_BANDS);
        for (band, settings) in self.bands.iter_mut().zip(self.settings.bands.iter()) {
            band.prepare(spec.sample_rate_hz, CHUNK);
            band.set_settings(settings);
        }
        self.reset();
    }

    fn reset(&mut self) {
        for band in &mut self.bands {
            band.reset();
        }
        self.clock = 0;
        self.fresh = true;
        self.listen.reset();
        if let Some(lp) = &mut self.linear {
            lp.reset();
        }
        for (k, b) in self.settings.bands.iter().enumerate() {
            self.listen.set_solo(k, b.used && b.solo);
        }
        self.output_gain.reset(output_gain(&self.settings));
    }

    fn latency_samples(&self) -> u32 {
        match &self.linear {
            Some(lp) if self.settings.phase == EqPhase::LinearPhase => lp.latency_samples() as u32,
            _ => 0,
        }
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        self.process_with_sidechain(channels, None);
    }
}
