//! Live spectra for the editors: an audio tap and the analyser that reads it.
//!
//! * [`SampleRing`]: the audio thread copies a (mono-mixed) signal into a fixed-capacity,
//!   single-producer ring of atomics; the editor copies the newest samples out whenever it draws.
//!   Nothing on the producer side allocates, locks or blocks; a reader that races the producer
//!   may get a few samples of the next block, which a spectrum display cannot show.
//! * [`SpectrumAnalyzer`]: on the editor thread, the newest [`FFT_SIZE`] samples are Hann
//!   windowed and transformed (realfft), reduced to log-spaced display points (the strongest bin
//!   in each point's band, or the interpolated neighbours where bins are sparser than points),
//!   tilted by [`TILT_DB_PER_OCTAVE`] around 1 kHz so pink-ish music reads flat, and smoothed
//!   over time (fast rise, slower fall).
//!
//! The scale is dBFS of a sine: a full-scale sine at a bin's centre reads 0 dB (before the tilt).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use atomic_float::AtomicF32;
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

/// Length of the analysis window, samples (about 85 ms at 48 kHz, 11.7 Hz bins).
pub const FFT_SIZE: usize = 4096;
/// Capacity of a [`SampleRing`] made with [`SampleRing::for_spectrum`], samples.
pub const RING_CAPACITY: usize = 2 * FFT_SIZE;
/// Spectral tilt added to the display, dB per octave above 1 kHz (and taken off below).
pub const TILT_DB_PER_OCTAVE: f32 = 4.5;
/// Frequency the tilt pivots on, Hz.
pub const TILT_PIVOT_HZ: f32 = 1000.0;
/// Time constant of a rising display point, seconds.
pub const RISE_S: f32 = 0.05;
/// Time constant of a falling display point, seconds.
pub const FALL_S: f32 = 0.35;
/// Lowest level a display point shows, dB.
pub const FLOOR_DB: f32 = -140.0;

/// A fixed-capacity ring of samples with one producer (the audio thread) and any readers.
#[derive(Debug)]
pub struct SampleRing {
    samples: Box<[AtomicF32]>,
    /// Samples pushed so far (monotonic); stored with release after each block.
    written: AtomicU64,
}

impl SampleRing {
    /// A ring keeping the newest `capacity` samples (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            samples: (0..capacity.max(1)).map(|_| AtomicF32::new(0.0)).collect(),
            written: AtomicU64::new(0),
        }
    }

    /// A ring large enough for [`SpectrumAnalyzer`].
    pub fn for_spectrum() -> Arc<Self> {
        Arc::new(Self::new(RING_CAPACITY))
    }

    /// Capacity, samples.
    pub fn capacity(&self) -> usize {
        self.samples.len()
    }

    /// Samples pushed so far.
    pub fn total_written(&self) -> u64 {
        self.written.load(Ordering::Acquire)
    }

    /// Appends the average of `channels` (all the same length; the shortest one counts), frame
    /// by frame. Producer only; real-time safe.
    pub fn push_mixed(&self, channels: &[&[f32]]) {
        let Some(frames) = channels.iter().map(|c| c.len()).min() else {
            return;
        };
        let scale = 1.0 / channels.len() as f32;
        let capacity = self.samples.len() as u64;
        let start = self.written.load(Ordering::Relaxed);
        for i in 0..frames {
            let sum: f32 = channels.iter().map(|c| c[i]).sum();
            let value = sum * scale;
            // Keep the display sane on hostile input (NaN/Inf) without touching the audio.
            let value = if value.is_finite() { value } else { 0.0 };
            self.samples[((start + i as u64) % capacity) as usize].store(value, Ordering::Relaxed);
        }
        self.written.store(start + frames as u64, Ordering::Release);
    }

    /// Copies the newest `out.len()` samples (oldest first) into `out`; missing history reads as
    /// silence. Returns the number of samples written at the time of the copy. Reader only.
    pub fn copy_newest(&self, out: &mut [f32]) -> u64 {
        let end = self.written.load(Ordering::Acquire);
        let capacity = self.samples.len() as u64;
        let n = out.len() as u64;
        for (i, slot) in out.iter_mut().enumerate() {
            // Position of this sample in the stream; before the start there is only silence.
            let pos = (end + i as u64).checked_sub(n);
            *slot = match pos {
                Some(pos) if end - pos <= capacity => {
                    self.samples[(pos % capacity) as usize].load(Ordering::Relaxed)
                }
                _ => 0.0,
            };
        }
        end
    }

    /// Forgets the history (all samples read as silence). Producer only.
    pub fn clear(&self) {
        for sample in self.samples.iter() {
            sample.store(0.0, Ordering::Relaxed);
        }
    }
}

/// Editor-side spectrum analyser: FFT of the newest samples of a [`SampleRing`], reduced to
/// log-spaced display points and smoothed (see the module docs).
pub struct SpectrumAnalyzer {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    /// Amplitude scale that makes a full-scale sine read 1.0 (2 / sum of the window).
    scale: f32,
    input: Vec<f32>,
    output: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// Display point frequencies, Hz (log-spaced).
    points_hz: Vec<f32>,
    /// Smoothed level per display point, dB (tilt included).
    levels_db: Vec<f32>,
    /// Sample count of the ring at the last update (no new audio → no new frame).
    last_written: Option<u64>,
}

impl std::fmt::Debug for SpectrumAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpectrumAnalyzer")
            .field("points", &self.points_hz.len())
            .finish()
    }
}

impl SpectrumAnalyzer {
    /// An analyser with `points` display points from `min_hz` to `max_hz` (log-spaced).
    pub fn new(points: usize, min_hz: f32, max_hz: f32) -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(FFT_SIZE);
        let window: Vec<f32> = (0..FFT_SIZE)
            .map(|n| {
                let phase = std::f32::consts::TAU * n as f32 / FFT_SIZE as f32;
                0.5 - 0.5 * phase.cos()
            })
            .collect();
        let scale = 2.0 / window.iter().sum::<f32>();
        let points = points.max(2);
        let ratio = (max_hz / min_hz).max(1.0);
        let points_hz = (0..points)
            .map(|i| min_hz * ratio.powf(i as f32 / (points - 1) as f32))
            .collect();
        Self {
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
            window,
            scale,
            points_hz,
            levels_db: vec![FLOOR_DB; points],
            last_written: None,
        }
    }

    /// Display point frequencies, Hz.
    pub fn frequencies_hz(&self) -> &[f32] {
        &self.points_hz
    }

    /// Smoothed level of each display point, dB (same order as [`frequencies_hz`](Self::frequencies_hz)).
    pub fn levels_db(&self) -> &[f32] {
        &self.levels_db
    }

    /// Drops the smoothed levels to the floor (e.g. when the editor reopens).
    pub fn clear(&mut self) {
        self.levels_db.fill(FLOOR_DB);
        self.last_written = None;
    }

    /// Analyses the newest samples of `ring` and moves the display `dt_s` seconds on. Holds the
    /// last picture (falling) when no audio arrived since the last call.
    pub fn update(&mut self, ring: &SampleRing, sample_rate_hz: f32, dt_s: f32) {
        let written = ring.copy_newest(&mut self.input);
        let fresh = self.last_written != Some(written);
        self.last_written = Some(written);
        let rise = 1.0 - (-dt_s.max(0.0) / RISE_S).exp();
        let fall = 1.0 - (-dt_s.max(0.0) / FALL_S).exp();
        if !fresh {
            for level in &mut self.levels_db {
                *level += (FLOOR_DB - *level) * fall;
            }
            return;
        }
        for (x, w) in self.input.iter_mut().zip(&self.window) {
            *x *= w;
        }
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
            .is_err()
        {
            return;
        }
        let bin_hz = sample_rate_hz.max(1.0) / FFT_SIZE as f32;
        let last_bin = self.output.len() - 1;
        let amplitude = |bin: usize| self.output[bin.min(last_bin)].norm() * self.scale;
        let n = self.points_hz.len();
        for i in 0..n {
            let hz = self.points_hz[i];
            // This point covers half-way to its neighbours (in log frequency).
            let lo = if i > 0 {
                (self.points_hz[i - 1] * hz).sqrt()
            } else {
                hz
            };
            let hi = if i + 1 < n {
                (self.points_hz[i + 1] * hz).sqrt()
            } else {
                hz
            };
            let first = (lo / bin_hz).ceil() as usize;
            let last = ((hi / bin_hz).floor() as usize).min(last_bin);
            let value = if first <= last && first >= 1 {
                (first..=last).map(amplitude).fold(0.0, f32::max)
            } else {
                // Fewer bins than points here: interpolate between the two nearest bins.
                let position = (hz / bin_hz).clamp(1.0, last_bin as f32);
                let below = position.floor() as usize;
                let t = position - below as f32;
                amplitude(below) * (1.0 - t) + amplitude(below + 1) * t
            };
            let tilt = TILT_DB_PER_OCTAVE * (hz / TILT_PIVOT_HZ).log2();
            let db = if value > 0.0 && hz < 0.5 * sample_rate_hz {
                (20.0 * value.log10() + tilt).max(FLOOR_DB)
            } else {
                FLOOR_DB
            };
            let level = &mut self.levels_db[i];
            let k = if db > *level { rise } else { fall };
            *level += (db - *level) * k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest_samples() {
        let ring = SampleRing::new(8);
        let mut out = [9.0; 4];
        assert_eq!(ring.copy_newest(&mut out), 0);
        assert_eq!(out, [0.0; 4]);
        let left: Vec<f32> = (0..10).map(|i| i as f32).collect();
        let right: Vec<f32> = (0..10).map(|i| i as f32 + 2.0).collect();
        ring.push_mixed(&[&left, &right]);
        assert_eq!(ring.copy_newest(&mut out), 10);
        assert_eq!(out, [7.0, 8.0, 9.0, 10.0]);
        let mut long = [9.0; 12];
        ring.copy_newest(&mut long);
        // Only 8 are kept: the 4 before read as silence.
        assert_eq!(&long[..4], &[0.0; 4]);
        assert_eq!(long[4], 3.0);
        ring.push_mixed(&[&[f32::NAN]]);
        ring.copy_newest(&mut out[..1]);
        assert_eq!(out[0], 0.0);
    }

    #[test]
    fn a_full_scale_sine_reads_about_0_db_at_1_khz() {
        let fs = 48_000.0;
        let ring = SampleRing::new(RING_CAPACITY);
        // A bin-centred frequency near 1 kHz, so the Hann window's scalloping is zero.
        let hz = (1000.0 / (fs / FFT_SIZE as f32)).round() * fs / FFT_SIZE as f32;
        let sine: Vec<f32> = (0..FFT_SIZE)
            .map(|n| (std::f32::consts::TAU * hz * n as f32 / fs).sin())
            .collect();
        ring.push_mixed(&[&sine]);
        let mut analyzer = SpectrumAnalyzer::new(200, 20.0, 20_000.0);
        // A long step: the smoothing settles at once.
        analyzer.update(&ring, fs, 10.0);
        let (i, peak) = analyzer
            .levels_db()
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let at = analyzer.frequencies_hz()[i];
        let tilt = TILT_DB_PER_OCTAVE * (at / TILT_PIVOT_HZ).log2();
        assert!((at / hz - 1.0).abs() < 0.05, "peak at {at} Hz");
        assert!((peak - tilt).abs() < 0.5, "peak {peak} dB (tilt {tilt})");
        // Far from the tone the spectrum is far below it.
        assert!(analyzer.levels_db()[0] < -60.0);
        // No new audio: the display falls.
        analyzer.update(&ring, fs, 0.1);
        assert!(analyzer.levels_db()[i] < peak);
    }
}
