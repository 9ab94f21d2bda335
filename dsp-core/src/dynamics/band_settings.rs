//! Settings of one multiband band's dynamics, in user units (shared by the plugin, the CLI and the editor).

/// What a band's gain computer does, and on which side of the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandDirection {
    /// Above the threshold, lower the gain (a classic compressor).
    #[default]
    CompressDown,
    /// Below the threshold, raise the gain toward it (upward compression).
    CompressUp,
    /// Below the threshold, lower the gain further (a downward expander or gate).
    ExpandDown,
    /// Above the threshold, raise the gain (upward expansion).
    ExpandUp,
}

impl BandDirection {
    /// All directions in display order.
    pub const ALL: [Self; 4] = [
        Self::CompressDown,
        Self::CompressUp,
        Self::ExpandDown,
        Self::ExpandUp,
    ];

    /// Stable key (`compress-down`, `compress-up`, `expand-down`, `expand-up`).
    pub fn key(self) -> &'static str {
        match self {
            Self::CompressDown => "compress-down",
            Self::CompressUp => "compress-up",
            Self::ExpandDown => "expand-down",
            Self::ExpandUp => "expand-up",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::CompressDown => "Compress Down",
            Self::CompressUp => "Compress Up",
            Self::ExpandDown => "Expand Down",
            Self::ExpandUp => "Expand Up",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        parse_named(&Self::ALL, text, |d| (d.key(), d.name()))
    }
}

/// How a band's detector measures level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandDetector {
    /// Peak: a steady sine reads its peak.
    #[default]
    Peak,
    /// True RMS: a steady sine reads its RMS (peak − 3.01 dB).
    Rms,
}

impl BandDetector {
    /// Both detectors in display order.
    pub const ALL: [Self; 2] = [Self::Peak, Self::Rms];

    /// Stable key (`peak`, `rms`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Peak => "peak",
            Self::Rms => "rms",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Peak => "Peak",
            Self::Rms => "RMS",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        parse_named(&Self::ALL, text, |d| (d.key(), d.name()))
    }
}

/// Which part of a stereo signal a band's dynamics detect on and act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandChannel {
    /// Both channels, detected together (the louder channel leads) and given one gain.
    #[default]
    Stereo,
    /// The mid signal (L + R) / 2 only; the side passes untouched.
    Mid,
    /// The side signal (L − R) / 2 only; the mid passes untouched.
    Side,
    /// The left channel only.
    Left,
    /// The right channel only.
    Right,
}

impl BandChannel {
    /// All routings in display order.
    pub const ALL: [Self; 5] = [Self::Stereo, Self::Mid, Self::Side, Self::Left, Self::Right];

    /// Stable key (`stereo`, `mid`, `side`, `left`, `right`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Stereo => "stereo",
            Self::Mid => "mid",
            Self::Side => "side",
            Self::Left => "left",
            Self::Right => "right",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Stereo => "Stereo",
            Self::Mid => "Mid",
            Self::Side => "Side",
            Self::Left => "Left",
            Self::Right => "Right",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        parse_named(&Self::ALL, text, |d| (d.key(), d.name()))
    }
}

/// Where a band's detector listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandSidechain {
    /// The band's own signal.
    #[default]
    Internal,
    /// The same band of the external sidechain input (band-split the same way).
    External,
}

impl BandSidechain {
    /// Both sources in display order.
    pub const ALL: [Self; 2] = [Self::Internal, Self::External];

    /// Stable key (`internal`, `external`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::External => "external",
        }
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Internal => "Internal",
            Self::External => "External",
        }
    }

    /// Parses a key or display name, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        parse_named(&Self::ALL, text, |d| (d.key(), d.name()))
    }
}

fn parse_named<T: Copy>(
    all: &[T],
    text: &str,
    names: impl Fn(T) -> (&'static str, &'static str),
) -> Option<T> {
    let t = text.trim();
    all.iter().copied().find(|&v| {
        let (key, name) = names(v);
        key.eq_ignore_ascii_case(t) || name.eq_ignore_ascii_case(t)
    })
}

/// Ratio at and above which a band's ratio counts as infinite (∞:1 compression, a gate when expanding).
pub const RATIO_INFINITE: f32 = 100.0;

/// Every setting of one band, in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandSettings {
    /// What the gain computer does.
    pub direction: BandDirection,
    /// Threshold at the band's detector, dB (−80..0).
    pub threshold_db: f32,
    /// Ratio (1..100; 1 is neutral, 100 counts as ∞).
    pub ratio: f32,
    /// Soft-knee width centred on the threshold, dB (0..24).
    pub knee_db: f32,
    /// Attack time, ms (0.01..500).
    pub attack_ms: f32,
    /// Release time, ms (1..5000).
    pub release_ms: f32,
    /// The most the band's gain may move from 0 dB, in either direction, dB (0..60).
    pub range_db: f32,
    /// Gain added after the dynamics, dB (−24..24).
    pub makeup_db: f32,
    /// Level detector.
    pub detector: BandDetector,
    /// Which part of the signal the band works on.
    pub channel: BandChannel,
    /// Where the detector listens.
    pub sidechain: BandSidechain,
    /// Attack emphasis (+) or softening (−) of the transient shaper, dB (−12..12).
    pub transient_db: f32,
    /// Listen to this band (with the other soloed bands) only.
    pub solo: bool,
    /// Silence this band.
    pub mute: bool,
    /// Pass this band at unity: no dynamics, transient shaping or makeup.
    pub bypass: bool,
}

impl Default for BandSettings {
    fn default() -> Self {
        Self {
            direction: BandDirection::CompressDown,
            threshold_db: -20.0,
            ratio: 1.0,
            knee_db: 6.0,
            attack_ms: 10.0,
            release_ms: 100.0,
            range_db: 24.0,
            makeup_db: 0.0,
            detector: BandDetector::Peak,
            channel: BandChannel::Stereo,
            sidechain: BandSidechain::Internal,
            transient_db: 0.0,
            solo: false,
            mute: false,
            bypass: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for d in BandDirection::ALL {
            assert_eq!(BandDirection::parse(d.key()), Some(d));
            assert_eq!(BandDirection::parse(d.name()), Some(d));
        }
        for c in BandChannel::ALL {
            assert_eq!(BandChannel::parse(c.name()), Some(c));
        }
        assert_eq!(BandDetector::parse("RMS"), Some(BandDetector::Rms));
        assert_eq!(
            BandSidechain::parse("external"),
            Some(BandSidechain::External)
        );
        assert_eq!(BandDirection::parse("sideways"), None);
    }
}
