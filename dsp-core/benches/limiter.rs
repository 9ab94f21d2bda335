//! The limiter on 48 kHz stereo programme at each oversampling factor, driven into limiting.
//! Throughput is in frames: x-real-time = frames/s ÷ 48 000. `VERNIS_SIMD_CAP=baseline` or `avx2`
//! runs the narrower builds of the kernels (as on a CPU without AVX-512).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter, Oversampling};
use dsp_core::{ProcessSpec, Processor};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const BLOCK_FRAMES: usize = 512;

fn bench_limiter(c: &mut Criterion) {
    let cap = match std::env::var("VERNIS_SIMD_CAP").as_deref() {
        Ok("baseline") => Some(dsp_core::simd::SimdLevel::Baseline),
        Ok("avx2") => Some(dsp_core::simd::SimdLevel::Avx2),
        _ => None,
    };
    dsp_core::simd::set_level_cap(cap);
    let mut x = dsp_core::demo::demo_programme(SAMPLE_RATE_HZ);
    for ch in &mut x {
        ch.drain(..(16.0 * SAMPLE_RATE_HZ) as usize);
        ch.truncate((5.0 * SAMPLE_RATE_HZ) as usize);
    }
    let frames = x[0].len();
    let mut group = c.benchmark_group("limiter_48k_stereo");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(10);
    for oversampling in Oversampling::ALL {
        let settings = LimiterSettings {
            oversampling,
            input_gain_db: 6.0,
            ..LimiterSettings::default()
        };
        group.bench_function(oversampling.name(), |b| {
            let mut limiter = LookaheadLimiter::new();
            limiter.set_settings(&settings);
            limiter.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, BLOCK_FRAMES, 2));
            let (mut left, mut right) = (x[0].clone(), x[1].clone());
            b.iter(|| {
                left.copy_from_slice(&x[0]);
                right.copy_from_slice(&x[1]);
                for (l, r) in left
                    .chunks_mut(BLOCK_FRAMES)
                    .zip(right.chunks_mut(BLOCK_FRAMES))
                {
                    limiter.process(&mut [l, r]);
                }
                black_box(left[0])
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_limiter);
criterion_main!(benches);
