//! The direct check of the chain states: the Dynamic EQ's own parameters, loaded from the state the
//! way nice-plug 0.4.2 loads one (`wrapper::state::deserialize_object`: plain values set as they
//! are, enums by variant id), give back through the plugin's `settings()` exactly the dsp-core
//! settings the state was built from. No bundle or host needed.

#[path = "common/load.rs"]
mod load;

use dsp_core::dynamics::{BandChannel, BandDetector, BandSidechain};
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase, EqTrigger};
use dsp_core::filter::eq_shape::{CutSlope, EqShape};
use vernis_presets::chain::eq_state;

use load::load;

fn eq_settings(phase: EqPhase) -> DynamicEqSettings {
    let mut s = DynamicEqSettings {
        phase,
        output_gain_db: -3.25,
        ..DynamicEqSettings::default()
    };
    for (i, band) in s.bands.iter_mut().enumerate().take(9) {
        *band = EqBandSettings {
            used: i != 7,
            placement: BandChannel::ALL[i % BandChannel::ALL.len()],
            solo: i == 8,
            ..EqBandSettings::default()
        };
        band.filter.shape = EqShape::ALL[i];
        band.filter.frequency_hz = f64::from(40.0f32 * 2.1f32.powi(i as i32));
        band.filter.gain_db = f64::from(i as f32 * 0.75 - 3.0);
        band.filter.q = f64::from(0.3f32 + 0.45 * i as f32);
        band.filter.slope = CutSlope::ALL[i % CutSlope::ALL.len()];
        band.dynamics = EqDynamicsSettings {
            enabled: i % 2 == 1,
            threshold_db: -10.0 - 5.0 * i as f32,
            ratio: 1.0 + 2.5 * i as f32,
            range_db: if i % 3 == 0 { 4.0 } else { -8.5 },
            attack_ms: 0.5 + i as f32,
            release_ms: 30.0 + 70.0 * i as f32,
            knee_db: 1.5 * i as f32,
            trigger: EqTrigger::ALL[i % 2],
            detector: BandDetector::ALL[(i / 2) % 2],
            sidechain: BandSidechain::ALL[(i / 3) % 2],
            ..EqDynamicsSettings::default()
        };
    }
    s
}

#[test]
fn dynamic_eq_settings_come_back_exactly() {
    for phase in EqPhase::ALL {
        let settings = eq_settings(phase);
        let params = dynamic_eq::DynamicEqParams::default();
        load(&params, &eq_state(&settings).unwrap());
        assert_eq!(params.settings(), settings);
    }
    // Bypassed: every band's flag, and the output gain at 0 dB as the plugin forces it.
    let mut settings = eq_settings(EqPhase::ZeroLatency);
    settings.output_gain_db = 0.0;
    for band in &mut settings.bands {
        band.bypass = true;
    }
    let params = dynamic_eq::DynamicEqParams::default();
    load(&params, &eq_state(&settings).unwrap());
    assert_eq!(params.settings(), settings);
}
