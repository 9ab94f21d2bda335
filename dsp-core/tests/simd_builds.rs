//! The baseline, AVX2 and AVX-512 builds of the kernels give bit-identical results: the limiter at
//! every oversampling factor and the true-peak meter, on the demo programme driven into limiting,
//! the MinimumPhase band splitter (4 and 6 bands, 24 and 48 dB/oct, with a crossover glide) and
//! the Dynamic EQ with 24 dynamic bands.
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
    // The Dynamic EQ (its detector bank runs in the widest build): 24 dynamic bands.
    let deq = |cap: SimdLevel| {
        set_level_cap(Some(cap));
        let mut s = dsp_core::eq::DynamicEqSettings::default();
        for (i, band) in s.bands.iter_mut().enumerate() {
            for (k, v) in [
                ("enabled", "on".to_string()),
                ("frequency_hz", format!("{}", 40.0 * 1.3f64.powi(i as i32))),
                ("dynamic", "on".to_string()),
                ("threshold_db", "-45".to_string()),
                (
                    "placement",
                    ["stereo", "mid", "side", "left", "right"][i % 5].to_string(),
                ),
            ] {
                let mut one = dsp_core::eq::DynamicEqSettings::default();
                one.bands[0] = *band;
                one.set_by_key(&format!("band1.{k}"), &v).unwrap();
                *band = one.bands[0];
            }
        }
        let mut eq = dsp_core::eq::DynamicEq::new();
        eq.set_settings(s);
        eq.prepare(&ProcessSpec::new(SAMPLE_RATE_HZ, 300, 2));
        let mut out = programme.to_vec();
        let (left, right) = out.split_at_mut(1);
        for (l, r) in left[0].chunks_mut(300).zip(right[0].chunks_mut(300)) {
            eq.process(&mut [l, r]);
        }
        out
    };
    let reference = deq(SimdLevel::Baseline);
    for &level in &compared[1..] {
        assert!(
            deq(level) == reference,
            "{level:?} Dynamic EQ differs from the baseline"
        );
    }
    set_level_cap(None);
    println!("bit-identical builds: {compared:?}");
}
