//! Which loudspeaker layout a file's channels are measured as: `--layout`, else the WAV channel
//! mask, else the channel order the container defines, else an assumption from the channel count.
//!
//! The channel mask is the one the decoder reports (WAVE_FORMAT_EXTENSIBLE, RF64/BW64, CAF
//! `chan`, or symphonia's channel positions). Masks that are just the lowest N bits, as generic writers (hound among them) put in every
//! WAVE_FORMAT_EXTENSIBLE file, say nothing about the layout unless they name mono, stereo, 3.0
//! or 5.1; for other counts the layout is then assumed from the count, and the report says so.

use dsp_core::layout::{ChannelLayout, Speaker, MAX_LAYOUT_CHANNELS, NAMED_LAYOUTS};

use crate::audio_io::{AudioInfo, Container};

/// Where the layout used for a measurement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutSource {
    /// The `--layout` option.
    Option,
    /// The file's WAVE_FORMAT_EXTENSIBLE channel mask.
    ChannelMask(u32),
    /// The channel order the format defines (plain WAV mono/stereo, FLAC up to 8 channels).
    FormatOrder,
    /// Assumed from the channel count (WAV mask order); the mask was absent or generic.
    Assumed,
}

/// The layout a file is measured with, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolvedLayout {
    /// Speakers and BS.1770-4 weights of the channels.
    pub layout: ChannelLayout,
    /// Where it came from.
    pub source: LayoutSource,
}

impl ResolvedLayout {
    /// Whether the layout is a guess (no `--layout`, no usable mask, no order defined by the format).
    pub fn assumed(&self) -> bool {
        self.source == LayoutSource::Assumed
    }

    /// Name of the layout: `7.1.4`, `5.1`, ... or the channel labels (`FL FR FC LFE SL SR`).
    pub fn name(&self) -> String {
        match self.layout.name() {
            Some(n) => n.to_string(),
            None => (0..self.layout.channels())
                .map(|ch| channel_label(&self.layout, ch))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// One-line description for the text report, e.g. `7.1.4 (assumed from 12 channels; --layout overrides)`.
    pub fn describe(&self) -> String {
        let why = match self.source {
            LayoutSource::Option => "from --layout".to_string(),
            LayoutSource::ChannelMask(mask) => format!("from the channel mask {mask:#x}"),
            LayoutSource::FormatOrder => "channel order of the format".to_string(),
            LayoutSource::Assumed => format!(
                "assumed from {} channels; --layout overrides",
                self.layout.channels()
            ),
        };
        format!("{} ({why})", self.name())
    }
}

/// Label of a channel: its speaker (`FL`, `TBR` ...) or `ch<N>` (1-based) when unplaced.
pub fn channel_label(layout: &ChannelLayout, channel: usize) -> String {
    layout
        .channel_label(channel)
        .map_or_else(|| format!("ch{}", channel + 1), str::to_string)
}

/// Parses a `--layout` value: a name of [`NAMED_LAYOUTS`] (`7.1.4`, `5.1`, `stereo` ...).
pub fn parse_layout(text: &str) -> Result<ChannelLayout, String> {
    ChannelLayout::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = NAMED_LAYOUTS.iter().map(|(n, _)| *n).collect();
        format!("unknown layout '{text}' (known: {})", names.join(", "))
    })
}

/// Whether a mask is the lowest `channels` bits, the placeholder of generic writers, without
/// naming a standard layout (1, 2, 3 and 6 bits are mono-in-FL, stereo, 3.0 and 5.1).
pub fn is_generic_mask(mask: u32, channels: usize) -> bool {
    channels < 32 && mask == (1u32 << channels) - 1 && !matches!(channels, 1 | 2 | 3 | 6)
}

/// The layout for a file: `option` if given (its channel count must match), else the usable
/// `channel_mask`, else the format's channel order, else assumed from the count, else (an
/// unknown count) LFE at channel 4 and every other channel unplaced at weight 1.0.
pub fn resolve_layout(
    info: &AudioInfo,
    channel_mask: Option<u32>,
    option: Option<ChannelLayout>,
) -> Result<ResolvedLayout, String> {
    let channels = info.channels;
    if let Some(layout) = option {
        if layout.channels() != channels {
            return Err(format!(
                "--layout {} has {} channels, the file has {channels}",
                layout.name().unwrap_or("?"),
                layout.channels()
            ));
        }
        return Ok(ResolvedLayout {
            layout,
            source: LayoutSource::Option,
        });
    }
    if let Some(mask) = channel_mask.filter(|&m| m != 0 && !is_generic_mask(m, channels)) {
        if let Some(layout) = ChannelLayout::from_wav_mask(mask, channels) {
            return Ok(ResolvedLayout {
                layout,
                source: LayoutSource::ChannelMask(mask),
            });
        }
    }
    // FLAC defines its channel order up to 8 channels; elsewhere only mono and stereo are
    // unambiguous without a mask.
    let format_order = match info.container {
        Container::Flac => channels <= 8,
        _ => channels <= 2,
    };
    let by_format = if info.container == Container::Flac && channels == 7 {
        // FLAC's 6.1: FL FR FC LFE BC SL SR.
        ChannelLayout::from_wav_mask(0x70F, 7)
    } else {
        ChannelLayout::from_channel_count(channels)
    };
    if let Some(layout) = by_format {
        let source = if format_order {
            LayoutSource::FormatOrder
        } else {
            LayoutSource::Assumed
        };
        return Ok(ResolvedLayout { layout, source });
    }
    let speakers: Vec<Option<Speaker>> = (0..channels.min(MAX_LAYOUT_CHANNELS))
        .map(|ch| (ch == 3).then_some(Speaker::LowFrequency))
        .collect();
    let layout = ChannelLayout::from_speakers(&speakers).ok_or_else(|| {
        format!("{channels} channels (vernis measures 1 to {MAX_LAYOUT_CHANNELS})")
    })?;
    Ok(ResolvedLayout {
        layout,
        source: LayoutSource::Assumed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio_io::{Codec, SampleKind};

    fn info(container: Container, channels: usize) -> AudioInfo {
        AudioInfo {
            container,
            codec: Codec::Pcm,
            sample_rate_hz: 48_000,
            channels,
            channel_mask: None,
            bits_per_sample: Some(24),
            sample_kind: SampleKind::Int,
            total_frames: Some(48_000),
        }
    }

    #[test]
    fn precedence_option_mask_format_assumed() {
        let wav12 = info(Container::Wav, 12);
        let r = resolve_layout(&wav12, None, None).unwrap();
        assert_eq!((r.name().as_str(), r.assumed()), ("7.1.4", true));
        // hound's placeholder (lowest 12 bits) is ignored; a real mask is used.
        let r = resolve_layout(&wav12, Some(0xFFF), None).unwrap();
        assert_eq!(r.source, LayoutSource::Assumed);
        let r = resolve_layout(&wav12, Some(0x2D63F), None).unwrap();
        assert_eq!(r.source, LayoutSource::ChannelMask(0x2D63F));
        let five_one = ChannelLayout::from_name("5.1").unwrap();
        assert!(resolve_layout(&wav12, None, Some(five_one)).is_err());
        let six = info(Container::Wav, 6);
        let r = resolve_layout(&six, Some(0x60F), None).unwrap();
        assert_eq!(r.name(), "FL FR FC LFE SL SR");
        let r = resolve_layout(&info(Container::Flac, 8), None, None).unwrap();
        assert_eq!(
            (r.name().as_str(), r.source),
            ("7.1", LayoutSource::FormatOrder)
        );
        let r = resolve_layout(&info(Container::Wav, 2), None, None).unwrap();
        assert!(!r.assumed());
        // Unknown count: LFE at channel 4 excluded, the rest unplaced at 1.0.
        let r = resolve_layout(&info(Container::Wav, 10), None, None).unwrap();
        assert_eq!(r.layout.weights()[3], 0.0);
        assert_eq!(channel_label(&r.layout, 9), "ch10");
        assert!(r.assumed());
    }

    #[test]
    fn generic_masks() {
        assert!(is_generic_mask(0xFF, 8));
        assert!(is_generic_mask(0x1F, 5));
        assert!(!is_generic_mask(0x3F, 6));
        assert!(!is_generic_mask(0x63F, 8));
        assert!(parse_layout("7.1.4").is_ok());
        assert!(parse_layout("9.1.6").unwrap_err().contains("7.1.4"));
    }
}
