//! Shared editor widgets and meter plumbing for the Vernis editors.
//!
//! * [`bus`]: lock-free audio → editor meter values, editor → audio commands and a history ring.
//! * [`theme`]: the dark Vernis look and its colour palette.
//! * [`widgets`]: numeric readouts, level and peak meters, gain-reduction meter and history, the
//!   loudness history graph, loudness targets and platform playback gains.
//! * [`param`]: sliders, switches and choices bound to nice-plug parameters (host gestures).
//! * [`window`]: the persisted editor size.
//! * [`demo`]: the demo programme fed to the standalone builds for screenshots.
//!
//! Only [`param`] knows about nice-plug; everything else takes plain values, so a plugin maps its
//! own parameters and meter slots onto the widgets.

pub mod bus;
pub mod demo;
pub mod param;
pub mod theme;
pub mod widgets;
pub mod window;

pub use bus::{CommandFlag, HistoryRing, MeterBus};
pub use window::EditorSize;
