//! Filters: biquads designed in `f64`, and the BS.1770 K-weighting built from them.

pub mod biquad;
pub mod crossover_settings;
pub mod dc_blocker;
pub mod k_weighting;
pub mod oversampling;
pub mod window;

pub use biquad::{BiquadCoefficients, BiquadState};
pub use crossover_settings::{CrossoverMode, CrossoverSettings, CrossoverSlope};
pub use k_weighting::KWeighting;
