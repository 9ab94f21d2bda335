//! Settings of the multiband compressor/expander, in user units, and their text keys
//! (`vernis render --set multiband.<key>=<value>`), shared by the plugin, the CLI and the editor.

use super::band_settings::{BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain};
use super::settings::{SettingError, SettingKind, SettingSpec};
use crate::filter::crossover_settings::{
    CrossoverMode, CrossoverSettings, CrossoverSlope, DEFAULT_CROSSOVERS_HZ, MAX_BANDS,
    MAX_CROSSOVERS,
};

/// Longest lookahead, ms.
pub const MAX_LOOKAHEAD_MS: f32 = 20.0;

/// Every setting of [`crate::dynamics::multiband::MultibandCompressor`], in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MultibandSettings {
    /// Number of bands (1..6).
    pub bands: usize,
    /// Crossover frequencies, Hz (20..20000), kept ascending a third of an octave apart.
    pub crossovers_hz: [f32; MAX_CROSSOVERS],
    /// Phase mode of the crossovers.
    pub mode: CrossoverMode,
    /// Slope of the crossovers.
    pub slope: CrossoverSlope,
    /// Delay of the audio behind the detectors, ms (0..20); adds to the latency.
    pub lookahead_ms: f32,
    /// Wet share of the output, % (0..100); the dry signal is latency-compensated.
    pub mix_percent: f32,
    /// Gain after everything, dB (−24..24).
    pub output_gain_db: f32,
    /// Adds each band's static gain change at its threshold back (see the compressor's docs).
    pub auto_makeup: bool,
    /// Per-band settings; only the first `bands` are used.
    pub band: [BandSettings; MAX_BANDS],
    /// Latency-compensated bypass of the whole processor (crossfaded).
    pub bypass: bool,
}

impl Default for MultibandSettings {
    fn default() -> Self {
        Self {
            bands: 4,
            crossovers_hz: DEFAULT_CROSSOVERS_HZ,
            mode: CrossoverMode::MinimumPhase,
            slope: CrossoverSlope::Db24,
            lookahead_ms: 0.0,
            mix_percent: 100.0,
            output_gain_db: 0.0,
            auto_makeup: false,
            band: [BandSettings::default(); MAX_BANDS],
            bypass: false,
        }
    }
}

const MODE_KEYS: &[&str] = &["minimum-phase", "linear-phase", "dynamic-phase"];
const SLOPE_KEYS: &[&str] = &["24", "48"];
const DIRECTION_KEYS: &[&str] = &["compress-down", "compress-up", "expand-down", "expand-up"];
const DETECTOR_KEYS: &[&str] = &["peak", "rms"];
const CHANNEL_KEYS: &[&str] = &["stereo", "mid", "side", "left", "right"];
const SIDECHAIN_KEYS: &[&str] = &["internal", "external"];

const fn number(key: &'static str, min: f32, max: f32, unit: &'static str) -> SettingSpec {
    SettingSpec::number(key, min, max, unit)
}

const fn switch(key: &'static str) -> SettingSpec {
    SettingSpec::switch(key)
}

const fn choice(key: &'static str, keys: &'static [&'static str]) -> SettingSpec {
    SettingSpec::choice(key, keys)
}

impl MultibandSettings {
    /// Global settings with their keys and valid values (crossover `k` is `crossover{k}_hz`).
    pub const GLOBAL_SPECS: [SettingSpec; 13] = [
        number("bands", 1.0, 6.0, ""),
        number("crossover1_hz", 20.0, 20000.0, "Hz"),
        number("crossover2_hz", 20.0, 20000.0, "Hz"),
        number("crossover3_hz", 20.0, 20000.0, "Hz"),
        number("crossover4_hz", 20.0, 20000.0, "Hz"),
        number("crossover5_hz", 20.0, 20000.0, "Hz"),
        choice("mode", MODE_KEYS),
        choice("slope_db_per_oct", SLOPE_KEYS),
        number("lookahead_ms", 0.0, MAX_LOOKAHEAD_MS, "ms"),
        number("mix_pct", 0.0, 100.0, "%"),
        number("output_gain_db", -24.0, 24.0, "dB"),
        switch("auto_makeup"),
        switch("bypass"),
    ];

    /// Per-band settings with their keys (`band{k}.<key>`, k = 1..6) and valid values.
    pub const BAND_SPECS: [SettingSpec; 15] = [
        choice("direction", DIRECTION_KEYS),
        number("threshold_db", -80.0, 0.0, "dB"),
        number("ratio", 1.0, 100.0, ""),
        number("knee_db", 0.0, 24.0, "dB"),
        number("attack_ms", 0.01, 500.0, "ms"),
        number("release_ms", 1.0, 5000.0, "ms"),
        number("range_db", 0.0, 60.0, "dB"),
        number("makeup_db", -24.0, 24.0, "dB"),
        choice("detector", DETECTOR_KEYS),
        choice("channel", CHANNEL_KEYS),
        choice("sidechain", SIDECHAIN_KEYS),
        number("transient_db", -12.0, 12.0, "dB"),
        switch("solo"),
        switch("mute"),
        switch("bypass"),
    ];

    /// The crossover part of the settings.
    pub fn crossover(&self) -> CrossoverSettings {
        CrossoverSettings {
            bands: self.bands.clamp(1, MAX_BANDS),
            crossovers_hz: self.crossovers_hz,
            mode: self.mode,
            slope: self.slope,
        }
    }

    /// Every valid key and its values, one per line (for error messages and `--help`).
    pub fn describe_keys() -> String {
        let mut out = String::new();
        for spec in Self::GLOBAL_SPECS {
            out.push_str(&format!("  {}: {}\n", spec.key, describe_kind(spec.kind)));
        }
        for spec in Self::BAND_SPECS {
            out.push_str(&format!(
                "  band1..6.{}: {}\n",
                spec.key,
                describe_kind(spec.kind)
            ));
        }
        out
    }

    /// Every key with the text of its current value (global keys first, then `band{k}.…` for the used bands).
    pub fn key_values(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Self::GLOBAL_SPECS
            .iter()
            .filter_map(|s| Some((s.key.to_string(), self.value_text(s.key)?)))
            .collect();
        for k in 1..=self.bands.clamp(1, MAX_BANDS) {
            for s in Self::BAND_SPECS {
                let key = format!("band{k}.{}", s.key);
                if let Some(v) = self.value_text(&key) {
                    out.push((key, v));
                }
            }
        }
        out
    }

    /// A setting's value as text that [`set_by_key`](Self::set_by_key) reads back to the same value.
    pub fn value_text(&self, key: &str) -> Option<String> {
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        if let Some((k, rest)) = split_band_key(key) {
            let b = &self.band[k];
            return Some(match rest {
                "direction" => b.direction.key().to_string(),
                "threshold_db" => format!("{}", b.threshold_db),
                "ratio" => format!("{}", b.ratio),
                "knee_db" => format!("{}", b.knee_db),
                "attack_ms" => format!("{}", b.attack_ms),
                "release_ms" => format!("{}", b.release_ms),
                "range_db" => format!("{}", b.range_db),
                "makeup_db" => format!("{}", b.makeup_db),
                "detector" => b.detector.key().to_string(),
                "channel" => b.channel.key().to_string(),
                "sidechain" => b.sidechain.key().to_string(),
                "transient_db" => format!("{}", b.transient_db),
                "solo" => on_off(b.solo),
                "mute" => on_off(b.mute),
                "bypass" => on_off(b.bypass),
                _ => return None,
            });
        }
        Some(match key {
            "bands" => format!("{}", self.bands),
            "mode" => self.mode.key().to_string(),
            "slope_db_per_oct" => format!("{}", self.slope.db_per_octave()),
            "lookahead_ms" => format!("{}", self.lookahead_ms),
            "mix_pct" => format!("{}", self.mix_percent),
            "output_gain_db" => format!("{}", self.output_gain_db),
            "auto_makeup" => on_off(self.auto_makeup),
            "bypass" => on_off(self.bypass),
            _ => {
                let k = crossover_index(key)?;
                format!("{}", self.crossovers_hz[k])
            }
        })
    }

    /// Sets one setting from text (`threshold_db` style keys, `band2.ratio` for bands), validating key and range.
    pub fn set_by_key(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let unknown = || {
            SettingError(format!(
                "unknown setting `{key}`; valid settings:\n{}",
                Self::describe_keys()
            ))
        };
        let (band, bare) = match split_band_key(key) {
            Some((k, rest)) => (Some(k), rest),
            None if key.starts_with("band") && key.contains('.') => return Err(unknown()),
            None => (None, key),
        };
        let specs: &[SettingSpec] = if band.is_some() {
            &Self::BAND_SPECS
        } else {
            &Self::GLOBAL_SPECS
        };
        let spec = specs.iter().find(|s| s.key == bare).ok_or_else(unknown)?;
        let bad = |what: &str| SettingError(format!("invalid value `{value}` for `{key}`: {what}"));
        match spec.kind {
            SettingKind::Number { min, max, unit } => {
                let v: f32 = value.trim().parse().map_err(|_| bad("not a number"))?;
                if !(min..=max).contains(&v) {
                    return Err(bad(&format!("must be within {min}..{max} {unit}")));
                }
                if let Some(k) = band {
                    let b = &mut self.band[k];
                    match bare {
                        "threshold_db" => b.threshold_db = v,
                        "ratio" => b.ratio = v,
                        "knee_db" => b.knee_db = v,
                        "attack_ms" => b.attack_ms = v,
                        "release_ms" => b.release_ms = v,
                        "range_db" => b.range_db = v,
                        "makeup_db" => b.makeup_db = v,
                        _ => b.transient_db = v,
                    }
                } else {
                    match bare {
                        "bands" => {
                            if v.fract() != 0.0 {
                                return Err(bad("must be a whole number 1..6"));
                            }
                            self.bands = v as usize;
                        }
                        "lookahead_ms" => self.lookahead_ms = v,
                        "mix_pct" => self.mix_percent = v,
                        "output_gain_db" => self.output_gain_db = v,
                        _ => self.crossovers_hz[crossover_index(bare).unwrap_or(0)] = v,
                    }
                }
            }
            SettingKind::Switch => {
                let v = match value.trim().to_ascii_lowercase().as_str() {
                    "on" | "true" | "1" | "yes" => true,
                    "off" | "false" | "0" | "no" => false,
                    _ => return Err(bad("expected on or off")),
                };
                match (band, bare) {
                    (Some(k), "solo") => self.band[k].solo = v,
                    (Some(k), "mute") => self.band[k].mute = v,
                    (Some(k), _) => self.band[k].bypass = v,
                    (None, "auto_makeup") => self.auto_makeup = v,
                    (None, _) => self.bypass = v,
                }
            }
            SettingKind::Choice(keys) => {
                let expected = || bad(&format!("expected one of {}", keys.join(", ")));
                match (band, bare) {
                    (None, "mode") => {
                        self.mode = CrossoverMode::parse(value).ok_or_else(expected)?
                    }
                    (None, _) => self.slope = CrossoverSlope::parse(value).ok_or_else(expected)?,
                    (Some(k), "direction") => {
                        self.band[k].direction = BandDirection::parse(value).ok_or_else(expected)?
                    }
                    (Some(k), "detector") => {
                        self.band[k].detector = BandDetector::parse(value).ok_or_else(expected)?
                    }
                    (Some(k), "channel") => {
                        self.band[k].channel = BandChannel::parse(value).ok_or_else(expected)?
                    }
                    (Some(k), _) => {
                        self.band[k].sidechain = BandSidechain::parse(value).ok_or_else(expected)?
                    }
                }
            }
        }
        Ok(())
    }
}

fn describe_kind(kind: SettingKind) -> String {
    kind.describe()
}

/// `band3.ratio` → (2, "ratio") for bands 1..=6.
fn split_band_key(key: &str) -> Option<(usize, &str)> {
    let rest = key.strip_prefix("band")?;
    let (number, bare) = rest.split_once('.')?;
    let k: usize = number.parse().ok()?;
    (1..=MAX_BANDS).contains(&k).then_some((k - 1, bare))
}

/// `crossover3_hz` → 2.
fn crossover_index(key: &str) -> Option<usize> {
    let n: usize = key
        .strip_prefix("crossover")?
        .strip_suffix("_hz")?
        .parse()
        .ok()?;
    (1..=MAX_CROSSOVERS).contains(&n).then_some(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_set_validate_and_round_trip() {
        let mut s = MultibandSettings::default();
        s.set_by_key("bands", "6").unwrap();
        s.set_by_key("crossover3_hz", "2500").unwrap();
        s.set_by_key("mode", "linear-phase").unwrap();
        s.set_by_key("slope_db_per_oct", "48").unwrap();
        s.set_by_key("band2.threshold_db", "-30").unwrap();
        s.set_by_key("band6.direction", "expand-up").unwrap();
        s.set_by_key("band1.channel", "side").unwrap();
        s.set_by_key("band4.solo", "on").unwrap();
        assert_eq!(s.bands, 6);
        assert_eq!(s.crossovers_hz[2], 2500.0);
        assert_eq!(s.mode, CrossoverMode::LinearPhase);
        assert_eq!(s.slope, CrossoverSlope::Db48);
        assert_eq!(s.band[1].threshold_db, -30.0);
        assert_eq!(s.band[5].direction, BandDirection::ExpandUp);
        assert_eq!(s.band[0].channel, BandChannel::Side);
        assert!(s.band[3].solo);
        let mut again = MultibandSettings::default();
        for (k, v) in s.key_values() {
            again.set_by_key(&k, &v).unwrap();
        }
        assert_eq!(again, s);
        for (key, value, needle) in [
            ("band7.ratio", "2", "unknown setting"),
            ("band2.ratio", "200", "1..100"),
            ("bands", "2.5", "whole number"),
            ("crossover6_hz", "100", "unknown setting"),
            ("band1.detector", "loud", "peak, rms"),
            ("nope", "1", "band1..6.transient_db: -12..12 dB"),
        ] {
            let err = s.set_by_key(key, value).unwrap_err().0;
            assert!(err.contains(needle), "{key}={value}: {err}");
        }
    }
}
