//! The Dynamic EQ on 5 s of the 48 kHz stereo demo programme in 512-frame blocks: 8 dynamic
//! bells, 24 static bands, 24 dynamic bands (every dynamic band acting: threshold −50 dB, 3:1,
//! range −6 dB), and 8 dynamic bells in Linear Phase. Throughput is in frames: x-real-time = frames/s ÷ 48 000 (the issue asks ≥ 250×,
//! 300×, 100× and 100×).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dsp_core::eq::{DynamicEq, DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase};
use dsp_core::filter::eq_shape::{EqShape, EqShapeSettings};
use dsp_core::{ProcessSpec, Processor};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const BLOCK_FRAMES: usize = 512;

/// `bands` bands spread log-wise from 40 Hz to 16 kHz, bells (with a shelf at each end when
/// there are more than 8), dynamic or static.
fn settings(bands: usize, dynamic: bool) -> DynamicEqSettings {
    let mut s = DynamicEqSettings::default();
    for (i, b) in s.bands.iter_mut().take(bands).enumerate() {
        let t = i as f64 / (bands.max(2) - 1) as f64;
        let shape = match i {
            0 if bands > 8 => EqShape::LowShelf,
            i if i + 1 == bands && bands > 8 => EqShape::HighShelf,
            _ => EqShape::Bell,
        };
        *b = EqBandSettings {
            used: true,
            filter: EqShapeSettings {
                shape,
                frequency_hz: 40.0 * 400f64.powf(t),
                gain_db: if i % 2 == 0 { 2.0 } else { -2.0 },
                q: 1.5,
                ..EqShapeSettings::default()
            },
            dynamics: EqDynamicsSettings {
                enabled: dynamic,
                threshold_db: -50.0,
                ratio: 3.0,
                range_db: -6.0,
                ..EqDynamicsSettings::default()
            },
            ..EqBandSettings::default()
        };
    }
    s
}

fn bench_dynamic_eq(c: &mut Criterion) {
    let mut x = dsp_core::demo::demo_programme(SAMPLE_RATE_HZ);
    for ch in &mut x {
        ch.drain(..(16.0 * SAMPLE_RATE_HZ) as usize);
        ch.truncate((5.0 * SAMPLE_RATE_HZ) as usize);
    }
    let frames = x[0].len();
    let mut group = c.benchmark_group("dynamic_eq_48k_stereo");
    group.throughput(Throughput::Elements(frames as u64));
    group.sample_size(10);
    for (name, bands, dynamic, phase) in [
        ("8 dynamic bells", 8, true, EqPhase::ZeroLatency),
        ("24 static bands", 24, false, EqPhase::ZeroLatency),
        ("24 dynamic bands", 24, true, EqPhase::ZeroLatency),
        (
            "linear phase 8 dynamic bells",
            8,
            true,
            EqPhase::LinearPhase,
        ),
    ] {
        group.bench_function(name, |b| {
            let mut eq = DynamicEq::new();
            eq.set_settings(DynamicEqSettings {
                phase,
                ..settings(bands, dynamic)
            });
            eq.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, BLOCK_FRAMES, 2));
            let (mut left, mut right) = (x[0].clone(), x[1].clone());
            b.iter(|| {
                left.copy_from_slice(&x[0]);
                right.copy_from_slice(&x[1]);
                for (l, r) in left
                    .chunks_mut(BLOCK_FRAMES)
                    .zip(right.chunks_mut(BLOCK_FRAMES))
                {
                    eq.process(&mut [l, r]);
                }
                black_box(left[0])
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_dynamic_eq);
criterion_main!(benches);
