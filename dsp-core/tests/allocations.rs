//! No allocation after prepare: a counting global allocator, armed per thread around measure/process/reading/reset.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use dsp_core::meter::{LoudnessMeter, TruePeakDetector};
use dsp_core::{ProcessSpec, Processor};

struct CountingAllocator;
thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    if ARMED.with(|a| a.get()) {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
    }
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_allocation();
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Runs `f` with the allocation counter armed on this thread and returns how many (de)allocations it made.
fn count_allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(|n| n.get());
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    ALLOCATIONS.with(|n| n.get()) - before
}

#[test]
fn the_counter_sees_an_allocation() {
    assert!(count_allocations(|| drop(std::hint::black_box(vec![1u8; 16]))) > 0);
}

#[test]
fn loudness_meter_is_allocation_free_after_prepare() {
    for (fs, channels) in [(44_100.0, 1), (48_000.0, 2), (96_000.0, 6), (384_000.0, 2)] {
        let mut meter = LoudnessMeter::new();
        meter.prepare(&ProcessSpec::new(fs, 4096, channels));
        let mut buffers: Vec<Vec<f32>> = (0..channels)
            .map(|c| {
                (0..4096)
                    .map(|i| ((i * (c + 1)) as f32 * 0.01).sin() * 0.5)
                    .collect()
            })
            .collect();
        let n = count_allocations(|| {
            for block in [1usize, 37, 512, 4096] {
                let mut slices: [&mut [f32]; 6] = Default::default();
                for (s, b) in slices.iter_mut().zip(buffers.iter_mut()) {
                    *s = &mut b[..block];
                }
                for _ in 0..200 {
                    meter.process(&mut slices[..channels]);
                    std::hint::black_box(meter.reading());
                }
            }
            meter.reset();
        });
        assert_eq!(n, 0, "{n} allocations at {fs} Hz, {channels} ch");
    }
}

#[test]
fn true_peak_detector_is_allocation_free_after_prepare() {
    let mut detector = TruePeakDetector::new();
    detector.prepare(&ProcessSpec::new(48_000.0, 8192, 2));
    let mut a = vec![0.3f32; 8192];
    let mut b = vec![-0.3f32; 8192];
    let n = count_allocations(|| {
        detector.process(&mut [&mut a[..], &mut b[..]]);
        detector.reset();
    });
    assert_eq!(n, 0);
}

#[test]
fn limiter_is_allocation_free_after_prepare_even_when_settings_change() {
    use dsp_core::dynamics::{
        Dither, LimiterSettings, LimiterStyle, LookaheadLimiter, Oversampling,
    };
    let mut limiter = LookaheadLimiter::new();
    limiter.prepare(&ProcessSpec::new(48_000.0, 1024, 2));
    let mut a: Vec<f32> = (0..1024).map(|i| (i as f32 * 0.05).sin() * 3.0).collect();
    let mut b = a.clone();
    let n = count_allocations(|| {
        for (k, oversampling) in Oversampling::ALL.into_iter().enumerate() {
            let settings = LimiterSettings {
                oversampling,
                style: LimiterStyle::ALL[k % 4],
                dither: Dither::ALL[k % 4],
                lookahead_ms: 0.5 + k as f32 * 2.0,
                bypass: k == 3,
                // Alternating link makes the shared envelope hand its state back to each channel.
                stereo_link_percent: if k % 2 == 0 { 100.0 } else { 40.0 },
                dc_filter: true,
                unity_gain: true,
                ..LimiterSettings::default()
            };
            limiter.set_settings(&settings);
            for block in [1usize, 37, 1024] {
                limiter.process(&mut [&mut a[..block], &mut b[..block]]);
            }
        }
        limiter.reset();
    });
    assert_eq!(n, 0);
}

#[test]
fn limiter_segment_gains_are_allocation_free() {
    use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter};
    let mut limiter = LookaheadLimiter::new();
    limiter.set_settings(&LimiterSettings {
        input_gain_db: 12.0,
        ..LimiterSettings::default()
    });
    limiter.prepare(&ProcessSpec::new(48_000.0, 4096, 2));
    let mut a: Vec<f32> = (0..4096).map(|i| (i as f32 * 0.05).sin()).collect();
    let mut b = a.clone();
    let mut gains = [0.0f32; 64];
    let n = count_allocations(|| {
        for segment in [64usize, 100, 4096] {
            limiter.process_with_segment_gains(&mut [&mut a, &mut b], segment, &mut gains);
        }
    });
    assert_eq!(n, 0);
}

#[test]
fn multiband_is_allocation_free_after_prepare_even_when_settings_change() {
    use dsp_core::dynamics::{BandChannel, BandSidechain, MultibandCompressor, MultibandSettings};
    use dsp_core::filter::{CrossoverMode, CrossoverSlope};
    let mut mb = MultibandCompressor::new();
    mb.prepare(&ProcessSpec::new(48_000.0, 1024, 2));
    let mut a: Vec<f32> = (0..1024).map(|i| (i as f32 * 0.05).sin() * 3.0).collect();
    let mut b = a.clone();
    let sc = a.clone();
    let n = count_allocations(|| {
        for k in 0..12 {
            let mut s = MultibandSettings {
                bands: 1 + k % 6,
                mode: CrossoverMode::ALL[k % 3],
                slope: CrossoverSlope::ALL[k % 2],
                lookahead_ms: (k % 4) as f32 * 5.0,
                mix_percent: 30.0 + k as f32 * 5.0,
                auto_makeup: k % 2 == 0,
                bypass: k == 5,
                ..MultibandSettings::default()
            };
            s.crossovers_hz[0] = 100.0 + 50.0 * k as f32;
            for band in &mut s.band {
                band.ratio = 4.0;
                band.threshold_db = -30.0;
                band.transient_db = 4.0;
                band.channel = BandChannel::ALL[k % 5];
                band.sidechain = BandSidechain::ALL[k % 2];
                band.solo = k == 7;
            }
            mb.set_settings(s);
            for block in [1usize, 37, 1024] {
                mb.process_with_sidechain(
                    &mut [&mut a[..block], &mut b[..block]],
                    Some(&[&sc[..block], &sc[..block]]),
                );
            }
        }
        mb.reset();
    });
    assert_eq!(n, 0);
}

#[test]
fn mastering_chain_is_allocation_free_even_when_stages_switch() {
    use dsp_core::chain::{ChainSettings, MasteringChain};
    use dsp_core::dynamics::{LimiterSettings, MultibandSettings};
    let mut eq = dsp_core::eq::DynamicEqSettings::default();
    for (k, v) in [
        ("band2.enabled", "on"),
        ("band2.dynamic", "on"),
        ("band2.threshold_db", "-40"),
    ] {
        eq.set_by_key(k, v).unwrap();
    }
    let full = ChainSettings {
        eq: Some(eq),
        multiband: Some(MultibandSettings::default()),
        pre_gain_db: -3.0,
        limiter: Some(LimiterSettings {
            input_gain_db: 12.0,
            ..LimiterSettings::default()
        }),
    };
    let mut chain = MasteringChain::new(full);
    chain.prepare(&ProcessSpec::new(48_000.0, 4096, 2));
    let mut a: Vec<f32> = (0..4096).map(|i| (i as f32 * 0.05).sin()).collect();
    let mut b = a.clone();
    let mut gains = [0.0f32; 64];
    let n = count_allocations(|| {
        for (k, settings) in [
            full,
            ChainSettings {
                limiter: None,
                ..full
            },
            ChainSettings::default(),
            ChainSettings {
                multiband: None,
                pre_gain_db: -1.0,
                ..full
            },
            full,
        ]
        .into_iter()
        .enumerate()
        {
            chain.set_settings(settings);
            for block in [1usize, 37, 4096] {
                chain.process(&mut [&mut a[..block], &mut b[..block]]);
                chain.process_with_segment_gains(
                    &mut [&mut a[..block], &mut b[..block]],
                    64 + k,
                    &mut gains,
                );
            }
            std::hint::black_box(chain.latency_samples());
        }
        chain.reset();
    });
    assert_eq!(n, 0);
}

#[test]
fn dynamic_eq_is_allocation_free_after_prepare_even_when_settings_change() {
    use dsp_core::dynamics::{BandChannel, BandSidechain};
    use dsp_core::eq::{DynamicEq, DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase};
    use dsp_core::filter::eq_shape::{EqShape, EqShapeSettings};
    let mut eq = DynamicEq::new();
    eq.prepare(&ProcessSpec::new(48_000.0, 1024, 2));
    let mut a: Vec<f32> = (0..1024).map(|i| (i as f32 * 0.05).sin() * 0.7).collect();
    let mut b = a.clone();
    let sc = a.clone();
    let n = count_allocations(|| {
        for k in 0..12 {
            let mut s = DynamicEqSettings::default();
            // Zero Latency, then Linear Phase from the seventh change on.
            if k >= 6 {
                s.phase = EqPhase::LinearPhase;
            }
            for (i, band) in s.bands.iter_mut().enumerate() {
                *band = EqBandSettings {
                    used: (i + k) % 5 != 0,
                    filter: EqShapeSettings {
                        shape: EqShape::ALL[(i + k) % EqShape::ALL.len()],
                        frequency_hz: 30.0 * 1.3f64.powi(i as i32) * (1.0 + k as f64 * 0.1),
                        gain_db: (k as f64 - 6.0) * 1.5,
                        ..EqShapeSettings::default()
                    },
                    dynamics: EqDynamicsSettings {
                        enabled: true,
                        threshold_db: -30.0,
                        ratio: 3.0,
                        range_db: if i % 2 == 0 { -6.0 } else { 6.0 },
                        sidechain: BandSidechain::ALL[(i + k) % 2],
                        ..EqDynamicsSettings::default()
                    },
                    placement: BandChannel::ALL[(i + k) % 5],
                    bypass: k == 5 && i % 3 == 0,
                    ..EqBandSettings::default()
                };
            }
            eq.set_settings(s);
            for block in [1usize, 37, 1024] {
                let (x, y) = (&mut a[..block], &mut b[..block]);
                eq.process_with_sidechain(&mut [x, y], Some(&[&sc[..block]]));
            }
            if k == 9 {
                eq.reset();
            }
        }
    });
    assert_eq!(n, 0, "the Dynamic EQ allocated {n} times after prepare");
}

#[test]
fn playback_preview_is_allocation_free_after_prepare() {
    use dsp_core::preview::PlaybackPreview;
    use dsp_core::targets::PLATFORMS;
    let mut preview = PlaybackPreview::new();
    preview.prepare(&ProcessSpec::new(48_000.0, 512, 2));
    let mut left = vec![0.25f32; 512];
    let mut right = vec![-0.25f32; 512];
    let n = count_allocations(|| {
        for k in 0..400 {
            preview.set_enabled(k % 7 != 0);
            preview.set_platform(Some(PLATFORMS[k % PLATFORMS.len()]));
            preview.set_measurement(-30.0 + (k % 25) as f64, -1.0 - (k % 5) as f64);
            let len = 1 + (k * 37) % 512;
            preview.process(&mut [&mut left[..len], &mut right[..len]]);
        }
        preview.reset();
    });
    assert_eq!(n, 0, "{n} allocations");
}
