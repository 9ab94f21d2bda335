//! Band splitter: band sums against their analytic expectation (all-pass → 0 dB, linear phase →
//! delayed delta), band magnitudes against the Linkwitz-Riley closed form, isolation, block-size
//! invariance, reset, NaN/Inf recovery and latency. Run with `--nocapture` for the tables.

use dsp_core::filter::crossover::{lr_magnitudes, BandSplitter};
use dsp_core::filter::crossover_settings::{
    CrossoverMode, CrossoverSettings, CrossoverSlope, DEFAULT_CROSSOVERS_HZ,
};
use rand::{Rng, SeedableRng};
use realfft::RealFftPlanner;

const RATES_HZ: [f64; 5] = [22_050.0, 44_100.0, 48_000.0, 96_000.0, 384_000.0];
const MAX_BLOCK: usize = 8192;

fn settings(mode: CrossoverMode, bands: usize, slope: CrossoverSlope) -> CrossoverSettings {
    CrossoverSettings {
        bands,
        mode,
        slope,
        crossovers_hz: DEFAULT_CROSSOVERS_HZ,
    }
}

fn splitter(rate: f64, channels: usize, s: CrossoverSettings) -> BandSplitter {
    let mut sp = BandSplitter::new();
    sp.prepare(rate, MAX_BLOCK, channels);
    sp.set_settings(s);
    sp
}

/// Splits `input` in blocks of the sizes `blocks` (cycled); returns `[band][channel][frame]`.
fn render(sp: &mut BandSplitter, input: &[Vec<f32>], blocks: &[usize]) -> Vec<Vec<Vec<f32>>> {
    let bands = sp.settings().bands;
    let frames = input[0].len();
    let mut out = vec![vec![Vec::with_capacity(frames); input.len()]; bands];
    let mut at = 0;
    let mut i = 0;
    while at < frames {
        let n = blocks[i % blocks.len()].min(frames - at);
        i += 1;
        let chunk: Vec<&[f32]> = input.iter().map(|c| &c[at..at + n]).collect();
        sp.split(&chunk);
        for (b, ob) in out.iter_mut().enumerate() {
            for (ch, oc) in ob.iter_mut().enumerate() {
                oc.extend_from_slice(sp.band(b, ch));
            }
        }
        at += n;
    }
    out
}

fn impulse(len: usize) -> Vec<f32> {
    let mut x = vec![0.0; len];
    x[0] = 1.0;
    x
}

fn noise(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
    (0..len).map(|_| rng.gen_range(-0.5f32..0.5)).collect()
}

/// Spectrum (complex) of `x` (f64 FFT).
fn spectrum(x: &[f64]) -> Vec<realfft::num_complex::Complex<f64>> {
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(x.len());
    let mut buf = x.to_vec();
    let mut out = fft.make_output_vec();
    fft.process(&mut buf, &mut out).unwrap();
    out
}

fn db(x: f64) -> f64 {
    20.0 * x.max(1e-300).log10()
}

/// Sum of the bands of channel 0, f64.
fn band_sum(out: &[Vec<Vec<f32>>]) -> Vec<f64> {
    let mut s = vec![0.0f64; out[0][0].len()];
    for b in out {
        for (a, &v) in s.iter_mut().zip(&b[0]) {
            *a += v as f64;
        }
    }
    s
}

/// Worst |dB| of the band-sum magnitude from 20 Hz to `top_hz`, and for linear phase the residual
/// (dB re the impulse) of the sum against the delayed delta.
fn flatness(rate: f64, s: CrossoverSettings, top_hz: f64) -> (f64, f64) {
    let len = if rate > 100_000.0 { 1 << 17 } else { 1 << 16 };
    let mut sp = splitter(rate, 1, s);
    let out = render(&mut sp, &[impulse(len)], &[4096]);
    let sum = band_sum(&out);
    let latency = sp.latency_samples() as usize;
    let residual = sum
        .iter()
        .enumerate()
        .map(|(n, &v)| (v - if n == latency { 1.0 } else { 0.0 }).abs())
        .fold(0.0, f64::max);
    let spec = spectrum(&sum);
    let mut worst = 0.0f64;
    for (i, c) in spec.iter().enumerate() {
        let f = i as f64 * rate / len as f64;
        if (20.0..=top_hz).contains(&f) {
            worst = worst.max(db(c.norm()).abs());
        }
    }
    (worst, db(residual))
}

#[test]
fn band_sums_are_flat_table() {
    println!("worst |band sum| deviation, dB (20 Hz..20 kHz; 22.05/384 kHz: ..0.45 fs); LP: residual vs delayed delta");
    println!("{:<14} {:>6} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}", "mode", "slope", "bands", "22.05k", "44.1k", "48k", "96k", "384k");
    for mode in CrossoverMode::ALL {
        for slope in CrossoverSlope::ALL {
            for bands in [4, 6] {
                let mut row = String::new();
                for rate in RATES_HZ {
                    let sanity = rate == 22_050.0 || rate == 384_000.0;
                    let top = if sanity { 0.45 * rate } else { 20_000.0 };
                    let (worst, residual) = flatness(rate, settings(mode, bands, slope), top);
                    let limit = if sanity { 0.05 } else { 0.01 };
                    assert!(worst < limit, "{mode:?} {slope:?} {bands} bands at {rate}: {worst} dB");
                    if mode == CrossoverMode::LinearPhase {
                        assert!(residual < -100.0, "{slope:?} {bands} at {rate}: residual {residual} dB");
                        row += &format!(" {:>4.0}/{:<4.3}", residual, worst);
                    } else {
                        row += &format!(" {:>9.6}", worst);
                    }
                }
                println!("{:<14} {:>6} {:>5}{row}", mode.key(), slope.db_per_octave(), bands);
            }
        }
    }
}
