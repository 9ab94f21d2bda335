//! Dynamics: gain computers, envelopes and the processors built from them.

pub mod envelope;
pub mod gain_computer;
pub mod limiter;
pub mod settings;

pub use limiter::LookaheadLimiter;
pub use settings::{Dither, LimiterSettings, LimiterStyle, Oversampling, SettingKind, SettingSpec};
