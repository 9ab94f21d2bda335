//! The long-term average power spectrum of a signal (Welch: Hann windows overlapping by half)
//! and fractional-octave smoothing of it.
//!
//! Levels are in dB relative to a full-scale sine: a sine of peak `A` alone reads `20·log10(A)`
//! at its frequency once smoothed over a band wider than the window's main lobe (the window's
//! power is normalised out, and the power of a band is the sum of its bins). White noise of
//! variance σ² reads `10·log10(2σ² · Δf / fs)` in a bin `Δf` wide, so a band's level rises 3 dB
//! per octave of centre frequency for white noise and stays flat for pink noise.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// Frequency resolution aimed at: the FFT is the power of two nearest `fs / RESOLUTION_HZ`
/// above (so ≤ 3 Hz bins at any rate).
pub const RESOLUTION_HZ: f64 = 3.0;

/// Accumulates Hann-windowed power spectra of frames of one signal.
pub struct AverageSpectrum {
    sample_rate_hz: f64,
    fft: Arc<dyn RealToComplex<f64>>,
    window: Vec<f64>,
    /// Σ w² (the window's power, normalised out).
    window_power: f64,
    input: Vec<f64>,
    output: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    power: Vec<f64>,
    frames: usize,
}

impl std::fmt::Debug for AverageSpectrum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AverageSpectrum")
            .field("sample_rate_hz", &self.sample_rate_hz)
            .field("fft_size", &self.window.len())
            .field("frames", &self.frames)
            .finish()
    }
}

impl AverageSpectrum {
    /// An empty average at `sample_rate_hz` (FFT size from [`RESOLUTION_HZ`]).
    pub fn new(sample_rate_hz: f64) -> Self {
        let fs = if sample_rate_hz.is_finite() && sample_rate_hz > 0.0 {
            sample_rate_hz
        } else {
            48_000.0
        };
        let size = ((fs / RESOLUTION_HZ).ceil() as usize)
            .next_power_of_two()
            .max(64);
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(size);
        let window: Vec<f64> = (0..size)
            .map(|i| {
                let phase = 2.0 * std::f64::consts::PI * i as f64 / size as f64;
                0.5 - 0.5 * phase.cos()
            })
            .collect();
        let window_power = window.iter().map(|w| w * w).sum();
        Self {
            sample_rate_hz: fs,
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            power: vec![0.0; size / 2 + 1],
            fft,
            window,
            window_power,
            frames: 0,
        }
    }

    /// Samples per frame (frames start every half of it).
    pub fn fft_size(&self) -> usize {
        self.window.len()
    }

    /// Width of one bin, Hz.
    pub fn bin_hz(&self) -> f64 {
        self.sample_rate_hz / self.fft_size() as f64
    }

    /// Forgets every frame (keeps the FFT plan).
    pub fn clear(&mut self) {
        self.power.iter_mut().for_each(|p| *p = 0.0);
        self.frames = 0;
    }

    /// Frames averaged so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Adds the frame of `signal` starting at `start` (zero past its end; non-finite samples
    /// count as 0).
    pub fn add_frame(&mut self, signal: &[f32], start: usize) {
        for (i, (x, w)) in self.input.iter_mut().zip(&self.window).enumerate() {
            let s = signal.get(start + i).copied().unwrap_or(0.0);
            *x = if s.is_finite() { f64::from(s) * w } else { 0.0 };
        }
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
            .is_err()
        {
            return;
        }
        for (p, c) in self.power.iter_mut().zip(&self.output) {
            *p += c.norm_sqr();
        }
        self.frames += 1;
    }

    /// The frame starts covering `signal` from `from` to `to` (frames every half FFT size whose
    /// centre lies in the range).
    pub fn frame_starts(&self, from: usize, to: usize) -> impl Iterator<Item = usize> {
        let half = self.fft_size() / 2;
        let first = from.div_ceil(half).max(1) * half;
        (first..to.max(first))
            .step_by(half)
            .map(move |centre| centre - half)
    }

    /// Mean power per bin, as a fraction of a full-scale sine's power (all bins, DC to
    /// Nyquist); zeros before any frame.
    pub fn power(&self) -> Vec<f64> {
        if self.frames == 0 {
            return vec![0.0; self.power.len()];
        }
        // Parseval: a sine of peak A (power A²/2) puts N·A²·Σw²/4 into the one-sided |X|² of
        // an unnormalised N-point FFT, so 2/(N·Σw²) turns the band sum into the signal power.
        let n = self.fft_size() as f64;
        let scale = 2.0 / (n * self.window_power * self.frames as f64);
        let mut p: Vec<f64> = self.power.iter().map(|v| v * scale).collect();
        // DC and Nyquist have no mirror image.
        p[0] *= 0.5;
        if let Some(last) = p.last_mut() {
            *last *= 0.5;
        }
        // As a fraction of a full-scale sine (power ½).
        p.iter_mut().for_each(|v| *v *= 2.0);
        p
    }
}

/// Levels of bands `fraction` octaves wide (1/6, 1/3, …) centred on `centres_hz`, dB re a
/// full-scale sine, from the per-bin `power` of a spectrum with bins `bin_hz` wide: each band
/// sums the bins whose centre lies within `centre · 2^(±fraction/2)` (at least the nearest one,
/// whose power then counts in proportion to the band's width). `-inf` for silence.
pub fn fractional_octave_levels_db(
    power: &[f64],
    bin_hz: f64,
    centres_hz: &[f64],
    fraction: f64,
) -> Vec<f64> {
    let half = 2f64.powf(0.5 * fraction);
    centres_hz
        .iter()
        .map(|&centre| {
            let (lo, hi) = (centre / half, centre * half);
            let first = (lo / bin_hz).ceil().max(0.0) as usize;
            let last = ((hi / bin_hz).floor() as usize).min(power.len().saturating_sub(1));
            let sum: f64 = if first <= last {
                power[first..=last].iter().sum()
            } else {
                let nearest = ((centre / bin_hz).round() as usize).min(power.len() - 1);
                power[nearest] * (hi - lo) / bin_hz
            };
            10.0 * sum.log10()
        })
        .collect()
}

/// `count` centre frequencies `1/per_octave` octave apart from `lowest_hz` up.
pub fn log_centres_hz(lowest_hz: f64, per_octave: f64, count: usize) -> Vec<f64> {
    (0..count)
        .map(|i| lowest_hz * 2f64.powf(i as f64 / per_octave))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(peak: f64, hz: f64, fs: f64, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (peak * (2.0 * std::f64::consts::PI * hz * i as f64 / fs).sin()) as f32)
            .collect()
    }

    fn average(signal: &[f32], fs: f64) -> AverageSpectrum {
        let mut s = AverageSpectrum::new(fs);
        let starts: Vec<usize> = s.frame_starts(0, signal.len()).collect();
        for start in starts {
            s.add_frame(signal, start);
        }
        s
    }

    #[test]
    fn a_sine_reads_its_peak_level_in_its_band() {
        for fs in [22_050.0, 44_100.0, 48_000.0, 96_000.0, 384_000.0] {
            for (peak, hz) in [(1.0, 1000.0), (0.1, 63.0), (0.5, 9_000.0)] {
                let x = sine(peak, hz, fs, (4.0 * fs) as usize);
                let s = average(&x, fs);
                let level = fractional_octave_levels_db(&s.power(), s.bin_hz(), &[hz], 1.0 / 3.0);
                let want = 20.0 * f64::log10(peak);
                assert!(
                    (level[0] - want).abs() < 0.05,
                    "{fs} Hz, {hz} Hz: {} vs {want}",
                    level[0]
                );
            }
        }
    }

    #[test]
    fn white_noise_rises_three_db_per_octave_and_has_its_analytic_level() {
        let fs = 48_000.0;
        let mut state = 0x1234_5678u32;
        let x: Vec<f32> = (0..(20.0 * fs) as usize)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f64 / u32::MAX as f64 * 2.0 - 1.0) as f32 * 0.5
            })
            .collect();
        let variance = 0.25 / 3.0;
        let s = average(&x, fs);
        let centres = log_centres_hz(125.0, 1.0, 7);
        let levels = fractional_octave_levels_db(&s.power(), s.bin_hz(), &centres, 1.0);
        for (c, l) in centres.iter().zip(&levels) {
            // Band width centre·(√2 − 1/√2); power 2σ²·width/fs relative to a full-scale sine.
            let width = c * (2f64.sqrt() - 1.0 / 2f64.sqrt());
            let want = 10.0 * (2.0 * variance * width / fs * 2.0).log10();
            assert!((l - want).abs() < 0.3, "{c} Hz: {l} vs {want}");
        }
    }

    #[test]
    fn silence_and_bad_samples_stay_finite_or_minus_infinity() {
        let s = average(&vec![0.0; 100_000], 48_000.0);
        let l = fractional_octave_levels_db(&s.power(), s.bin_hz(), &[1000.0], 1.0 / 6.0);
        assert_eq!(l[0], f64::NEG_INFINITY);
        let mut x = sine(0.5, 1000.0, 48_000.0, 100_000);
        x[500] = f32::NAN;
        x[600] = f32::INFINITY;
        let s = average(&x, 48_000.0);
        assert!(s.power().iter().all(|p| p.is_finite()));
        assert_eq!(
            AverageSpectrum::new(48_000.0).power().iter().sum::<f64>(),
            0.0
        );
    }
}
