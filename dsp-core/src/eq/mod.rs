//! The Dynamic EQ: bands of matched static filters, each optionally dynamic, with a selective
//! detector per band.

pub mod band_detector;
pub mod curve;
pub mod dynamic_eq;
pub mod dynamic_section;
pub mod eq_band;
pub mod keys;
pub mod lane_cascade;
pub mod linear_phase;
pub mod listen;
pub mod lp_response;
pub mod settings;

pub use dynamic_eq::DynamicEq;
pub use settings::{
    DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase, EqTrigger, MAX_EQ_BANDS,
};
