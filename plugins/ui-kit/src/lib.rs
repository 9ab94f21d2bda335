//! Shared editor widgets and meter plumbing for the Vernis editors.
//!
//! * [`bus`]: lock-free audio → editor meter values, editor → audio commands and a history ring.
//! * [`theme`]: the dark Vernis look and its colour palette.
//! * [`widgets`]: numeric readouts, level and peak meters, gain-reduction meter and history, the
//!   loudness history graph, loudness targets and platform playback gains.
//! * [`param`]: sliders, switches and choices bound to nice-plug parameters (host gestures).
//! * [`window`]: the persisted editor size.
//! * [`preset`]: `.vstpreset` import and export from the editor (the header's Import…/Export…).
//! * [`shell`]: the editor lifecycle every plugin shares ([`EditorContents`] in an
//!   [`EditorShell`]: theme, size restore, resizable window, repaint interval).
//! * [`spectrum`]: an audio tap (lock-free sample ring) and the editor-side spectrum analyser.
//! * [`sub_blocks`]: the audio-thread walk in sub-blocks ending on a publish clock, sidechain alike.
//! * [`demo`]: the demo programme fed to the standalone builds for screenshots.
//!
//! * [`state_repair`]: saved values this version cannot read set to their defaults, with a log
//!   message, before nice-plug loads a state (every plugin's `filter_state`).
//! * [`latency`]: reporting latency changes the way CLAP and VST3 each allow.
//! * [`layouts`]: the audio layouts every plugin offers (stereo, mono, 5.1, 7.1, 7.1.4).
//!
//! Only [`param`], [`shell`], [`preset`], [`state_repair`], [`latency`] and [`layouts`] know about nice-plug; everything else takes plain values, so a
//! plugin maps its own parameters and meter slots onto the widgets.

pub mod bus;
pub mod demo;
pub mod latency;
pub mod layouts;
pub mod param;
pub mod preset;
pub mod shell;
pub mod spectrum;
pub mod state_repair;
pub mod sub_blocks;
pub mod test_support;
pub mod theme;
pub mod widgets;
pub mod window;

pub use bus::{CommandFlag, EditorOpen, FrameClock, HistoryRing, MeterBus};
pub use latency::{LatencyReporter, LatencyRequest};
pub use preset::PresetBar;
pub use shell::{create_editor, EditorContents, EditorShell};
pub use spectrum::{SampleRing, SpectrumAnalyzer};
pub use sub_blocks::{for_each_sub_block, shared_views};
pub use window::EditorSize;
