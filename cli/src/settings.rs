//! The chain's settings on the command line: `--set <stage>.<key>=<value>` for the limiter
//! (`limiter.ceiling_dbtp=-1`), the multiband (`multiband.band2.threshold_db=-30`) and the dynamic
//! EQ (`eq.band3.frequency_hz=3000`), their
//! listing for `--help` and error messages, the `render` arguments that reproduce a chain, and
//! the settings as JSON.
//!
//! A stage with no key set (and, for `render`, no `--preset`) is left out of the chain (see
//! [`chain_settings`]); the pre-gain has its
//! own option (`--pre-gain`).

use dsp_core::chain::{ChainSettings, Stage};
use dsp_core::dynamics::{LimiterSettings, MultibandSettings, SettingKind, SettingSpec};
use dsp_core::eq::DynamicEqSettings;
use serde_json::{Map, Value};

/// Prefix of the limiter's keys on the command line (`--set limiter.<key>=<value>`).
pub const LIMITER_PREFIX: &str = "limiter.";

/// Prefix of the multiband's keys on the command line (`--set multiband.<key>=<value>`).
pub const MULTIBAND_PREFIX: &str = "multiband.";

/// Prefix of the dynamic EQ's keys on the command line (`--set eq.<key>=<value>`).
pub const EQ_PREFIX: &str = "eq.";

/// One parsed `--set`: the stage it belongs to, its key within the stage, and the value as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetArg {
    /// [`Stage::Limiter`], [`Stage::Multiband`] or [`Stage::Eq`].
    pub stage: Stage,
    /// The key without the stage prefix (`ceiling_dbtp`, `band2.ratio`).
    pub key: String,
    /// The value, as given.
    pub value: String,
}

/// The valid `--set` keys and values of every stage, one per line.
pub fn describe_settings() -> String {
    let mut out = String::from("  Dynamic EQ (band keys for bands 1 to 24: eq.band<k>.<key>):\n");
    for line in DynamicEqSettings::describe_keys().lines() {
        out.push_str(&format!("  {EQ_PREFIX}{}\n", line.trim_start()));
    }
    out.push_str("  Limiter:\n");
    for line in LimiterSettings::describe_keys().lines() {
        out.push_str(&format!("  {LIMITER_PREFIX}{}\n", line.trim_start()));
    }
    out.push_str("  Multiband (band keys for bands 1 to 6: multiband.band<k>.<key>):\n");
    for line in MultibandSettings::describe_keys().lines() {
        out.push_str(&format!("  {MULTIBAND_PREFIX}{}\n", line.trim_start()));
    }
    out
}

/// The `--help` section listing every setting.
pub fn settings_help() -> String {
    format!(
        "Settings (--set eq.<key>=<value>, --set multiband.<key>=<value>, --set limiter.<key>=<value>):\n{}",
        describe_settings()
    )
}

fn multiband_key_exists(key: &str) -> bool {
    let in_specs = |specs: &[SettingSpec], k: &str| specs.iter().any(|s| s.key == k);
    if in_specs(&MultibandSettings::GLOBAL_SPECS, key) {
        return true;
    }
    let Some((band, rest)) = key.strip_prefix("band").and_then(|r| r.split_once('.')) else {
        return false;
    };
    let band_ok = band
        .parse::<usize>()
        .is_ok_and(|k| (1..=dsp_core::filter::crossover_settings::MAX_BANDS).contains(&k));
    band_ok && in_specs(&MultibandSettings::BAND_SPECS, rest)
}

/// A multiband error message with its key as given on the command line (`multiband.band2.ratio`).
fn with_prefix(message: &str, bare: &str) -> String {
    with_stage_prefix(message, MULTIBAND_PREFIX, bare)
}

/// An error message with its key as given on the command line (`prefix` + `bare`).
fn with_stage_prefix(message: &str, prefix: &str, bare: &str) -> String {
    message
        .replace(&format!("`{bare}`"), &format!("`{prefix}{bare}`"))
        .trim_end()
        .to_string()
}

/// Parses one `--set <stage>.<key>=<value>`, checking the key and the value; the error is one
/// line saying what is wrong, then every key with its valid values.
pub fn parse_setting(arg: &str) -> Result<SetArg, String> {
    let listing = || format!("valid settings:\n{}", describe_settings());
    let Some((key, value)) = arg.split_once('=') else {
        return Err(format!(
            "expected <stage>.<key>=<value> (e.g. limiter.ceiling_dbtp=-1), got `{arg}`; {}",
            listing()
        ));
    };
    let key = key.trim();
    if let Some(bare) = key.strip_prefix(LIMITER_PREFIX) {
        if !LimiterSettings::SPECS.iter().any(|s| s.key == bare) {
            return Err(format!("unknown setting `{key}`; {}", listing()));
        }
        LimiterSettings::default()
            .set_by_key(bare, value)
            .map_err(|e| format!("{e}; {}", listing()))?;
        return Ok(SetArg {
            stage: Stage::Limiter,
            key: bare.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(bare) = key.strip_prefix(MULTIBAND_PREFIX) {
        if !multiband_key_exists(bare) {
            return Err(format!("unknown setting `{key}`; {}", listing()));
        }
        MultibandSettings::default()
            .set_by_key(bare, value)
            .map_err(|e| format!("{}; {}", with_prefix(&e.0, bare), listing()))?;
        return Ok(SetArg {
            stage: Stage::Multiband,
            key: bare.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(bare) = key.strip_prefix(EQ_PREFIX) {
        if DynamicEqSettings::kind_of(bare).is_none() {
            return Err(format!("unknown setting `{key}`; {}", listing()));
        }
        DynamicEqSettings::default()
            .set_by_key(bare, value)
            .map_err(|e| {
                format!(
                    "{}; {}",
                    with_stage_prefix(&e.0, EQ_PREFIX, bare),
                    listing()
                )
            })?;
        return Ok(SetArg {
            stage: Stage::Eq,
            key: bare.to_string(),
            value: value.to_string(),
        });
    }
    Err(format!(
        "unknown setting `{key}` (keys start with `{EQ_PREFIX}`, `{MULTIBAND_PREFIX}` or `{LIMITER_PREFIX}`); {}",
        listing()
    ))
}

/// The limiter's settings: `base` with the limiter `--set`s applied in order (a later value wins).
pub fn limiter_settings(base: LimiterSettings, sets: &[SetArg]) -> Result<LimiterSettings, String> {
    let mut s = base;
    for set in sets.iter().filter(|s| s.stage == Stage::Limiter) {
        s.set_by_key(&set.key, &set.value)
            .map_err(|e| e.to_string())?;
    }
    Ok(s)
}

/// The multiband's settings when any multiband key is set (defaults for the rest), else `None`.
pub fn multiband_settings(sets: &[SetArg]) -> Result<Option<MultibandSettings>, String> {
    multiband_settings_over(None, sets)
}

/// The multiband's settings: `base` (a preset's, or defaults when a multiband key is set) with
/// the multiband `--set`s applied in order; `None` when there is neither.
pub fn multiband_settings_over(
    base: Option<MultibandSettings>,
    sets: &[SetArg],
) -> Result<Option<MultibandSettings>, String> {
    let mut out = base;
    for set in sets.iter().filter(|s| s.stage == Stage::Multiband) {
        out.get_or_insert_with(MultibandSettings::default)
            .set_by_key(&set.key, &set.value)
            .map_err(|e| with_prefix(&e.0, &set.key))?;
    }
    Ok(out)
}

/// The dynamic EQ's settings when any EQ key is set (defaults for the rest), else `None`.
pub fn eq_settings(sets: &[SetArg]) -> Result<Option<DynamicEqSettings>, String> {
    eq_settings_over(None, sets)
}

/// The dynamic EQ's settings: `base` (a preset's, or defaults when an EQ key is set) with the
/// EQ `--set`s applied in order; `None` when there is neither.
pub fn eq_settings_over(
    base: Option<DynamicEqSettings>,
    sets: &[SetArg],
) -> Result<Option<DynamicEqSettings>, String> {
    let mut out = base;
    for set in sets.iter().filter(|s| s.stage == Stage::Eq) {
        out.get_or_insert_with(DynamicEqSettings::default)
            .set_by_key(&set.key, &set.value)
            .map_err(|e| with_stage_prefix(&e.0, EQ_PREFIX, &set.key))?;
    }
    Ok(out)
}

/// One warning per multiband `--set` addressed to a band the settings do not use (its number is
/// above `multiband.bands`): accepted, so a preset can carry them, but it does nothing.
pub fn unused_band_warnings(sets: &[SetArg], multiband: Option<&MultibandSettings>) -> Vec<String> {
    let Some(m) = multiband else {
        return Vec::new();
    };
    sets.iter()
        .filter(|s| s.stage == Stage::Multiband)
        .filter_map(|s| {
            let rest = s.key.strip_prefix("band")?;
            let band: usize = rest.split('.').next()?.parse().ok()?;
            (band > m.bands).then(|| {
                format!(
                    "{MULTIBAND_PREFIX}{} is set, but {MULTIBAND_PREFIX}bands is {}: band {band} is not used",
                    s.key, m.bands
                )
            })
        })
        .collect()
}

/// The chain `render` runs: the stages of `base` (the `--preset` files' chain; empty without
/// them) with the `--set`s applied on top, in order; a stage in neither is left out, and a stage
/// only set starts from its defaults. The pre-gain is `pre_gain_db` (`base`'s is not used:
/// presets carry none).
pub fn chain_settings(
    base: &ChainSettings,
    pre_gain_db: f32,
    sets: &[SetArg],
) -> Result<ChainSettings, String> {
    let has_limiter = sets.iter().any(|s| s.stage == Stage::Limiter);
    let limiter = match base.limiter {
        Some(l) => Some(l),
        None if has_limiter => Some(LimiterSettings::default()),
        None => None,
    };
    Ok(ChainSettings {
        eq: eq_settings_over(base.eq, sets)?,
        multiband: multiband_settings_over(base.multiband, sets)?,
        pre_gain_db,
        limiter: limiter.map(|l| limiter_settings(l, sets)).transpose()?,
    })
}

/// The `render` arguments that reproduce `chain` (`--pre-gain …`, then one `--set` per setting:
/// the multiband's global keys and those of its used bands, then every limiter key).
pub fn render_args(chain: &ChainSettings) -> Vec<String> {
    let mut args = vec!["--pre-gain".to_string(), format!("{}", chain.pre_gain_db)];
    if let Some(e) = &chain.eq {
        // Every global key is listed, so an EQ stage with no band on is still reproduced.
        for (key, value) in e.key_values() {
            args.push("--set".into());
            args.push(format!("{EQ_PREFIX}{key}={value}"));
        }
    }
    if let Some(m) = &chain.multiband {
        for (key, value) in m.key_values() {
            args.push("--set".into());
            args.push(format!("{MULTIBAND_PREFIX}{key}={value}"));
        }
    }
    if let Some(l) = &chain.limiter {
        for spec in LimiterSettings::SPECS {
            if let Some(value) = setting_text(l, spec.key) {
                args.push("--set".into());
                args.push(format!("{LIMITER_PREFIX}{}={value}", spec.key));
            }
        }
    }
    args
}

/// A limiter setting's value as text that [`LimiterSettings::set_by_key`] reads back to the same value.
pub fn setting_text(s: &LimiterSettings, key: &str) -> Option<String> {
    let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
    Some(match key {
        // `{}` of an f32 is its shortest round-trip form.
        "input_gain_db" => format!("{}", s.input_gain_db),
        "ceiling_dbtp" => format!("{}", s.ceiling_dbtp),
        "lookahead_ms" => format!("{}", s.lookahead_ms),
        "release_ms" => format!("{}", s.release_ms),
        "auto_release" => on_off(s.auto_release),
        "stereo_link_percent" => format!("{}", s.stereo_link_percent),
        "style" => s.style.key().to_string(),
        "oversampling" => s.oversampling.name().to_string(),
        "unity_gain" => on_off(s.unity_gain),
        "dither" => s.dither.key().to_string(),
        "dc_filter" => on_off(s.dc_filter),
        "bypass" => on_off(s.bypass),
        _ => return None,
    })
}

/// A value for JSON by its kind: numbers, booleans, or the choice's key.
fn json_value(kind: Option<SettingKind>, text: Option<String>) -> Value {
    match (kind, text) {
        (Some(SettingKind::Number { .. }), Some(text)) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        (Some(SettingKind::Switch), Some(text)) => Value::Bool(text == "on"),
        (_, Some(text)) => Value::String(text),
        (_, None) => Value::Null,
    }
}

/// A limiter setting's value for JSON.
pub fn setting_json(s: &LimiterSettings, key: &str) -> Value {
    let spec = LimiterSettings::SPECS.iter().find(|spec| spec.key == key);
    json_value(spec.map(|s| s.kind), setting_text(s, key))
}

/// The dynamic EQ's settings for JSON: its global keys and each enabled band's keys.
pub fn eq_json(s: &DynamicEqSettings) -> Map<String, Value> {
    s.key_values()
        .into_iter()
        .map(|(key, text)| {
            let value = json_value(DynamicEqSettings::kind_of(&key), Some(text));
            (key, value)
        })
        .collect()
}

/// The multiband's settings for JSON: every global key, and each used band's keys (`band1.ratio` …).
pub fn multiband_json(s: &MultibandSettings) -> Map<String, Value> {
    let kind = |key: &str| {
        let bare = key.split_once('.').map_or(key, |(_, rest)| rest);
        let specs: &[SettingSpec] = if bare == key {
            &MultibandSettings::GLOBAL_SPECS
        } else {
            &MultibandSettings::BAND_SPECS
        };
        specs
            .iter()
            .find(|spec| spec.key == bare)
            .map(|spec| spec.kind)
    };
    s.key_values()
        .into_iter()
        .map(|(key, text)| {
            let value = json_value(kind(&key), Some(text));
            (key, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsp_core::dynamics::Dither;

    fn parse_all(args: &[String]) -> (f32, Vec<SetArg>) {
        assert_eq!(args[0], "--pre-gain");
        let sets = args[2..]
            .chunks(2)
            .map(|pair| {
                assert_eq!(pair[0], "--set");
                parse_setting(&pair[1]).unwrap()
            })
            .collect();
        (args[1].parse().unwrap(), sets)
    }

    #[test]
    fn render_args_round_trip() {
        let limiter = LimiterSettings {
            input_gain_db: 7.123,
            ceiling_dbtp: -1.3,
            dither: Dither::Bits16Shaped,
            ..Default::default()
        };
        let mut multiband = MultibandSettings::default();
        for (k, v) in [
            ("bands", "5"),
            ("mode", "dynamic-phase"),
            ("band2.threshold_db", "-31.5"),
            ("band5.direction", "expand-up"),
            ("output_gain_db", "-6"),
        ] {
            multiband.set_by_key(k, v).unwrap();
        }
        for chain in [
            ChainSettings {
                eq: None,
                multiband: Some(multiband),
                pre_gain_db: -2.5,
                limiter: Some(limiter),
            },
            ChainSettings {
                pre_gain_db: -2.5,
                limiter: Some(limiter),
                ..Default::default()
            },
            ChainSettings {
                multiband: Some(multiband),
                ..Default::default()
            },
            ChainSettings::default(),
        ] {
            let args = render_args(&chain);
            let (pre_gain_db, sets) = parse_all(&args);
            assert_eq!(
                chain_settings(&ChainSettings::default(), pre_gain_db, &sets).unwrap(),
                chain
            );
            if chain.limiter.is_some() {
                let limiter_sets = sets.iter().filter(|s| s.stage == Stage::Limiter).count();
                assert_eq!(limiter_sets, LimiterSettings::SPECS.len());
            }
        }
        for spec in LimiterSettings::SPECS {
            assert!(!setting_json(&limiter, spec.key).is_null(), "{}", spec.key);
        }
        assert_eq!(
            setting_json(&limiter, "input_gain_db"),
            serde_json::json!(7.123)
        );
        assert_eq!(setting_json(&limiter, "dither"), "16-bit-shaped");
        assert_eq!(setting_json(&limiter, "bypass"), false);
        let json = multiband_json(&multiband);
        assert_eq!(json["bands"], 5.0);
        assert_eq!(json["mode"], "dynamic-phase");
        assert_eq!(json["band2.threshold_db"], -31.5);
        assert_eq!(json["band5.direction"], "expand-up");
        assert_eq!(json["auto_makeup"], false);
        assert!(json.values().all(|v| !v.is_null()));
        assert!(
            !json.contains_key("band6.ratio"),
            "unused bands are left out"
        );
    }

    #[test]
    fn setting_errors_say_what_is_wrong_and_list_every_key() {
        for (bad, what) in [
            ("limiter.nope=1", "unknown setting `limiter.nope`"),
            ("ceiling_dbtp=-1", "keys start with"),
            ("limiter.ceiling_dbtp=3", "must be within -12..0 dBTP"),
            ("limiter.style=loud", "expected one of"),
            ("limiter.release_ms", "expected <stage>.<key>=<value>"),
            ("multiband.nope=1", "unknown setting `multiband.nope`"),
            (
                "multiband.band7.ratio=2",
                "unknown setting `multiband.band7.ratio`",
            ),
            ("multiband.band2.nope=2", "unknown setting"),
            (
                "multiband.band2.ratio=200",
                "invalid value `200` for `multiband.band2.ratio`: must be within 1..100;",
            ),
            ("multiband.bands=2.5", "whole number"),
            ("multiband.mode=fast", "expected one of"),
        ] {
            let err = parse_setting(bad).unwrap_err();
            let first = err.lines().next().unwrap();
            assert!(first.contains(what), "{bad}: {first}");
            for spec in LimiterSettings::SPECS {
                assert!(
                    err.contains(&format!("limiter.{}", spec.key)),
                    "{bad}: {err}"
                );
            }
            for spec in MultibandSettings::GLOBAL_SPECS {
                assert!(err.contains(&format!("multiband.{}", spec.key)), "{bad}");
            }
            for spec in MultibandSettings::BAND_SPECS {
                assert!(err.contains(&format!("band1..6.{}", spec.key)), "{bad}");
            }
            assert!(err.contains("-12..0 dBTP"), "{err}");
            assert!(err.contains("multiband.band1..6.ratio: 1..100"), "{err}");
        }
        assert_eq!(
            parse_setting("limiter.ceiling_dbtp=-0.5").unwrap(),
            SetArg {
                stage: Stage::Limiter,
                key: "ceiling_dbtp".into(),
                value: "-0.5".into()
            }
        );
        let set = parse_setting("multiband.band6.threshold_db=-40").unwrap();
        assert_eq!(
            (set.stage, set.key.as_str()),
            (Stage::Multiband, "band6.threshold_db")
        );
    }

    #[test]
    fn keys_of_unused_bands_are_warned_about() {
        let sets: Vec<SetArg> = [
            "multiband.bands=3",
            "multiband.band3.ratio=2",
            "multiband.band5.threshold_db=-10",
        ]
        .iter()
        .map(|a| parse_setting(a).unwrap())
        .collect();
        let m = multiband_settings(&sets).unwrap();
        assert_eq!(
            unused_band_warnings(&sets, m.as_ref()),
            ["multiband.band5.threshold_db is set, but multiband.bands is 3: band 5 is not used"]
        );
        assert!(unused_band_warnings(&sets[..2], m.as_ref()).is_empty());
    }

    #[test]
    fn set_keys_apply_on_top_of_a_base_chain() {
        let parse = |args: &[&str]| -> Vec<SetArg> {
            args.iter().map(|a| parse_setting(a).unwrap()).collect()
        };
        let mut multiband = MultibandSettings {
            bands: 3,
            ..MultibandSettings::default()
        };
        multiband.band[0].ratio = 5.0;
        let limiter = LimiterSettings {
            ceiling_dbtp: -4.0,
            ..LimiterSettings::default()
        };
        let base = ChainSettings {
            multiband: Some(multiband),
            limiter: Some(limiter),
            ..ChainSettings::default()
        };
        assert_eq!(
            chain_settings(&base, 0.0, &[]).unwrap(),
            base,
            "no --set: the base as it is"
        );
        let sets = parse(&[
            "limiter.release_ms=40",
            "multiband.band2.threshold_db=-30",
            "eq.band1.enabled=on",
        ]);
        let chain = chain_settings(&base, -1.5, &sets).unwrap();
        let l = chain.limiter.unwrap();
        assert_eq!((l.ceiling_dbtp, l.release_ms), (-4.0, 40.0));
        let m = chain.multiband.unwrap();
        assert_eq!(
            (m.bands, m.band[0].ratio, m.band[1].threshold_db),
            (3, 5.0, -30.0)
        );
        assert!(
            chain.eq.unwrap().bands[0].used,
            "a stage only set starts from defaults"
        );
        assert_eq!(chain.pre_gain_db, -1.5);
    }

    #[test]
    fn a_stage_is_in_only_when_one_of_its_keys_is_set() {
        let parse = |args: &[&str]| -> Vec<SetArg> {
            args.iter().map(|a| parse_setting(a).unwrap()).collect()
        };
        let none = chain_settings(&ChainSettings::default(), -1.0, &[]).unwrap();
        assert_eq!((none.multiband, none.limiter), (None, None));
        assert_eq!(none.pre_gain_db, -1.0);
        let only_limiter = chain_settings(
            &ChainSettings::default(),
            0.0,
            &parse(&["limiter.release_ms=50"]),
        )
        .unwrap();
        assert!(only_limiter.multiband.is_none());
        assert_eq!(only_limiter.limiter.unwrap().release_ms, 50.0);
        let both = chain_settings(
            &ChainSettings::default(),
            0.0,
            &parse(&[
                "multiband.bands=2",
                "limiter.style=punchy",
                "multiband.bands=3",
            ]),
        )
        .unwrap();
        assert_eq!(both.multiband.unwrap().bands, 3, "a later value wins");
        assert!(both.limiter.is_some());
    }
}
