//! The chain hand-over: [`vernis_presets::chain`] states loaded into the built plugins (through
//! clack-host, like `clap_host.rs`; needs the `.clap` bundles from `cargo xtask bundle-all`).
//! Each plugin takes its state as its own (saves back the same values), and the three plugins in
//! series, loaded from the states of one `ChainSettings`, give the dsp-core chain's output bit
//! for bit.

use dsp_core::chain::ChainSettings;
use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain, Dither, LimiterSettings,
    LimiterStyle, MultibandSettings, Oversampling,
};
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase, EqTrigger};
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};
use dsp_core::filter::{CrossoverMode, CrossoverSlope};
use host_tests::chain_identity::{assert_identical, render_chain};
use host_tests::{cases, signal, AudioConfig, PluginHost};
use vernis_presets::chain::{chain_states, eq_state, limiter_state, multiband_state};
use vernis_presets::{PluginState, PresetError};

const RATE: f64 = 48_000.0;
const MAX_BLOCK: u32 = 1024;

/// An `f32` value as the `f64` the EQ settings hold (exactly representable).
fn f(x: f32) -> f64 {
    f64::from(x)
}

fn band(shape: EqShape, hz: f32, gain: f32, q: f32, placement: BandChannel) -> EqBandSettings {
    EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape,
            frequency_hz: f(hz),
            gain_db: f(gain),
            q: f(q),
            slope: CutSlope::ALL[1],
        },
        placement,
        ..EqBandSettings::default()
    }
}

/// Five used bands of varied shapes, placements and dynamics, plus an unused band with
/// non-default values.
fn eq_settings(phase: EqPhase, output_gain_db: f32) -> DynamicEqSettings {
    let mut s = DynamicEqSettings {
        phase,
        output_gain_db,
        ..DynamicEqSettings::default()
    };
    let mut low_cut = band(EqShape::LowCut, 32.5, 0.0, 0.8, BandChannel::Stereo);
    low_cut.filter.slope = CutSlope::ALL[3];
    s.bands[0] = low_cut;
    let mut mud = band(EqShape::Bell, 280.0, -1.25, 1.2, BandChannel::Mid);
    mud.dynamics = EqDynamicsSettings {
        enabled: true,
        threshold_db: -30.0,
        ratio: 3.0,
        range_db: -5.5,
        attack_ms: 5.0,
        release_ms: 120.0,
        knee_db: 6.0,
        detector: BandDetector::Rms,
        ..EqDynamicsSettings::default()
    };
    s.bands[1] = mud;
    s.bands[2] = band(EqShape::HighShelf, 9_000.0, 2.5, 0.7, BandChannel::Side);
    let mut air = band(EqShape::Bell, 6_500.0, 0.0, 3.0, BandChannel::Left);
    air.dynamics = EqDynamicsSettings {
        enabled: true,
        threshold_db: -40.0,
        ratio: 2.0,
        range_db: 3.0,
        attack_ms: 2.0,
        release_ms: 80.0,
        trigger: EqTrigger::Below,
        ..EqDynamicsSettings::default()
    };
    s.bands[3] = air;
    s.bands[4] = band(EqShape::TiltShelf, 1_000.0, -1.0, 0.7, BandChannel::Right);
    let mut unused = band(EqShape::Notch, 50.0, 0.0, 8.0, BandChannel::Stereo);
    unused.used = false;
    unused.solo = true;
    s.bands[10] = unused;
    s
}

fn multiband_settings(mode: CrossoverMode, output_gain_db: f32) -> MultibandSettings {
    let directions = BandDirection::ALL;
    let band = |i: usize| BandSettings {
        direction: directions[i % directions.len()],
        threshold_db: -20.0 - 4.0 * i as f32,
        ratio: 1.5 + i as f32,
        knee_db: 2.0 * i as f32,
        attack_ms: 1.0 + 3.0 * i as f32,
        release_ms: 60.0 + 40.0 * i as f32,
        range_db: 6.0 + 2.0 * i as f32,
        makeup_db: 0.5 * i as f32 - 1.0,
        detector: BandDetector::ALL[i % 2],
        channel: BandChannel::ALL[i % BandChannel::ALL.len()],
        sidechain: BandSidechain::Internal,
        transient_db: 1.5 * i as f32 - 3.0,
        solo: false,
        mute: false,
        bypass: false,
    };
    MultibandSettings {
        bands: 6,
        crossovers_hz: [90.0, 300.0, 1_200.0, 4_000.0, 11_000.0],
        mode,
        slope: CrossoverSlope::Db48,
        lookahead_ms: 2.5,
        mix_percent: 90.0,
        output_gain_db,
        auto_makeup: false,
        band: std::array::from_fn(band),
        bypass: false,
    }
}

fn limiter_settings(input_gain_db: f32) -> LimiterSettings {
    LimiterSettings {
        input_gain_db,
        ceiling_dbtp: -0.8,
        lookahead_ms: 3.5,
        release_ms: 60.0,
        auto_release: false,
        stereo_link_percent: 75.0,
        style: LimiterStyle::Punchy,
        oversampling: Oversampling::X2,
        unity_gain: false,
        dither: Dither::Off,
        dc_filter: true,
        bypass: false,
    }
}

/// Loads `state` into a fresh instance of `package` and checks that it saves back every value
/// unchanged and that the state held every parameter the plugin has.
fn round_trip(package: &str, state: &PluginState) -> PluginHost {
    let case = cases::find_case(package).expect("known package");
    let mut host = PluginHost::for_case(case).unwrap();
    let count = host.params().unwrap().len();
    assert_eq!(
        state.params.len(),
        count,
        "{package}: every parameter written"
    );
    host.load_state(&state.to_clap_state().unwrap()).unwrap();
    let saved = PluginState::from_clap_state(&host.save_state().unwrap()).unwrap();
    assert_eq!(saved.version, state.version, "{package}: version");
    let differing: Vec<_> = state
        .params
        .iter()
        .filter(|(id, v)| saved.params.get(*id) != Some(v))
        .map(|(id, v)| format!("{id}: wrote {v:?}, saved {:?}", saved.params.get(id)))
        .collect();
    assert!(differing.is_empty(), "{package}:\n{}", differing.join("\n"));
    println!("{package}: {count} parameters saved back unchanged");
    host
}

#[test]
fn dynamic_eq_saves_back_its_state() {
    for phase in EqPhase::ALL {
        round_trip("dynamic-eq", &eq_state(&eq_settings(phase, -0.75)).unwrap());
    }
}

#[test]
fn multiband_saves_back_its_state() {
    for mode in CrossoverMode::ALL {
        let mut s = multiband_settings(mode, 1.25);
        s.bands = 5;
        s.auto_makeup = true;
        s.band[1].solo = true;
        s.band[2].mute = true;
        s.band[3].bypass = true;
        s.band[4].sidechain = BandSidechain::External;
        round_trip("multiband", &multiband_state(&s).unwrap());
    }
}

#[test]
fn limiter_saves_back_its_state() {
    let mut s = limiter_settings(4.5);
    s.unity_gain = true;
    s.dither = Dither::Bits16Shaped;
    s.style = LimiterStyle::Safe;
    round_trip("limiter", &limiter_state(&s).unwrap());
    s.bypass = true;
    s.auto_release = true;
    round_trip("limiter", &limiter_state(&s).unwrap());
}

#[test]
fn settings_without_a_parameter_are_refused() {
    let mut eq = eq_settings(EqPhase::ZeroLatency, 0.0);
    eq.bands[2].filter.frequency_hz = 1000.1;
    let err = eq_state(&eq).unwrap_err();
    assert!(matches!(err, PresetError::Unrepresentable { .. }), "{err}");
    println!("{err}");
    let mut eq = eq_settings(EqPhase::ZeroLatency, 0.0);
    eq.bands[1].dynamics.split_detector = true;
    assert!(eq_state(&eq).is_err());
    eq.bands[1].dynamics.split_detector = false;
    eq.bands[5].bypass = true;
    assert!(eq_state(&eq).is_err());
    let mut m = multiband_settings(CrossoverMode::MinimumPhase, 0.0);
    m.bands = 0;
    assert!(multiband_state(&m).is_err());
    let mut l = limiter_settings(0.0);
    l.input_gain_db = -3.0;
    assert!(limiter_state(&l).is_err());

    // Pre-gain: needs a stage in front of the limiter with 0 dB output gain.
    let chain = ChainSettings {
        pre_gain_db: -2.0,
        limiter: Some(limiter_settings(0.0)),
        ..ChainSettings::default()
    };
    let err = chain_states(&chain).unwrap_err();
    println!("{err}");
    let chain = ChainSettings {
        multiband: Some(multiband_settings(CrossoverMode::MinimumPhase, 1.0)),
        ..chain
    };
    let err = chain_states(&chain).unwrap_err();
    println!("{err}");
    let chain = ChainSettings {
        multiband: Some(multiband_settings(CrossoverMode::MinimumPhase, 0.0)),
        ..chain
    };
    let states = chain_states(&chain).unwrap();
    assert_eq!(
        states[0].1.param("out_gain"),
        Some(&vernis_presets::ParamValue::F32(-2.0))
    );
}

/// `input` through the plugins loaded from `chain`'s states, in series, in blocks of `sizes`;
/// also the sum of the latencies they report.
fn render_plugins(
    chain: &ChainSettings,
    input: &[Vec<f32>],
    sizes: &[usize],
) -> (Vec<Vec<f32>>, u32) {
    let mut signal = input.to_vec();
    let mut latency = 0;
    for (info, state) in chain_states(chain).unwrap() {
        let package = match info.clap_id {
            "audio.vernis.dynamic-eq" => "dynamic-eq",
            "audio.vernis.multiband" => "multiband",
            "audio.vernis.limiter" => "limiter",
            other => panic!("unexpected plugin {other}"),
        };
        let mut host = round_trip(package, &state);
        host.activate(AudioConfig::new(RATE, MAX_BLOCK)).unwrap();
        signal = host.process_signal(&signal, sizes, &[]).unwrap();
        println!("{package}: latency {} samples", host.latency());
        latency += host.latency();
        host.deactivate().unwrap();
    }
    (signal, latency)
}

#[test]
fn plugins_in_series_equal_the_cli_chain() {
    let mut input = dsp_core::demo::demo_programme(RATE);
    for ch in &mut input {
        ch.truncate(6 * RATE as usize);
    }
    assert_eq!(input.len(), 2);
    let noise = signal::noise(2, input[0].len(), 0.05, 3);
    for (ch, n) in input.iter_mut().zip(&noise) {
        for (x, y) in ch.iter_mut().zip(n) {
            *x += y;
        }
    }
    for (label, phase, mode) in [
        (
            "zero latency",
            EqPhase::ZeroLatency,
            CrossoverMode::MinimumPhase,
        ),
        (
            "linear phase",
            EqPhase::LinearPhase,
            CrossoverMode::LinearPhase,
        ),
    ] {
        let chain = ChainSettings {
            eq: Some(eq_settings(phase, -0.5)),
            multiband: Some(multiband_settings(mode, 0.0)),
            pre_gain_db: -1.5,
            limiter: Some(limiter_settings(6.0)),
        };
        let sizes = signal::random_block_sizes(input[0].len(), MAX_BLOCK as usize, 11);
        let (plugins, latency) = render_plugins(&chain, &input, &sizes);
        assert_eq!(latency, chain.latency_samples_for(RATE), "{label}: latency");
        let reference = render_chain(chain, RATE, &input);
        // The pre-gain is carried: without it the chain sounds different.
        let without = ChainSettings {
            pre_gain_db: 0.0,
            ..chain
        };
        assert_ne!(render_chain(without, RATE, &input), plugins, "{label}");
        let max_diff = plugins
            .iter()
            .zip(&reference)
            .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
            .fold(0.0f32, f32::max);
        let peak = reference
            .iter()
            .flatten()
            .fold(0.0f32, |m, x| m.max(x.abs()));
        println!(
            "{label}: latency {} samples, output peak {peak}, max |plugins - chain| {max_diff:e}",
            chain.latency_samples_for(RATE)
        );
        assert!(peak > 0.1, "{label}: the chain produced sound");
        assert_identical(label, &plugins, &reference);
    }
}
