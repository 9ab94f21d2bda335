//! Plugin states back to the CLI's mastering chain: the reverse of [`crate::chain`].
//!
//! [`eq_settings`], [`multiband_settings`] and [`limiter_settings`] give the dsp-core settings a
//! *fresh* instance of Vernis Dynamic EQ, Vernis Multiband or Vernis Limiter has once nice-plug
//! 0.4.2 has loaded the state, that is what its `params.rs` `settings()` then returns. They mirror
//! nice-plug's loader (`wrapper::state::deserialize_object`) and each plugin's mapping:
//!
//! - A parameter missing from the state keeps the fresh instance's value, its default. For the
//!   limiter and the multiband that is `LimiterSettings::default()` / `MultibandSettings::default()`;
//!   the Dynamic EQ's band frequencies start spread over the audible range instead
//!   ([`eq_default_frequency_hz`]), see [`eq_plugin_defaults`].
//! - Ids the plugin does not have are ignored; so are values of the wrong kind (a number for a
//!   switch, say) and enum variant ids the plugin does not know: the parameter keeps its default.
//! - An enum saved by its variant index (`{"i32": n}`, what nice-plug writes for enums without
//!   ids) selects that variant in the plugin's own order; an index outside the variants selects
//!   the default: each plugin's `filter_state` (`ui_kit::state_repair`) replaces it before
//!   nice-plug loads the state (nice-plug 0.4.2 would store it and panic on the next save).
//! - Plain values are not clamped, neither by nice-plug nor by `settings()`, so out-of-range
//!   values are passed on as they are; dsp-core's processors (the same code in the plugin and
//!   in the CLI) then treat them as the plugin does. The one exception is the multiband's band
//!   count, which its `settings()` clamps to 1..=6, and so does [`multiband_settings`].
//! - A non-finite float (JSON has no NaN, but an overflowing literal such as `1e39` reads as
//!   infinity) becomes its default, as the plugins' `filter_state` makes it.
//! - Bypass: the Dynamic EQ's one Bypass sets every band's `bypass` flag and forces the output
//!   gain to 0 dB (its `settings()`); the multiband's and the limiter's map to their settings'
//!   `bypass`, which dsp-core's processors honour as the plugins do.
//!
//! [`ChainFromPresets`] / [`chain_from_presets`] identify each `.vstpreset` by the VST3 class id
//! in its header and put the stages in signal order, eq → multiband → limiter, whatever the order
//! of the presets. The chain's `pre_gain_db` is 0: a pre-gain that [`crate::chain::chain_states`]
//! folded into the Output Gain of the stage before the limiter stays there, which renders the
//! same samples.

use dsp_core::chain::{ChainSettings, Stage};
use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain, Dither, LimiterSettings,
    LimiterStyle, MultibandSettings, Oversampling,
};
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase, EqTrigger};
use dsp_core::filter::crossover_settings::MAX_BANDS;
use dsp_core::filter::eq_shape::{CutSlope, EqShape};
use dsp_core::filter::{CrossoverMode, CrossoverSlope};

use crate::error::PresetError;
use crate::plugins::{self, PluginInfo};
use crate::state::{ParamValue, PluginState};
use crate::vstpreset::VstPreset;

/// Reads parameters of one plugin's state the way nice-plug loads them.
struct Reader<'a> {
    state: &'a PluginState,
}

impl Reader<'_> {
    /// A float parameter; the default when missing, not a float or not finite.
    fn float(&self, id: &str, default: f32) -> f32 {
        match self.state.param(id) {
            Some(ParamValue::F32(v)) if v.is_finite() => *v,
            _ => default,
        }
    }

    /// An int parameter; the default when missing or not an int.
    fn int(&self, id: &str, default: i32) -> i32 {
        match self.state.param(id) {
            Some(ParamValue::I32(v)) => *v,
            _ => default,
        }
    }

    /// A bool parameter; the default when missing or not a bool.
    fn bool(&self, id: &str, default: bool) -> bool {
        match self.state.param(id) {
            Some(ParamValue::Bool(v)) => *v,
            _ => default,
        }
    }

    /// An enum parameter whose variants, in the plugin's order, are `variants` with ids `key`.
    fn choice<T: Copy + PartialEq>(
        &self,
        id: &str,
        variants: &[T],
        key: impl Fn(T) -> String,
        default: T,
    ) -> T {
        match self.state.param(id) {
            Some(ParamValue::String(text)) => variants
                .iter()
                .copied()
                .find(|v| key(*v) == *text)
                .unwrap_or(default),
            Some(ParamValue::I32(index)) => {
                match usize::try_from(*index).ok().and_then(|i| variants.get(i)) {
                    Some(v) => *v,
                    None => default,
                }
            }
            _ => default,
        }
    }
}

/// Default frequency of the Dynamic EQ's band `k` (1-based) in a fresh instance, Hz: spread
/// evenly in octaves from 20 Hz (band 1) to 20 kHz (band 24), rounded to three significant
/// digits (the plugin's `params::default_frequency_hz`, which a test compares this with).
pub fn eq_default_frequency_hz(k: usize) -> f32 {
    let bands = dsp_core::eq::MAX_EQ_BANDS;
    let (lo, hi) = (20.0f64, 20_000.0f64);
    let t = (k.clamp(1, bands) - 1) as f64 / (bands - 1) as f64;
    let hz = lo * (hi / lo).powf(t);
    let scale = 10f64.powi(hz.log10().floor() as i32 - 2);
    ((hz / scale).round() * scale) as f32
}

/// The settings of a fresh Vernis Dynamic EQ: `DynamicEqSettings::default()` with each band's
/// frequency at [`eq_default_frequency_hz`] and its Q as the `f32` parameter holds it.
pub fn eq_plugin_defaults() -> DynamicEqSettings {
    let mut s = DynamicEqSettings::default();
    for (i, band) in s.bands.iter_mut().enumerate() {
        band.filter.frequency_hz = f64::from(eq_default_frequency_hz(i + 1));
        band.filter.gain_db = f64::from(band.filter.gain_db as f32);
        band.filter.q = f64::from(band.filter.q as f32);
    }
    s
}

/// The Dynamic EQ's placement choices in its own (display) order, which is not dsp-core's.
const EQ_PLACEMENTS: [BandChannel; 5] = [
    BandChannel::Stereo,
    BandChannel::Left,
    BandChannel::Right,
    BandChannel::Mid,
    BandChannel::Side,
];

/// What Vernis Dynamic EQ's `settings()` returns once `state` is loaded into a fresh instance
/// (see the module docs for missing, unknown and unreadable values).
pub fn eq_settings(state: &PluginState) -> Result<DynamicEqSettings, PresetError> {
    let r = Reader { state };
    let defaults = eq_plugin_defaults();
    let bypass = r.bool("bypass", false);
    let mut bands = defaults.bands;
    for (i, band) in bands.iter_mut().enumerate() {
        let id = |what: &str| format!("b{}_{what}", i + 1);
        let d: EqBandSettings = *band;
        let dy = d.dynamics;
        let f = d.filter;
        *band = EqBandSettings {
            used: r.bool(&id("on"), d.used),
            filter: dsp_core::filter::eq_shape::EqShapeSettings {
                shape: r.choice(&id("shape"), &EqShape::ALL, |s| s.key().into(), f.shape),
                frequency_hz: f64::from(r.float(&id("freq"), f.frequency_hz as f32)),
                gain_db: f64::from(r.float(&id("gain"), f.gain_db as f32)),
                q: f64::from(r.float(&id("q"), f.q as f32)),
                slope: r.choice(
                    &id("slope"),
                    &CutSlope::ALL,
                    |s| format!("{}", s.db_per_octave()),
                    f.slope,
                ),
            },
            dynamics: EqDynamicsSettings {
                enabled: r.bool(&id("dyn"), dy.enabled),
                threshold_db: r.float(&id("thr"), dy.threshold_db),
                ratio: r.float(&id("ratio"), dy.ratio),
                range_db: r.float(&id("range"), dy.range_db),
                attack_ms: r.float(&id("att"), dy.attack_ms),
                release_ms: r.float(&id("rel"), dy.release_ms),
                knee_db: r.float(&id("knee"), dy.knee_db),
                trigger: r.choice(&id("trig"), &EqTrigger::ALL, |t| t.key().into(), dy.trigger),
                detector: r.choice(
                    &id("det"),
                    &BandDetector::ALL,
                    |t| t.key().into(),
                    dy.detector,
                ),
                sidechain: r.choice(
                    &id("sc"),
                    &BandSidechain::ALL,
                    |t| t.key().into(),
                    dy.sidechain,
                ),
                ..dy
            },
            placement: r.choice(
                &id("place"),
                &EQ_PLACEMENTS,
                |p| p.key().into(),
                d.placement,
            ),
            bypass,
            solo: r.bool(&id("solo"), d.solo),
        };
    }
    let output_gain_db = r.float("out_gain", defaults.output_gain_db);
    Ok(DynamicEqSettings {
        bands,
        output_gain_db: if bypass { 0.0 } else { output_gain_db },
        phase: r.choice("phase", &EqPhase::ALL, |p| p.key().into(), defaults.phase),
    })
}

/// What Vernis Multiband's `settings()` returns once `state` is loaded into a fresh instance
/// (the band count clamped to 1..=6 as the plugin does; see the module docs for the rest).
pub fn multiband_settings(state: &PluginState) -> Result<MultibandSettings, PresetError> {
    let r = Reader { state };
    let d = MultibandSettings::default();
    let bands = r.int("bands", d.bands as i32).max(1) as usize;
    let mut crossovers_hz = d.crossovers_hz;
    for (k, hz) in crossovers_hz.iter_mut().enumerate() {
        *hz = r.float(&format!("xover{}", k + 1), *hz);
    }
    let mut band = d.band;
    for (i, b) in band.iter_mut().enumerate() {
        let id = |what: &str| format!("b{}_{what}", i + 1);
        let db: BandSettings = *b;
        *b = BandSettings {
            direction: r.choice(
                &id("dir"),
                &BandDirection::ALL,
                |v| v.key().into(),
                db.direction,
            ),
            threshold_db: r.float(&id("thr"), db.threshold_db),
            ratio: r.float(&id("ratio"), db.ratio),
            knee_db: r.float(&id("knee"), db.knee_db),
            attack_ms: r.float(&id("att"), db.attack_ms),
            release_ms: r.float(&id("rel"), db.release_ms),
            range_db: r.float(&id("range"), db.range_db),
            makeup_db: r.float(&id("makeup"), db.makeup_db),
            detector: r.choice(
                &id("det"),
                &BandDetector::ALL,
                |v| v.key().into(),
                db.detector,
            ),
            channel: r.choice(
                &id("chan"),
                &BandChannel::ALL,
                |v| v.key().into(),
                db.channel,
            ),
            sidechain: r.choice(
                &id("sc"),
                &BandSidechain::ALL,
                |v| v.key().into(),
                db.sidechain,
            ),
            transient_db: r.float(&id("trans"), db.transient_db),
            solo: r.bool(&id("solo"), db.solo),
            mute: r.bool(&id("mute"), db.mute),
            bypass: r.bool(&id("bypass"), db.bypass),
        };
    }
    Ok(MultibandSettings {
        bands: bands.min(MAX_BANDS),
        crossovers_hz,
        mode: r.choice("mode", &CrossoverMode::ALL, |v| v.key().into(), d.mode),
        slope: r.choice(
            "slope",
            &CrossoverSlope::ALL,
            |v| format!("{}", v.db_per_octave()),
            d.slope,
        ),
        lookahead_ms: r.float("lookahead", d.lookahead_ms),
        mix_percent: r.float("mix", d.mix_percent),
        output_gain_db: r.float("out_gain", d.output_gain_db),
        auto_makeup: r.bool("auto_makeup", d.auto_makeup),
        band,
        bypass: r.bool("bypass", d.bypass),
    })
}

/// What Vernis Limiter's `settings()` returns once `state` is loaded into a fresh instance (see
/// the module docs for missing, unknown and unreadable values).
pub fn limiter_settings(state: &PluginState) -> Result<LimiterSettings, PresetError> {
    let r = Reader { state };
    let d = LimiterSettings::default();
    Ok(LimiterSettings {
        input_gain_db: r.float("input_gain", d.input_gain_db),
        ceiling_dbtp: r.float("ceiling", d.ceiling_dbtp),
        lookahead_ms: r.float("lookahead", d.lookahead_ms),
        release_ms: r.float("release", d.release_ms),
        auto_release: r.bool("auto_release", d.auto_release),
        stereo_link_percent: r.float("stereo_link", d.stereo_link_percent),
        style: r.choice("style", &LimiterStyle::ALL, |v| v.key().into(), d.style),
        oversampling: r.choice(
            "oversampling",
            &Oversampling::ALL,
            |v| v.name().into(),
            d.oversampling,
        ),
        unity_gain: r.bool("unity_gain", d.unity_gain),
        dither: r.choice("dither", &Dither::ALL, |v| v.key().into(), d.dither),
        dc_filter: r.bool("dc_filter", d.dc_filter),
        bypass: r.bool("bypass", d.bypass),
    })
}

/// The chain stage of the plugin with VST3 class id `class_id`, with the plugin; refused with
/// [`PresetError::NotAChainPlugin`] for any other plugin (the Loudness meter included).
pub fn chain_stage_of(class_id: &[u8; 16]) -> Result<(Stage, PluginInfo), PresetError> {
    for (stage, info) in [
        (Stage::Eq, plugins::DYNAMIC_EQ),
        (Stage::Multiband, plugins::MULTIBAND),
        (Stage::Limiter, plugins::LIMITER),
    ] {
        if info.vst3_class_id == *class_id {
            return Ok((stage, info));
        }
    }
    Err(PresetError::NotAChainPlugin {
        class_id: *class_id,
        plugin: plugins::ALL
            .iter()
            .find(|p| p.vst3_class_id == *class_id)
            .map(|p| p.name),
    })
}

/// Builds a [`ChainSettings`] from presets added one at a time (so that a caller can say which
/// file an error is about); stages land in signal order whatever the order of the presets.
#[derive(Debug, Clone, Default)]
pub struct ChainFromPresets {
    chain: ChainSettings,
}

impl ChainFromPresets {
    /// An empty chain (no stage, pre-gain 0 dB).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the stage of `preset`'s plugin (by its class id) with the settings its state gives;
    /// refuses another plugin, a second preset for the same plugin, and an unreadable state.
    pub fn add(&mut self, preset: &VstPreset) -> Result<Stage, PresetError> {
        let (stage, info) = chain_stage_of(&preset.class_id)?;
        let taken = match stage {
            Stage::Eq => self.chain.eq.is_some(),
            Stage::Multiband => self.chain.multiband.is_some(),
            _ => self.chain.limiter.is_some(),
        };
        if taken {
            return Err(PresetError::DuplicatePlugin(info.name));
        }
        let state = preset.plugin_state()?;
        match stage {
            Stage::Eq => self.chain.eq = Some(eq_settings(&state)?),
            Stage::Multiband => self.chain.multiband = Some(multiband_settings(&state)?),
            _ => self.chain.limiter = Some(limiter_settings(&state)?),
        }
        Ok(stage)
    }

    /// The chain so far.
    pub fn chain(&self) -> ChainSettings {
        self.chain
    }
}

/// The chain the presets give (at most one per plugin, in any order); see [`ChainFromPresets`].
pub fn chain_from_presets(presets: &[VstPreset]) -> Result<ChainSettings, PresetError> {
    let mut chain = ChainFromPresets::new();
    for preset in presets {
        chain.add(preset)?;
    }
    Ok(chain.chain())
}
