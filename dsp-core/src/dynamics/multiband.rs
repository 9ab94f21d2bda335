//! The multiband compressor/expander with per-band transient shaping.
//!
//! Signal flow, per chunk of at most [`CHUNK`] frames:
//! sanitised input → [`BandSplitter`] (and a second splitter for the external sidechain) →
//! per band: detector signal (linked stereo, mid, side, left or right; internal or external) →
//! [`BandDynamics`] (level detector → static curve → transient shaper → makeup: one linear gain
//! per sample) → the bands are delayed by the lookahead → each gain is applied to the band's
//! routed component (stereo, M, S, L, R) and weighted by solo/mute → the bands are summed →
//! mixed with the dry input delayed by the whole latency → output gain → bypass crossfade.
//!
//! Why the guarantees hold:
//! - **Minimum / Linear Phase**: the wet output is Σ w_b·band'_b; at unity it is the splitter's
//!   sum (an all-pass, or the input delayed by the FIR latency).
//! - **Dynamic Phase**: no crossover in the signal path while nothing acts: the output is the
//!   (lookahead-delayed) input, bit for bit, and the bands are not even summed. When any band's
//!   gain leaves 1 (or a band is soloed or muted), the Minimum Phase result is faded in over
//!   [`ENGAGE_MS`]; once every band has been idle for [`DISENGAGE_HOLD_MS`] it fades out again.
//!   Engaged, it is Minimum Phase: equal gains g give g × an all-pass of the input (magnitude
//!   exactly g), and bands are as isolated as Linkwitz-Riley bands are. Only the fades mix the
//!   input with its all-pass (a brief, shallow comb near the crossovers). A zero-latency split
//!   whose bands sum to the input itself (differences of low-passes) was measured and rejected:
//!   its bands are out of phase with the input (a 60 Hz tone compressed in band 1 came out
//!   louder, and 47 % of a 1 kHz tone landed in the band above 6 kHz).
//! - **Mix**: wet and dry are aligned to the sample (the dry path is delayed by the splitter's
//!   latency plus the lookahead; in Minimum Phase the dry signal of the mix is the bands' unity
//!   sum, the same all-pass the wet signal has), so a partial mix never combs. Bypass crossfades
//!   to the plain delayed input.
//! - **Automation**: band parameters are smoothed inside [`BandDynamics`]; mix, output gain,
//!   solo/mute weights and bypass ramp per sample; crossovers glide inside the splitter. A change
//!   of band count, mode, slope or lookahead crossfades the wet signal to the (aligned) dry
//!   signal over [`SWITCH_MS`], switches, and fades back.
//! - **Determinism**: all state advances per sample and chunks are cut at [`CHUNK`] frames from
//!   the start of each call, and every stage is itself partition-invariant, so any block
//!   partition gives the same output; settings handed over before `reset()` apply at once.

use super::band_bank::{follow_bank, in_simd_build};
use super::band_curve::auto_makeup_db;
use super::band_dynamics::BandDynamics;
use super::band_settings::{BandSettings, BandSidechain};
use super::multiband_settings::{MultibandSettings, MAX_LOOKAHEAD_MS};
use crate::delay::DelayLine;
use crate::filter::crossover::BandSplitter;
use crate::filter::crossover_settings::{
    CrossoverMode, CrossoverSettings, CrossoverSlope, CROSSOVER_MIN_HZ, MAX_BANDS,
};
use crate::processor::{ProcessSpec, Processor};
use crate::simd::SimdLevel;
use crate::smoothing::LinearSmoother;
use crate::units::db_to_gain;

mod summing;
use summing::routed_magnitude;

/// Frames processed at once inside a call (bounds the scratch buffers).
pub const CHUNK: usize = 256;
// A chunk is one chunk of each band's dynamics (`begin_chunk` takes up to its `CHUNK`).
const _: () = assert!(CHUNK <= super::band_dynamics::CHUNK);
/// Ramp of mix, output gain, solo/mute weights and bypass, ms.
const RAMP_MS: f64 = 10.0;
/// Half of the wet → dry → wet crossfade around a structural change, ms.
pub const SWITCH_MS: f64 = 5.0;
/// Dynamic Phase: time to engage the crossover fully when a band starts acting (and to
/// disengage it), ms.
pub const ENGAGE_MS: f64 = 20.0;
/// Dynamic Phase: how long every band must be idle before the crossover disengages, ms.
pub const DISENGAGE_HOLD_MS: f64 = 500.0;
/// Largest input magnitude passed on (+120 dBFS); beyond it, values are clamped.
const MAX_INPUT: f32 = 1e6;

/// What one band is doing right now, for meters and the editor.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BandMeter {
    /// Level the band's detector reads, dB (−200 for silence).
    pub level_db: f32,
    /// Gain change the dynamics apply (makeup and transient shaping excluded), dB.
    pub gain_db: f32,
    /// Gain change of the transient shaper, dB.
    pub transient_db: f32,
}

/// The parts of the settings whose change rebuilds the signal path.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Structure {
    bands: usize,
    mode: CrossoverMode,
    slope: CrossoverSlope,
    lookahead_samples: usize,
}

/// A phase-coherent multiband compressor/expander with transient shaping (see the module docs).
#[derive(Debug, Default)]
pub struct MultibandCompressor {
    /// Settings handed over last.
    settings: MultibandSettings,
    /// Structure the signal path is built for.
    running: Option<Structure>,
    sample_rate_hz: f64,
    channels: usize,
    splitter: BandSplitter,
    sidechain_splitter: BandSplitter,
    /// Dynamic Phase: how far the crossover's result is faded in (0..1).
    engagement: f32,
    /// Dynamic Phase: samples since the last active one.
    idle_samples: usize,
    /// Dynamic Phase: nothing processed since reset yet.
    fresh: bool,
    engage_samples: usize,
    disengage_hold_samples: usize,
    dynamics: Vec<BandDynamics>,
    /// Band signals delayed by the lookahead (channel index `band * channels + ch`).
    lookahead: DelayLine,
    /// Dry input delayed by the whole latency.
    dry_delay: DelayLine,
    mix: LinearSmoother,
    output_gain: LinearSmoother,
    bypass: LinearSmoother,
    weights: [LinearSmoother; MAX_BANDS],
    /// Samples left in the fade-out before a structural switch (0: none pending).
    switch_out_left: usize,
    /// Samples left in the fade-in after a switch.
    switch_in_left: usize,
    switch_samples: usize,
    meters: [BandMeter; MAX_BANDS],
    /// The vector build the chunk loops run in.
    simd: SimdLevel,
    // Scratch, CHUNK frames each.
    input: Vec<Vec<f32>>,
    dry: Vec<Vec<f32>>,
    wet: Vec<Vec<f32>>,
    /// Unity sum of the bands (Minimum Phase: the dry signal of the mix).
    unity: Vec<Vec<f32>>,
    gains: Vec<Vec<f32>>,
    weight_ramps: Vec<Vec<f32>>,
    detector: Vec<f32>,
    magnitude: Vec<f32>,
    mix_ramp: Vec<f32>,
    switch_ramp: Vec<f32>,
    engagement_ramp: Vec<f32>,
    /// Mid of a stereo sidechain feeding a mono main.
    sidechain_mono: Vec<f32>,
    output_ramp: Vec<f32>,
    bypass_ramp: Vec<f32>,
}

impl MultibandCompressor {
    /// A compressor with default settings; call [`Processor::prepare`] before processing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands over new settings; they apply from the next processed sample (smoothed while audio runs).
    pub fn set_settings(&mut self, settings: MultibandSettings) {
        self.settings = settings;
    }

    /// The settings last handed over.
    pub fn settings(&self) -> MultibandSettings {
        self.settings
    }

    /// Lookahead in samples at `sample_rate_hz` (rounded, clamped to 0..20 ms).
    pub fn lookahead_samples_for(lookahead_ms: f32, sample_rate_hz: f64) -> usize {
        let ms = if lookahead_ms.is_finite() {
            lookahead_ms.clamp(0.0, MAX_LOOKAHEAD_MS) as f64
        } else {
            0.0
        };
        (ms * 0.001 * sample_rate_hz).round() as usize
    }

    /// The latency `settings` would have at `sample_rate_hz`, samples: the splitter's plus the lookahead.
    pub fn latency_samples_for(settings: &MultibandSettings, sample_rate_hz: f64) -> u32 {
        BandSplitter::latency_samples_for(settings.mode, sample_rate_hz)
            + Self::lookahead_samples_for(settings.lookahead_ms, sample_rate_hz) as u32
    }

    /// `wanted` with every latency-changing field (lookahead, mode) kept at its `running` value.
    pub fn settings_keeping_latency(
        wanted: MultibandSettings,
        running: MultibandSettings,
    ) -> MultibandSettings {
        MultibandSettings {
            lookahead_ms: running.lookahead_ms,
            mode: running.mode,
            ..wanted
        }
    }

    /// Per-band meters of the last processed chunk (the first `bands` entries are used).
    pub fn band_meters(&self) -> [BandMeter; MAX_BANDS] {
        self.meters
    }

    fn structure(&self) -> Structure {
        let s = &self.settings;
        Structure {
            bands: s.bands.clamp(1, MAX_BANDS),
            mode: s.mode,
            slope: s.slope,
            lookahead_samples: Self::lookahead_samples_for(s.lookahead_ms, self.sample_rate_hz),
        }
    }

    /// Builds the signal path for the settings handed over (filters cleared, delays set).
    fn apply_structure(&mut self) {
        let structure = self.structure();
        let crossover = self.settings.crossover();
        self.set_splitter_settings(crossover);
        self.splitter.reset();
        self.sidechain_splitter.reset();

        for d in &mut self.dynamics {
            d.reset();
        }
        self.lookahead
            .set_delay_samples(structure.lookahead_samples);
        self.lookahead.fill(0.0);
        let latency = BandSplitter::latency_samples_for(structure.mode, self.sample_rate_hz)
            as usize
            + structure.lookahead_samples;
        self.dry_delay.set_delay_samples(latency);
        self.running = Some(structure);
    }

    /// Hands crossover settings to the splitters; Dynamic Phase runs the Minimum Phase
    /// (Linkwitz-Riley) split and fades its result in and out (see the module docs).
    fn set_splitter_settings(&mut self, crossover: CrossoverSettings) {
        let split = CrossoverSettings {
            mode: if crossover.mode == CrossoverMode::DynamicPhase {
                CrossoverMode::MinimumPhase
            } else {
                crossover.mode
            },
            ..crossover
        };
        self.splitter.set_settings(split);
        self.sidechain_splitter.set_settings(split);
    }

    /// Hands the continuous settings to the stages (smoothed there or by the ramps here).
    fn apply_continuous(&mut self) {
        let s = self.settings;
        // Until a structural change is switched in, the splitter keeps the running structure.
        let mut crossover = s.crossover();
        if let Some(r) = self.running {
            crossover.bands = r.bands;
            crossover.mode = r.mode;
            crossover.slope = r.slope;
        }
        let bands = crossover.bands;
        self.set_splitter_settings(crossover);
        let (crossovers, _) = crossover.clamped_crossovers_hz(self.sample_rate_hz);
        let any_solo = s.band[..bands].iter().any(|b| b.solo);
        for (b, band) in s.band[..bands].iter().enumerate() {
            let lowest_hz = if b == 0 {
                CROSSOVER_MIN_HZ
            } else {
                crossovers[b - 1]
            };
            self.dynamics[b].set_settings(&effective_band(band, s.auto_makeup), lowest_hz);
            let audible = !band.mute && (!any_solo || band.solo);
            self.weights[b].set_target(if audible { 1.0 } else { 0.0 });
        }
        self.mix
            .set_target(f64::from(s.mix_percent.clamp(0.0, 100.0)) * 0.01);
        self.output_gain
            .set_target(db_to_gain(f64::from(s.output_gain_db.clamp(-24.0, 24.0))));
        self.bypass.set_target(if s.bypass { 1.0 } else { 0.0 });
    }

    /// Processes in place with an optional external sidechain (at least as long as the main
    /// channels; a mono sidechain feeds every channel, a stereo one feeds a mono main its mid).
    pub fn process_with_sidechain(
        &mut self,
        channels: &mut [&mut [f32]],
        sidechain: Option<&[&[f32]]>,
    ) {
        if self.running.is_none() || channels.is_empty() {
            return;
        }
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut start = 0;
        while start < frames {
            if self.switch_out_left == 0 && self.switch_in_left == 0 && self.structure_changed() {
                self.switch_out_left = self.switch_samples;
            }
            let mut n = CHUNK.min(frames - start);
            if self.switch_out_left > 0 {
                n = n.min(self.switch_out_left);
            }
            self.apply_continuous();
            let mut refs: [&mut [f32]; 16] = Default::default();
            let count = channels.len().min(self.channels).min(16);
            for (r, c) in refs.iter_mut().zip(channels.iter_mut()) {
                *r = &mut c[start..start + n];
            }
            // The sidechain is mapped onto the main channels: the same count as is; a mono key
            // feeds every channel; a wider one feeds a mono main as its mid, (L + R) / 2.
            let sc_ok =
                sidechain.is_some_and(|s| !s.is_empty() && s.iter().all(|c| c.len() >= start + n));
            let mut mono = std::mem::take(&mut self.sidechain_mono);
            let mut sc: [&[f32]; 16] = Default::default();
            if let (true, Some(s)) = (sc_ok, sidechain) {
                if count == 1 && s.len() >= 2 {
                    for ((m, &l), &r) in mono[..n]
                        .iter_mut()
                        .zip(&s[0][start..start + n])
                        .zip(&s[1][start..start + n])
                    {
                        *m = 0.5 * (l + r);
                    }
                    sc[0] = &mono[..n];
                } else {
                    for (c, r) in sc.iter_mut().enumerate().take(count) {
                        *r = &s[c % s.len()][start..start + n];
                    }
                }
            }
            self.process_chunk(&mut refs[..count], sc_ok.then_some(&sc[..count]), n);
            self.sidechain_mono = mono;
            if self.switch_out_left > 0 {
                self.switch_out_left -= n;
                if self.switch_out_left == 0 {
                    self.apply_structure();
                    self.switch_in_left = self.switch_samples;
                }
            } else if self.switch_in_left > 0 {
                self.switch_in_left = self.switch_in_left.saturating_sub(n);
            }
            start += n;
        }
    }

    fn structure_changed(&self) -> bool {
        self.running != Some(self.structure())
    }

    /// [`process_chunk_body`](Self::process_chunk_body) built for the widest vector
    /// instructions available (its loops are element-wise, so every build gives the same bits).
    fn process_chunk(&mut self, io: &mut [&mut [f32]], sidechain: Option<&[&[f32]]>, n: usize) {
        in_simd_build(
            self.simd,
            #[inline(always)]
            || self.process_chunk_body(io, sidechain, n),
        );
    }

    #[inline(always)]
    fn process_chunk_body(
        &mut self,
        io: &mut [&mut [f32]],
        sidechain: Option<&[&[f32]]>,
        n: usize,
    ) {
        let channels = io.len();
        let structure = self.running.expect("prepared");
        let bands = structure.bands;
        // Sanitised input (NaN/Inf → silence), and the dry copy delayed by the whole latency.
        for (ch, x) in io.iter().enumerate() {
            for (d, &v) in self.input[ch][..n].iter_mut().zip(x.iter()) {
                *d = if v.is_finite() {
                    v.clamp(-MAX_INPUT, MAX_INPUT)
                } else {
                    0.0
                };
            }
            self.dry[ch][..n].copy_from_slice(&self.input[ch][..n]);
            self.dry_delay.process_channel(ch, &mut self.dry[ch][..n]);
        }
        self.dry_delay.advance(n);
        {
            let inputs: [&[f32]; 16] = std::array::from_fn(|ch| {
                if ch < channels {
                    &self.input[ch][..n]
                } else {
                    &[]
                }
            });
            self.splitter.split(&inputs[..channels]);
        }
        let needs_sidechain = self.settings.band[..bands]
            .iter()
            .any(|b| b.sidechain == BandSidechain::External);
        let external = match sidechain {
            Some(sc) if needs_sidechain => {
                let clean: [&[f32]; 16] =
                    std::array::from_fn(|ch| if ch < channels { &sc[ch][..n] } else { &[] });
                self.sidechain_splitter.split(&clean[..channels]);
                true
            }
            _ => false,
        };
        // Detection on the undelayed bands, one gain per band and sample.
        for b in 0..bands {
            let band = self.settings.band[b];
            let source = if external && band.sidechain == BandSidechain::External {
                &self.sidechain_splitter
            } else {
                &self.splitter
            };
            routed_magnitude(source, b, channels, band.channel, &mut self.detector[..n]);
            // The internal detector reads the band's own routed magnitude: the same slice
            // serves both (and lets the band run one hold for detector and shaper).
            let external_source = !std::ptr::eq(source, &self.splitter);
            if external_source {
                routed_magnitude(
                    &self.splitter,
                    b,
                    channels,
                    band.channel,
                    &mut self.magnitude[..n],
                );
            }
            let audio = if external_source {
                &self.magnitude[..n]
            } else {
                &self.detector[..n]
            };
            self.dynamics[b].begin_chunk(&self.detector[..n], audio);
            self.weights[b].fill(&mut self.weight_ramps[b][..n]);
        }
        // Every band's followers in one serial loop, then each band's gains.
        follow_bank(&mut self.dynamics[..bands], n);
        for b in 0..bands {
            let values = self.dynamics[b].finish_chunk(&mut self.gains[b][..n]);
            self.meters[b] = BandMeter {
                level_db: values.level_db,
                gain_db: values.gain_db,
                transient_db: values.transient_db,
            };
        }
        for m in &mut self.meters[bands..] {
            *m = BandMeter::default();
        }
        // Dynamic Phase: how far the crossover is engaged, per sample (0: the output is the dry
        // input, untouched; the crossover's result is not even computed while it stays 0).
        let dynamic_phase = structure.mode == CrossoverMode::DynamicPhase;
        let engaged = !dynamic_phase || self.fill_engagement(bands, n);
        if structure.lookahead_samples > 0 {
            for b in 0..bands {
                for ch in 0..channels {
                    self.lookahead
                        .process_channel(b * channels + ch, self.splitter.band_mut(b, ch));
                }
            }
            self.lookahead.advance(n);
        }
        self.mix.fill(&mut self.mix_ramp[..n]);
        self.fill_switch_ramp(n);
        self.output_gain.fill(&mut self.output_ramp[..n]);
        self.bypass.fill(&mut self.bypass_ramp[..n]);
        // The bands' unity sum is only read where the mix is below 100 %.
        let full_mix = !self.mix.is_smoothing() && self.mix.value() == 1.0;
        if engaged {
            self.sum_bands(bands, channels, n, !full_mix);
        }
        // Mix (against the bands' unity sum, the crossovers' all-pass, so a partial mix never
        // combs), Dynamic Phase engagement, structural crossfade, output gain, bypass.
        // Fully wet, engaged, no switch, unity output gain, not bypassed: the loop below
        // would write `wet` itself, so copy it.
        let plain_wet = engaged
            && full_mix
            && self.switch_out_left == 0
            && self.switch_in_left == 0
            && !self.output_gain.is_smoothing()
            && self.output_gain.value() == 1.0
            && !self.bypass.is_smoothing()
            && self.bypass.value() == 0.0
            && (!dynamic_phase || self.engagement_ramp[..n].iter().all(|&e| e == 1.0));
        if plain_wet {
            for (out, wet) in io.iter_mut().zip(&self.wet) {
                out.copy_from_slice(&wet[..n]);
            }
            return;
        }
        let all_pass_dry = structure.mode != CrossoverMode::LinearPhase;
        for (ch, out) in io.iter_mut().enumerate() {
            let (wet, dry) = (&self.wet[ch][..n], &self.dry[ch][..n]);
            let mix_dry = if all_pass_dry {
                &self.unity[ch][..n]
            } else {
                dry
            };
            for i in 0..n {
                let mut y = dry[i];
                if engaged {
                    let a = self.mix_ramp[i];
                    let mixed = if a == 1.0 {
                        wet[i]
                    } else {
                        mix_dry[i] + a * (wet[i] - mix_dry[i])
                    };
                    let e = if dynamic_phase {
                        self.engagement_ramp[i]
                    } else {
                        1.0
                    };
                    y = if e == 1.0 {
                        mixed
                    } else {
                        dry[i] + e * (mixed - dry[i])
                    };
                }
                let f = self.switch_ramp[i];
                if f != 1.0 {
                    y = dry[i] + f * (y - dry[i]);
                }
                let g = self.output_ramp[i];
                if g != 1.0 {
                    y *= g;
                }
                let p = self.bypass_ramp[i];
                out[i] = if p == 0.0 { y } else { y + p * (dry[i] - y) };
            }
        }
    }
}

/// The band's settings as its dynamics see them: makeup plus the auto makeup when it is on.
fn effective_band(band: &BandSettings, auto_makeup: bool) -> BandSettings {
    let mut b = *band;
    if auto_makeup && !band.bypass {
        b.makeup_db += auto_makeup_db(band);
    }
    b
}

impl Processor for MultibandCompressor {
    fn prepare(&mut self, spec: &ProcessSpec) {
        let fs = spec.sample_rate_hz;
        let channels = spec.channels.clamp(1, 16);
        self.sample_rate_hz = fs;
        self.channels = channels;
        self.simd = crate::simd::detect();
        self.splitter.prepare(fs, CHUNK, channels);
        self.sidechain_splitter.prepare(fs, CHUNK, channels);
        self.dynamics = (0..MAX_BANDS)
            .map(|_| {
                let mut d = BandDynamics::new();
                d.prepare(fs, CHUNK);
                d
            })
            .collect();
        let max_lookahead = Self::lookahead_samples_for(MAX_LOOKAHEAD_MS, fs);
        self.lookahead = DelayLine::new(max_lookahead);
        self.lookahead
            .prepare(&ProcessSpec::new(fs, CHUNK, MAX_BANDS * channels));
        let max_latency = CrossoverMode::ALL
            .iter()
            .map(|&m| BandSplitter::latency_samples_for(m, fs) as usize)
            .max()
            .unwrap_or(0)
            + max_lookahead;
        self.dry_delay = DelayLine::new(max_latency);
        self.dry_delay
            .prepare(&ProcessSpec::new(fs, CHUNK, channels));
        let buffers = |count: usize| vec![vec![0.0f32; CHUNK]; count];
        self.input = buffers(channels);
        self.dry = buffers(channels);
        self.wet = buffers(channels);
        self.unity = buffers(channels);
        self.gains = buffers(MAX_BANDS);
        self.weight_ramps = buffers(MAX_BANDS);
        self.detector = vec![0.0; CHUNK];
        self.magnitude = vec![0.0; CHUNK];
        self.mix_ramp = vec![0.0; CHUNK];
        self.switch_ramp = vec![1.0; CHUNK];
        self.engagement_ramp = vec![0.0; CHUNK];
        self.sidechain_mono = vec![0.0; CHUNK];
        self.engage_samples = ((ENGAGE_MS * 0.001 * fs).round() as usize).max(1);
        self.disengage_hold_samples = (DISENGAGE_HOLD_MS * 0.001 * fs).round() as usize;
        self.output_ramp = vec![0.0; CHUNK];
        self.bypass_ramp = vec![0.0; CHUNK];
        self.mix = LinearSmoother::new(RAMP_MS, 1.0);
        self.output_gain = LinearSmoother::new(RAMP_MS, 1.0);
        self.bypass = LinearSmoother::new(RAMP_MS, 0.0);
        self.weights = [LinearSmoother::new(RAMP_MS, 1.0); MAX_BANDS];
        for s in [&mut self.mix, &mut self.output_gain, &mut self.bypass]
            .into_iter()
            .chain(self.weights.iter_mut())
        {
            s.prepare(fs);
        }
        self.switch_samples = ((SWITCH_MS * 0.001 * fs).round() as usize).max(1);
        self.reset();
    }

    fn reset(&mut self) {
        if self.dynamics.is_empty() {
            return;
        }
        self.apply_structure();
        self.dry_delay.fill(0.0);
        self.apply_continuous();
        for d in &mut self.dynamics {
            d.reset();
        }
        for s in [&mut self.mix, &mut self.output_gain, &mut self.bypass]
            .into_iter()
            .chain(self.weights.iter_mut())
        {
            let target = s.target();
            s.reset(target);
        }
        self.switch_out_left = 0;
        self.switch_in_left = 0;
        self.engagement = 0.0;
        self.idle_samples = usize::MAX;
        self.fresh = true;
        self.meters = [BandMeter::default(); MAX_BANDS];
    }

    /// The latency of the settings handed over: a change of lookahead or mode is switched in
    /// within [`SWITCH_MS`] (crossfaded through the dry signal), so hosts are told at once.
    fn latency_samples(&self) -> u32 {
        if self.running.is_none() {
            return 0;
        }
        Self::latency_samples_for(&self.settings, self.sample_rate_hz)
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        self.process_with_sidechain(channels, None);
    }
}
