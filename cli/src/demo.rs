//! `vernis demo`: renders dsp-core's synthesised demo programme to a WAV file, analyses it and
//! masters it to the target.

use std::path::{Path, PathBuf};

use dsp_core::eq::{DynamicEq, DynamicEqSettings, EqBandSettings};
use dsp_core::filter::eq_shape::{EqShape, EqShapeSettings};
use dsp_core::targets::{Normalization, Platform, PLATFORMS};
use dsp_core::{ProcessSpec, Processor};

use crate::analyze::analyze_file;
use crate::audio_io::{write_wav_f32, OutputFormat};
use crate::master::{
    analysis_of, master_prepared, master_report, master_summary, prepare_input, AssistantRequest,
    MasterOptions, Target,
};
use crate::plot::{write_loudness_plot, write_master_plot};
use crate::plot_spectrum::{spectrum_plot_path, write_spectrum_plot};
use crate::presets::write_presets;
use crate::report::{json_report, text_report};
use crate::versions::{summary, versions_of, write_summary_json, VersionsRequest};

/// Sample rate of the demo file, Hz.
pub const DEMO_SAMPLE_RATE_HZ: u32 = 48_000;

/// Output format of the demo's master.
pub const DEMO_MASTER_FORMAT: OutputFormat = OutputFormat::Wav24;

/// The built-in reference's tonal balance: the demo mix 2 dB lighter below 120 Hz and 3 dB
/// brighter above 6 kHz (shelves), so the assistant has a different balance to match.
pub fn demo_reference_eq() -> DynamicEqSettings {
    let band = |shape, frequency_hz, gain_db| EqBandSettings {
        used: true,
        filter: EqShapeSettings {
            shape,
            frequency_hz,
            gain_db,
            q: 0.7,
            ..EqShapeSettings::default()
        },
        ..EqBandSettings::default()
    };
    let mut s = DynamicEqSettings::default();
    s.bands[0] = band(EqShape::LowShelf, 120.0, -2.0);
    s.bands[1] = band(EqShape::HighShelf, 6_000.0, 3.0);
    s
}

/// The built-in reference programme: the demo mix through [`demo_reference_eq`].
pub fn demo_reference_programme(mut programme: Vec<Vec<f32>>) -> Vec<Vec<f32>> {
    let mut eq = DynamicEq::new();
    eq.set_settings(demo_reference_eq());
    eq.prepare(&ProcessSpec::new(f64::from(DEMO_SAMPLE_RATE_HZ), 4096, 2));
    let (l, r) = programme.split_at_mut(1);
    for (a, b) in l[0].chunks_mut(4096).zip(r[0].chunks_mut(4096)) {
        eq.process(&mut [a, b]);
    }
    programme
}

/// What `vernis demo` produced.
pub struct DemoOutput {
    /// The text report, as written to `demo-report.txt`, then the master's text, as written to
    /// `demo-master-report.txt`.
    pub text: String,
    /// Files written, in order: WAV, the reference WAV, text report, JSON report, plot; then the
    /// master's WAV, JSON report, text report, plots and presets; then the platform versions.
    pub files: Vec<PathBuf>,
    /// Warnings of the master.
    pub warnings: Vec<String>,
}

/// Writes `demo.wav`, the built-in reference `demo-reference.wav`, `demo-report.txt`,
/// `demo-report.json` and `demo-loudness.png` into `out_dir` (created if needed), then masters
/// the mix to `target` with the assistant matching the reference and writes `demo-master.wav`,
/// `demo-master-report.json`, `demo-master-report.txt` and `demo-master.png`, and from the same
/// decisions every streaming platform's version with its preview and the comparison table into
/// `demo-versions/`; the error is a one-line reason naming the path at fault.
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
    let reference = out_dir.join("demo-reference.wav");
    write_wav_f32(
        &reference,
        &demo_reference_programme(programme),
        DEMO_SAMPLE_RATE_HZ,
    )
    .map_err(|e| (reference.clone(), format!("cannot write WAV: {e}")))?;

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

    // Master the mix to the target with the assistant, matching the built-in reference.
    let master_wav = out_dir.join("demo-master.wav");
    let opts = MasterOptions {
        target: Target::platform(target, None),
        limiter: Default::default(),
        eq: None,
        multiband: None,
        dither: None,
        format: Some(DEMO_MASTER_FORMAT),
        assistant: Some(AssistantRequest {
            reference: Some(reference.clone()),
            match_amount_percent: 100.0,
            keep_style: false,
        }),
    };
    let blame = |at_output: &Path| {
        let (wav, reference, at_output) = (wav.clone(), reference.clone(), at_output.to_owned());
        move |e| match e {
            crate::master::MasterError::Input(reason) => (wav, reason),
            crate::master::MasterError::Output(reason) => (at_output, reason),
            crate::master::MasterError::Reference(reason) => (reference, reason),
        }
    };
    let wav_name = wav.display().to_string();
    let prepared = prepare_input(&wav, &wav_name, &opts, false).map_err(blame(&master_wav))?;
    let master = master_prepared(
        &prepared,
        &wav_name,
        &master_wav,
        &master_wav.display().to_string(),
        &opts,
        false,
    )
    .map_err(blame(&master_wav))?;

    let master_analysis = analysis_of(&master_wav).map_err(|e| (master_wav.clone(), e))?;
    let master_json = out_dir.join("demo-master-report.json");
    let json = serde_json::to_string_pretty(&master_report(&master, Some(&master_analysis)))
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

    let spectrum_png = spectrum_plot_path(&master_png);
    if let Some(a) = &master.assistant {
        write_spectrum_plot(
            &a.input_analysis.tonal_balance,
            &master_analysis.tonal_balance,
            a.reference_analysis.as_ref().map(|r| &r.tonal_balance),
            &spectrum_png,
        )
        .map_err(|e| (spectrum_png.clone(), e))?;
    }
    let preset_dir = out_dir.join("demo-presets");
    let presets = write_presets(&preset_dir, &master.chain).map_err(|e| (preset_dir.clone(), e))?;

    // Every streaming platform's version from the same decisions, with previews.
    let streaming: Vec<&'static Platform> = PLATFORMS
        .iter()
        .filter(|p| p.normalization != Normalization::DeliveryTarget)
        .collect();
    let versions_dir = out_dir.join("demo-versions");
    let request = VersionsRequest {
        stem: "demo".into(),
        platforms: &streaming,
        ceiling_dbtp: None,
        out_dir: &versions_dir,
        preview: true,
    };
    let versions =
        versions_of(&prepared, &wav_name, &request, &opts, false).map_err(blame(&versions_dir))?;
    let versions_json = write_summary_json(&versions, &streaming, &versions_dir, "demo")?;
    let versions_text = summary(&wav, &versions, &streaming);
    let versions_txt = versions_dir.join("demo-versions.txt");
    std::fs::write(&versions_txt, &versions_text)
        .map_err(|e| (versions_txt.clone(), format!("cannot write: {e}")))?;

    Ok(DemoOutput {
        text: format!("{text}\n{master_text}\n{versions_text}"),
        files: vec![
            wav,
            reference,
            txt,
            json_path,
            png,
            master_wav,
            master_json,
            master_txt,
            master_png,
            spectrum_png,
        ]
        .into_iter()
        .chain(presets)
        .chain(versions.iter().flat_map(|v| {
            let preview = v.preview.as_ref().map(|(p, _)| p.clone());
            [v.path.clone(), v.report_path.clone()]
                .into_iter()
                .chain(preview)
        }))
        .chain([versions_json, versions_txt])
        .collect(),
        warnings: master.warnings,
    })
}
