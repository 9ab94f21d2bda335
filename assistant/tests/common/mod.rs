//! Synthesised programmes for the assistant's tests.
#![allow(dead_code)]

pub mod colouring;

/// Deterministic white noise, uniform in ±`peak`.
pub fn white(peak: f32, frames: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.max(1);
    (0..frames)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            peak * (state as f32 / u32::MAX as f32 * 2.0 - 1.0)
        })
        .collect()
}

/// Pink noise (Paul Kellet's refined filter on white noise: within ±0.05 dB of −3 dB/octave
/// above 10 Hz at 44.1 kHz), about `rms` RMS.
pub fn pink(rms: f32, frames: usize, seed: u32) -> Vec<f32> {
    let w = white(1.0, frames, seed);
    let mut b = [0.0f32; 7];
    let raw: Vec<f32> = w
        .iter()
        .map(|&x| {
            b[0] = 0.998_86 * b[0] + x * 0.055_517_9;
            b[1] = 0.993_32 * b[1] + x * 0.075_075_9;
            b[2] = 0.969 * b[2] + x * 0.153_852;
            b[3] = 0.8665 * b[3] + x * 0.310_485_6;
            b[4] = 0.55 * b[4] + x * 0.532_952_2;
            b[5] = -0.7616 * b[5] - x * 0.016_898;
            let y = b.iter().sum::<f32>() + x * 0.5362;
            b[6] = x * 0.115_926;
            y
        })
        .collect();
    let measured = (raw.iter().map(|v| v * v).sum::<f32>() / raw.len() as f32).sqrt();
    raw.iter().map(|v| v * rms / measured).collect()
}

/// A sine of peak `peak` at `hz`.
pub fn sine(peak: f32, hz: f64, fs: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| peak * (2.0 * std::f64::consts::PI * hz * i as f64 / fs).sin() as f32)
        .collect()
}

/// Adds `b` into `a` (to the shorter length).
pub fn mix(a: &mut [f32], b: &[f32]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
}

/// Band-limited noise from `low_hz` to `high_hz`: 48 sines of fixed pseudo-random phases
/// evenly spread, scaled to about `rms`.
pub fn band_noise(rms: f32, low_hz: f64, high_hz: f64, fs: f64, frames: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; frames];
    let n = 48;
    for k in 0..n {
        let hz = low_hz + (high_hz - low_hz) * (k as f64 + 0.5) / n as f64;
        let phase = (k as f64 * 2.399_963).rem_euclid(std::f64::consts::TAU);
        for (i, o) in out.iter_mut().enumerate() {
            *o += (2.0 * std::f64::consts::PI * hz * i as f64 / fs + phase).sin() as f32;
        }
    }
    let scale = rms / (n as f32 / 2.0).sqrt();
    out.iter_mut().for_each(|v| *v *= scale);
    out
}
