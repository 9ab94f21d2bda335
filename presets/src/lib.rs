//! Preset files shared by the Vernis plugins and the `vernis` CLI.
//!
//! - [`VstPreset`]: Steinberg's `.vstpreset` container (header, `Comp`/`Cont` chunks, chunk list).
//! - [`PluginState`] and [`PluginStateBuilder`]: the state JSON nice-plug 0.4.2 saves and loads
//!   (bare as a VST3 component state, length-prefixed as a CLAP state), so presets can be made
//!   without running a plugin.
//! - [`plugins`]: the ids of the suite's plugins.
//! - [`chain`]: the CLI's mastering chain (`dsp_core::chain::ChainSettings`) as one state per plugin.
//! - [`from_state`]: the reverse, plugin states and `.vstpreset` files back to the chain's settings
//!   as the plugins would load them.
//!
//! ```
//! use vernis_presets::{plugins, PluginStateBuilder, VstPreset};
//!
//! let state = PluginStateBuilder::new(plugins::LIMITER.version)
//!     .param("ceiling", -3.0)
//!     .param("style", "punchy")
//!     .build()?;
//! let preset = VstPreset::from_plugin_state(plugins::LIMITER.vst3_class_id, &state)?;
//! let bytes = preset.to_bytes()?;
//! assert_eq!(VstPreset::from_bytes(&bytes)?.plugin_state()?, state);
//! # Ok::<(), vernis_presets::PresetError>(())
//! ```

#![deny(missing_docs)]

pub mod chain;
pub mod error;
pub mod from_state;
pub mod plugins;
pub mod state;
pub mod vstpreset;

pub use error::PresetError;
pub use state::{ParamValue, PluginState, PluginStateBuilder};
pub use vstpreset::{class_id_to_hex, parse_class_id, VstPreset};
