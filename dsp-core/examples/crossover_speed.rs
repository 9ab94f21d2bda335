//! Times the band splitter on 48 kHz stereo noise in 512-frame blocks (or the block size given as
//! the first argument) by process CPU time (robust
//! to other jobs sharing the machine): `cargo run --release -p dsp-core --example crossover_speed`.

use dsp_core::filter::crossover::BandSplitter;
use dsp_core::filter::crossover_settings::{CrossoverMode, CrossoverSettings, CrossoverSlope};

/// CPU time of this process (user + system), seconds, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn main() {
    // Block size: the first argument (default 512; the multiband splits in 256-frame chunks).
    let block: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(512);
    let rate = 48_000.0;
    let frames = 48_000 * 4;
    let mut seed = 1u32;
    let mut noise = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 8) as f32 / (1 << 24) as f32 - 0.5
    };
    let x: Vec<Vec<f32>> = (0..2)
        .map(|_| (0..frames).map(|_| noise()).collect())
        .collect();
    let cases = [
        (
            "minimum phase, 4 bands, 24 dB",
            CrossoverMode::MinimumPhase,
            4,
            CrossoverSlope::Db24,
        ),
        (
            "minimum phase, 6 bands, 24 dB",
            CrossoverMode::MinimumPhase,
            6,
            CrossoverSlope::Db24,
        ),
        (
            "minimum phase, 4 bands, 48 dB",
            CrossoverMode::MinimumPhase,
            4,
            CrossoverSlope::Db48,
        ),
        (
            "dynamic phase, 4 bands, 24 dB",
            CrossoverMode::DynamicPhase,
            4,
            CrossoverSlope::Db24,
        ),
        (
            "linear phase,  4 bands, 24 dB",
            CrossoverMode::LinearPhase,
            4,
            CrossoverSlope::Db24,
        ),
    ];
    for (name, mode, bands, slope) in cases {
        let mut sp = BandSplitter::new();
        sp.prepare(rate, block, 2);
        sp.set_settings(CrossoverSettings {
            bands,
            mode,
            slope,
            ..CrossoverSettings::default()
        });
        let (t0, w0) = (cpu_seconds(), std::time::Instant::now());
        let mut total = 0usize;
        let mut keep = 0.0f32;
        while cpu_seconds() - t0 < 3.0 {
            for at in (0..frames - block + 1).step_by(block) {
                sp.split(&[&x[0][at..at + block], &x[1][at..at + block]]);
                keep += sp.band(0, 0)[0];
            }
            total += frames / block * block;
        }
        let cpu = cpu_seconds() - t0;
        let wall = w0.elapsed().as_secs_f64();
        println!(
            "{name}: {:>6.0}x real time (CPU time), {:>6.0}x (wall) [{keep:.1e}]",
            total as f64 / rate / cpu,
            total as f64 / rate / wall
        );
    }
}
