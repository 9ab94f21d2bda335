//! The table of plugins every host test runs against.
//!
//! Adding a plugin to the suite means adding one [`PluginCase`] to [`PLUGIN_CASES`]; every
//! integration test then covers it. The bundle must exist (`cargo xtask bundle <package>`); a
//! missing bundle is a test failure, never a silent skip.

/// What the host expects of a plugin's latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyExpectation {
    /// The plugin must report 0 samples, and an impulse must come out undelayed.
    Zero,
    /// Any latency may be reported, but it must equal the delay measured with an impulse.
    Reported,
}

/// One plugin of the suite, as the host tests see it.
#[derive(Debug, Clone, Copy)]
pub struct PluginCase {
    /// Cargo package that builds the plugin (`cargo xtask bundle <package>`).
    pub package: &'static str,
    /// Bundle file stem: the bundle is `<target>/bundled/<bundle_name>.clap`.
    pub bundle_name: &'static str,
    /// Reverse-DNS CLAP id of the plugin inside the bundle.
    pub clap_id: &'static str,
    /// Expected latency behaviour.
    pub latency: LatencyExpectation,
    /// Whether audio output must equal audio input bit for bit (meters, analysers).
    pub passthrough: bool,
    /// Display names of all parameters, exactly as hosts show them (order does not matter).
    pub param_names: &'static [&'static str],
    /// A parameter (display name) and a display-text value that changes the latency, if any:
    /// the host tests check the new latency is reported and matches an impulse.
    pub latency_changing_param: Option<(&'static str, &'static str)>,
}

/// Every plugin the host tests load.
pub const PLUGIN_CASES: &[PluginCase] = &[
    PluginCase {
        package: "loudness-meter",
        bundle_name: "Vernis Loudness",
        clap_id: "audio.vernis.loudness",
        latency: LatencyExpectation::Zero,
        passthrough: true,
        param_names: &[
            "Target",
            "Custom Target",
            "Custom Ceiling",
            "Reset On Play",
            "Pause",
        ],
        latency_changing_param: None,
    },
    PluginCase {
        package: "limiter",
        bundle_name: "Vernis Limiter",
        clap_id: "audio.vernis.limiter",
        latency: LatencyExpectation::Reported,
        passthrough: false,
        param_names: &[
            "Input Gain",
            "Ceiling",
            "Lookahead",
            "Release",
            "Auto Release",
            "Stereo Link",
            "Style",
            "Oversampling",
            "Unity Gain",
            "Dither",
            "DC Filter",
            "Bypass",
        ],
        latency_changing_param: Some(("Lookahead", "7.5")),
    },
];

/// Looks a case up by package name or CLAP id.
pub fn find_case(name: &str) -> Option<&'static PluginCase> {
    PLUGIN_CASES
        .iter()
        .find(|case| case.package == name || case.clap_id == name)
}
