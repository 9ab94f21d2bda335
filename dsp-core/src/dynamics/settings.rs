//! User-facing settings of the limiter, in user units, with their ranges (shared by the plugin and the CLI).

/// Limiter character; each trades transparency against loudness differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LimiterStyle {
    /// Smooth two-stage attack over the whole lookahead, long release hold: lowest distortion.
    #[default]
    Transparent,
    /// Shorter attack and faster release: keeps transients' punch, a little more density.
    Punchy,
    /// Shortest attack, fastest release, little hold: loudest, most distortion on bass.
    Aggressive,
    /// Transparent's envelope plus 0.3 dB of extra safety margin and a slower release.
    Safe,
}

impl LimiterStyle {
    /// All styles in display order.
    pub const ALL: [Self; 4] = [
        Self::Transparent,
        Self::Punchy,
        Self::Aggressive,
        Self::Safe,
    ];

    /// Stable lower-case key (`transparent`, `punchy`, `aggressive`, `safe`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Transparent => "transparent",
            Self::Punchy => "punchy",
            Self::Aggressive => "aggressive",
            Self::Safe => "safe",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Transparent => "Transparent",
            Self::Punchy => "Punchy",
            Self::Aggressive => "Aggressive",
            Self::Safe => "Safe",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| {
            s.key().eq_ignore_ascii_case(text.trim()) || s.name().eq_ignore_ascii_case(text.trim())
        })
    }
}

/// Oversampling of the gain application (the sidechain is always true-peak).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Oversampling {
    /// Gain applied at the host rate.
    X1,
    /// 2× oversampled gain application.
    X2,
    /// 4× oversampled gain application.
    #[default]
    X4,
    /// 8× oversampled gain application.
    X8,
    /// 16× oversampled gain application.
    X16,
}

impl Oversampling {
    /// All factors in display order.
    pub const ALL: [Self; 5] = [Self::X1, Self::X2, Self::X4, Self::X8, Self::X16];

    /// The factor as a number (1, 2, 4, 8, 16).
    pub fn factor(self) -> usize {
        match self {
            Self::X1 => 1,
            Self::X2 => 2,
            Self::X4 => 4,
            Self::X8 => 8,
            Self::X16 => 16,
        }
    }

    /// Display name and key (`1x` … `16x`).
    pub fn name(self) -> &'static str {
        match self {
            Self::X1 => "1x",
            Self::X2 => "2x",
            Self::X4 => "4x",
            Self::X8 => "8x",
            Self::X16 => "16x",
        }
    }

    /// Parses `4x`, `4X` or `4`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().trim_end_matches(['x', 'X']);
        Self::ALL.into_iter().find(|o| o.factor().to_string() == t)
    }
}

/// Output dither and word length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dither {
    /// No dither; output stays floating point.
    #[default]
    Off,
    /// TPDF dither and rounding to a 24-bit grid.
    Bits24,
    /// TPDF dither and rounding to a 16-bit grid.
    Bits16,
    /// TPDF dither with noise shaping (error feedback) and rounding to a 16-bit grid.
    Bits16Shaped,
}

impl Dither {
    /// All modes in display order.
    pub const ALL: [Self; 4] = [Self::Off, Self::Bits24, Self::Bits16, Self::Bits16Shaped];

    /// Stable key (`off`, `24-bit`, `16-bit`, `16-bit-shaped`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Bits24 => "24-bit",
            Self::Bits16 => "16-bit",
            Self::Bits16Shaped => "16-bit-shaped",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::Bits24 => "24-bit",
            Self::Bits16 => "16-bit",
            Self::Bits16Shaped => "16-bit shaped",
        }
    }

    /// Word length in bits, if the mode quantises.
    pub fn bits(self) -> Option<u32> {
        match self {
            Self::Off => None,
            Self::Bits24 => Some(24),
            Self::Bits16 | Self::Bits16Shaped => Some(16),
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|d| d.key().eq_ignore_ascii_case(t) || d.name().eq_ignore_ascii_case(t))
    }
}

/// Every setting of [`crate::dynamics::LookaheadLimiter`], in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterSettings {
    /// Gain before limiting, dB (0..24).
    pub input_gain_db: f32,
    /// Highest true peak of the output, dBTP (−12..0).
    pub ceiling_dbtp: f32,
    /// Lookahead, ms (0.5..10); sets most of the latency.
    pub lookahead_ms: f32,
    /// Release time, ms (1..1000).
    pub release_ms: f32,
    /// Programme-dependent release: slower after sustained limiting, faster after isolated peaks.
    pub auto_release: bool,
    /// Stereo link, % (0 = channels limited independently, 100 = same gain on all channels). With
    /// any number of channels, each channel's required gain g_i moves `link` of the way towards the
    /// lowest over all channels: g_i + link·(min_j g_j − g_i), so 100 % gives every channel one gain.
    pub stereo_link_percent: f32,
    /// Envelope character.
    pub style: LimiterStyle,
    /// Oversampling of the gain application.
    pub oversampling: Oversampling,
    /// Lowers the output by the input gain, to compare at equal level.
    pub unity_gain: bool,
    /// Output dither.
    pub dither: Dither,
    /// 5 Hz DC-blocking high-pass before limiting.
    pub dc_filter: bool,
    /// Latency-compensated bypass (crossfaded).
    pub bypass: bool,
}

impl Default for LimiterSettings {
    fn default() -> Self {
        Self {
            input_gain_db: 0.0,
            ceiling_dbtp: -1.0,
            lookahead_ms: 2.0,
            release_ms: 100.0,
            auto_release: true,
            stereo_link_percent: 100.0,
            style: LimiterStyle::Transparent,
            oversampling: Oversampling::X4,
            unity_gain: false,
            dither: Dither::Off,
            dc_filter: false,
            bypass: false,
        }
    }
}

/// What kind of value a setting takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingKind {
    /// A number within `min..=max`, in `unit`.
    Number {
        /// Lowest value.
        min: f32,
        /// Highest value.
        max: f32,
        /// Unit label (`dB`, `dBTP`, `ms`, `%`).
        unit: &'static str,
    },
    /// `true`/`false` (also `on`/`off`, `1`/`0`).
    Switch,
    /// One of a list of keys.
    Choice(&'static [&'static str]),
}

/// Describes one setting: its key (as used by `vernis render --set limiter.<key>=…`) and its values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingSpec {
    /// Key with unit suffix, e.g. `ceiling_dbtp`.
    pub key: &'static str,
    /// Accepted values.
    pub kind: SettingKind,
}

impl SettingSpec {
    /// A number setting within `min..=max` in `unit`.
    pub const fn number(key: &'static str, min: f32, max: f32, unit: &'static str) -> Self {
        Self {
            key,
            kind: SettingKind::Number { min, max, unit },
        }
    }

    /// An on/off setting.
    pub const fn switch(key: &'static str) -> Self {
        Self {
            key,
            kind: SettingKind::Switch,
        }
    }

    /// A setting taking one of `keys`.
    pub const fn choice(key: &'static str, keys: &'static [&'static str]) -> Self {
        Self {
            key,
            kind: SettingKind::Choice(keys),
        }
    }
}

impl SettingKind {
    /// The valid values as text (`-80..0 dB`, `on|off`, `peak|rms`).
    pub fn describe(self) -> String {
        match self {
            SettingKind::Number { min, max, unit: "" } => format!("{min}..{max}"),
            SettingKind::Number { min, max, unit } => format!("{min}..{max} {unit}"),
            SettingKind::Switch => "on|off".to_string(),
            SettingKind::Choice(keys) => keys.join("|"),
        }
    }
}

/// Reads an on/off value (`on`/`off`, `true`/`false`, `1`/`0`, `yes`/`no`, any case).
pub fn parse_switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Some(true),
        "off" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// Error from [`LimiterSettings::set_by_key`], with a message listing what is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingError(pub String);

impl std::fmt::Display for SettingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingError {}

const STYLE_KEYS: &[&str] = &["transparent", "punchy", "aggressive", "safe"];
const OVERSAMPLING_KEYS: &[&str] = &["1x", "2x", "4x", "8x", "16x"];
const DITHER_KEYS: &[&str] = &["off", "24-bit", "16-bit", "16-bit-shaped"];

impl LimiterSettings {
    /// Every setting with its key and valid values, in display order.
    pub const SPECS: [SettingSpec; 12] = [
        SettingSpec {
            key: "input_gain_db",
            kind: SettingKind::Number {
                min: 0.0,
                max: 24.0,
                unit: "dB",
            },
        },
        SettingSpec {
            key: "ceiling_dbtp",
            kind: SettingKind::Number {
                min: -12.0,
                max: 0.0,
                unit: "dBTP",
            },
        },
        SettingSpec {
            key: "lookahead_ms",
            kind: SettingKind::Number {
                min: 0.5,
                max: 10.0,
                unit: "ms",
            },
        },
        SettingSpec {
            key: "release_ms",
            kind: SettingKind::Number {
                min: 1.0,
                max: 1000.0,
                unit: "ms",
            },
        },
        SettingSpec {
            key: "auto_release",
            kind: SettingKind::Switch,
        },
        SettingSpec {
            key: "stereo_link_percent",
            kind: SettingKind::Number {
                min: 0.0,
                max: 100.0,
                unit: "%",
            },
        },
        SettingSpec {
            key: "style",
            kind: SettingKind::Choice(STYLE_KEYS),
        },
        SettingSpec {
            key: "oversampling",
            kind: SettingKind::Choice(OVERSAMPLING_KEYS),
        },
        SettingSpec {
            key: "unity_gain",
            kind: SettingKind::Switch,
        },
        SettingSpec {
            key: "dither",
            kind: SettingKind::Choice(DITHER_KEYS),
        },
        SettingSpec {
            key: "dc_filter",
            kind: SettingKind::Switch,
        },
        SettingSpec {
            key: "bypass",
            kind: SettingKind::Switch,
        },
    ];

    /// Describes every key and its valid values, one per line (for error messages and `--help`).
    pub fn describe_keys() -> String {
        let mut out = String::new();
        for spec in Self::SPECS {
            let values = match spec.kind {
                SettingKind::Number { min, max, unit } => format!("{min}..{max} {unit}"),
                SettingKind::Switch => "on|off".to_string(),
                SettingKind::Choice(keys) => keys.join("|"),
            };
            out.push_str(&format!("  {}: {}\n", spec.key, values));
        }
        out
    }

    /// Sets one setting from text, validating the key and the range.
    pub fn set_by_key(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let spec = Self::SPECS.iter().find(|s| s.key == key).ok_or_else(|| {
            SettingError(format!(
                "unknown setting `{key}`; valid settings:\n{}",
                Self::describe_keys()
            ))
        })?;
        let bad = |what: &str| SettingError(format!("invalid value `{value}` for `{key}`: {what}"));
        match spec.kind {
            SettingKind::Number { min, max, unit } => {
                let v: f32 = value.trim().parse().map_err(|_| bad("not a number"))?;
                if !(min..=max).contains(&v) {
                    return Err(bad(&format!("must be within {min}..{max} {unit}")));
                }
                match key {
                    "input_gain_db" => self.input_gain_db = v,
                    "ceiling_dbtp" => self.ceiling_dbtp = v,
                    "lookahead_ms" => self.lookahead_ms = v,
                    "release_ms" => self.release_ms = v,
                    _ => self.stereo_link_percent = v,
                }
            }
            SettingKind::Switch => {
                let v = match value.trim().to_ascii_lowercase().as_str() {
                    "on" | "true" | "1" | "yes" => true,
                    "off" | "false" | "0" | "no" => false,
                    _ => return Err(bad("expected on or off")),
                };
                match key {
                    "auto_release" => self.auto_release = v,
                    "unity_gain" => self.unity_gain = v,
                    "dc_filter" => self.dc_filter = v,
                    _ => self.bypass = v,
                }
            }
            SettingKind::Choice(keys) => {
                let expected = || bad(&format!("expected one of {}", keys.join(", ")));
                match key {
                    "style" => self.style = LimiterStyle::parse(value).ok_or_else(expected)?,
                    "oversampling" => {
                        self.oversampling = Oversampling::parse(value).ok_or_else(expected)?
                    }
                    _ => self.dither = Dither::parse(value).ok_or_else(expected)?,
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_by_key_validates() {
        let mut s = LimiterSettings::default();
        s.set_by_key("ceiling_dbtp", "-2.5").unwrap();
        assert_eq!(s.ceiling_dbtp, -2.5);
        s.set_by_key("style", "Punchy").unwrap();
        assert_eq!(s.style, LimiterStyle::Punchy);
        s.set_by_key("oversampling", "16x").unwrap();
        assert_eq!(s.oversampling, Oversampling::X16);
        s.set_by_key("dither", "16-bit-shaped").unwrap();
        assert_eq!(s.dither, Dither::Bits16Shaped);
        s.set_by_key("unity_gain", "on").unwrap();
        assert!(s.unity_gain);
        let err = s.set_by_key("ceiling_dbtp", "3").unwrap_err().0;
        assert!(err.contains("-12..0 dBTP"), "{err}");
        let err = s.set_by_key("nope", "1").unwrap_err().0;
        assert!(err.contains("release_ms: 1..1000 ms"), "{err}");
    }
}
