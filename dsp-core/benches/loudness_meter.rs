//! Full loudness meter (M, S, I, LRA, sample and true peak) on 48 kHz stereo, side by side with the
//! `ebur128` crate in the equivalent modes. Throughput is in frames: x-real-time = frames/s ÷ 48 000.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::meter::LoudnessMeter;
use dsp_core::{ProcessSpec, Processor};
use ebur128::{EbuR128, Mode};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const SECONDS: usize = 10;
/// Host-like block; momentary and short-term are read every 100 ms in both meters.
const BLOCK_FRAMES: usize = 4_800;

fn programme() -> Vec<Vec<f32>> {
    let mut x = dsp_core::demo::demo_programme(SAMPLE_RATE_HZ);
    for ch in &mut x {
        ch.truncate(SECONDS * SAMPLE_RATE_HZ as usize);
    }
    x
}

fn bench_meters(c: &mut Criterion) {
    let x = programme();
    let frames = x[0].len();
    let mut group = c.benchmark_group("loudness_meter_48k_stereo");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(20);

    group.bench_function("vernis", |b| {
        let mut meter = LoudnessMeter::new();
        meter.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, BLOCK_FRAMES, 2));
        b.iter(|| {
            meter.reset();
            for (l, r) in x[0].chunks(BLOCK_FRAMES).zip(x[1].chunks(BLOCK_FRAMES)) {
                meter.measure(&[l, r]);
                black_box((meter.momentary_lufs(), meter.short_term_lufs()));
            }
            black_box(meter.reading())
        })
    });

    group.bench_function("ebur128_crate", |b| {
        let mode = Mode::M | Mode::S | Mode::I | Mode::LRA | Mode::SAMPLE_PEAK | Mode::TRUE_PEAK;
        let mut meter = EbuR128::new(2, SAMPLE_RATE_HZ as u32, mode).unwrap();
        b.iter(|| {
            meter.reset();
            for (l, r) in x[0].chunks(BLOCK_FRAMES).zip(x[1].chunks(BLOCK_FRAMES)) {
                meter.add_frames_planar_f32(&[l, r]).unwrap();
                black_box((
                    meter.loudness_momentary().unwrap(),
                    meter.loudness_shortterm().unwrap(),
                ));
            }
            black_box((
                meter.loudness_global(),
                meter.loudness_range(),
                meter.true_peak(0),
                meter.true_peak(1),
                meter.sample_peak(0),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_meters);
criterion_main!(benches);
