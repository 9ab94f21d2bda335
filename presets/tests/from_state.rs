//! The reverse hand-over: `.vstpreset` files of [`vernis_presets::chain`] read back by
//! [`vernis_presets::from_state`] give the chain they were written from (with the pre-gain in
//! the Output Gain of the stage before the limiter), which renders the same samples; presets are
//! put in signal order, and foreign, duplicate and broken presets are refused. No plugin needed
//! (the plugin-side checks are in `plugin_settings_*.rs`).

use dsp_core::chain::{ChainSettings, MasteringChain, Stage};
use dsp_core::dynamics::{
    BandDetector, BandDirection, LimiterSettings, LimiterStyle, MultibandSettings, Oversampling,
};
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase};
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};
use dsp_core::filter::CrossoverMode;
use dsp_core::{ProcessSpec, Processor};
use vernis_presets::chain::{chain_presets, fold_pre_gain};
use vernis_presets::from_state::{chain_from_presets, ChainFromPresets};
use vernis_presets::{plugins, PluginStateBuilder, PresetError, VstPreset};

const RATE: f64 = 48_000.0;

/// An assistant-like corrective EQ: a low cut and dynamic bells (f32-exact values, as the
/// assistant writes them).
fn assistant_eq(phase: EqPhase) -> DynamicEqSettings {
    let mut s = DynamicEqSettings {
        phase,
        ..DynamicEqSettings::default()
    };
    s.bands[0] = EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape: EqShape::LowCut,
            frequency_hz: 30.0,
            gain_db: 0.0,
            q: f64::from(0.707f32),
            slope: CutSlope::Db24,
        },
        ..EqBandSettings::default()
    };
    for (k, (hz, thr, range)) in [(280.0f32, -34.5f32, -4.0f32), (7_000.0, -38.5, -5.0)]
        .into_iter()
        .enumerate()
    {
        s.bands[k + 1] = EqBandSettings {
            used: true,
            filter: EqShapeSettings {
                shape: EqShape::Bell,
                frequency_hz: f64::from(hz),
                gain_db: 0.0,
                q: f64::from(2.5f32),
                slope: CutSlope::Db12,
            },
            dynamics: EqDynamicsSettings {
                enabled: true,
                threshold_db: thr,
                ratio: 3.0,
                range_db: range,
                attack_ms: 5.0,
                release_ms: 120.0,
                knee_db: 6.0,
                detector: BandDetector::Rms,
                ..EqDynamicsSettings::default()
            },
            ..EqBandSettings::default()
        };
    }
    s.bands[3].used = true;
    s.bands[3].filter.shape = EqShape::HighShelf;
    s.bands[3].filter.frequency_hz = 9_000.0;
    s.bands[3].filter.gain_db = f64::from(1.75f32);
    s
}

/// A gentle multiband of `bands` bands with some control in the low mids.
fn multiband(bands: usize, mode: CrossoverMode) -> MultibandSettings {
    let mut m = MultibandSettings {
        bands,
        mode,
        ..MultibandSettings::default()
    };
    m.band[1].threshold_db = -28.0;
    m.band[1].ratio = 2.0;
    m.band[1].attack_ms = 15.0;
    m.band[bands - 1].direction = BandDirection::CompressUp;
    m.band[bands - 1].range_db = 3.0;
    m
}

fn limiter(style: LimiterStyle, input_gain_db: f32) -> LimiterSettings {
    LimiterSettings {
        input_gain_db,
        ceiling_dbtp: -1.0,
        style,
        oversampling: Oversampling::ALL[style as usize % Oversampling::ALL.len()],
        ..LimiterSettings::default()
    }
}

/// The chains of the round trip: every stage at its defaults, and assistant-like chains.
fn chains() -> Vec<ChainSettings> {
    let mut out = vec![
        ChainSettings {
            eq: Some(DynamicEqSettings::default()),
            multiband: Some(MultibandSettings::default()),
            limiter: Some(LimiterSettings::default()),
            pre_gain_db: 0.0,
        },
        ChainSettings {
            limiter: Some(LimiterSettings::default()),
            ..ChainSettings::default()
        },
    ];
    for (n, style) in LimiterStyle::ALL.into_iter().enumerate() {
        let phase = EqPhase::ALL[n % 2];
        let mode = CrossoverMode::ALL[n % CrossoverMode::ALL.len()];
        out.push(ChainSettings {
            eq: Some(assistant_eq(phase)),
            multiband: Some(multiband(3 + n % 2, mode)),
            pre_gain_db: [0.0, -2.125, -0.5, 0.0][n],
            limiter: Some(limiter(style, [3.5, 0.0, 0.0, 1.25][n])),
        });
    }
    // No multiband: the pre-gain rides in the EQ's Output Gain.
    out.push(ChainSettings {
        eq: Some(assistant_eq(EqPhase::LinearPhase)),
        multiband: None,
        pre_gain_db: -3.0,
        limiter: Some(limiter(LimiterStyle::Safe, 0.0)),
    });
    out
}

/// The presets as files would hold them: written to bytes and parsed back.
fn through_files(chain: &ChainSettings) -> Vec<VstPreset> {
    chain_presets(chain)
        .unwrap()
        .into_iter()
        .map(|(_, p)| VstPreset::from_bytes(&p.to_bytes().unwrap()).unwrap())
        .collect()
}

/// The chain with its pre-gain moved into the stage in front of it, as the presets carry it.
fn folded(chain: &ChainSettings) -> ChainSettings {
    let (eq, multiband) = fold_pre_gain(chain).unwrap();
    ChainSettings {
        eq,
        multiband,
        pre_gain_db: 0.0,
        limiter: chain.limiter,
    }
}

/// A short stereo test signal: a tone sweep, a low thump and noise, peaking near 0 dBFS.
fn signal(frames: usize) -> Vec<Vec<f32>> {
    let mut x = 0x1234_5678_u32;
    let mut noise = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as f32 / u32::MAX as f32 - 0.5
    };
    (0..2)
        .map(|c| {
            (0..frames)
                .map(|i| {
                    let t = i as f64 / RATE;
                    let sweep = (2.0 * std::f64::consts::PI * (200.0 + 3_000.0 * t) * t).sin();
                    let thump = if (i / 12_000) % 2 == 0 {
                        (2.0 * std::f64::consts::PI * 60.0 * t).sin()
                    } else {
                        0.0
                    };
                    (0.45 * sweep + 0.4 * thump) as f32 + 0.2 * noise() * (c as f32 + 1.0)
                })
                .collect()
        })
        .collect()
}

/// `input` through the dsp-core chain with `settings`, in 512-frame blocks.
fn render(settings: ChainSettings, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let mut chain = MasteringChain::new(settings);
    chain.prepare(&ProcessSpec::new(RATE, 512, input.len()));
    chain.reset();
    let mut out = input.to_vec();
    let frames = out[0].len();
    for start in (0..frames).step_by(512) {
        let end = (start + 512).min(frames);
        let mut views: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[start..end]).collect();
        chain.process(&mut views);
    }
    out
}

#[test]
fn presets_give_back_the_chain_they_were_written_from() {
    for chain in chains() {
        let back = chain_from_presets(&through_files(&chain)).unwrap();
        assert_eq!(back, folded(&chain), "{chain:?}");
        assert_eq!(back.pre_gain_db, 0.0);
        if chain.pre_gain_db == 0.0 {
            assert_eq!(back, chain);
        }
    }
}

#[test]
fn the_chain_from_presets_renders_the_original_exactly() {
    let input = signal(36_000);
    let mut rendered = 0;
    for chain in chains().into_iter().filter(|c| c.pre_gain_db != 0.0) {
        let back = chain_from_presets(&through_files(&chain)).unwrap();
        let (a, b) = (render(chain, &input), render(back, &input));
        let max_diff = a
            .iter()
            .zip(&b)
            .flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()))
            .fold(0.0f32, f32::max);
        let identical = a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()));
        println!(
            "pre-gain {} dB: max difference {max_diff} over {} frames",
            chain.pre_gain_db,
            input[0].len()
        );
        assert!(
            identical,
            "pre-gain {}: max diff {max_diff}",
            chain.pre_gain_db
        );
        rendered += 1;
    }
    assert_eq!(rendered, 3);
}

#[test]
fn stages_land_in_signal_order_whatever_the_order_of_the_presets() {
    let chain = &chains()[3];
    let mut presets = through_files(chain);
    presets.reverse();
    assert_eq!(chain_from_presets(&presets).unwrap(), folded(chain));
    let mut builder = ChainFromPresets::new();
    let stages: Vec<Stage> = presets.iter().map(|p| builder.add(p).unwrap()).collect();
    assert_eq!(stages, [Stage::Limiter, Stage::Multiband, Stage::Eq]);
    assert_eq!(builder.chain(), folded(chain));
    // A single stage: the others are left out.
    let only = chain_from_presets(&presets[..1]).unwrap();
    assert_eq!(
        only,
        ChainSettings {
            limiter: chain.limiter,
            ..ChainSettings::default()
        }
    );
    assert_eq!(chain_from_presets(&[]).unwrap(), ChainSettings::default());
}

#[test]
fn foreign_duplicate_and_broken_presets_are_refused() {
    let presets = through_files(&chains()[0]);
    let twice = [presets[2].clone(), presets[0].clone(), presets[2].clone()];
    let err = chain_from_presets(&twice).unwrap_err();
    assert_eq!(err, PresetError::DuplicatePlugin("Vernis Limiter"));
    assert_eq!(
        err.to_string(),
        "a second preset for Vernis Limiter: the chain takes at most one preset per plugin"
    );

    let state = PluginStateBuilder::new(plugins::VERSION).build().unwrap();
    let meter = VstPreset::from_plugin_state(plugins::LOUDNESS.vst3_class_id, &state).unwrap();
    let err = chain_from_presets(&[meter]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("Vernis Loudness") && text.contains("5665726E69734C6F75646E6573734D31"),
        "{text}"
    );
    let other = VstPreset::from_plugin_state(*b"SomeoneElsesComp", &state).unwrap();
    let text = chain_from_presets(&[other]).unwrap_err().to_string();
    assert_eq!(
        text,
        "preset is for an unknown plugin (class id 536F6D656F6E65456C736573436F6D70); the \
         chain takes presets of Vernis Dynamic EQ, Vernis Multiband and Vernis Limiter"
    );
    assert!(!text.contains('\n'));

    let mut corrupt = presets[1].clone();
    corrupt.component_state = b"{\"version\":\"0.1.0\",\"params\":{".to_vec();
    let err = chain_from_presets(&[corrupt]).unwrap_err();
    assert!(matches!(err, PresetError::InvalidState(_)), "{err:?}");
}

#[test]
fn the_juce_fixture_gives_its_ceiling() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/limiter-ceiling-4-juce.vstpreset");
    let preset = VstPreset::read(&path).unwrap();
    let chain = chain_from_presets(&[preset]).unwrap();
    let limiter = chain.limiter.expect("a limiter");
    assert_eq!(limiter.ceiling_dbtp, -4.0);
    println!("{limiter:?}");
    assert_eq!(
        (chain.eq, chain.multiband, chain.pre_gain_db),
        (None, None, 0.0)
    );
}
