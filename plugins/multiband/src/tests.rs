//! Unit tests of the audio-thread glue (the DSP has its own tests in dsp-core).

use super::*;
use dsp_core::filter::CrossoverMode;

fn sine(frames: usize, sample_rate_hz: f64, amplitude: f32) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            amplitude
                * (2.0 * std::f64::consts::PI * 997.0 * n as f64 / sample_rate_hz).sin() as f32
        })
        .collect()
}

#[test]
fn readings_are_published_at_30_hz_only_while_the_editor_is_open() {
    let fs = 44_100.0;
    let mut plugin = VernisMultiband::default();
    plugin.prepare(fs, 2);
    let signal = sine(44_100, fs, 0.5);
    let (mut left, mut right) = (signal.clone(), signal.clone());
    plugin.run(&mut [&mut left, &mut right], None);
    assert_eq!(plugin.shared.history.total_written(), 0);
    assert_eq!(plugin.shared.input.total_written(), 0);

    plugin.shared.editor_open.set(true);
    let mut start = 0;
    for len in [1, 333, 64, 65, 1000, 7].iter().cycle() {
        if start >= left.len() {
            break;
        }
        let end = (start + len).min(left.len());
        plugin.run(&mut [&mut left[start..end], &mut right[start..end]], None);
        start = end;
    }
    assert_eq!(plugin.shared.history.total_written(), 30);
    assert_eq!(plugin.shared.input.total_written(), 44_100);
    assert_eq!(plugin.shared.output.total_written(), 44_100);
    assert_eq!(plugin.shared.bus.get(slot::SAMPLE_RATE_HZ), 44_100.0);
    assert_eq!(plugin.shared.bus.get(slot::CHANNELS), 2.0);
}

#[test]
fn latency_follows_the_settings_the_way_each_format_allows() {
    let fs = 48_000.0;
    let mut plugin = VernisMultiband::default();
    plugin.prepare(fs, 2);
    let defaults = MultibandSettings::default();
    let default_latency = MultibandCompressor::latency_samples_for(&defaults, fs);
    assert_eq!(plugin.compressor.latency_samples(), default_latency);
    // As activate() would have reported it.
    plugin.latency = LatencyReporter::new();
    let wanted = MultibandSettings {
        lookahead_ms: 10.0,
        mode: CrossoverMode::LinearPhase,
        output_gain_db: -3.0,
        ..defaults
    };
    let new_latency = MultibandCompressor::latency_samples_for(&wanted, fs);
    let request = plugin.apply_settings(&wanted, false);
    // Output Gain applies at once whatever the format.
    assert_eq!(plugin.compressor.settings().output_gain_db, -3.0);
    if new_latency == default_latency {
        // The DSP stub reports no latency yet: nothing to defer.
        assert_eq!(request, LatencyRequest::after_update(false, new_latency, 0));
        assert_eq!(plugin.compressor.settings(), wanted);
    } else {
        // CLAP while active: the running lookahead and mode stay, a restart is asked for.
        assert_eq!(request, LatencyRequest::Restart);
        assert_eq!(plugin.compressor.settings().lookahead_ms, 0.0);
        assert_eq!(plugin.compressor.settings().mode, defaults.mode);
        // VST3: applies at once and is reported.
        let mut vst3 = VernisMultiband::default();
        vst3.prepare(fs, 2);
        assert_eq!(
            vst3.apply_settings(&wanted, true),
            LatencyRequest::Report(new_latency)
        );
        assert_eq!(
            vst3.shared.bus.get(slot::LATENCY_SAMPLES),
            new_latency as f32
        );
    }
}

#[test]
fn sidechain_is_used_only_when_a_band_listens_to_it() {
    let mut plugin = VernisMultiband::default();
    plugin.prepare(48_000.0, 1);
    assert!(!plugin.uses_sidechain());
    let mut settings = MultibandSettings::default();
    settings.band[5].sidechain = BandSidechain::External;
    // Band 6 is not in use with 4 bands.
    plugin.apply_settings(&settings, true);
    assert!(!plugin.uses_sidechain());
    settings.band[1].sidechain = BandSidechain::External;
    plugin.apply_settings(&settings, true);
    assert!(plugin.uses_sidechain());
    let mut mono = sine(4_800, 48_000.0, 0.25);
    let key = sine(4_800, 48_000.0, 0.5);
    plugin.run(&mut [&mut mono[..]], Some(&[&key[..]]));
    // A sidechain shorter than the block is not handed on (no panic).
    plugin.run(&mut [&mut mono[..]], Some(&[&key[..10]]));
    assert!(mono.iter().all(|x| x.is_finite()));
}

#[test]
fn gain_readings_keep_the_change_furthest_from_zero() {
    assert_eq!(furthest_from_zero(-3.0, 1.0), -3.0);
    assert_eq!(furthest_from_zero(-3.0, 4.0), 4.0);
    assert_eq!(furthest_from_zero(2.0, f32::NAN), 2.0);
    assert_eq!(port_channels(2, &[&[0.0][..], &[][..]]), 1);
}
