//! The multiband compressor on 5 s of the 48 kHz stereo demo programme with every band
//! compressing (threshold −40 dB, 4:1, 5/80 ms), in 512-frame blocks: 4 and 6 bands Minimum
//! Phase, 4 bands Linear Phase and Dynamic Phase. Throughput is in frames: x-real-time =
//! frames/s ÷ 48 000 (the issue asks ≥ 500×, 330×, 150× and 400×).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::dynamics::{MultibandCompressor, MultibandSettings};
use dsp_core::filter::CrossoverMode;
use dsp_core::{ProcessSpec, Processor};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const BLOCK_FRAMES: usize = 512;

fn bench_multiband(c: &mut Criterion) {
    let mut x = dsp_core::demo::demo_programme(SAMPLE_RATE_HZ);
    for ch in &mut x {
        ch.drain(..(16.0 * SAMPLE_RATE_HZ) as usize);
        ch.truncate((5.0 * SAMPLE_RATE_HZ) as usize);
    }
    let frames = x[0].len();
    let mut group = c.benchmark_group("multiband_48k_stereo");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(10);
    for (name, bands, mode) in [
        ("4 bands minimum phase", 4, CrossoverMode::MinimumPhase),
        ("6 bands minimum phase", 6, CrossoverMode::MinimumPhase),
        ("4 bands linear phase", 4, CrossoverMode::LinearPhase),
        ("4 bands dynamic phase", 4, CrossoverMode::DynamicPhase),
    ] {
        let mut settings = MultibandSettings {
            bands,
            mode,
            ..MultibandSettings::default()
        };
        for b in &mut settings.band {
            b.threshold_db = -40.0;
            b.ratio = 4.0;
            b.attack_ms = 5.0;
            b.release_ms = 80.0;
        }
        group.bench_function(name, |b| {
            let mut mb = MultibandCompressor::new();
            mb.set_settings(settings);
            mb.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, BLOCK_FRAMES, 2));
            let (mut left, mut right) = (x[0].clone(), x[1].clone());
            b.iter(|| {
                left.copy_from_slice(&x[0]);
                right.copy_from_slice(&x[1]);
                for (l, r) in left
                    .chunks_mut(BLOCK_FRAMES)
                    .zip(right.chunks_mut(BLOCK_FRAMES))
                {
                    mb.process(&mut [l, r]);
                }
                black_box(left[0])
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_multiband);
criterion_main!(benches);
