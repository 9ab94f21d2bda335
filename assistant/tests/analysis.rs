//! The programme measurements against analytic values: loudness of a sine, planted DC,
//! clipping runs and silences, bad input and bad programmes.

use vernis_assistant::analysis::signal_checks::MIN_CLIP_RUN;
use vernis_assistant::{analyse, Programme, ProgrammeError};

const FS: f64 = 48_000.0;

/// A 1 kHz sine of peak `peak` (a whole number of periods per second at 48 kHz), `seconds` long.
fn sine(peak: f32, seconds: f64) -> Vec<f32> {
    (0..(seconds * FS) as usize)
        .map(|i| peak * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / FS).sin() as f32)
        .collect()
}

fn stereo(channel: Vec<f32>) -> Programme {
    Programme::new(vec![channel.clone(), channel], FS, None).expect("a stereo programme")
}

#[test]
fn a_sine_reads_its_analytic_loudness_and_peaks() {
    // BS.1770: a stereo 1 kHz sine at −20 dBFS peak in both channels reads −20 LUFS (K-weighting
    // is +0.69 dB at 1 kHz, which the −0.691 offset cancels to within 0.05 dB).
    let a = analyse(&stereo(sine(0.1, 10.0)));
    let l = &a.loudness;
    assert!(
        (l.integrated_lufs + 20.0).abs() < 0.1,
        "{}",
        l.integrated_lufs
    );
    assert!((l.short_term_max_lufs + 20.0).abs() < 0.1);
    assert!((l.momentary_max_lufs + 20.0).abs() < 0.1);
    assert!(l.loudness_range_lu.abs() < 0.1, "{}", l.loudness_range_lu);
    assert!(
        (l.sample_peak_dbfs + 20.0).abs() < 0.01,
        "{}",
        l.sample_peak_dbfs
    );
    assert!(
        (l.true_peak_dbtp + 20.0).abs() < 0.05,
        "{}",
        l.true_peak_dbtp
    );
    assert!(
        l.plr_db.abs() < 0.15 && l.psr_db.abs() < 0.15,
        "{} {}",
        l.plr_db,
        l.psr_db
    );
    // One short-term reading every 100 ms; the last ones are the steady −20 LUFS.
    assert_eq!(l.short_term_history_lufs.len(), 100);
    assert!((l.short_term_history_lufs[99] + 20.0).abs() < 0.1);
    assert_eq!((a.channels, a.sample_rate_hz, a.duration_s), (2, FS, 10.0));
}

#[test]
fn dc_clipping_and_silences_are_found_where_they_were_planted() {
    let mut left = vec![0.0f32; (1.5 * FS) as usize];
    left.extend(sine(0.5, 4.0));
    left.extend(vec![0.0; (0.75 * FS) as usize]);
    let mut right: Vec<f32> = left.iter().map(|x| x + 0.01).collect();
    // Two runs of 5 full-scale samples, one of 2 (too short to count), one of 4 at −1.0.
    let at = |s: f64| (s * FS) as usize;
    left[at(2.0)..at(2.0) + 5].fill(1.0);
    left[at(3.0)..at(3.0) + 2].fill(1.0);
    right[at(2.5)..at(2.5) + 4].fill(-1.0);
    left[at(4.0)..at(4.0) + 5].fill(1.0);
    let a = analyse(&Programme::new(vec![left, right], FS, None).unwrap());
    let c = &a.checks;
    const { assert!(MIN_CLIP_RUN == 3) };
    assert_eq!(
        (c.clipping_runs, c.clipped_samples, c.longest_clip_run),
        (3, 14, 5)
    );
    assert_eq!(c.first_clip_s, Some(2.0));
    // Left has no DC but its 10 planted full-scale samples (≈ 1.6e-6 of the mean each: about
    // −89 dBFS); right carries 0.01 = −40 dBFS (the sine's whole periods average out).
    assert!(c.dc_offset_dbfs[0] < -85.0, "{}", c.dc_offset_dbfs[0]);
    // (its 4 planted −1.0 samples move that by 0.012 dB).
    assert!(
        (c.dc_offset_dbfs[1] + 40.0).abs() < 0.02,
        "{}",
        c.dc_offset_dbfs[1]
    );
    // The DC keeps the right channel above −60 dBFS throughout: no silence at either end.
    assert_eq!((c.head_silence_s, c.tail_silence_s), (0.0, 0.0));
    let mut silent_ends = vec![0.0f32; (1.5 * FS) as usize];
    silent_ends.extend(sine(0.5, 4.0));
    silent_ends.extend(vec![0.0; (0.75 * FS) as usize]);
    let c = analyse(&stereo(silent_ends)).checks;
    // The sine starts at a zero crossing: its first sample above −60 dBFS is its second one.
    assert!(
        (c.head_silence_s - 1.5).abs() <= 2.0 / FS,
        "{}",
        c.head_silence_s
    );
    assert!(
        (c.tail_silence_s - 0.75).abs() <= 2.0 / FS,
        "{}",
        c.tail_silence_s
    );
    assert_eq!(c.clipping_runs, 0);
}

#[test]
fn silence_and_non_finite_samples_give_finite_or_stated_values() {
    let a = analyse(&stereo(vec![0.0; 48_000]));
    assert_eq!(a.loudness.integrated_lufs, f64::NEG_INFINITY);
    assert_eq!(
        (a.checks.head_silence_s, a.checks.tail_silence_s),
        (1.0, 1.0)
    );
    let mut x = sine(0.5, 2.0);
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    x[3000] = f32::NEG_INFINITY;
    let a = analyse(&stereo(x));
    assert_eq!(a.checks.non_finite_samples, 6);
    assert!(a.loudness.integrated_lufs.is_finite());
    assert!(a.loudness.true_peak_dbtp.is_finite() && a.loudness.true_peak_dbtp < 0.0);
    assert!(a.checks.dc_offset_dbfs.iter().all(|d| !d.is_nan()));
    assert_eq!(a.checks.clipping_runs, 0);
}

#[test]
fn the_same_audio_gives_the_same_numbers_and_layouts_weigh_the_channels() {
    let p = stereo(sine(0.3, 5.0));
    assert_eq!(analyse(&p), analyse(&p));
    // 7.1.4 with the sine in front left and right only reads as the stereo programme.
    let mut channels = vec![vec![0.0f32; 5 * 48_000]; 12];
    channels[0] = sine(0.3, 5.0);
    channels[1] = sine(0.3, 5.0);
    let wide = Programme::new(channels, FS, None).unwrap();
    let (a, b) = (analyse(&wide).loudness, analyse(&p).loudness);
    assert!((a.integrated_lufs - b.integrated_lufs).abs() < 1e-9);
    assert_eq!(analyse(&wide).channels, 12);
    // Mono: one channel of the same sine is 3 dB quieter than two.
    let mono = Programme::new(vec![sine(0.3, 5.0)], FS, None).unwrap();
    let m = analyse(&mono).loudness.integrated_lufs;
    assert!((b.integrated_lufs - m - 3.01).abs() < 0.02, "{m}");
}

#[test]
fn bad_programmes_are_refused_with_a_clear_reason() {
    let e = Programme::new(vec![], FS, None).unwrap_err();
    assert_eq!(e.to_string(), "unusable channels: there are none");
    let e = Programme::new(vec![vec![0.0; 10], vec![0.0; 9]], FS, None).unwrap_err();
    assert_eq!(e.to_string(), "unusable channels: their lengths differ");
    let e = Programme::new(vec![vec![0.0; 10]], 1_000.0, None).unwrap_err();
    assert!(matches!(e, ProgrammeError::SampleRate(_)));
    assert!(e.to_string().contains("1000 Hz"), "{e}");
    let e = Programme::new(vec![vec![0.0; 10]], f64::NAN, None).unwrap_err();
    assert!(matches!(e, ProgrammeError::SampleRate(_)));
    let five = dsp_core::layout::ChannelLayout::from_channel_count(6);
    let e = Programme::new(vec![vec![0.0; 10]; 2], FS, five).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the layout has 6 channels but the audio has 2"
    );
    // An empty but well-formed programme measures without a crash.
    let a = analyse(&Programme::new(vec![vec![]; 2], FS, None).unwrap());
    assert_eq!(a.loudness.short_term_history_lufs.len(), 0);
}
