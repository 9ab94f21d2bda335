//! Parameters of Vernis Limiter. The string ids are part of saved projects: never rename them.
//!
//! Ranges and defaults come from [`LimiterSettings::SPECS`] and [`LimiterSettings::default`], so the
//! plugin, the CLI and the DSP agree; [`LimiterParams::settings`] maps the current values onto
//! [`LimiterSettings`].

use std::sync::{Arc, RwLock};

use dsp_core::dynamics::{Dither, LimiterSettings, LimiterStyle, Oversampling};
use dsp_core::targets::{platform_by_id, Platform, PLATFORMS};
use nice_plug::prelude::*;
use ui_kit::param::{skewed, spec_range, PlatformChoice};
use ui_kit::state_repair::StateRepair;
use ui_kit::EditorSize;

/// Default editor window size in logical pixels.
pub const DEFAULT_EDITOR_SIZE: EditorSize = EditorSize::new(1000.0, 620.0);

/// Id of the loudness target platform selected by default.
pub const DEFAULT_TARGET: &str = "spotify";

/// Limiter character (variant ids are the [`LimiterStyle::key`]s and stored in saved state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Style {
    /// Lowest distortion.
    #[id = "transparent"]
    #[name = "Transparent"]
    Transparent,
    /// Keeps transients' punch.
    #[id = "punchy"]
    #[name = "Punchy"]
    Punchy,
    /// Loudest.
    #[id = "aggressive"]
    #[name = "Aggressive"]
    Aggressive,
    /// Extra safety margin, slower release.
    #[id = "safe"]
    #[name = "Safe"]
    Safe,
}

impl Style {
    /// The DSP style.
    pub fn to_dsp(self) -> LimiterStyle {
        LimiterStyle::ALL[self.to_index()]
    }
}

/// Oversampling of the gain application (variant ids are the [`Oversampling::name`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum OversamplingFactor {
    /// None.
    #[id = "1x"]
    #[name = "1x"]
    X1,
    /// 2×.
    #[id = "2x"]
    #[name = "2x"]
    X2,
    /// 4×.
    #[id = "4x"]
    #[name = "4x"]
    X4,
    /// 8×.
    #[id = "8x"]
    #[name = "8x"]
    X8,
    /// 16×.
    #[id = "16x"]
    #[name = "16x"]
    X16,
}

impl OversamplingFactor {
    /// The DSP setting.
    pub fn to_dsp(self) -> Oversampling {
        Oversampling::ALL[self.to_index()]
    }
}

/// Output dither (variant ids are the [`Dither::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DitherMode {
    /// Floating-point output.
    #[id = "off"]
    #[name = "Off"]
    Off,
    /// TPDF dither to 24 bits.
    #[id = "24-bit"]
    #[name = "24-bit"]
    Bits24,
    /// TPDF dither to 16 bits.
    #[id = "16-bit"]
    #[name = "16-bit"]
    Bits16,
    /// Noise-shaped TPDF dither to 16 bits.
    #[id = "16-bit-shaped"]
    #[name = "16-bit shaped"]
    Bits16Shaped,
}

impl DitherMode {
    /// The DSP setting.
    pub fn to_dsp(self) -> Dither {
        Dither::ALL[self.to_index()]
    }
}

/// The range of a numeric setting of [`LimiterSettings::SPECS`].
fn number_range(key: &str) -> FloatRange {
    spec_range(&LimiterSettings::SPECS, key)
}

/// All parameters of the plugin, plus the persisted editor size and loudness target.
#[derive(Params)]
pub struct LimiterParams {
    /// Editor window size (not a parameter; saved with the project).
    #[persist = "editor-size"]
    pub editor_size: Arc<RwLock<EditorSize>>,

    /// Id of the platform the output loudness is compared with (not a parameter: an editor
    /// setting saved with the project).
    #[persist = "target"]
    pub target: Arc<RwLock<String>>,

    /// Gain before limiting, dB.
    #[id = "input_gain"]
    pub input_gain: FloatParam,

    /// Highest true peak of the output, dBTP.
    #[id = "ceiling"]
    pub ceiling: FloatParam,

    /// Lookahead, ms (sets most of the latency).
    #[id = "lookahead"]
    pub lookahead: FloatParam,

    /// Release time, ms.
    #[id = "release"]
    pub release: FloatParam,

    /// Programme-dependent release.
    #[id = "auto_release"]
    pub auto_release: BoolParam,

    /// Stereo link, %.
    #[id = "stereo_link"]
    pub stereo_link: FloatParam,

    /// Limiter character.
    #[id = "style"]
    pub style: EnumParam<Style>,

    /// Oversampling of the gain application (changes the latency).
    #[id = "oversampling"]
    pub oversampling: EnumParam<OversamplingFactor>,

    /// Lower the output by the input gain, to compare at equal level.
    #[id = "unity_gain"]
    pub unity_gain: BoolParam,

    /// Output dither.
    #[id = "dither"]
    pub dither: EnumParam<DitherMode>,

    /// 5 Hz DC-blocking high-pass before limiting.
    #[id = "dc_filter"]
    pub dc_filter: BoolParam,

    /// Latency-compensated, crossfaded bypass (the host's bypass switch).
    #[id = "bypass"]
    pub bypass: BoolParam,

    /// Monitor the output at the playback gain of "Preview Platform" (the limiter's output loudness
    /// measured so far); meters are unaffected. Off by default, saved with the project.
    #[id = "preview"]
    pub preview: BoolParam,

    /// Platform whose loudness normalisation Preview plays back.
    #[id = "preview_platform"]
    pub preview_platform: EnumParam<PlatformChoice>,
}

impl Default for LimiterParams {
    fn default() -> Self {
        let defaults = LimiterSettings::default();
        Self {
            editor_size: Arc::new(RwLock::new(DEFAULT_EDITOR_SIZE)),
            target: Arc::new(RwLock::new(DEFAULT_TARGET.to_owned())),
            input_gain: FloatParam::new(
                "Input Gain",
                defaults.input_gain_db,
                number_range("input_gain_db"),
            )
            .with_unit(" dB")
            .with_step_size(0.1)
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            ceiling: FloatParam::new(
                "Ceiling",
                defaults.ceiling_dbtp,
                number_range("ceiling_dbtp"),
            )
            .with_unit(" dBTP")
            .with_step_size(0.1)
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            lookahead: FloatParam::new(
                "Lookahead",
                defaults.lookahead_ms,
                skewed(number_range("lookahead_ms"), -1.0),
            )
            .with_unit(" ms")
            .with_step_size(0.01)
            .with_value_to_string(formatters::v2s_f32_rounded(2)),
            release: FloatParam::new(
                "Release",
                defaults.release_ms,
                skewed(number_range("release_ms"), -2.0),
            )
            .with_unit(" ms")
            .with_step_size(0.1)
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            auto_release: BoolParam::new("Auto Release", defaults.auto_release),
            stereo_link: FloatParam::new(
                "Stereo Link",
                defaults.stereo_link_percent,
                number_range("stereo_link_percent"),
            )
            .with_unit("%")
            .with_step_size(1.0)
            .with_value_to_string(formatters::v2s_f32_rounded(0)),
            style: EnumParam::new("Style", Style::Transparent),
            oversampling: EnumParam::new("Oversampling", OversamplingFactor::X4),
            unity_gain: BoolParam::new("Unity Gain", defaults.unity_gain),
            dither: EnumParam::new("Dither", DitherMode::Off),
            dc_filter: BoolParam::new("DC Filter", defaults.dc_filter),
            bypass: BoolParam::new("Bypass", defaults.bypass).make_bypass(),
            preview: BoolParam::new("Preview", false),
            preview_platform: EnumParam::new("Preview Platform", PlatformChoice::Spotify),
        }
    }
}

impl LimiterParams {
    /// The limiter settings the current (unsmoothed) parameter values select. The limiter ramps
    /// Input Gain and Ceiling itself, sample by sample.
    pub fn settings(&self) -> LimiterSettings {
        LimiterSettings {
            input_gain_db: self.input_gain.value(),
            ceiling_dbtp: self.ceiling.value(),
            lookahead_ms: self.lookahead.value(),
            release_ms: self.release.value(),
            auto_release: self.auto_release.value(),
            stereo_link_percent: self.stereo_link.value(),
            style: self.style.value().to_dsp(),
            oversampling: self.oversampling.value().to_dsp(),
            unity_gain: self.unity_gain.value(),
            dither: self.dither.value().to_dsp(),
            dc_filter: self.dc_filter.value(),
            bypass: self.bypass.value(),
        }
    }

    /// The loudness target platform chosen in the editor (Spotify when unset or unknown).
    pub fn target_platform(&self) -> &'static Platform {
        self.target
            .read()
            .ok()
            .and_then(|id| platform_by_id(&id))
            .unwrap_or(&PLATFORMS[0])
    }

    /// Chooses the loudness target platform (editor side).
    pub fn set_target_platform(&self, platform: &Platform) {
        if let Ok(mut id) = self.target.write() {
            platform.id.clone_into(&mut id);
        }
    }
}

/// Sets every value of `state` this version cannot read to its default, with a log message
/// ([`ui_kit::state_repair`]); run from [`Plugin::filter_state`] before nice-plug loads it.
pub fn repair_state(state: &mut PluginState) -> StateRepair {
    ui_kit::state_repair::repair_state::<LimiterParams>("Vernis Limiter", state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsp_core::dynamics::SettingKind;

    #[test]
    fn choices_follow_dsp_core() {
        let names = Style::variants();
        let ids = Style::ids().unwrap();
        for (i, style) in LimiterStyle::ALL.iter().enumerate() {
            assert_eq!(names[i], style.name());
            assert_eq!(ids[i], style.key());
            assert_eq!(Style::from_index(i).to_dsp(), *style);
        }
        let names = OversamplingFactor::variants();
        let ids = OversamplingFactor::ids().unwrap();
        for (i, factor) in Oversampling::ALL.iter().enumerate() {
            assert_eq!(names[i], factor.name());
            assert_eq!(ids[i], factor.name());
            assert_eq!(OversamplingFactor::from_index(i).to_dsp(), *factor);
        }
        let names = DitherMode::variants();
        let ids = DitherMode::ids().unwrap();
        for (i, dither) in Dither::ALL.iter().enumerate() {
            assert_eq!(names[i], dither.name());
            assert_eq!(ids[i], dither.key());
            assert_eq!(DitherMode::from_index(i).to_dsp(), *dither);
        }
        assert_eq!(Style::variants().len(), LimiterStyle::ALL.len());
        assert_eq!(
            OversamplingFactor::variants().len(),
            Oversampling::ALL.len()
        );
        assert_eq!(DitherMode::variants().len(), Dither::ALL.len());
    }

    #[test]
    fn defaults_and_ranges_match_the_dsp_settings() {
        let params = LimiterParams::default();
        assert_eq!(params.settings(), LimiterSettings::default());
        let check = |param: &FloatParam, key: &str| {
            let spec = LimiterSettings::SPECS
                .iter()
                .find(|s| s.key == key)
                .unwrap();
            let SettingKind::Number { min, max, .. } = spec.kind else {
                panic!("{key} is not a number");
            };
            assert_eq!(param.preview_plain(0.0), min, "{key}");
            assert_eq!(param.preview_plain(1.0), max, "{key}");
        };
        check(&params.input_gain, "input_gain_db");
        check(&params.ceiling, "ceiling_dbtp");
        check(&params.lookahead, "lookahead_ms");
        check(&params.release, "release_ms");
        check(&params.stereo_link, "stereo_link_percent");
        // The skewed release puts 100 ms near the middle of the travel.
        let n = params.release.preview_normalized(100.0);
        assert!((0.4..0.7).contains(&n), "{n}");
        assert!(params.bypass.flags().contains(ParamFlags::BYPASS));
    }

    #[test]
    fn value_texts() {
        let params = LimiterParams::default();
        let text =
            |p: &FloatParam, v: f32| p.normalized_value_to_string(p.preview_normalized(v), true);
        assert_eq!(text(&params.input_gain, 3.04), "3.0 dB");
        assert_eq!(text(&params.ceiling, -1.0), "-1.0 dBTP");
        assert_eq!(text(&params.lookahead, 2.0), "2.00 ms");
        assert_eq!(text(&params.release, 100.0), "100.0 ms");
        assert_eq!(text(&params.stereo_link, 100.0), "100%");
        let parsed = params
            .ceiling
            .string_to_normalized_value("-0.3 dBTP")
            .unwrap();
        assert!((params.ceiling.preview_plain(parsed) - -0.3).abs() < 1e-6);
    }

    #[test]
    fn target_platform_is_persisted_by_id() {
        let params = LimiterParams::default();
        assert_eq!(params.target_platform().id, DEFAULT_TARGET);
        params.set_target_platform(&PLATFORMS[1]);
        assert_eq!(params.target_platform().id, PLATFORMS[1].id);
        *params.target.write().unwrap() = "no-such-platform".to_owned();
        assert_eq!(params.target_platform().id, PLATFORMS[0].id);
    }
}
