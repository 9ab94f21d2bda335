//! Reading WAV and FLAC files in chunks of planar `f32`, and writing WAV files.
//!
//! WAV headers are parsed by `hound`; the sample data is then read in large
//! blocks of raw bytes and converted in bulk (hound's per-sample iterator is
//! several times slower than the meter). FLAC is decoded block by block with
//! `claxon`. Either way only one chunk of audio is held in memory at a time.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Channel counts vernis reads: mono to 5.1.
pub const MAX_CHANNELS: usize = 6;

/// Lowest sample rate vernis reads, in Hz.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;

/// Highest sample rate vernis reads, in Hz.
pub const MAX_SAMPLE_RATE_HZ: u32 = 384_000;

/// Frames converted per WAV read.
const WAV_CHUNK_FRAMES: usize = 16_384;

/// Why a file could not be read; its `Display` is the one-line reason shown to the user.
#[derive(Debug)]
pub enum AudioError {
    /// The file could not be opened or read.
    Io(io::Error),
    /// The path is a directory, not a file.
    IsDirectory,
    /// The file has zero bytes.
    EmptyFile,
    /// Neither a WAV nor a FLAC file.
    NotAudio,
    /// A recognised container with something vernis does not read (format, channels, rate).
    Unsupported(String),
    /// A WAV or FLAC file whose structure is broken.
    Malformed(String),
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
            AudioError::NotAudio => write!(f, "not a WAV or FLAC file"),
            AudioError::Unsupported(what) => write!(f, "unsupported format: {what}"),
            AudioError::Malformed(what) => write!(f, "invalid file: {what}"),
            AudioError::Truncated {
                expected_frames: Some(expected),
                read_frames,
            } => write!(
                f,
                "truncated file: audio data ends after {read_frames} of {expected} frames"
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
    /// RIFF WAVE (PCM, IEEE float or WAVE_FORMAT_EXTENSIBLE).
    Wav,
    /// Free Lossless Audio Codec.
    Flac,
}

/// How samples are stored in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleKind {
    /// Integer PCM.
    Int,
    /// IEEE floating point.
    Float,
}

/// What an audio file holds, as read from its header.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioInfo {
    /// File container.
    pub container: Container,
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// Number of channels (1..=6; 5 = L R C Ls Rs, 6 = L R C LFE Ls Rs).
    pub channels: usize,
    /// Significant bits per sample.
    pub bits_per_sample: u16,
    /// Integer or float samples.
    pub sample_kind: SampleKind,
    /// Length in frames announced by the header, when it announces one.
    pub total_frames: Option<u64>,
}

impl AudioInfo {
    /// Name of the channel layout (`mono`, `stereo`, `5.1 (L R C LFE Ls Rs)` ...).
    pub fn layout_name(&self) -> String {
        match self.channels {
            1 => "mono".to_string(),
            2 => "stereo".to_string(),
            5 => "5.0 (L R C Ls Rs)".to_string(),
            6 => "5.1 (L R C LFE Ls Rs)".to_string(),
            n => format!("{n} channels"),
        }
    }

    /// One-line description, e.g. `WAV, 24-bit integer, 48000 Hz, stereo`.
    pub fn describe(&self) -> String {
        let container = match self.container {
            Container::Wav => "WAV",
            Container::Flac => "FLAC",
        };
        let kind = match self.sample_kind {
            SampleKind::Int => "integer",
            SampleKind::Float => "float",
        };
        format!(
            "{container}, {}-bit {kind}, {} Hz, {}",
            self.bits_per_sample,
            self.sample_rate_hz,
            self.layout_name()
        )
    }
}

/// An open audio file that yields its samples chunk by chunk.
pub struct AudioSource {
    info: AudioInfo,
    decoder: Decoder,
    frames_read: u64,
}

enum Decoder {
    Wav(WavDecoder),
    Flac(FlacDecoder),
}

impl AudioSource {
    /// Opens `path`, recognising WAV and FLAC by their content (not their extension), and checks the header.
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
        file.seek(SeekFrom::Start(0))?;
        let (info, decoder) = if magic.starts_with(b"fLaC") {
            open_flac(file)?
        } else if magic.len() == 12 && &magic[..4] == b"RIFF" && &magic[8..12] == b"WAVE" {
            open_wav(file)?
        } else if magic.starts_with(b"RF64") || magic.starts_with(b"BW64") {
            return Err(AudioError::Unsupported("RF64/BW64 WAV".into()));
        } else if magic.len() == 12 && &magic[..4] == b"FORM" {
            return Err(AudioError::Unsupported("AIFF".into()));
        } else if magic.starts_with(b"ID3") || magic.starts_with(b"OggS") {
            return Err(AudioError::Unsupported(
                "compressed audio (MP3/Ogg); convert to WAV or FLAC".into(),
            ));
        } else {
            return Err(AudioError::NotAudio);
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
            Decoder::Wav(wav) => wav.read_chunk(channels, self.frames_read)?,
            Decoder::Flac(flac) => match flac.read_chunk(channels, self.info.channels)? {
                Some(n) => n,
                None => {
                    return Err(AudioError::Truncated {
                        expected_frames: self.info.total_frames,
                        read_frames: self.frames_read,
                    })
                }
            },
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

// ---------------------------------------------------------------------------------------------
// WAV

/// Sample encodings of WAV data vernis converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WavEncoding {
    /// Unsigned 8-bit.
    U8,
    /// Signed 16-bit little endian.
    I16,
    /// Signed 24-bit little endian, packed in 3 bytes.
    I24,
    /// Signed 24-bit little endian in 4-byte containers (low three bytes, as hound writes it).
    I24In32,
    /// Signed 32-bit little endian.
    I32,
    /// IEEE 754 32-bit float little endian.
    F32,
}

impl WavEncoding {
    fn bytes(self) -> usize {
        match self {
            WavEncoding::U8 => 1,
            WavEncoding::I16 => 2,
            WavEncoding::I24 => 3,
            WavEncoding::I24In32 | WavEncoding::I32 | WavEncoding::F32 => 4,
        }
    }
}

struct WavDecoder {
    reader: BufReader<File>,
    encoding: WavEncoding,
    channels: usize,
    total_frames: u64,
    raw: Vec<u8>,
}

fn hound_error(e: hound::Error) -> AudioError {
    match e {
        // hound reports a header that stops early as UnexpectedEof or as a plain
        // "Failed to read enough bytes" error.
        hound::Error::IoError(e)
            if matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof | io::ErrorKind::Other
            ) =>
        {
            AudioError::Malformed("WAV header is incomplete".into())
        }
        hound::Error::IoError(e) => AudioError::Io(e),
        hound::Error::FormatError(what) => AudioError::Malformed(format!("WAV: {what}")),
        hound::Error::Unsupported => {
            AudioError::Unsupported("WAV encoding (vernis reads PCM and IEEE float)".into())
        }
        other => AudioError::Malformed(format!("WAV: {other}")),
    }
}

fn open_wav(file: File) -> Result<(AudioInfo, Decoder), AudioError> {
    let reader = hound::WavReader::new(BufReader::new(file)).map_err(hound_error)?;
    let spec = reader.spec();
    let samples = u64::from(reader.len());
    let channels = usize::from(spec.channels);
    let mut inner = reader.into_inner();

    // hound leaves the reader at the first byte of the data chunk. Its 8-byte header sits just
    // before; its length tells the container size, which hound keeps private.
    let data_start = inner.stream_position()?;
    let container_bytes = if samples > 0 && data_start >= 8 {
        inner.seek(SeekFrom::Start(data_start - 8))?;
        let mut header = [0u8; 8];
        inner.read_exact(&mut header)?;
        let data_len = u64::from(u32::from_le_bytes([
            header[4], header[5], header[6], header[7],
        ]));
        if &header[..4] != b"data" || data_len % samples != 0 {
            return Err(AudioError::Malformed("WAV: unexpected data chunk".into()));
        }
        (data_len / samples) as usize
    } else {
        usize::from(spec.bits_per_sample).div_ceil(8)
    };

    let encoding = match (spec.sample_format, container_bytes, spec.bits_per_sample) {
        (hound::SampleFormat::Int, 1, 8) => WavEncoding::U8,
        (hound::SampleFormat::Int, 2, 16) => WavEncoding::I16,
        (hound::SampleFormat::Int, 3, 24) => WavEncoding::I24,
        (hound::SampleFormat::Int, 4, 24) => WavEncoding::I24In32,
        (hound::SampleFormat::Int, 4, 32) => WavEncoding::I32,
        (hound::SampleFormat::Float, 4, 32) => WavEncoding::F32,
        (format, bytes, bits) => {
            let kind = match format {
                hound::SampleFormat::Int => "integer",
                hound::SampleFormat::Float => "float",
            };
            return Err(AudioError::Unsupported(format!(
                "{bits}-bit {kind} WAV in {bytes}-byte containers \
                 (vernis reads 8/16/24/32-bit integer and 32-bit float)"
            )));
        }
    };
    let total_frames = if channels > 0 {
        samples / channels as u64
    } else {
        0
    };
    let info = AudioInfo {
        container: Container::Wav,
        sample_rate_hz: spec.sample_rate,
        channels,
        bits_per_sample: spec.bits_per_sample,
        sample_kind: match spec.sample_format {
            hound::SampleFormat::Int => SampleKind::Int,
            hound::SampleFormat::Float => SampleKind::Float,
        },
        total_frames: Some(total_frames),
    };
    let decoder = WavDecoder {
        reader: inner,
        encoding,
        channels,
        total_frames,
        raw: Vec::new(),
    };
    Ok((info, Decoder::Wav(decoder)))
}

impl WavDecoder {
    fn read_chunk(&mut self, out: &mut [Vec<f32>], frames_read: u64) -> Result<usize, AudioError> {
        let remaining = self.total_frames.saturating_sub(frames_read);
        let frames = remaining.min(WAV_CHUNK_FRAMES as u64) as usize;
        let block_align = self.encoding.bytes() * self.channels;
        self.raw.resize(frames * block_align, 0);
        let got = read_up_to(&mut self.reader, &mut self.raw)?;
        if got < self.raw.len() {
            return Err(AudioError::Truncated {
                expected_frames: Some(self.total_frames),
                read_frames: frames_read + (got / block_align) as u64,
            });
        }
        for ch in out.iter_mut() {
            ch.resize(frames, 0.0);
        }
        decode_wav(&self.raw, self.encoding, out);
        Ok(frames)
    }
}

/// Converts interleaved little-endian WAV bytes to planar `f32` in `out` (each already sized).
fn decode_wav(raw: &[u8], encoding: WavEncoding, out: &mut [Vec<f32>]) {
    const I16_SCALE: f32 = 1.0 / 32_768.0;
    const I32_SCALE: f32 = 1.0 / 2_147_483_648.0;
    let channels = out.len();
    match encoding {
        WavEncoding::U8 => deinterleave::<1>(raw, channels, out, |b| {
            (f32::from(b[0]) - 128.0) * (1.0 / 128.0)
        }),
        WavEncoding::I16 => deinterleave::<2>(raw, channels, out, |b| {
            f32::from(i16::from_le_bytes(b)) * I16_SCALE
        }),
        // Shift the 24 bits to the top of an i32: full scale is then 2^31.
        WavEncoding::I24 => deinterleave::<3>(raw, channels, out, |b| {
            i32::from_le_bytes([0, b[0], b[1], b[2]]) as f32 * I32_SCALE
        }),
        WavEncoding::I24In32 => deinterleave::<4>(raw, channels, out, |b| {
            i32::from_le_bytes([0, b[0], b[1], b[2]]) as f32 * I32_SCALE
        }),
        WavEncoding::I32 => deinterleave::<4>(raw, channels, out, |b| {
            i32::from_le_bytes(b) as f32 * I32_SCALE
        }),
        WavEncoding::F32 => deinterleave::<4>(raw, channels, out, f32::from_le_bytes),
    }
}

/// Splits interleaved frames of `B`-byte samples into planar channels with `convert`.
#[inline(always)]
fn deinterleave<const B: usize>(
    raw: &[u8],
    channels: usize,
    out: &mut [Vec<f32>],
    convert: impl Fn([u8; B]) -> f32,
) {
    let stride = B * channels;
    for (ch, dst) in out.iter_mut().enumerate() {
        let offset = ch * B;
        for (d, frame) in dst.iter_mut().zip(raw.chunks_exact(stride)) {
            let mut bytes = [0u8; B];
            bytes.copy_from_slice(&frame[offset..offset + B]);
            *d = convert(bytes);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// FLAC

struct FlacDecoder {
    reader: claxon::FlacReader<File>,
    buffer: Vec<i32>,
    scale: f32,
}

fn claxon_error(e: claxon::Error) -> AudioError {
    match e {
        claxon::Error::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            AudioError::Malformed("FLAC stream is cut short".into())
        }
        claxon::Error::IoError(e) => AudioError::Io(e),
        claxon::Error::FormatError(what) => AudioError::Malformed(format!("FLAC: {what}")),
        claxon::Error::Unsupported(what) => AudioError::Unsupported(format!("FLAC: {what}")),
    }
}

fn open_flac(file: File) -> Result<(AudioInfo, Decoder), AudioError> {
    let reader = claxon::FlacReader::new(file).map_err(claxon_error)?;
    let si = reader.streaminfo();
    let bits = si.bits_per_sample;
    if !(4..=32).contains(&bits) {
        return Err(AudioError::Unsupported(format!("{bits}-bit FLAC")));
    }
    let info = AudioInfo {
        container: Container::Flac,
        sample_rate_hz: si.sample_rate,
        channels: si.channels as usize,
        bits_per_sample: bits as u16,
        sample_kind: SampleKind::Int,
        total_frames: si.samples,
    };
    let decoder = FlacDecoder {
        reader,
        buffer: Vec::with_capacity(usize::from(si.max_block_size) * si.channels as usize),
        scale: (0.5f64).powi(bits as i32 - 1) as f32,
    };
    Ok((info, Decoder::Flac(decoder)))
}

impl FlacDecoder {
    /// Decodes the next block; `Some(0)` at a clean end, `None` when the stream stops inside a frame.
    fn read_chunk(
        &mut self,
        out: &mut [Vec<f32>],
        channels: usize,
    ) -> Result<Option<usize>, AudioError> {
        let buffer = std::mem::take(&mut self.buffer);
        let block = match self.reader.blocks().read_next_or_eof(buffer) {
            Ok(Some(block)) => block,
            Ok(None) => return Ok(Some(0)),
            Err(claxon::Error::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Ok(None);
            }
            Err(e) => return Err(claxon_error(e)),
        };
        if block.channels() as usize != channels {
            return Err(AudioError::Malformed(
                "FLAC: a frame's channel count differs from the stream's".into(),
            ));
        }
        let frames = block.duration() as usize;
        let scale = self.scale;
        for (ch, dst) in out.iter_mut().enumerate() {
            dst.clear();
            dst.extend(block.channel(ch as u32).iter().map(|&s| s as f32 * scale));
        }
        self.buffer = block.into_buffer();
        Ok(Some(frames))
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Sample formats `vernis render` and `vernis master` write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// WAV, 16-bit integer PCM.
    #[value(name = "wav16")]
    Wav16,
    /// WAV, 24-bit integer PCM (packed in 3 bytes).
    #[value(name = "wav24")]
    Wav24,
    /// WAV, 32-bit IEEE float.
    #[value(name = "wav32f")]
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

    /// Human-readable description, e.g. `WAV, 24-bit integer`.
    pub fn describe(self) -> &'static str {
        match self {
            OutputFormat::Wav16 => "WAV, 16-bit integer",
            OutputFormat::Wav24 => "WAV, 24-bit integer",
            OutputFormat::Wav32f => "WAV, 32-bit float",
        }
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

    fn bytes(self) -> usize {
        usize::from(self.bits_per_sample()) / 8
    }

    /// The format that keeps the input's resolution: 16-bit for integer input of up to 16 bits,
    /// 24-bit for 17 to 24 bits, 32-bit float for float input and for 32-bit integer input.
    pub fn matching(info: &AudioInfo) -> Self {
        match (info.sample_kind, info.bits_per_sample) {
            (SampleKind::Float, _) => OutputFormat::Wav32f,
            (SampleKind::Int, 0..=16) => OutputFormat::Wav16,
            (SampleKind::Int, 17..=24) => OutputFormat::Wav24,
            (SampleKind::Int, _) => OutputFormat::Wav32f,
        }
    }

    /// The [`AudioInfo`] of a file of `frames` frames written in this format.
    pub fn info(self, sample_rate_hz: u32, channels: usize, frames: u64) -> AudioInfo {
        AudioInfo {
            container: Container::Wav,
            sample_rate_hz,
            channels,
            bits_per_sample: self.bits_per_sample(),
            sample_kind: if self.int_bits().is_some() {
                SampleKind::Int
            } else {
                SampleKind::Float
            },
            total_frames: Some(frames),
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

/// Runs `f` in a build for AVX2 when the CPU has it: there `f32::round` is a few vector
/// instructions instead of a call to `roundf` per sample (the same results: LLVM keeps the
/// semantics of `round`, it only picks the instructions). Only for small closures, which are
/// inlined into the wide build (a large one stays a call, compiled for the baseline).
#[inline(always)]
fn with_wide_vectors(f: impl FnOnce()) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn wide(f: impl FnOnce()) {
            f();
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the feature was just detected.
            return unsafe { wide(f) };
        }
    }
    f();
}

/// Interleaves `frames` frames of `channels` into `out` as little-endian samples of `format`:
/// integers are `round(x·2^(bits−1))` clamped to the range (converted one channel at a time into
/// `ints`, where it vectorises, then packed), floats are stored as they are, non-finite as 0.
#[inline(always)]
fn encode_interleaved(
    format: OutputFormat,
    channels: &[&[f32]],
    frames: usize,
    out: &mut [u8],
    ints: &mut Vec<i32>,
) {
    let bytes = format.bytes();
    let stride = bytes * channels.len();
    for (ch, input) in channels.iter().enumerate() {
        let frames_out = out[ch * bytes..].chunks_mut(stride);
        let input = &input[..frames];
        match format {
            OutputFormat::Wav16 | OutputFormat::Wav24 => {
                let scale = if format == OutputFormat::Wav16 {
                    32_768.0f32
                } else {
                    8_388_608.0
                };
                ints.resize(frames, 0);
                for (i, &x) in ints.iter_mut().zip(input) {
                    *i = (x * scale).round().clamp(-scale, scale - 1.0) as i32;
                }
                if format == OutputFormat::Wav16 {
                    pack::<2>(frames_out, ints);
                } else {
                    pack::<3>(frames_out, ints);
                }
            }
            OutputFormat::Wav32f => {
                for (o, &x) in frames_out.zip(input) {
                    let v = if x.is_finite() { x } else { 0.0 };
                    o[..4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
    }
}

/// Stores the low `B` bytes of each value, little endian, at the start of each frame slot (`B` a
/// constant, so each store is a couple of moves rather than a call to `memcpy`).
#[inline(always)]
fn pack<'a, const B: usize>(slots: impl Iterator<Item = &'a mut [u8]>, values: &[i32]) {
    for (slot, &v) in slots.zip(values) {
        let bytes = v.to_le_bytes();
        slot[..B].copy_from_slice(&bytes[..B]);
    }
}

/// Largest RIFF payload a WAV file can describe (its sizes are 32-bit).
const WAV_MAX_DATA_BYTES: u64 = u32::MAX as u64 - 1024;

/// Channel mask of WAVE_FORMAT_EXTENSIBLE for the layouts vernis reads.
fn channel_mask(channels: usize) -> u32 {
    match channels {
        1 => 0x4,  // FC
        2 => 0x3,  // FL FR
        3 => 0x7,  // FL FR FC
        4 => 0x33, // FL FR BL BR
        5 => 0x37, // FL FR FC BL BR
        6 => 0x3F, // FL FR FC LFE BL BR
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A scratch directory for one test, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(test: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("vernis-audio-io-{test}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn read_all(path: &Path) -> Result<(AudioInfo, Vec<Vec<f32>>), AudioError> {
        let mut src = AudioSource::open(path)?;
        let info = src.info().clone();
        let mut all = vec![Vec::new(); info.channels];
        let mut chunk = vec![Vec::new(); info.channels];
        while src.read_chunk(&mut chunk)? > 0 {
            for (a, c) in all.iter_mut().zip(&chunk) {
                a.extend_from_slice(c);
            }
        }
        Ok((info, all))
    }

    fn write_int(path: &Path, bits: u16, channels: u16, frames: &[Vec<i32>]) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: 44_100,
            bits_per_sample: bits,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for frame in frames {
            for &s in frame {
                w.write_sample(s).unwrap();
            }
        }
        w.finalize().unwrap();
    }

    #[test]
    fn integer_formats_scale_to_unit_full_scale() {
        let dir = Scratch::new("integer");
        let cases: [(u16, i32); 4] = [(8, 128), (16, 32_768), (24, 8_388_608), (32, i32::MAX)];
        for (bits, full) in cases {
            let path = dir.path(&format!("int{bits}.wav"));
            let frames: Vec<Vec<i32>> = (0..40_000)
                .map(|i| vec![-full, full / 2 * (i % 2), full / 4])
                .collect();
            write_int(&path, bits, 3, &frames);
            let (info, data) = read_all(&path).unwrap();
            assert_eq!(info.channels, 3);
            assert_eq!(info.bits_per_sample, bits);
            assert_eq!(info.total_frames, Some(40_000));
            assert_eq!(data[0].len(), 40_000);
            assert!(data[0].iter().all(|&x| x == -1.0), "{bits}-bit");
            assert_eq!(data[1][0], 0.0);
            assert!(
                (data[1][1] - 0.5).abs() < 1e-6,
                "{bits}-bit: {}",
                data[1][1]
            );
            assert!((data[2][7] - 0.25).abs() < 1e-6);
        }
    }

    #[test]
    fn float_wav_round_trips_exactly() {
        let dir = Scratch::new("float");
        let path = dir.path("float.wav");
        let signal: Vec<Vec<f32>> = vec![
            (0..50_000).map(|i| (i as f32 * 0.01).sin()).collect(),
            (0..50_000).map(|i| (i as f32 * 0.02).cos() * 0.5).collect(),
        ];
        write_wav_f32(&path, &signal, 48_000).unwrap();
        let (info, data) = read_all(&path).unwrap();
        assert_eq!(info.sample_kind, SampleKind::Float);
        assert_eq!(info.sample_rate_hz, 48_000);
        assert_eq!(data, signal);
    }

    #[test]
    fn wav_sink_round_trips_every_format() {
        let dir = Scratch::new("sink");
        for channels in [1usize, 2, 6] {
            for format in [
                OutputFormat::Wav16,
                OutputFormat::Wav24,
                OutputFormat::Wav32f,
            ] {
                // An odd frame count exercises the pad byte of 24-bit mono.
                let frames = 10_001;
                let mut signal: Vec<Vec<f32>> = (0..channels)
                    .map(|c| {
                        (0..frames)
                            .map(|i| ((i * (c + 1)) as f32 * 0.001).sin() * 0.9)
                            .collect()
                    })
                    .collect();
                signal[0][5] = 1.5; // clipped by the integer formats
                signal[0][6] = f32::NAN; // written as 0
                let path = dir.path(&format!("{}-{channels}.wav", format.key()));
                let mut sink = WavSink::create(&path, format, channels, 44_100).unwrap();
                for start in (0..frames).step_by(4_000) {
                    let end = (start + 4_000).min(frames);
                    let views: Vec<&[f32]> = signal.iter().map(|c| &c[start..end]).collect();
                    sink.write(&views).unwrap();
                }
                sink.finish().unwrap();

                let (info, data) = read_all(&path).unwrap();
                assert_eq!(info, format.info(44_100, channels, frames as u64));
                let mut expected = signal.clone();
                expected[0][6] = 0.0;
                if let Some(bits) = format.int_bits() {
                    for ch in &mut expected {
                        quantise_to_grid(ch, bits);
                    }
                    assert_eq!(expected[0][5], 1.0 - 1.0 / (1u32 << (bits - 1)) as f32);
                }
                assert_eq!(data, expected, "{format:?} x{channels}");
                // hound agrees on the header.
                let spec = hound::WavReader::open(&path).unwrap().spec();
                assert_eq!(spec.channels as usize, channels);
                assert_eq!(spec.bits_per_sample, format.bits_per_sample());
            }
        }
    }

    #[test]
    fn quantising_is_idempotent_and_on_the_grid() {
        let mut x: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin() * 0.99).collect();
        quantise_to_grid(&mut x, 16);
        let once = x.clone();
        quantise_to_grid(&mut x, 16);
        assert_eq!(x, once);
        assert!(x.iter().all(|v| (v * 32_768.0).fract() == 0.0));
    }

    #[test]
    fn truncated_wav_is_an_error() {
        let dir = Scratch::new("truncated");
        let path = dir.path("trunc.wav");
        let frames: Vec<Vec<i32>> = (0..30_000).map(|i| vec![i % 100, -(i % 100)]).collect();
        write_int(&path, 16, 2, &frames);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1001]).unwrap();
        match read_all(&path) {
            Err(AudioError::Truncated {
                expected_frames,
                read_frames,
            }) => {
                assert_eq!(expected_frames, Some(30_000));
                assert!(read_frames < 30_000);
            }
            other => panic!("expected truncation, got {:?}", other.map(|r| r.0)),
        }
    }

    #[test]
    fn rejects_non_audio_and_empty() {
        let dir = Scratch::new("rejects");
        let text = dir.path("text.wav");
        std::fs::write(&text, "hello, this is not audio at all").unwrap();
        assert!(matches!(read_all(&text), Err(AudioError::NotAudio)));
        let empty = dir.path("empty.wav");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(read_all(&empty), Err(AudioError::EmptyFile)));
        let zero = dir.path("zero.wav");
        write_int(&zero, 16, 2, &[]);
        assert!(matches!(read_all(&zero), Err(AudioError::NoAudio)));
        let seven = dir.path("seven.wav");
        write_int(&seven, 16, 7, &vec![vec![0; 7]; 10]);
        assert!(matches!(read_all(&seven), Err(AudioError::Unsupported(_))));
        let missing = dir.path("does-not-exist.wav");
        assert!(matches!(read_all(&missing), Err(AudioError::Io(_))));
    }
}
