//! Band splitter: cuts a block into up to [`MAX_BANDS`] bands in one of three phase modes.
//!
//! - **MinimumPhase**: Linkwitz-Riley crossovers ([`linkwitz_riley`]) in a balanced tree (the
//!   middle crossover first), every branch passed through the all-passes of the crossovers it did
//!   not go through, so every band carries the same all-pass and the sum of the bands is the
//!   all-pass `Π AP_k` of the input: flat magnitude, zero latency. A band's magnitude is the product
//!   of the LR lowpass/highpass magnitudes of the tree nodes above it (4 bands: `c1` first, then
//!   `c0` and `c2`; 6 bands: `c2`, then `c1`/`c4`, then `c0`/`c3`).
//! - **DynamicPhase**: `band_k = L_k(x) − L_{k−1}(x)` with `L_0 = 0`, `L_N = x` and `L_k` the LR
//!   lowpass at crossover k applied to the input, so the bands add up to the input exactly (up to
//!   `f32` rounding of the outputs) at zero latency. Isolation above a band is the LR slope (a
//!   5 kHz tone is −131 dB in the 120 Hz lowest band at 24 dB/oct); below a band's lower
//!   crossover, `L_k − L_{k−1}` is the difference of two curves with phases ≈ −2√2·f/fc and falls
//!   only at 6 dB/oct: ≈ `2√2·f·(1/c_{k−1} − 1/c_k)`, e.g. −12 dB at 12 Hz and −4 dB at 30 Hz
//!   in a 120..1000 Hz band (the MinimumPhase band: −80 dB and −48 dB).
//! - **LinearPhase**: the FIR bank of [`fir_crossover`]: zero-phase LR magnitudes, bands that add up
//!   to the input delayed by [`BandSplitter::latency_samples`].
//!
//! Why outputs do not depend on the block partition: every state advances per sample, and the
//! crossover smoothing (a one-pole in log-frequency, [`SMOOTHING_TIME_MS`]) steps every
//! [`SMOOTHING_STEP_SAMPLES`] samples counted from the last reset; the FIR bank works on hops
//! counted the same way. Band count, mode or slope changes clear the state (the multiband
//! crossfades them); crossover moves glide in the IIR modes and crossfade over one hop in
//! LinearPhase (the new kernels jump to the target, no glide).
//!
//! Robustness: non-finite (and subnormal) input samples are read as 0, so NaN/Inf never reach the
//! state; the state is also checked every [`CLEAN_EVERY_SAMPLES`] samples (from reset) and cleared
//! if non-finite, or to exact zero once it has decayed below [`FLUSH_LEVEL`]; outputs are
//! subnormal-free.
//!
//! Speed: the IIR modes run per channel pair in runs of up to [`RUN`] samples (ending at every
//! smoothing step while a glide runs), level by level through the program of
//! [`crossover_tree`] (two tree nodes × two channels in four `f64` lanes, AVX2 when present), or
//! for 4 and 6 MinimumPhase bands as the skewed pipelines of [`crossover_pipeline`] (24 dB/oct;
//! with AVX-512 also 48 dB/oct, two four-lane operations per eight-lane instruction,
//! [`crate::filter::crossover_pipeline512`]); all give the same bits. Highpasses are `AP − LP`
//! and the all-pass shares the first lowpass section's recursion ([`linkwitz_riley`]). Design is
//! `f64` everywhere; only the band outputs are `f32`.

use std::ops::Sub;

use super::crossover_pipeline::{self, sanitize};
use super::crossover_settings::{
    CrossoverMode, CrossoverSettings, CrossoverSlope, MAX_BANDS, MAX_CROSSOVERS,
};
use super::crossover_tree::{self, PairState, Program, ResponseRun, Slots, TreeCoefs, RUN};
use super::fir_crossover::{self, FirCrossover};
use super::linkwitz_riley::{self, section_count, Complex, LrCoefs, LrDesign};

/// Samples between two steps of the crossover smoothing (counted from reset).
pub const SMOOTHING_STEP_SAMPLES: usize = 32;
/// Time constant of the crossover glide in log-frequency, ms.
pub const SMOOTHING_TIME_MS: f64 = 20.0;
/// Samples between two checks of the IIR state for non-finite or decayed values (counted from
/// reset; a multiple of the run length).
pub const CLEAN_EVERY_SAMPLES: u64 = 2 * RUN as u64;
/// Distance to the target (natural log of the frequency ratio) below which a glide ends.
const SETTLE_LN: f64 = 1e-6;
/// A channel pair whose largest state magnitude falls below this is cleared to exact zero
/// (−600 dB: far below anything audible, far above `f64` subnormals).
pub const FLUSH_LEVEL: f64 = 1e-30;
/// The structure of the bands: changing any of it clears the state.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Structure {
    bands: usize,
    mode: CrossoverMode,
    slope: CrossoverSlope,
}

/// Splits audio into bands (see the module doc for the modes and their guarantees).
#[derive(Debug, Default)]
pub struct BandSplitter {
    sample_rate_hz: f64,
    max_block_frames: usize,
    channels: usize,
    settings: CrossoverSettings,
    structure: Option<Structure>,
    jump: bool,
    target_ln_hz: [f64; MAX_CROSSOVERS],
    current_ln_hz: [f64; MAX_CROSSOVERS],
    settled: bool,
    smoothing_coef: f64,
    /// Samples since the last reset (smoothing steps and state checks fall on multiples).
    position: u64,
    program: Program,
    coefs: TreeCoefs,
    pairs: Vec<PairState>,
    slots: Vec<Slots>,
    /// `[band][channel][frame]`.
    bands: Vec<f32>,
    len: usize,
    fir: Option<FirCrossover>,
}

impl BandSplitter {
    /// An unprepared splitter with default settings (call [`Self::prepare`] before splitting).
    pub fn new() -> Self {
        Self::default()
    }

    /// Allocates everything (filters, FFT plans, kernels, band buffers) for up to MAX_BANDS bands.
    pub fn prepare(&mut self, sample_rate_hz: f64, max_block_frames: usize, channels: usize) {
        let max_block_frames = max_block_frames.max(1);
        self.sample_rate_hz = sample_rate_hz;
        self.max_block_frames = max_block_frames;
        self.channels = channels;
        self.pairs = vec![PairState::default(); channels.div_ceil(2)];
        self.slots = vec![crossover_tree::new_slots()];
        self.bands = vec![0.0; MAX_BANDS * channels * max_block_frames];
        let mut fir = FirCrossover::new(sample_rate_hz, channels);
        // Kernels for the settings already handed over, designed here (not on the audio
        // thread), so the first split in Linear Phase, or a later switch to it, finds them.
        let (hz, count) = self.target_hz();
        fir.design_now(sample_rate_hz, &hz[..count], self.settings().slope);
        self.fir = Some(fir);
        self.smoothing_coef = 1.0
            - (-(SMOOTHING_STEP_SAMPLES as f64) / (SMOOTHING_TIME_MS * 1e-3 * sample_rate_hz))
                .exp();
        self.structure = None;
        self.reset();
    }

    /// Stores settings; they take effect at the next split (no allocation).
    pub fn set_settings(&mut self, settings: CrossoverSettings) {
        self.settings = settings;
    }

    /// Settings in force, crossovers clamped (clamp_crossovers at this rate).
    pub fn settings(&self) -> CrossoverSettings {
        let mut s = self.settings;
        s.bands = s.bands.clamp(1, MAX_BANDS);
        s.crossovers_hz = s.clamped_crossovers_hz(self.rate()).0;
        s
    }

    /// Latency of the current mode (0 for MinimumPhase and DynamicPhase); the mode last handed
    /// to [`Self::set_settings`] counts, so a host can be told before the next split.
    pub fn latency_samples(&self) -> u32 {
        Self::latency_samples_for(self.settings.mode, self.rate())
    }

    /// The latency a mode has at a rate (the same for any crossovers/band count), so hosts can be
    /// told before switching.
    pub fn latency_samples_for(mode: CrossoverMode, sample_rate_hz: f64) -> u32 {
        match mode {
            CrossoverMode::LinearPhase => fir_crossover::latency_samples(sample_rate_hz) as u32,
            CrossoverMode::MinimumPhase | CrossoverMode::DynamicPhase => 0,
        }
    }

    /// Clears all state; smoothed crossover frequencies jump to their targets (real-time safe).
    pub fn reset(&mut self) {
        self.pairs.fill(PairState::default());
        if let Some(fir) = &mut self.fir {
            fir.reset();
        }
        self.bands.fill(0.0);
        self.position = 0;
        self.len = 0;
        self.jump = true;
    }

    /// The rate (48 kHz before prepare, so settings can be clamped).
    fn rate(&self) -> f64 {
        if self.sample_rate_hz > 0.0 {
            self.sample_rate_hz
        } else {
            48_000.0
        }
    }

    /// Applies the handed-over settings at the top of a split.
    fn apply_settings(&mut self) {
        let s = self.settings();
        let structure = Structure {
            bands: s.bands,
            mode: s.mode,
            slope: s.slope,
        };
        if self.structure != Some(structure) {
            self.structure = Some(structure);
            self.program = Program::new(s.bands);
            self.pairs.fill(PairState::default());
            if let Some(fir) = &mut self.fir {
                fir.reset();
            }
            self.bands.fill(0.0);
            self.jump = true;
        }
        for k in 0..s.bands - 1 {
            let t = (s.crossovers_hz[k] as f64).ln();
            if t != self.target_ln_hz[k] {
                self.target_ln_hz[k] = t;
                self.settled = false;
            }
        }
        if self.jump {
            self.jump = false;
            self.current_ln_hz = self.target_ln_hz;
            self.settled = true;
            self.update_coefs();
            if s.mode == CrossoverMode::LinearPhase {
                let (hz, count) = self.target_hz();
                if let Some(fir) = &mut self.fir {
                    fir.design_now(self.sample_rate_hz, &hz[..count], s.slope);
                }
            }
        }
    }

    /// Target crossovers in Hz (as designed by the FIR bank) and their count.
    fn target_hz(&self) -> ([f64; MAX_CROSSOVERS], usize) {
        let s = self.settings();
        let mut hz = [0.0; MAX_CROSSOVERS];
        for (h, &c) in hz.iter_mut().zip(&s.crossovers_hz) {
            *h = c as f64;
        }
        (hz, s.bands - 1)
    }

    /// Recomputes the IIR coefficients from the smoothed crossovers.
    fn update_coefs(&mut self) {
        let slope = self.settings.slope;
        let count = self.program_bands() - 1;
        if count == 0 {
            return;
        }
        let mut d = [LrDesign::default(); MAX_CROSSOVERS];
        for (d, &ln_hz) in d.iter_mut().zip(&self.current_ln_hz).take(count) {
            *d = LrDesign::new(ln_hz.exp(), self.sample_rate_hz, slope);
        }
        // An unused half of a packed operation runs the used half's design (on zeros).
        let pack = |nodes: &[crossover_tree::Node], used: usize| {
            let a = nodes[0].crossover.min(count - 1);
            let b = if used > 1 { nodes[1].crossover } else { a };
            LrCoefs::from_designs(&d[a], &d[b])
        };
        for (l, level) in self.program.levels[..self.program.level_count]
            .iter()
            .enumerate()
        {
            if level.split_count > 0 {
                self.coefs.splits[l] = pack(&level.splits, level.split_count);
            }
            if level.allpass_count > 0 {
                self.coefs.allpasses[l] = pack(&level.allpasses, level.allpass_count);
            }
        }
        for (k, c) in self.coefs.lowpasses.iter_mut().enumerate() {
            let (a, b) = ((2 * k).min(count - 1), (2 * k + 1).min(count - 1));
            *c = LrCoefs::from_designs(&d[a], &d[b]);
        }
    }

    /// Band count of the structure in force.
    fn program_bands(&self) -> usize {
        self.structure.map_or(1, |s| s.bands)
    }

    /// One smoothing step (at a step boundary): glide, and clean the pair states if `clean`.
    fn step(&mut self, bands: usize, clean: bool) {
        let dynamic = self.settings.mode == CrossoverMode::DynamicPhase;
        let sections = self
            .structure
            .map_or(linkwitz_riley::MAX_SECTIONS, |s| section_count(s.slope));
        for p in self.pairs.iter_mut().filter(|_| clean) {
            let m = p.magnitude(&self.program, dynamic, sections);
            if !m.is_finite() || m < FLUSH_LEVEL {
                *p = PairState::default();
            }
        }
        if !self.settled {
            let mut settled = true;
            for k in 0..bands - 1 {
                let d = self.target_ln_hz[k] - self.current_ln_hz[k];
                if d.abs() < SETTLE_LN {
                    self.current_ln_hz[k] = self.target_ln_hz[k];
                } else {
                    self.current_ln_hz[k] += self.smoothing_coef * d;
                    settled = false;
                }
            }
            self.settled = settled;
            self.update_coefs();
        }
    }

    /// Splits one block (all channels, same length 1..=max_block_frames) into the bands; results
    /// are read with band().
    pub fn split(&mut self, input: &[&[f32]]) {
        assert!(
            !self.pairs.is_empty() || self.channels == 0,
            "prepare() first"
        );
        let frames = input.first().map_or(0, |c| c.len());
        assert!(frames <= self.max_block_frames && input.len() >= self.channels);
        self.apply_settings();
        self.len = frames;
        let s = self.settings();
        let bands = s.bands;
        let (channels, max) = (self.channels, self.max_block_frames);
        if s.mode == CrossoverMode::LinearPhase {
            let (hz, count) = self.target_hz();
            let out = &mut self.bands;
            let fir = self.fir.as_mut().expect("prepared");
            fir.run(
                frames,
                self.sample_rate_hz,
                (&hz[..count], s.slope),
                input,
                |ch, start, lows, dry| {
                    let n = dry.len();
                    let mut below: &[f32] = &[];
                    for (b, &l) in lows.iter().enumerate() {
                        let dst = &mut out[(b * channels + ch) * max + start..][..n];
                        if b == 0 {
                            dst.copy_from_slice(l);
                        } else {
                            for ((d, &v), &u) in dst.iter_mut().zip(l).zip(below) {
                                *d = v - u;
                            }
                        }
                        below = l;
                    }
                    let dst = &mut out[((bands - 1) * channels + ch) * max + start..][..n];
                    if lows.is_empty() {
                        dst.copy_from_slice(dry);
                    } else {
                        for ((d, &v), &u) in dst.iter_mut().zip(dry).zip(below) {
                            *d = v - u;
                        }
                    }
                },
            );
            self.flush_outputs(bands, frames);
            return;
        }
        let dynamic = s.mode == CrossoverMode::DynamicPhase;
        let sections = section_count(s.slope);
        // The pipelines write their bands subnormal-free themselves.
        let pipeline = !dynamic && crossover_pipeline::has_tree_kernel(bands, sections);
        let mut done = 0;
        while done < frames {
            let pos = self.position;
            if pos.is_multiple_of(SMOOTHING_STEP_SAMPLES as u64) {
                self.step(bands, pos.is_multiple_of(CLEAN_EVERY_SAMPLES));
            }
            // While a glide runs, runs end at every smoothing step; otherwise at run boundaries
            // (where the state checks fall), so the work is the same for any block partition.
            let stride = if self.settled {
                RUN
            } else {
                SMOOTHING_STEP_SAMPLES
            };
            let n = (stride - (pos % stride as u64) as usize).min(frames - done);
            for p in 0..self.pairs.len() {
                let (c0, c1) = (2 * p, (2 * p + 1).min(channels - 1));
                let pair = c1 != c0;
                if !pipeline {
                    self.run_slots(dynamic, input, (c0, c1), done, n);
                    continue;
                }
                let mut io = crossover_pipeline::PairIo {
                    left: &input[c0][done..done + n],
                    right: pair.then(|| &input[c1][done..done + n]),
                    out: &mut self.bands,
                    band_stride: channels * max,
                    offsets: [c0 * max + done, c1 * max + done],
                };
                crossover_pipeline::run_tree(
                    sections,
                    &self.program,
                    &mut self.pairs[p],
                    &self.coefs,
                    &mut io,
                    n,
                );
            }
            self.position += n as u64;
            done += n;
        }
        if !pipeline {
            self.flush_outputs(bands, frames);
        }
    }

    /// The DynamicPhase lowpasses (`dynamic`) or the MinimumPhase program level by level, of the
    /// channel pair `(c0, c1)` over `n` frames from `done`.
    fn run_slots(
        &mut self,
        dynamic: bool,
        input: &[&[f32]],
        (c0, c1): (usize, usize),
        done: usize,
        n: usize,
    ) {
        let (channels, max) = (self.channels, self.max_block_frames);
        let bands = self.program_bands();
        let pair = c1 != c0;
        let slots = &mut self.slots[0];
        for (i, v) in slots.slots[0][..n].iter_mut().enumerate() {
            let b = if pair {
                sanitize(input[c1][done + i])
            } else {
                0.0
            };
            *v = [sanitize(input[c0][done + i]), b];
        }
        let sections = section_count(self.settings.slope);
        crossover_tree::run(
            sections,
            &self.program,
            dynamic,
            &mut self.pairs[c0 / 2],
            &self.coefs,
            slots,
            n,
        );
        for b in 0..bands {
            let src = &slots.slots[crossover_tree::band_slot(&self.program, dynamic, b)][..n];
            for (lane, ch) in [(0, c0), (1, c1)].into_iter().take(1 + pair as usize) {
                let dst = &mut self.bands[(b * channels + ch) * max + done..][..n];
                for (d, o) in dst.iter_mut().zip(src) {
                    *d = o[lane] as f32;
                }
            }
        }
    }

    /// Flushes subnormal output samples of the used bands to zero.
    fn flush_outputs(&mut self, bands: usize, frames: usize) {
        for b in 0..bands {
            for ch in 0..self.channels {
                let at = (b * self.channels + ch) * self.max_block_frames;
                crate::subnormal::flush_subnormals(&mut self.bands[at..at + frames]);
            }
        }
    }

    /// Band `band` (0 = lowest) of channel `channel` from the last split (length = last block
    /// length).
    pub fn band(&self, band: usize, channel: usize) -> &[f32] {
        let at = (band * self.channels + channel) * self.max_block_frames;
        &self.bands[at..at + self.len]
    }

    /// Band `band` of channel `channel` from the last split, writable (e.g. to apply a gain).
    pub fn band_mut(&mut self, band: usize, channel: usize) -> &mut [f32] {
        let at = (band * self.channels + channel) * self.max_block_frames;
        &mut self.bands[at..at + self.len]
    }

    /// Complex response (re, im) of band `band` at freq_hz for the current settings and mode.
    /// LinearPhase: the zero-phase response of the FIR kernels without their delay (the analytic
    /// target until the next split has designed kernels for new settings).
    pub fn band_response(&self, band: usize, freq_hz: f64) -> (f64, f64) {
        let s = self.settings();
        let fs = self.rate();
        let (hz, count) = self.target_hz();
        if band >= s.bands {
            return (0.0, 0.0);
        }
        if s.mode == CrossoverMode::LinearPhase {
            let fir = self
                .fir
                .as_ref()
                .filter(|f| f.designed_for(&hz[..count], s.slope));
            let low = |k: usize| match fir {
                Some(f) => f.lowpass_response(k, freq_hz, fs),
                None => fir_crossover::target_lowpass(freq_hz, hz[k], s.slope),
            };
            let upper = if band < count { low(band) } else { 1.0 };
            let lower = if band > 0 { low(band - 1) } else { 0.0 };
            return (upper - lower, 0.0);
        }
        let mut lowpass = [Complex::default(); MAX_CROSSOVERS];
        let mut allpass = [Complex::default(); MAX_CROSSOVERS];
        for k in 0..count {
            (lowpass[k], allpass[k]) = LrDesign::new(hz[k], fs, s.slope).responses(freq_hz, fs);
        }
        let one = Complex::new(1.0, 0.0);
        let r = if s.mode == CrossoverMode::DynamicPhase {
            let upper = if band < count { lowpass[band] } else { one };
            let lower = if band > 0 {
                lowpass[band - 1]
            } else {
                Complex::default()
            };
            upper.sub(lower)
        } else {
            let mut run = ResponseRun { lowpass, allpass };
            let mut out = [Complex::default(); MAX_BANDS];
            crossover_tree::tree(&mut run, s.bands, one, &mut out);
            out[band]
        };
        (r.re, r.im)
    }
}

/// Analytic LR magnitudes, re-exported for tests and the editor.
pub use linkwitz_riley::lr_magnitudes;
