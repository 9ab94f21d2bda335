//! The direct check of the chain states: the Multiband's own parameters, loaded from the state the
//! way nice-plug 0.4.2 loads one (`wrapper::state::deserialize_object`: plain values set as they
//! are, enums by variant id), give back through the plugin's `settings()` exactly the dsp-core
//! settings the state was built from. No bundle or host needed.

#[path = "common/load.rs"]
mod load;

use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain, MultibandSettings,
};
use dsp_core::filter::{CrossoverMode, CrossoverSlope};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use vernis_presets::chain::multiband_state;
use vernis_presets::from_state::multiband_settings;
use vernis_presets::PluginStateBuilder;

use load::{load, load_like_nice_plug, random_state};

/// `state` as the multiband's `filter_state` leaves it.
fn filtered(state: &vernis_presets::PluginState) -> vernis_presets::PluginState {
    load::filtered(state, |s| {
        multiband::params::repair_state(s);
    })
}

#[test]
fn multiband_settings_come_back_exactly() {
    for (n, mode) in CrossoverMode::ALL.into_iter().enumerate() {
        let band = |i: usize| BandSettings {
            direction: BandDirection::ALL[(i + n) % 4],
            threshold_db: -12.0 - 6.0 * i as f32,
            ratio: 1.25 + 3.0 * i as f32,
            knee_db: 3.0 * i as f32,
            attack_ms: 0.05 + 4.0 * i as f32,
            release_ms: 20.0 + 90.0 * i as f32,
            range_db: 3.0 + 7.0 * i as f32,
            makeup_db: 2.0 - 1.5 * i as f32,
            detector: BandDetector::ALL[(i + 1) % 2],
            channel: BandChannel::ALL[(i + n) % 5],
            sidechain: BandSidechain::ALL[i / 3],
            transient_db: 4.0 - 1.75 * i as f32,
            solo: i == 2,
            mute: i == 4,
            bypass: i == 5,
        };
        let settings = MultibandSettings {
            bands: 2 + 2 * n,
            crossovers_hz: [75.0, 250.0, 900.0, 3_300.0, 9_500.0],
            mode,
            slope: CrossoverSlope::ALL[n % 2],
            lookahead_ms: 1.5 * n as f32,
            mix_percent: 100.0 - 15.0 * n as f32,
            output_gain_db: -2.5 + 2.0 * n as f32,
            auto_makeup: n == 1,
            band: std::array::from_fn(band),
            bypass: n == 2,
        };
        let params = multiband::MultibandParams::default();
        let state = multiband_state(&settings).unwrap();
        load(&params, &state);
        assert_eq!(params.settings(), settings);
        assert_eq!(
            multiband_settings(&state).unwrap(),
            settings,
            "reverse mapping"
        );
    }
}

/// Any state (missing, unknown, wrong-kind and out-of-range values, band counts -3..8, enums by
/// id or index) gives through `from_state::multiband_settings` what a fresh plugin's
/// `settings()` gives once nice-plug has loaded it.
#[test]
fn any_state_reads_as_a_fresh_multiband_loads_it() {
    let mut rng = SmallRng::seed_from_u64(0x22);
    for _ in 0..300 {
        let state = random_state(&multiband::MultibandParams::default(), &mut rng);
        let params = multiband::MultibandParams::default();
        load_like_nice_plug(&params, &filtered(&state));
        assert_eq!(
            multiband_settings(&state).unwrap(),
            params.settings(),
            "{state:?}"
        );
    }
    // A few parameters: the rest at their defaults, the band count clamped as the plugin does.
    let state = PluginStateBuilder::new("0.1.0")
        .param("bands", 9)
        .param("b2_thr", -31.5)
        .param("mode", "linear-phase")
        .build()
        .unwrap();
    let mut expected = MultibandSettings {
        bands: 6,
        mode: CrossoverMode::LinearPhase,
        ..MultibandSettings::default()
    };
    expected.band[1].threshold_db = -31.5;
    assert_eq!(multiband_settings(&state).unwrap(), expected);
    let params = multiband::MultibandParams::default();
    load_like_nice_plug(&params, &filtered(&state));
    assert_eq!(params.settings(), expected);
    let state = PluginStateBuilder::new("0.1.0")
        .param("mix", f32::INFINITY)
        .build();
    // The builder refuses it; a parsed overflowing literal reads as the default, as the
    // plugin's `filter_state` makes it, and so does an enum index outside the choices.
    assert!(state.is_err());
    let parsed = vernis_presets::PluginState::from_json(
        br#"{"version":"0.1.0","params":{"mix":{"f32":1e39},"mode":{"i32":7},"b2_dir":{"i32":-1},"lookahead":{"f32":3.0}},"fields":{}}"#,
    )
    .unwrap();
    let expected = MultibandSettings {
        lookahead_ms: 3.0,
        ..MultibandSettings::default()
    };
    assert_eq!(multiband_settings(&parsed).unwrap(), expected);
    let params = multiband::MultibandParams::default();
    load_like_nice_plug(&params, &filtered(&parsed));
    assert_eq!(params.settings(), expected);
}
