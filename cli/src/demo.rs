//! `vernis demo`: renders dsp-core's synthesised demo programme to a WAV file, analyses it and
//! masters it to the target.

use std::path::{Path, PathBuf};

use dsp_core::dynamics::{BandDetector, MultibandSettings};
use dsp_core::eq::{DynamicEqSettings, EqBandSettings, EqDynamicsSettings};
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};
use dsp_core::targets::Platform;

use crate::analyze::analyze_file;
use crate::audio_io::{write_wav_f32, OutputFormat};
use crate::master::{master_file, master_report, master_summary, MasterOptions, Target};
use crate::plot::{write_loudness_plot, write_master_plot};
use crate::report::{json_report, text_report};

/// Sample rate of the demo file, Hz.
pub const DEMO_SAMPLE_RATE_HZ: u32 = 48_000;

/// Output format of the demo's master.
pub const DEMO_MASTER_FORMAT: OutputFormat = OutputFormat::Wav24;

/// The multiband stage of the demo's master: gentle 2:1 glue on four bands (RMS detectors, soft
/// 12 dB knees, slower on the lows), a little attack emphasis on the top band.
pub fn demo_multiband_settings() -> MultibandSettings {
    let mut s = MultibandSettings::default();
    let per_band = [
        // threshold dB, attack ms, release ms
        (-22.0, 30.0, 250.0),
        (-24.0, 20.0, 160.0),
        (-28.0, 10.0, 120.0),
        (-32.0, 5.0, 90.0),
    ];
    for (band, (threshold_db, attack_ms, release_ms)) in s.band.iter_mut().zip(per_band) {
        band.threshold_db = threshold_db;
        band.ratio = 2.0;
        band.knee_db = 12.0;
        band.attack_ms = attack_ms;
        band.release_ms = release_ms;
        band.range_db = 6.0;
        band.detector = BandDetector::Rms;
    }
    s.band[3].transient_db = 1.5;
    s
}

/// The dynamic EQ of the demo's master: a 24 dB/oct low cut at 25 Hz, a dynamic bell that
/// takes up to 3 dB out of 3.5 kHz only while that region rises above −30 dB, and +1 dB of air
/// (high shelf at 10 kHz).
pub fn demo_eq_settings() -> DynamicEqSettings {
    let band = |shape, frequency_hz, gain_db, q| EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape,
            frequency_hz,
            gain_db,
            q,
            slope: CutSlope::Db24,
        },
        ..EqBandSettings::default()
    };
    let mut s = DynamicEqSettings::default();
    s.bands[0] = band(EqShape::LowCut, 25.0, 0.0, 0.707);
    s.bands[1] = EqBandSettings {
        dynamics: EqDynamicsSettings {
            enabled: true,
            threshold_db: -30.0,
            ratio: 2.0,
            range_db: -3.0,
            attack_ms: 5.0,
            release_ms: 120.0,
            knee_db: 6.0,
            ..EqDynamicsSettings::default()
        },
        ..band(EqShape::Bell, 3500.0, 0.0, 1.4)
    };
    s.bands[2] = band(EqShape::HighShelf, 10_000.0, 1.0, 0.7);
    s
}

/// What `vernis demo` produced.
pub struct DemoOutput {
    /// The text report, as written to `demo-report.txt`, then the master's text, as written to
    /// `demo-master-report.txt`.
    pub text: String,
    /// Files written, in order: WAV, text report, JSON report, plot; then the master's WAV,
    /// JSON report, text report and before/after plot.
    pub files: Vec<PathBuf>,
    /// Warnings of the master.
    pub warnings: Vec<String>,
}

/// Writes `demo.wav`, `demo-report.txt`, `demo-report.json` and `demo-loudness.png` into
/// `out_dir` (created if needed), then masters the mix to `target` and writes `demo-master.wav`,
/// `demo-master-report.json`, `demo-master-report.txt` and `demo-master.png`; the error is a
/// one-line reason naming the path at fault.
pub fn run_demo(
    out_dir: &Path,
    target: &'static Platform,
) -> Result<DemoOutput, (PathBuf, String)> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        (
            out_dir.to_path_buf(),
            format!("cannot create directory: {e}"),
        )
    })?;

    let programme = dsp_core::demo::demo_programme(f64::from(DEMO_SAMPLE_RATE_HZ));

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

    // Master the mix to the target.
    let master_wav = out_dir.join("demo-master.wav");
    let opts = MasterOptions {
        target: Target::platform(target, None),
        limiter: Default::default(),
        eq: Some(demo_eq_settings()),
        multiband: Some(demo_multiband_settings()),
        dither: None,
        format: Some(DEMO_MASTER_FORMAT),
        assistant: None,
    };
    let master = master_file(
        &wav,
        &wav.display().to_string(),
        &master_wav,
        &master_wav.display().to_string(),
        &opts,
        false,
    )
    .map_err(|e| match e {
        crate::master::MasterError::Input(reason) => (wav.clone(), reason),
        crate::master::MasterError::Output(reason) => (master_wav.clone(), reason),
        crate::master::MasterError::Reference(reason) => (wav.clone(), reason),
    })?;

    let master_json = out_dir.join("demo-master-report.json");
    let json = serde_json::to_string_pretty(&master_report(&master))
        .map_err(|e| (master_json.clone(), format!("cannot encode JSON: {e}")))?;
    std::fs::write(&master_json, json + "\n")
        .map_err(|e| (master_json.clone(), format!("cannot write: {e}")))?;

    let master_text = format!(
        "{}\n{}",
        master_summary(&master),
        text_report(&master.output, target)
    );
    let master_txt = out_dir.join("demo-master-report.txt");
    std::fs::write(&master_txt, &master_text)
        .map_err(|e| (master_txt.clone(), format!("cannot write: {e}")))?;

    let master_png = out_dir.join("demo-master.png");
    write_master_plot(
        &analysis,
        &master.output,
        &master.gain_reduction.history_db,
        target.name,
        target.target_lufs,
        &master_png,
    )
    .map_err(|e| (master_png.clone(), e))?;

    Ok(DemoOutput {
        text: format!("{text}\n{master_text}"),
        files: vec![
            wav,
            txt,
            json_path,
            png,
            master_wav,
            master_json,
            master_txt,
            master_png,
        ],
        warnings: master.warnings,
    })
}
