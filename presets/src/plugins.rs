//! Identities of the Vernis plugins, for writing presets without loading them.
//!
//! A test checks these against the plugins' sources, so a changed id cannot go unnoticed.

/// What a preset writer needs to know of one plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginInfo {
    /// The display name (`Plugin::NAME`), also the bundle's file name.
    pub name: &'static str,
    /// The CLAP id (`ClapPlugin::CLAP_ID`).
    pub clap_id: &'static str,
    /// The VST3 class id (`Vst3Plugin::VST3_CLASS_ID`), written into `.vstpreset` headers.
    pub vst3_class_id: [u8; 16],
    /// The version the plugins save in their state (the workspace version).
    pub version: &'static str,
}

/// The workspace version, which every plugin uses as its `Plugin::VERSION`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Vernis Loudness.
pub const LOUDNESS: PluginInfo = PluginInfo {
    name: "Vernis Loudness",
    clap_id: "audio.vernis.loudness",
    vst3_class_id: *b"VernisLoudnessM1",
    version: VERSION,
};

/// Vernis Limiter.
pub const LIMITER: PluginInfo = PluginInfo {
    name: "Vernis Limiter",
    clap_id: "audio.vernis.limiter",
    vst3_class_id: *b"VernisLimiterTP1",
    version: VERSION,
};

/// Vernis Multiband.
pub const MULTIBAND: PluginInfo = PluginInfo {
    name: "Vernis Multiband",
    clap_id: "audio.vernis.multiband",
    vst3_class_id: *b"VernisMultibnd01",
    version: VERSION,
};

/// Vernis Dynamic EQ.
pub const DYNAMIC_EQ: PluginInfo = PluginInfo {
    name: "Vernis Dynamic EQ",
    clap_id: "audio.vernis.dynamic-eq",
    vst3_class_id: *b"VernisDynamicEQ1",
    version: VERSION,
};

/// Every plugin of the suite.
pub const ALL: [PluginInfo; 4] = [LOUDNESS, LIMITER, MULTIBAND, DYNAMIC_EQ];
