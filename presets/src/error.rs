//! The one error type of the crate.

use std::fmt;

/// Why a preset file or a plugin state could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PresetError {
    /// The data ends before a structure the format requires (`what`) is complete.
    Truncated {
        /// The structure that is cut off.
        what: &'static str,
        /// Bytes that structure needs, counted from the start of the data.
        needed: u64,
        /// Bytes there are.
        available: u64,
    },
    /// The file does not start with the `VST3` magic: it is not a `.vstpreset`.
    NotAVstPreset {
        /// The first four bytes found instead.
        found: [u8; 4],
    },
    /// The header's format version is not the one this crate reads (1).
    UnsupportedVersion(i32),
    /// The header's class id is not 32 hexadecimal ASCII characters.
    InvalidClassId(String),
    /// The header's chunk-list offset points outside the file or into the header.
    BadChunkListOffset {
        /// The offset stored in the header.
        offset: i64,
        /// The length of the file.
        file_len: u64,
    },
    /// The bytes at the chunk-list offset are not the `List` id.
    NotAChunkList {
        /// The four bytes found instead.
        found: [u8; 4],
    },
    /// The chunk list's entry count is negative.
    BadEntryCount(i32),
    /// A chunk-list entry points outside the data area of the file.
    ChunkOutOfBounds {
        /// The entry's chunk id.
        id: [u8; 4],
        /// The entry's offset.
        offset: i64,
        /// The entry's size.
        size: i64,
        /// The length of the file.
        file_len: u64,
    },
    /// A chunk that may occur once (`Comp`, `Cont`) is listed twice.
    DuplicateChunk([u8; 4]),
    /// The file has no `Comp` (component state) chunk.
    MissingComponentState,
    /// The preset belongs to another plugin.
    ClassIdMismatch {
        /// The class id the caller asked for.
        expected: [u8; 16],
        /// The class id in the file.
        found: [u8; 16],
    },
    /// The data is too large for the format's 32- or 64-bit size fields.
    TooLarge,
    /// The plugin state is not nice-plug's state JSON (the message says where it fails).
    InvalidState(String),
    /// The state is Zstandard-compressed (nice-plug's `zstd` feature), which this crate does not read.
    CompressedState,
    /// A CLAP state's 8-byte length prefix does not match the bytes that follow it.
    StateLength {
        /// The length the prefix declares.
        declared: u64,
        /// The bytes after the prefix.
        available: u64,
    },
    /// A float parameter value is NaN or infinite; nice-plug could not load such a state.
    NonFiniteValue {
        /// The parameter's string id.
        id: String,
    },
    /// A parameter id was given twice to the builder.
    DuplicateParam(String),
    /// A persisted field could not be serialised to JSON.
    Field {
        /// The field's key.
        key: String,
        /// serde_json's message.
        message: String,
    },
    /// A setting has no exact counterpart among a plugin's parameters (see [`crate::chain`]).
    Unrepresentable {
        /// The plugin's display name.
        plugin: &'static str,
        /// The setting or parameter concerned.
        setting: String,
        /// Why it cannot be written.
        reason: String,
    },
    /// The preset is for a plugin that is not a stage of the mastering chain (see
    /// [`crate::from_state`]).
    NotAChainPlugin {
        /// The class id in the preset's header.
        class_id: [u8; 16],
        /// The plugin's display name when it is one of the suite's (the Loudness meter).
        plugin: Option<&'static str>,
    },
    /// A second preset for a plugin the chain already has (the chain has one of each).
    DuplicatePlugin(&'static str),
    /// Reading or writing a file failed.
    Io(String),
}

/// Four bytes of a chunk id, shown as ASCII with anything else escaped.
fn id_text(id: &[u8; 4]) -> String {
    id.iter()
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .collect()
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated {
                what,
                needed,
                available,
            } => write!(
                f,
                "truncated preset: the {what} needs {needed} bytes but the data has {available}"
            ),
            Self::NotAVstPreset { found } => write!(
                f,
                "not a .vstpreset file: it starts with \"{}\", not \"VST3\"",
                id_text(found)
            ),
            Self::UnsupportedVersion(v) => {
                write!(
                    f,
                    "unsupported .vstpreset format version {v} (only version 1 is known)"
                )
            }
            Self::InvalidClassId(text) => {
                write!(
                    f,
                    "invalid class id {text:?}: expected 32 hexadecimal characters"
                )
            }
            Self::BadChunkListOffset { offset, file_len } => write!(
                f,
                "corrupt .vstpreset: the chunk list offset {offset} is outside the file \
                 (48..{file_len})"
            ),
            Self::NotAChunkList { found } => write!(
                f,
                "corrupt .vstpreset: expected \"List\" at the chunk list offset, found \"{}\"",
                id_text(found)
            ),
            Self::BadEntryCount(n) => write!(f, "corrupt .vstpreset: chunk list has {n} entries"),
            Self::ChunkOutOfBounds {
                id,
                offset,
                size,
                file_len,
            } => write!(
                f,
                "corrupt .vstpreset: chunk \"{}\" at offset {offset} with size {size} lies outside \
                 the data area (48..{file_len})",
                id_text(id)
            ),
            Self::DuplicateChunk(id) => {
                write!(
                    f,
                    "corrupt .vstpreset: chunk \"{}\" is listed twice",
                    id_text(id)
                )
            }
            Self::MissingComponentState => {
                write!(f, ".vstpreset has no component state (\"Comp\" chunk)")
            }
            Self::ClassIdMismatch { expected, found } => write!(
                f,
                "preset is for another plugin: class id {} (expected {})",
                crate::class_id_to_hex(found),
                crate::class_id_to_hex(expected)
            ),
            Self::TooLarge => write!(f, "data too large for the preset format"),
            Self::InvalidState(message) => write!(f, "invalid plugin state: {message}"),
            Self::CompressedState => write!(
                f,
                "plugin state is zstd-compressed (nice-plug's zstd feature); not supported"
            ),
            Self::StateLength {
                declared,
                available,
            } => write!(
                f,
                "CLAP state length prefix says {declared} bytes but {available} follow"
            ),
            Self::NonFiniteValue { id } => {
                write!(
                    f,
                    "parameter {id:?} has a non-finite value (NaN or infinity)"
                )
            }
            Self::DuplicateParam(id) => write!(f, "parameter {id:?} is given twice"),
            Self::Field { key, message } => {
                write!(
                    f,
                    "persisted field {key:?} could not be serialised: {message}"
                )
            }
            Self::Unrepresentable {
                plugin,
                setting,
                reason,
            } => write!(f, "{plugin} cannot hold {setting}: {reason}"),
            Self::NotAChainPlugin { class_id, plugin } => {
                let hex = crate::class_id_to_hex(class_id);
                match plugin {
                    Some(name) => write!(f, "preset is for {name} (class id {hex}), which is not a stage of the mastering chain"),
                    None => write!(f, "preset is for an unknown plugin (class id {hex}); the chain takes presets of Vernis Dynamic EQ, Vernis Multiband and Vernis Limiter"),
                }
            }
            Self::DuplicatePlugin(name) => write!(
                f,
                "a second preset for {name}: the chain takes at most one preset per plugin"
            ),
            Self::Io(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for PresetError {}
