//! Reading audio files in chunks of planar `f32`, and writing WAV and FLAC files.
//!
//! Reading: [`AudioSource::open`] recognises the file by its content (the extension is only a
//! hint). Integer and float PCM in RIFF WAV, RF64 and BW64 goes through a fast path of its own
//! ([`wav_fast`]); everything else (AIFF/AIFC, CAF, FLAC, ALAC, MP3, AAC/M4A, Ogg Vorbis, and the
//! rarer WAV encodings) is decoded by `symphonia` ([`decode`]), with encoder delay and padding
//! removed where the container records them. Only one chunk of audio is held in memory at a time.
//!
//! Writing: [`encode`] streams WAV (16/24-bit integer, 32-bit float) and FLAC (16/24-bit).

mod decode;
mod encode;
mod flac_sink;
mod mp4;
mod wav_fast;
mod wav_pack;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

pub use encode::{
    channel_mask, quantise_to_grid, write_wav_f32, AudioSink, OutputContainer, OutputFormat,
};

/// Channel counts vernis reads: mono to 7.1.4 (12) and beyond.
pub const MAX_CHANNELS: usize = 16;

/// Lowest sample rate vernis reads, in Hz.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;

/// Highest sample rate vernis reads, in Hz.
pub const MAX_SAMPLE_RATE_HZ: u32 = 384_000;

/// Why a file could not be read; its `Display` is the one-line reason shown to the user.
#[derive(Debug)]
pub enum AudioError {
    /// The file could not be opened or read.
    Io(io::Error),
    /// The path is a directory, not a file.
    IsDirectory,
    /// The file has zero bytes.
    EmptyFile,
    /// Not an audio file vernis recognises.
    NotAudio,
    /// A recognised container with something vernis does not read (codec, channels, rate).
    Unsupported(String),
    /// Encrypted (DRM-protected) audio, which cannot be decoded.
    Protected(String),
    /// A file whose structure is broken.
    Malformed(String),
    /// A frame of compressed audio that does not decode.
    Corrupt {
        /// Frames decoded before the bad one.
        at_frame: u64,
        /// The decoder's reason.
        what: String,
    },
    /// The audio data ends before the length its header announces.
    Truncated {
        /// Frames the header announces, when it announces a length.
        expected_frames: Option<u64>,
        /// Frames actually present.
        read_frames: u64,
    },
    /// A valid file without a single frame of audio.
    NoAudio,
}

impl fmt::Display for AudioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AudioError::Io(e) => write!(f, "cannot read file: {e}"),
            AudioError::IsDirectory => write!(f, "is a directory, not an audio file"),
            AudioError::EmptyFile => write!(f, "empty file (0 bytes)"),
            AudioError::NotAudio => write!(
                f,
                "not an audio file vernis reads (WAV, RF64, AIFF, CAF, FLAC, MP3, M4A, Ogg Vorbis)"
            ),
            AudioError::Unsupported(what) => write!(f, "unsupported format: {what}"),
            AudioError::Protected(what) => {
                write!(f, "DRM-protected audio cannot be decoded: {what}")
            }
            AudioError::Malformed(what) => write!(f, "invalid file: {what}"),
            AudioError::Corrupt { at_frame, what } => {
                write!(f, "corrupt audio frame after {at_frame} frames: {what}")
            }
            AudioError::Truncated {
                expected_frames: Some(expected),
                read_frames,
            } => write!(
                f,
                "truncated or damaged file: audio data ends after {read_frames} of {expected} frames"
            ),
            AudioError::Truncated {
                expected_frames: None,
                read_frames,
            } => write!(
                f,
                "truncated file: audio data ends inside a frame after {read_frames} frames"
            ),
            AudioError::NoAudio => write!(f, "no audio: the file contains zero frames"),
        }
    }
}

impl std::error::Error for AudioError {}

impl From<io::Error> for AudioError {
    fn from(e: io::Error) -> Self {
        AudioError::Io(e)
    }
}

/// The container of an audio file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// RIFF WAVE (PCM, IEEE float or WAVE_FORMAT_EXTENSIBLE, and the rarer codecs).
    Wav,
    /// RF64 (EBU Tech 3306): WAV with 64-bit sizes.
    Rf64,
    /// BW64 (ITU-R BS.2088): WAV with 64-bit sizes.
    Bw64,
    /// Audio Interchange File Format (uncompressed, big-endian).
    Aiff,
    /// AIFF-C (AIFF with a compression type, e.g. little-endian or float PCM).
    Aifc,
    /// Apple Core Audio Format.
    Caf,
    /// Native FLAC stream.
    Flac,
    /// ISO base media file (MP4, M4A).
    Mp4,
    /// Ogg.
    Ogg,
    /// An MPEG audio elementary stream (.mp3).
    Mp3,
    /// Raw AAC in ADTS frames (.aac).
    Adts,
    /// Another container symphonia recognises.
    Other,
}

impl Container {
    /// Display name (`WAV`, `RF64`, `M4A` ...).
    pub fn name(self) -> &'static str {
        match self {
            Container::Wav => "WAV",
            Container::Rf64 => "RF64",
            Container::Bw64 => "BW64",
            Container::Aiff => "AIFF",
            Container::Aifc => "AIFF-C",
            Container::Caf => "CAF",
            Container::Flac => "FLAC",
            Container::Mp4 => "MP4/M4A",
            Container::Ogg => "Ogg",
            Container::Mp3 => "MP3",
            Container::Adts => "AAC (ADTS)",
            Container::Other => "audio file",
        }
    }
}

/// The codec of the audio data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Uncompressed integer or float PCM.
    Pcm,
    /// Free Lossless Audio Codec.
    Flac,
    /// Apple Lossless.
    Alac,
    /// MPEG-1/2 Layer III (lossy).
    Mp3,
    /// AAC-LC (lossy).
    Aac,
    /// Vorbis (lossy).
    Vorbis,
    /// ADPCM variants (lossy).
    Adpcm,
    /// G.711 A-law or µ-law (lossy companding).
    G711,
}

impl Codec {
    /// Display name (`PCM`, `FLAC`, `AAC` ...).
    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcm => "PCM",
            Codec::Flac => "FLAC",
            Codec::Alac => "ALAC",
            Codec::Mp3 => "MP3",
            Codec::Aac => "AAC",
            Codec::Vorbis => "Vorbis",
            Codec::Adpcm => "ADPCM",
            Codec::G711 => "G.711",
        }
    }
}

/// How samples are stored in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleKind {
    /// Integer samples (PCM or a lossless codec).
    Int,
    /// IEEE floating point.
    Float,
    /// A lossy codec: the decoded samples have no word length of their own.
    Lossy,
}

/// What an audio file holds, as read from its header (and, for symphonia's formats, its first
/// decoded packet).
#[derive(Debug, Clone, PartialEq)]
pub struct AudioInfo {
    /// File container.
    pub container: Container,
    /// Codec of the audio data.
    pub codec: Codec,
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// Number of channels (1..=6; 5 = L R C Ls Rs, 6 = L R C LFE Ls Rs).
    pub channels: usize,
    /// Speaker positions as a WAVE_FORMAT_EXTENSIBLE `dwChannelMask` (bit 0 FL, 1 FR, 2 FC,
    /// 3 LFE, 4 BL, 5 BR, ... 17 TBR), when the file states them (WAVE_FORMAT_EXTENSIBLE, CAF's
    /// channel layout, or the codec's defined channel order for FLAC, Vorbis, MP3, AAC, ALAC).
    pub channel_mask: Option<u32>,
    /// Significant bits per sample; `None` for lossy codecs.
    pub bits_per_sample: Option<u16>,
    /// Integer, float or lossy.
    pub sample_kind: SampleKind,
    /// Length in frames announced by the header, when it announces an exact one (after the
    /// encoder delay and padding are removed).
    pub total_frames: Option<u64>,
}

impl AudioInfo {
    /// Name of the channel layout (`mono`, `stereo`, `5.1 (L R C LFE Ls Rs)` ...), with the
    /// channel mask when the file states one that is not the usual one for the count.
    pub fn layout_name(&self) -> String {
        let name = match self.channels {
            1 => "mono".to_string(),
            2 => "stereo".to_string(),
            5 => "5.0 (L R C Ls Rs)".to_string(),
            6 => "5.1 (L R C LFE Ls Rs)".to_string(),
            n => format!("{n} channels"),
        };
        match self.channel_mask {
            Some(mask) if !is_usual_mask(self.channels, mask) => {
                format!("{name}, channel mask 0x{mask:X}")
            }
            _ => name,
        }
    }

    /// One-line description, e.g. `WAV, 24-bit integer, 48000 Hz, stereo` or
    /// `MP4/M4A, AAC (lossy), 44100 Hz, stereo`.
    pub fn describe(&self) -> String {
        let codec = match (self.codec, self.sample_kind, self.bits_per_sample) {
            (_, SampleKind::Lossy, _) => format!("{} (lossy)", self.codec.name()),
            (Codec::Pcm | Codec::Flac, kind, Some(bits)) => {
                let kind = if kind == SampleKind::Float {
                    "float"
                } else {
                    "integer"
                };
                format!("{bits}-bit {kind}")
            }
            (codec, _, Some(bits)) => format!("{}, {bits}-bit integer", codec.name()),
            (codec, _, None) => codec.name().to_string(),
        };
        let container = match (self.container, self.codec) {
            // "MP3, MP3 (lossy)" says it twice.
            (Container::Mp3, _) | (Container::Adts, _) => String::new(),
            (c, _) => format!("{}, ", c.name()),
        };
        format!(
            "{container}{codec}, {} Hz, {}",
            self.sample_rate_hz,
            self.layout_name()
        )
    }
}

/// Whether `mask` is the layout vernis assumes for `channels` anyway (mono: FC or FL; stereo
/// FL FR; 5.0 FL FR FC with back or side surrounds; 5.1 the same with LFE).
fn is_usual_mask(channels: usize, mask: u32) -> bool {
    matches!(
        (channels, mask),
        (1, 0x4) | (1, 0x1) | (2, 0x3) | (5, 0x37) | (5, 0x607) | (6, 0x3F) | (6, 0x60F)
    )
}

/// An open audio file that yields its samples chunk by chunk.
pub struct AudioSource {
    info: AudioInfo,
    decoder: Decoder,
    frames_read: u64,
}

enum Decoder {
    Wav(wav_fast::WavDecoder),
    Symphonia(Box<decode::SymphoniaDecoder>),
}

impl AudioSource {
    /// Opens `path`, recognising the format by its content (not its extension), and checks that
    /// vernis can process what it holds.
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return Err(AudioError::IsDirectory);
        }
        let mut file = File::open(path)?;
        if meta.len() == 0 {
            return Err(AudioError::EmptyFile);
        }
        let mut magic = [0u8; 12];
        let n = read_up_to(&mut file, &mut magic)?;
        let magic = &magic[..n];
        let riff_like = n == 12
            && matches!(&magic[..4], b"RIFF" | b"RF64" | b"BW64")
            && &magic[8..12] == b"WAVE";
        let fast = if riff_like {
            drop(file);
            wav_fast::open(File::open(path)?)?
        } else {
            None
        };
        let (info, decoder) = match fast {
            Some((info, wav)) => (info, Decoder::Wav(wav)),
            None => {
                let (info, dec) = decode::SymphoniaDecoder::open(path, magic)?;
                (info, Decoder::Symphonia(Box::new(dec)))
            }
        };
        if info.channels == 0 || info.channels > MAX_CHANNELS {
            return Err(AudioError::Unsupported(format!(
                "{} channels (vernis reads 1 to {MAX_CHANNELS})",
                info.channels
            )));
        }
        if !(MIN_SAMPLE_RATE_HZ..=MAX_SAMPLE_RATE_HZ).contains(&info.sample_rate_hz) {
            return Err(AudioError::Unsupported(format!(
                "sample rate {} Hz (vernis reads {MIN_SAMPLE_RATE_HZ} to {MAX_SAMPLE_RATE_HZ} Hz)",
                info.sample_rate_hz
            )));
        }
        if info.total_frames == Some(0) {
            return Err(AudioError::NoAudio);
        }
        Ok(Self {
            info,
            decoder,
            frames_read: 0,
        })
    }

    /// What the header says about the audio.
    pub fn info(&self) -> &AudioInfo {
        &self.info
    }

    /// Reads the next chunk into `channels` (one `Vec` per channel, resized to the chunk length).
    ///
    /// Returns the number of frames read; `0` at the end. A file that ends before its header
    /// says it should is an error, not a short read.
    pub fn read_chunk(&mut self, channels: &mut [Vec<f32>]) -> Result<usize, AudioError> {
        debug_assert_eq!(channels.len(), self.info.channels);
        let n = match &mut self.decoder {
            Decoder::Wav(wav) => wav.read_chunk(channels)?,
            Decoder::Symphonia(dec) => dec.read_chunk(channels)?,
        };
        self.frames_read += n as u64;
        if n == 0 {
            if let Some(expected) = self.info.total_frames {
                if self.frames_read < expected {
                    return Err(AudioError::Truncated {
                        expected_frames: Some(expected),
                        read_frames: self.frames_read,
                    });
                }
            }
        }
        Ok(n)
    }
}

/// Reads until `buf` is full or the reader ends; returns the bytes read.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_formats;
