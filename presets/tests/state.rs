//! nice-plug's state JSON: its exact shape, the builder, the reader, the two format framings, and
//! the plugin ids against the plugins' sources.

use std::path::Path;

use vernis_presets::{
    plugins, ParamValue, PluginState, PluginStateBuilder, PresetError, VstPreset,
};

/// The shape of ui-kit's `EditorSize`, a persisted field of every editor.
#[derive(serde::Serialize)]
struct EditorSize {
    width: f32,
    height: f32,
}

#[test]
fn builder_writes_nice_plugs_exact_json() {
    let state = PluginStateBuilder::new("0.1.0")
        .param("style", "punchy")
        .param("ceiling", -3.0)
        .param("dc_filter", true)
        .param("bands", 4)
        .param("release", 250.5f32)
        .field(
            "editor-size",
            &EditorSize {
                width: 760.0,
                height: 520.0,
            },
        )
        .field("target", "spotify")
        .build()
        .unwrap();
    let json = String::from_utf8(state.to_json().unwrap()).unwrap();
    // Members in struct order, map keys sorted (BTreeMap), values externally tagged in snake
    // case, persisted fields as JSON text inside a JSON string.
    assert_eq!(
        json,
        concat!(
            r#"{"version":"0.1.0","params":{"bands":{"i32":4},"ceiling":{"f32":-3.0},"#,
            r#""dc_filter":{"bool":true},"release":{"f32":250.5},"style":{"string":"punchy"}},"#,
            r#""fields":{"editor-size":"{\"width\":760.0,\"height\":520.0}","target":"\"spotify\""}}"#
        )
    );
    assert_eq!(PluginState::from_json(json.as_bytes()).unwrap(), state);
}

#[test]
fn reader_returns_the_pairs() {
    let pairs = vec![
        ("a".to_string(), ParamValue::F32(0.1)),
        ("b".to_string(), ParamValue::I32(-7)),
        ("c".to_string(), ParamValue::Bool(false)),
        ("d".to_string(), ParamValue::String("16-bit-shaped".into())),
    ];
    let state = PluginStateBuilder::new("9.9.9")
        .params(pairs.clone())
        .build()
        .unwrap();
    let read =
        PluginState::from_vst3_component_state(&state.to_vst3_component_state().unwrap()).unwrap();
    assert_eq!(read.param_pairs(), pairs);
    assert_eq!(read.version, "9.9.9");
    assert_eq!(read.param("b"), Some(&ParamValue::I32(-7)));
    // f32 values survive bit for bit (serde_json prints the shortest exact decimal).
    for v in [
        0.1f32,
        -1.0e-7,
        1.0 / 3.0,
        f32::MAX,
        f32::MIN_POSITIVE,
        -0.0,
    ] {
        let s = PluginStateBuilder::new("").param("x", v).build().unwrap();
        let back = PluginState::from_json(&s.to_json().unwrap()).unwrap();
        match back.param("x") {
            Some(ParamValue::F32(b)) => assert_eq!(b.to_bits(), v.to_bits(), "{v}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn fields_decode() {
    let state = PluginStateBuilder::new("1")
        .field("target", "apple-music")
        .raw_field("raw", "[1,2]")
        .build()
        .unwrap();
    assert_eq!(
        state.field::<String>("target").unwrap().unwrap(),
        "apple-music"
    );
    assert_eq!(state.field::<Vec<u8>>("raw").unwrap().unwrap(), vec![1, 2]);
    assert!(state.field::<String>("missing").is_none());
    assert!(matches!(
        state.field::<u32>("target"),
        Some(Err(PresetError::Field { .. }))
    ));
}

#[test]
fn builder_rejects_what_nice_plug_could_not_load() {
    let err = PluginStateBuilder::new("1")
        .param("x", f32::NAN)
        .build()
        .unwrap_err();
    assert_eq!(err, PresetError::NonFiniteValue { id: "x".into() });
    let err = PluginStateBuilder::new("1")
        .param("x", 1)
        .param("x", 2)
        .build()
        .unwrap_err();
    assert_eq!(err, PresetError::DuplicateParam("x".into()));
    let mut state = PluginState::default();
    state
        .params
        .insert("y".into(), ParamValue::F32(f32::INFINITY));
    assert!(matches!(
        state.to_json(),
        Err(PresetError::NonFiniteValue { .. })
    ));
}

#[test]
fn clap_and_vst3_framing() {
    let state = PluginStateBuilder::new("0.1.0")
        .param("ceiling", -1.5)
        .build()
        .unwrap();
    let json = state.to_vst3_component_state().unwrap();
    assert_eq!(json[0], b'{', "the VST3 component state is the bare JSON");
    let clap = state.to_clap_state().unwrap();
    assert_eq!(clap[..8], (json.len() as u64).to_le_bytes());
    assert_eq!(clap[8..], json[..]);
    assert_eq!(PluginState::from_clap_state(&clap).unwrap(), state);

    let err = PluginState::from_vst3_component_state(&clap).unwrap_err();
    assert!(err.to_string().contains("CLAP state"), "{err}");
    assert!(matches!(
        PluginState::from_clap_state(&json),
        Err(PresetError::StateLength { .. } | PresetError::Truncated { .. })
    ));
    assert!(matches!(
        PluginState::from_clap_state(&clap[..clap.len() - 1]),
        Err(PresetError::StateLength { .. })
    ));
    assert!(matches!(
        PluginState::from_json(&[0x28, 0xB5, 0x2F, 0xFD, 0]),
        Err(PresetError::CompressedState)
    ));
    for bad in [
        &b""[..],
        b"{",
        b"[]",
        b"{\"params\":{}}",
        b"{\"params\":{\"a\":{\"f64\":1}},\"fields\":{}}",
    ] {
        assert!(matches!(
            PluginState::from_json(bad),
            Err(PresetError::InvalidState(_))
        ));
    }
    // `version` may be missing (very old states); nice-plug accepts that too.
    let old = PluginState::from_json(br#"{"params":{},"fields":{}}"#).unwrap();
    assert_eq!(old.version, "");
}

#[test]
fn vstpreset_carries_the_state() {
    let state = PluginStateBuilder::new(plugins::LIMITER.version)
        .param("ceiling", -3.0)
        .build()
        .unwrap();
    let preset = VstPreset::from_plugin_state(plugins::LIMITER.vst3_class_id, &state).unwrap();
    assert_eq!(preset.controller_state, None);
    assert_eq!(preset.component_state, state.to_json().unwrap());
    let bytes = preset.to_bytes().unwrap();
    assert_eq!(&bytes[8..40], b"5665726E69734C696D69746572545031");
    assert_eq!(
        VstPreset::from_bytes(&bytes)
            .unwrap()
            .plugin_state()
            .unwrap(),
        state
    );
}

/// The constants in `plugins` against the `CLAP_ID`, `VST3_CLASS_ID` and `NAME` lines of each
/// plugin's lib.rs, and the version every plugin takes from the workspace.
#[test]
fn plugin_ids_match_the_plugin_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for (info, dir) in
        plugins::ALL
            .iter()
            .zip(["loudness-meter", "limiter", "multiband", "dynamic-eq"])
    {
        let src =
            std::fs::read_to_string(root.join("plugins").join(dir).join("src/lib.rs")).unwrap();
        let class_id = std::str::from_utf8(&info.vst3_class_id).unwrap();
        for needle in [
            format!("const NAME: &'static str = \"{}\";", info.name),
            format!("const CLAP_ID: &'static str = \"{}\";", info.clap_id),
            format!("const VST3_CLASS_ID: [u8; 16] = *b\"{class_id}\";"),
            "const VERSION: &'static str = env!(\"CARGO_PKG_VERSION\");".to_string(),
        ] {
            assert!(
                src.contains(&needle),
                "plugins/{dir}/src/lib.rs lacks `{needle}`"
            );
        }
        let manifest =
            std::fs::read_to_string(root.join("plugins").join(dir).join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("version.workspace = true"),
            "{dir} has its own version"
        );
    }
}
