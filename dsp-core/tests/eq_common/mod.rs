//! Settings and rendering shared by the Dynamic EQ tests (both phase modes).

#![allow(dead_code)]

use std::f64::consts::PI;

use dsp_core::dynamics::{BandChannel, BandDetector};
use dsp_core::eq::{DynamicEq, DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqTrigger};
use dsp_core::filter::eq_shape::{EqShape, EqShapeSettings};
use dsp_core::{ProcessSpec, Processor};

pub const FS: f64 = 48_000.0;

/// A sum of sines (frequency Hz, peak dBFS, phase rad), `frames` long.
pub fn sines(fs: f64, tones: &[(f64, f64, f64)], frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            tones
                .iter()
                .map(|&(f, db, ph)| {
                    10f64.powf(db / 20.0) * (2.0 * PI * f * n as f64 / fs + ph).sin()
                })
                .sum::<f64>() as f32
        })
        .collect()
}

/// A band with the dynamic bell: 3 kHz, Q 1, static 0 dB, T −20, r 4, Peak, knee 0.
pub fn dynamic_bell(range_db: f32) -> EqBandSettings {
    EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::Bell,
            frequency_hz: 3000.0,
            gain_db: 0.0,
            q: 1.0,
            ..EqShapeSettings::default()
        },
        dynamics: EqDynamicsSettings {
            enabled: true,
            threshold_db: -20.0,
            ratio: 4.0,
            range_db,
            attack_ms: 5.0,
            release_ms: 100.0,
            knee_db: 0.0,
            ..EqDynamicsSettings::default()
        },
        ..EqBandSettings::default()
    }
}

pub fn one_band(band: EqBandSettings) -> DynamicEqSettings {
    let mut s = DynamicEqSettings::default();
    s.bands[0] = band;
    s
}

/// Renders stereo `input` (both channels the same unless `right` is given) in blocks of `block`.
pub fn render(
    settings: DynamicEqSettings,
    fs: f64,
    left: &[f32],
    right: Option<&[f32]>,
    block: usize,
) -> (Vec<f32>, Vec<f32>) {
    let mut eq = DynamicEq::new();
    eq.set_settings(settings);
    eq.prepare(&ProcessSpec::new(fs, block, 2));
    let (mut l, mut r) = (left.to_vec(), right.unwrap_or(left).to_vec());
    for (a, b) in l.chunks_mut(block).zip(r.chunks_mut(block)) {
        eq.process(&mut [a, b]);
    }
    (l, r)
}

pub fn peak_db(x: &[f32]) -> f64 {
    20.0 * x
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()))
        .max(1e-30)
        .log10() as f64
}

/// Every band used at 0 dB static, dynamics resting (thresholds far above the programme).
pub fn idle_settings() -> DynamicEqSettings {
    let mut s = DynamicEqSettings::default();
    let shapes = [
        EqShape::Bell,
        EqShape::LowShelf,
        EqShape::HighShelf,
        EqShape::TiltShelf,
    ];
    let placements = BandChannel::ALL;
    for (i, b) in s.bands.iter_mut().enumerate() {
        *b = EqBandSettings {
            used: true,
            filter: EqShapeSettings {
                shape: shapes[i % shapes.len()],
                frequency_hz: 40.0 * 1.3f64.powi(i as i32),
                gain_db: 0.0,
                q: 0.5 + 0.3 * i as f64,
                ..EqShapeSettings::default()
            },
            dynamics: EqDynamicsSettings {
                enabled: i % 3 != 2,
                threshold_db: 0.0,
                ratio: 3.0,
                range_db: if i % 2 == 0 { -9.0 } else { 9.0 },
                ..EqDynamicsSettings::default()
            },
            placement: placements[i % placements.len()],
            ..EqBandSettings::default()
        };
    }
    s
}

pub fn busy_settings() -> (DynamicEqSettings, DynamicEqSettings) {
    let mut a = DynamicEqSettings::default();
    a.bands[0] = dynamic_bell(-9.0);
    a.bands[1] = EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::LowCut,
            frequency_hz: 35.0,
            ..EqShapeSettings::default()
        },
        ..EqBandSettings::default()
    };
    a.bands[2] = EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::HighShelf,
            frequency_hz: 8000.0,
            gain_db: 2.0,
            q: 0.7,
            ..EqShapeSettings::default()
        },
        dynamics: EqDynamicsSettings {
            enabled: true,
            threshold_db: -40.0,
            ratio: 3.0,
            range_db: -6.0,
            trigger: EqTrigger::Above,
            detector: BandDetector::Rms,
            ..EqDynamicsSettings::default()
        },
        placement: BandChannel::Side,
        ..EqBandSettings::default()
    };
    a.bands[3] = EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::Bell,
            frequency_hz: 200.0,
            gain_db: 3.0,
            q: 2.0,
            ..EqShapeSettings::default()
        },
        dynamics: EqDynamicsSettings {
            enabled: true,
            threshold_db: -50.0,
            trigger: EqTrigger::Below,
            range_db: 4.0,
            ..EqDynamicsSettings::default()
        },
        placement: BandChannel::Mid,
        ..EqBandSettings::default()
    };
    let mut b = a;
    b.bands[0].filter.frequency_hz = 5000.0;
    b.bands[0].filter.gain_db = -4.0;
    b.bands[2].bypass = true;
    b.bands[3].filter.q = 0.5;
    b.bands[3].solo = true;
    b.bands[4] = EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::Notch,
            frequency_hz: 1000.0,
            q: 8.0,
            ..EqShapeSettings::default()
        },
        ..EqBandSettings::default()
    };
    (a, b)
}

/// Renders the programme with `first` from the start and `second` from `change_at`, in blocks
/// whose lengths come from `next_block` (cut at the change).
pub fn render_partitioned(
    first: DynamicEqSettings,
    second: DynamicEqSettings,
    change_at: usize,
    input: &[Vec<f32>],
    mut next_block: impl FnMut() -> usize,
) -> Vec<Vec<f32>> {
    let mut eq = DynamicEq::new();
    eq.set_settings(first);
    eq.prepare(&ProcessSpec::new(FS, 8192, 2));
    let mut out = input.to_vec();
    let n = out[0].len();
    let (l, r) = out.split_at_mut(1);
    let (l, r) = (&mut l[0], &mut r[0]);
    let mut start = 0;
    while start < n {
        let mut m = next_block().clamp(1, 8192).min(n - start);
        if start < change_at {
            m = m.min(change_at - start);
        }
        if start == change_at {
            eq.set_settings(second);
        }
        eq.process(&mut [&mut l[start..start + m], &mut r[start..start + m]]);
        start += m;
    }
    out
}

/// Asserts that rendering `input` with `a`, then `b` from `change_at`, gives the same bits in
/// blocks of 1, 37, 8192 and random lengths (seeded by `seed`) as in blocks of 512, and that the
/// change did something.
pub fn assert_same_bits_for_any_partition(
    a: DynamicEqSettings,
    b: DynamicEqSettings,
    change_at: usize,
    input: &[Vec<f32>],
    seed: u64,
) {
    let reference = render_partitioned(a, b, change_at, input, || 512);
    let mut seed = seed;
    let partitions: [Box<dyn FnMut() -> usize>; 4] = [
        Box::new(|| 1),
        Box::new(|| 37),
        Box::new(|| 8192),
        Box::new(move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            1 + (seed >> 33) as usize % 700
        }),
    ];
    for (i, p) in partitions.into_iter().enumerate() {
        let out = render_partitioned(a, b, change_at, input, p);
        for c in 0..2 {
            let first_diff = out[c]
                .iter()
                .zip(&reference[c])
                .position(|(x, y)| x.to_bits() != y.to_bits());
            assert_eq!(first_diff, None, "partition {i}, channel {c}");
        }
    }
    let unchanged = render_partitioned(a, a, change_at, input, || 512);
    assert!(unchanged[0] != reference[0], "the change did nothing");
}

/// Index of the sample of largest magnitude.
pub fn peak_index(x: &[f32]) -> usize {
    x.iter()
        .enumerate()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .map_or(0, |(i, _)| i)
}

/// The steady gain (dB, last 100 ms) of the dynamic bell (R −12) on a −40 dBFS 3 kHz sine
/// while a −10 dBFS 3 kHz key feeds the sidechain input, with the band listening to `sidechain`,
/// in `phase`; the output is compared with the input `latency` samples earlier.
pub fn sidechain_gain_db(
    sidechain: dsp_core::dynamics::BandSidechain,
    phase: dsp_core::eq::EqPhase,
    latency: usize,
) -> f64 {
    let frames = 72_000;
    let main = sines(FS, &[(3000.0, -40.0, 0.0)], frames);
    let key = sines(FS, &[(3000.0, -10.0, 0.0)], frames);
    let mut band = dynamic_bell(-12.0);
    band.dynamics.sidechain = sidechain;
    let mut eq = DynamicEq::new();
    eq.set_settings(DynamicEqSettings {
        phase,
        ..one_band(band)
    });
    eq.prepare(&ProcessSpec::new(FS, 512, 2));
    let (mut l, mut r) = (main.clone(), main.clone());
    for ((a, b), k) in l
        .chunks_mut(512)
        .zip(r.chunks_mut(512))
        .zip(key.chunks(512))
    {
        eq.process_with_sidechain(&mut [a, b], Some(&[k, k]));
    }
    let tail = frames - 4800;
    peak_db(&l[tail..]) - peak_db(&main[tail - latency..frames - latency])
}
