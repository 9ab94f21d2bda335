//! The limiter (48 kHz stereo, 4×, driven into limiting) over 5 s of the demo programme in blocks
//! of each size given on the command line (default 32 64 128 512 1024), the sizes taking turns
//! so that a noisy machine slows them alike; prints min and median x-real-time per size.
//! `VERNIS_REPS` sets the passes per size (default 15); `VERNIS_SIMD_CAP=avx2` or `baseline` runs
//! the narrower kernel builds. For instruction counts, one size and one
//! pass: `VERNIS_REPS=1 valgrind --tool=callgrind target/release/examples/limiter_blocks 64`.

use std::time::Instant;

use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter, Oversampling};
use dsp_core::{ProcessSpec, Processor};

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![32, 64, 128, 512, 1024];
    }
    let reps: usize = std::env::var("VERNIS_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    dsp_core::simd::set_level_cap(match std::env::var("VERNIS_SIMD_CAP").as_deref() {
        Ok("baseline") => Some(dsp_core::simd::SimdLevel::Baseline),
        Ok("avx2") => Some(dsp_core::simd::SimdLevel::Avx2),
        _ => None,
    });
    let fs = 48_000.0;
    let mut x = dsp_core::demo::demo_programme(fs);
    for ch in &mut x {
        ch.drain(..(16.0 * fs) as usize);
        ch.truncate((5.0 * fs) as usize);
    }
    let settings = LimiterSettings {
        oversampling: Oversampling::X4,
        input_gain_db: 6.0,
        ..LimiterSettings::default()
    };
    let mut limiters: Vec<LookaheadLimiter> = sizes
        .iter()
        .map(|&b| {
            let mut l = LookaheadLimiter::new();
            l.set_settings(&settings);
            l.prepare(&ProcessSpec::new(fs, b, 2));
            l
        })
        .collect();
    let mut times = vec![Vec::new(); sizes.len()];
    let (mut left, mut right) = (x[0].clone(), x[1].clone());
    let mut keep = 0.0f32;
    for _ in 0..reps {
        for (i, &block) in sizes.iter().enumerate() {
            left.copy_from_slice(&x[0]);
            right.copy_from_slice(&x[1]);
            let start = Instant::now();
            for (l, r) in left.chunks_mut(block).zip(right.chunks_mut(block)) {
                limiters[i].process(&mut [l, r]);
            }
            times[i].push(start.elapsed().as_secs_f64());
            keep += left[1000];
        }
    }
    let seconds = x[0].len() as f64 / fs;
    for (block, t) in sizes.iter().zip(&mut times) {
        t.sort_by(f64::total_cmp);
        println!(
            "block {block:>5}: {:>6.0}x real time (min time), {:>6.0}x (median)",
            seconds / t[0],
            seconds / t[t.len() / 2]
        );
    }
    std::hint::black_box(keep);
}
