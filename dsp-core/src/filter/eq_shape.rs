//! The filter shapes of a Dynamic EQ band and their settings in user units.
//!
//! [`EqShapeSettings`] is a plain `Copy` struct; [`EqShapeSettings::sanitized`] clamps every field
//! into its range (and replaces NaN with the default), so the designers in
//! [`crate::filter::eq_design`] and the references in [`crate::filter::analog_prototype`] never see
//! a value they cannot handle.

/// Lowest band frequency, Hz.
pub const MIN_FREQUENCY_HZ: f64 = 10.0;
/// Highest band frequency, Hz (further limited to [`MAX_FREQUENCY_FRACTION`] of the rate).
pub const MAX_FREQUENCY_HZ: f64 = 30_000.0;
/// Highest band frequency as a fraction of the sample rate: just below Nyquist, so every
/// matched pole stays below the unit circle's angle π.
pub const MAX_FREQUENCY_FRACTION: f64 = 0.49;
/// Gain range of bells, shelves and the tilt shelf, dB (symmetric).
pub const MAX_GAIN_DB: f64 = 30.0;
/// Lowest Q (a bell 40 octaves wide).
pub const MIN_Q: f64 = 0.025;
/// Highest Q.
pub const MAX_Q: f64 = 40.0;
/// Q of a Butterworth second-order section, `1/√2`: the default, and the Q at which a cut is an
/// exact Butterworth filter.
pub const BUTTERWORTH_Q: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// Lowest sample rate the designs are specified for, Hz.
pub const MIN_SAMPLE_RATE_HZ: f64 = 22_050.0;
/// Highest sample rate the designs are specified for, Hz.
pub const MAX_SAMPLE_RATE_HZ: f64 = 384_000.0;

/// The shape of an EQ band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EqShape {
    /// Peaking filter: `gain_db` at `frequency_hz`, width set by Q.
    #[default]
    Bell,
    /// `gain_db` below `frequency_hz` (half of it at the frequency).
    LowShelf,
    /// `gain_db` above `frequency_hz` (half of it at the frequency).
    HighShelf,
    /// Highpass (Butterworth of the chosen slope; Q sets the resonance of the last section).
    LowCut,
    /// Lowpass (Butterworth of the chosen slope; Q sets the resonance of the last section).
    HighCut,
    /// Band-reject: a zero at `frequency_hz`, width set by Q (gain ignored).
    Notch,
    /// Band-pass with 0 dB at `frequency_hz`, width set by Q (gain ignored).
    BandPass,
    /// Tilt pivoting at `frequency_hz`: −gain/2 at DC, +gain/2 at high frequencies.
    TiltShelf,
    /// Second-order all-pass: unit magnitude, phase turning by 2π around `frequency_hz`.
    AllPass,
}

impl EqShape {
    /// Every shape, in display order.
    pub const ALL: [EqShape; 9] = [
        EqShape::Bell,
        EqShape::LowShelf,
        EqShape::HighShelf,
        EqShape::LowCut,
        EqShape::HighCut,
        EqShape::Notch,
        EqShape::BandPass,
        EqShape::TiltShelf,
        EqShape::AllPass,
    ];

    /// Stable key (`bell`, `low-shelf`, `high-shelf`, `low-cut`, `high-cut`, `notch`,
    /// `band-pass`, `tilt-shelf`, `all-pass`).
    pub fn key(self) -> &'static str {
        match self {
            EqShape::Bell => "bell",
            EqShape::LowShelf => "low-shelf",
            EqShape::HighShelf => "high-shelf",
            EqShape::LowCut => "low-cut",
            EqShape::HighCut => "high-cut",
            EqShape::Notch => "notch",
            EqShape::BandPass => "band-pass",
            EqShape::TiltShelf => "tilt-shelf",
            EqShape::AllPass => "all-pass",
        }
    }

    /// Display name ("Low Shelf").
    pub fn name(self) -> &'static str {
        match self {
            EqShape::Bell => "Bell",
            EqShape::LowShelf => "Low Shelf",
            EqShape::HighShelf => "High Shelf",
            EqShape::LowCut => "Low Cut",
            EqShape::HighCut => "High Cut",
            EqShape::Notch => "Notch",
            EqShape::BandPass => "Band Pass",
            EqShape::TiltShelf => "Tilt Shelf",
            EqShape::AllPass => "All Pass",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.key().eq_ignore_ascii_case(t) || v.name().eq_ignore_ascii_case(t))
    }

    /// Whether `gain_db` affects this shape (bells, shelves and the tilt).
    pub fn uses_gain(self) -> bool {
        matches!(
            self,
            EqShape::Bell | EqShape::LowShelf | EqShape::HighShelf | EqShape::TiltShelf
        )
    }

    /// Whether this shape is a cut (and so uses the slope).
    pub fn is_cut(self) -> bool {
        matches!(self, EqShape::LowCut | EqShape::HighCut)
    }
}

/// Slope of a low or high cut: Butterworth of order slope/6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CutSlope {
    /// 6 dB/oct (first order).
    Db6,
    /// 12 dB/oct (second order).
    #[default]
    Db12,
    /// 18 dB/oct (third order).
    Db18,
    /// 24 dB/oct (fourth order).
    Db24,
    /// 36 dB/oct (sixth order).
    Db36,
    /// 48 dB/oct (eighth order).
    Db48,
    /// 72 dB/oct (twelfth order).
    Db72,
    /// 96 dB/oct (sixteenth order).
    Db96,
}

impl CutSlope {
    /// Every slope, shallowest first.
    pub const ALL: [CutSlope; 8] = [
        CutSlope::Db6,
        CutSlope::Db12,
        CutSlope::Db18,
        CutSlope::Db24,
        CutSlope::Db36,
        CutSlope::Db48,
        CutSlope::Db72,
        CutSlope::Db96,
    ];

    /// Butterworth order (slope in dB/oct divided by 6).
    pub fn order(self) -> usize {
        match self {
            CutSlope::Db6 => 1,
            CutSlope::Db12 => 2,
            CutSlope::Db18 => 3,
            CutSlope::Db24 => 4,
            CutSlope::Db36 => 6,
            CutSlope::Db48 => 8,
            CutSlope::Db72 => 12,
            CutSlope::Db96 => 16,
        }
    }

    /// Asymptotic slope, dB/oct.
    pub fn db_per_octave(self) -> f64 {
        6.0 * self.order() as f64
    }

    /// Parses the slope in dB/oct (`12`, `12 dB/oct`).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().trim_end_matches("dB/oct").trim();
        let db: f64 = t.parse().ok()?;
        Self::ALL.into_iter().find(|s| s.db_per_octave() == db)
    }
}

/// One band's filter in user units (`Copy`; re-designed whenever it changes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqShapeSettings {
    /// The filter shape.
    pub shape: EqShape,
    /// Centre, corner or pivot frequency, Hz.
    pub frequency_hz: f64,
    /// Gain of bells and shelves, dB; the full tilt from DC to high frequencies for the tilt shelf.
    pub gain_db: f64,
    /// Quality factor (bandwidth of bells, notch and band pass; resonance of shelves and cuts).
    pub q: f64,
    /// Slope of the cuts.
    pub slope: CutSlope,
}

impl Default for EqShapeSettings {
    fn default() -> Self {
        Self {
            shape: EqShape::Bell,
            frequency_hz: 1000.0,
            gain_db: 0.0,
            q: BUTTERWORTH_Q,
            slope: CutSlope::Db12,
        }
    }
}

impl EqShapeSettings {
    /// The settings clamped into range for `sample_rate_hz` (frequency below
    /// [`MAX_FREQUENCY_FRACTION`]·fs); NaN fields take their default, ±∞ clamp to the nearest end.
    pub fn sanitized(&self, sample_rate_hz: f64) -> Self {
        let d = Self::default();
        // Far outside the specified rates, but never a panic: at least 2·MIN_FREQUENCY_HZ/0.49.
        let fs = if sample_rate_hz.is_finite() {
            sample_rate_hz.max(1_000.0)
        } else {
            48_000.0
        };
        let max_hz = MAX_FREQUENCY_HZ.min(MAX_FREQUENCY_FRACTION * fs);
        let pick = |v: f64, default: f64, lo: f64, hi: f64| {
            if v.is_nan() {
                default.clamp(lo, hi)
            } else {
                v.clamp(lo, hi)
            }
        };
        Self {
            shape: self.shape,
            frequency_hz: pick(self.frequency_hz, d.frequency_hz, MIN_FREQUENCY_HZ, max_hz),
            gain_db: pick(self.gain_db, 0.0, -MAX_GAIN_DB, MAX_GAIN_DB),
            q: pick(self.q, d.q, MIN_Q, MAX_Q),
            slope: self.slope,
        }
    }
}
