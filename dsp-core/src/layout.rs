//! Loudspeaker layouts: the WAV channel-mask speakers at ITU-R BS.2051 positions, and the
//! ITU-R BS.1770-4 channel weights derived from those positions.
//!
//! BS.1770-4 weighs a channel by where its loudspeaker is: G = 1.41 (+1.49 dB) when
//! 60° ≤ |azimuth| ≤ 120° and |elevation| < 30°, G = 1.0 elsewhere, and the LFE is excluded
//! (G = 0). A layout is a list of channels, each a [`Speaker`] (or unassigned, weighed 1.0), built
//! from a WAV channel mask, from a name (`7.1.4`), or assumed from the channel count (WAV mask order).
//!
//! One special rule: WAV files name the 5.1 surrounds either BL/BR or SL/SR. In a layout with
//! exactly one surround pair (BL+BR or SL+SR, not both), that pair is placed at the ±110° of the
//! BS.2051 5.1 surrounds whatever its bits say. With both pairs (7.1, 7.1.4), SL/SR are the
//! sides (±90°) and BL/BR the backs (±135°, weighed 1.0).

/// Most channels a [`ChannelLayout`] describes (the meters' channel limit).
pub const MAX_LAYOUT_CHANNELS: usize = 16;

/// BS.1770-4 weight of a channel at the sides (60°–120° azimuth, below 30° elevation).
pub const SIDE_WEIGHT: f64 = 1.41;

/// Azimuth of the 5.1 surrounds in BS.2051, degrees (positive to the left).
pub const SURROUND_AZIMUTH_DEG: f64 = 110.0;

/// Where a loudspeaker stands, seen from the listener (BS.2051 conventions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeakerPosition {
    /// Horizontal angle from straight ahead, degrees; positive to the left, −180..=180.
    pub azimuth_deg: f64,
    /// Vertical angle above the horizontal plane, degrees.
    pub elevation_deg: f64,
}

impl SpeakerPosition {
    /// BS.1770-4 weight of a full-range channel here: 1.41 at the sides, 1.0 elsewhere.
    pub fn bs1770_weight(self) -> f64 {
        let azimuth = self.azimuth_deg.abs();
        if (60.0..=120.0).contains(&azimuth) && self.elevation_deg.abs() < 30.0 {
            SIDE_WEIGHT
        } else {
            1.0
        }
    }
}

/// A loudspeaker of the WAVE_FORMAT_EXTENSIBLE channel mask; the discriminant is its mask bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Speaker {
    /// Front left, +30°.
    FrontLeft = 0x1,
    /// Front right, −30°.
    FrontRight = 0x2,
    /// Front centre, 0°.
    FrontCenter = 0x4,
    /// Low-frequency effects; excluded from loudness.
    LowFrequency = 0x8,
    /// Back left, +135° (the +110° surround in a layout without sides).
    BackLeft = 0x10,
    /// Back right, −135° (the −110° surround in a layout without sides).
    BackRight = 0x20,
    /// Front left of centre, +15°.
    FrontLeftOfCenter = 0x40,
    /// Front right of centre, −15°.
    FrontRightOfCenter = 0x80,
    /// Back centre, 180°.
    BackCenter = 0x100,
    /// Side left, +90°.
    SideLeft = 0x200,
    /// Side right, −90°.
    SideRight = 0x400,
    /// Top centre, straight above (elevation 90°).
    TopCenter = 0x800,
    /// Top front left, +45°, elevation 30°.
    TopFrontLeft = 0x1000,
    /// Top front centre, 0°, elevation 30°.
    TopFrontCenter = 0x2000,
    /// Top front right, −45°, elevation 30°.
    TopFrontRight = 0x4000,
    /// Top back left, +135°, elevation 30°.
    TopBackLeft = 0x8000,
    /// Top back centre, 180°, elevation 30°.
    TopBackCenter = 0x10000,
    /// Top back right, −135°, elevation 30°.
    TopBackRight = 0x20000,
}

impl Speaker {
    /// Every speaker, in channel-mask order (the order of their channels in a WAV file).
    pub const ALL: [Speaker; 18] = [
        Speaker::FrontLeft,
        Speaker::FrontRight,
        Speaker::FrontCenter,
        Speaker::LowFrequency,
        Speaker::BackLeft,
        Speaker::BackRight,
        Speaker::FrontLeftOfCenter,
        Speaker::FrontRightOfCenter,
        Speaker::BackCenter,
        Speaker::SideLeft,
        Speaker::SideRight,
        Speaker::TopCenter,
        Speaker::TopFrontLeft,
        Speaker::TopFrontCenter,
        Speaker::TopFrontRight,
        Speaker::TopBackLeft,
        Speaker::TopBackCenter,
        Speaker::TopBackRight,
    ];

    /// The speaker's bit in a WAVE_FORMAT_EXTENSIBLE channel mask.
    pub fn mask_bit(self) -> u32 {
        self as u32
    }

    /// The WAV short name: `FL`, `FR`, `FC`, `LFE`, `BL`, `BR`, `SL`, `SR`, `TFL` ...
    pub fn label(self) -> &'static str {
        match self {
            Speaker::FrontLeft => "FL",
            Speaker::FrontRight => "FR",
            Speaker::FrontCenter => "FC",
            Speaker::LowFrequency => "LFE",
            Speaker::BackLeft => "BL",
            Speaker::BackRight => "BR",
            Speaker::FrontLeftOfCenter => "FLC",
            Speaker::FrontRightOfCenter => "FRC",
            Speaker::BackCenter => "BC",
            Speaker::SideLeft => "SL",
            Speaker::SideRight => "SR",
            Speaker::TopCenter => "TC",
            Speaker::TopFrontLeft => "TFL",
            Speaker::TopFrontCenter => "TFC",
            Speaker::TopFrontRight => "TFR",
            Speaker::TopBackLeft => "TBL",
            Speaker::TopBackCenter => "TBC",
            Speaker::TopBackRight => "TBR",
        }
    }

    /// Nominal position (`None` for the LFE, which has none that matters to loudness).
    pub fn position(self) -> Option<SpeakerPosition> {
        let (azimuth_deg, elevation_deg) = match self {
            Speaker::FrontLeft => (30.0, 0.0),
            Speaker::FrontRight => (-30.0, 0.0),
            Speaker::FrontCenter => (0.0, 0.0),
            Speaker::LowFrequency => return None,
            Speaker::BackLeft => (135.0, 0.0),
            Speaker::BackRight => (-135.0, 0.0),
            Speaker::FrontLeftOfCenter => (15.0, 0.0),
            Speaker::FrontRightOfCenter => (-15.0, 0.0),
            Speaker::BackCenter => (180.0, 0.0),
            Speaker::SideLeft => (90.0, 0.0),
            Speaker::SideRight => (-90.0, 0.0),
            Speaker::TopCenter => (0.0, 90.0),
            Speaker::TopFrontLeft => (45.0, 30.0),
            Speaker::TopFrontCenter => (0.0, 30.0),
            Speaker::TopFrontRight => (-45.0, 30.0),
            Speaker::TopBackLeft => (135.0, 30.0),
            Speaker::TopBackCenter => (180.0, 30.0),
            Speaker::TopBackRight => (-135.0, 30.0),
        };
        Some(SpeakerPosition {
            azimuth_deg,
            elevation_deg,
        })
    }
}

use Speaker::*;

/// Named layouts, in WAV channel order: `(name, speakers)`.
pub const NAMED_LAYOUTS: [(&str, &[Speaker]); 11] = [
    ("mono", &[FrontCenter]),
    ("stereo", &[FrontLeft, FrontRight]),
    ("3.0", &[FrontLeft, FrontRight, FrontCenter]),
    ("quad", &[FrontLeft, FrontRight, BackLeft, BackRight]),
    (
        "5.0",
        &[FrontLeft, FrontRight, FrontCenter, BackLeft, BackRight],
    ),
    (
        "5.1",
        &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            LowFrequency,
            BackLeft,
            BackRight,
        ],
    ),
    (
        "7.1",
        &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            LowFrequency,
            BackLeft,
            BackRight,
            SideLeft,
            SideRight,
        ],
    ),
    (
        "5.1.2",
        &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            LowFrequency,
            BackLeft,
            BackRight,
            TopFrontLeft,
            TopFrontRight,
        ],
    ),
    (
        "5.1.4",
        &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            LowFrequency,
            BackLeft,
            BackRight,
            TopFrontLeft,
            TopFrontRight,
            TopBackLeft,
            TopBackRight,
        ],
    ),
    (
        "7.1.2",
        &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            LowFrequency,
            BackLeft,
            BackRight,
            SideLeft,
            SideRight,
            TopFrontLeft,
            TopFrontRight,
        ],
    ),
    (
        "7.1.4",
        &[
            FrontLeft,
            FrontRight,
            FrontCenter,
            LowFrequency,
            BackLeft,
            BackRight,
            SideLeft,
            SideRight,
            TopFrontLeft,
            TopFrontRight,
            TopBackLeft,
            TopBackRight,
        ],
    ),
];

/// The speakers of a file's channels, with the BS.1770-4 weight of each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelLayout {
    channels: usize,
    /// Speaker of each channel; `None` = a channel the layout does not place (weighed 1.0).
    speakers: [Option<Speaker>; MAX_LAYOUT_CHANNELS],
    weights: [f64; MAX_LAYOUT_CHANNELS],
}

impl ChannelLayout {
    /// A layout of these channels (`None` entries are unplaced); `None` if empty or over [`MAX_LAYOUT_CHANNELS`].
    pub fn from_speakers(speakers: &[Option<Speaker>]) -> Option<Self> {
        if speakers.is_empty() || speakers.len() > MAX_LAYOUT_CHANNELS {
            return None;
        }
        let mut layout = Self {
            channels: speakers.len(),
            speakers: [None; MAX_LAYOUT_CHANNELS],
            weights: [0.0; MAX_LAYOUT_CHANNELS],
        };
        layout.speakers[..speakers.len()].copy_from_slice(speakers);
        for ch in 0..layout.channels {
            layout.weights[ch] = match layout.speakers[ch] {
                None => 1.0,
                Some(_) => layout
                    .position(ch)
                    .map_or(0.0, SpeakerPosition::bs1770_weight),
            };
        }
        Some(layout)
    }

    /// The layout a WAVE_FORMAT_EXTENSIBLE `channel_mask` gives `channels` channels: the set bits in
    /// ascending order; channels beyond them are unplaced, bits beyond the channels are ignored
    /// (as the WAV format says). `None` for a zero mask or an unsupported count.
    pub fn from_wav_mask(channel_mask: u32, channels: usize) -> Option<Self> {
        if channel_mask == 0 || !(1..=MAX_LAYOUT_CHANNELS).contains(&channels) {
            return None;
        }
        let mut speakers = [None; MAX_LAYOUT_CHANNELS];
        let placed = Speaker::ALL
            .into_iter()
            .filter(|s| channel_mask & s.mask_bit() != 0)
            .take(channels);
        for (slot, speaker) in speakers.iter_mut().zip(placed) {
            *slot = Some(speaker);
        }
        Self::from_speakers(&speakers[..channels])
    }

    /// A named layout (see [`NAMED_LAYOUTS`]; also `2.0`, `4.0`, `1.0`), case-insensitive.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "1.0" => "mono",
            "2.0" => "stereo",
            "4.0" => "quad",
            other => other,
        };
        NAMED_LAYOUTS
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, speakers)| Self::from_speaker_list(speakers))
    }

    /// The layout Vernis assumes for `channels` channels (WAV mask order), if it knows one:
    /// 1 mono, 2 stereo, 3 = 3.0, 4 quad, 5 = 5.0, 6 = 5.1, 8 = 7.1, 12 = 7.1.4.
    pub fn from_channel_count(channels: usize) -> Option<Self> {
        let name = match channels {
            1 => "mono",
            2 => "stereo",
            3 => "3.0",
            4 => "quad",
            5 => "5.0",
            6 => "5.1",
            8 => "7.1",
            12 => "7.1.4",
            _ => return None,
        };
        Self::from_name(name)
    }

    fn from_speaker_list(speakers: &[Speaker]) -> Option<Self> {
        let mut placed = [None; MAX_LAYOUT_CHANNELS];
        for (slot, &s) in placed.iter_mut().zip(speakers) {
            *slot = Some(s);
        }
        Self::from_speakers(&placed[..speakers.len().min(MAX_LAYOUT_CHANNELS)])
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Speaker of each channel (`None` = unplaced).
    pub fn speakers(&self) -> &[Option<Speaker>] {
        &self.speakers[..self.channels]
    }

    /// BS.1770-4 weight G_i of each channel: 1.41 at the sides, 0 for the LFE, 1.0 otherwise.
    pub fn weights(&self) -> &[f64] {
        &self.weights[..self.channels]
    }

    /// The name of the layout when it is one of [`NAMED_LAYOUTS`].
    pub fn name(&self) -> Option<&'static str> {
        NAMED_LAYOUTS
            .iter()
            .find(|(_, speakers)| {
                speakers.len() == self.channels
                    && speakers
                        .iter()
                        .zip(self.speakers())
                        .all(|(&s, &placed)| placed == Some(s))
            })
            .map(|(n, _)| *n)
    }

    /// Short name of one channel's speaker (`FL`, `SL`, `TBR` ...), `None` when unplaced.
    pub fn channel_label(&self, channel: usize) -> Option<&'static str> {
        self.speakers()
            .get(channel)
            .copied()
            .flatten()
            .map(Speaker::label)
    }

    /// Position of a channel's speaker in this layout, with the 5.1 rule applied (a lone
    /// surround pair sits at ±110°); `None` for the LFE and unplaced channels.
    pub fn position(&self, channel: usize) -> Option<SpeakerPosition> {
        let speaker = self.speakers().get(channel).copied().flatten()?;
        let mut position = speaker.position()?;
        let has = |s: Speaker| self.speakers().contains(&Some(s));
        let backs = has(BackLeft) && has(BackRight);
        let sides = has(SideLeft) && has(SideRight);
        let lone_pair = match speaker {
            BackLeft | BackRight => backs && !has(SideLeft) && !has(SideRight),
            SideLeft | SideRight => sides && !has(BackLeft) && !has(BackRight),
            _ => false,
        };
        if lone_pair {
            position.azimuth_deg = SURROUND_AZIMUTH_DEG.copysign(position.azimuth_deg);
        }
        Some(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_positions() {
        // BS.1770-4: 60°..120° azimuth below 30° elevation weighs 1.41, LFE 0, all else 1.0.
        let l = ChannelLayout::from_name("7.1.4").unwrap();
        let expected = [1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.41, 1.41, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(l.weights(), &expected);
        let l = ChannelLayout::from_name("5.1").unwrap();
        assert_eq!(l.weights(), &[1.0, 1.0, 1.0, 0.0, 1.41, 1.41]);
        assert_eq!(l.position(4).unwrap().azimuth_deg, 110.0);
        assert_eq!(l.position(5).unwrap().azimuth_deg, -110.0);
        // 5.1 named by its side bits (mask 0x60F) is the same loudness layout.
        let sides = ChannelLayout::from_wav_mask(0x60F, 6).unwrap();
        assert_eq!(sides.weights(), l.weights());
        assert_eq!(sides.channel_label(4), Some("SL"));
        assert_eq!(sides.name(), None);
    }

    #[test]
    fn masks_counts_and_names_agree() {
        for (mask, channels, name) in [
            (0x3, 2, "stereo"),
            (0x3F, 6, "5.1"),
            (0x63F, 8, "7.1"),
            (0x2D63F, 12, "7.1.4"),
        ] {
            let from_mask = ChannelLayout::from_wav_mask(mask, channels).unwrap();
            assert_eq!(Some(from_mask), ChannelLayout::from_channel_count(channels));
            assert_eq!(Some(from_mask), ChannelLayout::from_name(name));
            assert_eq!(from_mask.name(), Some(name));
        }
        assert_eq!(ChannelLayout::from_wav_mask(0, 2), None);
        assert_eq!(ChannelLayout::from_channel_count(7), None);
        assert_eq!(ChannelLayout::from_name("9.1.6"), None);
    }

    #[test]
    fn mask_shorter_than_the_channels_leaves_them_unplaced() {
        // Mask FL FR LFE for 4 channels: the 4th channel is unplaced and weighs 1.0.
        let l = ChannelLayout::from_wav_mask(0xB, 4).unwrap();
        assert_eq!(l.weights(), &[1.0, 1.0, 0.0, 1.0]);
        assert_eq!(l.channel_label(3), None);
        // Extra bits beyond the channel count are ignored.
        let l = ChannelLayout::from_wav_mask(0x3F, 2).unwrap();
        assert_eq!(l.name(), Some("stereo"));
    }

    #[test]
    fn top_and_back_centre_weigh_one() {
        let top = [
            TopCenter,
            TopFrontLeft,
            TopBackRight,
            BackCenter,
            FrontLeftOfCenter,
        ];
        for s in top {
            assert_eq!(s.position().unwrap().bs1770_weight(), 1.0, "{s:?}");
        }
        assert_eq!(SideLeft.position().unwrap().bs1770_weight(), 1.41);
        assert!(LowFrequency.position().is_none());
    }
}
