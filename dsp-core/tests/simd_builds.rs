//! The baseline, AVX2 and AVX-512 builds of the kernels give bit-identical results: the limiter at
//! every oversampling factor and the true-peak meter, on the demo programme driven into limiting,
//! and the MinimumPhase band splitter (4 and 6 bands, 24 and 48 dB/oct, with a crossover glide).
//! (Its own test binary: it changes the process-wide level cap.)

use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter, Oversampling};
use dsp_core::filter::crossover::BandSplitter;
use dsp_core::filter::{CrossoverMode, CrossoverSettings, CrossoverSlope};
use dsp_core::meter::TruePeakDetector;
use dsp_core::simd::{detect, set_level_cap, SimdLevel};
use dsp_core::{ProcessSpec, Processor};

const SAMPLE_RATE_HZ: f64 = 48_000.0;

/// Limiter outputs (one per oversampling factor) and the meter's true peak, with the level capped at `cap`.
fn run(cap: SimdLevel, programme: &[Vec<f32>]) -> (Vec<Vec<Vec<f32>>>, f32) {
    set_level_cap(Some(cap));
    assert_eq!(detect(), cap);
    let outputs = Oversampling::ALL
        .into_iter()
        .map(|oversampling| {
            let mut limiter = LookaheadLimiter::new();
            limiter.set_settings(&LimiterSettings {
                oversampling,
                input_gain_db: 8.0,
                ..LimiterSettings::default()
            });
            limiter.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, 300, 2));
            let mut out = programme.to_vec();
            let (left, right) = out.split_at_mut(1);
            for (l, r) in left[0].chunks_mut(300).zip(right[0].chunks_mut(300)) {
                limiter.process(&mut [l, r]);
            }
            out
        })
        .collect();
    let mut meter = TruePeakDetector::new();
    meter.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, 4096, 2));
    let views: Vec<&[f32]> = programme.iter().map(|c| &c[..]).collect();
    meter.measure(&views);
    (outputs, meter.peak_gain())
}

#[test]
fn every_vector_build_gives_the_same_bits() {
    let mut programme = dsp_core::demo::demo_programme(SAMPLE_RATE_HZ);
    for ch in &mut programme {
        ch.drain(..(16.0 * SAMPLE_RATE_HZ) as usize);
        ch.truncate((1.5 * SAMPLE_RATE_HZ) as usize);
    }
    set_level_cap(None);
    let widest = detect();
    let reference = run(SimdLevel::Baseline, &programme);
    let mut compared = vec![SimdLevel::Baseline];
    for level in [SimdLevel::Avx2, SimdLevel::Avx512] {
        if level > widest {
            continue;
        }
        let result = run(level, &programme);
        for (factor, (a, b)) in reference.0.iter().zip(&result.0).enumerate() {
            assert!(
                a == b,
                "{level:?} differs from the baseline at factor index {factor}"
            );
        }
        assert_eq!(
            reference.1.to_bits(),
            result.1.to_bits(),
            "{level:?} true peak"
        );
        compared.push(level);
    }
    // The band splitter in each build: every band of every block.
    let split = |cap: SimdLevel, bands: usize, slope: CrossoverSlope| {
        set_level_cap(Some(cap));
        let settings = CrossoverSettings {
            bands,
            mode: CrossoverMode::MinimumPhase,
            slope,
            ..CrossoverSettings::default()
        };
        let mut splitter = BandSplitter::new();
        splitter.prepare(SAMPLE_RATE_HZ, 300, 2);
        splitter.set_settings(settings);
        let mut out = Vec::new();
        let blocks = programme[0].chunks(300).zip(programme[1].chunks(300));
        for (i, (l, r)) in blocks.enumerate() {
            if i == 40 {
                let mut moved = settings;
                moved.crossovers_hz.iter_mut().for_each(|f| *f *= 1.4);
                splitter.set_settings(moved);
            }
            splitter.split(&[l, r]);
            for band in 0..bands {
                for ch in 0..2 {
                    out.extend(splitter.band(band, ch).iter().map(|v| v.to_bits()));
                }
            }
        }
        out
    };
    for bands in [4, 6] {
        for slope in CrossoverSlope::ALL {
            let reference = split(SimdLevel::Baseline, bands, slope);
            for &level in &compared[1..] {
                assert!(
                    split(level, bands, slope) == reference,
                    "{level:?} splitter differs from the baseline: {bands} bands {slope:?}"
                );
            }
        }
    }
    set_level_cap(None);
    println!("bit-identical builds: {compared:?}");
}
