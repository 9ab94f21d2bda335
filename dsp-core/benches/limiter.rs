//! The limiter on 48 kHz stereo programme driven into limiting: at each oversampling factor in
//! 512-frame blocks (`limiter_48k_stereo`), and at 4× in the block sizes hosts use, 32 to 1024
//! frames (`limiter_48k_stereo_4x_block`; the plugin calls it in sub-blocks of at most 64).
//! Throughput is in frames: x-real-time = frames/s ÷ 48 000. `VERNIS_SIMD_CAP=baseline` or `avx2`
//! runs the narrower builds of the kernels (as on a CPU without AVX-512).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter, Oversampling};
use dsp_core::{ProcessSpec, Processor};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const BLOCK_FRAMES: usize = 512;
/// Block sizes hosts use, frames.
const HOST_BLOCK_FRAMES: [usize; 5] = [32, 64, 128, 512, 1024];

/// Runs `limiter` over a copy of `x` in blocks of `block_frames`; returns a sample to keep.
fn run_blocks(
    limiter: &mut LookaheadLimiter,
    x: &[Vec<f32>],
    (left, right): (&mut [f32], &mut [f32]),
    block_frames: usize,
) -> f32 {
    left.copy_from_slice(&x[0]);
    right.copy_from_slice(&x[1]);
    for (l, r) in left
        .chunks_mut(block_frames)
        .zip(right.chunks_mut(block_frames))
    {
        limiter.process(&mut [l, r]);
    }
    left[0]
}

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
                black_box(run_blocks(
                    &mut limiter,
                    &x,
                    (&mut left, &mut right),
                    BLOCK_FRAMES,
                ))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("limiter_48k_stereo_4x_block");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(10);
    let settings = LimiterSettings {
        oversampling: Oversampling::X4,
        input_gain_db: 6.0,
        ..LimiterSettings::default()
    };
    for block_frames in HOST_BLOCK_FRAMES {
        group.bench_function(block_frames.to_string(), |b| {
            let mut limiter = LookaheadLimiter::new();
            limiter.set_settings(&settings);
            limiter.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, block_frames, 2));
            let (mut left, mut right) = (x[0].clone(), x[1].clone());
            b.iter(|| {
                black_box(run_blocks(
                    &mut limiter,
                    &x,
                    (&mut left, &mut right),
                    block_frames,
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_limiter);
criterion_main!(benches);
