//! Dynamics: gain computers, envelopes and the processors built from them.

pub(crate) mod band_bank;
pub mod band_curve;
pub mod band_dynamics;
pub mod band_settings;
pub mod envelope;
pub mod fast_db;
pub mod gain_computer;
pub mod level_detector;
pub mod limiter;
pub mod multiband;
pub mod multiband_settings;
pub mod settings;
pub mod transient_shaper;

pub use band_dynamics::{BandDynamics, BandMeterValues};
pub use band_settings::{BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain};
pub use limiter::LookaheadLimiter;
pub use multiband::{BandMeter, MultibandCompressor};
pub use multiband_settings::MultibandSettings;
pub use settings::{Dither, LimiterSettings, LimiterStyle, Oversampling, SettingKind, SettingSpec};
