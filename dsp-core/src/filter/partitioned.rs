//! Uniformly partitioned overlap-save convolution with zero-phase kernels, shared by the
//! linear-phase crossover ([`super::fir_crossover`]) and the linear-phase EQ
//! ([`crate::eq::linear_phase`]).
//!
//! Every hop of [`hop_samples`] input samples, one forward FFT (size 2·hop) per channel goes into
//! a frequency-domain delay line of one spectrum per partition; a kernel of up to `partitions × hop`
//! taps is held as one spectrum per partition, and one inverse FFT per output gives a hop of
//! convolved samples. Kernels are centred (odd length, [`kernel_len`]) and windowed by [`taper`];
//! played one hop after their input, they delay by [`latency_samples`] = centre + hop.
//!
//! Sizes scale with the rate, so the low-frequency resolution is the same at every rate from
//! 44.1 kHz up: 4095 taps and hop 512 at 48 kHz (3763 taps at 44.1, 8189 at 96, 32753 at 384 kHz;
//! 1881 at 22.05 kHz; hop 256..4096).

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::window::kaiser;

/// Hop at 48 kHz (and 44.1 kHz), samples; doubled per octave of sample rate so the hop lasts
/// about the same time at every rate.
const HOP_AT_48K_SAMPLES: usize = 512;
/// Partitions of the kernel: the kernel spans `PARTITIONS × hop` samples (4096 at 48 kHz).
pub const PARTITIONS: usize = 8;
/// Kaiser window shape of the kernels' taper: first sidelobe about 100 dB down.
pub const KAISER_BETA: f64 = 10.0;
/// Flat part of the kernel window (fraction of the half length).
pub const FLAT_FRACTION: f64 = 0.5;

/// Window of the kernels at `position` in −1..1: flat over the inner [`FLAT_FRACTION`], then a
/// Kaiser half-window (β = [`KAISER_BETA`]) down to the ends. A flat centre keeps the response of
/// every kernel whose ideal impulse response has decayed within the flat part exact (no
/// smoothing of the magnitude); the taper only matters for the longest responses.
pub fn taper(position: f64) -> f64 {
    taper_with_flat(position, FLAT_FRACTION)
}

/// [`taper`] with a flat part of `flat_fraction` of the half length.
pub fn taper_with_flat(position: f64, flat_fraction: f64) -> f64 {
    let a = position.abs();
    if a <= flat_fraction {
        1.0
    } else {
        kaiser((a - flat_fraction) / (1.0 - flat_fraction), KAISER_BETA)
    }
}

/// Hop length at a rate, samples: 512 at 44.1/48 kHz, 1024 at 88.2/96 kHz, 256 at 22.05 kHz ...
pub fn hop_samples(sample_rate_hz: f64) -> usize {
    let octaves = (sample_rate_hz / 48_000.0).log2().round().clamp(-3.0, 4.0) as i32;
    if octaves >= 0 {
        HOP_AT_48K_SAMPLES << octaves
    } else {
        HOP_AT_48K_SAMPLES >> (-octaves)
    }
}

/// Half length of the kernel (its centre), samples: `2047·fs/48 kHz`, capped to the partitions.
pub fn kernel_half_samples(sample_rate_hz: f64) -> usize {
    kernel_half_samples_with(sample_rate_hz, PARTITIONS)
}

/// Half length of a kernel of `partitions` hops: `(256·partitions − 1)·fs/48 kHz`, capped to the
/// partitions.
pub fn kernel_half_samples_with(sample_rate_hz: f64, partitions: usize) -> usize {
    let span = partitions * hop_samples(sample_rate_hz);
    let half = ((256 * partitions - 1) as f64 * sample_rate_hz / 48_000.0).round() as usize;
    half.min((span - 1) / 2)
}

/// Kernel length, taps (odd, centred).
pub fn kernel_len(sample_rate_hz: f64) -> usize {
    2 * kernel_half_samples(sample_rate_hz) + 1
}

/// Latency of a centred kernel played one hop after its input, samples: centre plus one hop.
pub fn latency_samples(sample_rate_hz: f64) -> usize {
    kernel_half_samples(sample_rate_hz) + hop_samples(sample_rate_hz)
}

/// The input side of the convolution (hop buffers, FFT plans and the frequency-domain delay
/// line) and the products with kernels; allocates only in [`new`](Self::new).
pub struct PartitionedConvolver {
    hop: usize,
    partitions: usize,
    bins: usize,
    channels: usize,
    fft: Arc<dyn RealToComplex<f32>>,
    ifft: Arc<dyn ComplexToReal<f32>>,
    fft_scratch: Vec<Complex<f32>>,
    /// 2·hop time samples (FFT input and output).
    time: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    acc_re: Vec<f32>,
    acc_im: Vec<f32>,
    /// `[channel][partition][bin]` input spectra, split re/im.
    fdl_re: Vec<f32>,
    fdl_im: Vec<f32>,
    fdl_pos: usize,
    /// `[channel][2·hop]`: previous and current input hop.
    input: Vec<f32>,
}

impl std::fmt::Debug for PartitionedConvolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionedConvolver")
            .field("hop", &self.hop)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl PartitionedConvolver {
    /// Allocates plans and buffers for `channels` with hops of `hop` samples and kernels of
    /// `partitions` hops.
    pub fn new(hop: usize, partitions: usize, channels: usize) -> Self {
        let bins = hop + 1;
        let mut planner = RealFftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(2 * hop);
        let ifft = planner.plan_fft_inverse(2 * hop);
        let scratch_len = fft.get_scratch_len().max(ifft.get_scratch_len());
        Self {
            hop,
            partitions,
            bins,
            channels,
            fft,
            ifft,
            fft_scratch: vec![Complex::default(); scratch_len],
            time: vec![0.0; 2 * hop],
            spectrum: vec![Complex::default(); bins],
            acc_re: vec![0.0; bins],
            acc_im: vec![0.0; bins],
            fdl_re: vec![0.0; channels * partitions * bins],
            fdl_im: vec![0.0; channels * partitions * bins],
            fdl_pos: 0,
            input: vec![0.0; channels * 2 * hop],
        }
    }

    /// Hop length, samples.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// Bins of one partition spectrum (hop + 1).
    pub fn bins(&self) -> usize {
        self.bins
    }

    /// Length of one kernel's spectra (partitions × bins), for the caller's storage.
    pub fn spectra_len(&self) -> usize {
        self.partitions * self.bins
    }

    /// Clears the signal state.
    pub fn reset(&mut self) {
        self.fdl_re.fill(0.0);
        self.fdl_im.fill(0.0);
        self.input.fill(0.0);
        self.fdl_pos = 0;
    }

    /// The current hop's input of channel `ch` from position `pos`, `n` samples, to be written.
    pub fn hop_input_mut(&mut self, ch: usize, pos: usize, n: usize) -> &mut [f32] {
        &mut self.input[ch * 2 * self.hop + self.hop + pos..][..n]
    }

    /// At a hop boundary: transforms every channel's last two hops into the delay line's newest
    /// slot (call [`advance`](Self::advance) after the hop's convolutions).
    pub fn transform_inputs(&mut self) {
        let hop = self.hop;
        let bins = self.bins;
        for ch in 0..self.channels {
            let buf = &mut self.input[ch * 2 * hop..(ch + 1) * 2 * hop];
            self.time.copy_from_slice(buf);
            buf.copy_within(hop.., 0);
            let _ = self.fft.process_with_scratch(
                &mut self.time,
                &mut self.spectrum,
                &mut self.fft_scratch,
            );
            let base = (ch * self.partitions + self.fdl_pos) * bins;
            for (i, c) in self.spectrum.iter().enumerate() {
                self.fdl_re[base + i] = c.re;
                self.fdl_im[base + i] = c.im;
            }
        }
    }

    /// Moves the delay line on by one hop (after the hop's convolutions).
    pub fn advance(&mut self) {
        self.fdl_pos = (self.fdl_pos + 1) % self.partitions;
    }

    /// The partition spectra of a kernel of `len` taps (`tap(m)`, m = 0..len) into `re`/`im`
    /// (each [`spectra_len`](Self::spectra_len) long), scaled by 1/(2·hop) for the inverse FFT.
    pub fn kernel_spectra(
        &mut self,
        len: usize,
        tap: impl Fn(usize) -> f32,
        re: &mut [f32],
        im: &mut [f32],
    ) {
        let scale_fft = 1.0 / (2 * self.hop) as f32;
        for p in 0..self.partitions {
            self.time.fill(0.0);
            let start = p * self.hop;
            if start < len {
                let end = (start + self.hop).min(len);
                for (d, m) in self.time.iter_mut().zip(start..end) {
                    *d = tap(m);
                }
            }
            let _ = self.fft.process_with_scratch(
                &mut self.time,
                &mut self.spectrum,
                &mut self.fft_scratch,
            );
            let base = p * self.bins;
            for (i, c) in self.spectrum.iter().enumerate() {
                re[base + i] = c.re * scale_fft;
                im[base + i] = c.im * scale_fft;
            }
        }
    }

    /// Channel `ch`'s delay line times one kernel's spectra (`(re, im)`), accumulated.
    fn accumulate(&mut self, ch: usize, kernel: (&[f32], &[f32])) {
        let bins = self.bins;
        for p in 0..self.partitions {
            let slot = (self.fdl_pos + self.partitions - p) % self.partitions;
            let xr = &self.fdl_re[(ch * self.partitions + slot) * bins..][..bins];
            let xi = &self.fdl_im[(ch * self.partitions + slot) * bins..][..bins];
            let kr = &kernel.0[p * bins..][..bins];
            let ki = &kernel.1[p * bins..][..bins];
            multiply_accumulate(&mut self.acc_re, &mut self.acc_im, (xr, xi), (kr, ki));
        }
    }

    /// The next hop of channel `ch` convolved with the kernel whose spectra are `kernel`
    /// (`hop` samples, valid until the next call).
    pub fn convolve(&mut self, ch: usize, kernel: (&[f32], &[f32])) -> &[f32] {
        self.acc_re.fill(0.0);
        self.acc_im.fill(0.0);
        self.accumulate(ch, kernel);
        self.inverse()
    }

    /// The next hop of `a ⊛ x_0 + b ⊛ x_1` for the kernels `a` and `b` (one inverse FFT).
    pub fn convolve_pair(&mut self, a: (&[f32], &[f32]), b: (&[f32], &[f32])) -> &[f32] {
        self.acc_re.fill(0.0);
        self.acc_im.fill(0.0);
        self.accumulate(0, a);
        self.accumulate(1, b);
        self.inverse()
    }

    /// Inverse FFT of the accumulator; the valid outputs are the second half.
    fn inverse(&mut self) -> &[f32] {
        let bins = self.bins;
        for (c, (&re, &im)) in self
            .spectrum
            .iter_mut()
            .zip(self.acc_re.iter().zip(&self.acc_im))
        {
            *c = Complex::new(re, im);
        }
        self.spectrum[0].im = 0.0;
        self.spectrum[bins - 1].im = 0.0;
        let _ = self.ifft.process_with_scratch(
            &mut self.spectrum,
            &mut self.time,
            &mut self.fft_scratch,
        );
        &self.time[self.hop..]
    }
}

/// `acc += x·k` on split complex arrays.
#[inline(always)]
fn mac_body(acc_re: &mut [f32], acc_im: &mut [f32], x: (&[f32], &[f32]), k: (&[f32], &[f32])) {
    let n = acc_re.len();
    let (acc_im, xr, xi, kr, ki) = (&mut acc_im[..n], &x.0[..n], &x.1[..n], &k.0[..n], &k.1[..n]);
    for i in 0..n {
        acc_re[i] += xr[i] * kr[i] - xi[i] * ki[i];
        acc_im[i] += xr[i] * ki[i] + xi[i] * kr[i];
    }
}

/// [`mac_body`] in the AVX2 build when the CPU has it (same operations, same results).
fn multiply_accumulate(
    acc_re: &mut [f32],
    acc_im: &mut [f32],
    x: (&[f32], &[f32]),
    k: (&[f32], &[f32]),
) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn wide(acc_re: &mut [f32], acc_im: &mut [f32], x: (&[f32], &[f32]), k: (&[f32], &[f32])) {
            mac_body(acc_re, acc_im, x, k)
        }
        if crate::simd::detect() >= crate::simd::SimdLevel::Avx2 {
            // SAFETY: detect() reported AVX2 on this CPU.
            unsafe { wide(acc_re, acc_im, x, k) };
            return;
        }
    }
    mac_body(acc_re, acc_im, x, k)
}
