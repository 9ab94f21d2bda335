//! Unit tests of the plugin glue: parameters → settings, defaults, state, metering (the DSP has
//! its own tests in dsp-core).

use super::*;
use crate::params::{
    default_frequency_hz, repair_state, BandParams, Detector, Placement, Sidechain, Slope, Trigger,
};
use dsp_core::dynamics::{BandChannel, BandDetector};
use dsp_core::eq::{EqBandSettings, EqTrigger};
use dsp_core::filter::eq_shape::{CutSlope, EqShape};
use nice_plug::params::InternalParamMut;
use nice_plug::plugin::ParamValue;
use std::collections::BTreeMap;

/// Sets a parameter to a normalized value, as a host does.
fn set_normalized(ptr: ParamPtr, normalized: f32) {
    // SAFETY: every pointer used here comes from a params object alive for the whole test.
    unsafe {
        ptr._internal_set_normalized_value(normalized);
    }
}

fn ptr_of(params: &DynamicEqParams, id: &str) -> ParamPtr {
    params
        .param_map()
        .into_iter()
        .find(|(i, _, _)| i == id)
        .unwrap_or_else(|| panic!("no parameter {id}"))
        .1
}

/// What nice-plug saves: plain values by string id, enums by variant id, persisted fields.
fn save_state(params: &DynamicEqParams) -> String {
    let mut values = BTreeMap::new();
    for (id, ptr, _) in params.param_map() {
        // SAFETY: `ptr` points into `params`.
        let value = unsafe {
            match ptr {
                ParamPtr::FloatParam(p) => ParamValue::F32((*p).unmodulated_plain_value()),
                ParamPtr::IntParam(p) => ParamValue::I32((*p).unmodulated_plain_value()),
                ParamPtr::BoolParam(p) => ParamValue::Bool((*p).unmodulated_plain_value()),
                ParamPtr::EnumParam(p) => {
                    ParamValue::String((*p).unmodulated_plain_id().unwrap().to_owned())
                }
            }
        };
        values.insert(id, value);
    }
    let state = PluginState {
        version: "test".into(),
        params: values,
        fields: params.serialize_fields(),
    };
    serde_json::to_string(&state).unwrap()
}

/// What nice-plug does on load: parse, `filter_state`, then set each value it knows.
fn load_state(params: &DynamicEqParams, json: &str) {
    let mut state: PluginState = serde_json::from_str(json).unwrap();
    VernisDynamicEq::filter_state(&mut state);
    let map: BTreeMap<String, ParamPtr> = params
        .param_map()
        .into_iter()
        .map(|(id, ptr, _)| (id, ptr))
        .collect();
    for (id, value) in &state.params {
        let Some(ptr) = map.get(id) else { continue };
        // SAFETY: `ptr` points into `params`.
        unsafe {
            match (*ptr, value) {
                (ParamPtr::FloatParam(p), ParamValue::F32(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::IntParam(p), ParamValue::I32(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::BoolParam(p), ParamValue::Bool(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::EnumParam(p), ParamValue::I32(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::EnumParam(p), ParamValue::String(v)) => {
                    assert!((*p).set_from_id(v), "{id}: unknown variant {v}");
                }
                (_, v) => panic!("{id}: unreadable {v:?} after filter_state"),
            }
        }
    }
    params.deserialize_fields(&state.fields);
}

#[test]
fn ids_names_and_count() {
    let params = DynamicEqParams::default();
    let map = params.param_map();
    assert_eq!(map.len(), 3 + 18 * MAX_EQ_BANDS);
    let ids: Vec<&str> = map.iter().map(|(id, _, _)| id.as_str()).collect();
    let unique: std::collections::HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    for id in [
        "phase", "out_gain", "bypass", "b1_on", "b1_freq", "b3_freq", "b24_solo", "b12_thr",
        "b7_trig",
    ] {
        assert!(ids.contains(&id), "{id} missing");
    }
    let b3 = &params.bands[2];
    // SAFETY: the pointers point into `params`.
    let name = |id: &str| unsafe { ptr_of(&params, id).name().to_owned() };
    assert_eq!(name("b3_freq"), "Band 3 Frequency");
    assert_eq!(name("b24_range"), "Band 24 Range");
    assert_eq!(name("out_gain"), "Output Gain");
    assert_eq!(b3.frequency.unit(), " Hz");
    assert_eq!(b3.attack.unit(), " ms");
    assert_eq!(b3.q.unit(), "");
    assert!(params.globals.bypass.flags().contains(ParamFlags::BYPASS));
    assert_eq!(name("phase"), "Phase");
    assert_eq!(map[3].2, "Band 1");
    assert_eq!(map.last().unwrap().2, "Band 24");
    // Ranges and defaults of the issue.
    assert_eq!(b3.frequency.preview_plain(0.0), 10.0);
    assert_eq!(b3.frequency.preview_plain(1.0), 30_000.0);
    assert_eq!(b3.q.preview_plain(0.0), 0.025);
    assert_eq!(b3.q.preview_plain(1.0), 40.0);
    assert!((b3.q.preview_normalized(1.0) - 0.5).abs() < 0.05);
    assert_eq!(b3.gain.preview_plain(0.0), -30.0);
    assert_eq!(b3.threshold.preview_plain(0.0), -80.0);
    assert_eq!(b3.ratio.preview_plain(1.0), 100.0);
    assert_eq!(b3.range.preview_plain(0.0), -30.0);
    assert_eq!(b3.attack.preview_plain(0.0), 0.1);
    assert_eq!(b3.release.preview_plain(1.0), 5000.0);
    assert_eq!(b3.knee.preview_plain(1.0), 24.0);
    assert_eq!(params.globals.output_gain.preview_plain(0.0), -24.0);
    let text = |p: &FloatParam, v: f32| p.normalized_value_to_string(p.preview_normalized(v), true);
    assert_eq!(text(&b3.gain, -3.0), "-3.00 dB");
    assert_eq!(text(&b3.frequency, 1000.0), "1000.0 Hz");
    assert_eq!(text(&b3.q, 0.7), "0.700");
    assert_eq!(b3.slope.to_string(), "12 dB/oct");
}

#[test]
fn defaults_are_the_issue_defaults() {
    let params = DynamicEqParams::default();
    let s = params.settings();
    assert_eq!(s.output_gain_db, 0.0);
    for (b, band) in s.bands.iter().enumerate() {
        let want = EqBandSettings {
            filter: dsp_core::filter::eq_shape::EqShapeSettings {
                frequency_hz: f64::from(default_frequency_hz(b + 1)),
                ..EqBandSettings::default().filter
            },
            ..EqBandSettings::default()
        };
        assert_eq!(*band, want, "band {}", b + 1);
        assert!(!band.used && !band.dynamics.enabled);
        assert_eq!(band.filter.q, 1.0);
        assert_eq!(band.filter.slope, CutSlope::Db12);
        assert_eq!(band.dynamics.ratio, 4.0);
        assert_eq!(band.dynamics.threshold_db, -20.0);
        assert_eq!(band.dynamics.range_db, -6.0);
        assert_eq!(
            (band.dynamics.attack_ms, band.dynamics.release_ms),
            (10.0, 150.0)
        );
    }
    assert_eq!(params.first_free_band(), Some(0));
}

#[test]
fn default_frequencies_spread_log_and_ascend() {
    let f: Vec<f32> = (1..=MAX_EQ_BANDS).map(default_frequency_hz).collect();
    assert_eq!(f[0], 20.0);
    assert_eq!(f[MAX_EQ_BANDS - 1], 20_000.0);
    let step = (1000.0f32).powf(1.0 / 23.0);
    for w in f.windows(2) {
        assert!(w[1] > w[0], "{f:?}");
        let ratio = w[1] / w[0];
        assert!((ratio / step - 1.0).abs() < 0.03, "ratio {ratio} in {f:?}");
    }
    let params = DynamicEqParams::default();
    for (b, band) in params.bands.iter().enumerate() {
        assert_eq!(band.frequency.value(), f[b]);
        assert_eq!(band.frequency.default_plain_value(), f[b]);
    }
}

#[test]
fn every_value_and_choice_maps_onto_the_settings() {
    let params = DynamicEqParams::default();
    let k = 5; // band 6
    let band: &BandParams = &params.bands[k];
    let id = |what: &str| format!("b{}_{what}", k + 1);
    let set = |what: &str, plain: f32| {
        let ptr = ptr_of(&params, &id(what));
        // SAFETY: into `params`.
        let n = unsafe { ptr.preview_normalized(plain) };
        set_normalized(ptr, n);
    };
    set("on", 1.0);
    set("freq", 2500.0);
    set("gain", -4.5);
    set("q", 2.0);
    set("dyn", 1.0);
    set("thr", -33.0);
    set("ratio", 8.0);
    set("range", 9.0);
    set("att", 3.0);
    set("rel", 400.0);
    set("knee", 6.0);
    set("solo", 1.0);
    let s = params.settings().bands[k];
    assert!(s.used && s.dynamics.enabled && s.solo && !s.bypass);
    assert!((s.filter.frequency_hz - 2500.0).abs() < 0.01);
    assert!((s.filter.gain_db + 4.5).abs() < 1e-4);
    assert!((s.filter.q - 2.0).abs() < 1e-4);
    let d = s.dynamics;
    for (got, want) in [
        (d.threshold_db, -33.0),
        (d.ratio, 8.0),
        (d.range_db, 9.0),
        (d.attack_ms, 3.0),
        (d.release_ms, 400.0),
        (d.knee_db, 6.0),
    ] {
        assert!(
            (got - want).abs() < 1e-3 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }
    assert!(!d.split_detector);
    // Other bands untouched.
    assert!(!params.settings().bands[k + 1].used);

    // Every choice of every enum.
    let choose = |what: &str, i: usize, n: usize| {
        set_normalized(ptr_of(&params, &id(what)), i as f32 / (n - 1) as f32);
    };
    for (i, shape) in EqShape::ALL.iter().enumerate() {
        choose("shape", i, EqShape::ALL.len());
        assert_eq!(params.settings().bands[k].filter.shape, *shape);
        assert_eq!(band.shape.value().to_dsp(), *shape);
    }
    for (i, slope) in CutSlope::ALL.iter().enumerate() {
        choose("slope", i, CutSlope::ALL.len());
        assert_eq!(params.settings().bands[k].filter.slope, *slope);
        assert_eq!(band.slope.value(), Slope::from_index(i));
    }
    let placements = [
        BandChannel::Stereo,
        BandChannel::Left,
        BandChannel::Right,
        BandChannel::Mid,
        BandChannel::Side,
    ];
    assert_eq!(
        Placement::variants(),
        ["Stereo", "Left", "Right", "Mid", "Side"]
    );
    for (i, placement) in placements.iter().enumerate() {
        choose("place", i, placements.len());
        assert_eq!(params.settings().bands[k].placement, *placement);
    }
    for (i, det) in BandDetector::ALL.iter().enumerate() {
        choose("det", i, 2);
        assert_eq!(params.settings().bands[k].dynamics.detector, *det);
        assert_eq!(band.detector.value(), Detector::from_index(i));
    }
    for (i, trig) in EqTrigger::ALL.iter().enumerate() {
        choose("trig", i, 2);
        assert_eq!(params.settings().bands[k].dynamics.trigger, *trig);
        assert_eq!(band.trigger.value(), Trigger::from_index(i));
    }
    for (i, sc) in BandSidechain::ALL.iter().enumerate() {
        choose("sc", i, 2);
        assert_eq!(params.settings().bands[k].dynamics.sidechain, *sc);
        assert_eq!(band.sidechain.value(), Sidechain::from_index(i));
    }
    assert_eq!(
        Shape::variants(),
        [
            "Bell",
            "Low Shelf",
            "High Shelf",
            "Low Cut",
            "High Cut",
            "Notch",
            "Band Pass",
            "Tilt Shelf",
            "All Pass"
        ]
    );

    // Output gain, and the host bypass: every band bypassed, output at 0 dB.
    set_normalized(
        ptr_of(&params, "out_gain"),
        params.globals.output_gain.preview_normalized(-6.0),
    );
    assert!((params.settings().output_gain_db + 6.0).abs() < 1e-4);
    set_normalized(ptr_of(&params, "bypass"), 1.0);
    let s = params.settings();
    assert_eq!(s.output_gain_db, 0.0);
    assert!(s.bands.iter().all(|b| b.bypass));
    assert!(s.bands[k].used, "bypass keeps the bands' own settings");
    assert_eq!(params.first_free_band(), Some(0));
}

use crate::params::Shape;

#[test]
fn state_round_trip_with_24_bands() {
    let a = DynamicEqParams::default();
    // A different value for every parameter of every band.
    for (i, (id, ptr, _)) in a.param_map().into_iter().enumerate() {
        if id == "bypass" {
            continue;
        }
        // SAFETY: into `a`.
        let steps = unsafe { ptr.step_count() };
        let n = match steps {
            Some(steps) => ((i % (steps + 1)) as f32 / steps as f32).max(1.0 / steps as f32),
            None => 0.05 + 0.9 * ((i * 37) % 100) as f32 / 100.0,
        };
        set_normalized(ptr, n);
    }
    if let Ok(mut size) = a.globals.editor_size.write() {
        *size = ui_kit::EditorSize::new(1234.0, 777.0);
    }
    let saved = save_state(&a);
    let b = DynamicEqParams::default();
    load_state(&b, &saved);
    assert_eq!(a.settings(), b.settings());
    assert_eq!(save_state(&b), saved);
    assert!(b.settings().bands.iter().all(|band| band.used));
    assert_eq!(
        *b.globals.editor_size.read().unwrap(),
        ui_kit::EditorSize::new(1234.0, 777.0)
    );
    // Loading the defaults back restores them.
    load_state(&b, &save_state(&DynamicEqParams::default()));
    assert_eq!(b.settings(), DynamicEqParams::default().settings());
}

#[test]
fn unreadable_values_fall_back_to_their_defaults() {
    let a = DynamicEqParams::default();
    set_normalized(ptr_of(&a, "b2_on"), 1.0);
    set_normalized(ptr_of(&a, "b2_gain"), 0.9);
    set_normalized(ptr_of(&a, "b2_freq"), 0.9);
    set_normalized(ptr_of(&a, "b2_shape"), 1.0);
    let mut state: PluginState = serde_json::from_str(&save_state(&a)).unwrap();
    state
        .params
        .insert("b2_gain".into(), ParamValue::String("loud".into()));
    state
        .params
        .insert("b2_shape".into(), ParamValue::String("wobble".into()));
    state.params.remove("b2_q");
    state.params.insert("b2_on".into(), ParamValue::F32(1.0));
    let mut repaired = state.clone_for_test();
    let repair = repair_state(&mut repaired);
    assert_eq!(repair.unreadable, ["b2_on", "b2_shape", "b2_gain"]);
    assert_eq!(repair.missing, ["b2_q"]);

    let b = DynamicEqParams::default();
    load_state(&b, &serde_json::to_string(&state.clone_for_test()).unwrap());
    let band = &b.bands[1];
    assert!(!band.enabled.value());
    assert_eq!(band.shape.value(), Shape::Bell);
    assert_eq!(band.gain.value(), 0.0);
    assert_eq!(band.q.value(), 1.0);
    // What was readable is kept.
    assert_eq!(band.frequency.value(), a.bands[1].frequency.value());
    // A readable state is left alone.
    let mut fine: PluginState = serde_json::from_str(&save_state(&a)).unwrap();
    assert!(repair_state(&mut fine).is_empty());
}

trait CloneForTest {
    fn clone_for_test(&self) -> Self;
}

impl CloneForTest for PluginState {
    fn clone_for_test(&self) -> Self {
        serde_json::from_str(&serde_json::to_string(self).unwrap()).unwrap()
    }
}

fn sine(frames: usize, sample_rate_hz: f64, amplitude: f32) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            amplitude
                * (2.0 * std::f64::consts::PI * 997.0 * n as f64 / sample_rate_hz).sin() as f32
        })
        .collect()
}

#[test]
fn readings_are_published_only_while_the_editor_is_open() {
    let fs = 44_100.0;
    let mut plugin = VernisDynamicEq::default();
    // Band 1: a dynamic bell at 1 kHz that cuts a loud sine.
    let p = plugin.params.clone();
    set_normalized(ptr_of(&p, "b1_on"), 1.0);
    set_normalized(ptr_of(&p, "b1_dyn"), 1.0);
    set_normalized(
        ptr_of(&p, "b1_freq"),
        p.bands[0].frequency.preview_normalized(1000.0),
    );
    plugin.prepare(fs, 2);
    let signal = sine(44_100, fs, 0.5);
    let (mut left, mut right) = (signal.clone(), signal.clone());
    plugin.run(&mut [&mut left, &mut right], None);
    assert_eq!(plugin.shared.input.total_written(), 0);
    assert_eq!(plugin.shared.bus.get(slot::GAIN_DB), 0.0);

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
    assert_eq!(plugin.shared.input.total_written(), 44_100);
    assert_eq!(plugin.shared.output.total_written(), 44_100);
    assert_eq!(plugin.shared.bus.get(slot::SAMPLE_RATE_HZ), 44_100.0);
    let level = plugin.shared.bus.get(slot::LEVEL_DB);
    let gain = plugin.shared.bus.get(slot::GAIN_DB);
    assert!(level > -20.0, "level {level}");
    assert!((-6.01..-1.0).contains(&gain), "offset {gain}");
    // Unused bands read silence and no offset.
    assert_eq!(plugin.shared.bus.get(slot::GAIN_DB + 3), 0.0);
    assert!(left.iter().all(|x| x.is_finite()));
    // No band listens to the sidechain: its analyser tap stays empty...
    assert_eq!(plugin.shared.sidechain.total_written(), 0);
    // ...until one does.
    let mut settings = plugin.params.settings();
    settings.bands[0].dynamics.sidechain = BandSidechain::External;
    plugin.apply_settings(&settings, true);
    let key = sine(1000, fs, 0.5);
    plugin.run(
        &mut [&mut left[..1000], &mut right[..1000]],
        Some(&[&key[..], &key[..]]),
    );
    assert_eq!(plugin.shared.sidechain.total_written(), 1000);
}

#[test]
fn defaults_pass_the_input_untouched() {
    let mut plugin = VernisDynamicEq::default();
    plugin.prepare(48_000.0, 2);
    let signal = sine(4_800, 48_000.0, 0.5);
    let (mut left, mut right) = (signal.clone(), signal.clone());
    plugin.run(&mut [&mut left, &mut right], None);
    assert_eq!(left, signal);
    assert_eq!(right, signal);
}

#[test]
fn sidechain_is_used_only_when_a_dynamic_band_listens_to_it() {
    let mut plugin = VernisDynamicEq::default();
    plugin.prepare(48_000.0, 1);
    assert!(!plugin.uses_sidechain());
    let mut settings = plugin.params.settings();
    settings.bands[3].dynamics.sidechain = BandSidechain::External;
    plugin.apply_settings(&settings, true);
    // Band 4 is not in use.
    assert!(!plugin.uses_sidechain());
    settings.bands[3].used = true;
    plugin.apply_settings(&settings, true);
    assert!(!plugin.uses_sidechain(), "static band");
    settings.bands[3].dynamics.enabled = true;
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
    assert_eq!(port_channels(2, &[&[0.0][..]]), 1);
}

#[test]
fn host_bypass_fades_every_band_out_to_the_untouched_input() {
    let fs = 48_000.0;
    let mut plugin = VernisDynamicEq::default();
    let p = plugin.params.clone();
    for (id, plain) in [("b1_on", 1.0), ("b1_gain", 12.0), ("out_gain", -6.0)] {
        let ptr = ptr_of(&p, id);
        // SAFETY: into `p`.
        let n = unsafe { ptr.preview_normalized(plain) };
        set_normalized(ptr, n);
    }
    plugin.prepare(fs, 2);
    let signal = sine(48_000, fs, 0.25);
    let run = |plugin: &mut VernisDynamicEq| {
        let (mut left, mut right) = (signal.clone(), signal.clone());
        plugin.apply_settings(&plugin.params.settings(), true);
        plugin.run(&mut [&mut left, &mut right], None);
        (left, right)
    };
    let (wet, _) = run(&mut plugin);
    assert_ne!(wet, signal);
    set_normalized(ptr_of(&p, "bypass"), 1.0);
    // The fade (dsp-core's bypass and output-gain ramps) ends well within a second...
    run(&mut plugin);
    // ...after which the input passes bit for bit.
    let (left, right) = run(&mut plugin);
    assert_eq!(left, signal);
    assert_eq!(right, signal);
}

#[test]
fn latency_follows_the_phase_the_way_each_format_allows() {
    use dsp_core::eq::EqPhase;
    use ui_kit::latency::{LatencyReporter, LatencyRequest};
    let fs = 48_000.0;
    let mut plugin = VernisDynamicEq::default();
    plugin.prepare(fs, 2);
    assert_eq!(plugin.eq.latency_samples(), 0);
    plugin.latency = LatencyReporter::new();
    let mut wanted = plugin.params.settings();
    wanted.phase = EqPhase::LinearPhase;
    wanted.output_gain_db = -3.0;
    // CLAP while active: the running phase stays, Output Gain applies, a restart is asked for.
    let request = plugin.apply_settings(&wanted, false);
    assert_eq!(request, LatencyRequest::Restart);
    assert_eq!(plugin.eq.settings().phase, EqPhase::ZeroLatency);
    assert_eq!(plugin.eq.settings().output_gain_db, -3.0);
    assert_eq!(plugin.eq.latency_samples(), 0);
    // VST3: applies at once and is reported.
    let mut vst3 = VernisDynamicEq::default();
    vst3.prepare(fs, 2);
    assert_eq!(
        vst3.apply_settings(&wanted, true),
        LatencyRequest::Report(4607)
    );
    assert_eq!(vst3.eq.latency_samples(), 4607);
    assert_eq!(vst3.shared.bus.get(slot::LATENCY_SAMPLES), 4607.0);
    // The Phase parameter maps onto the setting.
    let ptr = ptr_of(&vst3.params, "phase");
    set_normalized(ptr, 1.0);
    assert_eq!(vst3.params.settings().phase, EqPhase::LinearPhase);
}
