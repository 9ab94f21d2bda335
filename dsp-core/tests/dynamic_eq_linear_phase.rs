//! The Dynamic EQ's Linear Phase mode against its zero-latency twin: the same magnitude (within
//! 0.05 dB), a symmetric impulse response centred on the reported latency, the delayed input bit
//! for bit when idle, the same static law, placements, block-partition determinism, every rate and
//! bad input.

use std::f64::consts::PI;

use dsp_core::dynamics::BandChannel;
use dsp_core::eq::curve::BandCurve;
use dsp_core::eq::{DynamicEq, DynamicEqSettings, EqBandSettings, EqPhase};
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};
use dsp_core::{ProcessSpec, Processor};

mod eq_common;
use eq_common::*;

fn linear(mut s: DynamicEqSettings) -> DynamicEqSettings {
    s.phase = EqPhase::LinearPhase;
    s
}

fn static_band(shape: EqShape, frequency_hz: f64, gain_db: f64, q: f64) -> EqBandSettings {
    EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape,
            frequency_hz,
            gain_db,
            q,
            ..EqShapeSettings::default()
        },
        ..EqBandSettings::default()
    }
}

fn cut(shape: EqShape, frequency_hz: f64, slope: CutSlope) -> EqBandSettings {
    let mut band = static_band(shape, frequency_hz, 0.0, 0.7);
    band.filter.slope = slope;
    band
}

fn latency(fs: f64) -> usize {
    DynamicEq::latency_samples_for(&linear(DynamicEqSettings::default()), fs) as usize
}

/// The impulse response of `settings` (left channel), `frames` long.
fn impulse_response(settings: DynamicEqSettings, fs: f64, frames: usize) -> Vec<f32> {
    let mut x = vec![0.0f32; frames];
    x[0] = 1.0;
    render(settings, fs, &x, None, 512).0
}

/// |Σ h[n]·e^(−jωn)| in dB.
fn dft_db(h: &[f32], freq_hz: f64, fs: f64) -> f64 {
    let w = 2.0 * PI * freq_hz / fs;
    let (mut re, mut im) = (0.0f64, 0.0f64);
    for (n, &v) in h.iter().enumerate() {
        let (s, c) = (w * n as f64).sin_cos();
        re += f64::from(v) * c;
        im -= f64::from(v) * s;
    }
    10.0 * (re * re + im * im).log10()
}

#[test]
fn the_latency_is_the_kernel_centre_plus_one_hop_and_the_response_is_symmetric_about_it() {
    assert_eq!(latency(48_000.0), 4607);
    assert_eq!(latency(44_100.0), 4274);
    assert_eq!(latency(96_000.0), 9214);
    let mut eq = DynamicEq::new();
    eq.prepare(&ProcessSpec::new(48_000.0, 512, 2));
    assert_eq!(eq.latency_samples(), 0);
    eq.set_settings(linear(DynamicEqSettings::default()));
    assert_eq!(eq.latency_samples(), 4607);

    let s = linear(one_band(static_band(EqShape::Bell, 1000.0, 9.0, 2.0)));
    let h = impulse_response(s, FS, 8192);
    let centre = peak_index(&h);
    assert_eq!(centre, 4607);
    let worst = (1..2047)
        .map(|n| (h[centre + n] - h[centre - n]).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "asymmetry {worst}");
    // Nothing before the kernel starts.
    assert!(h[..centre - 2047].iter().all(|&v| v.abs() < 1e-6));
}

#[test]
fn the_linear_phase_magnitude_is_the_zero_latency_magnitude_within_five_hundredths_of_a_db() {
    let cases = [
        static_band(EqShape::Bell, 1000.0, 6.0, 1.0),
        static_band(EqShape::Bell, 100.0, -9.0, 2.0),
        static_band(EqShape::Bell, 250.0, 12.0, 4.0),
        static_band(EqShape::Bell, 10_000.0, 4.0, 4.0),
        static_band(EqShape::Bell, 18_000.0, -6.0, 1.0),
        static_band(EqShape::LowShelf, 100.0, 6.0, 0.7),
        static_band(EqShape::HighShelf, 8000.0, -6.0, 0.7),
        static_band(EqShape::TiltShelf, 1000.0, 4.0, 0.7),
        EqBandSettings {
            filter: EqShapeSettings {
                slope: CutSlope::Db24,
                ..static_band(EqShape::LowCut, 40.0, 0.0, 0.7).filter
            },
            ..static_band(EqShape::LowCut, 40.0, 0.0, 0.7)
        },
        EqBandSettings {
            filter: EqShapeSettings {
                slope: CutSlope::Db48,
                ..static_band(EqShape::HighCut, 12_000.0, 0.0, 0.7).filter
            },
            ..static_band(EqShape::HighCut, 12_000.0, 0.0, 0.7)
        },
        static_band(EqShape::BandPass, 2000.0, 0.0, 2.0),
        static_band(EqShape::Notch, 1000.0, 0.0, 4.0),
    ];
    // Beyond the kernel's resolution (responses that ring past its ±68 ms flat part): the
    // measured worst errors, bounded so a regression fails.
    let edge = [
        (static_band(EqShape::Bell, 40.0, 6.0, 1.0), 0.05),
        (static_band(EqShape::Bell, 30.0, -12.0, 0.7), 0.05),
        (static_band(EqShape::LowShelf, 30.0, 6.0, 0.7), 0.05),
        (static_band(EqShape::Bell, 60.0, 6.0, 4.0), 0.4),
        (cut(EqShape::LowCut, 25.0, CutSlope::Db24), 0.12),
        (cut(EqShape::LowCut, 30.0, CutSlope::Db48), 6.0),
    ];
    let mut failures = Vec::new();
    for (band, bound) in cases.into_iter().map(|b| (b, 0.05)).chain(edge) {
        let h = impulse_response(linear(one_band(band)), FS, 8192);
        let curve = BandCurve::new(&band, 0.0, FS);
        let mut worst = (0.0f64, 0.0f64);
        for i in 0..=240 {
            let f = 20.0 * 1000f64.powf(i as f64 / 240.0);
            let want = curve.magnitude_db(f);
            if want < -30.0 {
                continue;
            }
            let err = (dft_db(&h, f, FS) - want).abs();
            if err > worst.0 {
                worst = (err, f);
            }
        }
        let f = band.filter;
        println!(
            "{:?} {} Hz {} dB Q {}: worst {:.4} dB at {:.0} Hz",
            f.shape, f.frequency_hz, f.gain_db, f.q, worst.0, worst.1
        );
        if worst.0 >= bound {
            failures.push((f, worst));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn idle_linear_phase_is_the_input_delayed_bit_for_bit() {
    let programme = dsp_core::demo::demo_programme(FS);
    let frames = (4.0 * FS) as usize;
    let l: Vec<f32> = programme[0][..frames].iter().map(|v| v * 0.5).collect();
    let r: Vec<f32> = programme[1][..frames].iter().map(|v| v * 0.5).collect();
    let (yl, yr) = render(linear(idle_settings()), FS, &l, Some(&r), 512);
    let d = latency(FS);
    let same = |y: &[f32], x: &[f32]| {
        y[..d].iter().all(|v| *v == 0.0)
            && y[d..]
                .iter()
                .zip(x)
                .all(|(a, b)| a.to_bits() == b.to_bits())
    };
    assert!(same(&yl, &l) && same(&yr, &r));
}

#[test]
fn the_static_law_holds_in_linear_phase() {
    for (range_db, want) in [(-12.0f32, -7.5), (-6.0, -6.0), (12.0, 7.5)] {
        let band = dynamic_bell(range_db);
        let frames = (1.5 * FS) as usize;
        let x = sines(FS, &[(3000.0, -10.0, 0.0)], frames);
        let (y, _) = render(linear(one_band(band)), FS, &x, None, 512);
        let tail = frames - (0.1 * FS) as usize;
        let got = peak_db(&y[tail..]) - peak_db(&x[tail..]);
        assert!((got - want).abs() < 0.1, "R {range_db}: {got} vs {want}");
    }
}

#[test]
fn a_mid_band_leaves_the_side_untouched_in_linear_phase() {
    let mut band = static_band(EqShape::Bell, 1000.0, 9.0, 1.0);
    band.placement = BandChannel::Mid;
    let mut left_band = static_band(EqShape::HighShelf, 6000.0, -4.0, 0.7);
    left_band.placement = BandChannel::Left;
    let mut s = one_band(band);
    s.bands[1] = left_band;
    let frames = 24_000;
    let l = sines(FS, &[(1000.0, -12.0, 0.0), (300.0, -18.0, 1.0)], frames);
    let r = sines(FS, &[(1000.0, -15.0, 0.5), (7000.0, -20.0, 0.2)], frames);
    // Mid only: the side comes out as the delayed side.
    let (yl, yr) = render(linear(one_band(band)), FS, &l, Some(&r), 512);
    let d = latency(FS);
    let worst = (d..frames)
        .map(|n| ((yl[n] - yr[n]) - (l[n - d] - r[n - d])).abs() * 0.5)
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-5, "side error {worst}");
    // Mid then Left: the same as the zero-latency mode in magnitude, so the 1 kHz mid gain
    // matches at steady state.
    let zl = render(s, FS, &l, Some(&r), 512);
    let lp = render(linear(s), FS, &l, Some(&r), 512);
    let rms =
        |x: &[f32]| (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
    for (a, b) in [(&zl.0, &lp.0), (&zl.1, &lp.1)] {
        let db = 20.0 * (rms(&b[12_000..]) / rms(&a[12_000 - d..frames - d])).log10();
        assert!(db.abs() < 0.05, "level difference {db} dB");
    }
}

#[test]
fn any_block_partition_gives_the_same_bits_in_linear_phase() {
    let programme = dsp_core::demo::demo_programme(FS);
    let frames = (2.0 * FS) as usize;
    let input: Vec<Vec<f32>> = programme.iter().map(|c| c[..frames].to_vec()).collect();
    let (a, b) = busy_settings();
    let (a, b) = (linear(a), linear(b));
    let change_at = 40_013;
    assert_same_bits_for_any_partition(a, b, change_at, &input, 11u64);
}

#[test]
fn every_rate_keeps_the_latency_and_the_static_law_in_linear_phase() {
    for fs in [22_050.0, 44_100.0, 88_200.0, 192_000.0, 384_000.0] {
        let band = dynamic_bell(-12.0);
        let frames = (1.0 * fs) as usize;
        let x = sines(fs, &[(3000.0, -10.0, 0.0)], frames);
        let (y, _) = render(linear(one_band(band)), fs, &x, None, 1024);
        assert!(y.iter().all(|v| v.is_finite()));
        let tail = frames - (0.1 * fs) as usize;
        let got = peak_db(&y[tail..]) - peak_db(&x[tail..]);
        assert!((got + 7.5).abs() < 0.15, "{fs} Hz: {got}");
        let h = impulse_response(
            linear(one_band(static_band(EqShape::Bell, 1000.0, 6.0, 1.0))),
            fs,
            2 * latency(fs) + 1,
        );
        let centre = peak_index(&h);
        assert_eq!(centre, latency(fs), "{fs} Hz");
    }
}

#[test]
fn bad_input_never_leaves_nan_or_infinity_in_linear_phase() {
    let (a, _) = busy_settings();
    let mut eq = DynamicEq::new();
    eq.set_settings(linear(a));
    eq.prepare(&ProcessSpec::new(FS, 512, 2));
    let specials = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e30,
        -1e30,
        1e-40,
        1.0,
        -1.0,
    ];
    let mut all_finite = true;
    for block in 0..200 {
        let mut l: Vec<f32> = (0..512)
            .map(|n| specials[(n * 7 + block) % specials.len()])
            .collect();
        let mut r: Vec<f32> = (0..512)
            .map(|n| if n % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        eq.process(&mut [&mut l, &mut r]);
        all_finite &= l.iter().chain(&r).all(|v| v.is_finite());
    }
    assert!(all_finite);
    // And it recovers: silence in, silence out once the kernels have flushed.
    let mut quiet = true;
    for block in 0..40 {
        let mut l = vec![0.0f32; 512];
        let mut r = vec![0.0f32; 512];
        eq.process(&mut [&mut l, &mut r]);
        if block > 20 {
            quiet &= l.iter().chain(&r).all(|v| v.abs() < 1e-3);
        }
    }
    assert!(quiet);
}

#[test]
fn an_external_sidechain_drives_a_linear_phase_band() {
    use dsp_core::dynamics::BandSidechain;
    // The key at −10 dBFS sets the law's 7.5 dB cut on the quiet programme; its own level does not.
    let d = latency(FS);
    let external = sidechain_gain_db(BandSidechain::External, EqPhase::LinearPhase, d);
    let internal = sidechain_gain_db(BandSidechain::Internal, EqPhase::LinearPhase, d);
    assert!((external + 7.5).abs() < 0.05, "{external}");
    assert!(internal.abs() < 1e-3, "{internal}");
}

#[test]
fn settings_handed_over_before_the_first_sample_apply_at_once_in_linear_phase() {
    let programme = dsp_core::demo::demo_programme(FS);
    let frames = 30_000;
    let (a, _) = busy_settings();
    let render_after = |set_before_prepare: bool, reset_first: bool| {
        let mut eq = DynamicEq::new();
        if set_before_prepare {
            eq.set_settings(linear(a));
        }
        eq.prepare(&ProcessSpec::new(FS, 512, 2));
        if reset_first {
            // Some audio with other settings, then a reset: as a host's stop and restart.
            let mut l = programme[0][..4000].to_vec();
            let mut r = programme[1][..4000].to_vec();
            eq.process(&mut [&mut l, &mut r]);
            eq.reset();
        }
        if !set_before_prepare {
            eq.set_settings(linear(a));
        }
        let mut l = programme[0][..frames].to_vec();
        let mut r = programme[1][..frames].to_vec();
        for (x, y) in l.chunks_mut(512).zip(r.chunks_mut(512)) {
            eq.process(&mut [x, y]);
        }
        (l, r)
    };
    let reference = render_after(true, false);
    assert!(reference == render_after(false, false), "set after prepare");
    assert!(reference == render_after(false, true), "set after a reset");
}
