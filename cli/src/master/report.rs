//! The report of `vernis master`: the JSON report (`--report`) and the short text summary.

use std::fmt::Write as _;

use dsp_core::dynamics::LimiterSettings;
use serde::Serialize;
use serde_json::{Map, Value};
use vernis_assistant::analysis::ProgrammeAnalysis;

use super::{MasterOutcome, SearchStep, TOLERANCE_LU};
use crate::render::GR_THRESHOLDS_DB;
use crate::report::{json_report, JsonReport};
use crate::settings::{eq_json, multiband_json, render_args, setting_json};

/// Rounds to `decimals` places; non-finite values become `None` (JSON `null`).
pub(crate) fn rounded(x: f64, decimals: i32) -> Option<f64> {
    x.is_finite().then(|| {
        let scale = 10f64.powi(decimals);
        let r = (x * scale).round() / scale;
        if r == 0.0 {
            0.0
        } else {
            r
        }
    })
}

/// The `target` object of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonTarget {
    /// Platform id, `null` for `--lufs`.
    pub id: Option<&'static str>,
    /// Display name.
    pub name: String,
    /// Integrated loudness aimed at, LUFS.
    pub lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// Accepted distance from `lufs`, LU.
    pub tolerance_lu: f64,
}

/// The `gain_reduction` object of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonGainReduction {
    /// Deepest gain reduction, dB.
    pub max_db: f64,
    /// Mean over the programme, dB.
    pub mean_db: f64,
    /// Percent of the programme limited by more than 1 dB.
    pub percent_above_1_db: f64,
    /// Percent of the programme limited by more than 3 dB.
    pub percent_above_3_db: f64,
    /// Percent of the programme limited by more than 6 dB.
    pub percent_above_6_db: f64,
    /// Frames per measured block.
    pub block_frames: usize,
}

/// The moves as the JSON report lists them.
pub fn json_moves(moves: &[vernis_assistant::Move]) -> Vec<JsonMove> {
    moves
        .iter()
        .map(|mv| JsonMove {
            stage: stage_key(mv.stage),
            action: mv.action.clone(),
            reason: mv.reason.clone(),
        })
        .collect()
}

/// The JSON report of `master`.
#[derive(Debug, Clone, Serialize)]
pub struct MasterReport {
    /// The input, as `vernis analyze --json` reports it.
    pub input: JsonReport,
    /// The output as written, as `vernis analyze --json` reports it.
    pub output: JsonReport,
    /// Every limiter setting (by its `--set` key) and `pre_gain_db`; with a multiband stage, also
    /// `multiband`: its settings by key (`bands`, `band2.ratio` …, the used bands only).
    pub settings: Map<String, Value>,
    /// Arguments of `vernis render IN OUT … --format F` that reproduce the output exactly.
    pub render_args: Vec<String>,
    /// Output format.
    pub format: &'static str,
    /// Target and ceiling.
    pub target: JsonTarget,
    /// Gain-reduction statistics of the output.
    pub gain_reduction: JsonGainReduction,
    /// Renders the search made (the output is the one that landed; if none did, the closest is
    /// rendered once more).
    pub iterations: usize,
    /// Each search render: its gains and the output's loudness.
    pub search: Vec<SearchStep>,
    /// The chain's latency, compensated in the output, samples.
    pub latency_samples: u32,
    /// Output within the tolerance of the target and under the ceiling.
    pub within_tolerance: bool,
    /// Warnings, also printed on stderr.
    pub warnings: Vec<String>,
    /// What the assistant proposed (absent with `--assistant off`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assistant: Option<JsonAssistant>,
}

/// The assistant's part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct JsonAssistant {
    /// The reference as named on the command line, if any.
    pub reference: Option<String>,
    /// Every move: the plugin (`eq`, `multiband`, `limiter`), what it does and why.
    pub moves: Vec<JsonMove>,
    /// Stages whose proposal the user's settings replaced.
    pub overridden: Vec<&'static str>,
    /// What the assistant measured on the input, the master and the reference.
    pub analysis: JsonAnalyses,
}

/// The assistant's analysis (`vernis_assistant::analysis::ProgrammeAnalysis`) of each
/// programme, numbers rounded to 3 decimals, non-finite ones `null`.
#[derive(Debug, Clone, Serialize)]
pub struct JsonAnalyses {
    /// The input, before mastering.
    pub input: Value,
    /// The master as written (absent when it could not be read back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<Value>,
    /// The reference, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Value>,
}

/// `analysis` as JSON with every number rounded to 3 decimals.
fn analysis_json(analysis: &ProgrammeAnalysis) -> Value {
    fn round_all(v: &mut Value) {
        match v {
            Value::Number(n) if n.is_f64() => {
                *v = n
                    .as_f64()
                    .and_then(|x| rounded(x, 3))
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number);
            }
            Value::Array(items) => items.iter_mut().for_each(round_all),
            Value::Object(map) => map.values_mut().for_each(round_all),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(analysis).unwrap_or(Value::Null);
    round_all(&mut v);
    v
}

/// One move of the assistant.
#[derive(Debug, Clone, Serialize)]
pub struct JsonMove {
    /// `eq`, `multiband` or `limiter`.
    pub stage: &'static str,
    /// What it does.
    pub action: String,
    /// Why, with the measurement.
    pub reason: String,
}

fn stage_key(stage: vernis_assistant::MoveStage) -> &'static str {
    match stage {
        vernis_assistant::MoveStage::Eq => "eq",
        vernis_assistant::MoveStage::Multiband => "multiband",
        vernis_assistant::MoveStage::Limiter => "limiter",
    }
}

/// Builds the JSON report; `master_analysis` is the assistant's analysis of the written master.
pub fn master_report(
    m: &MasterOutcome,
    master_analysis: Option<&ProgrammeAnalysis>,
) -> MasterReport {
    let mut settings = Map::new();
    let limiter = m.limiter();
    for spec in LimiterSettings::SPECS {
        settings.insert(spec.key.to_string(), setting_json(&limiter, spec.key));
    }
    settings.insert(
        "pre_gain_db".into(),
        format!("{}", m.chain.pre_gain_db)
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
    );
    if let Some(eq) = &m.chain.eq {
        settings.insert("eq".into(), Value::Object(eq_json(eq)));
    }
    if let Some(multiband) = &m.chain.multiband {
        settings.insert("multiband".into(), Value::Object(multiband_json(multiband)));
    }
    let mut render_args = render_args(&m.chain);
    render_args.push("--format".into());
    render_args.push(m.format.key().into());
    let g = &m.gain_reduction;
    MasterReport {
        input: json_report(&m.input),
        output: json_report(&m.output),
        settings,
        render_args,
        format: m.format.key(),
        target: JsonTarget {
            id: m.target.id,
            name: m.target.name.clone(),
            lufs: m.target.lufs,
            ceiling_dbtp: m.target.ceiling_dbtp,
            tolerance_lu: TOLERANCE_LU,
        },
        gain_reduction: JsonGainReduction {
            max_db: rounded(g.max_db, 3).unwrap_or(0.0),
            mean_db: rounded(g.mean_db, 3).unwrap_or(0.0),
            percent_above_1_db: rounded(g.percent_above_db[0], 3).unwrap_or(0.0),
            percent_above_3_db: rounded(g.percent_above_db[1], 3).unwrap_or(0.0),
            percent_above_6_db: rounded(g.percent_above_db[2], 3).unwrap_or(0.0),
            block_frames: g.block_frames,
        },
        iterations: m.steps.len(),
        search: m
            .steps
            .iter()
            .map(|s| SearchStep {
                integrated_lufs: rounded(s.integrated_lufs, 4).unwrap_or(f64::NAN),
                ..*s
            })
            .collect(),
        latency_samples: m.latency_samples,
        within_tolerance: m.within_tolerance,
        warnings: m.warnings.clone(),
        assistant: m.assistant.as_ref().map(|a| JsonAssistant {
            reference: a.reference.clone(),
            moves: json_moves(&a.moves),
            overridden: a.overridden.clone(),
            analysis: JsonAnalyses {
                input: analysis_json(&a.input_analysis),
                master: master_analysis.map(analysis_json),
                reference: a.reference_analysis.as_ref().map(analysis_json),
            },
        }),
    }
}

/// The short human summary: target, gains, before/after readings, gain reduction, verdict.
pub fn master_summary(m: &MasterOutcome) -> String {
    let mut s = String::new();
    let (i, o) = (&m.input.reading, &m.output.reading);
    let _ = writeln!(s, "Mastered    {} -> {}", m.input.file, m.output.file);
    let _ = writeln!(
        s,
        "Target      {}: {:.1} LUFS integrated, true peak <= {:.1} dBTP",
        m.target.name, m.target.lufs, m.target.ceiling_dbtp
    );
    let _ = writeln!(
        s,
        "Format      {}, {} Hz, {}, dither {}",
        m.format.describe(m.container),
        m.output.info.sample_rate_hz,
        m.output.info.layout_name(),
        m.limiter().dither.name()
    );
    if let Some(eq) = &m.chain.eq {
        let used = || eq.bands.iter().filter(|b| b.used);
        let _ = writeln!(
            s,
            "EQ          {} band{} on ({} dynamic), {}, output gain {:+.1} dB (before the drive)",
            used().count(),
            if used().count() == 1 { "" } else { "s" },
            used().filter(|b| b.dynamics.enabled).count(),
            eq.phase.key(),
            eq.output_gain_db
        );
    }
    if let Some(mb) = &m.chain.multiband {
        let _ = writeln!(
            s,
            "Multiband   {} bands, {}, output gain {:+.1} dB{} (before the drive)",
            mb.bands,
            mb.mode.key(),
            mb.output_gain_db,
            if mb.bypass { ", bypassed" } else { "" }
        );
    }
    let _ = writeln!(
        s,
        "Gain        pre-gain {:+.3} dB, limiter input gain {:+.3} dB, style {} (found in {} renders)",
        m.chain.pre_gain_db,
        m.limiter().input_gain_db,
        m.limiter().style.key(),
        m.steps.len()
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "{:<22} {:>9} {:>9}", "", "Input", "Output");
    let rows = [
        ("Integrated (LUFS)", i.integrated_lufs, o.integrated_lufs, 1),
        ("True peak (dBTP)", i.true_peak_dbtp, o.true_peak_dbtp, 2),
        (
            "Loudness range (LU)",
            i.loudness_range_lu,
            o.loudness_range_lu,
            1,
        ),
        (
            "Short-term max (LUFS)",
            i.short_term_max_lufs,
            o.short_term_max_lufs,
            1,
        ),
        ("PLR (dB)", i.plr_db, o.plr_db, 1),
    ];
    for (label, a, b, d) in rows {
        let _ = writeln!(
            s,
            "{label:<22} {:>9} {:>9}",
            crate::fmt_num(a, d),
            crate::fmt_num(b, d)
        );
    }
    let g = &m.gain_reduction;
    let _ = writeln!(
        s,
        "Gain reduction         max {:.1} dB, mean {:.2} dB; over {}/{}/{} dB: {:.1} % / {:.1} % / {:.1} %",
        g.max_db,
        g.mean_db,
        GR_THRESHOLDS_DB[0],
        GR_THRESHOLDS_DB[1],
        GR_THRESHOLDS_DB[2],
        g.percent_above_db[0],
        g.percent_above_db[1],
        g.percent_above_db[2]
    );
    if let Some(a) = &m.assistant {
        let _ = writeln!(s);
        match &a.reference {
            Some(r) => {
                let _ = writeln!(s, "Assistant   (reference: {r})");
            }
            None => {
                let _ = writeln!(s, "Assistant");
            }
        }
        for mv in &a.moves {
            let _ = writeln!(s, "  {:<9} {}", stage_key(mv.stage), mv.action);
            let _ = writeln!(s, "  {:<9}   because {}", "", mv.reason);
        }
        for stage in &a.overridden {
            let _ = writeln!(s, "  {stage}: your settings replaced the proposal");
        }
    }
    let _ = writeln!(s);
    let verdict = if m.within_tolerance {
        "within tolerance"
    } else {
        "NOT within tolerance"
    };
    let _ = writeln!(
        s,
        "Result      {verdict} ({:.1} ± {TOLERANCE_LU} LUFS, true peak <= {:.1} dBTP){}",
        m.target.lufs,
        m.target.ceiling_dbtp,
        if m.warnings.is_empty() {
            String::new()
        } else {
            format!("; {} warning(s)", m.warnings.len())
        }
    );
    for w in &m.warnings {
        let _ = writeln!(s, "Warning     {w}");
    }
    s
}
