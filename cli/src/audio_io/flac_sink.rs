//! Streaming FLAC output through `flacenc` (a pure-Rust encoder, Apache-2.0): frames of
//! [`BLOCK_FRAMES`] are encoded and written as they fill; [`FlacSink::finish`] rewrites the
//! STREAMINFO block (same size) with the total length, frame sizes and MD5 of the audio.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use flacenc::bitsink::ByteSink;
use flacenc::component::{BitRepr, Stream, StreamInfo};
use flacenc::config;
use flacenc::error::{Verified, Verify};
use flacenc::source::{Context, Fill, FrameBuf};

/// Frames per FLAC block (the reference encoder's default at 44.1/48 kHz).
const BLOCK_FRAMES: usize = 4096;

/// Streams planar `f32` audio into a 16- or 24-bit FLAC file. Samples are
/// `round(x·2^(bits−1))` clamped to the integer range, as for WAV, so audio on that grid (see
/// [`super::quantise_to_grid`]) is stored exactly; non-finite samples are written as 0.
pub struct FlacSink {
    writer: io::BufWriter<File>,
    config: Verified<config::Encoder>,
    stream_info: StreamInfo,
    fill: (FrameBuf, Context),
    channels: usize,
    scale: f32,
    /// Interleaved integer samples of the block being filled.
    pending: Vec<i32>,
    header_len: usize,
}

fn encode_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("FLAC encoder: {e}"))
}

/// `fLaC` and the metadata of a stream with `info`.
fn header_bytes(info: &StreamInfo) -> io::Result<Vec<u8>> {
    let stream = Stream::with_stream_info(info.clone());
    let mut sink = ByteSink::new();
    stream.write(&mut sink).map_err(encode_error)?;
    Ok(sink.as_slice().to_vec())
}

impl FlacSink {
    /// Creates (or truncates) `path` and writes a provisional header.
    pub fn create(
        path: &Path,
        bits: u32,
        channels: usize,
        sample_rate_hz: u32,
    ) -> io::Result<Self> {
        let bits = bits as usize;
        let mut stream_info =
            StreamInfo::new(sample_rate_hz as usize, channels, bits).map_err(encode_error)?;
        stream_info
            .set_block_sizes(BLOCK_FRAMES, BLOCK_FRAMES)
            .map_err(encode_error)?;
        let config = config::Encoder::default()
            .into_verified()
            .map_err(|(_, e)| encode_error(e))?;
        let fill = (
            FrameBuf::with_size(channels, BLOCK_FRAMES).map_err(encode_error)?,
            Context::new(bits, channels),
        );
        let header = header_bytes(&stream_info)?;
        let mut writer = io::BufWriter::with_capacity(1 << 18, File::create(path)?);
        writer.write_all(&header)?;
        Ok(Self {
            writer,
            config,
            stream_info,
            fill,
            channels,
            scale: (1u32 << (bits - 1)) as f32,
            pending: Vec::with_capacity(BLOCK_FRAMES * channels),
            header_len: header.len(),
        })
    }

    /// Appends one block: one slice per channel, all the same length.
    pub fn write(&mut self, channels: &[&[f32]]) -> io::Result<()> {
        debug_assert_eq!(channels.len(), self.channels);
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let (lo, hi) = (-self.scale, self.scale - 1.0);
        let mut i = 0;
        while i < frames {
            let room = BLOCK_FRAMES - self.pending.len() / self.channels;
            let n = room.min(frames - i);
            for t in i..i + n {
                for ch in channels {
                    let x = ch[t];
                    let v = if x.is_finite() {
                        (x * self.scale).round().clamp(lo, hi)
                    } else {
                        0.0
                    };
                    self.pending.push(v as i32);
                }
            }
            i += n;
            if self.pending.len() == BLOCK_FRAMES * self.channels {
                self.flush_block()?;
            }
        }
        Ok(())
    }

    /// Encodes and writes the pending samples as one frame.
    fn flush_block(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.fill
            .fill_interleaved(&self.pending)
            .map_err(encode_error)?;
        let number = self.fill.1.current_frame_number().unwrap_or(0);
        let frame =
            flacenc::encode_fixed_size_frame(&self.config, &self.fill.0, number, &self.stream_info)
                .map_err(encode_error)?;
        self.stream_info.update_frame_info(&frame);
        let mut sink = ByteSink::new();
        frame.write(&mut sink).map_err(encode_error)?;
        self.writer.write_all(sink.as_slice())?;
        self.pending.clear();
        Ok(())
    }

    /// Writes the last (short) frame, then the final STREAMINFO over the provisional one.
    pub fn finish(mut self) -> io::Result<()> {
        self.flush_block()?;
        let total = self.fill.1.total_samples();
        self.stream_info.set_total_samples(total);
        self.stream_info.set_md5_digest(&self.fill.1.md5_digest());
        // The minimum block size excludes the last block (RFC 9639 §8.2); counting it, as
        // `update_frame_info` does, marks the stream variable-blocksize to decoders.
        self.stream_info
            .set_block_sizes(BLOCK_FRAMES, BLOCK_FRAMES)
            .map_err(encode_error)?;
        let header = header_bytes(&self.stream_info)?;
        if header.len() != self.header_len {
            return Err(encode_error("the FLAC header changed size"));
        }
        let mut file = self.writer.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header)?;
        file.flush()
    }
}
