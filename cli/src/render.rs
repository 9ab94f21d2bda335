//! Offline rendering through the limiter, in one streaming pass per render ([`crate::pass`]):
//! pre-gain → [`dsp_core::dynamics::LookaheadLimiter`] (latency compensated) → rounding to the
//! output word length → loudness measurement → WAV writing.
//!
//! Latency compensation: the limiter delays its output by `latency_samples()`. A pass feeds that
//! many frames of silence after the input and drops the first that many output frames, so the
//! output has the input's length and every event stays at its frame.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use dsp_core::dynamics::{Dither, LimiterSettings, SettingKind};
use dsp_core::units::db_to_gain;
use serde_json::Value;

use crate::audio_io::AudioError;
pub use crate::pass::{run_pass, PassOptions, PassOutput, StageTimes};

/// Frames per limiter call while searching (large blocks: fast).
pub const BLOCK_FRAMES: usize = 8192;

/// Frames per span of the gain-reduction statistics (their resolution).
pub const GR_BLOCK_FRAMES: usize = 64;

/// Gain-reduction depths whose share of the programme is reported, dB.
pub const GR_THRESHOLDS_DB: [f32; 3] = [1.0, 3.0, 6.0];

/// Lowest pre-gain (attenuation before the limiter), dB.
pub const PRE_GAIN_MIN_DB: f32 = -80.0;

/// Prefix of the limiter's keys on the command line (`--set limiter.<key>=<value>`).
pub const SETTING_PREFIX: &str = "limiter.";

/// The processing chain of `render` and `master`: a plain gain, then the limiter.
///
/// The limiter's Input Gain only goes up (0..24 dB), so turning a programme down — when it is
/// louder than a target — is done by the pre-gain stage (≤ 0 dB) in front of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chain {
    /// Gain applied before the limiter, dB (−80..0).
    pub pre_gain_db: f32,
    /// The limiter's settings.
    pub limiter: LimiterSettings,
}

impl Chain {
    pub(crate) fn pre_gain(&self) -> f32 {
        if self.pre_gain_db == 0.0 {
            1.0
        } else {
            db_to_gain(f64::from(self.pre_gain_db)) as f32
        }
    }

    /// The `render` arguments that reproduce this chain (`--pre-gain …` and one `--set` per setting).
    pub fn render_args(&self) -> Vec<String> {
        let mut args = vec!["--pre-gain".to_string(), format!("{}", self.pre_gain_db)];
        for spec in LimiterSettings::SPECS {
            if let Some(value) = setting_text(&self.limiter, spec.key) {
                args.push("--set".into());
                args.push(format!("{SETTING_PREFIX}{}={value}", spec.key));
            }
        }
        args
    }
}

/// A setting's value as text that [`LimiterSettings::set_by_key`] reads back to the same value.
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

/// A setting's value for JSON: numbers, booleans, or the choice's key.
pub fn setting_json(s: &LimiterSettings, key: &str) -> Value {
    let spec = LimiterSettings::SPECS.iter().find(|spec| spec.key == key);
    match (spec.map(|s| s.kind), setting_text(s, key)) {
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

/// The valid `--set` keys and values, one per line.
pub fn describe_settings() -> String {
    LimiterSettings::describe_keys()
        .lines()
        .map(|l| format!("  {SETTING_PREFIX}{}\n", l.trim_start()))
        .collect()
}

/// Parses one `--set limiter.<key>=<value>`; the error lists every key with its valid values.
pub fn parse_setting(arg: &str) -> Result<(String, String), String> {
    let listing = || format!("valid settings:\n{}", describe_settings());
    let Some((key, value)) = arg.split_once('=') else {
        return Err(format!(
            "expected {SETTING_PREFIX}<key>=<value>, got `{arg}`; {}",
            listing()
        ));
    };
    let key = key.trim();
    let Some(bare) = key.strip_prefix(SETTING_PREFIX) else {
        return Err(format!(
            "unknown setting `{key}` (keys start with `{SETTING_PREFIX}`); {}",
            listing()
        ));
    };
    if !LimiterSettings::SPECS.iter().any(|s| s.key == bare) {
        return Err(format!("unknown setting `{key}`; {}", listing()));
    }
    let mut probe = LimiterSettings::default();
    probe
        .set_by_key(bare, value)
        .map_err(|e| format!("{e}; {}", listing()))?;
    Ok((bare.to_string(), value.to_string()))
}

/// Applies parsed `--set` pairs in order (a later value for the same key wins).
pub fn apply_settings(
    base: LimiterSettings,
    sets: &[(String, String)],
) -> Result<LimiterSettings, String> {
    let mut s = base;
    for (key, value) in sets {
        s.set_by_key(key, value).map_err(|e| e.to_string())?;
    }
    Ok(s)
}

/// Why a render failed: the input could not be read, or the output not written.
#[derive(Debug)]
pub enum RenderError {
    /// Reading or decoding the input failed.
    Input(AudioError),
    /// Writing the output failed.
    Output(io::Error),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Input(e) => e.fmt(f),
            RenderError::Output(e) => write!(f, "cannot write: {e}"),
        }
    }
}

/// Where a pass reads the programme from.
pub enum InputAudio {
    /// Decoded from the file on each pass.
    File(PathBuf),
    /// Already decoded: one `Vec` per channel.
    Memory(Vec<Vec<f32>>),
}

/// Gain-reduction statistics of a render, over the programme (latency removed).
#[derive(Debug, Clone, PartialEq)]
pub struct GainReduction {
    /// Deepest gain reduction, dB.
    pub max_db: f64,
    /// Mean over the programme of each block's deepest gain reduction, dB.
    pub mean_db: f64,
    /// Percent of the programme in blocks limited deeper than each of [`GR_THRESHOLDS_DB`].
    pub percent_above_db: [f64; 3],
    /// Frames per measured block ([`GR_BLOCK_FRAMES`]).
    pub block_frames: usize,
    /// Deepest gain reduction in each 100 ms of the programme, dB.
    pub history_db: Vec<f32>,
}

pub(crate) struct GrCollector {
    hop_frames: u64,
    max_db: f32,
    weighted_sum: f64,
    frames_above: [u64; 3],
    frames: u64,
    history_db: Vec<f32>,
}

impl GrCollector {
    pub(crate) fn new(hop_frames: u64) -> Self {
        Self {
            hop_frames,
            max_db: 0.0,
            weighted_sum: 0.0,
            frames_above: [0; 3],
            frames: 0,
            history_db: Vec::new(),
        }
    }

    /// Records `len` programme frames starting at `start` limited by up to `gr_db`.
    pub(crate) fn add(&mut self, start: u64, len: u64, gr_db: f32) {
        if len == 0 {
            return;
        }
        let gr = if gr_db.is_finite() {
            gr_db.max(0.0)
        } else {
            0.0
        };
        self.max_db = self.max_db.max(gr);
        self.weighted_sum += f64::from(gr) * len as f64;
        for (count, threshold) in self.frames_above.iter_mut().zip(GR_THRESHOLDS_DB) {
            if gr > threshold {
                *count += len;
            }
        }
        self.frames += len;
        let last = ((start + len - 1) / self.hop_frames) as usize;
        if self.history_db.len() <= last {
            self.history_db.resize(last + 1, 0.0);
        }
        let first = (start / self.hop_frames) as usize;
        for h in &mut self.history_db[first..=last] {
            *h = h.max(gr);
        }
    }

    pub(crate) fn finish(self) -> GainReduction {
        let frames = self.frames.max(1) as f64;
        GainReduction {
            max_db: f64::from(self.max_db),
            mean_db: self.weighted_sum / frames,
            percent_above_db: self.frames_above.map(|n| 100.0 * n as f64 / frames),
            block_frames: GR_BLOCK_FRAMES,
            history_db: self.history_db,
        }
    }
}

/// The `--verbose` stage breakdown: wall-clock seconds each stage worked, the pass and the
/// whole command (`process`, from argument parsing to the report), one line each.
pub fn describe_stages(t: &StageTimes, process: std::time::Duration) -> String {
    let layout = if t.parallel {
        "decode and output stages on their own threads beside the DSP"
    } else {
        "one thread"
    };
    let rows = [
        (
            "decode",
            t.decode,
            "read and decode the input, pre-gain, latency padding",
        ),
        ("limiter", t.limiter, "the limiter, dither included"),
        (
            "statistics",
            t.statistics,
            "gain reduction per 64-frame span",
        ),
        ("quantise", t.quantise, "rounding to the output word length"),
        (
            "metering",
            t.metering,
            "loudness and true peak of the output",
        ),
        ("encode", t.encode, "WAV conversion and writing"),
        ("pass", t.wall, "the pass, start to end (wall)"),
        ("process", process, "the whole command (wall)"),
    ];
    let mut text = format!("Stages (wall-clock seconds; {layout}):\n");
    for (name, time, what) in rows {
        text.push_str(&format!(
            "  {name:<11}{:>7.3} s  {what}\n",
            time.as_secs_f64()
        ));
    }
    text
}

/// Warnings about the word length: integer output without dither, or dither for a longer word.
pub fn dither_warnings(dither: Dither, int_bits: Option<u32>) -> Vec<String> {
    let Some(bits) = int_bits else {
        return Vec::new();
    };
    match dither.bits() {
        None => vec![format!(
            "writing {bits}-bit output without dither: samples are rounded to {bits} bits \
             (set {SETTING_PREFIX}dither={} to dither)",
            if bits == 16 {
                "16-bit-shaped"
            } else {
                "24-bit"
            }
        )],
        Some(d) if d > bits => vec![format!(
            "dither is {d}-bit but the output is {bits}-bit: samples are rounded to {bits} bits \
             without dither"
        )],
        Some(_) => Vec::new(),
    }
}

/// An output file written under a temporary name and renamed into place by [`TempOutput::commit`];
/// dropped uncommitted, the temporary file is removed (so a failed run leaves no output).
pub struct TempOutput {
    temp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl TempOutput {
    /// Chooses the temporary name next to `dest`; fails when `dest` is a directory or has no file name.
    pub fn new(dest: &Path) -> io::Result<Self> {
        if dest.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        let name = dest
            .file_name()
            .ok_or_else(|| io::Error::other("not a file name"))?;
        let temp = dest.with_file_name(format!(
            ".{}.vernis-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        Ok(Self {
            temp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    /// The temporary path to write.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Moves the temporary file to the destination.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.temp, &self.dest)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for TempOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_args_round_trip() {
        let s = LimiterSettings {
            input_gain_db: 7.123,
            ceiling_dbtp: -1.3,
            dither: Dither::Bits16Shaped,
            ..Default::default()
        };
        let chain = Chain {
            pre_gain_db: -2.5,
            limiter: s,
        };
        let args = chain.render_args();
        assert_eq!(&args[..2], ["--pre-gain", "-2.5"]);
        let sets: Vec<(String, String)> = args[2..]
            .chunks(2)
            .map(|pair| {
                assert_eq!(pair[0], "--set");
                parse_setting(&pair[1]).unwrap()
            })
            .collect();
        assert_eq!(sets.len(), LimiterSettings::SPECS.len());
        let back = apply_settings(LimiterSettings::default(), &sets).unwrap();
        assert_eq!(back, s);
        for spec in LimiterSettings::SPECS {
            assert!(!setting_json(&s, spec.key).is_null(), "{}", spec.key);
        }
        assert_eq!(setting_json(&s, "input_gain_db"), serde_json::json!(7.123));
        assert_eq!(setting_json(&s, "dither"), "16-bit-shaped");
        assert_eq!(setting_json(&s, "bypass"), false);
    }

    #[test]
    fn setting_errors_list_every_key() {
        for bad in [
            "limiter.nope=1",
            "ceiling_dbtp=-1",
            "limiter.ceiling_dbtp=3",
            "limiter.style=loud",
            "limiter.release_ms",
        ] {
            let err = parse_setting(bad).unwrap_err();
            for spec in LimiterSettings::SPECS {
                assert!(
                    err.contains(&format!("limiter.{}", spec.key)),
                    "{bad}: {err}"
                );
            }
            assert!(err.contains("-12..0 dBTP"), "{err}");
        }
        assert_eq!(
            parse_setting("limiter.ceiling_dbtp=-0.5").unwrap(),
            ("ceiling_dbtp".to_string(), "-0.5".to_string())
        );
    }

    #[test]
    fn gain_reduction_statistics() {
        let mut gr = GrCollector::new(100);
        gr.add(0, 50, 0.5);
        gr.add(50, 50, 2.0);
        gr.add(100, 100, 7.0);
        gr.add(200, 200, 0.0);
        let g = gr.finish();
        assert_eq!(g.max_db, 7.0);
        assert!((g.mean_db - (25.0 + 100.0 + 700.0) / 400.0).abs() < 1e-12);
        assert_eq!(g.percent_above_db, [37.5, 25.0, 25.0]);
        assert_eq!(g.history_db, vec![2.0, 7.0, 0.0, 0.0]);
    }
}
