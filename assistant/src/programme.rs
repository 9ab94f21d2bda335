//! A programme held in memory for analysis: planar `f32` channels, the rate and the layout.

use dsp_core::layout::ChannelLayout;

/// Lowest and highest sample rates the assistant measures, Hz.
pub const SAMPLE_RATE_RANGE_HZ: (f64, f64) = (8_000.0, 768_000.0);

/// Why a programme cannot be measured.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgrammeError {
    /// No channel, or channels of different lengths.
    Channels(String),
    /// A rate outside [`SAMPLE_RATE_RANGE_HZ`].
    SampleRate(f64),
    /// The layout names another number of channels than the audio has.
    Layout { layout: usize, audio: usize },
}

impl std::fmt::Display for ProgrammeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Channels(why) => write!(f, "unusable channels: {why}"),
            Self::SampleRate(hz) => write!(
                f,
                "sample rate {hz} Hz is outside {}–{} Hz",
                SAMPLE_RATE_RANGE_HZ.0, SAMPLE_RATE_RANGE_HZ.1
            ),
            Self::Layout { layout, audio } => write!(
                f,
                "the layout has {layout} channels but the audio has {audio}"
            ),
        }
    }
}

impl std::error::Error for ProgrammeError {}

/// Planar audio with its rate and loudspeaker layout.
#[derive(Debug, Clone)]
pub struct Programme {
    channels: Vec<Vec<f32>>,
    sample_rate_hz: f64,
    layout: ChannelLayout,
}

impl Programme {
    /// A programme of `channels` (equal lengths) at `sample_rate_hz`, weighed as `layout` (None:
    /// the usual layout for the channel count).
    pub fn new(
        channels: Vec<Vec<f32>>,
        sample_rate_hz: f64,
        layout: Option<ChannelLayout>,
    ) -> Result<Self, ProgrammeError> {
        let Some(first) = channels.first() else {
            return Err(ProgrammeError::Channels("there are none".into()));
        };
        if channels.iter().any(|c| c.len() != first.len()) {
            return Err(ProgrammeError::Channels("their lengths differ".into()));
        }
        let (lo, hi) = SAMPLE_RATE_RANGE_HZ;
        if !(lo..=hi).contains(&sample_rate_hz) {
            return Err(ProgrammeError::SampleRate(sample_rate_hz));
        }
        let layout = match layout {
            Some(l) => l,
            None => ChannelLayout::from_channel_count(channels.len()).ok_or_else(|| {
                ProgrammeError::Channels(format!("no layout for {} channels", channels.len()))
            })?,
        };
        if layout.channels() != channels.len() {
            return Err(ProgrammeError::Layout {
                layout: layout.channels(),
                audio: channels.len(),
            });
        }
        Ok(Self {
            channels,
            sample_rate_hz,
            layout,
        })
    }

    /// The channels, planar.
    pub fn channels(&self) -> &[Vec<f32>] {
        &self.channels
    }

    /// Frames per channel.
    pub fn frames(&self) -> usize {
        self.channels[0].len()
    }

    /// Sample rate, Hz.
    pub fn sample_rate_hz(&self) -> f64 {
        self.sample_rate_hz
    }

    /// Length, s.
    pub fn duration_s(&self) -> f64 {
        self.frames() as f64 / self.sample_rate_hz
    }

    /// The loudspeaker layout the channels are weighed as.
    pub fn layout(&self) -> &ChannelLayout {
        &self.layout
    }
}
