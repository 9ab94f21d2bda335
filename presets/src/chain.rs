//! The CLI's mastering chain ([`ChainSettings`]) as plugin states, one per plugin.
//!
//! [`eq_state`], [`multiband_state`] and [`limiter_state`] write every parameter of Vernis
//! Dynamic EQ, Vernis Multiband and Vernis Limiter so that the plugin's `params.rs`
//! `settings()` returns exactly the given dsp-core settings once the state is loaded. The
//! parameters carry the settings' own units (dB, ms, %, Hz, ratio) and polarity, so values are
//! copied as they are; choices are written by their variant ids, which are the dsp-core keys.
//!
//! What is refused (with [`PresetError::Unrepresentable`]) rather than approximated:
//! - a value outside the plugin parameter's range, or a non-finite one;
//! - an EQ band's `f64` frequency, gain or Q that is not exactly an `f32` (the parameters are
//!   `f32`);
//! - EQ dynamics' split detector (`split_detector`, `detector_frequency_hz`, `detector_q`), which
//!   the plugin has no parameters for and always leaves at their defaults;
//! - EQ bands with different `bypass` flags (the plugin's one Bypass sets every band's), or a
//!   bypassed EQ with a non-zero output gain (the plugin forces 0 dB while bypassed);
//! - a multiband band count outside 1..=6 (the plugin clamps it).
//!
//! The chain's `pre_gain_db` sits between the multiband and the limiter and no plugin has a
//! parameter for it. [`chain_states`] puts it into the Output Gain of the stage right in front
//! of it: the multiband's, or the EQ's when there is no multiband (the stages after it are the
//! same, so the signal is the same). Both multiply by `db_to_gain(dB) as f32` exactly as the
//! pre-gain does, so the result is bit-identical provided that stage's own output gain is 0 dB;
//! otherwise the sum of two dB values would round differently, and it is refused. The limiter's
//! Input Gain is not used: it only goes up and Unity Gain takes it out again at the output.

use dsp_core::chain::ChainSettings;
use dsp_core::dynamics::{LimiterSettings, MultibandSettings, SettingKind, SettingSpec};
use dsp_core::eq::settings::{MAX_OUTPUT_GAIN_DB, MAX_RANGE_DB};
use dsp_core::eq::{DynamicEqSettings, EqDynamicsSettings};
use dsp_core::filter::eq_shape::{MAX_FREQUENCY_HZ, MAX_GAIN_DB, MAX_Q, MIN_FREQUENCY_HZ, MIN_Q};

use crate::error::PresetError;
use crate::plugins::{self, PluginInfo};
use crate::state::{PluginState, PluginStateBuilder};
use crate::vstpreset::VstPreset;

/// The error for a setting of `plugin` that its parameters cannot hold.
fn refuse(
    plugin: &PluginInfo,
    setting: impl Into<String>,
    reason: impl Into<String>,
) -> PresetError {
    PresetError::Unrepresentable {
        plugin: plugin.name,
        setting: setting.into(),
        reason: reason.into(),
    }
}

/// Collects parameters for one plugin, checking ranges as it goes.
struct Writer {
    plugin: &'static PluginInfo,
    builder: PluginStateBuilder,
    error: Option<PresetError>,
}

impl Writer {
    fn new(plugin: &'static PluginInfo) -> Self {
        Self {
            plugin,
            builder: PluginStateBuilder::new(plugin.version),
            error: None,
        }
    }

    fn fail(&mut self, error: PresetError) {
        self.error.get_or_insert(error);
    }

    /// A float parameter, refused outside `min..=max` or when not finite.
    fn float(&mut self, id: &str, value: f32, (min, max): (f32, f32)) {
        if !value.is_finite() || value < min || value > max {
            let e = refuse(self.plugin, id, format!("{value} is outside {min}..={max}"));
            self.fail(e);
        }
        self.set(id, value);
    }

    /// A float parameter from an `f64` setting that must be exactly an `f32`.
    fn exact_f32(&mut self, id: &str, value: f64, range: (f64, f64)) {
        let narrow = value as f32;
        if f64::from(narrow) != value && value.is_finite() {
            let e = refuse(
                self.plugin,
                id,
                format!(
                    "{value} is not exactly an f32 (the parameter would hold {})",
                    f64::from(narrow)
                ),
            );
            self.fail(e);
        }
        self.float(id, narrow, (range.0 as f32, range.1 as f32));
    }

    fn set(&mut self, id: &str, value: impl Into<crate::ParamValue>) {
        let builder = std::mem::take(&mut self.builder);
        self.builder = builder.param(id, value);
    }

    fn finish(self) -> Result<PluginState, PresetError> {
        match self.error {
            Some(e) => Err(e),
            None => self.builder.build(),
        }
    }
}

/// The `min..=max` of numeric setting `key` in `specs`.
fn spec(specs: &[SettingSpec], key: &str) -> (f32, f32) {
    specs
        .iter()
        .find_map(|s| match s.kind {
            SettingKind::Number { min, max, .. } if s.key == key => Some((min, max)),
            _ => None,
        })
        .unwrap_or((f32::NEG_INFINITY, f32::INFINITY))
}

/// The Vernis Dynamic EQ state whose `settings()` is `settings`: globals `phase`, `out_gain`,
/// `bypass`, and all 18 parameters of each of the 24 bands (`b{k}_…`), unused bands included.
pub fn eq_state(settings: &DynamicEqSettings) -> Result<PluginState, PresetError> {
    let info = &plugins::DYNAMIC_EQ;
    let mut w = Writer::new(info);
    let bypass = settings.bands[0].bypass;
    if let Some(k) = settings.bands.iter().position(|b| b.bypass != bypass) {
        w.fail(refuse(
            info,
            format!("band{}.bypass", k + 1),
            "the plugin has one Bypass for every band; the bands' bypass flags differ",
        ));
    }
    if bypass && settings.output_gain_db != 0.0 {
        w.fail(refuse(
            info,
            "output_gain_db",
            "the plugin ignores its Output Gain while bypassed",
        ));
    }
    w.set("phase", settings.phase.key());
    w.float(
        "out_gain",
        settings.output_gain_db,
        (-MAX_OUTPUT_GAIN_DB, MAX_OUTPUT_GAIN_DB),
    );
    w.set("bypass", bypass);
    let plain = EqDynamicsSettings::default();
    for (i, band) in settings.bands.iter().enumerate() {
        let id = |what: &str| format!("b{}_{what}", i + 1);
        let f = &band.filter;
        let d = &band.dynamics;
        if d.split_detector != plain.split_detector
            || d.detector_frequency_hz.to_bits() != plain.detector_frequency_hz.to_bits()
            || d.detector_q.to_bits() != plain.detector_q.to_bits()
        {
            w.fail(refuse(
                info,
                id("split_detector"),
                "the plugin has no split-detector parameters (they stay at their defaults)",
            ));
        }
        w.set(&id("on"), band.used);
        w.set(&id("shape"), f.shape.key());
        w.exact_f32(
            &id("freq"),
            f.frequency_hz,
            (MIN_FREQUENCY_HZ, MAX_FREQUENCY_HZ),
        );
        w.exact_f32(&id("gain"), f.gain_db, (-MAX_GAIN_DB, MAX_GAIN_DB));
        w.exact_f32(&id("q"), f.q, (MIN_Q, MAX_Q));
        w.set(&id("slope"), format!("{}", f.slope.db_per_octave()));
        w.set(&id("place"), band.placement.key());
        w.set(&id("dyn"), d.enabled);
        w.float(&id("thr"), d.threshold_db, (-80.0, 0.0));
        w.float(&id("ratio"), d.ratio, (1.0, 100.0));
        w.float(&id("range"), d.range_db, (-MAX_RANGE_DB, MAX_RANGE_DB));
        w.float(&id("att"), d.attack_ms, (0.1, 500.0));
        w.float(&id("rel"), d.release_ms, (1.0, 5000.0));
        w.float(&id("knee"), d.knee_db, (0.0, 24.0));
        w.set(&id("det"), d.detector.key());
        w.set(&id("trig"), d.trigger.key());
        w.set(&id("sc"), d.sidechain.key());
        w.set(&id("solo"), band.solo);
    }
    w.finish()
}

/// The Vernis Multiband state whose `settings()` is `settings`: the 13 globals and the 15
/// parameters of each of the 6 bands (`b{k}_…`), unused bands included.
pub fn multiband_state(settings: &MultibandSettings) -> Result<PluginState, PresetError> {
    let info = &plugins::MULTIBAND;
    let g = |key: &str| spec(&MultibandSettings::GLOBAL_SPECS, key);
    let b = |key: &str| spec(&MultibandSettings::BAND_SPECS, key);
    let mut w = Writer::new(info);
    let max_bands = settings.band.len();
    if !(1..=max_bands).contains(&settings.bands) {
        w.fail(refuse(
            info,
            "bands",
            format!("{} is outside 1..={max_bands}", settings.bands),
        ));
    }
    w.set("bands", settings.bands.clamp(1, max_bands) as i32);
    for (k, hz) in settings.crossovers_hz.iter().enumerate() {
        let key = format!("crossover{}_hz", k + 1);
        w.float(&format!("xover{}", k + 1), *hz, g(&key));
    }
    w.set("mode", settings.mode.key());
    w.set("slope", format!("{}", settings.slope.db_per_octave()));
    w.float("lookahead", settings.lookahead_ms, g("lookahead_ms"));
    w.float("mix", settings.mix_percent, g("mix_pct"));
    w.float("out_gain", settings.output_gain_db, g("output_gain_db"));
    w.set("auto_makeup", settings.auto_makeup);
    w.set("bypass", settings.bypass);
    for (i, band) in settings.band.iter().enumerate() {
        let id = |what: &str| format!("b{}_{what}", i + 1);
        w.set(&id("dir"), band.direction.key());
        w.float(&id("thr"), band.threshold_db, b("threshold_db"));
        w.float(&id("ratio"), band.ratio, b("ratio"));
        w.float(&id("knee"), band.knee_db, b("knee_db"));
        w.float(&id("att"), band.attack_ms, b("attack_ms"));
        w.float(&id("rel"), band.release_ms, b("release_ms"));
        w.float(&id("range"), band.range_db, b("range_db"));
        w.float(&id("makeup"), band.makeup_db, b("makeup_db"));
        w.set(&id("det"), band.detector.key());
        w.set(&id("chan"), band.channel.key());
        w.set(&id("sc"), band.sidechain.key());
        w.float(&id("trans"), band.transient_db, b("transient_db"));
        w.set(&id("solo"), band.solo);
        w.set(&id("mute"), band.mute);
        w.set(&id("bypass"), band.bypass);
    }
    w.finish()
}

/// The Vernis Limiter state whose `settings()` is `settings`: all 14 parameters (Preview off).
pub fn limiter_state(settings: &LimiterSettings) -> Result<PluginState, PresetError> {
    let s = |key: &str| spec(&LimiterSettings::SPECS, key);
    let mut w = Writer::new(&plugins::LIMITER);
    w.float("input_gain", settings.input_gain_db, s("input_gain_db"));
    w.float("ceiling", settings.ceiling_dbtp, s("ceiling_dbtp"));
    w.float("lookahead", settings.lookahead_ms, s("lookahead_ms"));
    w.float("release", settings.release_ms, s("release_ms"));
    w.set("auto_release", settings.auto_release);
    w.float(
        "stereo_link",
        settings.stereo_link_percent,
        s("stereo_link_percent"),
    );
    w.set("style", settings.style.key());
    w.set("oversampling", settings.oversampling.name());
    w.set("unity_gain", settings.unity_gain);
    w.set("dither", settings.dither.key());
    w.set("dc_filter", settings.dc_filter);
    w.set("bypass", settings.bypass);
    // The monitor-only Preview is off in every preset: it never changes what is rendered.
    w.set("preview", false);
    w.set("preview_platform", "spotify");
    w.finish()
}

/// The chain's stages with the pre-gain moved into the stage in front of it (see the module
/// docs), or why it cannot be.
pub fn fold_pre_gain(
    chain: &ChainSettings,
) -> Result<(Option<DynamicEqSettings>, Option<MultibandSettings>), PresetError> {
    let (mut eq, mut multiband) = (chain.eq, chain.multiband);
    let pre = chain.pre_gain_db;
    if pre == 0.0 {
        return Ok((eq, multiband));
    }
    let (info, own, bypassed, target) = if let Some(m) = multiband.as_mut() {
        (
            &plugins::MULTIBAND,
            m.output_gain_db,
            m.bypass,
            &mut m.output_gain_db,
        )
    } else if let Some(e) = eq.as_mut() {
        let bypassed = e.bands[0].bypass;
        (
            &plugins::DYNAMIC_EQ,
            e.output_gain_db,
            bypassed,
            &mut e.output_gain_db,
        )
    } else {
        return Err(PresetError::Unrepresentable {
            plugin: plugins::LIMITER.name,
            setting: "pre_gain_db".into(),
            reason: format!(
                "a pre-gain of {pre} dB needs the EQ or the multiband in the chain to carry it \
                 (the limiter's Input Gain only goes up and Unity Gain undoes it)"
            ),
        });
    };
    if own != 0.0 || bypassed {
        return Err(refuse(
            info,
            "pre_gain_db",
            format!(
                "the pre-gain of {pre} dB goes into its Output Gain, which must be 0 dB and not \
                 bypassed for the same result (it is {own} dB{})",
                if bypassed { ", bypassed" } else { "" }
            ),
        ));
    }
    *target = pre;
    Ok((eq, multiband))
}

/// One state per plugin of the chain, in signal order (EQ, multiband, limiter; a stage that is
/// `None` is left out), with the pre-gain folded in as [`fold_pre_gain`] says.
pub fn chain_states(chain: &ChainSettings) -> Result<Vec<(PluginInfo, PluginState)>, PresetError> {
    let (eq, multiband) = fold_pre_gain(chain)?;
    let mut out = Vec::new();
    if let Some(e) = eq {
        out.push((plugins::DYNAMIC_EQ, eq_state(&e)?));
    }
    if let Some(m) = multiband {
        out.push((plugins::MULTIBAND, multiband_state(&m)?));
    }
    if let Some(l) = chain.limiter {
        out.push((plugins::LIMITER, limiter_state(&l)?));
    }
    Ok(out)
}

/// [`chain_states`] as `.vstpreset` files, one per plugin, in signal order.
pub fn chain_presets(chain: &ChainSettings) -> Result<Vec<(PluginInfo, VstPreset)>, PresetError> {
    chain_states(chain)?
        .into_iter()
        .map(|(info, state)| {
            Ok((
                info,
                VstPreset::from_plugin_state(info.vst3_class_id, &state)?,
            ))
        })
        .collect()
}
