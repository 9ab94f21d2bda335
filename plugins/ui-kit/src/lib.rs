//! Shared editor widgets and meter plumbing for the Vernis editors.
//!
//! * [`bus`]: lock-free audio → editor meter values, editor → audio commands and a history ring.
//! * [`theme`]: the dark Vernis look and its colour palette.
//! * [`widgets`]: numeric readouts, level bars, the loudness history graph and the target panel.
//!
//! Nothing here depends on nice-plug: a plugin maps its parameters onto these widgets itself.

pub mod bus;
pub mod theme;
pub mod widgets;

pub use bus::{CommandFlag, HistoryRing, MeterBus};
