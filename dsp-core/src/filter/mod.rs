//! Filters: biquads designed in `f64`, and the BS.1770 K-weighting built from them.

pub mod biquad;
pub mod k_weighting;

pub use biquad::{BiquadCoefficients, BiquadState};
pub use k_weighting::KWeighting;
