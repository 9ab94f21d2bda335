//! `LookaheadLimiter::process_with_segment_gains` against the plain path it replaces: processing
//! in calls of the segment length and reading `block_gain_reduction_db` after each. The audio and
//! every segment's gain reduction must match bit for bit.

use dsp_core::dynamics::{LimiterSettings, LookaheadLimiter, Oversampling};
use dsp_core::{ProcessSpec, Processor};

fn programme(frames: usize) -> [Vec<f32>; 2] {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    };
    let left = (0..frames)
        .map(|i| noise() * (0.2 + 0.8 * (i as f32 * 3e-4).sin().abs()))
        .collect();
    let right = (0..frames)
        .map(|i| 0.6 * noise() * (i as f32 * 1e-4).cos())
        .collect();
    [left, right]
}

fn prepared(settings: &LimiterSettings) -> LookaheadLimiter {
    let mut limiter = LookaheadLimiter::new();
    limiter.set_settings(settings);
    limiter.prepare(&ProcessSpec::new(48_000.0, 4096, 2));
    limiter
}

#[test]
fn segment_gains_match_calls_of_the_segment_length() {
    let frames = 20_011;
    for (oversampling, link) in [
        (Oversampling::X1, 100.0),
        (Oversampling::X4, 100.0),
        (Oversampling::X4, 35.0),
    ] {
        let settings = LimiterSettings {
            oversampling,
            stereo_link_percent: link,
            input_gain_db: 12.0,
            ..LimiterSettings::default()
        };
        for segment in [1usize, 64, 100, 300] {
            // Reference: one call per segment, its gain reduction read after each.
            let [mut l1, mut r1] = programme(frames);
            let mut reference = prepared(&settings);
            let mut expected = Vec::new();
            for (l, r) in l1.chunks_mut(segment).zip(r1.chunks_mut(segment)) {
                reference.process(&mut [l, r]);
                expected.push(reference.block_gain_reduction_db());
            }
            // Large blocks (not multiples of the segment), each with its segment gains.
            let [mut l2, mut r2] = programme(frames);
            let mut limiter = prepared(&settings);
            let mut got = Vec::new();
            let block = segment * (4096 / segment).min(13);
            let mut gains = vec![0.0f32; 4096];
            for (l, r) in l2.chunks_mut(block).zip(r2.chunks_mut(block)) {
                let spans = l.len().div_ceil(segment);
                limiter.process_with_segment_gains(&mut [l, r], segment, &mut gains);
                got.extend(
                    gains[..spans]
                        .iter()
                        .map(|&g| LookaheadLimiter::gain_reduction_db(g)),
                );
            }
            let case = format!("{oversampling:?}, link {link} %, segment {segment}");
            assert!(l1 == l2 && r1 == r2, "{case}: audio differs");
            assert_eq!(expected.len(), got.len(), "{case}");
            for (k, (e, g)) in expected.iter().zip(&got).enumerate() {
                assert_eq!(e.to_bits(), g.to_bits(), "{case}: segment {k}: {e} vs {g}");
            }
            assert!(
                expected.iter().any(|&e| e > 1.0),
                "{case}: the test should limit"
            );
        }
    }
}
