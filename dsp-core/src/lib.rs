//! Vernis DSP: every processor of the suite, allocation-free after [`Processor::prepare`].
//!
//! Audio runs in `f32`; coefficients are designed and meters accumulate in `f64`.

pub mod analysis;
pub mod chain;
pub mod delay;
pub mod demo;
pub mod dither;
pub mod dynamics;
pub mod eq;
pub mod filter;
pub mod layout;
pub mod meter;
pub mod preview;
pub mod processor;
pub mod simd;
pub mod smoothing;
pub mod subnormal;
pub mod targets;
pub mod units;

pub use processor::{ProcessSpec, Processor};
