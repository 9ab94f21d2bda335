//! Limiter behaviour beyond the ceiling: latency by impulse, bypass, silence, block-size invariance,
//! reset, hostile input, automation, unity gain, DC filter, dither, and measured quality (THD+N per
//! style, aliasing at 1× versus 4×), with the numbers printed for the record.

mod common;

use common::*;
use dsp_core::dynamics::{Dither, LimiterSettings, LimiterStyle, LookaheadLimiter, Oversampling};
use dsp_core::meter::TruePeakDetector;
use dsp_core::smoothing::LinearSmoother;
use dsp_core::{ProcessSpec, Processor};

fn limiter(settings: &LimiterSettings, fs: f64, channels: usize, block: usize) -> LookaheadLimiter {
    let mut l = LookaheadLimiter::new();
    l.set_settings(settings);
    l.prepare(&ProcessSpec::new(fs, block, channels));
    l
}

/// Processes mono `x` in blocks of `block`, calling `before_block(frame, limiter)` first.
fn run_mono(
    l: &mut LookaheadLimiter,
    x: &[f32],
    block: usize,
    mut before_block: impl FnMut(usize, &mut LookaheadLimiter),
) -> Vec<f32> {
    let mut out = x.to_vec();
    let mut start = 0;
    while start < out.len() {
        let end = (start + block).min(out.len());
        before_block(start, l);
        l.process(&mut [&mut out[start..end]]);
        start = end;
    }
    out
}

#[test]
fn reported_latency_matches_an_impulse() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for oversampling in Oversampling::ALL {
            for lookahead_ms in [0.5, 2.0, 10.0] {
                for style in LimiterStyle::ALL {
                    let s = LimiterSettings {
                        oversampling,
                        lookahead_ms,
                        style,
                        ..Default::default()
                    };
                    let mut l = limiter(&s, fs, 1, 256);
                    let latency = l.latency_samples() as usize;
                    assert_eq!(
                        latency as u32,
                        LookaheadLimiter::latency_samples_for(&s, fs)
                    );
                    let mut x = vec![0.0f32; 4096];
                    x[100] = 0.25;
                    let y = run_mono(&mut l, &x, 256, |_, _| {});
                    let at = y
                        .iter()
                        .enumerate()
                        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                        .unwrap()
                        .0;
                    assert_eq!(at, 100 + latency, "{fs} Hz {s:?}");
                    if oversampling == Oversampling::X1 {
                        assert_eq!(
                            y[at], 0.25,
                            "below the ceiling a 1x limiter is a pure delay"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn silence_in_gives_exact_silence_out() {
    for oversampling in Oversampling::ALL {
        let s = LimiterSettings {
            oversampling,
            input_gain_db: 24.0,
            dc_filter: true,
            ..Default::default()
        };
        let mut l = limiter(&s, 48_000.0, 2, 512);
        let mut a = vec![0.0f32; 48_000];
        let mut b = vec![0.0f32; 48_000];
        for (ca, cb) in a.chunks_mut(512).zip(b.chunks_mut(512)) {
            l.process(&mut [ca, cb]);
        }
        assert!(a.iter().chain(&b).all(|&x| x == 0.0), "{oversampling:?}");
    }
}

#[test]
fn output_does_not_depend_on_the_block_partition_and_reset_reproduces() {
    let fs = 48_000.0;
    let x = white_noise(30_000, 4.0, 9);
    for oversampling in [Oversampling::X1, Oversampling::X4] {
        let s = LimiterSettings {
            oversampling,
            style: LimiterStyle::Punchy,
            dither: Dither::Bits16Shaped,
            ..Default::default()
        };
        let reference = run_mono(&mut limiter(&s, fs, 1, 8192), &x, 8192, |_, _| {});
        for block in [1usize, 37, 512] {
            assert_eq!(
                run_mono(&mut limiter(&s, fs, 1, 8192), &x, block, |_, _| {}),
                reference,
                "block {block}"
            );
        }
        let sizes = white_noise(1000, 1.0, 10);
        let mut l = limiter(&s, fs, 1, 8192);
        let mut out = x.clone();
        let (mut start, mut k) = (0, 0);
        while start < out.len() {
            let end = (start + 1 + (sizes[k].abs() * 3000.0) as usize).min(out.len());
            l.process(&mut [&mut out[start..end]]);
            start = end;
            k += 1;
        }
        assert_eq!(out, reference, "random partition");
        l.reset();
        assert_eq!(
            run_mono(&mut l, &x, 512, |_, _| {}),
            reference,
            "after reset"
        );
    }
}

#[test]
fn hostile_input_gives_finite_output_and_recovers() {
    let s = LimiterSettings {
        oversampling: Oversampling::X4,
        dc_filter: true,
        ..Default::default()
    };
    let mut l = limiter(&s, 48_000.0, 2, 1024);
    let mut hostile = vec![
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MAX,
        -f32::MAX,
        1e-40,
        -1e-39,
        0.0,
    ];
    hostile.resize(1024, 1e-38);
    for _ in 0..20 {
        let mut a = hostile.clone();
        let mut b: Vec<f32> = (0..1024)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        l.process(&mut [&mut a, &mut b]);
        assert!(a.iter().chain(&b).all(|x| x.is_finite()));
        assert!(a.iter().chain(&b).all(|x| x.abs() <= 0.9));
    }
    let tone = sine_segments(48_000.0, &[tone(-20.0, 1.0)]);
    let mut a = tone.clone();
    let mut b = tone.clone();
    for (ca, cb) in a.chunks_mut(1024).zip(b.chunks_mut(1024)) {
        l.process(&mut [ca, cb]);
    }
    let peak = a[24_000..].iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!((peak - 0.1).abs() < 0.002, "recovered peak {peak}");
}

#[test]
fn ceiling_holds_while_input_gain_and_ceiling_are_automated() {
    let fs = 48_000.0;
    let x = white_noise((4.0 * fs) as usize, 0.5, 11);
    let block = 64;
    // Automation: input gain sweeps 0 → 24 dB, the ceiling steps between −0.1 and −9 dBTP every 50 ms.
    let schedule = |frame: usize| -> (f32, f32) {
        let t = frame as f64 / fs;
        let gain = (24.0 * t / 4.0) as f32;
        let ceiling = [-0.1f32, -9.0, -3.0, -6.0][(t / 0.05) as usize % 4];
        (gain, ceiling)
    };
    for oversampling in [Oversampling::X1, Oversampling::X4] {
        let base = LimiterSettings {
            oversampling,
            ..Default::default()
        };
        let mut l = limiter(&base, fs, 1, block);
        let latency = l.latency_samples() as usize;
        let y = run_mono(&mut l, &x, block, |frame, l| {
            let (input_gain_db, ceiling_dbtp) = schedule(frame);
            l.set_settings(&LimiterSettings {
                input_gain_db,
                ceiling_dbtp,
                ..base
            });
        });
        // The ceiling each input sample was limited to, reproduced with the same 20 ms ramps.
        let mut ramp = LinearSmoother::new(20.0, 10f64.powf(-1.0 / 20.0));
        ramp.prepare(fs);
        let ceiling: Vec<f64> = (0..x.len())
            .map(|n| {
                if n % block == 0 {
                    ramp.set_target(10f64.powf(schedule(n).1 as f64 / 20.0));
                }
                ramp.next_value()
            })
            .collect();
        let mut detector = TruePeakDetector::new();
        detector.prepare(&ProcessSpec::new(fs, y.len(), 1));
        let mut envelope = vec![0.0f32; y.len()];
        detector.interpolated_peaks(0, &y, &mut envelope);
        let delay = detector.latency_samples() as usize;
        let mut worst_db = f64::NEG_INFINITY;
        for (m, &peak) in envelope.iter().enumerate().skip(latency + delay + 1) {
            let n = m - delay - latency;
            let allowed = ceiling[n - 1].max(ceiling[n]);
            worst_db = worst_db.max(20.0 * (peak as f64 / allowed).log10());
        }
        println!("{oversampling:?}: worst over the automated ceiling {worst_db:+.3} dB");
        assert!(
            worst_db <= 0.01,
            "{oversampling:?}: {worst_db:+.3} dB over the automated ceiling"
        );
    }
}

#[test]
fn toggling_bypass_neither_shifts_nor_clicks() {
    let fs = 48_000.0;
    let x = sine_segments(fs, &[tone(-6.0, 1.0)]);
    // Below the ceiling: bypassed and active outputs must be the same delayed signal (1x path).
    let s = LimiterSettings {
        oversampling: Oversampling::X1,
        ceiling_dbtp: 0.0,
        ..Default::default()
    };
    let mut l = limiter(&s, fs, 1, 128);
    let y = run_mono(&mut l, &x, 128, |frame, l| {
        l.set_settings(&LimiterSettings {
            bypass: (frame / 4800) % 2 == 1,
            ..s
        });
    });
    let latency = l.latency_samples() as usize;
    for n in latency..y.len() {
        assert!(
            (y[n] - x[n - latency]).abs() < 1e-6,
            "shift at {n}: {} vs {} (latency {latency})",
            y[n],
            x[n - latency]
        );
    }
    // Driven into 12 dB of limiting: the crossfade keeps sample steps within the signal's own slope.
    let loud = sine_segments(fs, &[tone(6.0, 1.0)]);
    let driven = LimiterSettings {
        oversampling: Oversampling::X4,
        ..Default::default()
    };
    let mut l = limiter(&driven, fs, 1, 128);
    let y = run_mono(&mut l, &loud, 128, |frame, l| {
        l.set_settings(&LimiterSettings {
            bypass: (frame / 4800) % 2 == 1,
            ..driven
        });
    });
    let max_step = y
        .windows(2)
        .skip(4800)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    let sine_slope = 2.0 * std::f32::consts::PI * 1000.0 / 48_000.0 * 10f32.powf(6.0 / 20.0);
    assert!(
        max_step <= sine_slope * 1.01,
        "step {max_step} vs slope {sine_slope}"
    );
}

#[test]
fn unity_gain_compensates_the_input_gain() {
    let fs = 48_000.0;
    let x = sine_segments(fs, &[tone(-30.0, 0.5)]);
    let s = LimiterSettings {
        oversampling: Oversampling::X1,
        input_gain_db: 12.0,
        unity_gain: true,
        ..Default::default()
    };
    let mut l = limiter(&s, fs, 1, 256);
    let y = run_mono(&mut l, &x, 256, |_, _| {});
    let latency = l.latency_samples() as usize;
    for n in latency..y.len() {
        assert!((y[n] - x[n - latency]).abs() < 1e-6);
    }
}

#[test]
fn dc_filter_removes_offset_and_dither_lands_on_the_grid() {
    let fs = 48_000.0;
    let x: Vec<f32> = sine_segments(fs, &[tone(-20.0, 2.0)])
        .iter()
        .map(|v| v + 0.2)
        .collect();
    let s = LimiterSettings {
        dc_filter: true,
        oversampling: Oversampling::X1,
        ..Default::default()
    };
    let y = run_mono(&mut limiter(&s, fs, 1, 512), &x, 512, |_, _| {});
    let mean: f32 = y[48_000..].iter().sum::<f32>() / 48_000.0;
    assert!(mean.abs() < 1e-3, "DC left: {mean}");
    for dither in [Dither::Bits16, Dither::Bits16Shaped, Dither::Bits24] {
        let s = LimiterSettings {
            dither,
            ..Default::default()
        };
        let y = run_mono(&mut limiter(&s, fs, 1, 512), &x, 512, |_, _| {});
        let scale = (1u64 << (dither.bits().unwrap() - 1)) as f64;
        assert!(
            y.iter().all(|&v| (v as f64 * scale).fract() == 0.0),
            "{dither:?}"
        );
        assert!(y[1000..].iter().any(|&v| v != 0.0));
    }
}

/// THD+N of `y` relative to a sine at `freq_hz`: residual energy after a least-squares sine fit, dB.
fn thd_plus_n_db(y: &[f32], freq_hz: f64, fs: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq_hz / fs;
    let (mut ss, mut sc, mut cc, mut ys, mut yc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (n, &v) in y.iter().enumerate() {
        let (s, c) = ((w * n as f64).sin(), (w * n as f64).cos());
        ss += s * s;
        sc += s * c;
        cc += c * c;
        ys += v as f64 * s;
        yc += v as f64 * c;
    }
    let det = ss * cc - sc * sc;
    let a = (ys * cc - yc * sc) / det;
    let b = (yc * ss - ys * sc) / det;
    let (mut fund, mut residual) = (0.0, 0.0);
    for (n, &v) in y.iter().enumerate() {
        let f = a * (w * n as f64).sin() + b * (w * n as f64).cos();
        fund += f * f;
        residual += (v as f64 - f) * (v as f64 - f);
    }
    10.0 * (residual / fund).log10()
}

#[test]
fn thd_plus_n_at_6_db_of_gain_reduction_per_style() {
    let fs = 48_000.0;
    let mut results = Vec::new();
    for freq in [1000.0, 100.0] {
        for style in LimiterStyle::ALL {
            // Peak 6 dB over a −1 dBTP ceiling.
            let x = sine_segments(
                fs,
                &[Segment {
                    freq_hz: freq,
                    peak_dbfs: 5.0,
                    seconds: 6.0,
                }],
            );
            let s = LimiterSettings {
                style,
                ..Default::default()
            };
            let y = run_mono(&mut limiter(&s, fs, 1, 512), &x, 512, |_, _| {});
            let settled = &y[(5.0 * fs) as usize..];
            let thd = thd_plus_n_db(settled, freq, fs);
            results.push((freq, style, thd));
        }
    }
    for (freq, style, thd) in &results {
        println!("THD+N at 6 dB GR, {freq} Hz, {style:?}: {thd:.1} dB");
    }
    let get = |f: f64, s: LimiterStyle| results.iter().find(|r| r.0 == f && r.1 == s).unwrap().2;
    // A steady tone settles to a steady gain: Transparent and Safe stay near the float floor.
    for style in [LimiterStyle::Transparent, LimiterStyle::Safe] {
        assert!(
            get(1000.0, style) < -90.0 && get(100.0, style) < -90.0,
            "{style:?}"
        );
    }
    // Punchy holds long enough for 1 kHz; Aggressive's 1 ms hold ripples on 100 Hz, by design.
    assert!(get(1000.0, LimiterStyle::Punchy) < -90.0);
    assert!(get(100.0, LimiterStyle::Aggressive) > get(100.0, LimiterStyle::Transparent) + 20.0);
}

#[test]
fn styles_are_measurably_different_on_programme() {
    let fs = 48_000.0;
    let demo = dsp_core::demo::demo_programme(fs);
    let start = (16.0 * fs) as usize;
    let frames = (8.0 * fs) as usize;
    let mut loudness = Vec::new();
    for style in LimiterStyle::ALL {
        let s = LimiterSettings {
            style,
            input_gain_db: 8.0,
            ..Default::default()
        };
        let mut l = limiter(&s, fs, 2, 512);
        let mut a = demo[0][start..start + frames].to_vec();
        let mut b = demo[1][start..start + frames].to_vec();
        for (ca, cb) in a.chunks_mut(512).zip(b.chunks_mut(512)) {
            l.process(&mut [ca, cb]);
        }
        let r = measure(fs, &[a, b], 4096);
        println!(
            "{style:?}: I {:.2} LUFS, TP {:.2} dBTP",
            r.integrated_lufs, r.true_peak_dbtp
        );
        loudness.push(r.integrated_lufs);
    }
    // Aggressive is louder than Punchy, Punchy than Transparent, Transparent than Safe.
    assert!(
        loudness[2] > loudness[1] + 0.1
            && loudness[1] > loudness[0] + 0.1
            && loudness[0] > loudness[3] + 0.1,
        "{loudness:?}"
    );
}

/// Energy below 10 kHz relative to the total, dB, on a coarse DFT grid, skipping the first 0.5 s.
/// For a 15 kHz carrier under a slow gain, only aliased products land there.
fn energy_below_10_khz_db(y: &[f32], fs: f64) -> f64 {
    let settled = &y[(0.5 * fs) as usize..];
    let n = settled.len();
    let (mut low, mut total) = (0.0f64, 0.0f64);
    for k in (20..n / 2).step_by(37) {
        let w = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
        let (mut re, mut im) = (0.0, 0.0);
        for (i, &v) in settled.iter().enumerate() {
            re += v as f64 * (w * i as f64).cos();
            im -= v as f64 * (w * i as f64).sin();
        }
        let p = re * re + im * im;
        total += p;
        if (k as f64) * fs / (n as f64) < 10_000.0 {
            low += p;
        }
    }
    10.0 * (low / total).log10()
}

#[test]
fn aliasing_of_a_driven_15_khz_sine_stays_low_at_1x_and_4x() {
    let fs = 48_000.0;
    // 15 kHz with a 5 Hz tremolo between −6 and +12 dBFS, so the gain moves fast.
    let frames = (2.0 * fs) as usize;
    let x: Vec<f32> = (0..frames)
        .map(|n| {
            let t = n as f64 / fs;
            let level_db = 3.0 + 9.0 * (2.0 * std::f64::consts::PI * 5.0 * t).sin();
            (10f64.powf(level_db / 20.0) * (2.0 * std::f64::consts::PI * 15_000.0 * t).sin()) as f32
        })
        .collect();
    // The metric sees aliasing: a hard clip at the same ceiling folds its harmonics down.
    let clipped: Vec<f32> = x.iter().map(|v| v.clamp(-0.89, 0.89)).collect();
    let clipper_db = energy_below_10_khz_db(&clipped, fs);
    println!("hard clip: energy below 10 kHz relative to total {clipper_db:.1} dB");
    assert!(clipper_db > -40.0, "{clipper_db}");
    for oversampling in [Oversampling::X1, Oversampling::X4] {
        let s = LimiterSettings {
            oversampling,
            style: LimiterStyle::Aggressive,
            release_ms: 5.0,
            auto_release: false,
            ..Default::default()
        };
        let y = run_mono(&mut limiter(&s, fs, 1, 512), &x, 512, |_, _| {});
        let db = energy_below_10_khz_db(&y, fs);
        println!("{oversampling:?}: energy below 10 kHz relative to total {db:.1} dB");
        // The gain is band-limited by its attack averages, so even at 1x little folds back.
        assert!(db < clipper_db - 20.0, "{oversampling:?}: {db:.1} dB");
    }
}
