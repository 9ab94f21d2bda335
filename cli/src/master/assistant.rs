//! `vernis master` with the assistant: the input (and a reference, if given) measured by
//! `vernis-assistant`, and its proposed EQ, multiband and limiter style put in front of the
//! drive search. Settings the user gave (`--set eq.…`, `--set multiband.…`, `--style`) take the
//! place of the assistant's for that stage.

use std::path::{Path, PathBuf};

use dsp_core::layout::ChannelLayout;
use vernis_assistant::analysis::ProgrammeAnalysis;
use vernis_assistant::{
    analyse, propose_with_reference, AssistantTarget, MasteringPlan, MatchOptions, Move, Programme,
};

use super::{analyse_input, MasterError, Target};
use crate::analyze::Analysis;
use crate::render::InputAudio;

/// A reference shorter than this cannot show its loud sections, s.
pub const MIN_REFERENCE_S: f64 = 3.0;

/// What the user asked of the assistant.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistantRequest {
    /// A reference to match, if any.
    pub reference: Option<PathBuf>,
    /// Share of each tonal-match move applied, %.
    pub match_amount_percent: f64,
    /// The user chose the limiter style (`--style`): the assistant's is not used.
    pub keep_style: bool,
}

/// What the assistant did, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistantOutcome {
    /// Every move with its reason, in signal order.
    pub moves: Vec<Move>,
    /// The reference as named on the command line.
    pub reference: Option<String>,
    /// Stages whose moves were replaced by the user's settings.
    pub overridden: Vec<&'static str>,
    /// What the assistant measured on the input.
    pub input_analysis: ProgrammeAnalysis,
    /// And on the reference, if any.
    pub reference_analysis: Option<ProgrammeAnalysis>,
}

/// The assistant's analysis of the audio file at `path` (the master, for the report and the
/// spectrum plot).
pub fn analysis_of(path: &Path) -> Result<ProgrammeAnalysis, String> {
    let name = path.display().to_string();
    let (analysis, audio) = analyse_input(path, &name, false).map_err(|e| match e {
        MasterError::Input(why) | MasterError::Reference(why) | MasterError::Output(why) => why,
    })?;
    Ok(analyse(&programme(&audio, &analysis)?))
}

/// A decoded programme for the assistant (None, with the reason, when it is not in memory).
fn programme(audio: &InputAudio, analysis: &Analysis) -> Result<Programme, String> {
    let InputAudio::Memory(channels) = audio else {
        return Err("the input is too long to hold in memory for the assistant".into());
    };
    let fs = f64::from(analysis.info.sample_rate_hz);
    let layout: ChannelLayout = analysis.layout.layout;
    Programme::new(channels.clone(), fs, Some(layout)).map_err(|e| e.to_string())
}

/// Reads and checks the reference.
fn reference(path: &Path, name: &str) -> Result<Programme, MasterError> {
    let bad = |why: String| MasterError::Reference(format!("{name}: {why}"));
    let (analysis, audio) = analyse_input(path, name, false).map_err(|e| match e {
        MasterError::Input(why) | MasterError::Reference(why) | MasterError::Output(why) => {
            bad(why)
        }
    })?;
    if analysis.duration_s() < MIN_REFERENCE_S {
        return Err(bad(format!(
            "it is {:.1} s long; a reference needs at least {MIN_REFERENCE_S:.0} s",
            analysis.duration_s()
        )));
    }
    if !analysis.reading.integrated_lufs.is_finite() {
        return Err(bad("it is silent; a reference needs music".into()));
    }
    programme(&audio, &analysis).map_err(bad)
}

/// The assistant's plan for the input, or None (with a warning) when it cannot run.
pub fn plan(
    audio: &InputAudio,
    analysis: &Analysis,
    target: &Target,
    request: &AssistantRequest,
    warnings: &mut Vec<String>,
) -> Result<Option<(MasteringPlan, AssistantOutcome)>, MasterError> {
    let reference_name = request.reference.as_ref().map(|p| p.display().to_string());
    let reference = match (&request.reference, &reference_name) {
        (Some(path), Some(name)) => Some(reference(path, name)?),
        _ => None,
    };
    let input = match programme(audio, analysis) {
        Ok(p) => p,
        Err(why) => {
            warnings.push(format!("{why}: mastered without it"));
            return Ok(None);
        }
    };
    let input_analysis = analyse(&input);
    let reference_analysis = reference.as_ref().map(analyse);
    let options = MatchOptions {
        amount: (request.match_amount_percent / 100.0).clamp(0.0, 1.0),
        ..MatchOptions::default()
    };
    let plan = propose_with_reference(
        &input,
        &input_analysis,
        AssistantTarget {
            lufs: target.lufs,
            ceiling_dbtp: target.ceiling_dbtp,
        },
        reference_analysis.as_ref().map(|a| (a, options)),
    );
    let outcome = AssistantOutcome {
        moves: plan.moves.clone(),
        reference: reference_name,
        overridden: Vec::new(),
        input_analysis,
        reference_analysis,
    };
    Ok(Some((plan, outcome)))
}
