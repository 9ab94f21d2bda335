//! One band's dynamics (`BandDynamics::process`) at 48 kHz on 5 s of band-like programme (a kick
//! pattern plus noise, linked detector = |x|), in 64- and 512-frame blocks, with compression
//! active (4:1, 6 dB of GR and more) and the transient shaper on. Throughput is in frames:
//! x-real-time = frames/s ÷ 48 000 (the target is ≥ 3000×, ≤ 0.3 ms per second of audio).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::dynamics::{BandDetector, BandDynamics, BandSettings};

const SAMPLE_RATE_HZ: f64 = 48_000.0;

fn programme(frames: usize) -> Vec<f32> {
    let mut state = 0x2545_f491u32;
    (0..frames)
        .map(|i| {
            let t = (i % 24_000) as f64 / SAMPLE_RATE_HZ;
            let kick = 0.7 * (-t / 0.15).exp() * (2.0 * std::f64::consts::PI * 60.0 * t).sin();
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = ((state >> 8) as f64 / (1u32 << 24) as f64 - 0.5) * 0.1;
            (kick + noise).abs() as f32
        })
        .collect()
}

fn bench_band(c: &mut Criterion) {
    let frames = (5.0 * SAMPLE_RATE_HZ) as usize;
    let x = programme(frames);
    let mut group = c.benchmark_group("band_dynamics_48k");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(20);
    for detector in [BandDetector::Peak, BandDetector::Rms] {
        for block in [64usize, 512] {
            let settings = BandSettings {
                detector,
                threshold_db: -30.0,
                ratio: 4.0,
                knee_db: 6.0,
                transient_db: 4.0,
                makeup_db: 3.0,
                ..BandSettings::default()
            };
            let name = format!("{}_{block}", detector.key());
            group.bench_function(name, |b| {
                let mut band = BandDynamics::new();
                band.prepare(SAMPLE_RATE_HZ, block);
                band.set_settings(&settings, 20.0);
                let mut gain = vec![0.0f32; frames];
                b.iter(|| {
                    for ((d, g), a) in x
                        .chunks(block)
                        .zip(gain.chunks_mut(block))
                        .zip(x.chunks(block))
                    {
                        black_box(band.process(d, a, g));
                    }
                    black_box(gain[frames - 1])
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_band);
criterion_main!(benches);
