//! Linear-phase crossover bank for the band splitter ([`crate::filter::crossover`]).
//!
//! Each crossover k gets a zero-phase FIR lowpass `h_k` whose magnitude is the analog
//! Linkwitz-Riley lowpass magnitude `1/(1 + (f/fc)^p)` (p = 4 for 24 dB/oct, 8 for 48 dB/oct):
//! the target is sampled on a fine grid ([`DESIGN_OVERSAMPLING`] × the partitioned kernel
//! length), inverse-transformed in `f64`, and cut to [`kernel_len`] taps with a window that is
//! flat over the inner half and a Kaiser half-window (β = [`KAISER_BETA`]) outside it. Bands are differences of the lowpass outputs with the dry signal delayed
//! by the same latency: `band_0 = y_0`, `band_k = y_k − y_{k−1}`, `band_N−1 = x_delayed − y_N−2`,
//! i.e. kernels `h_k − h_{k−1}` with `h_N` the centred delta. The sum of the bands is therefore the
//! input delayed by [`latency_samples`], up to `f32` rounding of the differences, whatever the
//! kernels are (a windowed kernel only changes the band shapes).
//!
//! Convolution: uniformly partitioned overlap-save. Every hop of [`hop_samples`] input samples, one
//! forward FFT (size 2·hop) per channel goes into a frequency-domain delay line shared by all
//! crossovers; each crossover multiplies it with its partition spectra and does one inverse FFT.
//! The lowpass outputs of a hop are played during the next hop, so the latency is the kernel's
//! centre plus one hop. Samples are buffered one by one, so any block partition gives the same
//! output.
//!
//! Sizes (the kernel scales with the rate, so the low-frequency resolution is the same at every
//! rate from 44.1 kHz up): 4095 taps at 48 kHz (3763 at 44.1, 8189 at 96, 32753 at 384 kHz; 1881
//! at 22.05 kHz), hop 512 (256..4096 by rate). Latency = centre + hop: 2559 samples = 53.3 ms at
//! 48 kHz (2393 = 54.3 ms at 44.1 kHz, 5118 at 96 kHz, 20472 at 384 kHz, 1196 at 22.05 kHz).
//! Resolution (worst error of any band against the zero-phase LR target, 10 Hz..20 kHz, 48 kHz,
//! tests/crossover.rs): 24 dB/oct: −124 dB with the lowest crossover at 120 Hz, −66 dB at 60 Hz,
//! −48 dB at 40 Hz, −25 dB at 20 Hz; 48 dB/oct: −73 dB at 120 Hz, −40 dB at 60 Hz, −16 dB at
//! 20 Hz. So crossovers down to about 60 Hz (24 dB/oct) or 100 Hz (48 dB/oct) are resolved; lower
//! ones get a shallower low slope (the sum stays exact).
//!
//! Kernel changes: kernels are designed in preallocated scratch. `prepare` designs the kernels
//! of the settings handed over (so activation and a switch to Linear Phase find them ready);
//! afterwards the audio thread designs at hop boundaries, at most one crossover per boundary
//! (0.3–0.6 ms at 48 kHz, about 2.5 ms at 384 kHz, on this 2-core VM under load). A crossover the
//! active set already holds is copied, so dragging one handle costs one design and switches at
//! the next boundary; moving all five takes five hops. The target is fixed when a design starts
//! (automation that keeps moving still completes). The completed set is crossfaded in linearly
//! over one hop, computed with both sets; the sum stays the delayed input during the fade. A
//! structural change (band count, slope or mode) that needs new kernels designs them at once
//! (under the multiband's wet → dry → wet switch).

use std::f64::consts::PI;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner};
use std::sync::Arc;

use super::crossover_settings::{CrossoverSlope, MAX_CROSSOVERS};
use super::partitioned::PartitionedConvolver;
pub use super::partitioned::{
    hop_samples, kernel_half_samples, kernel_len, latency_samples, taper, FLAT_FRACTION,
    KAISER_BETA, PARTITIONS,
};

/// Design grid length relative to the partitioned kernel span (keeps time aliasing of the ideal
/// response of a 20 Hz crossover far below the window's floor).
pub const DESIGN_OVERSAMPLING: usize = 4;

/// Zero-phase target magnitude of the lowpass at `crossover_hz`.
pub fn target_lowpass(freq_hz: f64, crossover_hz: f64, slope: CrossoverSlope) -> f64 {
    // (f/fc)^4 or ^8 by squaring (what `powi` does, without its call).
    let r = freq_hz / crossover_hz;
    let r4 = (r * r) * (r * r);
    let power = if slope == CrossoverSlope::Db24 {
        r4
    } else {
        r4 * r4
    };
    1.0 / (1.0 + power)
}

/// One kernel set: taps (f64, for responses) and partition spectra (split re/im, f32).
#[derive(Debug, Default)]
struct KernelSet {
    /// `[crossover][tap]`.
    taps: Vec<f64>,
    /// `[crossover][partition][bin]`, real parts (scaled by 1/FFT length).
    re: Vec<f32>,
    /// Imaginary parts, same layout.
    im: Vec<f32>,
    /// Crossovers the set was designed for (`count` used).
    crossovers_hz: [f64; MAX_CROSSOVERS],
    count: usize,
    slope: CrossoverSlope,
}

/// The linear-phase lowpass bank (see the module doc).
pub struct FirCrossover {
    hop: usize,
    half: usize,
    bins: usize,
    channels: usize,
    conv: PartitionedConvolver,
    design_ifft: Arc<dyn ComplexToReal<f64>>,
    design_scratch: Vec<Complex<f64>>,
    design_spectrum: Vec<Complex<f64>>,
    design_time: Vec<f64>,
    /// The kernels' window, [`taper`] per tap (the same for every crossover).
    window: Vec<f64>,
    fade_out: Vec<f32>,
    sets: [KernelSet; 2],
    active: usize,
    /// A design of the inactive set in progress: (next crossover, count, slope); its target
    /// crossovers are in the inactive set's record.
    designing: Option<(usize, usize, CrossoverSlope)>,
    /// `[channel][crossover][hop]`: lowpass outputs played during the current hop.
    output: Vec<f32>,
    /// `[channel][latency]`: dry delay ring.
    dry: Vec<f32>,
    dry_pos: usize,
    /// Position in the hop.
    pos: usize,
}

impl std::fmt::Debug for FirCrossover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirCrossover")
            .field("hop", &self.hop)
            .field("half", &self.half)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl FirCrossover {
    /// Allocates everything for `channels` at `sample_rate_hz` (plans, kernels, buffers).
    pub fn new(sample_rate_hz: f64, channels: usize) -> Self {
        let hop = hop_samples(sample_rate_hz);
        let half = kernel_half_samples(sample_rate_hz);
        let bins = hop + 1;
        let design_len = DESIGN_OVERSAMPLING * PARTITIONS * hop;
        let design_ifft = RealFftPlanner::<f64>::new().plan_fft_inverse(design_len);
        let len = 2 * half + 1;
        let set = || KernelSet {
            taps: vec![0.0; MAX_CROSSOVERS * len],
            re: vec![0.0; MAX_CROSSOVERS * PARTITIONS * bins],
            im: vec![0.0; MAX_CROSSOVERS * PARTITIONS * bins],
            ..KernelSet::default()
        };
        let latency = half + hop;
        Self {
            hop,
            half,
            bins,
            channels,
            conv: PartitionedConvolver::new(hop, PARTITIONS, channels),
            design_scratch: vec![Complex::default(); design_ifft.get_scratch_len()],
            design_spectrum: vec![Complex::default(); design_len / 2 + 1],
            design_time: vec![0.0; design_len],
            window: (0..len)
                .map(|m| taper((m as f64 - half as f64) / (half + 1) as f64))
                .collect(),
            design_ifft,
            fade_out: vec![0.0; hop],
            sets: [set(), set()],
            active: 0,
            designing: None,
            output: vec![0.0; channels * MAX_CROSSOVERS * hop],
            dry: vec![0.0; channels * latency],
            dry_pos: 0,
            pos: 0,
        }
    }

    /// Latency, samples.
    pub fn latency_samples(&self) -> usize {
        self.half + self.hop
    }

    /// Clears the signal state (kernels are kept).
    pub fn reset(&mut self) {
        self.conv.reset();
        self.output.fill(0.0);
        self.dry.fill(0.0);
        self.dry_pos = 0;
        self.pos = 0;
    }

    /// Whether the active kernels were designed for these crossovers and slope.
    pub fn designed_for(&self, crossovers_hz: &[f64], slope: CrossoverSlope) -> bool {
        let s = &self.sets[self.active];
        s.count == crossovers_hz.len()
            && s.slope == slope
            && s.crossovers_hz[..s.count] == *crossovers_hz
    }

    /// Designs the active set at once, with no crossfade (after a reset, or in `prepare`); does
    /// nothing if it already holds these kernels, and drops any design in progress.
    pub fn design_now(
        &mut self,
        sample_rate_hz: f64,
        crossovers_hz: &[f64],
        slope: CrossoverSlope,
    ) {
        self.designing = None;
        if self.designed_for(crossovers_hz, slope) {
            return;
        }
        let s = &mut self.sets[self.active];
        s.count = 0;
        for (k, &fc) in crossovers_hz.iter().enumerate() {
            self.design_crossover(self.active, k, sample_rate_hz, fc, slope);
        }
        self.record(self.active, crossovers_hz, slope);
    }

    /// Records what kernel set `set` now holds.
    fn record(&mut self, set: usize, crossovers_hz: &[f64], slope: CrossoverSlope) {
        let s = &mut self.sets[set];
        s.count = crossovers_hz.len();
        s.slope = slope;
        s.crossovers_hz[..s.count].copy_from_slice(crossovers_hz);
    }

    /// One hop boundary's share of bringing the inactive set to `crossovers_hz`: a design in
    /// progress (its target fixed when it started) gets its next crossover; crossovers the
    /// active set already holds are copied, and at most one is designed per call, so a hop
    /// never pays more than one design. Returns whether the inactive set is now complete.
    fn advance_design(
        &mut self,
        sample_rate_hz: f64,
        crossovers_hz: &[f64],
        slope: CrossoverSlope,
    ) -> bool {
        let inactive = 1 - self.active;
        let (next, count, slope) = match self.designing {
            Some(progress) => progress,
            None if self.designed_for(crossovers_hz, slope) => return false,
            None => {
                // The target is kept in the inactive set's record while it is designed.
                let s = &mut self.sets[inactive];
                s.crossovers_hz[..crossovers_hz.len()].copy_from_slice(crossovers_hz);
                (0, crossovers_hz.len(), slope)
            }
        };
        let mut k = next;
        let mut designed = false;
        while k < count {
            let fc = self.sets[inactive].crossovers_hz[k];
            let active = &self.sets[self.active];
            let held = active.count > k && active.slope == slope && active.crossovers_hz[k] == fc;
            if held {
                self.copy_crossover(k);
            } else if designed {
                break;
            } else {
                self.design_crossover(inactive, k, sample_rate_hz, fc, slope);
                designed = true;
            }
            k += 1;
        }
        if k < count {
            self.designing = Some((k, count, slope));
            return false;
        }
        self.designing = None;
        let s = &mut self.sets[inactive];
        s.count = count;
        s.slope = slope;
        true
    }

    /// Copies crossover `k`'s kernel from the active set into the inactive one.
    fn copy_crossover(&mut self, k: usize) {
        let len = 2 * self.half + 1;
        let spectra = PARTITIONS * self.bins;
        let [a, b] = &mut self.sets;
        let (to, from) = if self.active == 0 { (b, &*a) } else { (a, &*b) };
        let taps = k * len..(k + 1) * len;
        to.taps[taps.clone()].copy_from_slice(&from.taps[taps]);
        let spectrum = k * spectra..(k + 1) * spectra;
        to.re[spectrum.clone()].copy_from_slice(&from.re[spectrum.clone()]);
        to.im[spectrum.clone()].copy_from_slice(&from.im[spectrum]);
    }

    /// Designs crossover `k` of kernel set `set` for `fc` (allocation-free).
    fn design_crossover(
        &mut self,
        set: usize,
        k: usize,
        sample_rate_hz: f64,
        fc: f64,
        slope: CrossoverSlope,
    ) {
        let len = 2 * self.half + 1;
        let design_len = self.design_time.len();
        {
            for (i, c) in self.design_spectrum.iter_mut().enumerate() {
                let f = i as f64 * sample_rate_hz / design_len as f64;
                *c = Complex::new(target_lowpass(f, fc, slope) / design_len as f64, 0.0);
            }
            let _ = self.design_ifft.process_with_scratch(
                &mut self.design_spectrum,
                &mut self.design_time,
                &mut self.design_scratch,
            );
            let KernelSet { taps, re, im, .. } = &mut self.sets[set];
            let taps = &mut taps[k * len..(k + 1) * len];
            for (m, (t, &w)) in taps.iter_mut().zip(&self.window).enumerate() {
                let n = m as isize - self.half as isize;
                *t = self.design_time[n.rem_euclid(design_len as isize) as usize] * w;
            }
            let spectra = PARTITIONS * self.bins;
            let range = k * spectra..(k + 1) * spectra;
            self.conv.kernel_spectra(
                len,
                |m| taps[m] as f32,
                &mut re[range.clone()],
                &mut im[range],
            );
        }
    }

    /// Zero-phase response of lowpass `k` of the active set at `freq_hz` (the delay left out).
    pub fn lowpass_response(&self, k: usize, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        let len = 2 * self.half + 1;
        let taps = &self.sets[self.active].taps[k * len..(k + 1) * len];
        let w = 2.0 * PI * freq_hz / sample_rate_hz;
        let centre = taps[self.half];
        let mut sum = centre;
        for n in 1..=self.half {
            sum += (taps[self.half + n] + taps[self.half - n]) * (w * n as f64).cos();
        }
        sum
    }

    /// Runs `frames` samples of `input` (non-finite and subnormal samples read as 0). For each
    /// stretch of a channel, `emit(ch, start, lowpasses, dry)` receives the lowpass outputs of the
    /// used crossovers and the delayed dry signal (slices of equal length, frames from `start`).
    /// `target` (crossovers, slope) is designed and crossfaded in at the next hop boundary if it
    /// differs from the active kernels.
    pub fn run(
        &mut self,
        frames: usize,
        sample_rate_hz: f64,
        target: (&[f64], CrossoverSlope),
        input: &[&[f32]],
        mut emit: impl FnMut(usize, usize, &[&[f32]], &[f32]),
    ) {
        let count = target.0.len();
        let latency = self.latency_samples();
        let mut done = 0;
        while done < frames {
            let n = (self.hop - self.pos).min(frames - done);
            for (ch, x) in input.iter().enumerate().take(self.channels) {
                let hop_in = self.conv.hop_input_mut(ch, self.pos, n);
                for (d, &v) in hop_in.iter_mut().zip(&x[done..done + n]) {
                    let a = v.abs();
                    *d = if (f32::MIN_POSITIVE..=f32::MAX).contains(&a) {
                        v
                    } else {
                        0.0
                    };
                }
                // The dry ring, read before it is overwritten (in at most two pieces).
                let ring = &mut self.dry[ch * latency..(ch + 1) * latency];
                let dry = &mut self.fade_out[..n];
                let first = n.min(latency - self.dry_pos);
                dry[..first].copy_from_slice(&ring[self.dry_pos..self.dry_pos + first]);
                ring[self.dry_pos..self.dry_pos + first].copy_from_slice(&hop_in[..first]);
                dry[first..].copy_from_slice(&ring[..n - first]);
                ring[..n - first].copy_from_slice(&hop_in[first..]);
                let mut lows: [&[f32]; MAX_CROSSOVERS] = [&[]; MAX_CROSSOVERS];
                for (k, l) in lows[..count].iter_mut().enumerate() {
                    *l = &self.output[(ch * MAX_CROSSOVERS + k) * self.hop + self.pos..][..n];
                }
                emit(ch, done, &lows[..count], dry);
            }
            self.dry_pos = (self.dry_pos + n) % latency;
            self.pos += n;
            done += n;
            if self.pos == self.hop {
                self.pos = 0;
                self.hop_boundary(sample_rate_hz, target.0, target.1);
            }
        }
    }

    /// Transforms the completed hop and computes the next hop's lowpass outputs.
    fn hop_boundary(&mut self, sample_rate_hz: f64, crossovers_hz: &[f64], slope: CrossoverSlope) {
        let hop = self.hop;
        let fade = self.advance_design(sample_rate_hz, crossovers_hz, slope);
        self.conv.transform_inputs();
        let step = 1.0 / hop as f32;
        for ch in 0..self.channels {
            for k in 0..crossovers_hz.len() {
                let spectra = PARTITIONS * self.bins;
                let range = k * spectra..(k + 1) * spectra;
                if fade {
                    let s = &self.sets[self.active];
                    let old = self
                        .conv
                        .convolve(ch, (&s.re[range.clone()], &s.im[range.clone()]));
                    self.fade_out.copy_from_slice(old);
                }
                let set = if fade { 1 - self.active } else { self.active };
                let s = &self.sets[set];
                let y = self.conv.convolve(ch, (&s.re[range.clone()], &s.im[range]));
                let out = &mut self.output[(ch * MAX_CROSSOVERS + k) * hop..][..hop];
                if fade {
                    for (j, (o, (&new, &old))) in
                        out.iter_mut().zip(y.iter().zip(&self.fade_out)).enumerate()
                    {
                        *o = old + (new - old) * ((j + 1) as f32 * step);
                    }
                } else {
                    out.copy_from_slice(y);
                }
            }
        }
        if fade {
            self.active = 1 - self.active;
        }
        self.conv.advance();
    }
}
