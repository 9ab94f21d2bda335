//! The Dynamic EQ's settings as text keys (`vernis render --set eq.band3.frequency_hz=3000`):
//! their list for `--help`, parsing with range checks, and the text of every value.
//!
//! Global keys: `output_gain_db`, `phase`. Band keys `band{k}.<key>` for k = 1..24: `enabled`, `shape`,
//! `frequency_hz`, `gain_db`, `q`, `slope_db_per_oct`, `placement`, `dynamic`, `threshold_db`,
//! `ratio`, `range_db`, `attack_ms`, `release_ms`, `knee_db`, `detector`, `trigger`,
//! `sidechain`, `bypass`, `solo`.

use super::settings::{
    DynamicEqSettings, EqPhase, EqTrigger, MAX_EQ_BANDS, MAX_OUTPUT_GAIN_DB, MAX_RANGE_DB,
};
use crate::dynamics::settings::{parse_switch, SettingError, SettingKind, SettingSpec};
use crate::dynamics::{BandChannel, BandDetector, BandSidechain};
use crate::filter::eq_shape::{
    CutSlope, EqShape, MAX_FREQUENCY_HZ, MAX_Q, MIN_FREQUENCY_HZ, MIN_Q,
};

const SHAPE_KEYS: &[&str] = &[
    "bell",
    "low-shelf",
    "high-shelf",
    "low-cut",
    "high-cut",
    "notch",
    "band-pass",
    "tilt-shelf",
    "all-pass",
];
const SLOPE_KEYS: &[&str] = &["6", "12", "18", "24", "36", "48", "72", "96"];
const PLACEMENT_KEYS: &[&str] = &["stereo", "mid", "side", "left", "right"];
const DETECTOR_KEYS: &[&str] = &["peak", "rms"];
const TRIGGER_KEYS: &[&str] = &["above", "below"];
const SIDECHAIN_KEYS: &[&str] = &["internal", "external"];
const PHASE_KEYS: &[&str] = &["zero-latency", "linear-phase"];

impl DynamicEqSettings {
    /// Global settings with their keys and valid values.
    pub const GLOBAL_SPECS: [SettingSpec; 2] = [
        SettingSpec::number(
            "output_gain_db",
            -MAX_OUTPUT_GAIN_DB,
            MAX_OUTPUT_GAIN_DB,
            "dB",
        ),
        SettingSpec::choice("phase", PHASE_KEYS),
    ];

    /// Per-band settings (`band{k}.<key>`, k = 1..24) with their valid values.
    pub const BAND_SPECS: [SettingSpec; 19] = [
        SettingSpec::switch("enabled"),
        SettingSpec::choice("shape", SHAPE_KEYS),
        SettingSpec::number(
            "frequency_hz",
            MIN_FREQUENCY_HZ as f32,
            MAX_FREQUENCY_HZ as f32,
            "Hz",
        ),
        SettingSpec::number("gain_db", -30.0, 30.0, "dB"),
        SettingSpec::number("q", MIN_Q as f32, MAX_Q as f32, ""),
        SettingSpec::choice("slope_db_per_oct", SLOPE_KEYS),
        SettingSpec::choice("placement", PLACEMENT_KEYS),
        SettingSpec::switch("dynamic"),
        SettingSpec::number("threshold_db", -80.0, 0.0, "dB"),
        SettingSpec::number("ratio", 1.0, 100.0, ""),
        SettingSpec::number("range_db", -MAX_RANGE_DB, MAX_RANGE_DB, "dB"),
        SettingSpec::number("attack_ms", 0.1, 500.0, "ms"),
        SettingSpec::number("release_ms", 1.0, 5000.0, "ms"),
        SettingSpec::number("knee_db", 0.0, 24.0, "dB"),
        SettingSpec::choice("detector", DETECTOR_KEYS),
        SettingSpec::choice("trigger", TRIGGER_KEYS),
        SettingSpec::choice("sidechain", SIDECHAIN_KEYS),
        SettingSpec::switch("bypass"),
        SettingSpec::switch("solo"),
    ];

    /// Every valid key and its values, one per line (for error messages and `--help`).
    pub fn describe_keys() -> String {
        let mut out = String::new();
        for spec in Self::GLOBAL_SPECS {
            out.push_str(&format!("  {}: {}\n", spec.key, spec.kind.describe()));
        }
        for spec in Self::BAND_SPECS {
            out.push_str(&format!(
                "  band1..24.{}: {}\n",
                spec.key,
                spec.kind.describe()
            ));
        }
        out
    }

    /// The kind of value `key` takes (None for an unknown key).
    pub fn kind_of(key: &str) -> Option<SettingKind> {
        let (specs, bare): (&[SettingSpec], &str) = match split_band_key(key) {
            Some((_, bare)) => (&Self::BAND_SPECS, bare),
            None => (&Self::GLOBAL_SPECS, key),
        };
        specs.iter().find(|s| s.key == bare).map(|s| s.kind)
    }

    /// Every key with the text of its value: the global keys, then every key of each enabled band.
    pub fn key_values(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Self::GLOBAL_SPECS
            .iter()
            .filter_map(|s| Some((s.key.to_string(), self.value_text(s.key)?)))
            .collect();
        for (i, band) in self.bands.iter().enumerate() {
            if !band.used {
                continue;
            }
            for s in Self::BAND_SPECS {
                let key = format!("band{}.{}", i + 1, s.key);
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
        let Some((k, bare)) = split_band_key(key) else {
            return match key {
                "output_gain_db" => Some(format!("{}", self.output_gain_db)),
                "phase" => Some(self.phase.key().to_string()),
                _ => None,
            };
        };
        let b = &self.bands[k];
        let (f, d) = (&b.filter, &b.dynamics);
        Some(match bare {
            "enabled" => on_off(b.used),
            "shape" => f.shape.key().to_string(),
            "frequency_hz" => format!("{}", f.frequency_hz),
            "gain_db" => format!("{}", f.gain_db),
            "q" => format!("{}", f.q),
            "slope_db_per_oct" => format!("{}", f.slope.db_per_octave()),
            "placement" => b.placement.key().to_string(),
            "dynamic" => on_off(d.enabled),
            "threshold_db" => format!("{}", d.threshold_db),
            "ratio" => format!("{}", d.ratio),
            "range_db" => format!("{}", d.range_db),
            "attack_ms" => format!("{}", d.attack_ms),
            "release_ms" => format!("{}", d.release_ms),
            "knee_db" => format!("{}", d.knee_db),
            "detector" => d.detector.key().to_string(),
            "trigger" => d.trigger.key().to_string(),
            "sidechain" => d.sidechain.key().to_string(),
            "bypass" => on_off(b.bypass),
            "solo" => on_off(b.solo),
            _ => return None,
        })
    }

    /// Sets one setting from text (`output_gain_db`, `band3.frequency_hz`), validating the key
    /// and the value.
    pub fn set_by_key(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let unknown = || {
            SettingError(format!(
                "unknown setting `{key}`; valid settings:\n{}",
                Self::describe_keys()
            ))
        };
        let kind = Self::kind_of(key).ok_or_else(unknown)?;
        let bad = |what: &str| SettingError(format!("invalid value `{value}` for `{key}`: {what}"));
        let number = || -> Result<f32, SettingError> {
            let SettingKind::Number { min, max, .. } = kind else {
                return Err(bad("not a number setting"));
            };
            let v: f32 = value.trim().parse().map_err(|_| bad("not a number"))?;
            if (min..=max).contains(&v) {
                Ok(v)
            } else {
                Err(bad(&format!("must be within {}", kind.describe())))
            }
        };
        let switch = || parse_switch(value).ok_or_else(|| bad("expected on or off"));
        let expected = || match kind {
            SettingKind::Choice(keys) => bad(&format!("expected one of {}", keys.join(", "))),
            _ => bad("unexpected value"),
        };
        let Some((k, bare)) = split_band_key(key) else {
            if key == "phase" {
                self.phase = EqPhase::parse(value).ok_or_else(expected)?;
            } else {
                self.output_gain_db = number()?;
            }
            return Ok(());
        };
        let b = &mut self.bands[k];
        match bare {
            "enabled" => b.used = switch()?,
            "shape" => b.filter.shape = EqShape::parse(value).ok_or_else(expected)?,
            "frequency_hz" => b.filter.frequency_hz = f64::from(number()?),
            "gain_db" => b.filter.gain_db = f64::from(number()?),
            "q" => b.filter.q = f64::from(number()?),
            "slope_db_per_oct" => b.filter.slope = CutSlope::parse(value).ok_or_else(expected)?,
            "placement" => b.placement = BandChannel::parse(value).ok_or_else(expected)?,
            "dynamic" => b.dynamics.enabled = switch()?,
            "threshold_db" => b.dynamics.threshold_db = number()?,
            "ratio" => b.dynamics.ratio = number()?,
            "range_db" => b.dynamics.range_db = number()?,
            "attack_ms" => b.dynamics.attack_ms = number()?,
            "release_ms" => b.dynamics.release_ms = number()?,
            "knee_db" => b.dynamics.knee_db = number()?,
            "detector" => b.dynamics.detector = BandDetector::parse(value).ok_or_else(expected)?,
            "trigger" => b.dynamics.trigger = EqTrigger::parse(value).ok_or_else(expected)?,
            "sidechain" => {
                b.dynamics.sidechain = BandSidechain::parse(value).ok_or_else(expected)?
            }
            "bypass" => b.bypass = switch()?,
            _ => b.solo = switch()?,
        }
        Ok(())
    }
}

/// `band3.q` → (2, "q") for bands 1..=24.
fn split_band_key(key: &str) -> Option<(usize, &str)> {
    let (number, bare) = key.strip_prefix("band")?.split_once('.')?;
    let k: usize = number.parse().ok()?;
    (1..=MAX_EQ_BANDS).contains(&k).then_some((k - 1, bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_set_validate_and_round_trip() {
        let mut s = DynamicEqSettings::default();
        for (k, v) in [
            ("band3.enabled", "on"),
            ("band3.shape", "bell"),
            ("band3.frequency_hz", "3000"),
            ("band3.q", "1.5"),
            ("band3.dynamic", "on"),
            ("band3.threshold_db", "-20"),
            ("band3.range_db", "-6"),
            ("band3.trigger", "below"),
            ("band24.enabled", "on"),
            ("band24.shape", "low-cut"),
            ("band24.slope_db_per_oct", "48"),
            ("band24.placement", "side"),
            ("output_gain_db", "-1.5"),
            ("phase", "linear-phase"),
        ] {
            s.set_by_key(k, v).unwrap();
        }
        let b = &s.bands[2];
        assert!(b.used && b.dynamics.enabled);
        assert_eq!(
            (b.filter.frequency_hz, b.filter.q, b.dynamics.range_db),
            (3000.0, 1.5, -6.0)
        );
        assert_eq!(b.dynamics.trigger, EqTrigger::Below);
        assert_eq!(s.bands[23].filter.slope, CutSlope::Db48);
        assert_eq!(s.bands[23].placement, BandChannel::Side);
        assert_eq!(s.phase, EqPhase::LinearPhase);
        let mut again = DynamicEqSettings::default();
        for (k, v) in s.key_values() {
            again.set_by_key(&k, &v).unwrap();
        }
        assert_eq!(again, s);
        assert!(!s.key_values().iter().any(|(k, _)| k.starts_with("band1.")));
        for (key, value, needle) in [
            ("band25.q", "1", "unknown setting"),
            ("band2.ratio", "200", "1..100"),
            ("band2.shape", "round", "bell, low-shelf"),
            ("band2.slope_db_per_oct", "30", "6, 12, 18"),
            ("band1.dynamic", "maybe", "on or off"),
            ("phase", "natural", "zero-latency, linear-phase"),
            ("nope", "1", "band1..24.sidechain: internal|external"),
        ] {
            let err = s.set_by_key(key, value).unwrap_err().0;
            assert!(err.contains(needle), "{key}={value}: {err}");
        }
    }
}
