//! Every format other than plain and RF64 WAV PCM, decoded by `symphonia`: AIFF/AIFC, CAF, FLAC,
//! MP3, ALAC and AAC in MP4/M4A, raw AAC (ADTS), Ogg Vorbis, and the WAV encodings the fast path
//! leaves alone (ADPCM, A-law, µ-law, 64-bit float ...).
//!
//! Encoder delay and padding: symphonia trims them itself for MP3 (LAME/Xing tag) and Ogg Vorbis
//! (pre-skip and the last page's granule position) when its decoder's gapless option is on, as it
//! is here. It does not read MP4 edit lists or `iTunSMPB`; [`super::mp4`] reads them, and this
//! decoder drops the priming frames and stops at the programme's end itself.
//!
//! The first packet is decoded when the file is opened, so the sample rate and channel layout
//! reported are those of the decoded audio, and a file whose first frame cannot be decoded fails
//! at once.

use std::fs::File;
use std::io;
use std::path::Path;

use symphonia::core::audio::Channels;
use symphonia::core::codecs::audio::well_known as codec_ids;
use symphonia::core::codecs::audio::{AudioCodecId, AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use super::mp4::{self, Mp4Gapless};
use super::{AudioError, AudioInfo, Codec, Container, SampleKind};

/// A file being decoded by symphonia.
pub(super) struct SymphoniaDecoder {
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    channels: usize,
    sample_rate_hz: u32,
    /// Decoded frames still to drop at the start (MP4 priming).
    skip_frames: u64,
    /// Frames still to deliver when the container gives the programme's length (MP4).
    remaining_frames: Option<u64>,
    /// The first packet's audio, decoded while opening and not yet delivered.
    pending: Option<Vec<Vec<f32>>>,
    /// Frames delivered so far (for error messages).
    delivered_frames: u64,
    /// Frames the container announces, when the announcement is exact.
    expected_frames: Option<u64>,
    /// Buffers swapped with the caller's on each read.
    scratch: Vec<Vec<f32>>,
    finished: bool,
}

/// Maps a symphonia error met while reading packets to the reason shown to the user.
fn read_error(e: SymError, delivered_frames: u64, expected: Option<u64>) -> AudioError {
    match e {
        SymError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => AudioError::Truncated {
            expected_frames: expected,
            read_frames: delivered_frames,
        },
        SymError::IoError(e) => AudioError::Io(e),
        SymError::DecodeError(what) => AudioError::Corrupt {
            at_frame: delivered_frames,
            what: what.to_string(),
        },
        SymError::Unsupported(what) => AudioError::Unsupported(what.to_string()),
        SymError::ResetRequired => AudioError::Unsupported(
            "a stream whose format changes midway (e.g. chained Ogg streams)".into(),
        ),
        other => AudioError::Malformed(other.to_string()),
    }
}

/// The codec behind a symphonia codec id.
fn codec_of(id: AudioCodecId) -> Result<Codec, AudioError> {
    use codec_ids::*;
    let codec = match id {
        CODEC_ID_FLAC => Codec::Flac,
        CODEC_ID_ALAC => Codec::Alac,
        CODEC_ID_MP3 => Codec::Mp3,
        CODEC_ID_AAC => Codec::Aac,
        CODEC_ID_VORBIS => Codec::Vorbis,
        CODEC_ID_ADPCM_G722
        | CODEC_ID_ADPCM_G726
        | CODEC_ID_ADPCM_G726LE
        | CODEC_ID_ADPCM_MS
        | CODEC_ID_ADPCM_IMA_WAV
        | CODEC_ID_ADPCM_IMA_QT => Codec::Adpcm,
        CODEC_ID_PCM_ALAW | CODEC_ID_PCM_MULAW => Codec::G711,
        id if (CODEC_ID_PCM_S32LE..=CODEC_ID_PCM_F64BE_PLANAR).contains(&id) => Codec::Pcm,
        CODEC_ID_OPUS => return Err(unsupported_codec("Opus")),
        CODEC_ID_AC3 | CODEC_ID_EAC3 | CODEC_ID_AC4 => {
            return Err(unsupported_codec("Dolby AC-3/E-AC-3/AC-4"))
        }
        CODEC_ID_DCA => return Err(unsupported_codec("DTS")),
        CODEC_ID_WMA => return Err(unsupported_codec("WMA")),
        CODEC_ID_MP1 | CODEC_ID_MP2 => return Err(unsupported_codec("MPEG-1 Layer I/II")),
        CODEC_ID_WAVPACK => return Err(unsupported_codec("WavPack")),
        CODEC_ID_MONKEYS_AUDIO => return Err(unsupported_codec("Monkey's Audio")),
        CODEC_ID_TRUEHD => return Err(unsupported_codec("Dolby TrueHD")),
        other => return Err(unsupported_codec(&format!("codec id {other}"))),
    };
    Ok(codec)
}

fn unsupported_codec(name: &str) -> AudioError {
    AudioError::Unsupported(format!(
        "codec {name} (vernis decodes PCM, FLAC, ALAC, MP3, AAC-LC and Vorbis)"
    ))
}

/// The container behind a symphonia format reader.
fn container_of(short_name: &str, magic: &[u8]) -> Container {
    match short_name {
        "wave" => Container::Wav,
        "aiff" if magic.get(8..12) == Some(b"AIFC") => Container::Aifc,
        "aiff" => Container::Aiff,
        "caf" => Container::Caf,
        "flac" => Container::Flac,
        "isomp4" => Container::Mp4,
        "ogg" => Container::Ogg,
        "mp3" => Container::Mp3,
        "aac" => Container::Adts,
        _ => Container::Other,
    }
}

/// A WAV-style channel mask (the first 18 bits of symphonia's positions are WAVE's).
fn channel_mask(channels: &Channels) -> Option<u32> {
    match channels {
        Channels::Positioned(p) if p.bits() < (1 << 18) => Some(p.bits() as u32),
        _ => None,
    }
}

/// The bit depth in an ALAC magic cookie (ALACSpecificConfig, possibly behind `frma` and
/// `alac` atom headers): byte 5 of the config.
fn alac_bit_depth(mut cookie: &[u8]) -> Option<u16> {
    for atom in [b"frma", b"alac"] {
        if cookie.get(4..8) == Some(atom) {
            cookie = cookie.get(12..)?;
        }
    }
    cookie.get(5).map(|&b| u16::from(b)).filter(|&b| b > 0)
}

impl SymphoniaDecoder {
    /// Probes and opens `path`; `magic` is the file's first bytes.
    pub(super) fn open(path: &Path, magic: &[u8]) -> Result<(AudioInfo, Self), AudioError> {
        // MP4 boxes symphonia does not read: encryption, edit list, iTunSMPB.
        let gapless = if mp4::looks_like_mp4(magic) {
            mp4::inspect(path)?
        } else {
            Mp4Gapless::default()
        };

        let file = File::open(path)?;
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let reader = symphonia::default::get_probe()
            .probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| match e {
                SymError::Unsupported(_) => AudioError::NotAudio,
                SymError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    AudioError::Malformed("the header is incomplete".into())
                }
                SymError::DecodeError(what) => AudioError::Malformed(what.to_string()),
                other => read_error(other, 0, None),
            })?;
        let container = container_of(reader.format_info().short_name, magic);
        let track = reader
            .default_track(TrackType::Audio)
            .ok_or_else(|| AudioError::Unsupported("a file without an audio track".into()))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| {
                AudioError::Unsupported("an audio track without codec parameters".into())
            })?
            .clone();
        let codec = codec_of(params.codec)?;
        let track_id = track.id;
        let track_frames = track.num_frames;
        // A LAME tag (it gives the delay) comes with a Xing/Info frame count: exact.
        let track_delay = track.delay;
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default().gapless(true))
            .map_err(|e| match e {
                SymError::Unsupported(what) => {
                    AudioError::Unsupported(format!("{}: {what}", codec.name()))
                }
                other => read_error(other, 0, None),
            })?;

        // MPEG audio without a LAME/Xing header has a length estimated from the bit rate: no
        // truncation check there. Every other container states an exact length.
        let expected_frames = match container {
            Container::Mp3 if track_delay.is_some() => track_frames,
            Container::Mp3 | Container::Adts | Container::Other => None,
            Container::Mp4 => gapless.programme_frames.or(track_frames),
            _ => track_frames,
        };
        let (bits_per_sample, sample_kind) = match codec {
            Codec::Mp3 | Codec::Aac | Codec::Vorbis | Codec::Adpcm | Codec::G711 => {
                (None, SampleKind::Lossy)
            }
            _ => {
                let float = matches!(
                    params.sample_format,
                    Some(
                        symphonia::core::audio::sample::SampleFormat::F32
                            | symphonia::core::audio::sample::SampleFormat::F64
                    )
                );
                // ALAC's magic cookie has the depth MP4 and CAF leave out.
                let bits = params.bits_per_sample.map(|b| b as u16).or_else(|| {
                    (codec == Codec::Alac)
                        .then(|| params.extra_data.as_deref().and_then(alac_bit_depth))
                        .flatten()
                });
                (
                    bits,
                    if float {
                        SampleKind::Float
                    } else {
                        SampleKind::Int
                    },
                )
            }
        };

        let mut this = Self {
            reader,
            decoder,
            track_id,
            channels: 0,
            sample_rate_hz: 0,
            skip_frames: gapless.priming_frames,
            remaining_frames: gapless.programme_frames,
            pending: None,
            delivered_frames: 0,
            expected_frames,
            scratch: Vec::new(),
            finished: false,
        };
        // Decode the first packet: its buffer says what the audio really is.
        let mut first = Vec::new();
        let (rate, channels, mask) = match this.decode_next(&mut first, true)? {
            Some(spec) => spec,
            None => return Err(AudioError::NoAudio),
        };
        this.channels = channels;
        this.sample_rate_hz = rate;
        this.pending = Some(first);
        let info = AudioInfo {
            container,
            codec,
            sample_rate_hz: rate,
            channels,
            channel_mask: mask,
            bits_per_sample,
            sample_kind,
            total_frames: expected_frames,
        };
        Ok((info, this))
    }

    /// Decodes packets until one yields frames (after trimming) into `out`; returns the buffer's
    /// rate, channel count and mask, or `None` at the end of the stream.
    fn decode_next(
        &mut self,
        out: &mut Vec<Vec<f32>>,
        first: bool,
    ) -> Result<Option<(u32, usize, Option<u32>)>, AudioError> {
        loop {
            if self.finished || self.remaining_frames == Some(0) {
                self.finished = true;
                return Ok(None);
            }
            let packet = match self.reader.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => {
                    self.finished = true;
                    return Ok(None);
                }
                Err(e) => return Err(read_error(e, self.delivered_frames, self.expected_frames)),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let at_frame = self.delivered_frames;
            let buf = self.decoder.decode(&packet).map_err(|e| match e {
                // The decoder read past the end of the packet: the packet is damaged.
                SymError::IoError(e) => AudioError::Corrupt {
                    at_frame,
                    what: e.to_string(),
                },
                other => read_error(other, at_frame, self.expected_frames),
            })?;
            let spec = buf.spec();
            let rate = spec.rate();
            let channels = spec.channels().count();
            let mask = channel_mask(spec.channels());
            if !first && (rate != self.sample_rate_hz || channels != self.channels) {
                return Err(AudioError::Unsupported(format!(
                    "a stream whose format changes midway ({} Hz x{} -> {rate} Hz x{channels})",
                    self.sample_rate_hz, self.channels
                )));
            }
            let frames = buf.frames();
            out.resize(channels, Vec::new());
            for ch in out.iter_mut() {
                ch.resize(frames, 0.0);
            }
            buf.copy_to_slice_planar::<f32, _>(out.as_mut_slice());

            // Container-level trimming (MP4 priming and padding).
            let skip = self.skip_frames.min(frames as u64) as usize;
            self.skip_frames -= skip as u64;
            let mut keep = frames - skip;
            if let Some(remaining) = self.remaining_frames.as_mut() {
                keep = keep.min(*remaining as usize);
                *remaining -= keep as u64;
            }
            if skip > 0 || keep < frames - skip {
                for ch in out.iter_mut() {
                    ch.drain(..skip);
                    ch.truncate(keep);
                }
            }
            if keep > 0 {
                return Ok(Some((rate, channels, mask)));
            }
        }
    }

    /// Reads the next chunk into `out` (one `Vec` per channel); `0` at the end.
    pub(super) fn read_chunk(&mut self, out: &mut [Vec<f32>]) -> Result<usize, AudioError> {
        if let Some(first) = self.pending.take() {
            let n = first.first().map_or(0, Vec::len);
            for (dst, src) in out.iter_mut().zip(first) {
                *dst = src;
            }
            self.delivered_frames += n as u64;
            return Ok(n);
        }
        // Decode into the scratch buffers and swap them with the caller's: no copy.
        let mut scratch = std::mem::take(&mut self.scratch);
        let decoded = self.decode_next(&mut scratch, false);
        let n = match decoded {
            Ok(Some(_)) => scratch.first().map_or(0, Vec::len),
            Ok(None) => 0,
            Err(e) => {
                self.scratch = scratch;
                return Err(e);
            }
        };
        for (dst, src) in out.iter_mut().zip(scratch.iter_mut()) {
            std::mem::swap(dst, src);
            if n == 0 {
                dst.clear();
            }
        }
        self.scratch = scratch;
        self.delivered_frames += n as u64;
        Ok(n)
    }
}
