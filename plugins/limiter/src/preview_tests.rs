//! Preview switch: changes only the monitored level (output bit-identical to the bare limiter
//! with it off, meters unchanged with it on), ramps without clicks, stays finite, allocates
//! nothing, adds no latency.

use super::*;
use dsp_core::preview::PREVIEW_RAMP_MS;
use ui_kit::param::PlatformChoice;

const FS: f64 = 48_000.0;

/// Runs `f` under nice-plug's allocation guard (the workspace enables `assert_process_allocs`
/// and debug assertions, so the guard is live in tests): any allocation or free inside aborts
/// the test binary, which fails the run.
fn assert_no_alloc(f: impl FnOnce()) {
    nice_assert_no_alloc::assert_no_alloc(f);
}

/// Sets a parameter to a normalized value, as a host does.
fn set(plugin: &VernisLimiter, id: &str, normalized: f32) {
    ui_kit::test_support::set_normalized(&*plugin.params, id, normalized);
}

fn set_preview(plugin: &VernisLimiter, on: bool, platform: PlatformChoice) {
    ui_kit::test_support::set_bool(&*plugin.params, "preview", on);
    ui_kit::test_support::set_enum(&*plugin.params, "preview_platform", platform);
}

fn tone(frames: usize, amplitude: f32) -> Vec<f32> {
    (0..frames)
        .map(|n| amplitude * (2.0 * std::f64::consts::PI * 997.0 * n as f64 / FS).sin() as f32)
        .collect()
}

/// +12 dB into the limiter: a loud, limited master.
const INPUT_GAIN_NORMALIZED_DB: f32 = 12.0;

fn activated(preview: bool, platform: PlatformChoice) -> VernisLimiter {
    let mut plugin = VernisLimiter::default();
    set_preview(&plugin, preview, platform);
    let gain = &plugin.params.input_gain;
    let normalized = gain.preview_normalized(INPUT_GAIN_NORMALIZED_DB);
    set(&plugin, "input_gain", normalized);
    plugin.prepare(FS, 2);
    plugin
}

/// The audio path of `process()` (settings, preview params, limiter + meters + preview, flush).
fn render_block(plugin: &mut VernisLimiter, l: &mut [f32], r: &mut [f32]) {
    let settings = plugin.params.settings();
    plugin.apply_settings(&settings, true);
    plugin.apply_preview_params();
    if plugin.awaiting_first_sample {
        plugin.limiter.reset();
        plugin.awaiting_first_sample = false;
    }
    plugin.run(&mut [&mut *l, &mut *r]);
    flush_subnormals(l);
    flush_subnormals(r);
}

fn render(plugin: &mut VernisLimiter, input: &[f32], block: usize) -> [Vec<f32>; 2] {
    let mut out = [input.to_vec(), input.to_vec()];
    let [l, r] = &mut out;
    for (l, r) in l.chunks_mut(block).zip(r.chunks_mut(block)) {
        render_block(plugin, l, r);
    }
    out
}

/// Every published reading except the preview gain, and the history.
fn readings(plugin: &VernisLimiter) -> (Vec<f32>, Vec<[f32; history::WIDTH]>) {
    let bus = &plugin.shared.bus;
    let values = (0..slot::COUNT)
        .filter(|&i| i != slot::PREVIEW_GAIN_DB)
        .map(|i| bus.get(i))
        .collect();
    let mut points = Vec::new();
    plugin.shared.history.copy_recent(usize::MAX, &mut points);
    (values, points)
}

#[test]
fn preview_off_output_is_bit_identical_to_the_bare_limiter() {
    let input = tone(2 * 48_000, 0.5);
    let mut plugin = activated(false, PlatformChoice::YouTube);
    let out = render(&mut plugin, &input, 333);

    // The dsp-core limiter alone, with the same settings, as the plugin ran before Preview.
    let mut bare = LookaheadLimiter::new();
    let settings = plugin.params.settings();
    assert_eq!(settings.input_gain_db, INPUT_GAIN_NORMALIZED_DB);
    bare.set_settings(&settings);
    bare.prepare(&ProcessSpec::new(FS, SUB_BLOCK_FRAMES, 2));
    bare.reset();
    let mut expected = [input.clone(), input.clone()];
    let [l, r] = &mut expected;
    for (l, r) in l
        .chunks_mut(SUB_BLOCK_FRAMES)
        .zip(r.chunks_mut(SUB_BLOCK_FRAMES))
    {
        bare.process(&mut [&mut *l, &mut *r]);
        flush_subnormals(l);
        flush_subnormals(r);
    }
    assert!(out[0] == expected[0] && out[1] == expected[1]);
    assert_eq!(plugin.limiter.latency_samples(), bare.latency_samples());
}

#[test]
fn preview_on_leaves_the_meters_alone_and_plays_at_the_platform_gain() {
    let input = tone(6 * 48_000, 0.5);
    let mut off = activated(false, PlatformChoice::YouTube);
    let out_off = render(&mut off, &input, 333);
    let mut on = activated(true, PlatformChoice::YouTube);
    let out_on = render(&mut on, &input, 333);
    assert_eq!(readings(&off), readings(&on));
    assert_eq!(on.limiter.latency_samples(), off.limiter.latency_samples());
    assert_eq!(on.preview.latency_samples(), 0);

    // YouTube written out independently: −14 LUFS, turned down only.
    let integrated = on.loudness.integrated_lufs();
    assert_eq!(integrated, off.loudness.integrated_lufs());
    let expected_db = (-14.0 - integrated).min(0.0);
    assert!(expected_db < -6.0, "a loud master: {integrated} LUFS");
    let mut worst_db = 0.0f64;
    for n in 5 * 48_000..6 * 48_000 {
        if out_off[0][n].abs() > 0.05 {
            let ratio = f64::from(out_on[0][n]) / f64::from(out_off[0][n]);
            worst_db = worst_db.max((20.0 * ratio.log10() - expected_db).abs());
        }
    }
    println!("settled gain error {worst_db:.5} dB (expected {expected_db:.3} dB)");
    assert!(worst_db < 0.01, "settled gain off by {worst_db} dB");
    assert!((f64::from(on.shared.bus.get(slot::PREVIEW_GAIN_DB)) - expected_db).abs() < 0.01);
}

#[test]
fn toggling_preview_ramps_without_a_click() {
    let input = tone(4 * 48_000, 0.5);
    let mut off = activated(false, PlatformChoice::YouTube);
    let reference = render(&mut off, &input, 256);
    let mut plugin = activated(false, PlatformChoice::YouTube);
    let switch_at = 2 * 48_000;
    let off_at = 3 * 48_000;
    let mut out = [input.clone(), input.clone()];
    let [l, r] = &mut out;
    for (k, (l, r)) in l.chunks_mut(256).zip(r.chunks_mut(256)).enumerate() {
        let on = (switch_at..off_at).contains(&(k * 256));
        set_preview(&plugin, on, PlatformChoice::YouTube);
        render_block(&mut plugin, l, r);
    }
    let gain_db = plugin.preview.platform_gain_db();
    let g = 10f64.powf(gain_db / 20.0);
    let allowed_step = (1.0 - g).abs() / (PREVIEW_RAMP_MS * 1e-3 * FS);
    let largest_step = ui_kit::test_support::largest_gain_step_per_sample(
        &out[0],
        &reference[0],
        switch_at - 4_800,
        0.1,
    );
    println!(
        "gain {gain_db:.3} dB: largest gain step {largest_step:.3e}/sample, ramp allows {allowed_step:.3e}"
    );
    assert!(
        largest_step > 0.5 * allowed_step,
        "the preview did not switch"
    );
    assert!(largest_step <= allowed_step * 1.01 + 1e-6, "click");
    let tail = off_at + 4_800;
    assert_eq!(&out[0][tail..], &reference[0][tail..]);
}

#[test]
fn non_finite_input_never_makes_the_gain_non_finite() {
    for platform in [PlatformChoice::AppleMusic, PlatformChoice::EbuR128] {
        let mut plugin = activated(true, platform);
        let mut input = tone(48_000, 0.1);
        input[100] = f32::NAN;
        input[200] = f32::INFINITY;
        input[300] = f32::NEG_INFINITY;
        input.extend(tone(2 * 48_000, 0.1));
        render(&mut plugin, &input, 480);
        assert!(plugin.preview.current_gain().is_finite());
        assert!(plugin.preview.platform_gain_db().is_finite());
        assert!(plugin.shared.bus.get(slot::PREVIEW_GAIN_DB).is_finite());
    }
}

#[test]
fn preview_processing_is_allocation_free() {
    let mut plugin = activated(true, PlatformChoice::AppleMusic);
    let mut l = tone(48_000, 0.5);
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
            render_block(&mut plugin, l, r);
        }
        plugin.reset_meters();
        plugin.preview.reset();
    });
}
