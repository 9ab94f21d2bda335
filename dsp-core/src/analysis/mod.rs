//! Offline analysis primitives (not real-time: they allocate), shared by the assistant and the
//! tests: averaged power spectra and fractional-octave smoothing.

pub mod spectrum;

pub use spectrum::{fractional_octave_levels_db, log_centres_hz, AverageSpectrum};
