//! Settings of the band splitter ([`crate::filter::crossover`]): band count, crossover frequencies,
//! phase mode and slope, with the clamping rule that keeps crossovers ascending and apart.

/// Most bands a splitter makes.
pub const MAX_BANDS: usize = 6;
/// Most crossovers (one fewer than the bands).
pub const MAX_CROSSOVERS: usize = MAX_BANDS - 1;
/// Lowest crossover frequency, Hz.
pub const CROSSOVER_MIN_HZ: f32 = 20.0;
/// Highest crossover frequency, Hz (also capped at 0.45 × the sample rate by the splitter).
pub const CROSSOVER_MAX_HZ: f32 = 20_000.0;
/// Smallest ratio between neighbouring crossovers: one third of an octave.
pub const MIN_CROSSOVER_RATIO: f32 = 1.259_921; // 2^(1/3)
/// Default crossover frequencies, Hz.
pub const DEFAULT_CROSSOVERS_HZ: [f32; MAX_CROSSOVERS] = [120.0, 1000.0, 6000.0, 12000.0, 16000.0];

/// How the bands are made and summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CrossoverMode {
    /// Linkwitz-Riley IIR crossovers with all-pass compensation: zero latency, the sum is an all-pass.
    #[default]
    MinimumPhase,
    /// FFT (FIR) crossovers: the sum is the input delayed by the latency.
    LinearPhase,
    /// Complementary bands added as differences to the dry signal: the output is the input,
    /// untouched, while every band is at unity; only acting bands shift phase.
    DynamicPhase,
}

impl CrossoverMode {
    /// All modes in display order.
    pub const ALL: [Self; 3] = [Self::MinimumPhase, Self::LinearPhase, Self::DynamicPhase];

    /// Stable key (`minimum-phase`, `linear-phase`, `dynamic-phase`).
    pub fn key(self) -> &'static str {
        match self {
            Self::MinimumPhase => "minimum-phase",
            Self::LinearPhase => "linear-phase",
            Self::DynamicPhase => "dynamic-phase",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::MinimumPhase => "Minimum Phase",
            Self::LinearPhase => "Linear Phase",
            Self::DynamicPhase => "Dynamic Phase",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.key().eq_ignore_ascii_case(t) || m.name().eq_ignore_ascii_case(t))
    }
}

/// Crossover slope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CrossoverSlope {
    /// Linkwitz-Riley 4th order, 24 dB/oct.
    #[default]
    Db24,
    /// Linkwitz-Riley 8th order, 48 dB/oct.
    Db48,
}

impl CrossoverSlope {
    /// Both slopes in display order.
    pub const ALL: [Self; 2] = [Self::Db24, Self::Db48];

    /// The slope in dB per octave (24 or 48).
    pub fn db_per_octave(self) -> u32 {
        match self {
            Self::Db24 => 24,
            Self::Db48 => 48,
        }
    }

    /// Display name (`24 dB/oct`, `48 dB/oct`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Db24 => "24 dB/oct",
            Self::Db48 => "48 dB/oct",
        }
    }

    /// Parses `24`, `48`, `24 dB/oct` or `48db`.
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = text
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        match digits.as_str() {
            "24" => Some(Self::Db24),
            "48" => Some(Self::Db48),
            _ => None,
        }
    }
}

/// Everything that shapes the bands, in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossoverSettings {
    /// Number of bands, 1..=[`MAX_BANDS`]; the first `bands − 1` crossovers are used.
    pub bands: usize,
    /// Crossover frequencies, Hz, ascending (see [`clamp_crossovers`]).
    pub crossovers_hz: [f32; MAX_CROSSOVERS],
    /// Phase mode.
    pub mode: CrossoverMode,
    /// Slope of every crossover.
    pub slope: CrossoverSlope,
}

impl Default for CrossoverSettings {
    fn default() -> Self {
        Self {
            bands: 4,
            crossovers_hz: DEFAULT_CROSSOVERS_HZ,
            mode: CrossoverMode::MinimumPhase,
            slope: CrossoverSlope::Db24,
        }
    }
}

impl CrossoverSettings {
    /// The used crossovers (`bands − 1` of them) after [`clamp_crossovers`] at `sample_rate_hz`.
    pub fn clamped_crossovers_hz(&self, sample_rate_hz: f64) -> ([f32; MAX_CROSSOVERS], usize) {
        let count = self.bands.clamp(1, MAX_BANDS) - 1;
        let mut out = self.crossovers_hz;
        clamp_crossovers(&mut out[..count], sample_rate_hz);
        (out, count)
    }
}

/// Keeps crossovers finite, within 20 Hz..min(20 kHz, 0.45·fs) and ascending with at least a third
/// of an octave between neighbours. Crossovers are pushed up from the lowest first; when the top
/// runs out of room, they are pushed down from the highest, so the rule is deterministic and the
/// result depends only on the values (the editor shows the same clamped values).
pub fn clamp_crossovers(crossovers_hz: &mut [f32], sample_rate_hz: f64) {
    let top = CROSSOVER_MAX_HZ.min((0.45 * sample_rate_hz) as f32);
    let n = crossovers_hz.len();
    if n == 0 {
        return;
    }
    for (i, c) in crossovers_hz.iter_mut().enumerate() {
        let default = DEFAULT_CROSSOVERS_HZ[i.min(MAX_CROSSOVERS - 1)];
        let v = if c.is_finite() { *c } else { default };
        *c = v.clamp(CROSSOVER_MIN_HZ, top);
    }
    for i in 1..n {
        let least = crossovers_hz[i - 1] * MIN_CROSSOVER_RATIO;
        if crossovers_hz[i] < least {
            crossovers_hz[i] = least;
        }
    }
    if crossovers_hz[n - 1] > top {
        crossovers_hz[n - 1] = top;
        for i in (0..n - 1).rev() {
            let most = crossovers_hz[i + 1] / MIN_CROSSOVER_RATIO;
            if crossovers_hz[i] > most {
                crossovers_hz[i] = most;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossovers_are_kept_ascending_and_a_third_octave_apart() {
        let mut c = [1000.0, 900.0, f32::NAN, 19_000.0, 19_500.0];
        clamp_crossovers(&mut c, 48_000.0);
        for pair in c.windows(2) {
            assert!(pair[1] >= pair[0] * MIN_CROSSOVER_RATIO * 0.9999, "{c:?}");
        }
        assert!(c[4] <= 20_000.0 && c[0] >= 20.0, "{c:?}");
        // At 22.05 kHz the top is 9922.5 Hz and everything is pushed down from it.
        let mut c = DEFAULT_CROSSOVERS_HZ;
        clamp_crossovers(&mut c, 22_050.0);
        assert!((c[4] - 9922.5).abs() < 0.01, "{c:?}");
        assert!(c[3] <= 9922.5 / MIN_CROSSOVER_RATIO * 1.0001, "{c:?}");
        // Already valid values are untouched.
        let mut c = DEFAULT_CROSSOVERS_HZ;
        clamp_crossovers(&mut c, 48_000.0);
        assert_eq!(c, DEFAULT_CROSSOVERS_HZ);
    }

    #[test]
    fn names_parse_back() {
        for m in CrossoverMode::ALL {
            assert_eq!(CrossoverMode::parse(m.key()), Some(m));
            assert_eq!(CrossoverMode::parse(m.name()), Some(m));
        }
        assert_eq!(CrossoverSlope::parse("48"), Some(CrossoverSlope::Db48));
        assert_eq!(
            CrossoverSlope::parse("24 dB/oct"),
            Some(CrossoverSlope::Db24)
        );
        assert_eq!(CrossoverSlope::parse("12"), None);
    }
}
