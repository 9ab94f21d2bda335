//! Parameters of Vernis Loudness. The string ids are part of saved projects: never rename them.

use std::sync::{Arc, RwLock};

use dsp_core::targets::{Normalization, Platform, PLATFORMS};
use nice_plug::prelude::*;
use ui_kit::widgets::LoudnessTarget;
use ui_kit::EditorSize;

/// Lowest custom target, in LUFS.
pub const CUSTOM_TARGET_MIN_LUFS: f32 = -36.0;
/// Highest custom target, in LUFS.
pub const CUSTOM_TARGET_MAX_LUFS: f32 = -6.0;
/// Lowest custom ceiling, in dBTP.
pub const CUSTOM_CEILING_MIN_DBTP: f32 = -9.0;
/// Highest custom ceiling, in dBTP.
pub const CUSTOM_CEILING_MAX_DBTP: f32 = 0.0;

/// The loudness target the meter compares against: one of the platforms of
/// [`dsp_core::targets::PLATFORMS`] (same order), or a custom target and ceiling.
///
/// Variant ids equal the platform ids and are stored in saved state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Target {
    /// Spotify, −14 LUFS.
    #[id = "spotify"]
    #[name = "Spotify"]
    Spotify,
    /// Apple Music, −16 LUFS.
    #[id = "apple-music"]
    #[name = "Apple Music"]
    AppleMusic,
    /// YouTube, −14 LUFS.
    #[id = "youtube"]
    #[name = "YouTube"]
    YouTube,
    /// Amazon Music, −14 LUFS.
    #[id = "amazon"]
    #[name = "Amazon Music"]
    Amazon,
    /// Tidal, −14 LUFS.
    #[id = "tidal"]
    #[name = "Tidal"]
    Tidal,
    /// Deezer, −15 LUFS.
    #[id = "deezer"]
    #[name = "Deezer"]
    Deezer,
    /// EBU R128 broadcast delivery, −23 LUFS.
    #[id = "ebu-r128"]
    #[name = "EBU R128"]
    EbuR128,
    /// ATSC A/85 broadcast delivery, −24 LUFS.
    #[id = "atsc-a85"]
    #[name = "ATSC A/85"]
    AtscA85,
    /// The "Custom Target" and "Custom Ceiling" parameters.
    #[id = "custom"]
    #[name = "Custom"]
    Custom,
}

impl Target {
    /// The platform this target stands for; `None` for [`Target::Custom`].
    pub fn platform(self) -> Option<&'static Platform> {
        PLATFORMS.get(self.to_index())
    }
}

/// Default editor window size in logical pixels.
pub const DEFAULT_EDITOR_SIZE: EditorSize = EditorSize::new(900.0, 620.0);

/// All parameters of the plugin, plus the persisted editor size.
#[derive(Params)]
pub struct LoudnessParams {
    /// Editor window size (not a parameter; saved with the project).
    #[persist = "editor-size"]
    pub editor_size: Arc<RwLock<EditorSize>>,

    /// Platform or custom target the readings are judged against.
    #[id = "target"]
    pub target: EnumParam<Target>,

    /// Integrated loudness target used when "Target" is Custom, LUFS.
    #[id = "custom_lufs"]
    pub custom_lufs: FloatParam,

    /// True-peak ceiling used when "Target" is Custom, dBTP.
    #[id = "custom_ceiling"]
    pub custom_ceiling: FloatParam,

    /// Reset the measurement when the host transport starts playing.
    #[id = "reset_on_play"]
    pub reset_on_play: BoolParam,

    /// Stop measuring (audio still passes through).
    #[id = "pause"]
    pub pause: BoolParam,

    /// Monitor the output at the target's playback gain ([`LoudnessParams::preview_platform`]);
    /// the meters always measure the signal before it. Off by default, saved with the project.
    #[id = "preview"]
    pub preview: BoolParam,
}

impl Default for LoudnessParams {
    fn default() -> Self {
        Self {
            editor_size: Arc::new(RwLock::new(DEFAULT_EDITOR_SIZE)),
            target: EnumParam::new("Target", Target::Spotify),
            custom_lufs: FloatParam::new(
                "Custom Target",
                -14.0,
                FloatRange::Linear {
                    min: CUSTOM_TARGET_MIN_LUFS,
                    max: CUSTOM_TARGET_MAX_LUFS,
                },
            )
            .with_unit(" LUFS")
            .with_step_size(0.1)
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            custom_ceiling: FloatParam::new(
                "Custom Ceiling",
                -1.0,
                FloatRange::Linear {
                    min: CUSTOM_CEILING_MIN_DBTP,
                    max: CUSTOM_CEILING_MAX_DBTP,
                },
            )
            .with_unit(" dBTP")
            .with_step_size(0.1)
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            reset_on_play: BoolParam::new("Reset On Play", false),
            pause: BoolParam::new("Pause", false),
            preview: BoolParam::new("Preview", false),
        }
    }
}

impl LoudnessParams {
    /// The target and ceiling the current parameter values select, for a master of
    /// `integrated_lufs` (Spotify asks a stricter ceiling of loud masters).
    pub fn resolved_target(&self, integrated_lufs: f64) -> LoudnessTarget {
        match self.target.value().platform() {
            Some(platform) => LoudnessTarget::for_platform(platform, integrated_lufs),
            None => LoudnessTarget::custom(
                f64::from(self.custom_lufs.value()),
                f64::from(self.custom_ceiling.value()),
            ),
        }
    }
}

impl LoudnessParams {
    /// The normalisation Preview plays back: the selected platform's, or for [`Target::Custom`] a
    /// delivery target at the custom LUFS (turned down when louder, lifted when quieter, like
    /// EBU R128), so a custom target is heard at the level it asks for.
    pub fn preview_platform(&self) -> Platform {
        match self.target.value().platform() {
            Some(platform) => *platform,
            None => Platform {
                id: "custom",
                name: "Custom",
                target_lufs: f64::from(self.custom_lufs.value()),
                ceiling_dbtp: f64::from(self.custom_ceiling.value()),
                loud_master_ceiling_dbtp: None,
                normalization: Normalization::DeliveryTarget,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_variants_follow_platforms() {
        let names = Target::variants();
        assert_eq!(names.len(), PLATFORMS.len() + 1);
        let ids = Target::ids().unwrap();
        for (i, platform) in PLATFORMS.iter().enumerate() {
            assert_eq!(names[i], platform.name);
            assert_eq!(ids[i], platform.id);
            assert_eq!(Target::from_index(i).platform(), Some(platform));
        }
        assert_eq!(Target::Custom.platform(), None);
    }
}
