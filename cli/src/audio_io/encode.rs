//! Writing: WAV (16/24-bit integer, 32-bit float) and FLAC.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use super::flac_sink::FlacSink;
use super::wav_pack::{encode_interleaved, with_wide_vectors};
use super::{AudioInfo, Codec, Container, SampleKind};

/// Sample formats `vernis render` and `vernis master` write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// 16-bit integer PCM (`16` and `flac16` are aliases; the output's extension chooses WAV or FLAC).
    #[value(name = "wav16", alias = "16", alias = "flac16")]
    Wav16,
    /// 24-bit integer PCM (`24` and `flac24` are aliases).
    #[value(name = "wav24", alias = "24", alias = "flac24")]
    Wav24,
    /// 32-bit IEEE float, WAV only (`32f` is an alias).
    #[value(name = "wav32f", alias = "32f")]
    Wav32f,
}

impl OutputFormat {
    /// The command-line name (`wav16`, `wav24`, `wav32f`).
    pub fn key(self) -> &'static str {
        match self {
            OutputFormat::Wav16 => "wav16",
            OutputFormat::Wav24 => "wav24",
            OutputFormat::Wav32f => "wav32f",
        }
    }

    /// Human-readable description in `container`, e.g. `WAV, 24-bit integer`.
    pub fn describe(self, container: OutputContainer) -> String {
        let sample = match self {
            OutputFormat::Wav16 => "16-bit integer",
            OutputFormat::Wav24 => "24-bit integer",
            OutputFormat::Wav32f => "32-bit float",
        };
        format!("{}, {sample}", container.name())
    }

    /// Word length of an integer format; `None` for float.
    pub fn int_bits(self) -> Option<u32> {
        match self {
            OutputFormat::Wav16 => Some(16),
            OutputFormat::Wav24 => Some(24),
            OutputFormat::Wav32f => None,
        }
    }

    /// Bits per sample as stored in the file.
    pub fn bits_per_sample(self) -> u16 {
        match self {
            OutputFormat::Wav16 => 16,
            OutputFormat::Wav24 => 24,
            OutputFormat::Wav32f => 32,
        }
    }

    pub(super) fn bytes(self) -> usize {
        usize::from(self.bits_per_sample()) / 8
    }

    /// The format that keeps the input's resolution: 16-bit for integer input of up to 16 bits,
    /// 24-bit for 17 to 24 bits, 32-bit float for float input and for 32-bit integer input;
    /// 24-bit for lossy input (its decoded samples have no word length; 24 bits hold far more
    /// than the codec kept).
    pub fn matching(info: &AudioInfo) -> Self {
        match (info.sample_kind, info.bits_per_sample) {
            (SampleKind::Float, _) => OutputFormat::Wav32f,
            (SampleKind::Lossy, _) | (SampleKind::Int, None) => OutputFormat::Wav24,
            (SampleKind::Int, Some(0..=16)) => OutputFormat::Wav16,
            (SampleKind::Int, Some(17..=24)) => OutputFormat::Wav24,
            (SampleKind::Int, Some(_)) => OutputFormat::Wav32f,
        }
    }

    /// The [`AudioInfo`] of a `container` file of `frames` frames written in this format.
    pub fn info(
        self,
        container: OutputContainer,
        sample_rate_hz: u32,
        channels: usize,
        frames: u64,
    ) -> AudioInfo {
        let (container, codec, mask) = match container {
            OutputContainer::Wav => (
                Container::Wav,
                Codec::Pcm,
                (channels > 2 || self == OutputFormat::Wav24).then(|| channel_mask(channels)),
            ),
            // FLAC defines the channel order for each count (the same as the masks here).
            OutputContainer::Flac => (Container::Flac, Codec::Flac, Some(channel_mask(channels))),
        };
        AudioInfo {
            container,
            codec,
            sample_rate_hz,
            channels,
            channel_mask: mask,
            bits_per_sample: Some(self.bits_per_sample()),
            sample_kind: if self.int_bits().is_some() {
                SampleKind::Int
            } else {
                SampleKind::Float
            },
            total_frames: Some(frames),
        }
    }
}

/// The file type written: chosen by the output's extension (`.flac`: FLAC, anything else: WAV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputContainer {
    /// RIFF WAVE.
    Wav,
    /// FLAC (16- or 24-bit integer), encoded by `flacenc`.
    Flac,
}

impl OutputContainer {
    /// The container for an output path: FLAC for a `.flac` extension (any case), else WAV.
    pub fn for_path(path: &Path) -> Self {
        match path.extension() {
            Some(ext) if ext.eq_ignore_ascii_case("flac") => OutputContainer::Flac,
            _ => OutputContainer::Wav,
        }
    }

    /// Display name (`WAV`, `FLAC`).
    pub fn name(self) -> &'static str {
        match self {
            OutputContainer::Wav => "WAV",
            OutputContainer::Flac => "FLAC",
        }
    }

    /// The default format for input `info` in this container: [`OutputFormat::matching`], but
    /// 24-bit where that would be float and the container stores integers only.
    pub fn default_format(self, info: &AudioInfo) -> OutputFormat {
        self.fit(OutputFormat::matching(info))
    }

    /// `format`, or 24-bit for float in an integer-only container.
    fn fit(self, format: OutputFormat) -> OutputFormat {
        match (self, format) {
            (OutputContainer::Flac, OutputFormat::Wav32f) => OutputFormat::Wav24,
            (_, f) => f,
        }
    }

    /// Checks that `format` can be stored in this container.
    pub fn check(self, format: OutputFormat) -> Result<(), String> {
        if self.fit(format) == format {
            Ok(())
        } else {
            Err(
                "FLAC stores integer samples: use --format wav16 or wav24 for a .flac output, \
                 or write a .wav file for 32-bit float"
                    .into(),
            )
        }
    }
}

/// A WAV or FLAC output file being written.
pub enum AudioSink {
    /// WAV.
    Wav(WavSink),
    /// FLAC.
    Flac(Box<FlacSink>),
}

impl AudioSink {
    /// Creates (or truncates) `path` as a `container` file of `format`, which must fit it
    /// (see [`OutputContainer::check`]).
    pub fn create(
        path: &Path,
        container: OutputContainer,
        format: OutputFormat,
        channels: usize,
        sample_rate_hz: u32,
    ) -> io::Result<Self> {
        match (container, format.int_bits()) {
            (OutputContainer::Wav, _) => {
                WavSink::create(path, format, channels, sample_rate_hz).map(AudioSink::Wav)
            }
            (OutputContainer::Flac, Some(bits)) => {
                FlacSink::create(path, bits, channels, sample_rate_hz)
                    .map(|s| AudioSink::Flac(Box::new(s)))
            }
            (OutputContainer::Flac, None) => Err(io::Error::other(
                "FLAC stores integer samples, not 32-bit float",
            )),
        }
    }

    /// Appends one block: one slice per channel, all the same length.
    pub fn write(&mut self, channels: &[&[f32]]) -> io::Result<()> {
        match self {
            AudioSink::Wav(s) => s.write(channels),
            AudioSink::Flac(s) => s.write(channels),
        }
    }

    /// Completes the header and flushes.
    pub fn finish(self) -> io::Result<()> {
        match self {
            AudioSink::Wav(s) => s.finish(),
            AudioSink::Flac(s) => s.finish(),
        }
    }
}

/// Rounds every sample to the grid of a `bits`-bit integer format (`round(x·2^(bits−1))`, clamped
/// to the integer range), so that the values are exactly those a WAV file of that width holds.
/// Non-finite samples become 0.
pub fn quantise_to_grid(samples: &mut [f32], bits: u32) {
    with_wide_vectors(|| quantise_body(samples, bits));
}

#[inline(always)]
fn quantise_body(samples: &mut [f32], bits: u32) {
    // Scaling by a power of two is exact in f32, and so is rounding: every grid value is exact.
    let scale = (1u32 << (bits - 1)) as f32;
    let inv = 1.0 / scale;
    for x in samples {
        let q = (*x * scale).round().clamp(-scale, scale - 1.0) * inv;
        *x = if q.is_finite() { q } else { 0.0 };
    }
}

/// Largest RIFF payload a WAV file can describe (its sizes are 32-bit).
const WAV_MAX_DATA_BYTES: u64 = u32::MAX as u64 - 1024;

/// Channel mask of WAVE_FORMAT_EXTENSIBLE that vernis writes for `channels` channels.
pub fn channel_mask(channels: usize) -> u32 {
    match channels {
        1 => 0x4,      // FC
        2 => 0x3,      // FL FR
        3 => 0x7,      // FL FR FC
        4 => 0x33,     // FL FR BL BR
        5 => 0x37,     // FL FR FC BL BR
        6 => 0x3F,     // FL FR FC LFE BL BR
        8 => 0x63F,    // 7.1: FL FR FC LFE BL BR SL SR
        12 => 0x2D63F, // 7.1.4: 7.1 TFL TFR TBL TBR
        _ => 0,
    }
}

/// Streams planar `f32` audio into a WAV file of an [`OutputFormat`].
///
/// 16-bit mono/stereo is written as plain PCM; 24-bit and more than two channels use
/// WAVE_FORMAT_EXTENSIBLE (as Microsoft asks); float mono/stereo is WAVE_FORMAT_IEEE_FLOAT with a
/// `fact` chunk. Integer samples are `round(x·2^(bits−1))` clamped to the integer range, so audio
/// already on that grid (see [`quantise_to_grid`]) is stored exactly. Non-finite samples are written
/// as 0. The header's sizes are filled in by [`WavSink::finish`].
pub struct WavSink {
    writer: io::BufWriter<File>,
    format: OutputFormat,
    channels: usize,
    data_bytes: u64,
    /// Offset of the `fact` chunk's sample count, when there is one.
    fact_offset: Option<u64>,
    /// Offset of the `data` chunk's size field.
    data_size_offset: u64,
    scratch: Vec<u8>,
    /// One channel's integer samples before packing.
    ints: Vec<i32>,
}

impl WavSink {
    /// Creates (or truncates) `path` and writes the header.
    pub fn create(
        path: &Path,
        format: OutputFormat,
        channels: usize,
        sample_rate_hz: u32,
    ) -> io::Result<Self> {
        let file = File::create(path)?;
        let mut writer = io::BufWriter::with_capacity(1 << 18, file);
        let bytes = format.bytes();
        let block_align = (bytes * channels) as u16;
        let extensible = channels > 2 || format == OutputFormat::Wav24;
        let is_float = format == OutputFormat::Wav32f;

        let mut fmt = Vec::with_capacity(40);
        let tag: u16 = if extensible {
            0xFFFE
        } else if is_float {
            3
        } else {
            1
        };
        fmt.extend_from_slice(&tag.to_le_bytes());
        fmt.extend_from_slice(&(channels as u16).to_le_bytes());
        fmt.extend_from_slice(&sample_rate_hz.to_le_bytes());
        fmt.extend_from_slice(&(sample_rate_hz * u32::from(block_align)).to_le_bytes());
        fmt.extend_from_slice(&block_align.to_le_bytes());
        fmt.extend_from_slice(&format.bits_per_sample().to_le_bytes());
        if extensible {
            fmt.extend_from_slice(&22u16.to_le_bytes());
            fmt.extend_from_slice(&format.bits_per_sample().to_le_bytes());
            fmt.extend_from_slice(&channel_mask(channels).to_le_bytes());
            let sub_format: u32 = if is_float { 3 } else { 1 };
            fmt.extend_from_slice(&sub_format.to_le_bytes());
            fmt.extend_from_slice(&[
                0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
            ]);
        } else if is_float {
            fmt.extend_from_slice(&0u16.to_le_bytes());
        }

        let mut header = Vec::with_capacity(80);
        header.extend_from_slice(b"RIFF");
        header.extend_from_slice(&0u32.to_le_bytes());
        header.extend_from_slice(b"WAVE");
        header.extend_from_slice(b"fmt ");
        header.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
        header.extend_from_slice(&fmt);
        let mut fact_offset = None;
        if is_float {
            header.extend_from_slice(b"fact");
            header.extend_from_slice(&4u32.to_le_bytes());
            fact_offset = Some(header.len() as u64);
            header.extend_from_slice(&0u32.to_le_bytes());
        }
        header.extend_from_slice(b"data");
        let data_size_offset = header.len() as u64;
        header.extend_from_slice(&0u32.to_le_bytes());
        writer.write_all(&header)?;
        Ok(Self {
            writer,
            format,
            channels,
            data_bytes: 0,
            fact_offset,
            data_size_offset,
            scratch: Vec::new(),
            ints: Vec::new(),
        })
    }

    /// Appends one block: one slice per channel, all the same length.
    pub fn write(&mut self, channels: &[&[f32]]) -> io::Result<()> {
        debug_assert_eq!(channels.len(), self.channels);
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let bytes = self.format.bytes();
        let len = frames * bytes * self.channels;
        if self.data_bytes + len as u64 > WAV_MAX_DATA_BYTES {
            return Err(io::Error::other(
                "the output would exceed the 4 GiB size limit of WAV files",
            ));
        }
        self.scratch.resize(len, 0);
        let (format, scratch, ints) = (self.format, &mut self.scratch, &mut self.ints);
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            fn wide(
                format: OutputFormat,
                channels: &[&[f32]],
                frames: usize,
                out: &mut [u8],
                ints: &mut Vec<i32>,
            ) {
                encode_interleaved(format, channels, frames, out, ints);
            }
            if is_x86_feature_detected!("avx2") {
                // SAFETY: the feature was just detected.
                unsafe { wide(format, channels, frames, scratch, ints) };
                self.writer.write_all(&self.scratch)?;
                self.data_bytes += len as u64;
                return Ok(());
            }
        }
        encode_interleaved(format, channels, frames, scratch, ints);
        self.writer.write_all(&self.scratch)?;
        self.data_bytes += len as u64;
        Ok(())
    }

    /// Pads the data chunk to an even length, fills in the header's sizes and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        if self.data_bytes % 2 == 1 {
            self.writer.write_all(&[0])?;
        }
        let padded = self.data_bytes + self.data_bytes % 2;
        let riff_size = self.data_size_offset + 4 + padded - 8;
        let frames = self.data_bytes / (self.format.bytes() * self.channels) as u64;
        let mut file = self.writer.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(4))?;
        file.write_all(&(riff_size as u32).to_le_bytes())?;
        if let Some(offset) = self.fact_offset {
            file.seek(SeekFrom::Start(offset))?;
            file.write_all(&(frames as u32).to_le_bytes())?;
        }
        file.seek(SeekFrom::Start(self.data_size_offset))?;
        file.write_all(&(self.data_bytes as u32).to_le_bytes())?;
        file.flush()
    }
}

/// Writes planar `f32` channels to a 32-bit float WAV file.
pub fn write_wav_f32(
    path: &Path,
    channels: &[Vec<f32>],
    sample_rate_hz: u32,
) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: sample_rate_hz,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    let frames = channels.iter().map(Vec::len).min().unwrap_or(0);
    for i in 0..frames {
        for ch in channels {
            writer.write_sample(ch[i])?;
        }
    }
    writer.finalize()
}
