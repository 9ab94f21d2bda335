//! Filters: biquads designed in `f64`, the BS.1770 K-weighting built from them, and the band
//! splitter (Linkwitz-Riley IIR and linear-phase FIR crossovers).

pub mod analog_prototype;
pub mod biquad;
pub mod crossover;
pub mod crossover_pipeline;
#[cfg(target_arch = "x86_64")]
pub mod crossover_pipeline512;
pub mod crossover_settings;
pub mod crossover_tree;
pub mod dc_blocker;
pub mod eq_design;
pub mod eq_fit;
pub mod eq_pole_fit;
pub mod eq_section;
pub mod eq_shape;
pub mod fir_crossover;
pub mod k_weighting;
pub mod lanes;
pub mod linkwitz_riley;
pub mod oversampling;
pub mod partitioned;
pub mod state_match;
pub mod window;

pub use biquad::{BiquadCoefficients, BiquadState};
pub use crossover::BandSplitter;
pub use crossover_settings::{CrossoverMode, CrossoverSettings, CrossoverSlope};
pub use k_weighting::KWeighting;
