//! The Dynamic EQ's Linear Phase mode: the bands' zero-phase response played as FIR kernels by
//! partitioned overlap-save ([`crate::filter::partitioned`]): 8191 taps in 16 partitions of
//! 512 at 48 kHz, latency 4607 samples = 96 ms (4274 at 44.1 kHz, 9214 at 96 kHz; the kernel
//! scales with the rate, so the resolution in Hz is the same at every rate from 44.1 kHz up).
//!
//! At every hop boundary the bands' response ([`super::lp_response`]: exactly the magnitude the
//! zero-latency mode plays, placements as a 2×2 matrix) is compared with the playing kernels'; if
//! it changed, it is sampled on a grid of twice the kernel span, inverse-transformed, centred,
//! windowed (flat over the inner 80 %, a Kaiser taper outside) and cut to the kernel, and the
//! next hop is cross-faded linearly from the old kernels' output to the new ones'. So a dynamic
//! band's gain reaches the audio as a piecewise-linear trajectory with one point per hop
//! (10.7 ms at 48 kHz). Each dynamic gain is taken from `round(centre / hop)` hops back, so the
//! cut lines up with the delayed audio it was measured on, as in the zero-latency mode.
//!
//! Idle is the delayed input: when no band changes anything the output is the input delayed by
//! the latency, bit for bit (no FFT runs for it).
//!
//! Resolution (tests/dynamic_eq_linear_phase.rs, worst error against the zero-latency magnitude
//! from 20 Hz to 20 kHz where it is above −30 dB): within 0.05 dB for responses that settle
//! inside the kernel's ±68 ms flat part: bells and shelves from 30 Hz at Q ≤ 1, 100 Hz at Q 2,
//! 250 Hz at Q 4 (≤ 0.016 dB), cuts of 24 dB/oct from 40 Hz (0.021 dB), notches, band passes.
//! Beyond it the low end is smoothed: a 60 Hz Q 4 bell is off by 0.26 dB at its centre, a 25 Hz
//! 24 dB/oct cut by 0.08 dB at 20 Hz, a 30 Hz 48 dB/oct cut by 4.2 dB at 20 Hz.
//!
//! Cost: 8 dynamic bells ≈ 132× real time at 48 kHz stereo (benches/dynamic_eq.rs); the design
//! (response on the grid, one inverse FFT and 16 partition FFTs per kernel) runs only at hops
//! whose response changed.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner};

use super::lp_response::{LpBand, ResponseGrid, Structure};
use super::settings::MAX_EQ_BANDS;
use crate::filter::partitioned::{
    hop_samples, kernel_half_samples_with, taper_with_flat, PartitionedConvolver,
};

/// Kernel span in hops (8192 samples at 48 kHz).
const PARTITIONS: usize = 16;
/// Design grid length relative to the kernel span.
const DESIGN_OVERSAMPLING: usize = 2;
/// Flat part of the kernels' window (the outer fifth tapers).
const FLAT_FRACTION: f64 = 0.8;
/// Hops of dynamic gains kept (enough for the longest lag at any rate).
const GAIN_RING: usize = 8;

/// One set of kernels: the response it was designed for and its partition spectra.
#[derive(Debug, Default)]
struct KernelSet {
    structure: Structure,
    bands: Vec<LpBand>,
    channels: usize,
    /// `[entry][partition][bin]`, real and imaginary parts (scaled for the inverse FFT).
    re: Vec<f32>,
    im: Vec<f32>,
}

/// The linear-phase engine (see the module docs).
pub struct LinearPhaseEq {
    hop: usize,
    half: usize,
    latency: usize,
    conv: PartitionedConvolver,
    design_ifft: Arc<dyn ComplexToReal<f32>>,
    design_scratch: Vec<Complex<f32>>,
    design_spectrum: Vec<Complex<f32>>,
    design_time: Vec<f32>,
    window: Vec<f32>,
    grid: ResponseGrid,
    sets: [KernelSet; 2],
    active: usize,
    /// No hop since reset: the first response is designed into the active set at once.
    fresh: bool,
    /// `[channel][hop]`: the output hop being played.
    output: Vec<f32>,
    /// One hop of the old kernels' output during a cross-fade.
    old: Vec<f32>,
    /// `[channel][latency]`: the input ring (the oldest hop is the dry signal of the next hop).
    dry: Vec<f32>,
    dry_pos: usize,
    /// Position in the current hop.
    pos: usize,
    /// `[band][GAIN_RING]`: dynamic gains at past hop boundaries.
    gains: Vec<f32>,
    gain_pos: usize,
    lag_hops: usize,
}

impl std::fmt::Debug for LinearPhaseEq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinearPhaseEq")
            .field("hop", &self.hop)
            .field("latency", &self.latency)
            .finish_non_exhaustive()
    }
}

/// Latency of the linear-phase mode at a rate, samples.
pub fn latency_samples(sample_rate_hz: f64) -> usize {
    kernel_half_samples_with(sample_rate_hz, PARTITIONS) + hop_samples(sample_rate_hz)
}

impl LinearPhaseEq {
    /// Allocates everything for stereo at `sample_rate_hz`.
    pub fn new(sample_rate_hz: f64) -> Self {
        let hop = hop_samples(sample_rate_hz);
        let half = kernel_half_samples_with(sample_rate_hz, PARTITIONS);
        let conv = PartitionedConvolver::new(hop, PARTITIONS, 2);
        let design_len = DESIGN_OVERSAMPLING * PARTITIONS * hop;
        let design_ifft = RealFftPlanner::<f32>::new().plan_fft_inverse(design_len);
        let len = 2 * half + 1;
        let spectra = conv.spectra_len();
        let set = || KernelSet {
            bands: Vec::with_capacity(MAX_EQ_BANDS),
            re: vec![0.0; 4 * spectra],
            im: vec![0.0; 4 * spectra],
            ..KernelSet::default()
        };
        let latency = half + hop;
        Self {
            hop,
            half,
            latency,
            conv,
            design_scratch: vec![Complex::default(); design_ifft.get_scratch_len()],
            design_spectrum: vec![Complex::default(); design_len / 2 + 1],
            design_time: vec![0.0; design_len],
            design_ifft,
            window: (0..len)
                .map(|m| {
                    taper_with_flat((m as f64 - half as f64) / (half + 1) as f64, FLAT_FRACTION)
                        as f32
                })
                .collect(),
            grid: ResponseGrid::new(design_len),
            sets: [set(), set()],
            active: 0,
            fresh: true,
            output: vec![0.0; 2 * hop],
            old: vec![0.0; hop],
            dry: vec![0.0; 2 * latency],
            dry_pos: 0,
            pos: 0,
            gains: vec![1.0; MAX_EQ_BANDS * GAIN_RING],
            gain_pos: 0,
            lag_hops: ((half as f64 / hop as f64).round() as usize).min(GAIN_RING - 1),
        }
    }

    /// Latency, samples.
    pub fn latency_samples(&self) -> usize {
        self.latency
    }

    /// Clears the signal and the gain history; the next response applies without a fade.
    pub fn reset(&mut self) {
        self.conv.reset();
        self.output.fill(0.0);
        self.dry.fill(0.0);
        self.dry_pos = 0;
        self.pos = 0;
        self.gains.fill(1.0);
        self.gain_pos = 0;
        self.fresh = true;
    }

    /// Samples left until the next hop boundary (at least 1).
    pub fn until_boundary(&self) -> usize {
        self.hop - self.pos
    }

    /// Whether a hop is complete and [`hop_boundary`](Self::hop_boundary) is due before the next
    /// sample.
    pub fn boundary_due(&self) -> bool {
        self.pos == self.hop
    }

    /// Records band `k`'s dynamic gain at the boundary just reached (call for every band, then
    /// [`hop_boundary`](Self::hop_boundary)).
    pub fn record_gain(&mut self, k: usize, gain: f32) {
        self.gains[k * GAIN_RING + self.gain_pos] = gain;
    }

    /// Band `k`'s dynamic gain to play at this boundary (from `round(centre / hop)` hops back).
    pub fn lagged_gain(&self, k: usize) -> f32 {
        let slot = (self.gain_pos + GAIN_RING - self.lag_hops) % GAIN_RING;
        self.gains[k * GAIN_RING + slot]
    }

    /// Runs `n` frames (at most [`until_boundary`](Self::until_boundary)) of `channels` (one or
    /// two, at `start`) in place: the input goes in, the playing hop comes out.
    pub fn process(&mut self, channels: &mut [&mut [f32]], start: usize, n: usize) {
        let n = n.min(self.hop - self.pos);
        let latency = self.latency;
        for (ch, x) in channels.iter_mut().enumerate().take(2) {
            let x = &mut x[start..start + n];
            let hop_in = self.conv.hop_input_mut(ch, self.pos, n);
            for (d, &v) in hop_in.iter_mut().zip(x.iter()) {
                let a = v.abs();
                *d = if (f32::MIN_POSITIVE..=f32::MAX).contains(&a) {
                    v
                } else {
                    0.0
                };
            }
            let ring = &mut self.dry[ch * latency..(ch + 1) * latency];
            for (j, &v) in x.iter().enumerate() {
                ring[(self.dry_pos + j) % latency] = v;
            }
            x.copy_from_slice(&self.output[ch * self.hop + self.pos..][..n]);
        }
        self.dry_pos = (self.dry_pos + n) % latency;
        self.pos += n;
    }

    /// At a due boundary: plays `bands` (in order, their dynamic sections at
    /// [`lagged_gain`](Self::lagged_gain)) on `channels` (1 or 2) from the next hop, cross-faded
    /// from the previous response if it changed.
    pub fn hop_boundary(&mut self, bands: &[LpBand], channels: usize) {
        self.pos = 0;
        let set = &self.sets[self.active];
        let changed = self.fresh || set.channels != channels || set.bands[..] != *bands;
        let fade = changed && !self.fresh;
        if changed {
            let target = if fade { 1 - self.active } else { self.active };
            self.design(target, bands, channels);
        }
        self.fresh = false;
        self.conv.transform_inputs();
        let step = 1.0 / self.hop as f32;
        for ch in 0..channels {
            if fade {
                self.play(self.active, ch, channels);
                self.old
                    .copy_from_slice(&self.output[ch * self.hop..][..self.hop]);
                self.play(1 - self.active, ch, channels);
                let out = &mut self.output[ch * self.hop..][..self.hop];
                for (j, (o, &old)) in out.iter_mut().zip(&self.old).enumerate() {
                    *o = old + (*o - old) * ((j + 1) as f32 * step);
                }
            } else {
                self.play(self.active, ch, channels);
            }
        }
        if fade {
            self.active = 1 - self.active;
        }
        self.conv.advance();
        self.gain_pos = (self.gain_pos + 1) % GAIN_RING;
    }

    /// Kernel set `set`'s next hop of output channel `ch` into `self.output`.
    fn play(&mut self, set: usize, ch: usize, channels: usize) {
        let hop = self.hop;
        let spectra = self.conv.spectra_len();
        let s = &self.sets[set];
        let entry = |e: usize| {
            (
                &s.re[e * spectra..][..spectra],
                &s.im[e * spectra..][..spectra],
            )
        };
        let y: &[f32] = match s.structure {
            Structure::Identity => {
                // The dry signal: the oldest hop in the ring.
                let ring = &self.dry[ch * self.latency..(ch + 1) * self.latency];
                let out = &mut self.output[ch * hop..][..hop];
                for (j, o) in out.iter_mut().enumerate() {
                    *o = ring[(self.dry_pos + j) % self.latency];
                }
                return;
            }
            Structure::Uniform => self.conv.convolve(ch, entry(0)),
            Structure::Diagonal => self.conv.convolve(ch, entry(3 * ch)),
            Structure::General if channels == 2 => {
                let (a, b) = if ch == 0 { (0, 1) } else { (2, 3) };
                self.conv.convolve_pair(entry(a), entry(b))
            }
            Structure::General => self.conv.convolve(ch, entry(0)),
        };
        self.output[ch * hop..][..hop].copy_from_slice(y);
    }

    /// Designs the kernels of `bands` into set `set`.
    fn design(&mut self, set: usize, bands: &[LpBand], channels: usize) {
        let structure = Structure::of(bands, channels);
        {
            let s = &mut self.sets[set];
            s.structure = structure;
            s.channels = channels;
            s.bands.clear();
            s.bands.extend_from_slice(bands);
        }
        if structure == Structure::Identity {
            return;
        }
        self.grid.compute(bands, structure);
        let entries: &[usize] = match structure {
            Structure::Identity => &[],
            Structure::Uniform => &[0],
            Structure::Diagonal => &[0, 3],
            Structure::General => &[0, 1, 2, 3],
        };
        let design_len = self.design_time.len();
        let len = 2 * self.half + 1;
        let spectra = self.conv.spectra_len();
        let scale = 1.0 / design_len as f64;
        for &e in entries {
            for (c, &h) in self.design_spectrum.iter_mut().zip(self.grid.entry(e)) {
                *c = Complex::new((h * scale) as f32, 0.0);
            }
            let _ = self.design_ifft.process_with_scratch(
                &mut self.design_spectrum,
                &mut self.design_time,
                &mut self.design_scratch,
            );
            let (time, window, half) = (&self.design_time, &self.window, self.half);
            let tap = |m: usize| {
                let n = m as isize - half as isize;
                time[n.rem_euclid(design_len as isize) as usize] * window[m]
            };
            let KernelSet { re, im, .. } = &mut self.sets[set];
            self.conv.kernel_spectra(
                len,
                tap,
                &mut re[e * spectra..][..spectra],
                &mut im[e * spectra..][..spectra],
            );
        }
    }
}
