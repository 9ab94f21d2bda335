//! The editor shell shared by the Vernis plugins: the nice-plug-egui lifecycle around a plugin's
//! own editor contents.
//!
//! A plugin implements [`EditorContents`] (its name, smallest size and what to draw) and builds its
//! editor with [`create_editor`]. The shell then does the rest the same way for every plugin: it
//! applies the [`theme`], keeps the host's [`GuiContext`] while the window is open, creates the
//! window at the persisted size and restores that size on the first frame (hosts restore state only
//! after creating the editor), writes every resize back, repaints about 30 times per second and
//! wraps the contents in a resizable window. It also owns the editor's [`PresetBar`] (preset import
//! and export, [`crate::preset`]), polls it every frame and hands it to the contents, which place
//! it in their header.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use egui::{Ui, Vec2};
use nice_plug::context::gui::{GuiContext, ParamSetter};
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::ResizeHint;
use nice_plug_egui::resizable_window::ResizableWindow;
use nice_plug_egui::{
    create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp,
};

use crate::preset::PresetBar;
use crate::theme;
use crate::window::{self, EditorSize};

/// Interval between repaints while the editor is open (about 30 frames per second).
pub const REPAINT_INTERVAL: Duration = Duration::from_millis(33);

/// What a plugin's editor draws; [`EditorShell`] runs it inside nice-plug-egui.
pub trait EditorContents: Send + 'static {
    /// The plugin's name (e.g. `Vernis Limiter`): the window title; lower-cased with dashes it
    /// also names the resizable window's egui area.
    const TITLE: &'static str;

    /// Smallest editor size, logical points.
    const MIN_SIZE: Vec2;

    /// The plugin's VST3 class id (`Vst3Plugin::VST3_CLASS_ID`): written into exported presets,
    /// and required of imported ones.
    const VST3_CLASS_ID: [u8; 16];

    /// Called when the editor window opens, before the first frame (e.g. to drop meter peaks that
    /// piled up while it was closed).
    fn opened(&mut self) {}

    /// Called when the editor window closes (e.g. to tell the audio thread to stop publishing).
    fn closed(&mut self) {}

    /// Draws the editor into `ui`; parameters change through `setter`. `presets` is drawn with
    /// [`PresetBar::show`] at the end of the header's right-to-left group.
    fn contents(&mut self, ui: &mut Ui, setter: &ParamSetter, presets: &mut PresetBar);
}

/// The nice-plug-egui app around a plugin's [`EditorContents`].
pub struct EditorShell<T> {
    contents: T,
    /// The persisted window size (a `#[persist]` field of the plugin's parameters).
    size: Arc<RwLock<EditorSize>>,
    gui: Option<GuiContext>,
    /// Saved window size to apply on the first frame (the host restores state after `editor()`).
    pending_size: Option<EditorSize>,
    /// Id of the resizable window's area.
    window_id: String,
    /// Preset import and export.
    presets: PresetBar,
}

/// Builds a plugin's editor (for its `editor()` callback): `contents` in an [`EditorShell`], opened
/// at the size persisted in `size` (`fallback` when that cannot be read).
pub fn create_editor<T: EditorContents>(
    contents: T,
    size: Arc<RwLock<EditorSize>>,
    fallback: EditorSize,
) -> Option<EguiEditor<EditorShell<T>>> {
    let initial = window::load_size(&size, fallback);
    let state = EguiEditorState::from_size(LogicalSize::new(initial.width, initial.height), 1.0);
    let settings = EguiNiceSettings::new()
        .with_tile(T::TITLE)
        .with_resize_hint(ResizeHint::RESIZABLE);
    let window_id = T::TITLE.to_lowercase().replace(' ', "-");
    create_egui_editor(
        state,
        Default::default(),
        settings,
        EditorShell {
            contents,
            size,
            gui: None,
            pending_size: None,
            presets: PresetBar::new(T::VST3_CLASS_ID, &window_id),
            window_id,
        },
    )
}

impl<T: EditorContents> NiceEguiApp for EditorShell<T> {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        theme::apply(&egui_ctx);
        self.presets.attach(nice_gui_ctx.clone());
        self.gui = Some(nice_gui_ctx);
        self.pending_size = self.size.read().ok().map(|s| *s);
        self.contents.opened();
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        ui.ctx().request_repaint_after(REPAINT_INTERVAL);
        window::restore_size(ui, &mut self.pending_size, T::MIN_SIZE);
        let Some(gui) = self.gui.clone() else {
            return;
        };
        self.presets.poll();
        let setter = gui.param_setter();
        ResizableWindow::new(self.window_id.as_str())
            .min_size(T::MIN_SIZE)
            .show(ui, |ui| {
                self.contents.contents(ui, &setter, &mut self.presets)
            });
    }

    fn resized(&mut self, new_size: nice_plug_egui::baseview::WindowSize) {
        window::store_size(
            &self.size,
            new_size.logical.width as f32,
            new_size.logical.height as f32,
        );
    }

    fn editor_closed(&mut self) {
        self.gui = None;
        self.presets.detach();
        self.contents.closed();
    }
}
