//! The reference match end to end: a programme coloured with known EQ moves, mastered by
//! `vernis master --reference` against the uncoloured original, lands within ±1 dB of the
//! reference in loud-section 1/3-octave bands from 60 Hz to 12 kHz (mid and side, offset
//! removed) at 44.1, 48 and 96 kHz, with the loudness target met (by the `ebur128` crate) and
//! the true peak under the ceiling.

mod common;
#[path = "../../assistant/tests/common/mod.rs"]
mod synth;

use common::*;
use synth::colouring::{colouring, equalised, loud_third_octave_levels_db, worst_difference};
use vernis_assistant::Programme;

/// Spotify's target and ceiling (`--target spotify`, the default).
const TARGET_LUFS: f64 = -14.0;
const CEILING_DBTP: f64 = -1.0;

/// Stereo pink noise with some side (L = a + 0.3·b, R = a − 0.3·b), 14 s: 3 s of a quiet
/// intro 12 dB down, then the loud part.
fn original(fs: f64) -> Vec<Vec<f32>> {
    let frames = (14.0 * fs) as usize;
    let intro = (3.0 * fs) as usize;
    let (a, b) = (synth::pink(0.1, frames, 7), synth::pink(0.1, frames, 8));
    let level = |i: usize| if i < intro { 0.25 } else { 1.0 };
    let l = (0..frames)
        .map(|i| level(i) * (a[i] + 0.3 * b[i]))
        .collect();
    let r = (0..frames)
        .map(|i| level(i) * (a[i] - 0.3 * b[i]))
        .collect();
    vec![l, r]
}

/// Loud-section 1/3-octave levels (mid, side) from 60 Hz to 12 kHz.
fn levels(audio: &[Vec<f32>], fs: f64) -> (Vec<f64>, Vec<f64>) {
    let p = Programme::new(audio.to_vec(), fs, None).unwrap();
    (
        loud_third_octave_levels_db(&p, false),
        loud_third_octave_levels_db(&p, true),
    )
}

#[test]
fn a_coloured_programme_is_mastered_back_to_its_reference() {
    for fs in [44_100u32, 48_000, 96_000] {
        let rate = f64::from(fs);
        let dir = TempDir::new("assistant-match");
        let reference = original(rate);
        let programme = equalised(&reference, rate, colouring());
        let (input, reference_path) = (dir.path("in.wav"), dir.path("ref.wav"));
        write_wav(&input, &programme, fs, Encoding::Float32);
        write_wav(&reference_path, &reference, fs, Encoding::Float32);
        let output = dir.path("master.wav");
        run_ok(&[
            "master",
            s(&input),
            s(&output),
            "--reference",
            s(&reference_path),
            "--format",
            "wav32f",
        ]);
        let (out_fs, master) = read_wav(&output);
        assert_eq!(out_fs, fs);

        let (ref_mid, ref_side) = levels(&reference, rate);
        let (in_mid, in_side) = levels(&programme, rate);
        let (out_mid, out_side) = levels(&master, rate);
        let before = (
            worst_difference(&in_mid, &ref_mid),
            worst_difference(&in_side, &ref_side),
        );
        let after = (
            worst_difference(&out_mid, &ref_mid),
            worst_difference(&out_side, &ref_side),
        );
        let (lufs, true_peak_dbtp) = ebur128_reading(&master, fs);
        eprintln!(
            "{fs} Hz: worst 1/3-octave difference 60 Hz-12 kHz, mid {:.2} -> {:.2} dB, side {:.2} -> {:.2} dB; \
             {lufs:.2} LUFS, {true_peak_dbtp:.2} dBTP",
            before.0, after.0, before.1, after.1
        );
        assert!(before.0 > 2.5 && before.1 > 2.5, "{fs}: {before:?}");
        assert!(after.0 <= 1.0 && after.1 <= 1.0, "{fs}: {after:?}");
        assert!((lufs - TARGET_LUFS).abs() <= 0.1, "{fs}: {lufs} LUFS");
        // ebur128's true peak (4x polyphase at 44.1/48 kHz, 2x at 96 kHz) may read a little
        // differently from ours; the limiter's ceiling is held by our meter to 0.01 dB.
        assert!(
            true_peak_dbtp <= CEILING_DBTP + 0.1,
            "{fs}: {true_peak_dbtp} dBTP"
        );
    }
}
