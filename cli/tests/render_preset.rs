//! End-to-end tests of `vernis render --preset`: the presets `vernis master --presets` writes
//! render the master again sample for sample, `--set` keys apply on top of them, and bad preset
//! files are one-line errors with exit status 2.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use vernis_presets::{plugins, PluginStateBuilder, VstPreset};

/// Seconds of the demo programme the tests master (short, so they run fast).
const SECONDS: usize = 8;

/// Masters `demo` to `lufs` with `--presets` into `dir`; the master (32-bit float), its report
/// and the preset files, in the order `master` wrote them.
fn master_with_presets(dir: &TempDir, demo: &Path, lufs: &str) -> (PathBuf, Value, Vec<PathBuf>) {
    let master = dir.path(&format!("master{lufs}.wav"));
    let report = dir.path(&format!("report{lufs}.json"));
    let presets = dir.path(&format!("presets{lufs}"));
    run_ok(&[
        "master",
        s(demo),
        s(&master),
        "--lufs",
        lufs,
        "--format",
        "wav32f",
        "--report",
        s(&report),
        "--presets",
        s(&presets),
    ]);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let files = ["dynamic-eq", "multiband", "limiter"]
        .iter()
        .map(|name| presets.join(format!("{name}.vstpreset")))
        .filter(|p| p.exists())
        .collect();
    (master, report, files)
}

/// Runs `vernis render IN OUT --format wav32f` with `extra` arguments and reads OUT back.
fn render(input: &Path, output: &Path, extra: &[String]) -> Vec<Vec<f32>> {
    let mut args = vec![
        "render".to_string(),
        s(input).into(),
        s(output).into(),
        "--format".into(),
        "wav32f".into(),
    ];
    args.extend(extra.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(&args);
    read_wav(output).1
}

fn preset_args(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| ["--preset".to_string(), s(f).to_string()])
        .collect()
}

/// The largest sample difference, and whether every sample is bit for bit the same.
fn compare(a: &[Vec<f32>], b: &[Vec<f32>]) -> (f32, bool) {
    assert_eq!(a.len(), b.len(), "channel count");
    let mut max = 0.0f32;
    let mut same = true;
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.len(), y.len(), "length");
        for (p, q) in x.iter().zip(y) {
            max = max.max((p - q).abs());
            same &= p.to_bits() == q.to_bits();
        }
    }
    (max, same)
}

/// The limiter's Input Gain and the pre-gain (report `render_args`) of a master.
fn drives(report: &Value) -> (f64, f64) {
    let args: Vec<&str> = report["render_args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let pre_gain = args[1].parse().unwrap();
    let input_gain = args
        .iter()
        .find_map(|a| a.strip_prefix("limiter.input_gain_db="))
        .unwrap()
        .parse()
        .unwrap();
    (input_gain, pre_gain)
}

#[test]
fn the_masters_presets_render_the_master_exactly() {
    let dir = TempDir::new("render-preset-master");
    let demo = demo_wav_seconds(&dir, SECONDS);
    // A loud target drives the limiter's Input Gain; a quiet one needs a pre-gain, which the
    // presets carry in the multiband's Output Gain.
    for lufs in ["-14", "-30"] {
        let (master, report, files) = master_with_presets(&dir, &demo, lufs);
        // The assistant's chain on the demo has all three stages.
        assert_eq!(files.len(), 3, "{files:?}");
        let expected = read_wav(&master).1;
        let (input_gain, pre_gain) = drives(&report);
        if lufs == "-30" {
            assert!(
                pre_gain < 0.0 && input_gain == 0.0,
                "{pre_gain} {input_gain}"
            );
        } else {
            assert!(
                pre_gain == 0.0 && input_gain > 0.0,
                "{pre_gain} {input_gain}"
            );
        }

        // Given in reverse order: the stages still run eq -> multiband -> limiter.
        let mut reversed = files.clone();
        reversed.reverse();
        let out = dir.path("from-presets.wav");
        let rendered = render(&demo, &out, &preset_args(&reversed));
        let (max, same) = compare(&expected, &rendered);
        println!(
            "{lufs} LUFS (limiter input gain {input_gain} dB, pre-gain {pre_gain} dB): presets vs \
             master: max difference {max} over {} frames x {} channels",
            expected[0].len(),
            expected.len(),
        );
        assert!(same, "max difference {max}");
        assert_eq!(expected[0].len(), SECONDS * 48_000);
    }
}

#[test]
fn set_keys_apply_on_top_of_the_presets() {
    let dir = TempDir::new("render-preset-set");
    let demo = demo_wav_seconds(&dir, SECONDS);
    let (_, report, files) = master_with_presets(&dir, &demo, "-30");
    let overrides = [
        "--set".to_string(),
        "limiter.ceiling_dbtp=-3".into(),
        "--set".into(),
        "multiband.band1.ratio=2".into(),
    ];
    let mut with_presets = preset_args(&files);
    with_presets.extend(overrides.iter().cloned());
    let a = render(&demo, &dir.path("a.wav"), &with_presets);
    // The same chain from the master's render_args (without their --format), the same keys
    // after them (a later --set wins).
    let mut with_args: Vec<String> = Vec::new();
    let mut given = report["render_args"].as_array().unwrap().iter();
    while let Some(arg) = given.next() {
        if arg == "--format" {
            given.next();
        } else {
            with_args.push(arg.as_str().unwrap().to_string());
        }
    }
    with_args.extend(overrides.iter().cloned());
    let b = render(&demo, &dir.path("b.wav"), &with_args);
    let (max, same) = compare(&a, &b);
    println!(
        "presets + --set vs render_args + --set: max difference {max} over {} frames",
        a[0].len()
    );
    assert!(same, "max difference {max}");
    let (_, true_peak) = measure(&a, 48_000);
    assert!(true_peak <= -2.95, "{true_peak}");

    // --pre-gain still applies on top of the presets.
    let mut quieter = preset_args(&files);
    quieter.extend(["--pre-gain".to_string(), "-6".into()]);
    let c = render(&demo, &dir.path("c.wav"), &quieter);
    assert!(!compare(&a, &c).1);
}

#[test]
fn a_single_preset_puts_only_its_plugin_in_the_chain() {
    let dir = TempDir::new("render-preset-single");
    let demo = demo_wav_seconds(&dir, 3);
    let state = PluginStateBuilder::new(plugins::VERSION)
        .param("ceiling", -4.0)
        .build()
        .unwrap();
    let preset = dir.path("limiter.vstpreset");
    VstPreset::from_plugin_state(plugins::LIMITER.vst3_class_id, &state)
        .unwrap()
        .write(&preset)
        .unwrap();
    let out = dir.path("out.wav");
    let stdout = run_ok(&[
        "render",
        s(&demo),
        s(&out),
        "--preset",
        s(&preset),
        "--format",
        "wav32f",
    ]);
    assert!(
        stdout.contains("pre-gain +0.000 dB -> limiter input gain +0.000 dB, ceiling -4 dBTP"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("eq ") && !stdout.contains("multiband"),
        "{stdout}"
    );
    // The same as the limiter set by key (every other setting at its default).
    let by_key = render(
        &demo,
        &dir.path("by-key.wav"),
        &["--set".into(), "limiter.ceiling_dbtp=-4".into()],
    );
    assert!(compare(&read_wav(&out).1, &by_key).1);
}

#[test]
fn bad_preset_files_are_one_line_errors_with_exit_status_2() {
    let dir = TempDir::new("render-preset-errors");
    let demo = demo_wav_seconds(&dir, 1);
    let state = PluginStateBuilder::new(plugins::VERSION).build().unwrap();
    let write = |name: &str, class_id: [u8; 16], component: Option<&[u8]>| {
        let path = dir.path(name);
        let mut preset = VstPreset::from_plugin_state(class_id, &state).unwrap();
        if let Some(bytes) = component {
            preset.component_state = bytes.to_vec();
        }
        preset.write(&path).unwrap();
        path
    };
    let limiter = write("limiter.vstpreset", plugins::LIMITER.vst3_class_id, None);
    let corrupt = write(
        "corrupt.vstpreset",
        plugins::MULTIBAND.vst3_class_id,
        Some(b"{\"version\":\"0.1.0\",\"params\":{\"mix\":"),
    );
    let meter = write("meter.vstpreset", plugins::LOUDNESS.vst3_class_id, None);
    let other = write("other.vstpreset", *b"SomeoneElsesComp", None);
    let text = dir.path("notes.vstpreset");
    std::fs::write(&text, "not a preset\n").unwrap();
    let missing = dir.path("missing.vstpreset");

    let cases: Vec<(Vec<&Path>, &Path, &str)> = vec![
        (vec![&missing], &missing, "cannot read"),
        (vec![&text], &text, "not a .vstpreset file"),
        (vec![&limiter, &corrupt], &corrupt, "invalid plugin state"),
        (
            vec![&meter],
            &meter,
            "preset is for Vernis Loudness (class id 5665726E69734C6F75646E6573734D31)",
        ),
        (
            vec![&other],
            &other,
            "unknown plugin (class id 536F6D656F6E65456C736573436F6D70)",
        ),
        (
            vec![&limiter, &limiter],
            &limiter,
            "a second preset for Vernis Limiter",
        ),
    ];
    for (files, culprit, words) in cases {
        let out = dir.path("out.wav");
        let mut args = vec!["render", s(&demo), s(&out)];
        for f in &files {
            args.extend(["--preset", s(f)]);
        }
        let result = vernis(&args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{files:?}: {stderr}");
        let lines = lines(&result.stderr);
        assert_eq!(lines.len(), 1, "{stderr}");
        let prefix = format!("vernis: --preset {}: ", s(culprit));
        assert!(
            lines[0].starts_with(&prefix) && lines[0].contains(words),
            "{files:?}: {stderr}"
        );
        assert!(!out.exists(), "nothing is written");
        println!("{}", lines[0]);
    }
}
