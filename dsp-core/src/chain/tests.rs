use super::*;
use crate::dynamics::{LimiterStyle, Oversampling};
use crate::filter::crossover_settings::CrossoverMode;

const FS: f64 = 48_000.0;

/// Two channels of deterministic noise, loud enough to be limited when driven.
fn programme(frames: usize) -> Vec<Vec<f32>> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    (0..2)
        .map(|_| {
            (0..frames)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let x = (seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0;
                    x * 0.6 * (1.0 + (i as f32 * 3e-4).sin()) * 0.5
                })
                .collect()
        })
        .collect()
}

/// Runs `p` over `audio` in blocks whose lengths cycle through `blocks`.
fn run(p: &mut impl Processor, audio: &mut [Vec<f32>], blocks: &[usize]) {
    let frames = audio[0].len();
    let (left, right) = audio.split_at_mut(1);
    let mut start = 0;
    let mut k = 0;
    while start < frames {
        let n = blocks[k % blocks.len()].min(frames - start);
        p.process(&mut [
            &mut left[0][start..start + n],
            &mut right[0][start..start + n],
        ]);
        start += n;
        k += 1;
    }
}

fn driven_limiter() -> LimiterSettings {
    LimiterSettings {
        input_gain_db: 9.0,
        ..LimiterSettings::default()
    }
}

fn full_chain() -> ChainSettings {
    ChainSettings {
        eq: Some(busy_eq()),
        multiband: Some(MultibandSettings {
            mode: CrossoverMode::DynamicPhase,
            ..MultibandSettings::default()
        }),
        pre_gain_db: -2.5,
        limiter: Some(driven_limiter()),
    }
}

/// A dynamic EQ with a dynamic bell and a low cut.
fn busy_eq() -> crate::eq::DynamicEqSettings {
    let mut eq = crate::eq::DynamicEqSettings::default();
    for (k, v) in [
        ("band1.enabled", "on"),
        ("band1.shape", "low-cut"),
        ("band1.frequency_hz", "40"),
        ("band2.enabled", "on"),
        ("band2.frequency_hz", "2500"),
        ("band2.gain_db", "2"),
        ("band2.dynamic", "on"),
        ("band2.threshold_db", "-40"),
    ] {
        eq.set_by_key(k, v).unwrap();
    }
    eq
}

fn prepared(settings: ChainSettings, max_block: usize) -> MasteringChain {
    let mut chain = MasteringChain::new(settings);
    chain.prepare(&ProcessSpec::new(FS, max_block, 2));
    chain
}

#[test]
fn chain_latency_is_the_sum_of_the_enabled_stages() {
    for (lookahead_ms, oversampling, style) in [
        (2.0, Oversampling::X4, LimiterStyle::Transparent),
        (0.5, Oversampling::X1, LimiterStyle::Punchy),
        (10.0, Oversampling::X16, LimiterStyle::Safe),
    ] {
        let limiter = LimiterSettings {
            lookahead_ms,
            oversampling,
            style,
            ..LimiterSettings::default()
        };
        let multiband = MultibandSettings {
            lookahead_ms: 5.0,
            mode: CrossoverMode::LinearPhase,
            ..MultibandSettings::default()
        };
        let mut bare_limiter = LookaheadLimiter::new();
        bare_limiter.set_settings(&limiter);
        bare_limiter.prepare(&ProcessSpec::new(FS, 512, 2));
        let mut bare_multiband = MultibandCompressor::new();
        bare_multiband.set_settings(multiband);
        bare_multiband.prepare(&ProcessSpec::new(FS, 512, 2));
        let (l, m) = (
            bare_limiter.latency_samples(),
            bare_multiband.latency_samples(),
        );
        assert!(l > 0);
        for (settings, expected) in [
            (
                ChainSettings {
                    eq: None,
                    multiband: Some(multiband),
                    pre_gain_db: -3.0,
                    limiter: Some(limiter),
                },
                m + l,
            ),
            (
                ChainSettings {
                    limiter: Some(limiter),
                    ..ChainSettings::default()
                },
                l,
            ),
            (
                ChainSettings {
                    multiband: Some(multiband),
                    ..ChainSettings::default()
                },
                m,
            ),
            (ChainSettings::default(), 0),
        ] {
            let chain = prepared(settings, 512);
            assert_eq!(chain.latency_samples(), expected, "{settings:?}");
            assert_eq!(settings.latency_samples_for(FS), expected);
        }
    }
    // Switching the limiter out removes its latency.
    let mut chain = prepared(full_chain(), 512);
    assert!(chain.latency_samples() > 0);
    chain.set_settings(ChainSettings {
        limiter: None,
        ..full_chain()
    });
    assert_eq!(
        chain.latency_samples(),
        MultibandCompressor::latency_samples_for(&full_chain().multiband.unwrap(), FS)
    );
}

#[test]
fn a_chain_of_only_the_limiter_is_the_bare_limiter_bit_for_bit() {
    let input = programme(40_000);
    let settings = ChainSettings {
        limiter: Some(driven_limiter()),
        ..ChainSettings::default()
    };
    for blocks in [&[4096usize][..], &[1, 37, 500, 2048]] {
        let mut bare = LookaheadLimiter::new();
        bare.set_settings(&driven_limiter());
        bare.prepare(&ProcessSpec::new(FS, 4096, 2));
        bare.reset();
        let mut expected = input.clone();
        run(&mut bare, &mut expected, blocks);

        let mut chain = prepared(settings, 4096);
        chain.reset();
        let mut got = input.clone();
        run(&mut chain, &mut got, blocks);
        assert!(got == expected, "{blocks:?}: outputs differ");
        assert!(chain.limiter_gain_reduction_db() >= 0.0);
    }
    // The segment gains are the limiter's too.
    let mut bare = LookaheadLimiter::new();
    bare.set_settings(&driven_limiter());
    bare.prepare(&ProcessSpec::new(FS, 8192, 2));
    let mut chain = prepared(settings, 8192);
    let (mut a, mut b) = (input.clone(), input.clone());
    let (mut ga, mut gb) = ([0.0f32; 128], [0.0f32; 128]);
    {
        let (l, r) = a.split_at_mut(1);
        bare.process_with_segment_gains(&mut [&mut l[0][..8192], &mut r[0][..8192]], 64, &mut ga);
        let (l, r) = b.split_at_mut(1);
        chain.process_with_segment_gains(&mut [&mut l[0][..8192], &mut r[0][..8192]], 64, &mut gb);
    }
    assert!(a == b && ga == gb);
    assert!(ga.iter().any(|&g| g < 0.9), "the test limits");
}

#[test]
fn no_stage_is_the_identity_and_the_pre_gain_alone_a_plain_gain() {
    let input = programme(10_000);
    let mut chain = prepared(ChainSettings::default(), 1024);
    assert_eq!(chain.latency_samples(), 0);
    let mut out = input.clone();
    run(&mut chain, &mut out, &[1024, 17]);
    assert!(out == input);
    let mut gains = [0.0f32; 4];
    let mut x = input[0][..256].to_vec();
    chain.process_with_segment_gains(&mut [&mut x[..]], 64, &mut gains);
    assert_eq!(gains, [1.0; 4], "no limiter, no gain reduction");
    assert_eq!(chain.limiter_gain_reduction_db(), 0.0);

    // The first pre-gain value applies from the first sample, exactly.
    let mut chain = prepared(
        ChainSettings {
            pre_gain_db: -6.0,
            ..ChainSettings::default()
        },
        1024,
    );
    let g = db_to_gain(-6.0) as f32;
    let mut out = input.clone();
    run(&mut chain, &mut out, &[1024]);
    for (o, i) in out.iter().flatten().zip(input.iter().flatten()) {
        assert_eq!(*o, *i * g);
    }
}

#[test]
fn a_pre_gain_change_during_audio_ramps() {
    let mut chain = prepared(ChainSettings::default(), 4800);
    let mut ones = vec![vec![1.0f32; 4800]; 2];
    run(&mut chain, &mut ones, &[4800]);
    chain.set_settings(ChainSettings {
        pre_gain_db: -6.0,
        ..ChainSettings::default()
    });
    let mut ones = vec![vec![1.0f32; 4800]; 2];
    run(&mut chain, &mut ones, &[4800]);
    let g = db_to_gain(-6.0) as f32;
    let ramp = (PRE_GAIN_RAMP_MS * 0.001 * FS) as usize;
    assert!(ones[0][0] < 1.0 && ones[0][0] > 0.99, "{}", ones[0][0]);
    assert!(ones[0][ramp / 2] > g + 0.1 && ones[0][ramp / 2] < 0.9);
    assert!((ones[0][ramp - 1] - g).abs() < 1e-6);
    assert!(ones[0][ramp..].iter().all(|&x| x == g));
    assert_eq!(ones[0], ones[1]);
    // After a reset the current value holds and a new one jumps again.
    chain.reset();
    chain.set_settings(ChainSettings {
        pre_gain_db: -12.0,
        ..ChainSettings::default()
    });
    let mut ones = vec![vec![1.0f32; 64]; 2];
    run(&mut chain, &mut ones, &[64]);
    assert!(ones[0].iter().all(|&x| x == db_to_gain(-12.0) as f32));
}

#[test]
fn output_does_not_depend_on_the_block_partition() {
    let input = programme(30_000);
    let change_at = 12_000;
    let render = |blocks: &[usize]| {
        let mut chain = prepared(full_chain(), 4096);
        let mut head: Vec<Vec<f32>> = input.iter().map(|c| c[..change_at].to_vec()).collect();
        run(&mut chain, &mut head, blocks);
        chain.set_settings(ChainSettings {
            pre_gain_db: -0.5,
            ..full_chain()
        });
        let mut tail: Vec<Vec<f32>> = input.iter().map(|c| c[change_at..].to_vec()).collect();
        run(&mut chain, &mut tail, blocks);
        (head, tail)
    };
    let reference = render(&[4096]);
    for blocks in [&[1usize, 2, 3][..], &[37, 511, 4096], &[64]] {
        assert!(render(blocks) == reference, "{blocks:?}");
    }
    // process_with_segment_gains gives the same audio as process.
    let mut chain = prepared(full_chain(), 4096);
    let mut via_segments = input.clone();
    let mut gains = [0.0f32; 64];
    let (l, r) = via_segments.split_at_mut(1);
    for start in (0..change_at).step_by(4000) {
        let end = (start + 4000).min(change_at);
        chain.process_with_segment_gains(
            &mut [&mut l[0][start..end], &mut r[0][start..end]],
            64,
            &mut gains,
        );
    }
    assert!(via_segments[0][..change_at] == reference.0[0][..]);
}

#[test]
fn a_stage_switched_in_starts_afresh() {
    let input = programme(20_000);
    let only_limiter = ChainSettings {
        limiter: Some(driven_limiter()),
        ..ChainSettings::default()
    };
    let mut fresh = prepared(only_limiter, 4096);
    let mut expected = input.clone();
    run(&mut fresh, &mut expected, &[4096]);

    // The limiter runs, is switched out, and back in: it must not remember the first audio.
    let mut chain = prepared(only_limiter, 4096);
    let mut first = input.clone();
    run(&mut chain, &mut first, &[4096]);
    chain.set_settings(ChainSettings::default());
    chain.set_settings(only_limiter);
    let mut again = input.clone();
    run(&mut chain, &mut again, &[4096]);
    assert!(again == expected);
}
