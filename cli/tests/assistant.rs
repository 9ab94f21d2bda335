//! End-to-end tests of `vernis master` with the assistant: its moves in the report with their
//! reasons, the user's settings replacing a stage's proposal, the tonal match to a reference of
//! another rate and channel count, and bad references refused with a clear message.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const FS: u32 = 48_000;

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn moves(r: &Value) -> Vec<(String, String, String)> {
    r["assistant"]["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = |k: &str| m[k].as_str().unwrap().to_string();
            (text("stage"), text("action"), text("reason"))
        })
        .collect()
}

#[test]
fn the_report_lists_every_move_with_its_reason() {
    let dir = TempDir::new("assistant-report");
    let demo = demo_wav(&dir);
    let json = dir.path("r.json");
    let stdout = run_ok(&[
        "master",
        s(&demo),
        s(&dir.path("m.wav")),
        "--report",
        s(&json),
    ]);
    let r = report(&json);
    let moves = moves(&r);
    assert!(moves.len() >= 2, "{moves:?}");
    for (stage, action, reason) in &moves {
        assert!(
            ["eq", "multiband", "limiter"].contains(&stage.as_str()),
            "{stage}"
        );
        assert!(!action.is_empty() && !reason.is_empty());
        // Every move is in the text report too, with its reason.
        assert!(
            stdout.contains(action.as_str()) && stdout.contains(reason.as_str()),
            "{stdout}"
        );
    }
    assert_eq!(moves.last().unwrap().0, "limiter");
    // Each stage with moves is in the chain's settings (the render_args reproduce it: see
    // master.rs's determinism test, which runs with the assistant).
    let settings = r["settings"].as_object().unwrap();
    for (stage, _, _) in &moves {
        if stage != "limiter" {
            assert!(
                settings.contains_key(stage.as_str()),
                "{stage}: {settings:?}"
            );
        }
    }
    assert!(r["assistant"]["reference"].is_null());
    assert!(r["within_tolerance"].as_bool().unwrap());

    // The analysis before and after: the master's integrated loudness as the assistant measures
    // it equals the report's output reading (to the rounding), its spectra have the input's
    // bands, and without a reference there is no reference analysis.
    let analysis = &r["assistant"]["analysis"];
    let (input, master) = (&analysis["input"], &analysis["master"]);
    let lufs = |a: &Value| a["loudness"]["integrated_lufs"].as_f64().unwrap();
    assert!(
        (lufs(master) - r["output"]["integrated_lufs"].as_f64().unwrap()).abs() < 0.01,
        "{} vs {}",
        master["loudness"],
        r["output"]
    );
    assert!((lufs(input) - r["input"]["integrated_lufs"].as_f64().unwrap()).abs() < 0.01);
    for key in ["mid_db", "side_db", "centres_hz"] {
        let n = input["tonal_balance"][key].as_array().unwrap().len();
        assert!(n > 40, "{key}: {n}");
        assert_eq!(master["tonal_balance"][key].as_array().unwrap().len(), n);
    }
    assert!(!input["bands"]["bands"].as_array().unwrap().is_empty());
    assert!(input["problems"].is_object() && input["checks"].is_object());
    assert!(analysis.get("reference").is_none());
}

#[test]
fn settings_given_replace_the_proposal_and_off_leaves_the_limiter_alone() {
    let dir = TempDir::new("assistant-override");
    let demo = demo_wav(&dir);
    let json = dir.path("r.json");
    run_ok(&[
        "master",
        s(&demo),
        s(&dir.path("m.wav")),
        "--report",
        s(&json),
        "--set",
        "eq.band1.frequency_hz=100",
        "--style",
        "safe",
    ]);
    let r = report(&json);
    let overridden = r["assistant"]["overridden"].as_array().unwrap();
    assert!(
        overridden.contains(&Value::from("eq"))
            && overridden.contains(&Value::from("limiter style"))
    );
    assert!(moves(&r)
        .iter()
        .all(|(stage, _, _)| stage != "eq" && stage != "limiter"));
    assert_eq!(r["settings"]["style"], "safe");
    run_ok(&[
        "master",
        s(&demo),
        s(&dir.path("o.wav")),
        "--report",
        s(&json),
        "--assistant",
        "off",
    ]);
    let r = report(&json);
    assert!(r.get("assistant").is_none());
    assert!(r["settings"].get("eq").is_none() && r["settings"].get("multiband").is_none());
}

#[test]
fn a_reference_of_another_rate_and_width_is_matched() {
    let dir = TempDir::new("assistant-reference");
    let demo = demo_wav(&dir);
    // A darker reference: the demo through a −6 dB high shelf, then as mono at 44.1 kHz.
    let dark = dir.path("dark.wav");
    run_ok(&[
        "render",
        s(&demo),
        s(&dark),
        "--set",
        "eq.band1.enabled=on",
        "--set",
        "eq.band1.shape=high-shelf",
        "--set",
        "eq.band1.frequency_hz=3000",
        "--set",
        "eq.band1.gain_db=-6",
    ]);
    let (_, dark_audio) = read_wav(&dark);
    let mono: Vec<f32> = dark_audio[0]
        .iter()
        .zip(&dark_audio[1])
        .map(|(a, b)| 0.5 * (a + b))
        .collect();
    // 44.1 kHz by dropping to every 48/44.1 sample position (nearest): fine for tonal balance.
    let resampled: Vec<f32> = (0..(mono.len() as f64 * 44_100.0 / 48_000.0) as usize)
        .map(|i| mono[((i as f64 * 48_000.0 / 44_100.0) as usize).min(mono.len() - 1)])
        .collect();
    let reference = dir.path("reference.wav");
    write_wav(&reference, &[resampled], 44_100, Encoding::Float32);
    let json = dir.path("r.json");
    run_ok(&[
        "master",
        s(&demo),
        s(&dir.path("m.wav")),
        "--reference",
        s(&reference),
        "--report",
        s(&json),
    ]);
    let r = report(&json);
    assert_eq!(r["assistant"]["reference"], s(&reference));
    let measured = &r["assistant"]["analysis"]["reference"];
    assert_eq!(measured["channels"], 1);
    assert_eq!(measured["sample_rate_hz"], 44_100.0);
    let matched: Vec<_> = moves(&r)
        .into_iter()
        .filter(|(_, _, reason)| reason.contains("tonal match"))
        .collect();
    assert!(!matched.is_empty(), "{:?}", moves(&r));
    // A mono reference has no side to match; the mid gets a high-shelf cut.
    assert!(
        matched
            .iter()
            .all(|(_, action, _)| action.starts_with("mid ")),
        "{matched:?}"
    );
    assert!(
        matched
            .iter()
            .any(|(_, a, _)| a.starts_with("mid high shelf") && a.contains(" -")),
        "{matched:?}"
    );
}

#[test]
fn bad_references_are_refused_with_a_clear_message() {
    let dir = TempDir::new("assistant-bad-reference");
    let demo = demo_wav(&dir);
    let silent = dir.path("silent.wav");
    write_wav(
        &silent,
        &vec![vec![0.0; 5 * FS as usize]; 2],
        FS,
        Encoding::Int16,
    );
    let short = dir.path("short.wav");
    write_wav(&short, &[sine(FS, 1000.0, -20.0, 1.0)], FS, Encoding::Int16);
    let missing = dir.path("missing.wav");
    let cases = [
        (&silent, "silent"),
        (&short, "at least 3 s"),
        (&missing, "missing.wav"),
    ];
    for (reference, expected) in cases {
        let out = vernis(&[
            "master",
            s(&demo),
            s(&dir.path("m.wav")),
            "--reference",
            s(reference),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{reference:?}");
        assert!(
            stderr.contains("--reference") && stderr.contains(expected),
            "{stderr}"
        );
        assert!(!dir.path("m.wav").exists(), "nothing is left behind");
    }
    for (path, _) in bad_inputs(&dir) {
        let out = vernis(&[
            "master",
            s(&demo),
            s(&dir.path("m.wav")),
            "--reference",
            s(&path),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("--reference"),
            "{path:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn presets_are_written_for_every_plugin_of_the_chain() {
    let dir = TempDir::new("assistant-presets");
    let demo = demo_wav(&dir);
    let presets = dir.path("presets");
    let stdout = run_ok(&[
        "master",
        s(&demo),
        s(&dir.path("m.wav")),
        "--presets",
        s(&presets),
    ]);
    use vernis_presets::plugins::{DYNAMIC_EQ, LIMITER, MULTIBAND};
    for (file, plugin) in [
        ("dynamic-eq.vstpreset", DYNAMIC_EQ),
        ("multiband.vstpreset", MULTIBAND),
        ("limiter.vstpreset", LIMITER),
    ] {
        let path = presets.join(file);
        assert!(stdout.contains(s(&path)), "{stdout}");
        let preset = vernis_presets::vstpreset::VstPreset::read(&path).expect("a preset");
        assert_eq!(preset.class_id, plugin.vst3_class_id, "{file}");
        let state = preset.plugin_state().expect("a nice-plug state");
        assert_eq!(state.version, plugin.version, "{file}");
    }
    // The limiter's preset holds the drive the search found.
    let limiter = vernis_presets::vstpreset::VstPreset::read(&presets.join("limiter.vstpreset"))
        .unwrap()
        .plugin_state()
        .unwrap();
    assert!(!limiter.params.is_empty());
}
