//! Steinberg's `.vstpreset` container.
//!
//! Layout (all integers little-endian), as Steinberg documents it:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | `VST3` |
//! | 4 | 4 | format version, `i32` = 1 |
//! | 8 | 32 | class id: the 16-byte VST3 class id as 32 uppercase hex ASCII characters |
//! | 40 | 8 | offset of the chunk list, `i64` |
//! | 48 | … | chunk data (`Comp`, then `Cont` if present) |
//! | list | 4 | `List` |
//! | list + 4 | 4 | entry count, `i32` |
//! | list + 8 | 20 × n | entries: 4-byte chunk id, `i64` offset, `i64` size |
//!
//! The list is the last thing in the file. Chunks other than `Comp` and `Cont` (a host's `Info`
//! meta data, say) are skipped when reading.

use std::path::Path;

use crate::error::PresetError;
use crate::state::PluginState;

/// The magic at the start of every `.vstpreset`.
pub const HEADER_ID: [u8; 4] = *b"VST3";
/// The format version this crate writes and reads.
pub const FORMAT_VERSION: i32 = 1;
/// Bytes of the header: magic, version, class id and chunk-list offset.
pub const HEADER_LEN: usize = 4 + 4 + 32 + 8;
/// Id of the chunk list at the end of the file.
pub const LIST_ID: [u8; 4] = *b"List";
/// Id of the component (processor) state chunk.
pub const COMPONENT_STATE_ID: [u8; 4] = *b"Comp";
/// Id of the edit-controller state chunk.
pub const CONTROLLER_STATE_ID: [u8; 4] = *b"Cont";
/// Bytes of one chunk-list entry: id, offset, size.
pub const LIST_ENTRY_LEN: usize = 4 + 8 + 8;

/// A `.vstpreset` file: the plugin's class id and its component (and controller) state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VstPreset {
    /// The plugin's 16-byte VST3 class id (nice-plug's `VST3_CLASS_ID`).
    pub class_id: [u8; 16],
    /// The bytes the plugin's `IComponent::getState` writes (for nice-plug: the state JSON).
    pub component_state: Vec<u8>,
    /// The bytes of `IEditController::getState`, if the preset has any (nice-plug writes none).
    pub controller_state: Option<Vec<u8>>,
}

/// Reads `N` bytes at `at`, or says which structure is cut off.
fn take<const N: usize>(
    bytes: &[u8],
    at: usize,
    what: &'static str,
) -> Result<[u8; N], PresetError> {
    at.checked_add(N)
        .and_then(|end| bytes.get(at..end))
        .and_then(|s| s.try_into().ok())
        .ok_or(PresetError::Truncated {
            what,
            needed: at as u64 + N as u64,
            available: bytes.len() as u64,
        })
}

impl VstPreset {
    /// A preset for the plugin `class_id` holding `state` as its component state (nice-plug's
    /// VST3 layout: the bare JSON) and no controller state.
    pub fn from_plugin_state(class_id: [u8; 16], state: &PluginState) -> Result<Self, PresetError> {
        Ok(Self {
            class_id,
            component_state: state.to_vst3_component_state()?,
            controller_state: None,
        })
    }

    /// The nice-plug state in the component chunk.
    pub fn plugin_state(&self) -> Result<PluginState, PresetError> {
        PluginState::from_vst3_component_state(&self.component_state)
    }

    /// The file's bytes: header, `Comp`, `Cont` (if any), then the chunk list.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PresetError> {
        let mut chunks: Vec<([u8; 4], &[u8])> = vec![(COMPONENT_STATE_ID, &self.component_state)];
        if let Some(controller) = &self.controller_state {
            chunks.push((CONTROLLER_STATE_ID, controller));
        }
        let data_len: usize = chunks.iter().map(|(_, data)| data.len()).sum();
        let list_offset = HEADER_LEN + data_len;
        let total = list_offset + 8 + LIST_ENTRY_LEN * chunks.len();
        if i64::try_from(total).is_err() {
            return Err(PresetError::TooLarge);
        }

        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&HEADER_ID);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(class_id_to_hex(&self.class_id).as_bytes());
        out.extend_from_slice(&(list_offset as i64).to_le_bytes());

        let mut entries = Vec::with_capacity(chunks.len());
        for (id, data) in &chunks {
            entries.push((*id, out.len() as i64, data.len() as i64));
            out.extend_from_slice(data);
        }

        out.extend_from_slice(&LIST_ID);
        out.extend_from_slice(&(entries.len() as i32).to_le_bytes());
        for (id, offset, size) in entries {
            out.extend_from_slice(&id);
            out.extend_from_slice(&offset.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
        }
        debug_assert_eq!(out.len(), total);
        Ok(out)
    }

    /// Parses a `.vstpreset`; corrupt, truncated or foreign data gives an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PresetError> {
        let file_len = bytes.len() as u64;
        let magic: [u8; 4] = take(bytes, 0, "header")?;
        if magic != HEADER_ID {
            return Err(PresetError::NotAVstPreset { found: magic });
        }
        if bytes.len() < HEADER_LEN {
            return Err(PresetError::Truncated {
                what: "header",
                needed: HEADER_LEN as u64,
                available: file_len,
            });
        }
        let version = i32::from_le_bytes(take(bytes, 4, "header")?);
        if version != FORMAT_VERSION {
            return Err(PresetError::UnsupportedVersion(version));
        }
        let class_text: [u8; 32] = take(bytes, 8, "header")?;
        let class_id = parse_class_id_bytes(&class_text)?;
        let list_offset = i64::from_le_bytes(take(bytes, 40, "header")?);
        let list_at = usize::try_from(list_offset)
            .ok()
            .filter(|&at| at >= HEADER_LEN && at as u64 <= file_len)
            .ok_or(PresetError::BadChunkListOffset {
                offset: list_offset,
                file_len,
            })?;

        let list_id: [u8; 4] = take(bytes, list_at, "chunk list")?;
        if list_id != LIST_ID {
            return Err(PresetError::NotAChunkList { found: list_id });
        }
        let count = i32::from_le_bytes(take(bytes, list_at + 4, "chunk list")?);
        let count = usize::try_from(count).map_err(|_| PresetError::BadEntryCount(count))?;
        let entries_at = list_at + 8;
        let needed = entries_at as u64 + count as u64 * LIST_ENTRY_LEN as u64;
        if needed > file_len {
            return Err(PresetError::Truncated {
                what: "chunk list",
                needed,
                available: file_len,
            });
        }

        let mut component = None;
        let mut controller = None;
        for k in 0..count {
            let at = entries_at + k * LIST_ENTRY_LEN;
            let id: [u8; 4] = take(bytes, at, "chunk list")?;
            let offset = i64::from_le_bytes(take(bytes, at + 4, "chunk list")?);
            let size = i64::from_le_bytes(take(bytes, at + 12, "chunk list")?);
            let out_of_bounds = PresetError::ChunkOutOfBounds {
                id,
                offset,
                size,
                file_len,
            };
            let start = usize::try_from(offset).map_err(|_| out_of_bounds.clone())?;
            let len = usize::try_from(size).map_err(|_| out_of_bounds.clone())?;
            let data = start
                .checked_add(len)
                .filter(|_| start >= HEADER_LEN)
                .and_then(|end| bytes.get(start..end))
                .ok_or(out_of_bounds)?;
            let slot = match id {
                COMPONENT_STATE_ID => &mut component,
                CONTROLLER_STATE_ID => &mut controller,
                _ => continue,
            };
            if slot.is_some() {
                return Err(PresetError::DuplicateChunk(id));
            }
            *slot = Some(data.to_vec());
        }

        Ok(Self {
            class_id,
            component_state: component.ok_or(PresetError::MissingComponentState)?,
            controller_state: controller,
        })
    }

    /// Parses a `.vstpreset` and checks that it belongs to the plugin `expected`.
    pub fn from_bytes_for(bytes: &[u8], expected: [u8; 16]) -> Result<Self, PresetError> {
        let preset = Self::from_bytes(bytes)?;
        if preset.class_id != expected {
            return Err(PresetError::ClassIdMismatch {
                expected,
                found: preset.class_id,
            });
        }
        Ok(preset)
    }

    /// Reads and parses the `.vstpreset` file at `path`.
    pub fn read(path: &Path) -> Result<Self, PresetError> {
        let bytes = std::fs::read(path)
            .map_err(|e| PresetError::Io(format!("could not read {}: {e}", path.display())))?;
        Self::from_bytes(&bytes)
    }

    /// Writes the preset to the file at `path`.
    pub fn write(&self, path: &Path) -> Result<(), PresetError> {
        std::fs::write(path, self.to_bytes()?)
            .map_err(|e| PresetError::Io(format!("could not write {}: {e}", path.display())))
    }
}

/// A 16-byte class id as the 32 uppercase hex characters VST3 hosts write on Linux and macOS.
pub fn class_id_to_hex(class_id: &[u8; 16]) -> String {
    class_id.iter().map(|b| format!("{b:02X}")).collect()
}

/// The 16-byte class id from its 32 hex characters (either case).
pub fn parse_class_id(text: &str) -> Result<[u8; 16], PresetError> {
    let bytes: [u8; 32] = text
        .as_bytes()
        .try_into()
        .map_err(|_| PresetError::InvalidClassId(text.to_owned()))?;
    parse_class_id_bytes(&bytes)
}

/// [`parse_class_id`] on the raw header bytes.
fn parse_class_id_bytes(text: &[u8; 32]) -> Result<[u8; 16], PresetError> {
    let invalid = || PresetError::InvalidClassId(String::from_utf8_lossy(text).into_owned());
    let nibble = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let mut id = [0u8; 16];
    for (k, pair) in text.chunks_exact(2).enumerate() {
        id[k] =
            (nibble(pair[0]).ok_or_else(invalid)? << 4) | nibble(pair[1]).ok_or_else(invalid)?;
    }
    Ok(id)
}
