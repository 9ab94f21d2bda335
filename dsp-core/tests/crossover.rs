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
    println!(
        "{:<14} {:>6} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "mode", "slope", "bands", "22.05k", "44.1k", "48k", "96k", "384k"
    );
    for mode in CrossoverMode::ALL {
        for slope in CrossoverSlope::ALL {
            for bands in [4, 6] {
                let mut row = String::new();
                for rate in RATES_HZ {
                    let sanity = rate == 22_050.0 || rate == 384_000.0;
                    let top = if sanity { 0.45 * rate } else { 20_000.0 };
                    let (worst, residual) = flatness(rate, settings(mode, bands, slope), top);
                    let limit = if sanity { 0.05 } else { 0.01 };
                    assert!(
                        worst < limit,
                        "{mode:?} {slope:?} {bands} bands at {rate}: {worst} dB"
                    );
                    if mode == CrossoverMode::LinearPhase {
                        assert!(
                            residual < -100.0,
                            "{slope:?} {bands} at {rate}: residual {residual} dB"
                        );
                        row += &format!(" {:>4.0}/{:<.0e}", residual, worst);
                    } else {
                        row += &format!(" {:>9.1e}", worst);
                    }
                }
                println!(
                    "{:<14} {:>6} {:>5}{row}",
                    mode.key(),
                    slope.db_per_octave(),
                    bands
                );
            }
        }
    }
}

/// Measured magnitude of each band (channel 0) at the FFT bins, from an impulse.
fn band_spectra(
    rate: f64,
    s: CrossoverSettings,
    len: usize,
) -> (Vec<Vec<realfft::num_complex::Complex<f64>>>, usize) {
    let mut sp = splitter(rate, 1, s);
    let out = render(&mut sp, &[impulse(len)], &[4096]);
    let spectra = out
        .iter()
        .map(|b| spectrum(&b[0].iter().map(|&v| v as f64).collect::<Vec<_>>()))
        .collect();
    (spectra, sp.latency_samples() as usize)
}

#[test]
fn minimum_phase_bands_follow_the_linkwitz_riley_closed_form() {
    // 4 bands: the tree splits at c1 first, then c0 (low side) and c2 (high side); the other
    // crossovers only contribute all-passes. Tolerance 0.001 dB (1.2e-4 relative) plus −140 dB
    // absolute: the closed form is exact for the prewarped bilinear design; the slack is the f32
    // rounding of the impulse response.
    let rate = 48_000.0;
    let len = 1 << 16;
    for slope in CrossoverSlope::ALL {
        let (spectra, _) = band_spectra(rate, settings(CrossoverMode::MinimumPhase, 4, slope), len);
        let c = DEFAULT_CROSSOVERS_HZ.map(|c| c as f64);
        let mut worst = 0.0f64;
        for (i, _) in spectra[0].iter().enumerate().skip(1).step_by(7) {
            let f = i as f64 * rate / len as f64;
            let m = |k: usize| lr_magnitudes(f, c[k], rate, slope);
            let expected = [
                m(0).0 * m(1).0,
                m(0).1 * m(1).0,
                m(1).1 * m(2).0,
                m(1).1 * m(2).1,
            ];
            for (b, &e) in expected.iter().enumerate() {
                let d = (db(spectra[b][i].norm()) - db(e)).abs();
                if db(e) > -60.0 {
                    worst = worst.max(d);
                }
                let err = (spectra[b][i].norm() - e).abs();
                assert!(
                    err < 1.2e-4 * e + 1e-7,
                    "{slope:?} band {b} at {f} Hz: {d} dB"
                );
            }
        }
        println!("{slope:?}: worst band deviation from the LR closed form (bands above -60 dB) {worst:.2e} dB");
    }
}

#[test]
fn band_response_matches_the_measured_bands() {
    let rate = 48_000.0;
    let len = 1 << 16;
    for mode in CrossoverMode::ALL {
        for (bands, slope) in [
            (3, CrossoverSlope::Db24),
            (5, CrossoverSlope::Db48),
            (6, CrossoverSlope::Db24),
        ] {
            let s = settings(mode, bands, slope);
            let (spectra, latency) = band_spectra(rate, s, len);
            let mut sp = splitter(rate, 1, s);
            sp.split(&[&[0.0][..]]);
            for (b, spectrum) in spectra.iter().enumerate() {
                for i in [3usize, 40, 163, 700, 2000, 9000, 20000] {
                    let f = i as f64 * rate / len as f64;
                    let (re, im) = sp.band_response(b, f);
                    // Undo the delay for linear phase.
                    let w = 2.0 * std::f64::consts::PI * f * latency as f64 / rate;
                    let m = spectrum[i] * realfft::num_complex::Complex::new(w.cos(), w.sin());
                    let err = ((m.re - re).powi(2) + (m.im - im).powi(2)).sqrt();
                    assert!(
                        err < 1e-5,
                        "{mode:?} {bands} bands band {b} at {f} Hz: {err}"
                    );
                }
            }
        }
    }
}

#[test]
#[allow(clippy::needless_range_loop)]
fn linear_phase_bands_match_the_zero_phase_lr_magnitudes() {
    // Band k of the FIR bank against |L_k − L_{k−1}| with L = 1/(1 + (f/fc)^p): worst amplitude
    // error (re full scale) over 10 Hz..20 kHz, for a lowest crossover from 20 to 200 Hz.
    let rate = 48_000.0;
    let len = 1 << 16;
    println!("linear phase, 48 kHz: worst |band − target| (dB re 1) vs lowest crossover");
    for slope in CrossoverSlope::ALL {
        for low_hz in [20.0f32, 40.0, 60.0, 120.0, 200.0] {
            let mut s = settings(CrossoverMode::LinearPhase, 4, slope);
            s.crossovers_hz[0] = low_hz;
            let (spectra, latency) = band_spectra(rate, s, len);
            let p = if slope == CrossoverSlope::Db24 { 4 } else { 8 };
            let lp = |f: f64, k: usize| 1.0 / (1.0 + (f / s.crossovers_hz[k] as f64).powi(p));
            let mut worst = 0.0f64;
            for i in 14usize..=27_307 {
                let f = i as f64 * rate / len as f64;
                let w = 2.0 * std::f64::consts::PI * f * latency as f64 / rate;
                let rot = realfft::num_complex::Complex::new(w.cos(), w.sin());
                let targets = [
                    lp(f, 0),
                    lp(f, 1) - lp(f, 0),
                    lp(f, 2) - lp(f, 1),
                    1.0 - lp(f, 2),
                ];
                for (b, &t) in targets.iter().enumerate() {
                    worst = worst.max((spectra[b][i] * rot - t).norm());
                }
            }
            println!(
                "  {:>2} dB/oct, lowest {low_hz:>5} Hz: {:>7.1} dB",
                slope.db_per_octave(),
                db(worst)
            );
            if low_hz >= 120.0 {
                assert!(db(worst) < -60.0, "{slope:?} {low_hz}: {} dB", db(worst));
            }
        }
    }
}

/// Level (dB re the input amplitude) of `freq_hz` in `x[start..]` (integer periods not needed: a
/// Blackman-Harris-weighted correlation).
fn tone_level(x: &[f32], rate: f64, freq_hz: f64, amplitude: f64) -> f64 {
    let n = x.len();
    let (mut re, mut im, mut wsum) = (0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
        let w = 0.35875 - 0.48829 * t.cos() + 0.14128 * (2.0 * t).cos() - 0.01168 * (3.0 * t).cos();
        let ph = 2.0 * std::f64::consts::PI * freq_hz * i as f64 / rate;
        re += w * v as f64 * ph.cos();
        im += w * v as f64 * ph.sin();
        wsum += w;
    }
    db(2.0 * (re * re + im * im).sqrt() / wsum / amplitude)
}

fn sine(len: usize, rate: f64, freq_hz: f64, amplitude: f64) -> Vec<f32> {
    (0..len)
        .map(|i| {
            (amplitude * (2.0 * std::f64::consts::PI * freq_hz * i as f64 / rate).sin()) as f32
        })
        .collect()
}

#[test]
fn a_5khz_tone_stays_out_of_the_lowest_band() {
    let rate = 48_000.0;
    let x = sine(96_000, rate, 5000.0, 0.5);
    for mode in CrossoverMode::ALL {
        for slope in CrossoverSlope::ALL {
            let mut sp = splitter(rate, 1, settings(mode, 4, slope));
            let out = render(&mut sp, std::slice::from_ref(&x), &[512]);
            let low = tone_level(&out[0][0][48_000..], rate, 5000.0, 0.5);
            let next = tone_level(&out[1][0][48_000..], rate, 5000.0, 0.5);
            println!("{:<14} {:>2} dB/oct: 5 kHz in band 0 (120 Hz) {low:>7.1} dB, in band 1 (120..1000 Hz) {next:>7.1} dB", mode.key(), slope.db_per_octave());
            let limit = if mode == CrossoverMode::LinearPhase {
                -100.0
            } else {
                -120.0
            };
            assert!(low < limit, "{mode:?} {slope:?}: {low} dB");
        }
    }
}

#[test]
fn dynamic_phase_isolation_below_a_band_is_documented() {
    // Band 1 (120..1000 Hz) of DynamicPhase well below 120 Hz: L_1 − L_0 is the difference of two
    // curves whose phases are ≈ −2√2·f/fc, so it falls only at 6 dB/oct:
    // |band| ≈ 2√2·f·(1/c0 − 1/c1) (−12.1 dB at 12 Hz), where the tree band is at −80 dB.
    let rate = 48_000.0;
    for f in [12.0, 30.0] {
        let level = |mode| {
            let mut sp = splitter(rate, 1, settings(mode, 4, CrossoverSlope::Db24));
            let out = render(&mut sp, &[sine(4 * 48_000, rate, f, 0.5)], &[512]);
            tone_level(&out[1][0][96_000..], rate, f, 0.5)
        };
        let (dynamic, tree) = (
            level(CrossoverMode::DynamicPhase),
            level(CrossoverMode::MinimumPhase),
        );
        println!("{f} Hz in band 1 (120..1000 Hz): dynamic phase {dynamic:.1} dB, minimum phase {tree:.1} dB");
        let approx = db(2.0 * 2f64.sqrt() * f * (1.0 / 120.0 - 1.0 / 1000.0));
        if f == 12.0 {
            assert!((dynamic - approx).abs() < 0.5, "{f}: {dynamic} vs {approx}");
        }
        assert!(tree < dynamic - 40.0);
    }
}

#[test]
fn the_split_adds_no_sidebands_to_a_tone() {
    // A tone on an FFT bin, steady state, rectangular window: every other bin of the band sum and
    // of the band holding the tone is below −140 dB re the tone.
    let rate = 48_000.0;
    let n = 1 << 16;
    let f = 1365.0 * rate / n as f64; // ≈ 1000 Hz
    let x = sine(3 * n, rate, f, 0.5);
    for mode in CrossoverMode::ALL {
        let mut sp = splitter(rate, 1, settings(mode, 4, CrossoverSlope::Db24));
        let out = render(&mut sp, std::slice::from_ref(&x), &[512]);
        let tail = |v: &[f32]| v[2 * n..].iter().map(|&s| s as f64).collect::<Vec<_>>();
        let sum = band_sum(&out);
        for sig in [sum[2 * n..].to_vec(), tail(&out[1][0])] {
            let spec = spectrum(&sig);
            let peak = spec[1365].norm();
            let worst = spec
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 1365)
                .map(|(_, c)| c.norm())
                .fold(0.0, f64::max);
            assert!(
                db(worst / peak) < -140.0,
                "{mode:?}: {} dB",
                db(worst / peak)
            );
        }
    }
}

fn stereo_noise(len: usize) -> Vec<Vec<f32>> {
    vec![noise(len, 1), noise(len, 2)]
}

/// Renders two segments with a crossover change between them.
fn two_segments(
    mode: CrossoverMode,
    slope: CrossoverSlope,
    blocks: &[usize],
) -> Vec<Vec<Vec<f32>>> {
    let x = stereo_noise(40_000);
    let (a, b): (Vec<Vec<f32>>, Vec<Vec<f32>>) = x
        .iter()
        .map(|c| (c[..24_576].to_vec(), c[24_576..].to_vec()))
        .unzip();
    let mut sp = splitter(48_000.0, 2, settings(mode, 5, slope));
    let mut out = render(&mut sp, &a, blocks);
    let mut s = settings(mode, 5, slope);
    s.crossovers_hz[1] = 2500.0;
    s.crossovers_hz[0] = 70.0;
    sp.set_settings(s);
    let more = render(&mut sp, &b, blocks);
    for (ob, mb) in out.iter_mut().zip(more) {
        for (oc, mc) in ob.iter_mut().zip(mb) {
            oc.extend(mc);
        }
    }
    out
}

fn bits(x: &[Vec<Vec<f32>>]) -> Vec<u32> {
    x.iter().flatten().flatten().map(|v| v.to_bits()).collect()
}

#[test]
fn any_block_partition_gives_the_same_bits() {
    for mode in CrossoverMode::ALL {
        for slope in CrossoverSlope::ALL {
            let reference = bits(&two_segments(mode, slope, &[8192]));
            for blocks in [
                &[1usize][..],
                &[37],
                &[512],
                &[17, 512, 1, 300, 4096, 8192, 3],
            ] {
                assert!(
                    reference == bits(&two_segments(mode, slope, blocks)),
                    "{mode:?} {slope:?} {blocks:?}"
                );
            }
        }
    }
}

#[test]
fn reset_reproduces_and_applies_pending_settings_at_once() {
    let x = stereo_noise(20_000);
    for mode in CrossoverMode::ALL {
        let s = settings(mode, 4, CrossoverSlope::Db48);
        let mut sp = splitter(48_000.0, 2, s);
        let first = bits(&render(&mut sp, &x, &[512]));
        sp.reset();
        assert!(
            first == bits(&render(&mut sp, &x, &[512])),
            "{mode:?} reset"
        );
        // Crossovers handed over before a reset apply at once (no glide, no crossfade).
        let mut moved = s;
        moved.crossovers_hz[0] = 300.0;
        moved.crossovers_hz[2] = 4000.0;
        sp.set_settings(moved);
        sp.reset();
        let after = bits(&render(&mut sp, &x, &[512]));
        let fresh = bits(&render(&mut splitter(48_000.0, 2, moved), &x, &[512]));
        assert!(after == fresh, "{mode:?} pending settings");
    }
}

#[test]
fn nan_and_inf_input_leave_no_trace_and_decays_reach_zero() {
    let rate = 48_000.0;
    let mut x = stereo_noise(30_000);
    let mut clean = x.clone();
    for (i, v) in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::NAN]
        .into_iter()
        .enumerate()
    {
        x[i % 2][1000 + 97 * i] = v;
        clean[i % 2][1000 + 97 * i] = 0.0;
    }
    for c in x.iter_mut().chain(clean.iter_mut()) {
        c[10_000..].fill(0.0);
        c[5000] = 1e-40; // subnormal input
    }
    for mode in CrossoverMode::ALL {
        for slope in CrossoverSlope::ALL {
            let s = settings(mode, 6, slope);
            let out = render(&mut splitter(rate, 2, s), &x, &[512]);
            let reference = render(&mut splitter(rate, 2, s), &clean, &[512]);
            assert!(
                bits(&out) == bits(&reference),
                "{mode:?} {slope:?}: NaN/Inf left a trace"
            );
            for b in &out {
                for c in b {
                    assert!(c
                        .iter()
                        .all(|v| v.is_finite() && !dsp_core::subnormal::is_subnormal(*v)));
                    assert!(
                        c[25_000..].iter().all(|&v| v == 0.0),
                        "{mode:?} {slope:?}: decay did not reach exact zero"
                    );
                }
            }
        }
    }
}

#[test]
fn latency_matches_an_impulse_measurement() {
    println!("linear-phase latency: rate, samples, ms");
    for rate in RATES_HZ {
        for mode in CrossoverMode::ALL {
            let mut sp = splitter(rate, 1, settings(mode, 4, CrossoverSlope::Db24));
            let expected = BandSplitter::latency_samples_for(mode, rate);
            assert_eq!(sp.latency_samples(), expected);
            let len = 2 * expected as usize + 8192;
            let out = render(&mut sp, &[impulse(len)], &[1000]);
            let sum = band_sum(&out);
            let peak = (0..len)
                .max_by(|&a, &b| sum[a].abs().total_cmp(&sum[b].abs()))
                .unwrap();
            let first = (0..len).find(|&n| sum[n].abs() > 1e-6).unwrap();
            match mode {
                CrossoverMode::LinearPhase => {
                    assert_eq!(peak as u32, expected, "{rate}");
                    println!(
                        "  {rate:>8} {expected:>6} {:>6.2}",
                        expected as f64 / rate * 1e3
                    );
                }
                _ => assert_eq!((first, expected), (0, 0), "{mode:?} {rate}"),
            }
        }
    }
}

#[test]
fn linear_phase_designs_one_moved_crossover_per_hop_and_keeps_the_sum() {
    // All five crossovers move at once: one kernel is designed per hop (so no hop pays for
    // five designs), then the new set is crossfaded in over one hop. From then on the bands are
    // exactly those of a splitter that had the new crossovers all along (the convolution's
    // history is the input's, whatever the kernels), and the sum is the delayed input throughout.
    let rate = 48_000.0;
    let hop = dsp_core::filter::fir_crossover::hop_samples(rate);
    let x = stereo_noise(48_000);
    let change = 24 * hop;
    let s = settings(CrossoverMode::LinearPhase, 6, CrossoverSlope::Db24);
    let mut moved = s;
    moved.crossovers_hz = [90.0, 700.0, 3000.0, 9000.0, 14000.0];
    let mut sp = splitter(rate, 2, s);
    let (a, b): (Vec<Vec<f32>>, Vec<Vec<f32>>) = x
        .iter()
        .map(|c| (c[..change].to_vec(), c[change..].to_vec()))
        .unzip();
    let mut out = render(&mut sp, &a, &[hop]);
    sp.set_settings(moved);
    for (ob, mb) in out.iter_mut().zip(render(&mut sp, &b, &[hop])) {
        for (oc, mc) in ob.iter_mut().zip(mb) {
            oc.extend(mc);
        }
    }
    let fresh = render(&mut splitter(rate, 2, moved), &x, &[hop]);
    let hop_bits = |o: &[Vec<Vec<f32>>], k: usize| -> Vec<u32> {
        let r = change + k * hop..change + (k + 1) * hop;
        o.iter()
            .flat_map(|band| {
                band.iter()
                    .flat_map(|c| c[r.clone()].iter().map(|v| v.to_bits()))
            })
            .collect()
    };
    // Five designs at the next five hop boundaries; the fifth boundary computes the crossfade.
    assert_ne!(hop_bits(&out, 4), hop_bits(&fresh, 4), "switched too early");
    assert_ne!(hop_bits(&out, 5), hop_bits(&fresh, 5), "no crossfade hop");
    let from = change + 6 * hop;
    for (ob, fb) in out.iter().zip(&fresh) {
        for (oc, fc) in ob.iter().zip(fb) {
            assert!(
                oc[from..] == fc[from..],
                "new kernels not in use after six hops"
            );
        }
    }
    let latency = dsp_core::filter::fir_crossover::latency_samples(rate);
    for ch in 0..2 {
        let worst = (latency..x[0].len())
            .map(|i| {
                let sum: f64 = out.iter().map(|band| band[ch][i] as f64).sum();
                (sum - x[ch][i - latency] as f64).abs()
            })
            .fold(0.0, f64::max);
        assert!(worst < 1e-5, "band sum left the delayed input by {worst}");
    }
}
