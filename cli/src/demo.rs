//! `vernis demo`: renders dsp-core's synthesised demo programme to a WAV file and analyses it.

use std::path::{Path, PathBuf};

use dsp_core::targets::Platform;

use crate::analyze::analyze_file;
use crate::audio_io::write_wav_f32;
use crate::plot::write_loudness_plot;
use crate::report::{json_report, text_report};

/// Sample rate of the demo file, Hz.
pub const DEMO_SAMPLE_RATE_HZ: u32 = 48_000;

/// What `vernis demo` produced.
pub struct DemoOutput {
    /// The text report, as written to `demo-report.txt`.
    pub text: String,
    /// Files written, in order: WAV, text report, JSON report, plot.
    pub files: Vec<PathBuf>,
}

/// Writes `demo.wav`, `demo-report.txt`, `demo-report.json` and `demo-loudness.png` into
/// `out_dir` (created if needed); the error is a one-line reason naming the path at fault.
pub fn run_demo(out_dir: &Path, target: &Platform) -> Result<DemoOutput, (PathBuf, String)> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        (
            out_dir.to_path_buf(),
            format!("cannot create directory: {e}"),
        )
    })?;

    let programme = dsp_core::demo::demo_programme(f64::from(DEMO_SAMPLE_RATE_HZ));
    // The mastering chain (limiter, ...) will process `programme` here once dsp-core has one.

    let wav = out_dir.join("demo.wav");
    write_wav_f32(&wav, &programme, DEMO_SAMPLE_RATE_HZ)
        .map_err(|e| (wav.clone(), format!("cannot write WAV: {e}")))?;
    drop(programme);

    let analysis = analyze_file(&wav, &wav.display().to_string(), false)
        .map_err(|e| (wav.clone(), e.to_string()))?;

    let text = text_report(&analysis, target);
    let txt = out_dir.join("demo-report.txt");
    std::fs::write(&txt, &text).map_err(|e| (txt.clone(), format!("cannot write: {e}")))?;

    let json_path = out_dir.join("demo-report.json");
    let json = serde_json::to_string_pretty(&json_report(&analysis))
        .map_err(|e| (json_path.clone(), format!("cannot encode JSON: {e}")))?;
    std::fs::write(&json_path, json + "\n")
        .map_err(|e| (json_path.clone(), format!("cannot write: {e}")))?;

    let png = out_dir.join("demo-loudness.png");
    write_loudness_plot(&analysis, target, &png).map_err(|e| (png.clone(), e))?;

    Ok(DemoOutput {
        text,
        files: vec![wav, txt, json_path, png],
    })
}
