//! WAV, RF64 and BW64 files of integer or float PCM, read directly: the header is parsed here and
//! the sample data is read in large blocks of raw bytes and converted in bulk. Measured against
//! symphonia's WAV reader this path is worth keeping (see the README's "Input formats"), and
//! symphonia reads neither RF64 nor BW64, the 64-bit WAV variants of long and multichannel
//! recordings (EBU Tech 3306 / ITU-R BS.2088).
//!
//! Encodings other than PCM and IEEE float (ADPCM, A-law ...) are left to symphonia: [`open`]
//! returns `Ok(None)` for them.

use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};

use super::{read_up_to, AudioError, AudioInfo, Codec, Container, SampleKind};

/// Frames converted per read.
const CHUNK_FRAMES: usize = 16_384;

/// The sub-format GUID of WAVE_FORMAT_EXTENSIBLE after its first two bytes (the format tag).
pub(super) const KSDATAFORMAT_TAIL: [u8; 14] = [
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
];

/// Sample encodings of WAV data this path converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// Unsigned 8-bit.
    U8,
    /// Signed 16-bit little endian.
    I16,
    /// Signed 24-bit little endian, packed in 3 bytes.
    I24,
    /// Signed 24-bit little endian in the low three bytes of 4 (as some writers store it).
    I24Low,
    /// Signed 32-bit little endian (also 17..=32 valid bits left-justified in 4 bytes).
    I32,
    /// IEEE 754 32-bit float little endian.
    F32,
    /// IEEE 754 64-bit float little endian.
    F64,
}

impl Encoding {
    fn bytes(self) -> usize {
        match self {
            Encoding::U8 => 1,
            Encoding::I16 => 2,
            Encoding::I24 => 3,
            Encoding::I24Low | Encoding::I32 | Encoding::F32 => 4,
            Encoding::F64 => 8,
        }
    }
}

/// An open WAV file positioned at its sample data.
pub(super) struct WavDecoder {
    reader: BufReader<File>,
    encoding: Encoding,
    channels: usize,
    total_frames: u64,
    frames_read: u64,
    raw: Vec<u8>,
}

/// What the `fmt ` chunk says.
struct Fmt {
    tag: u16,
    channels: u16,
    sample_rate_hz: u32,
    block_align: u16,
    bits: u16,
    valid_bits: u16,
    channel_mask: Option<u32>,
}

fn le_u16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

fn incomplete() -> AudioError {
    AudioError::Malformed("WAV header is incomplete".into())
}

fn parse_fmt(b: &[u8]) -> Result<Fmt, AudioError> {
    if b.len() < 16 {
        return Err(AudioError::Malformed("WAV fmt chunk is too short".into()));
    }
    let mut fmt = Fmt {
        tag: le_u16(&b[0..2]),
        channels: le_u16(&b[2..4]),
        sample_rate_hz: le_u32(&b[4..8]),
        block_align: le_u16(&b[12..14]),
        bits: le_u16(&b[14..16]),
        valid_bits: le_u16(&b[14..16]),
        channel_mask: None,
    };
    if fmt.tag == 0xFFFE {
        if b.len() < 40 {
            return Err(AudioError::Malformed(
                "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short".into(),
            ));
        }
        let valid = le_u16(&b[18..20]);
        if valid != 0 {
            fmt.valid_bits = valid;
        }
        let mask = le_u32(&b[20..24]);
        fmt.channel_mask = (mask != 0).then_some(mask);
        if b[26..40] != KSDATAFORMAT_TAIL {
            return Err(AudioError::Unsupported(
                "WAVE_FORMAT_EXTENSIBLE with a non-PCM sub-format GUID".into(),
            ));
        }
        fmt.tag = le_u16(&b[24..26]);
    }
    Ok(fmt)
}

/// Parses the header of a RIFF/RF64/BW64 WAVE file. `Ok(None)`: an encoding this path leaves
/// to symphonia (only for plain RIFF; RF64 and BW64 are PCM or float here or unsupported).
pub(super) fn open(file: File) -> Result<Option<(AudioInfo, WavDecoder)>, AudioError> {
    let mut reader = BufReader::with_capacity(1 << 18, file);
    let mut head = [0u8; 12];
    if read_up_to(&mut reader, &mut head)? < 12 {
        return Err(incomplete());
    }
    let container = match &head[..4] {
        b"RIFF" => Container::Wav,
        b"RF64" => Container::Rf64,
        b"BW64" => Container::Bw64,
        _ => return Err(AudioError::NotAudio),
    };
    let is_64 = container != Container::Wav;
    let mut ds64_data_bytes = None;
    let mut fmt = None;
    let mut pos = 12u64;
    let data_bytes = loop {
        let mut chunk = [0u8; 8];
        if read_up_to(&mut reader, &mut chunk)? < 8 {
            return Err(match fmt {
                Some(_) => AudioError::Malformed("WAV file without a data chunk".into()),
                None => incomplete(),
            });
        }
        let size = u64::from(le_u32(&chunk[4..8]));
        pos += 8;
        match &chunk[..4] {
            b"data" => {
                let size = match ds64_data_bytes {
                    Some(n) if is_64 && size == u64::from(u32::MAX) => n,
                    _ if is_64 && size == u64::from(u32::MAX) => {
                        return Err(AudioError::Malformed(
                            "RF64 file without a ds64 chunk".into(),
                        ))
                    }
                    _ => size,
                };
                break size;
            }
            b"fmt " | b"ds64" => {
                let mut body = vec![0u8; size.min(1 << 16) as usize];
                if read_up_to(&mut reader, &mut body)? < body.len() {
                    return Err(incomplete());
                }
                if &chunk[..4] == b"fmt " {
                    fmt = Some(parse_fmt(&body)?);
                } else if body.len() >= 16 {
                    ds64_data_bytes = Some(le_u64(&body[8..16]));
                }
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        pos += size + (size & 1);
        reader.seek(SeekFrom::Start(pos))?;
    };
    let fmt = fmt.ok_or_else(|| AudioError::Malformed("WAV data before its fmt chunk".into()))?;

    let channels = usize::from(fmt.channels);
    let container_bytes = usize::from(fmt.block_align)
        .checked_div(channels)
        .unwrap_or(0);
    let encoding = match (fmt.tag, container_bytes, fmt.bits, fmt.valid_bits) {
        (1, 1, 8, _) => Encoding::U8,
        (1, 2, 16, _) => Encoding::I16,
        (1, 3, 24, _) => Encoding::I24,
        (1, 4, 24, _) => Encoding::I24Low,
        (1, 4, 32, 17..=32) => Encoding::I32,
        (3, 4, 32, _) => Encoding::F32,
        (3, 8, 64, _) => Encoding::F64,
        _ if !is_64 => return Ok(None),
        (tag, bytes, bits, _) => {
            return Err(AudioError::Unsupported(format!(
                "RF64/BW64 with format tag {tag}, {bits} bits in {bytes}-byte containers \
                 (vernis reads 8/16/24/32-bit integer and 32/64-bit float)"
            )))
        }
    };
    if channels == 0 {
        return Err(AudioError::Malformed(
            "WAV fmt chunk with 0 channels".into(),
        ));
    }
    let block = (encoding.bytes() * channels) as u64;
    // A file shorter than its data chunk says is reported as truncated when reading reaches
    // the end.
    let total_frames = data_bytes / block;
    let info = AudioInfo {
        container,
        codec: Codec::Pcm,
        sample_rate_hz: fmt.sample_rate_hz,
        channels,
        channel_mask: fmt.channel_mask,
        bits_per_sample: Some(match encoding {
            Encoding::F32 | Encoding::F64 => fmt.bits,
            _ => fmt.valid_bits.min(fmt.bits),
        }),
        sample_kind: match encoding {
            Encoding::F32 | Encoding::F64 => SampleKind::Float,
            _ => SampleKind::Int,
        },
        total_frames: Some(total_frames),
    };
    let decoder = WavDecoder {
        reader,
        encoding,
        channels,
        total_frames,
        frames_read: 0,
        raw: Vec::new(),
    };
    Ok(Some((info, decoder)))
}

impl WavDecoder {
    /// Reads the next chunk into `out`; `0` at the end. A short file is [`AudioError::Truncated`].
    pub(super) fn read_chunk(&mut self, out: &mut [Vec<f32>]) -> Result<usize, AudioError> {
        let remaining = self.total_frames - self.frames_read;
        let frames = remaining.min(CHUNK_FRAMES as u64) as usize;
        let block_align = self.encoding.bytes() * self.channels;
        self.raw.resize(frames * block_align, 0);
        let got = read_up_to(&mut self.reader, &mut self.raw)?;
        if got < self.raw.len() {
            return Err(AudioError::Truncated {
                expected_frames: Some(self.total_frames),
                read_frames: self.frames_read + (got / block_align) as u64,
            });
        }
        for ch in out.iter_mut() {
            ch.resize(frames, 0.0);
        }
        convert(&self.raw, self.encoding, out);
        self.frames_read += frames as u64;
        Ok(frames)
    }
}

/// Converts interleaved little-endian bytes to planar `f32` in `out` (each already sized).
fn convert(raw: &[u8], encoding: Encoding, out: &mut [Vec<f32>]) {
    const I16_SCALE: f32 = 1.0 / 32_768.0;
    const I32_SCALE: f32 = 1.0 / 2_147_483_648.0;
    let channels = out.len();
    match encoding {
        Encoding::U8 => deinterleave::<1>(raw, channels, out, |b| {
            (f32::from(b[0]) - 128.0) * (1.0 / 128.0)
        }),
        Encoding::I16 => deinterleave::<2>(raw, channels, out, |b| {
            f32::from(i16::from_le_bytes(b)) * I16_SCALE
        }),
        // Shift the 24 bits to the top of an i32: full scale is then 2^31.
        Encoding::I24 => deinterleave::<3>(raw, channels, out, |b| {
            i32::from_le_bytes([0, b[0], b[1], b[2]]) as f32 * I32_SCALE
        }),
        Encoding::I24Low => deinterleave::<4>(raw, channels, out, |b| {
            i32::from_le_bytes([0, b[0], b[1], b[2]]) as f32 * I32_SCALE
        }),
        Encoding::I32 => deinterleave::<4>(raw, channels, out, |b| {
            i32::from_le_bytes(b) as f32 * I32_SCALE
        }),
        Encoding::F32 => deinterleave::<4>(raw, channels, out, f32::from_le_bytes),
        Encoding::F64 => deinterleave::<8>(raw, channels, out, |b| f64::from_le_bytes(b) as f32),
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
