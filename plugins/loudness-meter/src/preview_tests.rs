//! Preview switch: changes only the monitored level (output bit-identical with it off, meters
//! unchanged with it on), ramps without clicks, stays finite, allocates nothing.

use super::*;
use dsp_core::preview::PREVIEW_RAMP_MS;

const FS: f64 = 48_000.0;

/// Runs `f` under nice-plug's allocation guard (the workspace enables `assert_process_allocs`
/// and debug assertions, so the guard is live in tests): any allocation or free inside aborts
/// the test binary, which fails the run.
fn assert_no_alloc(f: impl FnOnce()) {
    nice_assert_no_alloc::assert_no_alloc(f);
}

/// Sets a parameter to a normalized value, as a host does.
fn set(plugin: &VernisLoudness, id: &str, normalized: f32) {
    ui_kit::test_support::set_normalized(&*plugin.params, id, normalized);
}

fn set_target(plugin: &VernisLoudness, target: Target) {
    ui_kit::test_support::set_enum(&*plugin.params, "target", target);
}

fn tone(frames: usize, amplitude: f32) -> Vec<f32> {
    (0..frames)
        .map(|n| amplitude * (2.0 * std::f64::consts::PI * 997.0 * n as f64 / FS).sin() as f32)
        .collect()
}

/// A plugin activated at 48 kHz stereo with `target` and Preview as given.
fn activated(target: Target, preview: bool) -> VernisLoudness {
    let mut plugin = VernisLoudness::default();
    set_target(&plugin, target);
    set(&plugin, "preview", if preview { 1.0 } else { 0.0 });
    plugin.prepare(FS, 512, 2);
    plugin.apply_preview_params();
    plugin.preview.reset();
    plugin
}

/// Runs stereo `input` through the plugin's audio path in blocks of `block`, as `process()` does.
fn render(plugin: &mut VernisLoudness, input: &[f32], block: usize) -> [Vec<f32>; 2] {
    let mut out = [input.to_vec(), input.to_vec()];
    let [l, r] = &mut out;
    for (l, r) in l.chunks_mut(block).zip(r.chunks_mut(block)) {
        plugin.apply_preview_params();
        plugin.run(&mut [l, r], true);
        flush_subnormals(l);
        flush_subnormals(r);
    }
    out
}

/// Every published reading except the preview gain, and the history.
fn readings(plugin: &VernisLoudness) -> (Vec<f32>, Vec<[f32; 2]>) {
    let bus = &plugin.shared.bus;
    let values = (0..slot::COUNT)
        .filter(|&i| i != slot::PREVIEW_GAIN_DB)
        .map(|i| bus.get(i))
        .collect();
    let mut history = Vec::new();
    plugin.shared.history.copy_recent(usize::MAX, &mut history);
    (values, history)
}

/// Apple Music's rule written out independently: −16 LUFS, lifted only as far as the true peak
/// stays at or under −1 dBTP, turned down freely.
fn apple_music_gain_db(integrated_lufs: f64, true_peak_dbtp: f64) -> f64 {
    let to_target = -16.0 - integrated_lufs;
    if to_target <= 0.0 {
        to_target
    } else {
        to_target.min((-1.0 - true_peak_dbtp).max(0.0))
    }
}

#[test]
fn preview_off_output_is_bit_identical_to_the_input() {
    let input = tone(3 * 48_000, 0.9);
    for block in [1, 333, 512] {
        let mut plugin = activated(Target::AppleMusic, false);
        let out = render(&mut plugin, &input, block);
        assert!(out[0] == input && out[1] == input, "block {block}");
    }
}

#[test]
fn preview_on_leaves_the_meters_alone_and_plays_at_the_platform_gain() {
    // Quiet programme (−20 LUFS, −20 dBTP): Apple Music lifts it by 4 dB (to −16 LUFS, peak −16 dBTP).
    let input = tone(6 * 48_000, 0.1);
    let mut off = activated(Target::AppleMusic, false);
    let out_off = render(&mut off, &input, 333);
    let mut on = activated(Target::AppleMusic, true);
    let out_on = render(&mut on, &input, 333);
    assert_eq!(readings(&off), readings(&on));
    let r = on.meter.reading();
    assert_eq!(r, off.meter.reading());
    let expected_db = apple_music_gain_db(r.integrated_lufs, r.true_peak_dbtp);
    assert!((expected_db - 4.0).abs() < 0.05, "{expected_db}");
    // The last second: settled.
    let mut worst_db = 0.0f64;
    for n in 5 * 48_000..6 * 48_000 {
        if out_off[0][n].abs() > 0.02 {
            let ratio = f64::from(out_on[0][n]) / f64::from(out_off[0][n]);
            worst_db = worst_db.max((20.0 * ratio.log10() - expected_db).abs());
            assert_eq!(out_on[0][n], out_on[1][n]);
        }
    }
    println!("settled gain error {worst_db:.5} dB (expected {expected_db:.3} dB)");
    assert!(worst_db < 0.01, "settled gain off by {worst_db} dB");
    assert!((on.shared.bus.get(slot::PREVIEW_GAIN_DB) as f64 - expected_db).abs() < 0.01);
}

#[test]
fn custom_target_previews_down_and_up() {
    let input = tone(3 * 48_000, 0.1);
    let mut on = activated(Target::Custom, true);
    set(&on, "custom_lufs", 0.5); // −21 LUFS
    on.apply_preview_params();
    render(&mut on, &input, 512);
    let i = on.meter.integrated_lufs();
    assert!((on.preview.target_gain_db() - (-21.0 - i)).abs() < 1e-9);
}

#[test]
fn toggling_preview_ramps_without_a_click() {
    let input = tone(4 * 48_000, 0.1);
    let mut plugin = activated(Target::AppleMusic, false);
    let mut out = [input.to_vec(), input.to_vec()];
    let switch_at = 2 * 48_000;
    let off_at = 3 * 48_000;
    let [l, r] = &mut out;
    for (k, (l, r)) in l.chunks_mut(256).zip(r.chunks_mut(256)).enumerate() {
        let start = k * 256;
        let on = (switch_at..off_at).contains(&start);
        set(&plugin, "preview", if on { 1.0 } else { 0.0 });
        plugin.apply_preview_params();
        plugin.run(&mut [l, r], true);
    }
    let gain_db = plugin.preview.platform_gain_db();
    let g = 10f64.powf(gain_db / 20.0);
    let ramp_samples = PREVIEW_RAMP_MS * 1e-3 * FS;
    let allowed_step = (g - 1.0).abs() / ramp_samples;
    // Gain per sample, from the ratio output / input where the input is not near zero.
    let largest_step = ui_kit::test_support::largest_gain_step_per_sample(
        &out[0],
        &input,
        switch_at - 4_800,
        0.03,
    );
    println!(
        "gain {gain_db:.3} dB: largest gain step {largest_step:.3e}/sample, ramp allows {allowed_step:.3e}"
    );
    assert!(
        largest_step > 0.5 * allowed_step,
        "the preview did not switch"
    );
    assert!(largest_step <= allowed_step * 1.01 + 1e-7, "click");
    // Fully on 100 ms after the switch, fully off (bit-exact) 100 ms after switching off.
    let n = switch_at + 4_800 + 12;
    assert!((f64::from(out[0][n]) / f64::from(input[n]) - g).abs() < 1e-4);
    let tail = off_at + 4_800;
    assert_eq!(&out[0][tail..], &input[tail..]);
}

#[test]
fn non_finite_input_never_makes_the_gain_non_finite() {
    for target in [Target::AppleMusic, Target::EbuR128, Target::Custom] {
        let mut plugin = activated(target, true);
        let mut input = tone(48_000, 0.1);
        input[100] = f32::NAN;
        input[200] = f32::INFINITY;
        input[300] = f32::NEG_INFINITY;
        input.extend(tone(2 * 48_000, 0.1));
        let out = render(&mut plugin, &input, 480);
        assert!(plugin.preview.current_gain().is_finite());
        assert!(plugin.preview.platform_gain_db().is_finite());
        assert!(plugin.shared.bus.get(slot::PREVIEW_GAIN_DB).is_finite());
        for (n, (&x, &y)) in input.iter().zip(&out[0]).enumerate() {
            assert!(
                !x.is_finite() || y.is_finite(),
                "{target:?} sample {n}: {y}"
            );
        }
    }
}

#[test]
fn preview_processing_is_allocation_free() {
    let mut plugin = activated(Target::AppleMusic, true);
    let mut l = tone(48_000, 0.1);
    let mut r = l.clone();
    let params = plugin.params.clone();
    let ptr = params
        .param_map()
        .into_iter()
        .find(|(i, _, _)| i == "preview")
        .unwrap()
        .1;
    assert_no_alloc(|| {
        for (k, (l, r)) in l.chunks_mut(97).zip(r.chunks_mut(97)).enumerate() {
            // SAFETY: the params object is alive for the whole test.
            unsafe { ptr._internal_set_normalized_value((k / 50 % 2) as f32) };
            plugin.apply_preview_params();
            plugin.run(&mut [l, r], true);
        }
        plugin.reset_measurement();
        plugin.preview.reset();
    });
}
