//! Parameters of Vernis Multiband. The string ids are part of saved projects: never rename them.
//!
//! Global ids: `bands`, `xover1`..`xover5`, `mode`, `slope`, `lookahead`, `mix`, `out_gain`,
//! `auto_makeup`, `bypass`. Band `k` (1..6) ids are `b{k}_` + `dir`, `thr`, `ratio`, `knee`,
//! `att`, `rel`, `range`, `makeup`, `det`, `chan`, `sc`, `trans`, `solo`, `mute`, `bypass`.
//! Enum variants are stored by the dsp-core keys (`minimum-phase`, `compress-down`, ...).
//!
//! Ranges and defaults come from [`MultibandSettings`]' spec tables and defaults, so the plugin,
//! the CLI and the DSP agree; [`MultibandParams::settings`] maps the current values onto one
//! [`MultibandSettings`].

use std::sync::{Arc, RwLock};

use dsp_core::dynamics::{
    BandChannel, BandDetector, BandDirection, BandSettings, BandSidechain, MultibandSettings,
};
use dsp_core::filter::crossover_settings::{MAX_BANDS, MAX_CROSSOVERS};
use dsp_core::filter::{CrossoverMode, CrossoverSlope};
use nice_plug::prelude::*;
use ui_kit::param::{skewed, spec_range};
use ui_kit::state_repair::StateRepair;
use ui_kit::EditorSize;

/// Default editor window size in logical pixels.
pub const DEFAULT_EDITOR_SIZE: EditorSize = EditorSize::new(1100.0, 700.0);

/// Crossover phase mode (variant ids are the [`CrossoverMode::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Mode {
    /// IIR crossovers, zero latency; the sum is an all-pass.
    #[id = "minimum-phase"]
    #[name = "Minimum Phase"]
    MinimumPhase,
    /// FIR crossovers; the sum is the delayed input.
    #[id = "linear-phase"]
    #[name = "Linear Phase"]
    LinearPhase,
    /// Bands act as differences on the dry signal; untouched while every band is at unity.
    #[id = "dynamic-phase"]
    #[name = "Dynamic Phase"]
    DynamicPhase,
}

/// Crossover slope (variant ids are the dB/oct numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Slope {
    /// Linkwitz-Riley 24 dB/oct.
    #[id = "24"]
    #[name = "24 dB/oct"]
    Db24,
    /// Linkwitz-Riley 48 dB/oct.
    #[id = "48"]
    #[name = "48 dB/oct"]
    Db48,
}

/// What a band's dynamics do (variant ids are the [`BandDirection::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Direction {
    /// Classic compression above the threshold.
    #[id = "compress-down"]
    #[name = "Compress Down"]
    CompressDown,
    /// Upward compression below the threshold.
    #[id = "compress-up"]
    #[name = "Compress Up"]
    CompressUp,
    /// Downward expansion (gating) below the threshold.
    #[id = "expand-down"]
    #[name = "Expand Down"]
    ExpandDown,
    /// Upward expansion above the threshold.
    #[id = "expand-up"]
    #[name = "Expand Up"]
    ExpandUp,
}

/// A band's level detector (variant ids are the [`BandDetector::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Detector {
    /// Peak.
    #[id = "peak"]
    #[name = "Peak"]
    Peak,
    /// True RMS.
    #[id = "rms"]
    #[name = "RMS"]
    Rms,
}

/// Which part of the signal a band works on (variant ids are the [`BandChannel::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Channel {
    /// Both channels, linked.
    #[id = "stereo"]
    #[name = "Stereo"]
    Stereo,
    /// Mid only.
    #[id = "mid"]
    #[name = "Mid"]
    Mid,
    /// Side only.
    #[id = "side"]
    #[name = "Side"]
    Side,
    /// Left only.
    #[id = "left"]
    #[name = "Left"]
    Left,
    /// Right only.
    #[id = "right"]
    #[name = "Right"]
    Right,
}

/// Where a band's detector listens (variant ids are the [`BandSidechain::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Sidechain {
    /// The band itself.
    #[id = "internal"]
    #[name = "Internal"]
    Internal,
    /// The same band of the sidechain input.
    #[id = "external"]
    #[name = "External"]
    External,
}

/// The parameters of one band; display names are `Band k …`.
#[derive(Params)]
pub struct BandParams {
    /// Direction of the dynamics.
    #[id = "dir"]
    pub direction: EnumParam<Direction>,
    /// Threshold, dB.
    #[id = "thr"]
    pub threshold: FloatParam,
    /// Ratio (1 = neutral, 100 = ∞).
    #[id = "ratio"]
    pub ratio: FloatParam,
    /// Soft knee, dB.
    #[id = "knee"]
    pub knee: FloatParam,
    /// Attack, ms.
    #[id = "att"]
    pub attack: FloatParam,
    /// Release, ms.
    #[id = "rel"]
    pub release: FloatParam,
    /// Most gain change, dB.
    #[id = "range"]
    pub range: FloatParam,
    /// Makeup gain, dB.
    #[id = "makeup"]
    pub makeup: FloatParam,
    /// Detector.
    #[id = "det"]
    pub detector: EnumParam<Detector>,
    /// Channel routing.
    #[id = "chan"]
    pub channel: EnumParam<Channel>,
    /// Sidechain source.
    #[id = "sc"]
    pub sidechain: EnumParam<Sidechain>,
    /// Transient shaping, dB.
    #[id = "trans"]
    pub transient: FloatParam,
    /// Solo.
    #[id = "solo"]
    pub solo: BoolParam,
    /// Mute.
    #[id = "mute"]
    pub mute: BoolParam,
    /// Band bypass.
    #[id = "bypass"]
    pub bypass: BoolParam,
}

/// A float parameter in dB with 2 decimals.
fn db_param(name: String, default: f32, range: FloatRange) -> FloatParam {
    FloatParam::new(name, default, range)
        .with_unit(" dB")
        .with_value_to_string(formatters::v2s_f32_rounded(2))
}

/// A float parameter in ms with 2 decimals.
fn ms_param(name: String, default: f32, range: FloatRange) -> FloatParam {
    FloatParam::new(name, default, range)
        .with_unit(" ms")
        .with_value_to_string(formatters::v2s_f32_rounded(2))
}

fn band_range(key: &str) -> FloatRange {
    spec_range(&MultibandSettings::BAND_SPECS, key)
}

fn global_range(key: &str) -> FloatRange {
    spec_range(&MultibandSettings::GLOBAL_SPECS, key)
}

impl BandParams {
    /// The parameters of band `k` (1-based), at the dsp-core defaults.
    pub fn new(k: usize) -> Self {
        let d = BandSettings::default();
        let name = |what: &str| format!("Band {k} {what}");
        Self {
            direction: EnumParam::new(name("Mode"), Direction::CompressDown),
            threshold: db_param(
                name("Threshold"),
                d.threshold_db,
                band_range("threshold_db"),
            ),
            ratio: FloatParam::new(name("Ratio"), d.ratio, skewed(band_range("ratio"), -2.0))
                .with_value_to_string(formatters::v2s_f32_rounded(2)),
            knee: db_param(name("Knee"), d.knee_db, band_range("knee_db")),
            attack: ms_param(
                name("Attack"),
                d.attack_ms,
                skewed(band_range("attack_ms"), -2.5),
            ),
            release: ms_param(
                name("Release"),
                d.release_ms,
                skewed(band_range("release_ms"), -2.0),
            ),
            range: db_param(name("Range"), d.range_db, band_range("range_db")),
            makeup: db_param(name("Makeup"), d.makeup_db, band_range("makeup_db")),
            detector: EnumParam::new(name("Detector"), Detector::Peak),
            channel: EnumParam::new(name("Channel"), Channel::Stereo),
            sidechain: EnumParam::new(name("Sidechain"), Sidechain::Internal),
            transient: db_param(
                name("Transient"),
                d.transient_db,
                band_range("transient_db"),
            ),
            solo: BoolParam::new(name("Solo"), d.solo),
            mute: BoolParam::new(name("Mute"), d.mute),
            bypass: BoolParam::new(name("Bypass"), d.bypass),
        }
    }

    /// The band's settings from the current values.
    pub fn settings(&self) -> BandSettings {
        BandSettings {
            direction: BandDirection::ALL[self.direction.value().to_index()],
            threshold_db: self.threshold.value(),
            ratio: self.ratio.value(),
            knee_db: self.knee.value(),
            attack_ms: self.attack.value(),
            release_ms: self.release.value(),
            range_db: self.range.value(),
            makeup_db: self.makeup.value(),
            detector: BandDetector::ALL[self.detector.value().to_index()],
            channel: BandChannel::ALL[self.channel.value().to_index()],
            sidechain: BandSidechain::ALL[self.sidechain.value().to_index()],
            transient_db: self.transient.value(),
            solo: self.solo.value(),
            mute: self.mute.value(),
            bypass: self.bypass.value(),
        }
    }
}

/// All parameters of the plugin, plus the persisted editor size.
#[derive(Params)]
pub struct MultibandParams {
    /// Editor window size (not a parameter; saved with the project).
    #[persist = "editor-size"]
    pub editor_size: Arc<RwLock<EditorSize>>,

    /// Number of bands, 1..6.
    #[id = "bands"]
    pub bands: IntParam,
    /// Crossover frequencies, Hz.
    #[id = "xover1"]
    pub crossover1: FloatParam,
    #[id = "xover2"]
    pub crossover2: FloatParam,
    #[id = "xover3"]
    pub crossover3: FloatParam,
    #[id = "xover4"]
    pub crossover4: FloatParam,
    #[id = "xover5"]
    pub crossover5: FloatParam,
    /// Crossover phase mode (changes the latency).
    #[id = "mode"]
    pub mode: EnumParam<Mode>,
    /// Crossover slope.
    #[id = "slope"]
    pub slope: EnumParam<Slope>,
    /// Lookahead, ms (adds to the latency).
    #[id = "lookahead"]
    pub lookahead: FloatParam,
    /// Wet share, %.
    #[id = "mix"]
    pub mix: FloatParam,
    /// Output gain, dB.
    #[id = "out_gain"]
    pub output_gain: FloatParam,
    /// Automatic makeup gain.
    #[id = "auto_makeup"]
    pub auto_makeup: BoolParam,

    #[nested(id_prefix = "b1", group = "Band 1")]
    pub band1: BandParams,
    #[nested(id_prefix = "b2", group = "Band 2")]
    pub band2: BandParams,
    #[nested(id_prefix = "b3", group = "Band 3")]
    pub band3: BandParams,
    #[nested(id_prefix = "b4", group = "Band 4")]
    pub band4: BandParams,
    #[nested(id_prefix = "b5", group = "Band 5")]
    pub band5: BandParams,
    #[nested(id_prefix = "b6", group = "Band 6")]
    pub band6: BandParams,

    /// Latency-compensated, crossfaded bypass (the host's bypass switch).
    #[id = "bypass"]
    pub bypass: BoolParam,
}

impl Default for MultibandParams {
    fn default() -> Self {
        let d = MultibandSettings::default();
        let crossover = |k: usize| {
            FloatParam::new(
                format!("Crossover {k}"),
                d.crossovers_hz[k - 1],
                skewed(global_range(&format!("crossover{k}_hz")), -2.5),
            )
            .with_unit(" Hz")
            .with_value_to_string(formatters::v2s_f32_rounded(1))
        };
        Self {
            editor_size: Arc::new(RwLock::new(DEFAULT_EDITOR_SIZE)),
            bands: IntParam::new(
                "Bands",
                d.bands as i32,
                IntRange::Linear {
                    min: 1,
                    max: MAX_BANDS as i32,
                },
            ),
            crossover1: crossover(1),
            crossover2: crossover(2),
            crossover3: crossover(3),
            crossover4: crossover(4),
            crossover5: crossover(5),
            mode: EnumParam::new("Crossover Mode", Mode::MinimumPhase),
            slope: EnumParam::new("Slope", Slope::Db24),
            lookahead: ms_param(
                "Lookahead".into(),
                d.lookahead_ms,
                global_range("lookahead_ms"),
            ),
            mix: FloatParam::new("Mix", d.mix_percent, global_range("mix_pct"))
                .with_unit("%")
                .with_value_to_string(formatters::v2s_f32_rounded(1)),
            output_gain: db_param(
                "Output Gain".into(),
                d.output_gain_db,
                global_range("output_gain_db"),
            ),
            auto_makeup: BoolParam::new("Auto Makeup", d.auto_makeup),
            band1: BandParams::new(1),
            band2: BandParams::new(2),
            band3: BandParams::new(3),
            band4: BandParams::new(4),
            band5: BandParams::new(5),
            band6: BandParams::new(6),
            bypass: BoolParam::new("Bypass", d.bypass).make_bypass(),
        }
    }
}

impl MultibandParams {
    /// The six bands' parameters, lowest band first.
    pub fn bands(&self) -> [&BandParams; MAX_BANDS] {
        [
            &self.band1,
            &self.band2,
            &self.band3,
            &self.band4,
            &self.band5,
            &self.band6,
        ]
    }

    /// The five crossover parameters, lowest first.
    pub fn crossovers(&self) -> [&FloatParam; MAX_CROSSOVERS] {
        [
            &self.crossover1,
            &self.crossover2,
            &self.crossover3,
            &self.crossover4,
            &self.crossover5,
        ]
    }

    /// The number of bands in use (1..6).
    pub fn band_count(&self) -> usize {
        (self.bands.value().max(1) as usize).min(MAX_BANDS)
    }

    /// The settings the current (unsmoothed) values select; the compressor smooths itself.
    pub fn settings(&self) -> MultibandSettings {
        let crossovers = self.crossovers();
        let bands = self.bands();
        MultibandSettings {
            bands: self.band_count(),
            crossovers_hz: std::array::from_fn(|i| crossovers[i].value()),
            mode: CrossoverMode::ALL[self.mode.value().to_index()],
            slope: CrossoverSlope::ALL[self.slope.value().to_index()],
            lookahead_ms: self.lookahead.value(),
            mix_percent: self.mix.value(),
            output_gain_db: self.output_gain.value(),
            auto_makeup: self.auto_makeup.value(),
            band: std::array::from_fn(|i| bands[i].settings()),
            bypass: self.bypass.value(),
        }
    }
}

/// Sets every value of `state` this version cannot read to its default, with a log message
/// ([`ui_kit::state_repair`]); run from [`Plugin::filter_state`] before nice-plug loads it.
pub fn repair_state(state: &mut PluginState) -> StateRepair {
    ui_kit::state_repair::repair_state::<MultibandParams>("Vernis Multiband", state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_follow_dsp_core() {
        fn check<E: Enum>(keys: &[&str], names: &[&str]) {
            assert_eq!(E::ids().unwrap(), keys);
            assert_eq!(E::variants(), names);
        }
        let modes = CrossoverMode::ALL;
        check::<Mode>(&modes.map(|m| m.key()), &modes.map(|m| m.name()));
        let slopes = CrossoverSlope::ALL;
        check::<Slope>(&["24", "48"], &slopes.map(|s| s.name()));
        let dirs = BandDirection::ALL;
        check::<Direction>(&dirs.map(|d| d.key()), &dirs.map(|d| d.name()));
        let dets = BandDetector::ALL;
        check::<Detector>(&dets.map(|d| d.key()), &dets.map(|d| d.name()));
        let chans = BandChannel::ALL;
        check::<Channel>(&chans.map(|c| c.key()), &chans.map(|c| c.name()));
        let scs = BandSidechain::ALL;
        check::<Sidechain>(&scs.map(|s| s.key()), &scs.map(|s| s.name()));
    }

    #[test]
    fn defaults_ranges_and_names() {
        let params = MultibandParams::default();
        assert_eq!(params.settings(), MultibandSettings::default());
        let map = params.param_map();
        let ids: Vec<&str> = map.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(map.len(), 13 + 15 * MAX_BANDS, "{ids:?}");
        for id in [
            "bands",
            "xover1",
            "xover5",
            "mode",
            "mix",
            "b1_thr",
            "b6_bypass",
            "bypass",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        let b2 = &params.band2;
        assert_eq!(b2.threshold.name(), "Band 2 Threshold");
        assert_eq!(b2.direction.name(), "Band 2 Mode");
        assert_eq!(params.crossover3.name(), "Crossover 3");
        assert_eq!(b2.attack.preview_plain(0.0), 0.01);
        assert_eq!(b2.release.preview_plain(1.0), 5000.0);
        assert_eq!(params.crossover1.preview_plain(1.0), 20_000.0);
        assert!(params.bypass.flags().contains(ParamFlags::BYPASS));
        let text =
            |p: &FloatParam, v: f32| p.normalized_value_to_string(p.preview_normalized(v), true);
        assert_eq!(text(&b2.threshold, -20.0), "-20.00 dB");
        assert_eq!(text(&params.crossover2, 1000.0), "1000.0 Hz");
        assert_eq!(text(&params.mix, 100.0), "100.0%");
        assert_eq!(text(&b2.attack, 0.01), "0.01 ms");
    }
}
