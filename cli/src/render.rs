//! Offline rendering through the mastering chain, in one streaming pass per render ([`crate::pass`]):
//! [`dsp_core::chain::MasteringChain`] (multiband → pre-gain → limiter, each stage optional;
//! latency compensated) → rounding to the output word length → loudness measurement → WAV
//! writing.
//!
//! Latency compensation: the chain delays its output by `latency_samples()` (the sum of its
//! stages'). A pass feeds that many frames of silence after the input and drops the first that
//! many output frames, so the output has the input's length and every event stays at its frame.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use dsp_core::dynamics::Dither;

use crate::audio_io::AudioError;
pub use crate::pass::{run_pass, PassOptions, PassOutput, StageTimes};
use crate::settings::LIMITER_PREFIX;

/// Frames per chain call (large blocks: fast).
pub const BLOCK_FRAMES: usize = 8192;

/// Frames per span of the gain-reduction statistics (their resolution).
pub const GR_BLOCK_FRAMES: usize = 64;

/// Gain-reduction depths whose share of the programme is reported, dB.
pub const GR_THRESHOLDS_DB: [f32; 3] = [1.0, 3.0, 6.0];

/// Lowest pre-gain (attenuation before the limiter), dB.
pub const PRE_GAIN_MIN_DB: f32 = -80.0;

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
            "read and decode the input, latency padding",
        ),
        (
            "chain",
            t.chain,
            "the mastering chain: multiband, pre-gain, limiter (dither included)",
        ),
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
             (set {LIMITER_PREFIX}dither={} to dither)",
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
