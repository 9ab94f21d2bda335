//! The known colouring the reference-match tests undo: EQ moves on a stereo programme, and the
//! loud-section 1/3-octave comparison they are judged by.

use dsp_core::dynamics::BandChannel;
use dsp_core::eq::{DynamicEq, DynamicEqSettings};
use dsp_core::filter::eq_shape::EqShape;
use dsp_core::{ProcessSpec, Processor};
use vernis_assistant::analysis::tonal_balance::{third_octave_centres_hz, TonalBalance};
use vernis_assistant::analysis::LoudnessProfile;
use vernis_assistant::Programme;

pub use vernis_assistant::decisions::tonal_match::band;

/// The colouring: a low shelf, a bell and a high shelf on both channels, a bell on the side.
pub fn colouring() -> DynamicEqSettings {
    let mut settings = DynamicEqSettings::default();
    let moves = [
        band(EqShape::LowShelf, 150.0, 4.0, 0.7, BandChannel::Stereo),
        band(EqShape::Bell, 2_500.0, -3.0, 1.0, BandChannel::Stereo),
        band(EqShape::HighShelf, 8_000.0, 3.0, 0.7, BandChannel::Stereo),
        band(EqShape::Bell, 5_000.0, 3.0, 1.0, BandChannel::Side),
    ];
    for (slot, b) in settings.bands.iter_mut().zip(moves) {
        *slot = b;
    }
    settings
}

/// Stereo `audio` at `fs` through a Dynamic EQ of `settings`, in blocks of 1024.
pub fn equalised(audio: &[Vec<f32>], fs: f64, settings: DynamicEqSettings) -> Vec<Vec<f32>> {
    let mut eq = DynamicEq::new();
    eq.set_settings(settings);
    eq.prepare(&ProcessSpec::new(fs, 1024, 2));
    let mut out = audio.to_vec();
    let (l, r) = out.split_at_mut(1);
    for (a, b) in l[0].chunks_mut(1024).zip(r[0].chunks_mut(1024)) {
        eq.process(&mut [a, b]);
    }
    out
}

/// Loud-section 1/3-octave levels of `p` from 60 Hz to 12 kHz, mid or side, dB.
pub fn loud_third_octave_levels_db(p: &Programme, side: bool) -> Vec<f64> {
    let loudness = LoudnessProfile::measure(p);
    let centres: Vec<f64> = third_octave_centres_hz(12_000.0)
        .into_iter()
        .filter(|&f| f >= 60.0)
        .collect();
    TonalBalance::third_octave_levels_db(p, &loudness, &centres, side)
}

/// Worst |a − b| over the bands once the mean difference is removed, dB.
pub fn worst_difference(a: &[f64], b: &[f64]) -> f64 {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    d.iter().map(|v| (v - mean).abs()).fold(0.0, f64::max)
}
