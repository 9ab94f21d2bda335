//! Test-signal synthesis and limiter rendering shared by the dsp-core integration tests (generated
//! in code, nothing committed).

#![allow(dead_code)]

use std::f64::consts::PI;

/// A sine segment: frequency, peak amplitude in dBFS, duration in seconds.
#[derive(Clone, Copy)]
pub struct Segment {
    pub freq_hz: f64,
    pub peak_dbfs: f64,
    pub seconds: f64,
}

/// Concatenates sine segments with continuous phase into one channel.
pub fn sine_segments(sample_rate_hz: f64, segments: &[Segment]) -> Vec<f32> {
    let mut out = Vec::new();
    let mut phase = 0.0f64;
    for s in segments {
        let n = (s.seconds * sample_rate_hz).round() as usize;
        let amp = if s.peak_dbfs.is_finite() {
            10f64.powf(s.peak_dbfs / 20.0)
        } else {
            0.0
        };
        let step = 2.0 * PI * s.freq_hz / sample_rate_hz;
        for _ in 0..n {
            out.push((amp * phase.sin()) as f32);
            phase = (phase + step) % (2.0 * PI);
        }
    }
    out
}

/// A 1 kHz segment at `peak_dbfs` lasting `seconds`.
pub fn tone(peak_dbfs: f64, seconds: f64) -> Segment {
    Segment {
        freq_hz: 1000.0,
        peak_dbfs,
        seconds,
    }
}

/// Silence lasting `seconds`.
pub fn silence(seconds: f64) -> Segment {
    Segment {
        freq_hz: 1000.0,
        peak_dbfs: f64::NEG_INFINITY,
        seconds,
    }
}

/// A sine at `freq_hz` with starting `phase_deg` and `peak` amplitude, `seconds` long, with 10 ms
/// raised-cosine fades at both ends (as in the EBU true-peak test signals).
pub fn faded_sine(
    sample_rate_hz: f64,
    freq_hz: f64,
    phase_deg: f64,
    peak: f64,
    seconds: f64,
) -> Vec<f32> {
    let n = (seconds * sample_rate_hz).round() as usize;
    let fade = (0.01 * sample_rate_hz).round() as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / sample_rate_hz;
            let mut g = 1.0;
            if i < fade {
                g = 0.5 - 0.5 * (PI * i as f64 / fade as f64).cos();
            } else if i >= n - fade {
                g = 0.5 - 0.5 * (PI * (n - 1 - i) as f64 / fade as f64).cos();
            }
            (peak * g * (2.0 * PI * freq_hz * t + phase_deg.to_radians()).sin()) as f32
        })
        .collect()
}

/// Deterministic white noise in [-amplitude, amplitude] (xorshift64*).
pub fn white_noise(frames: usize, amplitude: f32, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..frames)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
            let unit = (r >> 40) as f32 / (1u64 << 24) as f32; // [0, 1)
            (unit * 2.0 - 1.0) * amplitude
        })
        .collect()
}

/// Measures `channels` with a fresh meter prepared for `sample_rate_hz`, fed in `block` frame chunks.
pub fn measure(
    sample_rate_hz: f64,
    channels: &[Vec<f32>],
    block: usize,
) -> dsp_core::meter::LoudnessReading {
    use dsp_core::{meter::LoudnessMeter, ProcessSpec, Processor};
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(sample_rate_hz, block, channels.len()));
    let frames = channels[0].len();
    let mut start = 0;
    while start < frames {
        let end = (start + block).min(frames);
        let views: Vec<&[f32]> = channels.iter().map(|c| &c[start..end]).collect();
        meter.measure(&views);
        start = end;
    }
    meter.reading()
}

/// Runs a limiter with `settings` over `input` (any channel count) followed by 50 ms of silence,
/// in blocks of `block` frames, so the whole limited signal comes out of the latency. Returns the
/// output and the limiter's latency in samples.
pub fn render_limiter_with_tail(
    settings: &dsp_core::dynamics::LimiterSettings,
    fs: f64,
    input: &[Vec<f32>],
    block: usize,
) -> (Vec<Vec<f32>>, usize) {
    use dsp_core::Processor;
    let mut limiter = dsp_core::dynamics::LookaheadLimiter::new();
    limiter.set_settings(settings);
    limiter.prepare(&dsp_core::ProcessSpec::new(fs, block, input.len()));
    let tail = (0.05 * fs) as usize;
    let mut out: Vec<Vec<f32>> = input
        .iter()
        .map(|c| {
            c.iter()
                .copied()
                .chain(std::iter::repeat_n(0.0, tail))
                .collect()
        })
        .collect();
    let frames = out[0].len();
    for start in (0..frames).step_by(block) {
        let end = (start + block).min(frames);
        let mut views: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[start..end]).collect();
        limiter.process(&mut views);
    }
    (out, limiter.latency_samples() as usize)
}

/// THD+N (dB) of `y` against a least-squares fit of `freq_hz` (sine, cosine and DC removed):
/// residual power over fitted fundamental power.
pub fn thd_n_db(y: &[f32], freq_hz: f64, sample_rate_hz: f64) -> f64 {
    let w = 2.0 * PI * freq_hz / sample_rate_hz;
    let basis = |i: usize| [(w * i as f64).sin(), (w * i as f64).cos(), 1.0];
    let mut ata = [[0.0f64; 3]; 3];
    let mut atb = [0.0f64; 3];
    for (i, &v) in y.iter().enumerate() {
        let b = basis(i);
        for r in 0..3 {
            atb[r] += b[r] * v as f64;
            for c in 0..3 {
                ata[r][c] += b[r] * b[c];
            }
        }
    }
    // Solve the 3×3 normal equations by Cramer's rule.
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(ata);
    let coef: Vec<f64> = (0..3)
        .map(|k| {
            let mut m = ata;
            for r in 0..3 {
                m[r][k] = atb[r];
            }
            det(m) / d
        })
        .collect();
    let (mut residual, mut fundamental) = (0.0, 0.0);
    for (i, &v) in y.iter().enumerate() {
        let b = basis(i);
        let fit = coef[0] * b[0] + coef[1] * b[1];
        fundamental += fit * fit;
        residual += (v as f64 - fit - coef[2]).powi(2);
    }
    10.0 * (residual / fundamental).log10()
}
