//! Parameters of Vernis Dynamic EQ. The string ids are part of saved projects: never rename them.
//!
//! Global ids: `phase`, `out_gain`, `bypass`. Band `k` (1..24) ids are `b{k}_` + `on`, `shape`, `freq`,
//! `gain`, `q`, `slope`, `place`, `dyn`, `thr`, `ratio`, `range`, `att`, `rel`, `knee`, `det`,
//! `trig`, `sc`, `solo` (display names `Band k Enabled`, `Band k Shape`, ...). Enum variants are
//! stored by stable keys (`bell`, `low-shelf`, `12`, `mid`, `above`, ...), so their display
//! order may change without breaking projects.
//!
//! The 24 bands are one [`BandParams`] each in an array; [`DynamicEqParams`] implements
//! [`Params`] by hand to give them the `b{k}_` prefixes and `Band k` groups (nice-plug's
//! `#[nested(array)]` would suffix the ids instead: `freq_3`). [`DynamicEqParams::settings`]
//! maps the current values onto one [`DynamicEqSettings`].

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use dsp_core::dynamics::{BandChannel, BandDetector, BandSidechain};
use dsp_core::eq::{
    DynamicEqSettings, EqBandSettings, EqDynamicsSettings, EqPhase, EqTrigger, MAX_EQ_BANDS,
};
use dsp_core::filter::eq_shape::{
    CutSlope, EqShape, EqShapeSettings, MAX_FREQUENCY_HZ, MAX_GAIN_DB, MAX_Q, MIN_FREQUENCY_HZ,
    MIN_Q,
};
use nice_plug::prelude::*;
use ui_kit::param::skewed;
use ui_kit::state_repair::StateRepair;
use ui_kit::EditorSize;

/// Default editor window size in logical pixels.
pub const DEFAULT_EDITOR_SIZE: EditorSize = EditorSize::new(1100.0, 720.0);

/// Lowest and highest default band frequency, Hz: the bands start spread evenly (in octaves)
/// over the audible range, lowest band first.
pub const DEFAULT_FREQUENCY_SPAN_HZ: (f64, f64) = (20.0, 20_000.0);

/// Largest |Output Gain|, dB.
pub const MAX_OUTPUT_GAIN_DB: f32 = dsp_core::eq::settings::MAX_OUTPUT_GAIN_DB;

/// A band's filter shape (variant ids are stable keys; order = [`EqShape::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Shape {
    #[id = "bell"]
    #[name = "Bell"]
    Bell,
    #[id = "low-shelf"]
    #[name = "Low Shelf"]
    LowShelf,
    #[id = "high-shelf"]
    #[name = "High Shelf"]
    HighShelf,
    #[id = "low-cut"]
    #[name = "Low Cut"]
    LowCut,
    #[id = "high-cut"]
    #[name = "High Cut"]
    HighCut,
    #[id = "notch"]
    #[name = "Notch"]
    Notch,
    #[id = "band-pass"]
    #[name = "Band Pass"]
    BandPass,
    #[id = "tilt-shelf"]
    #[name = "Tilt Shelf"]
    TiltShelf,
    #[id = "all-pass"]
    #[name = "All Pass"]
    AllPass,
}

impl Shape {
    /// The dsp-core shape.
    pub fn to_dsp(self) -> EqShape {
        EqShape::ALL[self.to_index()]
    }
}

/// Slope of the cuts (variant ids are the dB/oct numbers; order = [`CutSlope::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Slope {
    #[id = "6"]
    #[name = "6 dB/oct"]
    Db6,
    #[id = "12"]
    #[name = "12 dB/oct"]
    Db12,
    #[id = "18"]
    #[name = "18 dB/oct"]
    Db18,
    #[id = "24"]
    #[name = "24 dB/oct"]
    Db24,
    #[id = "36"]
    #[name = "36 dB/oct"]
    Db36,
    #[id = "48"]
    #[name = "48 dB/oct"]
    Db48,
    #[id = "72"]
    #[name = "72 dB/oct"]
    Db72,
    #[id = "96"]
    #[name = "96 dB/oct"]
    Db96,
}

impl Slope {
    /// The dsp-core slope.
    pub fn to_dsp(self) -> CutSlope {
        CutSlope::ALL[self.to_index()]
    }
}

/// Which part of the signal a band filters (variant ids are the [`BandChannel::key`]s; display
/// order as the issue lists them, not dsp-core's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Placement {
    #[id = "stereo"]
    #[name = "Stereo"]
    Stereo,
    #[id = "left"]
    #[name = "Left"]
    Left,
    #[id = "right"]
    #[name = "Right"]
    Right,
    #[id = "mid"]
    #[name = "Mid"]
    Mid,
    #[id = "side"]
    #[name = "Side"]
    Side,
}

impl Placement {
    /// The dsp-core channel.
    pub fn to_dsp(self) -> BandChannel {
        match self {
            Self::Stereo => BandChannel::Stereo,
            Self::Left => BandChannel::Left,
            Self::Right => BandChannel::Right,
            Self::Mid => BandChannel::Mid,
            Self::Side => BandChannel::Side,
        }
    }
}

/// A band's level detector (variant ids are the [`BandDetector::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Detector {
    #[id = "peak"]
    #[name = "Peak"]
    Peak,
    #[id = "rms"]
    #[name = "RMS"]
    Rms,
}

/// On which side of the threshold a dynamic band acts (variant ids are the [`EqTrigger::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Trigger {
    #[id = "above"]
    #[name = "Above"]
    Above,
    #[id = "below"]
    #[name = "Below"]
    Below,
}

/// How the bands run (variant ids are the [`EqPhase::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Phase {
    #[id = "zero-latency"]
    #[name = "Zero Latency"]
    ZeroLatency,
    #[id = "linear-phase"]
    #[name = "Linear Phase"]
    LinearPhase,
}

impl Phase {
    /// The dsp-core mode.
    pub fn mode(self) -> EqPhase {
        match self {
            Self::ZeroLatency => EqPhase::ZeroLatency,
            Self::LinearPhase => EqPhase::LinearPhase,
        }
    }
}

/// Where a band's detector listens (variant ids are the [`BandSidechain::key`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Sidechain {
    #[id = "internal"]
    #[name = "Internal"]
    Internal,
    #[id = "external"]
    #[name = "External"]
    External,
}

/// The parameters of one band; display names are `Band k …`.
#[derive(Params)]
pub struct BandParams {
    /// The band is in use.
    #[id = "on"]
    pub enabled: BoolParam,
    #[id = "shape"]
    pub shape: EnumParam<Shape>,
    /// Centre, corner or pivot frequency, Hz.
    #[id = "freq"]
    pub frequency: FloatParam,
    /// Static gain, dB.
    #[id = "gain"]
    pub gain: FloatParam,
    #[id = "q"]
    pub q: FloatParam,
    /// Slope of the cuts.
    #[id = "slope"]
    pub slope: EnumParam<Slope>,
    #[id = "place"]
    pub placement: EnumParam<Placement>,
    /// Dynamics on.
    #[id = "dyn"]
    pub dynamic: BoolParam,
    /// Threshold, dB.
    #[id = "thr"]
    pub threshold: FloatParam,
    /// Ratio (1 = neutral, 100 = ∞).
    #[id = "ratio"]
    pub ratio: FloatParam,
    /// Signed range of the dynamic offset, dB (negative cuts, positive boosts).
    #[id = "range"]
    pub range: FloatParam,
    /// Attack, ms.
    #[id = "att"]
    pub attack: FloatParam,
    /// Release, ms.
    #[id = "rel"]
    pub release: FloatParam,
    /// Soft knee, dB.
    #[id = "knee"]
    pub knee: FloatParam,
    #[id = "det"]
    pub detector: EnumParam<Detector>,
    #[id = "trig"]
    pub trigger: EnumParam<Trigger>,
    #[id = "sc"]
    pub sidechain: EnumParam<Sidechain>,
    /// Solo: listen to this band's region.
    #[id = "solo"]
    pub solo: BoolParam,
}

/// A float parameter in dB with 2 decimals.
fn db_param(name: String, default: f32, min: f32, max: f32) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(" dB")
        .with_value_to_string(formatters::v2s_f32_rounded(2))
}

/// A float parameter in ms with 2 decimals.
fn ms_param(name: String, default: f32, range: FloatRange) -> FloatParam {
    FloatParam::new(name, default, range)
        .with_unit(" ms")
        .with_value_to_string(formatters::v2s_f32_rounded(2))
}

/// Default frequency of band `k` (1-based), Hz: log-spaced over [`DEFAULT_FREQUENCY_SPAN_HZ`],
/// rounded to three significant digits.
pub fn default_frequency_hz(k: usize) -> f32 {
    let (lo, hi) = DEFAULT_FREQUENCY_SPAN_HZ;
    let t = (k.clamp(1, MAX_EQ_BANDS) - 1) as f64 / (MAX_EQ_BANDS - 1) as f64;
    let hz = lo * (hi / lo).powf(t);
    let scale = 10f64.powi(hz.log10().floor() as i32 - 2);
    ((hz / scale).round() * scale) as f32
}

impl BandParams {
    /// The parameters of band `k` (1-based), at the defaults (dsp-core's
    /// [`EqBandSettings::default`] apart from the frequency, which is spread over the bands).
    pub fn new(k: usize) -> Self {
        let d = EqBandSettings::default();
        let dy = d.dynamics;
        let name = |what: &str| format!("Band {k} {what}");
        Self {
            enabled: BoolParam::new(name("Enabled"), d.used),
            shape: EnumParam::new(name("Shape"), Shape::Bell),
            frequency: FloatParam::new(
                name("Frequency"),
                default_frequency_hz(k),
                skewed(
                    FloatRange::Linear {
                        min: MIN_FREQUENCY_HZ as f32,
                        max: MAX_FREQUENCY_HZ as f32,
                    },
                    -2.5,
                ),
            )
            .with_unit(" Hz")
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            gain: db_param(
                name("Gain"),
                d.filter.gain_db as f32,
                -MAX_GAIN_DB as f32,
                MAX_GAIN_DB as f32,
            ),
            q: FloatParam::new(
                name("Q"),
                d.filter.q as f32,
                // Q 1 sits near the middle of the range.
                skewed(
                    FloatRange::Linear {
                        min: MIN_Q as f32,
                        max: MAX_Q as f32,
                    },
                    -2.4,
                ),
            )
            .with_value_to_string(formatters::v2s_f32_rounded(3)),
            slope: EnumParam::new(name("Slope"), Slope::Db12),
            placement: EnumParam::new(name("Placement"), Placement::Stereo),
            dynamic: BoolParam::new(name("Dynamic"), dy.enabled),
            threshold: db_param(name("Threshold"), dy.threshold_db, -80.0, 0.0),
            ratio: FloatParam::new(
                name("Ratio"),
                dy.ratio,
                skewed(
                    FloatRange::Linear {
                        min: 1.0,
                        max: 100.0,
                    },
                    -2.0,
                ),
            )
            .with_value_to_string(formatters::v2s_f32_rounded(2)),
            range: db_param(
                name("Range"),
                dy.range_db,
                -dsp_core::eq::settings::MAX_RANGE_DB,
                dsp_core::eq::settings::MAX_RANGE_DB,
            ),
            attack: ms_param(
                name("Attack"),
                dy.attack_ms,
                skewed(
                    FloatRange::Linear {
                        min: 0.1,
                        max: 500.0,
                    },
                    -2.5,
                ),
            ),
            release: ms_param(
                name("Release"),
                dy.release_ms,
                skewed(
                    FloatRange::Linear {
                        min: 1.0,
                        max: 5000.0,
                    },
                    -2.0,
                ),
            ),
            knee: db_param(name("Knee"), dy.knee_db, 0.0, 24.0),
            detector: EnumParam::new(name("Detector"), Detector::Peak),
            trigger: EnumParam::new(name("Trigger"), Trigger::Above),
            sidechain: EnumParam::new(name("Sidechain"), Sidechain::Internal),
            solo: BoolParam::new(name("Solo"), d.solo),
        }
    }

    /// The band's settings from the current values (`bypass` as the host's Bypass says).
    pub fn settings(&self, bypass: bool) -> EqBandSettings {
        let dynamics = EqDynamicsSettings {
            enabled: self.dynamic.value(),
            threshold_db: self.threshold.value(),
            ratio: self.ratio.value(),
            range_db: self.range.value(),
            attack_ms: self.attack.value(),
            release_ms: self.release.value(),
            knee_db: self.knee.value(),
            trigger: EqTrigger::ALL[self.trigger.value().to_index()],
            detector: BandDetector::ALL[self.detector.value().to_index()],
            sidechain: BandSidechain::ALL[self.sidechain.value().to_index()],
            ..EqDynamicsSettings::default()
        };
        EqBandSettings {
            used: self.enabled.value(),
            filter: EqShapeSettings {
                shape: self.shape.value().to_dsp(),
                frequency_hz: f64::from(self.frequency.value()),
                gain_db: f64::from(self.gain.value()),
                q: f64::from(self.q.value()),
                slope: self.slope.value().to_dsp(),
            },
            dynamics,
            placement: self.placement.value().to_dsp(),
            bypass,
            solo: self.solo.value(),
        }
    }
}

/// The parameters outside the bands, plus the persisted editor size.
#[derive(Params)]
pub struct GlobalParams {
    /// Editor window size (not a parameter; saved with the project).
    #[persist = "editor-size"]
    pub editor_size: Arc<RwLock<EditorSize>>,
    /// Zero Latency (IIR) or Linear Phase (FIR, with latency).
    #[id = "phase"]
    pub phase: EnumParam<Phase>,
    /// Output gain, dB.
    #[id = "out_gain"]
    pub output_gain: FloatParam,
    /// The host's bypass switch: every band fades out (dsp-core's per-band bypass ramp) and the
    /// output gain ramps to 0 dB.
    #[id = "bypass"]
    pub bypass: BoolParam,
}

/// All parameters of the plugin.
pub struct DynamicEqParams {
    /// Output Gain, Bypass and the editor size.
    pub globals: GlobalParams,
    /// The bands, in processing order.
    pub bands: [BandParams; MAX_EQ_BANDS],
}

impl Default for DynamicEqParams {
    fn default() -> Self {
        Self {
            globals: GlobalParams {
                editor_size: Arc::new(RwLock::new(DEFAULT_EDITOR_SIZE)),
                phase: EnumParam::new("Phase", Phase::ZeroLatency),
                output_gain: db_param(
                    "Output Gain".into(),
                    0.0,
                    -MAX_OUTPUT_GAIN_DB,
                    MAX_OUTPUT_GAIN_DB,
                ),
                bypass: BoolParam::new("Bypass", false).make_bypass(),
            },
            bands: std::array::from_fn(|i| BandParams::new(i + 1)),
        }
    }
}

/// The id prefix of band `index` (0-based): `b1` .. `b24`.
pub fn band_id_prefix(index: usize) -> String {
    format!("b{}", index + 1)
}

// SAFETY: every pointer comes from a parameter stored inline in `self` (the globals and the band
// array), exactly as the derive macro's nested parameters do, so they live as long as `self`.
unsafe impl Params for DynamicEqParams {
    fn param_map(&self) -> Vec<(String, ParamPtr, String)> {
        let mut map = self.globals.param_map();
        for (i, band) in self.bands.iter().enumerate() {
            let prefix = band_id_prefix(i);
            let group = format!("Band {}", i + 1);
            map.extend(
                band.param_map()
                    .into_iter()
                    .map(|(id, ptr, _)| (format!("{prefix}_{id}"), ptr, group.clone())),
            );
        }
        map
    }

    fn serialize_fields(&self) -> BTreeMap<String, String> {
        self.globals.serialize_fields()
    }

    fn deserialize_fields(&self, serialized: &BTreeMap<String, String>) {
        self.globals.deserialize_fields(serialized)
    }
}

impl DynamicEqParams {
    /// The settings the current (unsmoothed) values select; the EQ ramps and glides itself.
    pub fn settings(&self) -> DynamicEqSettings {
        let bypass = self.globals.bypass.value();
        DynamicEqSettings {
            bands: std::array::from_fn(|i| self.bands[i].settings(bypass)),
            output_gain_db: if bypass {
                0.0
            } else {
                self.globals.output_gain.value()
            },
            phase: self.globals.phase.value().mode(),
        }
    }

    /// Sets a few bands for the standalone's screenshots (`VERNIS_DEMO`): a low cut, a dynamic
    /// low-mid cut, a presence bell, a dynamic de-esser and an air shelf. Main thread, before the
    /// editor opens; never in plugin builds.
    #[cfg(feature = "standalone")]
    pub fn apply_demo_preset(&self) {
        use nice_plug::params::InternalParamMut;
        // SAFETY: plain values set on parameters nobody reads yet (no host, no audio thread).
        unsafe {
            let band = |k: usize, shape: Shape, hz: f32, gain: f32, q: f32| {
                let b = &self.bands[k];
                b.enabled._internal_set_plain_value(true);
                b.shape._internal_set_plain_value(shape);
                b.frequency._internal_set_plain_value(hz);
                b.gain._internal_set_plain_value(gain);
                b.q._internal_set_plain_value(q);
                b
            };
            band(0, Shape::LowCut, 30.0, 0.0, 0.707)
                .slope
                ._internal_set_plain_value(Slope::Db24);
            let mud = band(1, Shape::Bell, 280.0, 0.0, 1.2);
            mud.dynamic._internal_set_plain_value(true);
            mud.threshold._internal_set_plain_value(-34.0);
            mud.range._internal_set_plain_value(-6.0);
            band(2, Shape::Bell, 2_500.0, 2.5, 0.8);
            let ess = band(3, Shape::Bell, 6_500.0, 0.0, 3.0);
            ess.dynamic._internal_set_plain_value(true);
            ess.threshold._internal_set_plain_value(-44.0);
            ess.range._internal_set_plain_value(-9.0);
            ess.attack._internal_set_plain_value(2.0);
            ess.release._internal_set_plain_value(80.0);
            band(4, Shape::HighShelf, 12_000.0, 1.5, 0.707);
        }
    }

    /// The first band not in use (0-based), if any.
    pub fn first_free_band(&self) -> Option<usize> {
        self.bands.iter().position(|b| !b.enabled.value())
    }
}

/// Sets every value of `state` this version cannot read to its default, with a log message
/// ([`ui_kit::state_repair`]); run from [`Plugin::filter_state`] before nice-plug loads it.
pub fn repair_state(state: &mut PluginState) -> StateRepair {
    ui_kit::state_repair::repair_state::<DynamicEqParams>("Vernis Dynamic EQ", state)
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
        check::<Detector>(
            &BandDetector::ALL.map(|d| d.key()),
            &BandDetector::ALL.map(|d| d.name()),
        );
        check::<Trigger>(
            &EqTrigger::ALL.map(|t| t.key()),
            &EqTrigger::ALL.map(|t| t.name()),
        );
        check::<Sidechain>(
            &BandSidechain::ALL.map(|s| s.key()),
            &BandSidechain::ALL.map(|s| s.name()),
        );
        for (i, id) in Placement::ids().unwrap().iter().enumerate() {
            let p = Placement::from_index(i);
            assert_eq!(p.to_dsp().key(), *id);
            assert_eq!(p.to_dsp().name(), Placement::variants()[i]);
        }
        for (i, slope) in CutSlope::ALL.iter().enumerate() {
            assert_eq!(Slope::from_index(i).to_dsp(), *slope);
            assert_eq!(
                Slope::ids().unwrap()[i],
                format!("{}", slope.db_per_octave())
            );
        }
        for (i, shape) in EqShape::ALL.iter().enumerate() {
            assert_eq!(Shape::from_index(i).to_dsp(), *shape);
        }
    }
}
