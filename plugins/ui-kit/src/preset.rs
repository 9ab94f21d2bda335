//! Import and export of `.vstpreset` files from the editor, for hosts without a preset format of
//! their own to offer (CLAP hosts); the files are the ones VST3 hosts load.
//!
//! Export: the plugin's state as nice-plug serialises it ([`GuiContext::get_state`], the same JSON
//! its VST3 wrapper saves) goes into a `.vstpreset` with the plugin's VST3 class id
//! ([`export_preset`]). Import: the file's class id must be the plugin's (another plugin's preset
//! is refused, by name), its state is parsed as nice-plug's state ([`import_preset`]) and handed to
//! [`GuiContext::set_state`], which applies it at the end of the current process call when the
//! plugin is processing and tells the host that every parameter changed. The conversions are pure
//! functions on bytes, tested without a GUI; [`PresetBar`] is the editor side.
//!
//! An import keeps the window's own persisted fields ([`WINDOW_FIELDS`]: the editor size): a
//! preset is about sound, and loading one should not resize the window the next time it opens.
//! Parameters a preset does not name keep their values, as when a VST3 host loads the same file.
//!
//! # File dialogs
//!
//! The file is chosen in the platform's own dialog through [`rfd`]: Windows and macOS natively, and
//! on Linux and the BSDs the XDG desktop portal (the GNOME/GTK or KDE file chooser the desktop
//! provides), with `zenity` as rfd's fallback. The portal is reached through `libdbus`, which rfd
//! opens at run time, so the bundles gain no link-time dependency: rfd's GTK backend (a GTK link
//! dependency) and its Wayland feature (`libwayland-client`) are left off, and a plugin still
//! loads on a machine without a desktop, where the dialog simply does not appear. A pure-egui
//! dialog (`egui-file-dialog`) would need no desktop at all, but no release supports egui 0.37.
//!
//! The dialog never blocks a plugin thread: the dialog's future is created on the GUI thread (macOS
//! wants dialogs started there) and awaited on a worker thread; the editor polls the result once
//! per frame ([`PresetBar::poll`]) and only then reads or writes the file and gets or sets the
//! state, on the GUI thread as nice-plug requires. The last folder used is remembered while the
//! plugin instance lives; nothing is added to the plugin's saved state.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use egui::{Button, Label, RichText, Sense, Ui, Vec2};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::PluginState;
use vernis_presets::{class_id_to_hex, plugins, PresetError, VstPreset};

use crate::theme;

/// The preset files' extension (without the dot).
pub const EXTENSION: &str = "vstpreset";

/// Persisted fields that belong to the editor window rather than the sound: an import keeps their
/// current values.
pub const WINDOW_FIELDS: &[&str] = &["editor-size"];

/// Largest file an import reads, bytes. The suite's presets are a few kilobytes; this only stops
/// a wrongly chosen large file from being read whole.
pub const MAX_PRESET_BYTES: u64 = 4 << 20;

/// How long a success message stays before it fades out (errors stay until the next action).
const STATUS_HOLD: Duration = Duration::from_secs(8);
/// How long the fade-out takes.
const STATUS_FADE: Duration = Duration::from_secs(1);

/// Why a preset could not be imported or exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetFileError {
    /// The file is another plugin's preset.
    WrongPlugin {
        /// This plugin's VST3 class id.
        expected: [u8; 16],
        /// The class id in the file.
        found: [u8; 16],
    },
    /// The file is not a readable `.vstpreset` holding a nice-plug state, or the plugin's state
    /// cannot be written as one.
    Invalid(PresetError),
    /// Reading or writing the file failed.
    Io(String),
}

/// The display name of the suite's plugin with VST3 class id `class_id`, if it is one.
pub fn plugin_name(class_id: [u8; 16]) -> Option<&'static str> {
    plugins::ALL
        .iter()
        .find(|p| p.vst3_class_id == class_id)
        .map(|p| p.name)
}

impl fmt::Display for PresetFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongPlugin { expected, found } => {
                let this = plugin_name(*expected).unwrap_or("this plugin");
                match plugin_name(*found) {
                    Some(other) => write!(f, "This preset is for {other}, not {this}"),
                    None => write!(
                        f,
                        "This preset is for another plugin (class id {}), not {this}",
                        class_id_to_hex(found)
                    ),
                }
            }
            Self::Invalid(e) => write!(f, "Not a usable preset: {e}"),
            Self::Io(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for PresetFileError {}

impl From<PresetError> for PresetFileError {
    fn from(e: PresetError) -> Self {
        match e {
            PresetError::ClassIdMismatch { expected, found } => {
                Self::WrongPlugin { expected, found }
            }
            e => Self::Invalid(e),
        }
    }
}

/// nice-plug's state object as `vernis_presets` models it (both are the same JSON).
fn to_preset_state(state: &PluginState) -> Result<vernis_presets::PluginState, PresetError> {
    let json = serde_json::to_vec(state).map_err(|e| PresetError::InvalidState(e.to_string()))?;
    vernis_presets::PluginState::from_json(&json)
}

/// `vernis_presets`' state as nice-plug's state object.
fn to_nice_state(state: &vernis_presets::PluginState) -> Result<PluginState, PresetError> {
    serde_json::from_slice(&state.to_json()?).map_err(|e| PresetError::InvalidState(e.to_string()))
}

/// The `.vstpreset` file for a plugin with VST3 class id `class_id` in state `state` (what
/// [`GuiContext::get_state`] returns).
pub fn export_preset(class_id: [u8; 16], state: &PluginState) -> Result<Vec<u8>, PresetFileError> {
    let preset = VstPreset::from_plugin_state(class_id, &to_preset_state(state)?)?;
    Ok(preset.to_bytes()?)
}

/// The state to hand to [`GuiContext::set_state`] for the `.vstpreset` file `bytes`, in a plugin
/// with VST3 class id `class_id` whose state is now `current`: the file's state with the
/// [`WINDOW_FIELDS`] of `current`. Refuses another plugin's preset and a corrupt file.
pub fn import_preset(
    bytes: &[u8],
    class_id: [u8; 16],
    current: &PluginState,
) -> Result<PluginState, PresetFileError> {
    let preset = VstPreset::from_bytes_for(bytes, class_id)?;
    let mut state = to_nice_state(&preset.plugin_state()?)?;
    for key in WINDOW_FIELDS {
        match current.fields.get(*key) {
            Some(value) => state.fields.insert((*key).to_owned(), value.clone()),
            None => state.fields.remove(*key),
        };
    }
    Ok(state)
}

/// `path`, ending in `.vstpreset` (appended when the name has another or no extension).
pub fn with_extension(path: &Path) -> PathBuf {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
    {
        path.to_owned()
    } else {
        let mut name = path.as_os_str().to_owned();
        name.push(".");
        name.push(EXTENSION);
        PathBuf::from(name)
    }
}

/// Reads a preset file (at most [`MAX_PRESET_BYTES`]).
pub fn read_preset_file(path: &Path) -> Result<Vec<u8>, PresetFileError> {
    let io =
        |e: std::io::Error| PresetFileError::Io(format!("Cannot read {}: {e}", path.display()));
    let len = fs::metadata(path).map_err(io)?.len();
    if len > MAX_PRESET_BYTES {
        return Err(PresetFileError::Io(format!(
            "{} is {len} bytes, too large for a preset",
            path.display()
        )));
    }
    fs::read(path).map_err(io)
}

/// The file name of `path` for the status line.
fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Which button started the dialog in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Import,
    Export,
}

/// The one-line result of the last action.
struct Status {
    text: String,
    /// Hover text: the full path or message.
    detail: String,
    error: bool,
    at: Instant,
}

/// The editor's Import…/Export… buttons and status line; [`crate::EditorShell`] owns one, polls
/// it every frame and hands it to the plugin's contents, which place it with [`PresetBar::show`].
pub struct PresetBar {
    class_id: [u8; 16],
    /// The suggested file name of an export.
    default_name: String,
    gui: Option<GuiContext>,
    /// The dialog in flight: what it is for and where its answer arrives.
    pending: Option<(Action, Receiver<Option<PathBuf>>)>,
    status: Option<Status>,
    /// The folder of the last file imported or exported (this instance only, not saved).
    last_dir: Option<PathBuf>,
}

impl PresetBar {
    /// The bar of a plugin with VST3 class id `class_id`; exports are suggested as
    /// `<file_stem>.vstpreset`.
    pub fn new(class_id: [u8; 16], file_stem: &str) -> Self {
        Self {
            class_id,
            default_name: format!("{file_stem}.{EXTENSION}"),
            gui: None,
            pending: None,
            status: None,
            last_dir: None,
        }
    }

    /// The editor opened with `gui`.
    pub(crate) fn attach(&mut self, gui: GuiContext) {
        self.gui = Some(gui);
    }

    /// The editor closed: the answer of a dialog still open is ignored.
    pub(crate) fn detach(&mut self) {
        self.gui = None;
        self.pending = None;
    }

    /// Whether a dialog is open.
    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    fn set_status(&mut self, text: String, detail: String, error: bool) {
        self.status = Some(Status {
            text,
            detail,
            error,
            at: Instant::now(),
        });
    }

    /// Takes the answer of the dialog in flight, if it came, and carries out the import or export
    /// (GUI thread; call once per frame).
    pub fn poll(&mut self) {
        let Some((action, rx)) = &self.pending else {
            return;
        };
        let action = *action;
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => None,
        };
        self.pending = None;
        let Some(path) = answer else {
            self.set_status(
                "No file chosen".to_owned(),
                "Cancelled, or no file dialog could be shown (on Linux it needs the desktop's \
                 XDG portal or zenity)"
                    .to_owned(),
                false,
            );
            return;
        };
        let Some(gui) = self.gui.clone() else {
            return;
        };
        let (path, result) = match action {
            Action::Import => {
                let result = read_preset_file(&path)
                    .and_then(|bytes| import_preset(&bytes, self.class_id, &gui.get_state()))
                    .map(|state| gui.set_state(state));
                (path, result.map(|()| "Loaded"))
            }
            Action::Export => {
                let path = with_extension(&path);
                let result = export_preset(self.class_id, &gui.get_state()).and_then(|bytes| {
                    fs::write(&path, bytes).map_err(|e| {
                        PresetFileError::Io(format!("Cannot write {}: {e}", path.display()))
                    })
                });
                (path, result.map(|()| "Saved"))
            }
        };
        match result {
            Ok(verb) => {
                self.last_dir = path.parent().map(Path::to_owned);
                let text = format!("{verb} {}", display_name(&path));
                self.set_status(text, path.display().to_string(), false);
            }
            Err(e) => {
                let text = e.to_string();
                let detail = format!("{}: {text}", path.display());
                self.set_status(text, detail, true);
            }
        }
    }

    /// Opens the dialog for `action`; its answer is taken by [`Self::poll`].
    fn open_dialog(&mut self, action: Action) {
        let mut dialog = rfd::AsyncFileDialog::new().add_filter("VST3 preset", &[EXTENSION]);
        if let Some(dir) = &self.last_dir {
            dialog = dialog.set_directory(dir);
        }
        // Created here, on the GUI thread; awaited on a worker thread.
        let (tx, rx) = mpsc::channel();
        let spawned = match action {
            Action::Import => {
                let future = dialog.set_title("Import preset").pick_file();
                std::thread::Builder::new()
                    .name("vernis-preset-dialog".to_owned())
                    .spawn(move || {
                        let _ = tx.send(pollster::block_on(future).map(|f| f.path().to_owned()));
                    })
            }
            Action::Export => {
                let future = dialog
                    .set_title("Export preset")
                    .set_file_name(self.default_name.as_str())
                    .save_file();
                std::thread::Builder::new()
                    .name("vernis-preset-dialog".to_owned())
                    .spawn(move || {
                        let _ = tx.send(pollster::block_on(future).map(|f| f.path().to_owned()));
                    })
            }
        };
        match spawned {
            Ok(_) => {
                self.pending = Some((action, rx));
                self.status = None;
            }
            Err(e) => self.set_status("Cannot open a file dialog".to_owned(), e.to_string(), true),
        }
    }

    /// Draws, right to left, Export…, Import… and the status line, which takes the width left
    /// (elided, full text on hover). Call it last in a header's right-to-left group.
    pub fn show(&mut self, ui: &mut Ui) {
        let busy = self.is_busy();
        let button = |text: &str| Button::new(text).min_size(Vec2::new(64.0, 24.0));
        if ui
            .add_enabled(!busy, button("Export…"))
            .on_hover_text("Save the plugin's settings as a .vstpreset file")
            .clicked()
        {
            self.open_dialog(Action::Export);
        }
        if ui
            .add_enabled(!busy, button("Import…"))
            .on_hover_text("Load settings from a .vstpreset file (VST3 presets of this plugin)")
            .clicked()
        {
            self.open_dialog(Action::Import);
        }
        ui.add_space(4.0);
        let (text, detail, color) = if busy {
            (
                "Choosing a file…".to_owned(),
                String::new(),
                theme::TEXT_DIM,
            )
        } else if let Some(status) = &self.status {
            let color = if status.error {
                theme::BAD
            } else {
                let age = status.at.elapsed();
                let fade =
                    age.saturating_sub(STATUS_HOLD).as_secs_f32() / STATUS_FADE.as_secs_f32();
                if fade >= 1.0 {
                    return;
                }
                theme::TEXT_DIM.gamma_multiply(1.0 - fade)
            };
            (status.text.clone(), status.detail.clone(), color)
        } else {
            return;
        };
        let response = ui.add(
            Label::new(RichText::new(text).color(color))
                .truncate()
                .sense(Sense::hover()),
        );
        if !detail.is_empty() {
            response.on_hover_text(detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsp_core::dynamics::LimiterSettings;

    const LIMITER: [u8; 16] = plugins::LIMITER.vst3_class_id;

    /// A state the way nice-plug's limiter saves one (parameters shortened).
    fn limiter_state(ceiling_db: f32, width: f32) -> PluginState {
        let json = format!(
            r#"{{"version":"0.1.0",
                "params":{{"auto_release":{{"bool":true}},"ceiling":{{"f32":{ceiling_db}}},
                          "oversampling":{{"string":"4x"}},"release":{{"f32":100.0}}}},
                "fields":{{"editor-size":"{{\"width\":{width},\"height\":620.0}}",
                          "target":"\"spotify\""}}}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    fn json(state: &PluginState) -> String {
        serde_json::to_string(state).unwrap()
    }

    #[test]
    fn export_then_import_gives_the_state_back() {
        let state = limiter_state(-2.5, 1000.0);
        let bytes = export_preset(LIMITER, &state).unwrap();
        let loaded = import_preset(&bytes, LIMITER, &state).unwrap();
        assert_eq!(json(&loaded), json(&state));
    }

    #[test]
    fn the_file_holds_the_state_json_nice_plug_saves() {
        let state = limiter_state(-2.5, 1000.0);
        let bytes = export_preset(LIMITER, &state).unwrap();
        let preset = VstPreset::from_bytes(&bytes).unwrap();
        assert_eq!(preset.class_id, LIMITER);
        assert_eq!(
            preset.plugin_state().unwrap().to_json().unwrap(),
            serde_json::to_vec(&state).unwrap()
        );
    }

    #[test]
    fn import_keeps_the_current_window_size() {
        let exported = export_preset(LIMITER, &limiter_state(-2.5, 1400.0)).unwrap();
        let current = limiter_state(-1.0, 900.0);
        let loaded = import_preset(&exported, LIMITER, &current).unwrap();
        assert_eq!(loaded.fields["editor-size"], current.fields["editor-size"]);
        assert_eq!(loaded.fields["target"], "\"spotify\"");
        assert_eq!(
            serde_json::to_value(&loaded.params["ceiling"]).unwrap(),
            serde_json::json!({"f32": -2.5})
        );
    }

    #[test]
    fn another_plugins_preset_is_refused_by_name() {
        let bytes = export_preset(
            plugins::MULTIBAND.vst3_class_id,
            &limiter_state(-2.5, 1000.0),
        )
        .unwrap();
        let err = import_preset(&bytes, LIMITER, &limiter_state(-1.0, 1000.0)).unwrap_err();
        assert_eq!(
            err,
            PresetFileError::WrongPlugin {
                expected: LIMITER,
                found: plugins::MULTIBAND.vst3_class_id
            }
        );
        assert_eq!(
            err.to_string(),
            "This preset is for Vernis Multiband, not Vernis Limiter"
        );

        let bytes = export_preset(*b"SomeoneElsesPlug", &limiter_state(-2.5, 1000.0)).unwrap();
        let err = import_preset(&bytes, LIMITER, &limiter_state(-1.0, 1000.0)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("This preset is for another plugin (class id 536F6D656F6E65"),
            "{err}"
        );
    }

    #[test]
    fn corrupt_files_are_refused() {
        let current = limiter_state(-1.0, 1000.0);
        let good = export_preset(LIMITER, &current).unwrap();
        // Cut off, not a preset at all, empty.
        let cases: [&[u8]; 3] = [&good[..good.len() - 7], br#"{"version":"0.1.0"}"#, &[]];
        for bytes in cases {
            let err = import_preset(bytes, LIMITER, &current).unwrap_err();
            assert!(matches!(err, PresetFileError::Invalid(_)), "{err:?}");
            assert!(
                err.to_string().starts_with("Not a usable preset: "),
                "{err}"
            );
        }
        // A well-formed container whose state is not nice-plug's JSON.
        let garbage = VstPreset {
            class_id: LIMITER,
            component_state: b"not json".to_vec(),
            controller_state: None,
        }
        .to_bytes()
        .unwrap();
        let err = import_preset(&garbage, LIMITER, &current).unwrap_err();
        assert!(
            matches!(err, PresetFileError::Invalid(PresetError::InvalidState(_))),
            "{err:?}"
        );
    }

    #[test]
    fn a_preset_from_the_cli_chain_loads() {
        let settings = LimiterSettings {
            ceiling_dbtp: -1.5,
            release_ms: 80.0,
            ..LimiterSettings::default()
        };
        let state = vernis_presets::chain::limiter_state(&settings).unwrap();
        let bytes = VstPreset::from_plugin_state(LIMITER, &state)
            .unwrap()
            .to_bytes()
            .unwrap();
        let current = limiter_state(-1.0, 1000.0);
        let loaded = import_preset(&bytes, LIMITER, &current).unwrap();
        assert_eq!(loaded.params.len(), 14);
        let value = |id: &str| serde_json::to_value(&loaded.params[id]).unwrap();
        assert_eq!(value("ceiling"), serde_json::json!({"f32": -1.5}));
        assert_eq!(value("release"), serde_json::json!({"f32": 80.0}));
        // The chain's state has no window size; the current one stays.
        assert_eq!(loaded.fields["editor-size"], current.fields["editor-size"]);
        assert_eq!(loaded.version, plugins::LIMITER.version);
    }

    #[test]
    fn exports_end_in_vstpreset() {
        let p = |s: &str| with_extension(Path::new(s));
        assert_eq!(p("/a/master.vstpreset"), Path::new("/a/master.vstpreset"));
        assert_eq!(p("/a/master.VSTPRESET"), Path::new("/a/master.VSTPRESET"));
        assert_eq!(p("/a/master"), Path::new("/a/master.vstpreset"));
        assert_eq!(p("/a/v1.2"), Path::new("/a/v1.2.vstpreset"));
    }

    #[test]
    fn large_and_missing_files_are_not_read() {
        let dir = std::env::temp_dir().join(format!("ui-kit-preset-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.vstpreset");
        fs::File::create(&big)
            .unwrap()
            .set_len(MAX_PRESET_BYTES + 1)
            .unwrap();
        assert!(matches!(
            read_preset_file(&big),
            Err(PresetFileError::Io(_))
        ));
        assert!(matches!(
            read_preset_file(&dir.join("missing.vstpreset")),
            Err(PresetFileError::Io(_))
        ));
        fs::remove_dir_all(&dir).unwrap();
    }
}
