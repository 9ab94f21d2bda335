//! The band splitter alone on 48 kHz stereo noise in 512-frame blocks: MinimumPhase 24 dB/oct with
//! 4 and 6 bands, DynamicPhase 4 bands, LinearPhase 4 bands. Throughput is in frames:
//! x-real-time = frames/s ÷ 48 000.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::filter::crossover::BandSplitter;
use dsp_core::filter::crossover_settings::{CrossoverMode, CrossoverSettings, CrossoverSlope};
use rand::{Rng, SeedableRng};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const BLOCK_FRAMES: usize = 512;
const SECONDS: f64 = 2.0;

fn bench_crossover(c: &mut Criterion) {
    let frames = (SECONDS * SAMPLE_RATE_HZ) as usize;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let x: Vec<Vec<f32>> = (0..2)
        .map(|_| (0..frames).map(|_| rng.gen_range(-0.5f32..0.5)).collect())
        .collect();
    let mut group = c.benchmark_group("crossover_48k_stereo_512");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(10);
    let cases = [
        (
            "minimum_phase_4_bands_24db",
            CrossoverMode::MinimumPhase,
            4,
            CrossoverSlope::Db24,
        ),
        (
            "minimum_phase_6_bands_24db",
            CrossoverMode::MinimumPhase,
            6,
            CrossoverSlope::Db24,
        ),
        (
            "minimum_phase_4_bands_48db",
            CrossoverMode::MinimumPhase,
            4,
            CrossoverSlope::Db48,
        ),
        (
            "dynamic_phase_4_bands_24db",
            CrossoverMode::DynamicPhase,
            4,
            CrossoverSlope::Db24,
        ),
        (
            "linear_phase_4_bands_24db",
            CrossoverMode::LinearPhase,
            4,
            CrossoverSlope::Db24,
        ),
    ];
    for (name, mode, bands, slope) in cases {
        group.bench_function(name, |b| {
            let mut sp = BandSplitter::new();
            sp.prepare(SAMPLE_RATE_HZ, BLOCK_FRAMES, 2);
            sp.set_settings(CrossoverSettings {
                bands,
                mode,
                slope,
                ..CrossoverSettings::default()
            });
            b.iter(|| {
                let mut keep = 0.0f32;
                for at in (0..frames).step_by(BLOCK_FRAMES) {
                    let n = BLOCK_FRAMES.min(frames - at);
                    sp.split(&[&x[0][at..at + n], &x[1][at..at + n]]);
                    keep += sp.band(0, 0)[0];
                }
                black_box(keep)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_crossover);
criterion_main!(benches);
