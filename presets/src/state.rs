//! nice-plug 0.4.2's plugin state, as its VST3 and CLAP wrappers save and load it.
//!
//! The state is `serde_json` of an object with three members, in this order. The limiter's
//! default state, as it saves it (parameters shortened):
//!
//! ```json
//! {"version":"0.1.0",
//!  "params":{"auto_release":{"bool":true},"ceiling":{"f32":-1.0},"dither":{"string":"off"},
//!            "oversampling":{"string":"4x"},"release":{"f32":100.0},...},
//!  "fields":{"editor-size":"{\"width\":1000.0,\"height\":620.0}","target":"\"spotify\""}}
//! ```
//!
//! - `version`: the plugin's `Plugin::VERSION` (may be missing in very old states).
//! - `params`: string parameter id → value, keys sorted. Values are *plain* (unnormalised):
//!   float params `{"f32": x}`, int params `{"i32": n}`, bools `{"bool": b}`, enum params
//!   `{"string": variant_id}` when the enum's variants have `#[id]`s, else `{"i32": index}`.
//!   nice-plug loads plain values as they are (no clamping to the range, no snapping to the
//!   step) and skips unknown ids, values of the wrong kind and unknown enum ids. Parameters
//!   missing from a state keep the value they have when it is loaded; the Dynamic EQ's
//!   `filter_state` sets them (and unreadable values) to their defaults instead.
//! - `fields`: `#[persist = "key"]` field → that field's own `serde_json` text (a JSON string
//!   holding JSON), keys sorted.
//!
//! As a VST3 component state (and so in a `.vstpreset`'s `Comp` chunk) the JSON stands alone; as
//! a CLAP state it is preceded by its length as a little-endian `u64`.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::PresetError;

/// One parameter's saved value, plain (not normalised), tagged by its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamValue {
    /// A `FloatParam`'s plain value.
    F32(f32),
    /// An `IntParam`'s plain value, or an enum's variant index when its variants have no ids.
    I32(i32),
    /// A `BoolParam`'s value.
    Bool(bool),
    /// An `EnumParam`'s variant id (its `#[id = "..."]`).
    String(String),
}

impl From<f32> for ParamValue {
    fn from(v: f32) -> Self {
        Self::F32(v)
    }
}

impl From<f64> for ParamValue {
    /// Stored as `f32`, the type nice-plug saves float parameters in.
    fn from(v: f64) -> Self {
        Self::F32(v as f32)
    }
}

impl From<i32> for ParamValue {
    fn from(v: i32) -> Self {
        Self::I32(v)
    }
}

impl From<bool> for ParamValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}

/// A nice-plug plugin state: version, parameter values and persisted fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PluginState {
    /// The plugin version the state was saved with (nice-plug's `Plugin::VERSION`).
    #[serde(default)]
    pub version: String,
    /// Parameter string id → plain value.
    pub params: BTreeMap<String, ParamValue>,
    /// `#[persist]` key → the field's value as JSON text.
    pub fields: BTreeMap<String, String>,
}

/// The first bytes of a Zstandard frame (nice-plug's optional `zstd` feature).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

impl PluginState {
    /// Parses the state JSON (nice-plug's VST3 component state).
    pub fn from_json(json: &[u8]) -> Result<Self, PresetError> {
        if json.starts_with(&ZSTD_MAGIC) {
            return Err(PresetError::CompressedState);
        }
        serde_json::from_slice(json).map_err(|e| PresetError::InvalidState(e.to_string()))
    }

    /// The state JSON, byte for byte as nice-plug writes it; fails on a non-finite float.
    pub fn to_json(&self) -> Result<Vec<u8>, PresetError> {
        for (id, value) in &self.params {
            if matches!(value, ParamValue::F32(v) if !v.is_finite()) {
                return Err(PresetError::NonFiniteValue { id: id.clone() });
            }
        }
        serde_json::to_vec(self).map_err(|e| PresetError::InvalidState(e.to_string()))
    }

    /// Parses a VST3 component state (what nice-plug's `IComponent::getState` writes: the JSON).
    pub fn from_vst3_component_state(bytes: &[u8]) -> Result<Self, PresetError> {
        Self::from_json(bytes).map_err(|e| match e {
            PresetError::InvalidState(m) if looks_like_clap_state(bytes) => {
                PresetError::InvalidState(format!(
                    "{m} (the data looks like a CLAP state with its length prefix)"
                ))
            }
            e => e,
        })
    }

    /// The VST3 component state: the bare JSON.
    pub fn to_vst3_component_state(&self) -> Result<Vec<u8>, PresetError> {
        self.to_json()
    }

    /// Parses a CLAP state: a little-endian `u64` length, then that many bytes of JSON.
    pub fn from_clap_state(bytes: &[u8]) -> Result<Self, PresetError> {
        let Some((prefix, json)) = bytes.split_first_chunk::<8>() else {
            return Err(PresetError::Truncated {
                what: "CLAP state length",
                needed: 8,
                available: bytes.len() as u64,
            });
        };
        let declared = u64::from_le_bytes(*prefix);
        if declared != json.len() as u64 {
            return Err(PresetError::StateLength {
                declared,
                available: json.len() as u64,
            });
        }
        Self::from_json(json)
    }

    /// The CLAP state: the JSON's length as a little-endian `u64`, then the JSON.
    pub fn to_clap_state(&self) -> Result<Vec<u8>, PresetError> {
        let json = self.to_json()?;
        let mut out = Vec::with_capacity(8 + json.len());
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        Ok(out)
    }

    /// The (parameter id, value) pairs, sorted by id.
    pub fn param_pairs(&self) -> Vec<(String, ParamValue)> {
        self.params
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The value of parameter `id`, if the state has it.
    pub fn param(&self, id: &str) -> Option<&ParamValue> {
        self.params.get(id)
    }

    /// Persisted field `key` decoded from its JSON text; `None` if the state lacks it.
    pub fn field<T: DeserializeOwned>(&self, key: &str) -> Option<Result<T, PresetError>> {
        self.fields.get(key).map(|text| {
            serde_json::from_str(text).map_err(|e| PresetError::Field {
                key: key.to_owned(),
                message: e.to_string(),
            })
        })
    }
}

/// True when `bytes` start with a little-endian `u64` equal to the length of what follows.
fn looks_like_clap_state(bytes: &[u8]) -> bool {
    bytes
        .split_first_chunk::<8>()
        .is_some_and(|(prefix, rest)| u64::from_le_bytes(*prefix) == rest.len() as u64)
}

/// Builds the state a nice-plug plugin would save, from (parameter id, value) pairs and
/// persisted fields, without running the plugin.
///
/// Only the parameters given are written; when the state is loaded, nice-plug leaves every other
/// parameter at its current value (the Dynamic EQ resets them to defaults), so give all of them
/// for a preset that fully defines the sound. Values are not checked against the plugin's ranges,
/// and nice-plug does not clamp loaded values: the caller must keep them in range.
#[derive(Debug, Clone, Default)]
pub struct PluginStateBuilder {
    state: PluginState,
    error: Option<PresetError>,
}

impl PluginStateBuilder {
    /// A builder for a state saved by plugin version `version` (its `Plugin::VERSION`).
    pub fn new(version: impl Into<String>) -> Self {
        Self {
            state: PluginState {
                version: version.into(),
                ..PluginState::default()
            },
            error: None,
        }
    }

    /// Records the first error; later calls keep it.
    fn fail(&mut self, error: PresetError) {
        self.error.get_or_insert(error);
    }

    /// Sets parameter `id` (its `#[id = "..."]`) to the plain `value`.
    pub fn param(mut self, id: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        let id = id.into();
        let value = value.into();
        if matches!(value, ParamValue::F32(v) if !v.is_finite()) {
            self.fail(PresetError::NonFiniteValue { id: id.clone() });
        }
        if self.state.params.insert(id.clone(), value).is_some() {
            self.fail(PresetError::DuplicateParam(id));
        }
        self
    }

    /// Sets every (id, value) pair, as [`param`](Self::param) does.
    pub fn params<I, K, V>(self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<ParamValue>,
    {
        pairs
            .into_iter()
            .fold(self, |b, (id, value)| b.param(id, value))
    }

    /// Persists `value` under `key` (a `#[persist = "key"]` field), serialised with serde_json.
    pub fn field<T: Serialize + ?Sized>(mut self, key: impl Into<String>, value: &T) -> Self {
        let key = key.into();
        match serde_json::to_string(value) {
            Ok(text) => return self.raw_field(key, text),
            Err(e) => self.fail(PresetError::Field {
                key,
                message: e.to_string(),
            }),
        }
        self
    }

    /// Persists the JSON text `json` under `key` as it is.
    pub fn raw_field(mut self, key: impl Into<String>, json: impl Into<String>) -> Self {
        self.state.fields.insert(key.into(), json.into());
        self
    }

    /// The state, or the first error met while building it.
    pub fn build(self) -> Result<PluginState, PresetError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.state),
        }
    }
}
