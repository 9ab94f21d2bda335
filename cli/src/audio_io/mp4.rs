//! The parts of an MP4/M4A file symphonia does not read: whether the audio is encrypted (DRM),
//! and the encoder delay and padding of AAC, from the edit list (`elst`, as ffmpeg and newer
//! Apple encoders write it) or from iTunes' `iTunSMPB` tag (older iTunes files).
//!
//! Only the `moov` box is read (the `mdat` with the audio is skipped), so this costs one small
//! read per file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::AudioError;

/// Largest `moov` box read (the sample tables of a few hours of AAC stay far below this).
const MAX_MOOV_BYTES: u64 = 64 << 20;

/// How much of the decoded audio is the programme, in frames of the media time scale.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Mp4Gapless {
    /// Decoded frames to drop at the start (encoder delay / priming).
    pub priming_frames: u64,
    /// Frames of programme after the priming, when the file says.
    pub programme_frames: Option<u64>,
    /// Ticks per second of the track's media time scale (the sample rate in every file seen).
    pub media_timescale: u32,
}

/// Whether a file starting with `magic` is an ISO base media (MP4/M4A/MOV) file.
pub(super) fn looks_like_mp4(magic: &[u8]) -> bool {
    magic.len() >= 8
        && matches!(
            &magic[4..8],
            b"ftyp" | b"moov" | b"wide" | b"free" | b"mdat"
        )
}

/// One box: its type and payload.
struct Mp4Box<'a> {
    kind: [u8; 4],
    body: &'a [u8],
}

/// Iterates over the boxes that fill `data`.
fn boxes(mut data: &[u8]) -> impl Iterator<Item = Mp4Box<'_>> {
    std::iter::from_fn(move || {
        if data.len() < 8 {
            return None;
        }
        let size32 = be_u32(&data[0..4]) as usize;
        let kind = [data[4], data[5], data[6], data[7]];
        let (header, size) = match size32 {
            0 => (8, data.len()),
            1 if data.len() >= 16 => (16, usize::try_from(be_u64(&data[8..16])).ok()?),
            n => (8, n),
        };
        if size < header || size > data.len() {
            return None;
        }
        let body = &data[header..size];
        data = &data[size..];
        Some(Mp4Box { kind, body })
    })
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|b| &b.kind == kind).map(|b| b.body)
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be_u64(b: &[u8]) -> u64 {
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// Reads the `moov` box of `path` and returns what it says about encryption and gapless playback.
pub(super) fn inspect(path: &Path) -> Result<Mp4Gapless, AudioError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut pos = 0u64;
    while pos + 8 <= len {
        file.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 16];
        file.read_exact(&mut header[..8])?;
        let mut size = u64::from(be_u32(&header[0..4]));
        let mut header_len = 8;
        if size == 1 {
            file.read_exact(&mut header[8..16])?;
            size = be_u64(&header[8..16]);
            header_len = 16;
        } else if size == 0 {
            size = len - pos;
        }
        if size < header_len {
            break;
        }
        if &header[4..8] == b"moov" {
            let body_len = (size - header_len).min(len - pos - header_len);
            if body_len > MAX_MOOV_BYTES {
                return Ok(Mp4Gapless::default());
            }
            let mut moov = vec![0u8; body_len as usize];
            file.read_exact(&mut moov)?;
            return parse_moov(&moov);
        }
        pos += size;
    }
    // No moov: symphonia says what is wrong.
    Ok(Mp4Gapless::default())
}

/// The first sound track's gapless information; an error if its sample entry is encrypted.
fn parse_moov(moov: &[u8]) -> Result<Mp4Gapless, AudioError> {
    let movie_timescale = child(moov, b"mvhd").and_then(|b| {
        let version = *b.first()?;
        let at = if version == 1 { 20 } else { 12 };
        b.get(at..at + 4).map(be_u32)
    });
    let smpb = itunes_smpb(moov);
    for trak in boxes(moov).filter(|b| &b.kind == b"trak") {
        let Some(mdia) = child(trak.body, b"mdia") else {
            continue;
        };
        let is_sound = child(mdia, b"hdlr").and_then(|h| h.get(8..12)) == Some(b"soun");
        if !is_sound {
            continue;
        }
        let stbl = child(mdia, b"minf").and_then(|m| child(m, b"stbl"));
        if let Some(entry) = stbl
            .and_then(|s| child(s, b"stsd"))
            .and_then(|s| s.get(8..))
        {
            if let Some(first) = boxes(entry).next() {
                match &first.kind {
                    b"drms" => {
                        return Err(AudioError::Protected(
                            "FairPlay DRM (iTunes Store purchase)".into(),
                        ))
                    }
                    b"enca" => {
                        return Err(AudioError::Protected(
                            "encrypted AAC (Common Encryption)".into(),
                        ))
                    }
                    _ => {}
                }
            }
        }
        let mdhd = child(mdia, b"mdhd");
        let media_timescale = mdhd
            .and_then(|b| {
                let at = if *b.first()? == 1 { 20 } else { 12 };
                b.get(at..at + 4).map(be_u32)
            })
            .unwrap_or(0);
        let stts_frames = stbl.and_then(|s| child(s, b"stts")).map(stts_total);
        let edit = child(trak.body, b"edts")
            .and_then(|e| child(e, b"elst"))
            .and_then(first_edit);

        let mut out = Mp4Gapless {
            media_timescale,
            ..Default::default()
        };
        match (edit, movie_timescale) {
            (Some((segment, media_time)), Some(movie_ts))
                if movie_ts > 0 && (media_time > 0 || smpb.is_none()) =>
            {
                out.priming_frames = media_time;
                let from_edit = (segment as f64 * f64::from(media_timescale) / f64::from(movie_ts))
                    .round() as u64;
                // The edit's length is in movie ticks (often ms); the sample table is exact.
                let tick_frames = u64::from(media_timescale.div_ceil(movie_ts)).max(1);
                out.programme_frames = match stts_frames.map(|t| t.saturating_sub(media_time)) {
                    Some(exact) if exact.abs_diff(from_edit) <= tick_frames => Some(exact),
                    _ if segment > 0 => Some(from_edit),
                    exact => exact,
                };
            }
            _ => {
                if let Some((delay, length)) = smpb {
                    out.priming_frames = delay;
                    out.programme_frames = Some(length);
                }
            }
        }
        return Ok(out);
    }
    Ok(Mp4Gapless::default())
}

/// Sum of the sample table's durations: the decoded length in media ticks.
fn stts_total(stts: &[u8]) -> u64 {
    let count = stts.get(4..8).map_or(0, be_u32) as usize;
    (0..count)
        .filter_map(|i| stts.get(8 + 8 * i..16 + 8 * i))
        .map(|e| u64::from(be_u32(&e[0..4])) * u64::from(be_u32(&e[4..8])))
        .sum()
}

/// The first non-empty edit: (segment duration in movie ticks, media time in media ticks).
fn first_edit(elst: &[u8]) -> Option<(u64, u64)> {
    let version = *elst.first()?;
    let count = be_u32(elst.get(4..8)?) as usize;
    let entry_len = if version == 1 { 20 } else { 12 };
    for i in 0..count {
        let e = elst.get(8 + i * entry_len..8 + (i + 1) * entry_len)?;
        let (segment, media_time) = if version == 1 {
            (be_u64(&e[0..8]), be_u64(&e[8..16]) as i64)
        } else {
            (
                u64::from(be_u32(&e[0..4])),
                i64::from(be_u32(&e[4..8]) as i32),
            )
        };
        if media_time >= 0 {
            return Some((segment, media_time as u64));
        }
    }
    None
}

/// iTunes' gapless tag `iTunSMPB` in moov/udta/meta/ilst: (encoder delay, programme length).
fn itunes_smpb(moov: &[u8]) -> Option<(u64, u64)> {
    let meta = child(child(moov, b"udta")?, b"meta")?;
    // `meta` is a full box: 4 bytes of version and flags before its children.
    let ilst = child(meta.get(4..)?, b"ilst")?;
    for item in boxes(ilst).filter(|b| &b.kind == b"----") {
        let name = child(item.body, b"name").and_then(|n| n.get(4..));
        if name != Some(b"iTunSMPB") {
            continue;
        }
        let data = child(item.body, b"data")?.get(8..)?;
        return parse_smpb(std::str::from_utf8(data).ok()?);
    }
    None
}

/// Parses `" 00000000 00000840 000001CA 00000000000A5C36 ..."`: delay, padding, length (hex).
fn parse_smpb(text: &str) -> Option<(u64, u64)> {
    let fields: Vec<u64> = text
        .split_whitespace()
        .take(4)
        .map(|f| u64::from_str_radix(f, 16))
        .collect::<Result<_, _>>()
        .ok()?;
    match fields[..] {
        [_, delay, _padding, length] if length > 0 => Some((delay, length)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn smpb_text_gives_delay_and_length() {
        let text = " 00000000 00000840 000001CA 00000000000A5C36 00000000 00000000";
        assert_eq!(parse_smpb(text), Some((0x840, 0xA5C36)));
        assert_eq!(parse_smpb("garbage"), None);
    }

    #[test]
    fn itunes_tag_is_found_in_ilst() {
        let smpb = b" 00000000 00000840 00000100 0000000000005622";
        let mut data_body = vec![0, 0, 0, 1, 0, 0, 0, 0];
        data_body.extend_from_slice(smpb);
        let mut item = mp4_box(b"mean", b"\0\0\0\0com.apple.iTunes");
        item.extend(mp4_box(b"name", b"\0\0\0\0iTunSMPB"));
        item.extend(mp4_box(b"data", &data_body));
        let ilst = mp4_box(b"ilst", &mp4_box(b"----", &item));
        let mut meta_body = vec![0, 0, 0, 0];
        meta_body.extend(ilst);
        let moov = mp4_box(b"udta", &mp4_box(b"meta", &meta_body));
        assert_eq!(itunes_smpb(&moov), Some((0x840, 0x5622)));
    }

    #[test]
    fn edit_list_skips_empty_edits() {
        let mut elst = vec![0, 0, 0, 0, 0, 0, 0, 2];
        elst.extend_from_slice(&100u32.to_be_bytes());
        elst.extend_from_slice(&(-1i32).to_be_bytes());
        elst.extend_from_slice(&[0, 1, 0, 0]);
        elst.extend_from_slice(&500u32.to_be_bytes());
        elst.extend_from_slice(&1024u32.to_be_bytes());
        elst.extend_from_slice(&[0, 1, 0, 0]);
        assert_eq!(first_edit(&elst), Some((500, 1024)));
    }
}
