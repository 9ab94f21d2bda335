//! Host harness for the Vernis plugin bundles.
//!
//! Loads a built `.clap` bundle with clack-host the way a DAW does and drives it: instantiate by
//! CLAP id, inspect parameters and audio ports, activate at a sample rate and block-size range,
//! process blocks on a separate audio thread with sample-accurate parameter events, save and load
//! state, query latency, deactivate.
//!
//! - [`cases`]: the table of plugins every integration test runs against.
//! - [`bundle`]: finding `<target>/bundled/<Name>.clap` (honours `CARGO_TARGET_DIR`).
//! - [`host`]: [`PluginHost`], the main-thread side.
//! - [`audio`]: [`AudioSession`], the audio-thread side.
//! - [`signal`]: test signals, block partitions, random automation, bit-exact comparison.
//! - [`alloc_guard`]: child-process scenarios for nice-plug's allocation assertion.
//!
//! Minimal use:
//!
//! ```no_run
//! use host_tests::{cases::PLUGIN_CASES, signal, AudioConfig, PluginHost};
//!
//! let mut host = PluginHost::for_case(&PLUGIN_CASES[0]).unwrap();
//! host.activate(AudioConfig::new(48_000.0, 512)).unwrap();
//! let input = signal::noise(2, 4800, 0.5, 1);
//! let output = host.process_signal(&input, &[512], &[]).unwrap();
//! assert_eq!(output.len(), 2);
//! ```

#![warn(missing_docs)]

pub mod alloc_guard;
pub mod audio;
pub mod bundle;
pub mod cases;
pub mod chain_identity;
pub mod error;
pub mod host;
pub mod signal;

pub use audio::{AudioSession, UNWRITTEN};
pub use cases::{LatencyExpectation, PluginCase, PLUGIN_CASES};
pub use error::{HarnessError, Result};
pub use host::{
    ActivationState, AudioConfig, HostCallback, HostCallbackRecord, HostNotifications, ParamChange,
    ParamDescriptor, PluginHost, PortConfig, PortLayout, TimedParamChange,
};
