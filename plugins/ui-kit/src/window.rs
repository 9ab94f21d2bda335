//! The editor window size a plugin persists with its state, and restoring it.
//!
//! A plugin keeps an `Arc<RwLock<EditorSize>>` as a `#[persist = "editor-size"]` field of its
//! parameters, creates the editor at that size, writes every resize back with [`store_size`] and,
//! because hosts restore state only after creating the editor, applies the saved size once on the
//! first frame with [`restore_size`].

use std::sync::RwLock;

use egui::{Ui, Vec2};
use serde::{Deserialize, Serialize};

/// Editor window size in logical pixels, persisted with the plugin state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EditorSize {
    /// Width in logical pixels.
    pub width: f32,
    /// Height in logical pixels.
    pub height: f32,
}

impl EditorSize {
    /// A size of `width` × `height` logical pixels.
    pub const fn new(width: f32, height: f32) -> Self {
        Self { width, height }
    }

    /// The size as an egui vector.
    pub fn to_vec2(self) -> Vec2 {
        Vec2::new(self.width, self.height)
    }
}

/// Reads the persisted size, or `fallback` when the lock is poisoned.
pub fn load_size(size: &RwLock<EditorSize>, fallback: EditorSize) -> EditorSize {
    size.read().map(|s| *s).unwrap_or(fallback)
}

/// Writes a new window size (from the editor's `resized` callback) to the persisted field.
pub fn store_size(size: &RwLock<EditorSize>, width: f32, height: f32) {
    if let Ok(mut size) = size.write() {
        size.width = width;
        size.height = height;
    }
}

/// Asks the window to take the size in `pending` (at least `min_size`) once, on the first frame
/// after the editor opened, if it differs from the current size.
pub fn restore_size(ui: &Ui, pending: &mut Option<EditorSize>, min_size: Vec2) {
    if let Some(size) = pending.take() {
        let current = ui.ctx().content_rect().size();
        let wanted = size.to_vec2().max(min_size);
        if (current - wanted).length() > 1.0 {
            ui.send_viewport_cmd(egui::ViewportCommand::InnerSize(wanted));
        }
    }
}
