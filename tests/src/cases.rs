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
    /// Settings (display name, display text) under which an impulse comes out as a delayed
    /// impulse, applied before the latency-by-impulse checks: a plugin whose default is an
    /// all-pass (the Multiband's Minimum Phase crossovers smear an impulse) names a mode that
    /// is not. Empty when the defaults already are.
    pub impulse_settings: &'static [(&'static str, &'static str)],
}

/// The display names of Band `k` of the Dynamic EQ, for each literal `k` given.
macro_rules! dynamic_eq_param_names {
    ($($k:literal)+) => {
        &[
            "Phase",
            "Output Gain",
            "Bypass",
            $(
                concat!("Band ", $k, " Enabled"),
                concat!("Band ", $k, " Shape"),
                concat!("Band ", $k, " Frequency"),
                concat!("Band ", $k, " Gain"),
                concat!("Band ", $k, " Q"),
                concat!("Band ", $k, " Slope"),
                concat!("Band ", $k, " Placement"),
                concat!("Band ", $k, " Dynamic"),
                concat!("Band ", $k, " Threshold"),
                concat!("Band ", $k, " Ratio"),
                concat!("Band ", $k, " Range"),
                concat!("Band ", $k, " Attack"),
                concat!("Band ", $k, " Release"),
                concat!("Band ", $k, " Knee"),
                concat!("Band ", $k, " Detector"),
                concat!("Band ", $k, " Trigger"),
                concat!("Band ", $k, " Sidechain"),
                concat!("Band ", $k, " Solo"),
            )+
        ]
    };
}

/// Display names of parameters that change only the monitored level (the Preview switch): a
/// pass-through plugin is bit-exact with them at their defaults (off), so the pass-through
/// host tests leave them out of their random automation and random states.
pub const MONITOR_ONLY_PARAMS: &[&str] = &["Preview"];

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
            "Preview",
        ],
        latency_changing_param: None,
        impulse_settings: &[],
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
            "Preview",
            "Preview Platform",
        ],
        latency_changing_param: Some(("Lookahead", "7.5")),
        impulse_settings: &[],
    },
    PluginCase {
        package: "multiband",
        bundle_name: "Vernis Multiband",
        clap_id: "audio.vernis.multiband",
        latency: LatencyExpectation::Reported,
        // Minimum Phase (the default) sums the bands to an all-pass of the input, not the input.
        passthrough: false,
        param_names: &[
            "Bands",
            "Crossover 1",
            "Crossover 2",
            "Crossover 3",
            "Crossover 4",
            "Crossover 5",
            "Crossover Mode",
            "Slope",
            "Lookahead",
            "Mix",
            "Output Gain",
            "Auto Makeup",
            "Bypass",
            "Band 1 Mode",
            "Band 1 Threshold",
            "Band 1 Ratio",
            "Band 1 Knee",
            "Band 1 Attack",
            "Band 1 Release",
            "Band 1 Range",
            "Band 1 Makeup",
            "Band 1 Detector",
            "Band 1 Channel",
            "Band 1 Sidechain",
            "Band 1 Transient",
            "Band 1 Solo",
            "Band 1 Mute",
            "Band 1 Bypass",
            "Band 2 Mode",
            "Band 2 Threshold",
            "Band 2 Ratio",
            "Band 2 Knee",
            "Band 2 Attack",
            "Band 2 Release",
            "Band 2 Range",
            "Band 2 Makeup",
            "Band 2 Detector",
            "Band 2 Channel",
            "Band 2 Sidechain",
            "Band 2 Transient",
            "Band 2 Solo",
            "Band 2 Mute",
            "Band 2 Bypass",
            "Band 3 Mode",
            "Band 3 Threshold",
            "Band 3 Ratio",
            "Band 3 Knee",
            "Band 3 Attack",
            "Band 3 Release",
            "Band 3 Range",
            "Band 3 Makeup",
            "Band 3 Detector",
            "Band 3 Channel",
            "Band 3 Sidechain",
            "Band 3 Transient",
            "Band 3 Solo",
            "Band 3 Mute",
            "Band 3 Bypass",
            "Band 4 Mode",
            "Band 4 Threshold",
            "Band 4 Ratio",
            "Band 4 Knee",
            "Band 4 Attack",
            "Band 4 Release",
            "Band 4 Range",
            "Band 4 Makeup",
            "Band 4 Detector",
            "Band 4 Channel",
            "Band 4 Sidechain",
            "Band 4 Transient",
            "Band 4 Solo",
            "Band 4 Mute",
            "Band 4 Bypass",
            "Band 5 Mode",
            "Band 5 Threshold",
            "Band 5 Ratio",
            "Band 5 Knee",
            "Band 5 Attack",
            "Band 5 Release",
            "Band 5 Range",
            "Band 5 Makeup",
            "Band 5 Detector",
            "Band 5 Channel",
            "Band 5 Sidechain",
            "Band 5 Transient",
            "Band 5 Solo",
            "Band 5 Mute",
            "Band 5 Bypass",
            "Band 6 Mode",
            "Band 6 Threshold",
            "Band 6 Ratio",
            "Band 6 Knee",
            "Band 6 Attack",
            "Band 6 Release",
            "Band 6 Range",
            "Band 6 Makeup",
            "Band 6 Detector",
            "Band 6 Channel",
            "Band 6 Sidechain",
            "Band 6 Transient",
            "Band 6 Solo",
            "Band 6 Mute",
            "Band 6 Bypass",
        ],
        latency_changing_param: Some(("Lookahead", "5")),
        impulse_settings: &[("Crossover Mode", "Dynamic Phase")],
    },
    PluginCase {
        package: "dynamic-eq",
        bundle_name: "Vernis Dynamic EQ",
        clap_id: "audio.vernis.dynamic-eq",
        latency: LatencyExpectation::Reported,
        // Untouched at the defaults (every band off), but random settings filter.
        passthrough: false,
        param_names: dynamic_eq_param_names!(
            1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24
        ),
        latency_changing_param: Some(("Phase", "Linear Phase")),
        impulse_settings: &[],
    },
];

/// Looks a case up by package name or CLAP id.
pub fn find_case(name: &str) -> Option<&'static PluginCase> {
    PLUGIN_CASES
        .iter()
        .find(|case| case.package == name || case.clap_id == name)
}
