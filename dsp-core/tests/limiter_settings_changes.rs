//! Settings changes that must not depend on history: settings handed over before a reset apply at
//! once (the first render after a change equals the second), and the latency-keeping variant of
//! a settings change (CLAP while active) keeps exactly the running latency and nothing else.

mod common;

use common::*;
use dsp_core::dynamics::{Dither, LimiterSettings, LimiterStyle, LookaheadLimiter, Oversampling};
use dsp_core::{ProcessSpec, Processor};

fn render(l: &mut LookaheadLimiter, x: &[Vec<f32>], block: usize) -> Vec<Vec<f32>> {
    let mut out = x.to_vec();
    let frames = out[0].len();
    let mut start = 0;
    while start < frames {
        let end = (start + block).min(frames);
        let (left, right) = out.split_at_mut(1);
        l.process(&mut [&mut left[0][start..end], &mut right[0][start..end]]);
        start = end;
    }
    out
}

fn changed_settings() -> LimiterSettings {
    LimiterSettings {
        input_gain_db: 12.0,
        ceiling_dbtp: -3.0,
        release_ms: 40.0,
        style: LimiterStyle::Safe,
        dither: Dither::Bits16Shaped,
        dc_filter: true,
        ..Default::default()
    }
}

/// A limiter that played other settings, then got new ones and a reset, renders exactly what a
/// limiter prepared with the new settings renders: no ramp from the old Input Gain or Ceiling, no
/// trace of the old audio (a reset that restarted the smoothers at the previously applied values
/// fails this: Input Gain would ramp from 0 dB over 20 ms).
#[test]
fn settings_handed_over_before_a_reset_apply_at_once() {
    let fs = 48_000.0;
    let x = vec![
        white_noise(fs as usize, 0.6, 1),
        white_noise(fs as usize, 0.6, 2),
    ];
    let new = changed_settings();

    let mut reference = LookaheadLimiter::new();
    reference.set_settings(&new);
    reference.prepare(&ProcessSpec::new(fs, 512, 2));
    let expected = render(&mut reference, &x, 512);

    let mut played = LookaheadLimiter::new();
    played.prepare(&ProcessSpec::new(fs, 512, 2));
    render(&mut played, &x, 333);
    played.set_settings(&new);
    played.reset();
    let got = render(&mut played, &x, 512);
    for c in 0..2 {
        let differing = expected[c]
            .iter()
            .zip(&got[c])
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(differing, 0, "channel {c}: {differing} samples differ");
    }
}

/// For every pair of running and wanted timing settings at three rates: the result has exactly
/// the running latency; every setting that does not move the latency is the wanted one; and when
/// the wanted settings already have the running latency they are returned unchanged.
#[test]
fn keeping_the_latency_keeps_only_what_moves_it() {
    let lookaheads_ms = [0.5, 0.7, 2.0, 10.0];
    for fs in [44_100.0, 48_000.0, 192_000.0] {
        for &running_lookahead in &lookaheads_ms {
            for running_os in Oversampling::ALL {
                for running_style in LimiterStyle::ALL {
                    let running = LimiterSettings {
                        lookahead_ms: running_lookahead,
                        oversampling: running_os,
                        style: running_style,
                        ..Default::default()
                    };
                    let running_latency = LookaheadLimiter::latency_samples_for(&running, fs);
                    for &lookahead_ms in &lookaheads_ms {
                        for oversampling in Oversampling::ALL {
                            for style in LimiterStyle::ALL {
                                let wanted = LimiterSettings {
                                    lookahead_ms,
                                    oversampling,
                                    style,
                                    ..changed_settings()
                                };
                                let kept = LookaheadLimiter::settings_keeping_latency(
                                    &wanted, &running, fs,
                                );
                                assert_eq!(
                                    LookaheadLimiter::latency_samples_for(&kept, fs),
                                    running_latency,
                                    "{fs} Hz, running {running:?}, wanted {wanted:?}"
                                );
                                let untimed = |s: &LimiterSettings| LimiterSettings {
                                    lookahead_ms: 0.0,
                                    oversampling: Oversampling::X1,
                                    style: LimiterStyle::Transparent,
                                    ..*s
                                };
                                assert_eq!(untimed(&kept), untimed(&wanted));
                                if LookaheadLimiter::latency_samples_for(&wanted, fs)
                                    == running_latency
                                {
                                    assert_eq!(kept, wanted);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
