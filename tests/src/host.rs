//! A minimal CLAP host on clack-host: load a bundle, instantiate, query, activate, process.
//!
//! Threading follows a DAW: the thread that creates a [`PluginHost`] is the plugin's main
//! thread (parameters, state, latency, activation), and audio runs on a separate audio thread
//! inside [`PluginHost::run_audio`]. Processing on the main thread would be unrealistic for
//! nice-plug plugins: tasks they schedule from `process()` are then executed inline, on the audio
//! path.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::ffi::CString;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use clack_extensions::audio_ports::{
    AudioPortFlags, AudioPortInfoBuffer, AudioPortRescanFlags, HostAudioPorts, HostAudioPortsImpl,
    PluginAudioPorts,
};
use clack_extensions::audio_ports_config::{AudioPortsConfigBuffer, PluginAudioPortsConfig};
use clack_extensions::latency::{HostLatency, HostLatencyImpl, PluginLatency};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamInfoBuffer,
    ParamInfoFlags, ParamRescanFlags, PluginParams,
};
use clack_extensions::state::{HostState, HostStateImpl, PluginState};
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;

use crate::audio::{AudioSession, ProcessBuffers};
use crate::bundle::bundle_path;
use crate::cases::PluginCase;
use crate::error::{Context, HarnessError, Result};

/// Host handler types (see [`HostHandlers`]).
pub struct TestHost;

/// Thread-safe host side: records the plugin's requests.
#[derive(Default)]
pub struct HostShared {
    restart_requested: AtomicBool,
    process_requested: AtomicBool,
    callback_requested: AtomicBool,
    flush_requested: AtomicBool,
}

impl SharedHandler<'_> for HostShared {
    fn request_restart(&self) {
        self.restart_requested.store(true, Ordering::SeqCst);
    }

    fn request_process(&self) {
        self.process_requested.store(true, Ordering::SeqCst);
    }

    fn request_callback(&self) {
        self.callback_requested.store(true, Ordering::SeqCst);
    }
}

impl HostParamsImplShared for HostShared {
    fn request_flush(&self) {
        self.flush_requested.store(true, Ordering::SeqCst);
    }
}

/// Where the plugin stood in its lifecycle when it called the host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivationState {
    /// Not active (before the first activation or after a deactivation).
    #[default]
    Inactive,
    /// Inside `clap_plugin.activate`.
    Activating,
    /// Between a successful `activate` and the next `deactivate`.
    Active,
    /// Inside `clap_plugin.deactivate`.
    Deactivating,
}

/// A main-thread host callback, see [`HostCallbackRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostCallback {
    /// `clap_host_latency.changed`.
    LatencyChanged,
    /// `clap_host_params.rescan`.
    ParamsRescan,
    /// `clap_host_params.clear`.
    ParamsClear,
    /// `clap_host_state.mark_dirty`.
    StateMarkDirty,
    /// `clap_host_audio_ports.rescan`.
    AudioPortsRescan,
}

/// One main-thread host callback and the plugin's activation state when it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostCallbackRecord {
    /// The callback.
    pub callback: HostCallback,
    /// The plugin's state at that moment.
    pub state: ActivationState,
}

impl HostCallbackRecord {
    /// Why this call breaks the CLAP specification, if it does: `clap_host_latency.changed` may
    /// only be called inside `clap_plugin.activate`.
    pub fn violation(&self) -> Option<String> {
        (self.callback == HostCallback::LatencyChanged && self.state != ActivationState::Activating)
            .then(|| {
                format!(
                    "clap_host_latency.changed() called while {:?}; CLAP allows it only within \
                     clap_plugin.activate",
                    self.state
                )
            })
    }
}

/// Main-thread host side: counts the plugin's notifications and records every callback with the
/// plugin's activation state.
#[derive(Default)]
pub struct HostMainThread {
    state: Cell<ActivationState>,
    log: RefCell<Vec<HostCallbackRecord>>,
    latency_changed: Cell<u32>,
    params_rescanned: Cell<u32>,
    state_marked_dirty: Cell<u32>,
    audio_ports_rescanned: Cell<u32>,
}

impl MainThreadHandler<'_> for HostMainThread {}

impl HostMainThread {
    fn record(&self, callback: HostCallback) {
        self.log.borrow_mut().push(HostCallbackRecord {
            callback,
            state: self.state.get(),
        });
    }
}

impl HostLatencyImpl for HostMainThread {
    fn changed(&self) {
        self.record(HostCallback::LatencyChanged);
        self.latency_changed.set(self.latency_changed.get() + 1);
    }
}

impl HostParamsImplMainThread for HostMainThread {
    fn rescan(&self, _flags: ParamRescanFlags) {
        self.record(HostCallback::ParamsRescan);
        self.params_rescanned.set(self.params_rescanned.get() + 1);
    }

    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {
        self.record(HostCallback::ParamsClear);
    }
}

impl HostStateImpl for HostMainThread {
    fn mark_dirty(&self) {
        self.record(HostCallback::StateMarkDirty);
        self.state_marked_dirty
            .set(self.state_marked_dirty.get() + 1);
    }
}

impl HostAudioPortsImpl for HostMainThread {
    fn is_rescan_flag_supported(&self, _flag: AudioPortRescanFlags) -> bool {
        true
    }

    fn rescan(&self, _flags: AudioPortRescanFlags) {
        self.record(HostCallback::AudioPortsRescan);
        self.audio_ports_rescanned
            .set(self.audio_ports_rescanned.get() + 1);
    }
}

impl HostHandlers for TestHost {
    type Shared<'a> = HostShared;
    type MainThread<'a> = HostMainThread;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder
            .register::<HostLatency>()
            .register::<HostParams>()
            .register::<HostState>()
            .register::<HostAudioPorts>();
    }
}

/// Counters of what the plugin asked of the host, see [`PluginHost::notifications`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostNotifications {
    /// `clap_host.request_restart` was called (since the last [`PluginHost::notifications`]).
    pub restart_requested: bool,
    /// `clap_host.request_process` was called.
    pub process_requested: bool,
    /// `clap_host_params.request_flush` was called.
    pub flush_requested: bool,
    /// Number of `clap_host_latency.changed` calls since instantiation.
    pub latency_changed: u32,
    /// Number of `clap_host_params.rescan` calls since instantiation.
    pub params_rescanned: u32,
    /// Number of `clap_host_state.mark_dirty` calls since instantiation.
    pub state_marked_dirty: u32,
    /// Number of `clap_host_audio_ports.rescan` calls since instantiation.
    pub audio_ports_rescanned: u32,
}

/// A parameter as the plugin describes it to the host (`clap_param_info`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDescriptor {
    /// CLAP parameter id.
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Module path ("" if none).
    pub module: String,
    /// Minimum CLAP (plain) value.
    pub min: f64,
    /// Maximum CLAP (plain) value.
    pub max: f64,
    /// Default CLAP (plain) value.
    pub default: f64,
    /// CLAP parameter flags.
    pub flags: ParamInfoFlags,
}

impl ParamDescriptor {
    /// Whether the parameter only takes integer values (ints, enums, bools).
    pub fn is_stepped(&self) -> bool {
        self.flags.contains(ParamInfoFlags::IS_STEPPED)
    }

    /// Whether a host may automate the parameter (automatable and not read-only).
    pub fn is_automatable(&self) -> bool {
        self.flags.contains(ParamInfoFlags::IS_AUTOMATABLE)
            && !self.flags.contains(ParamInfoFlags::IS_READONLY)
    }

    /// Maps `unit` in 0..=1 onto the parameter range, rounding stepped parameters.
    pub fn value_at(&self, unit: f64) -> f64 {
        let value = self.min + (self.max - self.min) * unit.clamp(0.0, 1.0);
        if self.is_stepped() {
            value.round().clamp(self.min, self.max)
        } else {
            value
        }
    }
}

/// Channel counts of every audio port of the current configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortLayout {
    /// Channel count of each input port, in port order.
    pub inputs: Vec<u32>,
    /// Channel count of each output port, in port order.
    pub outputs: Vec<u32>,
    /// Index of the main input port, if any.
    pub main_input: Option<usize>,
    /// Index of the main output port, if any.
    pub main_output: Option<usize>,
}

impl PortLayout {
    /// Channels of the main input port (0 if there is none).
    pub fn main_input_channels(&self) -> usize {
        self.main_input.map_or(0, |i| self.inputs[i] as usize)
    }

    /// Channels of the main output port (0 if there is none).
    pub fn main_output_channels(&self) -> usize {
        self.main_output.map_or(0, |i| self.outputs[i] as usize)
    }
}

/// One entry of the plugin's audio-ports-config list (a channel layout the user can pick).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortConfig {
    /// Config id to pass to [`PluginHost::select_port_config`].
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Channel count of the main input, if there is one.
    pub main_input_channels: Option<u32>,
    /// Channel count of the main output, if there is one.
    pub main_output_channels: Option<u32>,
}

/// Audio configuration passed to `activate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AudioConfig {
    /// Sample rate in Hz.
    pub sample_rate_hz: f64,
    /// Smallest block the host promises to send.
    pub min_frames: u32,
    /// Largest block the host will send.
    pub max_frames: u32,
}

impl AudioConfig {
    /// A configuration with `min_frames` = 1.
    pub fn new(sample_rate_hz: f64, max_frames: u32) -> Self {
        Self {
            sample_rate_hz,
            min_frames: 1,
            max_frames,
        }
    }
}

/// A parameter value change at a frame offset inside one block (a CLAP `ParamValueEvent` with a
/// match-all note/port/channel/key).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamChange {
    /// Frame offset inside the block (must be below the block length).
    pub offset: u32,
    /// CLAP parameter id.
    pub param_id: u32,
    /// New CLAP (plain) value.
    pub value: f64,
}

impl ParamChange {
    /// The CLAP event for this change.
    pub fn to_event(self) -> ParamValueEvent {
        ParamValueEvent::new(
            self.offset,
            ClapId::new(self.param_id),
            Pckn::match_all(),
            self.value,
        )
    }
}

/// Bundles that must stay loaded for the life of the process (see [`load_entry`]).
static PINNED_ENTRIES: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// Loads a `.clap` bundle's entry, keeping the library loaded for the rest of the process.
///
/// clack-host unloads a bundle (`deinit` and `dlclose`) when its last `PluginEntry` is dropped;
/// re-initialising a large debug bundle for every test would be slow and would exercise a
/// deinit/reinit cycle no DAW performs, so the first load of every path is pinned.
pub fn load_entry(path: &Path) -> Result<PluginEntry> {
    // SAFETY: loading a CLAP bundle runs its code; the bundles under test are built from this
    // workspace and trusted to follow the CLAP ABI.
    let entry = unsafe { PluginEntry::load(path) }.context(format_args!(
        "could not load CLAP bundle {}",
        path.display()
    ))?;
    let mut pinned = PINNED_ENTRIES.lock().unwrap_or_else(|e| e.into_inner());
    if pinned
        .get_or_insert_with(HashSet::new)
        .insert(path.to_path_buf())
    {
        std::mem::forget(entry.clone());
    }
    Ok(entry)
}

/// CLAP ids of all plugins in a bundle, in factory order.
pub fn plugin_ids(bundle: &Path) -> Result<Vec<String>> {
    let entry = load_entry(bundle)?;
    let factory = entry
        .get_plugin_factory()
        .ok_or_else(|| HarnessError::new("the bundle has no plugin factory"))?;
    Ok(factory
        .plugin_descriptors()
        .filter_map(|d| d.id().map(|id| id.to_string_lossy().into_owned()))
        .collect())
}

struct Extensions {
    params: Option<PluginParams>,
    state: Option<PluginState>,
    latency: Option<PluginLatency>,
    audio_ports: Option<PluginAudioPorts>,
    ports_config: Option<PluginAudioPortsConfig>,
}

struct Active {
    /// `None` only while an audio thread owns the processor.
    processor: Option<StoppedPluginAudioProcessor<TestHost>>,
    buffers: ProcessBuffers,
    config: AudioConfig,
    layout: PortLayout,
}

/// A loaded plugin instance driven the way a DAW drives it. Not `Send`: the creating thread is the
/// plugin's main thread.
pub struct PluginHost {
    label: String,
    bundle: PathBuf,
    clap_id: String,
    instance: PluginInstance<TestHost>,
    ext: Extensions,
    active: Option<Active>,
    /// Whether [`run_audio`](Self::run_audio) serves main-thread callbacks when it returns.
    pump_after_audio: bool,
}

impl PluginHost {
    /// Loads the case's bundle (failing with build instructions if it is missing) and
    /// instantiates the case's CLAP id.
    pub fn for_case(case: &PluginCase) -> Result<Self> {
        let bundle = bundle_path(case)?;
        Self::instantiate(&bundle, case.clap_id)
    }

    /// Loads `bundle` and instantiates the plugin whose descriptor has id `clap_id`.
    pub fn instantiate(bundle: &Path, clap_id: &str) -> Result<Self> {
        let entry = load_entry(bundle)?;
        let factory = entry
            .get_plugin_factory()
            .ok_or_else(|| HarnessError::new("the bundle has no plugin factory"))?;
        let ids: Vec<String> = factory
            .plugin_descriptors()
            .filter_map(|d| d.id().map(|id| id.to_string_lossy().into_owned()))
            .collect();
        if !ids.iter().any(|id| id == clap_id) {
            return Err(HarnessError::new(format!(
                "{} has no plugin with CLAP id `{clap_id}` (it offers {ids:?})",
                bundle.display()
            )));
        }
        let id = CString::new(clap_id).context("CLAP id")?;
        let host_info = HostInfo::new(
            "Vernis host-tests",
            "Vernis",
            "https://vernis.audio",
            env!("CARGO_PKG_VERSION"),
        )
        .context("host info")?;
        let instance = PluginInstance::<TestHost>::new(
            |_| HostShared::default(),
            |_| HostMainThread::default(),
            &entry,
            &id,
            &host_info,
        )
        .context(format_args!("instantiating `{clap_id}`"))?;

        let shared = instance.plugin_shared_handle();
        let ext = Extensions {
            params: shared.get_extension(),
            state: shared.get_extension(),
            latency: shared.get_extension(),
            audio_ports: shared.get_extension(),
            ports_config: shared.get_extension(),
        };
        let mut host = Self {
            label: format!("{clap_id} ({})", bundle.display()),
            bundle: bundle.to_path_buf(),
            clap_id: clap_id.to_string(),
            instance,
            ext,
            active: None,
            pump_after_audio: true,
        };
        host.pump_main_thread();
        Ok(host)
    }

    /// "clap id (bundle path)", for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Path of the loaded bundle.
    pub fn bundle(&self) -> &Path {
        &self.bundle
    }

    /// CLAP id of the instance.
    pub fn clap_id(&self) -> &str {
        &self.clap_id
    }

    /// Raw `clap_plugin` pointer of the instance, for deliberate protocol abuse in tests (see
    /// [`crate::alloc_guard`]). Valid while this host lives.
    pub fn raw_plugin(&self) -> *const clap_sys::plugin::clap_plugin {
        self.instance.raw_instance()
    }

    /// Runs the plugin's `on_main_thread` callback if it asked for one (as a DAW's event loop
    /// would). Called by the harness after every operation that can trigger such a request.
    pub fn pump_main_thread(&mut self) {
        // A callback may schedule another one; a few rounds are plenty.
        for _ in 0..8 {
            let requested = self
                .instance
                .access_shared_handler(|h| h.callback_requested.swap(false, Ordering::SeqCst));
            if !requested {
                break;
            }
            self.instance.call_on_main_thread_callback();
        }
    }

    /// What the plugin asked of the host; the request flags are cleared by this call.
    pub fn notifications(&mut self) -> HostNotifications {
        let (restart_requested, process_requested, flush_requested) =
            self.instance.access_shared_handler(|h| {
                (
                    h.restart_requested.swap(false, Ordering::SeqCst),
                    h.process_requested.swap(false, Ordering::SeqCst),
                    h.flush_requested.swap(false, Ordering::SeqCst),
                )
            });
        self.instance.access_handler(|m| HostNotifications {
            restart_requested,
            process_requested,
            flush_requested,
            latency_changed: m.latency_changed.get(),
            params_rescanned: m.params_rescanned.get(),
            state_marked_dirty: m.state_marked_dirty.get(),
            audio_ports_rescanned: m.audio_ports_rescanned.get(),
        })
    }

    // ----- parameters -------------------------------------------------------------------------

    fn params_ext(&self) -> Result<PluginParams> {
        self.ext
            .params
            .ok_or_else(|| HarnessError::new("the plugin has no params extension"))
    }

    /// All parameters, in the plugin's order.
    pub fn params(&mut self) -> Result<Vec<ParamDescriptor>> {
        let params = self.params_ext()?;
        let handle = self.instance.plugin_handle();
        let count = params.count(&handle);
        let mut buffer = ParamInfoBuffer::new();
        let mut list = Vec::with_capacity(count as usize);
        for index in 0..count {
            let info = params
                .get_info(&handle, index, &mut buffer)
                .ok_or_else(|| {
                    HarnessError::new(format!("params.get_info({index}) failed (count {count})"))
                })?;
            list.push(ParamDescriptor {
                id: info.id.get(),
                name: String::from_utf8_lossy(info.name).into_owned(),
                module: String::from_utf8_lossy(info.module).into_owned(),
                min: info.min_value,
                max: info.max_value,
                default: info.default_value,
                flags: info.flags,
            });
        }
        Ok(list)
    }

    /// Current CLAP value of a parameter (`None` if the plugin rejects the id).
    pub fn param_value(&mut self, param_id: u32) -> Option<f64> {
        let params = self.ext.params?;
        let handle = self.instance.plugin_handle();
        params.get_value(&handle, ClapId::from_raw(param_id)?)
    }

    /// Current values of all parameters as `(id, value)`, in the plugin's order.
    pub fn param_values(&mut self) -> Result<Vec<(u32, f64)>> {
        let ids: Vec<u32> = self.params()?.iter().map(|p| p.id).collect();
        ids.into_iter()
            .map(|id| {
                self.param_value(id)
                    .map(|v| (id, v))
                    .ok_or_else(|| HarnessError::new(format!("params.get_value({id}) failed")))
            })
            .collect()
    }

    /// The plugin's display text for a value (`None` if it refuses).
    pub fn value_to_text(&mut self, param_id: u32, value: f64) -> Option<String> {
        let params = self.ext.params?;
        let handle = self.instance.plugin_handle();
        let mut buffer = [0u8; 256];
        let text = params
            .value_to_text(&handle, ClapId::from_raw(param_id)?, value, &mut buffer)
            .ok()?;
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// The plugin's parse of a display text (`None` if it refuses).
    pub fn text_to_value(&mut self, param_id: u32, text: &str) -> Option<f64> {
        let params = self.ext.params?;
        let handle = self.instance.plugin_handle();
        let text = CString::new(text).ok()?;
        params.text_to_value(&handle, ClapId::from_raw(param_id)?, &text)
    }

    /// Sends parameter changes outside of processing with `clap_plugin_params.flush` (offsets are
    /// ignored), as a DAW does while stopped. Works both inactive and active-but-idle.
    pub fn flush_params(&mut self, changes: &[ParamChange]) -> Result<()> {
        let params = self.params_ext()?;
        let mut input = EventBuffer::with_capacity(changes.len());
        for change in changes {
            input.push(
                &ParamChange {
                    offset: 0,
                    ..*change
                }
                .to_event(),
            );
        }
        let mut output = EventBuffer::new();
        match self.active.as_mut() {
            None => {
                let mut handle = self
                    .instance
                    .inactive_plugin_handle()
                    .ok_or_else(|| HarnessError::new("plugin unexpectedly active"))?;
                params.flush(&mut handle, &input.as_input(), &mut output.as_output());
            }
            Some(active) => {
                let processor = active
                    .processor
                    .as_mut()
                    .ok_or_else(|| HarnessError::new("processor is on the audio thread"))?;
                let mut handle = processor.plugin_handle();
                params.flush_active(&mut handle, &input.as_input(), &mut output.as_output());
            }
        }
        self.pump_main_thread();
        Ok(())
    }

    // ----- state ------------------------------------------------------------------------------

    fn state_ext(&self) -> Result<PluginState> {
        self.ext
            .state
            .ok_or_else(|| HarnessError::new("the plugin has no state extension"))
    }

    /// `clap_plugin_state.save` into a byte vector.
    pub fn save_state(&mut self) -> Result<Vec<u8>> {
        let state = self.state_ext()?;
        let mut bytes = Vec::new();
        {
            let handle = self.instance.plugin_handle();
            state
                .save(&handle, &mut bytes)
                .context("clap_plugin_state.save returned false")?;
        }
        self.pump_main_thread();
        Ok(bytes)
    }

    /// `clap_plugin_state.load` from bytes; `Err` if the plugin returns false.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<()> {
        let state = self.state_ext()?;
        let result = {
            let handle = self.instance.plugin_handle();
            state.load(&handle, &mut Cursor::new(bytes))
        };
        self.pump_main_thread();
        result.context("clap_plugin_state.load returned false")
    }

    // ----- latency and ports ------------------------------------------------------------------

    /// Whether the plugin implements the latency extension.
    pub fn has_latency_extension(&self) -> bool {
        self.ext.latency.is_some()
    }

    /// Reported latency in samples (0 without the latency extension, as CLAP defines).
    pub fn latency(&mut self) -> u32 {
        let Some(latency) = self.ext.latency else {
            return 0;
        };
        let handle = self.instance.plugin_handle();
        latency.get(&handle)
    }

    /// Channel layout of the current audio ports.
    pub fn port_layout(&mut self) -> Result<PortLayout> {
        let ports = self
            .ext
            .audio_ports
            .ok_or_else(|| HarnessError::new("the plugin has no audio-ports extension"))?;
        let handle = self.instance.plugin_handle();
        let mut layout = PortLayout::default();
        let mut buffer = AudioPortInfoBuffer::new();
        for is_input in [true, false] {
            for index in 0..ports.count(&handle, is_input) {
                let info = ports
                    .get(&handle, index, is_input, &mut buffer)
                    .ok_or_else(|| {
                        HarnessError::new(format!(
                            "audio_ports.get({index}, input: {is_input}) failed"
                        ))
                    })?;
                let is_main = info.flags.contains(AudioPortFlags::IS_MAIN);
                let (list, main) = if is_input {
                    (&mut layout.inputs, &mut layout.main_input)
                } else {
                    (&mut layout.outputs, &mut layout.main_output)
                };
                if is_main && main.is_none() {
                    *main = Some(list.len());
                }
                list.push(info.channel_count);
            }
        }
        Ok(layout)
    }

    /// The channel layouts the plugin offers (audio-ports-config), empty without the extension.
    pub fn port_configs(&mut self) -> Vec<PortConfig> {
        let Some(configs) = self.ext.ports_config else {
            return Vec::new();
        };
        let handle = self.instance.plugin_handle();
        let mut buffer = AudioPortsConfigBuffer::new();
        (0..configs.count(&handle))
            .filter_map(|index| {
                let config = configs.get(&handle, index, &mut buffer)?;
                Some(PortConfig {
                    id: config.id.get(),
                    name: String::from_utf8_lossy(config.name).into_owned(),
                    main_input_channels: config.main_input.map(|p| p.channel_count),
                    main_output_channels: config.main_output.map(|p| p.channel_count),
                })
            })
            .collect()
    }

    /// Selects a channel layout (plugin must be inactive).
    pub fn select_port_config(&mut self, config_id: u32) -> Result<()> {
        if self.active.is_some() {
            return Err(HarnessError::new(
                "select_port_config needs an inactive plugin",
            ));
        }
        let configs = self
            .ext
            .ports_config
            .ok_or_else(|| HarnessError::new("the plugin has no audio-ports-config extension"))?;
        let handle = self.instance.plugin_handle();
        configs
            .select(&handle, ClapId::new(config_id))
            .context(format_args!("audio_ports_config.select({config_id})"))
    }

    // ----- activation and processing ----------------------------------------------------------

    /// Whether the plugin is active.
    pub fn is_active(&self) -> bool {
        self.active.is_some()
    }

    /// The configuration of the current activation.
    pub fn audio_config(&self) -> Option<AudioConfig> {
        self.active.as_ref().map(|a| a.config)
    }

    /// Port layout captured at activation.
    pub fn active_layout(&self) -> Option<&PortLayout> {
        self.active.as_ref().map(|a| &a.layout)
    }

    /// Activates the plugin (deactivating it first if needed) and allocates the host buffers.
    pub fn activate(&mut self, config: AudioConfig) -> Result<()> {
        if self.active.is_some() {
            self.deactivate()?;
        }
        let layout = self.port_layout()?;
        self.set_state(ActivationState::Activating);
        let processor = self
            .instance
            .activate(
                |_, _| (),
                PluginAudioConfiguration {
                    sample_rate: config.sample_rate_hz,
                    min_frames_count: config.min_frames,
                    max_frames_count: config.max_frames,
                },
            )
            .context(format_args!(
                "activate({} Hz, {}..={} frames)",
                config.sample_rate_hz, config.min_frames, config.max_frames
            ));
        let processor = match processor {
            Ok(processor) => {
                self.set_state(ActivationState::Active);
                processor
            }
            Err(err) => {
                self.set_state(ActivationState::Inactive);
                return Err(err);
            }
        };
        self.active = Some(Active {
            processor: Some(processor),
            buffers: ProcessBuffers::new(&layout, config.max_frames as usize),
            config,
            layout,
        });
        self.pump_main_thread();
        Ok(())
    }

    /// Deactivates the plugin (no-op if inactive).
    pub fn deactivate(&mut self) -> Result<()> {
        let Some(mut active) = self.active.take() else {
            return Ok(());
        };
        self.set_state(ActivationState::Deactivating);
        let result = match active.processor.take() {
            Some(processor) => {
                self.instance.deactivate(processor);
                Ok(())
            }
            None => self
                .instance
                .try_deactivate()
                .context("deactivate after a lost audio processor"),
        };
        self.set_state(ActivationState::Inactive);
        result?;
        self.pump_main_thread();
        self.check_protocol()
    }

    fn set_state(&mut self, state: ActivationState) {
        self.instance.access_handler(|m| m.state.set(state));
    }

    /// Every main-thread callback the plugin made since instantiation, with its activation state.
    pub fn callback_log(&mut self) -> Vec<HostCallbackRecord> {
        self.instance.access_handler(|m| m.log.borrow().clone())
    }

    /// Fails if the plugin broke the CLAP specification in a host callback so far (for now:
    /// `clap_host_latency.changed` outside `clap_plugin.activate`). Called by every
    /// [`deactivate`](Self::deactivate) and when the host is dropped.
    pub fn check_protocol(&mut self) -> Result<()> {
        let violations: Vec<String> = self
            .callback_log()
            .iter()
            .filter_map(HostCallbackRecord::violation)
            .collect();
        if violations.is_empty() {
            Ok(())
        } else {
            Err(HarnessError::new(format!(
                "{}: {}",
                self.label,
                violations.join("; ")
            )))
        }
    }

    /// Serves a pending `request_restart` as a DAW does: deactivates and re-activates with the
    /// same configuration (e.g. after a latency change). Returns whether a restart happened.
    pub fn restart_if_requested(&mut self) -> Result<bool> {
        let requested = self
            .instance
            .access_shared_handler(|h| h.restart_requested.swap(false, Ordering::SeqCst));
        match (requested, self.audio_config()) {
            (true, Some(config)) => {
                self.deactivate()?;
                self.activate(config)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Starts processing on a fresh audio thread, runs `f` there, stops processing and returns
    /// `f`'s result. The main thread waits meanwhile, then serves main-thread callbacks.
    pub fn run_audio<R, F>(&mut self, f: F) -> Result<R>
    where
        F: FnOnce(&mut AudioSession<'_>) -> R + Send,
        R: Send,
    {
        let active = self
            .active
            .as_mut()
            .ok_or_else(|| HarnessError::new("run_audio needs an active plugin"))?;
        let processor = active
            .processor
            .take()
            .ok_or_else(|| HarnessError::new("audio processor already taken"))?;
        let config = active.config;
        let layout = &active.layout;
        let buffers = &mut active.buffers;
        let joined = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("vernis-audio".into())
                .spawn_scoped(scope, move || {
                    let started = match processor.start_processing() {
                        Ok(started) => started,
                        Err(err) => {
                            return (
                                err.into_stopped_processor(),
                                Err(HarnessError::new("start_processing returned false")),
                            )
                        }
                    };
                    let mut session = AudioSession::new(started, buffers, config, layout);
                    let result = f(&mut session);
                    (session.into_stopped(), Ok(result))
                })
                .map(|handle| handle.join())
        });
        let (processor, result) = match joined {
            Ok(Ok(pair)) => pair,
            Ok(Err(panic)) => {
                // The processor died with the audio thread; the instance deactivates itself when
                // dropped. Re-raise the panic (typically a failed assertion inside `f`).
                self.active = None;
                std::panic::resume_unwind(panic)
            }
            Err(err) => return Err(HarnessError::new(format!("spawning audio thread: {err}"))),
        };
        if let Some(active) = self.active.as_mut() {
            active.processor = Some(processor);
        }
        if self.pump_after_audio {
            self.pump_main_thread();
        }
        result
    }

    /// Whether main-thread callbacks the plugin asked for during audio are served as soon as
    /// audio stops (the default), or only at the next operation, e.g. after a deactivation (as
    /// clap-validator's parameter tests do).
    pub fn set_pump_after_audio(&mut self, pump: bool) {
        self.pump_after_audio = pump;
    }

    /// Convenience: processes a whole multichannel signal on the audio thread, cut into blocks of
    /// the given sizes, with parameter changes at absolute frame positions. See
    /// [`AudioSession::process_signal`].
    pub fn process_signal(
        &mut self,
        input: &[Vec<f32>],
        block_sizes: &[usize],
        changes: &[TimedParamChange],
    ) -> Result<Vec<Vec<f32>>> {
        self.run_audio(|audio| audio.process_signal(input, block_sizes, changes))?
    }
}

impl Drop for PluginHost {
    /// Deactivates, then fails the test (unless it is already failing) if the plugin broke the
    /// CLAP specification in a host callback, so no test can miss such a call.
    fn drop(&mut self) {
        let _ = self.deactivate();
        if !std::thread::panicking() {
            if let Err(err) = self.check_protocol() {
                panic!("{err}");
            }
        }
    }
}

/// A parameter change at an absolute frame position of a whole signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedParamChange {
    /// Absolute frame position.
    pub frame: usize,
    /// CLAP parameter id.
    pub param_id: u32,
    /// New CLAP (plain) value.
    pub value: f64,
}
