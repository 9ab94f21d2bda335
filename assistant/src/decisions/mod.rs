//! The assistant's decisions: the chain it proposes, each move with its reason in plain words
//! and the measurement behind it. Every move is an ordinary setting of a plugin, so the
//! engineer can change any of them; the rules are stated where they are made:
//!
//! - [`corrective`]: Dynamic EQ moves for the problems found (rumble, resonances, harshness,
//!   sibilance);
//! - [`gentle`]: multiband thresholds from each band's detector level statistics;
//! - [`crest_match`]: with a reference, each multiband band's punch (typical crest factor)
//!   toward the reference's, by transient shaping or fast compression;
//! - [`tonal_match`]: with a reference, a few static bands per mid and side toward its
//!   loud-section spectrum, clamped and scaled by the match amount;
//! - [`limiter`]: the limiter's ceiling from the target and its style from the material.
//!
//! The same programme and options always give the same plan.

pub mod corrective;
pub mod crest_match;
pub mod gentle;
pub mod limiter;
pub mod probe;
pub mod tonal_match;

use dsp_core::chain::{ChainSettings, MasteringChain};
use dsp_core::dynamics::MultibandSettings;
use dsp_core::eq::DynamicEqSettings;
use dsp_core::{ProcessSpec, Processor};

use crate::analysis::band_stats::BandStats;
use crate::analysis::{LoudnessProfile, TonalBalance};
pub use tonal_match::MatchOptions;

use crate::analysis::ProgrammeAnalysis;
use crate::programme::Programme;

/// Which plugin a move belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveStage {
    /// Vernis Dynamic EQ.
    Eq,
    /// Vernis Multiband.
    Multiband,
    /// Vernis Limiter.
    Limiter,
}

/// One decision: what it does and why, in plain words with numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// The plugin that makes it.
    pub stage: MoveStage,
    /// What it does ("cut 2.9 kHz by up to 2.5 dB when it rises").
    pub action: String,
    /// Why ("it stands 6.5 dB above the spectrum around it on the loud sections").
    pub reason: String,
}

/// What the chain is aimed at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AssistantTarget {
    /// Integrated loudness, LUFS.
    pub lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
}

/// The proposed chain and its moves (the limiter's drive is left to the loudness search).
#[derive(Debug, Clone, PartialEq)]
pub struct MasteringPlan {
    /// Settings of every stage (a stage with nothing to do is left out).
    pub chain: ChainSettings,
    /// Every move, in signal order.
    pub moves: Vec<Move>,
}

/// Proposes the chain for `programme` (measured as `analysis`) aimed at `target`.
pub fn propose(
    programme: &Programme,
    analysis: &ProgrammeAnalysis,
    target: AssistantTarget,
) -> MasteringPlan {
    propose_with_reference(programme, analysis, target, None)
}

/// As [`propose`], with a tonal match to `reference` (its analysis and the match options).
pub fn propose_with_reference(
    programme: &Programme,
    analysis: &ProgrammeAnalysis,
    target: AssistantTarget,
    reference: Option<(&ProgrammeAnalysis, MatchOptions)>,
) -> MasteringPlan {
    let mut moves = Vec::new();
    let mut eq = corrective::moves(programme, analysis, &mut moves);
    if let Some(settings) = eq.as_mut() {
        plugin_exact(settings);
    }
    let mut multiband_moves = Vec::new();
    let mut multiband = MultibandSettings::default();
    let mut crest_bands = Vec::new();
    if let Some((reference, options)) = reference {
        // The punch toward the reference's, on what the multiband hears (after the EQ).
        let heard = render_front(programme, eq, None);
        crest_bands = crest_match::moves(
            heard.as_ref().unwrap_or(programme),
            analysis,
            reference,
            options.amount,
            &mut multiband,
            &mut multiband_moves,
        );
    }
    let multiband = gentle::moves(
        programme,
        analysis,
        multiband,
        &crest_bands,
        &mut multiband_moves,
    );
    if let Some((reference, options)) = reference {
        // The match is fitted to what the corrective moves and the multiband leave, so they do
        // not pull the result away from the reference again.
        let fs = programme.sample_rate_hz();
        let processed = render_front(programme, eq, multiband);
        let tonal = processed.as_ref().map_or_else(
            || analysis.tonal_balance.clone(),
            |p| TonalBalance::measure(p, &LoudnessProfile::measure(p)),
        );
        let matched = tonal_match::moves(&tonal, &reference.tonal_balance, fs, options, &mut moves);
        if !matched.is_empty() {
            let settings = eq.get_or_insert_with(DynamicEqSettings::default);
            let free = settings.bands.iter_mut().filter(|b| !b.used);
            for (slot, band) in free.zip(matched) {
                *slot = band;
            }
            plugin_exact(settings);
        }
    }
    moves.extend(multiband_moves);
    let limiter = limiter::settings(analysis, target, &mut moves);
    MasteringPlan {
        chain: ChainSettings {
            eq,
            multiband,
            pre_gain_db: 0.0,
            limiter: Some(limiter),
        },
        moves,
    }
}

/// `programme` through `eq` then `multiband` (None when neither is set).
fn render_front(
    programme: &Programme,
    eq: Option<DynamicEqSettings>,
    multiband: Option<MultibandSettings>,
) -> Option<Programme> {
    if eq.is_none() && multiband.is_none() {
        return None;
    }
    let fs = programme.sample_rate_hz();
    let block = 4096;
    let mut chain = MasteringChain::new(ChainSettings {
        eq,
        multiband,
        pre_gain_db: 0.0,
        limiter: None,
    });
    let channels = programme.channels().len();
    chain.prepare(&ProcessSpec::new(fs, block, channels));
    let latency = chain.latency_samples() as usize;
    let frames = programme.frames();
    // Run past the end by the latency, then drop it, so the result lines up with the input.
    let mut audio: Vec<Vec<f32>> = programme
        .channels()
        .iter()
        .map(|c| {
            let mut v = c.clone();
            v.resize(frames + latency, 0.0);
            v
        })
        .collect();
    let mut start = 0;
    while start < frames + latency {
        let end = (start + block).min(frames + latency);
        let mut views: Vec<&mut [f32]> = audio.iter_mut().map(|c| &mut c[start..end]).collect();
        chain.process(&mut views);
        start = end;
    }
    for c in &mut audio {
        c.drain(..latency);
    }
    Programme::new(audio, fs, Some(*programme.layout())).ok()
}

/// Makes every band's frequency, gain and Q (`f64` in the settings) a value an `f32` holds
/// exactly, as the plugin's parameters are `f32`: the plan then hands over to the plugin
/// without a rounding.
fn plugin_exact(settings: &mut DynamicEqSettings) {
    for band in settings.bands.iter_mut().filter(|b| b.used) {
        let f = &mut band.filter;
        for v in [&mut f.frequency_hz, &mut f.gain_db, &mut f.q] {
            *v = f64::from(*v as f32);
        }
    }
}

/// `value` rounded to a step of `step` (so reports and settings carry tidy numbers).
pub(crate) fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// A multiband band for a sentence ("band 2 (120 Hz–1.0 kHz)"), from the split's `edges`.
pub(crate) fn band_name(k: usize, edges: &[BandStats], sample_rate_hz: f64) -> String {
    edges.get(k).map_or(format!("band {}", k + 1), |b| {
        match (b.low_hz > 0.0, b.high_hz < 0.5 * sample_rate_hz) {
            (false, _) => format!("band {} (below {})", k + 1, hz_text(b.high_hz)),
            (true, true) => format!(
                "band {} ({}–{})",
                k + 1,
                hz_text(b.low_hz),
                hz_text(b.high_hz)
            ),
            (true, false) => format!("band {} (above {})", k + 1, hz_text(b.low_hz)),
        }
    })
}

/// A frequency for a sentence ("850 Hz", "2.9 kHz").
pub(crate) fn hz_text(hz: f64) -> String {
    if hz >= 1000.0 {
        format!("{:.1} kHz", hz / 1000.0)
    } else {
        format!("{hz:.0} Hz")
    }
}
