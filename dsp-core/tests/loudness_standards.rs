//! EBU Tech 3341 / Tech 3342 conformance, synthesised in code at several sample rates.
//!
//! Tolerances are the standard's (±0.1 LU for M/S/I, ±1 LU for LRA, +0.2/−0.4 dB for true peak),
//! plus Vernis's own: tone cases within 0.02 LU of the analytic value.

mod common;

use common::*;
use dsp_core::filter::KWeighting;
use dsp_core::meter::LoudnessMeter;
use dsp_core::{ProcessSpec, Processor};

const RATES: [f64; 3] = [44_100.0, 48_000.0, 96_000.0];
/// Rates covered by the cases that stay meaningful there (22.05 kHz still holds a 1 kHz tone).
const EXTRA_RATES: [f64; 4] = [22_050.0, 88_200.0, 192_000.0, 384_000.0];

fn stereo(x: Vec<f32>) -> Vec<Vec<f32>> {
    vec![x.clone(), x]
}

/// Analytic loudness of steady sines: `-0.691 + 10 log10(sum G_i A_i^2 / 2 |H(f)|^2)`.
fn analytic_tone_lufs(fs: f64, freq_hz: f64, channels: &[(f64, f64)]) -> f64 {
    let k = KWeighting::new(fs);
    let h_db = k.magnitude_db(freq_hz, fs);
    let power: f64 = channels
        .iter()
        .map(|&(weight, peak_dbfs)| weight * 10f64.powf(peak_dbfs / 10.0) / 2.0)
        .sum();
    -0.691 + 10.0 * power.log10() + h_db
}

fn assert_within(label: &str, got: f64, expected: f64, tol: f64) {
    assert!(
        (got - expected).abs() <= tol,
        "{label}: got {got:.4}, expected {expected:.4} ± {tol}"
    );
}

/// Feeds `channels` in chunks of the meter's own hop and calls `each` after every chunk.
fn walk(fs: f64, channels: &[Vec<f32>], mut each: impl FnMut(usize, &LoudnessMeter)) {
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(fs, 8192, channels.len()));
    let hop = meter.hop_frames();
    let frames = channels[0].len();
    let mut start = 0;
    while start < frames {
        let end = (start + hop).min(frames);
        let views: Vec<&[f32]> = channels.iter().map(|c| &c[start..end]).collect();
        meter.measure(&views);
        start = end;
        each(end, &meter);
    }
}

#[test]
fn case_1_and_2_tones_read_the_analytic_value() {
    for fs in RATES.iter().chain(&EXTRA_RATES).copied() {
        for level in [-23.0, -33.0] {
            let r = measure(fs, &stereo(sine_segments(fs, &[tone(level, 20.0)])), 4096);
            let analytic = analytic_tone_lufs(fs, 1000.0, &[(1.0, level), (1.0, level)]);
            for (name, v) in [
                ("I", r.integrated_lufs),
                ("M", r.momentary_lufs),
                ("S", r.short_term_lufs),
                ("max M", r.momentary_max_lufs),
                ("max S", r.short_term_max_lufs),
            ] {
                assert_within(&format!("{fs} Hz {level} dBFS {name}"), v, level, 0.1);
                assert_within(
                    &format!("{fs} Hz {level} dBFS {name} analytic"),
                    v,
                    analytic,
                    0.02,
                );
            }
        }
    }
}

#[test]
fn cases_3_4_5_integrated_gating() {
    let cases: [(&str, Vec<Segment>); 3] = [
        (
            "3",
            vec![tone(-36.0, 10.0), tone(-23.0, 60.0), tone(-36.0, 10.0)],
        ),
        (
            "4",
            vec![
                tone(-72.0, 10.0),
                tone(-36.0, 10.0),
                tone(-23.0, 60.0),
                tone(-36.0, 10.0),
                tone(-72.0, 10.0),
            ],
        ),
        (
            "5",
            vec![tone(-26.0, 20.0), tone(-20.0, 20.1), tone(-26.0, 20.0)],
        ),
    ];
    for fs in RATES.iter().chain(&EXTRA_RATES).copied() {
        for (name, segments) in &cases {
            let r = measure(fs, &stereo(sine_segments(fs, segments)), 4096);
            assert_within(
                &format!("case {name} at {fs}"),
                r.integrated_lufs,
                -23.0,
                0.1,
            );
        }
    }
}

#[test]
fn case_6_surround_channels() {
    for fs in RATES {
        let ch = |db| sine_segments(fs, &[tone(db, 20.0)]);
        // 5.0: L R C Ls Rs.
        let five = vec![ch(-28.0), ch(-28.0), ch(-24.0), ch(-30.0), ch(-30.0)];
        let r = measure(fs, &five, 4096);
        let analytic = analytic_tone_lufs(
            fs,
            1000.0,
            &[
                (1.0, -28.0),
                (1.0, -28.0),
                (1.0, -24.0),
                (1.41, -30.0),
                (1.41, -30.0),
            ],
        );
        assert_within(&format!("5.0 at {fs}"), r.integrated_lufs, -23.0, 0.1);
        assert_within(
            &format!("5.0 at {fs} analytic"),
            r.integrated_lufs,
            analytic,
            0.02,
        );
        // 5.1: L R C LFE Ls Rs, with a loud LFE that must be excluded.
        let six = vec![
            ch(-28.0),
            ch(-28.0),
            ch(-24.0),
            ch(-6.0),
            ch(-30.0),
            ch(-30.0),
        ];
        let r = measure(fs, &six, 4096);
        assert_within(&format!("5.1 at {fs}"), r.integrated_lufs, analytic, 0.02);
    }
}

#[test]
fn case_9_short_term_constant_after_3_s() {
    for fs in RATES {
        let period = [tone(-20.0, 1.34), tone(-30.0, 1.66)];
        let segments: Vec<Segment> = period.iter().cycle().take(10).copied().collect();
        let x = stereo(sine_segments(fs, &segments));
        let mut checked = 0;
        walk(fs, &x, |end, m| {
            if end as f64 >= 3.0 * fs && end % (fs as usize / 10) == 0 {
                assert_within(
                    &format!("case 9 at {fs}, t={end}"),
                    m.short_term_lufs(),
                    -23.0,
                    0.1,
                );
                checked += 1;
            }
        });
        assert!(checked > 100);
    }
}

#[test]
fn case_10_short_term_burst_at_any_offset() {
    for fs in RATES {
        for k in 0..20 {
            let offset = k as f64 * 0.15;
            let x = stereo(sine_segments(
                fs,
                &[silence(offset), tone(-23.0, 3.0), silence(1.0)],
            ));
            let r = measure(fs, &x, 1024);
            assert_within(
                &format!("case 10-{} at {fs}", k + 1),
                r.short_term_max_lufs,
                -23.0,
                0.1,
            );
        }
    }
}

/// Bursts at rising levels separated by silence; returns the maximum of `reading` within each burst's span.
fn successive_maxima(fs: f64, burst_s: f64, gap_s: f64, read_short_term: bool) -> Vec<f64> {
    let mut segments = Vec::new();
    let mut spans = Vec::new();
    let mut t = 0.0;
    for (k, level) in (-38..=-19).enumerate() {
        let offset = 0.013 * k as f64 + 0.1;
        segments.push(silence(offset));
        segments.push(tone(level as f64, burst_s));
        segments.push(silence(gap_s));
        spans.push((t, t + offset + burst_s + gap_s));
        t += offset + burst_s + gap_s;
    }
    let x = stereo(sine_segments(fs, &segments));
    let mut maxima = vec![f64::NEG_INFINITY; spans.len()];
    walk(fs, &x, |end, m| {
        let time = end as f64 / fs;
        if let Some(i) = spans.iter().position(|&(a, b)| time > a && time <= b) {
            let v = if read_short_term {
                m.short_term_lufs()
            } else {
                m.momentary_lufs()
            };
            maxima[i] = maxima[i].max(v);
        }
    });
    maxima
}

#[test]
fn case_11_successive_short_term_maxima() {
    for fs in RATES {
        let maxima = successive_maxima(fs, 3.0, 3.5, true);
        for (k, level) in (-38..=-19).enumerate() {
            assert_within(
                &format!("case 11 burst {k} at {fs}"),
                maxima[k],
                level as f64,
                0.1,
            );
        }
    }
}

#[test]
fn case_12_momentary_constant_after_1_s() {
    for fs in RATES {
        let period = [tone(-20.0, 0.18), tone(-30.0, 0.22)];
        let segments: Vec<Segment> = period.iter().cycle().take(50).copied().collect();
        let x = stereo(sine_segments(fs, &segments));
        let total = x[0].len();
        let mut checked = 0;
        walk(fs, &x, |end, m| {
            if end as f64 >= 1.0 * fs && end < total {
                assert_within(
                    &format!("case 12 at {fs}, t={end}"),
                    m.momentary_lufs(),
                    -23.0,
                    0.1,
                );
                checked += 1;
            }
        });
        assert!(checked > 1000);
    }
}

#[test]
fn case_13_momentary_burst_at_any_offset_within_0_02_lu() {
    for fs in RATES.iter().chain(&EXTRA_RATES).copied() {
        let analytic = analytic_tone_lufs(fs, 1000.0, &[(1.0, -23.0), (1.0, -23.0)]);
        // The 20 offsets of the test set, then offsets that fall between sub-block boundaries.
        let offsets = (0..20)
            .map(|k| k as f64 * 0.02)
            .chain((0..12).map(|k| 0.1003 + k as f64 * 0.000_37));
        for offset in offsets {
            let x = stereo(sine_segments(
                fs,
                &[silence(offset), tone(-23.0, 0.4), silence(0.5)],
            ));
            let r = measure(fs, &x, 999);
            assert_within(
                &format!("case 13 offset {offset} at {fs}"),
                r.momentary_max_lufs,
                -23.0,
                0.1,
            );
            assert_within(
                &format!("case 13 offset {offset} at {fs} (0.02 LU)"),
                r.momentary_max_lufs,
                analytic,
                0.02,
            );
        }
    }
}

#[test]
fn case_14_successive_momentary_maxima() {
    for fs in RATES {
        let maxima = successive_maxima(fs, 0.4, 0.6, false);
        for (k, level) in (-38..=-19).enumerate() {
            assert_within(
                &format!("case 14 burst {k} at {fs}"),
                maxima[k],
                level as f64,
                0.1,
            );
        }
    }
}

#[test]
fn cases_15_to_19_true_peak() {
    // (frequency as a fraction of fs, phase in degrees, peak amplitude, expected dBTP)
    let cases = [
        ("15", 4.0, 0.0, 0.5, -6.0),
        ("16", 4.0, 45.0, 0.5, -6.0),
        ("17", 6.0, 60.0, 0.5, -6.0),
        ("18", 8.0, 67.5, 0.5, -6.0),
        ("19", 4.0, 45.0, 1.41, 3.0),
    ];
    for fs in RATES.iter().chain(&EXTRA_RATES).copied() {
        for (name, divisor, phase, peak, expected) in cases {
            let x = faded_sine(fs, fs / divisor, phase, peak, 1.0);
            let r = measure(fs, &stereo(x), 4096);
            let got = r.true_peak_dbtp;
            assert!(
                got <= expected + 0.2 && got >= expected - 0.4,
                "case {name} at {fs}: {got:.3} dBTP, expected {expected} +0.2/−0.4"
            );
        }
    }
}

/// A band-limited signal whose continuous-time peak is exactly 1.0 (0 dBTP) between samples,
/// in the spirit of cases 20–23: a sum of sines up to `top_hz`, its true maximum found on a 256× grid.
fn zero_dbtp_signal(fs: f64, top_hz: f64, seed: u64) -> Vec<f32> {
    let partials: Vec<(f64, f64, f64)> = {
        let noise = white_noise(24, 1.0, seed);
        (0..8)
            .map(|k| {
                let f = top_hz * (0.35 + 0.65 * (k as f64 + 1.0) / 8.0);
                (
                    f,
                    1.0 / (k as f64 + 1.0),
                    (noise[k] as f64 + 1.0) * std::f64::consts::PI,
                )
            })
            .collect()
    };
    let value = |t: f64| -> f64 {
        partials
            .iter()
            .map(|&(f, a, p)| a * (2.0 * std::f64::consts::PI * f * t + p).sin())
            .sum()
    };
    let frames = (0.5 * fs) as usize;
    let mut peak: f64 = 0.0;
    for i in 0..frames * 256 {
        peak = peak.max(value(i as f64 / (fs * 256.0)).abs());
    }
    (0..frames)
        .map(|i| (value(i as f64 / fs) / peak) as f32)
        .collect()
}

#[test]
fn cases_20_to_23_style_zero_dbtp_signals() {
    for fs in RATES {
        for (seed, top_hz) in [(1, 6_000.0), (2, 12_000.0), (3, 17_000.0), (4, 20_000.0)] {
            let x = zero_dbtp_signal(fs, top_hz, seed);
            let r = measure(fs, &stereo(x), 4096);
            let got = r.true_peak_dbtp;
            assert!(
                (-0.4..=0.2).contains(&got),
                "0 dBTP signal to {top_hz} Hz at {fs}: {got:.3} dBTP"
            );
        }
    }
}

#[test]
fn tech_3342_cases_1_to_4_loudness_range() {
    let cases: [(&str, Vec<Segment>, f64); 4] = [
        ("1", vec![tone(-20.0, 20.0), tone(-30.0, 20.0)], 10.0),
        ("2", vec![tone(-20.0, 20.0), tone(-15.0, 20.0)], 5.0),
        ("3", vec![tone(-40.0, 20.0), tone(-20.0, 20.0)], 20.0),
        (
            "4",
            vec![
                tone(-50.0, 20.0),
                tone(-35.0, 20.0),
                tone(-20.0, 20.0),
                tone(-35.0, 20.0),
                tone(-50.0, 20.0),
            ],
            15.0,
        ),
    ];
    for fs in RATES.iter().chain(&EXTRA_RATES).copied() {
        for (name, segments, expected) in &cases {
            let r = measure(fs, &stereo(sine_segments(fs, segments)), 4096);
            assert_within(
                &format!("3342 case {name} at {fs}"),
                r.loudness_range_lu,
                *expected,
                1.0,
            );
        }
    }
}
