//! Quick timing of the multiband compressor's parts on 5 s of the 48 kHz stereo demo programme
//! (the bench's material and settings: every band compressing at −40 dB, 4:1, 5/80 ms), printed
//! as x-real-time. `mbtime [filter] [repeats]` runs only cases whose name contains `filter`
//! (e.g. `mbtime "split 6" 20` for a profile). The split cases also print a hash of all band
//! outputs from a fresh start (with a crossover glide half-way), and the multiband cases one of
//! their output, to compare builds for bit identity; `VERNIS_SIMD=baseline|avx2|avx512` caps the
//! vector build used (`MBTIME_SIMD` is read too).

use dsp_core::dynamics::band_dynamics::BandDynamics;
use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain, MultibandCompressor,
    MultibandSettings,
};
use dsp_core::filter::crossover::BandSplitter;
use dsp_core::filter::crossover_settings::CrossoverSlope;
use dsp_core::filter::{CrossoverMode, CrossoverSettings};
use dsp_core::simd::SimdLevel;
use dsp_core::{ProcessSpec, Processor};
use std::hint::black_box;
use std::time::Instant;

const FS: f64 = 48_000.0;
const BLOCK: usize = 512;

/// This thread's time on a CPU so far, s (Linux schedstat; wall time elsewhere), so a shared
/// machine's time slicing does not count.
fn cpu_seconds(start: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| start.elapsed().as_secs_f64(), |ns| ns * 1e-9)
}

/// Best of `repeats` measurements of `run` (each over `seconds` of audio, repeated until the
/// measurement spans 0.25 s of CPU time, as the clock may tick coarsely), as x-real-time.
fn best(seconds: f64, repeats: usize, mut run: impl FnMut()) -> f64 {
    let origin = Instant::now();
    let t = cpu_seconds(origin);
    run();
    let once = (cpu_seconds(origin) - t).max(1e-3);
    let runs = (0.25 / once).ceil().max(1.0) as usize;
    let mut fastest = f64::INFINITY;
    for _ in 0..repeats {
        let t = cpu_seconds(origin);
        for _ in 0..runs {
            run();
        }
        fastest = fastest.min((cpu_seconds(origin) - t) / runs as f64);
    }
    seconds / fastest
}

fn compressing(band: &mut BandSettings) {
    band.threshold_db = -40.0;
    band.ratio = 4.0;
    band.attack_ms = 5.0;
    band.release_ms = 80.0;
}

/// FNV-1a of the bits of `values` continued from `h`.
fn fnv(h: u64, values: &[f32]) -> u64 {
    values.iter().fold(h, |h, v| {
        (h ^ u64::from(v.to_bits())).wrapping_mul(0x100_0000_01b3)
    })
}

/// Hash of every band of `splitter` over `x` in 256-frame blocks from a fresh start, the
/// crossovers moved half-way (a glide).
fn split_hash(splitter: &mut BandSplitter, settings: CrossoverSettings, x: &[Vec<f32>]) -> u64 {
    splitter.set_settings(settings);
    splitter.reset();
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let half = x[0].len() / 2 / 256;
    for (i, (l, r)) in x[0].chunks(256).zip(x[1].chunks(256)).enumerate() {
        if i == half {
            let mut moved = settings;
            moved.crossovers_hz.iter_mut().for_each(|f| *f *= 1.3);
            splitter.set_settings(moved);
        }
        splitter.split(&[l, r]);
        for b in 0..settings.bands {
            for ch in 0..2 {
                h = fnv(h, splitter.band(b, ch));
            }
        }
    }
    splitter.set_settings(settings);
    splitter.reset();
    h
}

fn main() {
    let simd = std::env::var("VERNIS_SIMD").or_else(|_| std::env::var("MBTIME_SIMD"));
    match simd.as_deref() {
        Ok("baseline") => dsp_core::simd::set_level_cap(Some(SimdLevel::Baseline)),
        Ok("avx2") => dsp_core::simd::set_level_cap(Some(SimdLevel::Avx2)),
        Ok("avx512") | Err(_) => {}
        Ok(other) => panic!("VERNIS_SIMD: baseline, avx2 or avx512, not {other}"),
    }
    println!("vector build: {:?}", dsp_core::simd::detect());
    let args: Vec<String> = std::env::args().collect();
    let filter = args.get(1).cloned().unwrap_or_default();
    let repeats = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut x = dsp_core::demo::demo_programme(FS);
    for ch in &mut x {
        ch.drain(..(16.0 * FS) as usize);
        ch.truncate((5.0 * FS) as usize);
    }
    let seconds = x[0].len() as f64 / FS;
    let wanted = |name: &str| name.contains(filter.as_str());

    for (bands, mode, slope) in [
        (4, CrossoverMode::MinimumPhase, CrossoverSlope::Db24),
        (6, CrossoverMode::MinimumPhase, CrossoverSlope::Db24),
        (4, CrossoverMode::MinimumPhase, CrossoverSlope::Db48),
        (6, CrossoverMode::MinimumPhase, CrossoverSlope::Db48),
        (4, CrossoverMode::LinearPhase, CrossoverSlope::Db24),
        (6, CrossoverMode::LinearPhase, CrossoverSlope::Db48),
        (4, CrossoverMode::DynamicPhase, CrossoverSlope::Db24),
    ] {
        let db = slope.db_per_octave();
        let name = format!("split {bands} bands {mode:?} {db} dB");
        if !wanted(&name) {
            continue;
        }
        let settings = CrossoverSettings {
            bands,
            mode,
            slope,
            ..CrossoverSettings::default()
        };
        let mut splitter = BandSplitter::new();
        splitter.prepare(FS, 256, 2);
        let hash = split_hash(&mut splitter, settings, &x);
        let speed = best(seconds, repeats, || {
            for (l, r) in x[0].chunks(256).zip(x[1].chunks(256)) {
                splitter.split(&[l, r]);
            }
            black_box(splitter.band(0, 0)[0]);
        });
        println!("{name:<40} {speed:7.0}x  bands {hash:016x}");
    }

    if wanted("band dynamics x1") {
        let mut band = BandDynamics::new();
        band.prepare(FS, 256);
        let mut settings = BandSettings::default();
        compressing(&mut settings);
        band.set_settings(&settings, 120.0);
        band.reset();
        let magnitude: Vec<f32> = x[0].iter().map(|v| v.abs()).collect();
        let mut gain = vec![0.0f32; 256];
        let speed = best(seconds, repeats, || {
            for c in magnitude.chunks(256) {
                black_box(band.process(c, c, &mut gain[..c.len()]));
            }
        });
        // A checksum of the gain bits from a fresh start, to compare builds for bit identity.
        band.reset();
        let mut sum = 0xcbf2_9ce4_8422_2325u64;
        for c in magnitude.chunks(256) {
            band.process(c, c, &mut gain[..c.len()]);
            sum = gain[..c.len()].iter().fold(sum, |h, v| {
                (h ^ u64::from(v.to_bits())).wrapping_mul(0x100_0000_01b3)
            });
        }
        println!("{:<40} {speed:7.0}x  gains {sum:016x}", "band dynamics x1");
    }

    for (bands, mode) in [
        (4, CrossoverMode::MinimumPhase),
        (6, CrossoverMode::MinimumPhase),
        (4, CrossoverMode::LinearPhase),
        (4, CrossoverMode::DynamicPhase),
    ] {
        let name = format!("multiband {bands} bands {mode:?}");
        if !wanted(&name) {
            continue;
        }
        let mut settings = MultibandSettings {
            bands,
            mode,
            ..MultibandSettings::default()
        };
        settings.band.iter_mut().for_each(compressing);
        let mut mb = MultibandCompressor::new();
        mb.set_settings(settings);
        mb.prepare(&ProcessSpec::new(FS, BLOCK, 2));
        let (mut l, mut r) = (x[0].clone(), x[1].clone());
        let speed = best(seconds, repeats, || {
            l.copy_from_slice(&x[0]);
            r.copy_from_slice(&x[1]);
            for (a, b) in l.chunks_mut(BLOCK).zip(r.chunks_mut(BLOCK)) {
                mb.process(&mut [a, b]);
            }
            black_box(l[0]);
        });
        // A checksum of the output bits from a fresh start, to compare builds for bit identity.
        mb.reset();
        l.copy_from_slice(&x[0]);
        r.copy_from_slice(&x[1]);
        for (a, b) in l.chunks_mut(BLOCK).zip(r.chunks_mut(BLOCK)) {
            mb.process(&mut [a, b]);
        }
        let sum = l.iter().chain(&r).fold(0xcbf2_9ce4_8422_2325u64, |h, v| {
            (h ^ u64::from(v.to_bits())).wrapping_mul(0x100_0000_01b3)
        });
        println!("{name:<40} {speed:7.0}x  output {sum:016x}");
    }
    if wanted("mixed") {
        for (bands, mode) in [
            (5, CrossoverMode::MinimumPhase),
            (4, CrossoverMode::DynamicPhase),
        ] {
            println!(
                "{:<40}          output {:016x}",
                format!("mixed {bands} bands {mode:?}"),
                mixed(&x, bands, mode)
            );
        }
    }
}

/// A checksum of the output of a run that touches the less common paths: every direction,
/// RMS and Peak detectors, every routing, external sidechain, transient shaping, lookahead,
/// partial mix, and settings changed while audio runs (so the ramps run).
fn mixed(x: &[Vec<f32>], bands: usize, mode: CrossoverMode) -> u64 {
    let mut settings = MultibandSettings {
        bands,
        mode,
        lookahead_ms: 2.0,
        mix_percent: 70.0,
        ..MultibandSettings::default()
    };
    let channels = [
        BandChannel::Stereo,
        BandChannel::Mid,
        BandChannel::Side,
        BandChannel::Left,
        BandChannel::Right,
        BandChannel::Stereo,
    ];
    for (b, band) in settings.band.iter_mut().enumerate() {
        compressing(band);
        band.direction = BandDirection::ALL[b % 4];
        band.detector = if b % 3 == 1 {
            BandDetector::Rms
        } else {
            BandDetector::Peak
        };
        band.channel = channels[b];
        band.sidechain = if b == 2 {
            BandSidechain::External
        } else {
            BandSidechain::Internal
        };
        band.transient_db = [6.0, -4.0, 0.0, 12.0, -12.0, 3.0][b];
        band.threshold_db = -30.0 - 4.0 * b as f32;
    }
    let mut mb = MultibandCompressor::new();
    mb.set_settings(settings);
    mb.prepare(&ProcessSpec::new(FS, BLOCK, 2));
    let (mut l, mut r) = (x[0].clone(), x[1].clone());
    // The key: the programme 10 ms later, halved.
    let shift = (0.01 * FS) as usize;
    let key: Vec<Vec<f32>> = x
        .iter()
        .map(|c| {
            c.iter()
                .skip(shift)
                .chain(std::iter::repeat_n(&0.0, shift))
                .map(|v| 0.5 * v)
                .collect()
        })
        .collect();
    let blocks = l.len().div_ceil(BLOCK);
    for (i, (a, b)) in l.chunks_mut(BLOCK).zip(r.chunks_mut(BLOCK)).enumerate() {
        if i == blocks / 3 {
            for band in &mut settings.band {
                band.threshold_db += 6.0;
                band.transient_db = -band.transient_db;
                band.ratio = 2.0;
            }
            settings.band[1].bypass = true;
            settings.mix_percent = 100.0;
            mb.set_settings(settings);
        }
        if i == 2 * blocks / 3 {
            settings.band[0].solo = true;
            settings.band[1].bypass = false;
            mb.set_settings(settings);
        }
        let start = i * BLOCK;
        let sc = [
            &key[0][start..start + a.len()],
            &key[1][start..start + a.len()],
        ];
        mb.process_with_sidechain(&mut [a, b], Some(&sc));
    }
    l.iter().chain(&r).fold(0xcbf2_9ce4_8422_2325u64, |h, v| {
        (h ^ u64::from(v.to_bits())).wrapping_mul(0x100_0000_01b3)
    })
}
