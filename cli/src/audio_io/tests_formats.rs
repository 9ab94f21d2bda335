//! Unit tests of every input format: files written by hand here (RF64, BW64,
//! WAVE_FORMAT_EXTENSIBLE, AIFF, AIFF-C, CAF), FLAC written by [`AudioSink`], and the committed
//! lossy and ALAC fixtures of `cli/tests/fixtures` (see its `generate.sh`).

use std::path::PathBuf;

use super::tests::{read_all, Scratch};
use super::*;

// ---------------------------------------------------------------------------------------------
// Signals

/// Deterministic integer samples of `bits` bits: full-scale extremes first, then xorshift noise.
fn int_signal(channels: usize, frames: usize, bits: u32, seed: u64) -> Vec<Vec<i32>> {
    let mut x = seed | 1;
    let max = (1i64 << (bits - 1)) - 1;
    (0..channels)
        .map(|c| {
            (0..frames)
                .map(|i| match i {
                    0 => -(max as i32) - 1,
                    1 => max as i32,
                    2 => c as i32,
                    _ => {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        ((x % (2 * max as u64 + 1)) as i64 - max) as i32
                    }
                })
                .collect()
        })
        .collect()
}

/// The `f32` values vernis must decode `signal` to (exact: at most 24 significant bits).
fn as_f32(signal: &[Vec<i32>], bits: u32) -> Vec<Vec<f32>> {
    let scale = 1.0 / (1u64 << (bits - 1)) as f32;
    signal
        .iter()
        .map(|c| c.iter().map(|&v| v as f32 * scale).collect())
        .collect()
}

/// Interleaved bytes of `signal`, `bytes` per sample, big or little endian.
fn interleave(signal: &[Vec<i32>], bytes: usize, big_endian: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..signal[0].len() {
        for ch in signal {
            let le = ch[i].to_le_bytes();
            let mut s = le[..bytes].to_vec();
            if big_endian {
                s.reverse();
            }
            out.extend_from_slice(&s);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// WAV variants

/// A fmt chunk body: WAVE_FORMAT_EXTENSIBLE with `mask` when given, else plain PCM.
fn fmt_body(
    channels: usize,
    fs: u32,
    container_bits: u16,
    valid_bits: u16,
    mask: Option<u32>,
) -> Vec<u8> {
    let block = channels as u16 * container_bits / 8;
    let mut b = Vec::new();
    b.extend_from_slice(&(if mask.is_some() { 0xFFFEu16 } else { 1 }).to_le_bytes());
    b.extend_from_slice(&(channels as u16).to_le_bytes());
    b.extend_from_slice(&fs.to_le_bytes());
    b.extend_from_slice(&(fs * u32::from(block)).to_le_bytes());
    b.extend_from_slice(&block.to_le_bytes());
    b.extend_from_slice(&container_bits.to_le_bytes());
    if let Some(mask) = mask {
        b.extend_from_slice(&22u16.to_le_bytes());
        b.extend_from_slice(&valid_bits.to_le_bytes());
        b.extend_from_slice(&mask.to_le_bytes());
        b.extend_from_slice(&[1, 0]);
        b.extend_from_slice(&wav_fast::KSDATAFORMAT_TAIL);
    }
    b
}

/// An RF64 or BW64 file (`magic`) of 24-bit PCM, sizes in the ds64 chunk.
fn write_wav64(path: &Path, magic: &[u8; 4], signal: &[Vec<i32>], fs: u32, mask: Option<u32>) {
    let data = interleave(signal, 3, false);
    let fmt = fmt_body(signal.len(), fs, 24, 24, mask);
    let mut out = magic.to_vec();
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"ds64");
    out.extend_from_slice(&28u32.to_le_bytes());
    let riff_size = 4 + 36 + 8 + fmt.len() as u64 + 8 + data.len() as u64;
    out.extend_from_slice(&riff_size.to_le_bytes());
    out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    out.extend_from_slice(&(signal[0].len() as u64).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    out.extend_from_slice(&fmt);
    // An unknown chunk of odd length (padded) before the data.
    out.extend_from_slice(b"junk\x03\x00\x00\x00abc\x00");
    out.extend_from_slice(b"data");
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&data);
    std::fs::write(path, out).unwrap();
}

#[test]
fn rf64_and_bw64_are_read_bit_exactly() {
    let dir = Scratch::new("rf64");
    let signal = int_signal(6, 20_000, 24, 7);
    for (magic, container) in [(b"RF64", Container::Rf64), (b"BW64", Container::Bw64)] {
        let path = dir.path("long.wav");
        write_wav64(&path, magic, &signal, 48_000, Some(0x60F));
        let (info, data) = read_all(&path).unwrap();
        assert_eq!(info.container, container);
        assert_eq!(info.sample_rate_hz, 48_000);
        assert_eq!(info.channels, 6);
        assert_eq!(info.channel_mask, Some(0x60F), "5.1 with side surrounds");
        assert_eq!(info.bits_per_sample, Some(24));
        assert_eq!(info.total_frames, Some(20_000));
        assert_eq!(data, as_f32(&signal, 24), "{container:?}");
    }
}

#[test]
fn extensible_wav_keeps_its_mask_and_left_justified_samples() {
    let dir = Scratch::new("extensible");
    let signal = int_signal(4, 5_000, 24, 3);
    // 24 valid bits left-justified in 32-bit containers, quad (FL FR BL BR).
    let shifted: Vec<Vec<i32>> = signal
        .iter()
        .map(|c| c.iter().map(|v| v << 8).collect())
        .collect();
    let data = interleave(&shifted, 4, false);
    let fmt = fmt_body(4, 96_000, 32, 24, Some(0x33));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + 8 + fmt.len() + 8 + data.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    out.extend_from_slice(&fmt);
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    let path = dir.path("quad.wav");
    std::fs::write(&path, out).unwrap();
    let (info, decoded) = read_all(&path).unwrap();
    assert_eq!(info.channel_mask, Some(0x33));
    assert_eq!(info.bits_per_sample, Some(24));
    assert_eq!(info.sample_rate_hz, 96_000);
    assert_eq!(info.layout_name(), "4 channels, channel mask 0x33");
    assert_eq!(decoded, as_f32(&signal, 24));
}

#[test]
fn truncated_rf64_is_an_error() {
    let dir = Scratch::new("rf64-trunc");
    let path = dir.path("cut.wav");
    write_wav64(&path, b"RF64", &int_signal(2, 30_000, 24, 5), 44_100, None);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 3_000]).unwrap();
    let err = read_all(&path).unwrap_err();
    assert!(
        matches!(err, AudioError::Truncated { expected_frames: Some(30_000), read_frames } if read_frames < 30_000),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// AIFF, AIFF-C, CAF

/// An integer sample rate as an 80-bit IEEE 754 extended float (AIFF's COMM chunk).
fn extended_80(rate: u32) -> [u8; 10] {
    let shift = 31 - rate.leading_zeros();
    let exponent = 16_383 + shift as u16;
    let mantissa = u64::from(rate) << (63 - shift);
    let mut out = [0u8; 10];
    out[..2].copy_from_slice(&exponent.to_be_bytes());
    out[2..].copy_from_slice(&mantissa.to_be_bytes());
    out
}

fn iff_chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend_from_slice(&(body.len() as u32).to_be_bytes());
    c.extend_from_slice(body);
    if body.len() % 2 == 1 {
        c.push(0);
    }
    c
}

/// An AIFF file, or with `compression` an AIFF-C file (`NONE` big endian, `sowt` little endian).
fn write_aiff(path: &Path, signal: &[Vec<i32>], bits: u16, fs: u32, compression: Option<&[u8; 4]>) {
    let mut comm = Vec::new();
    comm.extend_from_slice(&(signal.len() as u16).to_be_bytes());
    comm.extend_from_slice(&(signal[0].len() as u32).to_be_bytes());
    comm.extend_from_slice(&bits.to_be_bytes());
    comm.extend_from_slice(&extended_80(fs));
    let mut big_endian = true;
    if let Some(kind) = compression {
        comm.extend_from_slice(kind);
        comm.extend_from_slice(b"\x09not named"); // Pascal string: count + text, even in all
        big_endian = kind != b"sowt";
    }
    let mut ssnd = vec![0u8; 8];
    ssnd.extend(interleave(signal, usize::from(bits / 8), big_endian));
    let mut form = if compression.is_some() {
        b"AIFC".to_vec()
    } else {
        b"AIFF".to_vec()
    };
    if compression.is_some() {
        form.extend(iff_chunk(b"FVER", &0xA280_5140u32.to_be_bytes()));
    }
    form.extend(iff_chunk(b"COMM", &comm));
    form.extend(iff_chunk(b"SSND", &ssnd));
    std::fs::write(path, iff_chunk(b"FORM", &form)).unwrap();
}

#[test]
fn aiff_and_aifc_are_read_bit_exactly() {
    let dir = Scratch::new("aiff");
    let cases: [(u16, Option<&[u8; 4]>, Container); 4] = [
        (16, None, Container::Aiff),
        (24, None, Container::Aiff),
        (16, Some(b"sowt"), Container::Aifc),
        (24, Some(b"NONE"), Container::Aifc),
    ];
    for (bits, compression, container) in cases {
        let signal = int_signal(2, 9_999, u32::from(bits), u64::from(bits));
        let path = dir.path("x.aif");
        write_aiff(&path, &signal, bits, 44_100, compression);
        let (info, data) = read_all(&path).unwrap();
        let case = format!("{bits}-bit {compression:?}");
        assert_eq!(info.container, container, "{case}");
        assert_eq!(info.codec, Codec::Pcm, "{case}");
        assert_eq!(info.sample_rate_hz, 44_100, "{case}");
        assert_eq!(info.channels, 2, "{case}");
        assert_eq!(info.bits_per_sample, Some(bits), "{case}");
        assert_eq!(info.total_frames, Some(9_999), "{case}");
        assert_eq!(data, as_f32(&signal, u32::from(bits)), "{case}");
    }
}

/// A CAF file of linear PCM; `mask` adds a `chan` chunk with that channel bitmap.
fn write_caf(
    path: &Path,
    signal: &[Vec<i32>],
    bits: u32,
    fs: u32,
    little_endian: bool,
    mask: Option<u32>,
) {
    let bytes = bits as usize / 8;
    let mut out = b"caff\x00\x01\x00\x00".to_vec();
    let mut desc = Vec::new();
    desc.extend_from_slice(&f64::from(fs).to_be_bytes());
    desc.extend_from_slice(b"lpcm");
    desc.extend_from_slice(&(if little_endian { 2u32 } else { 0 }).to_be_bytes());
    desc.extend_from_slice(&((bytes * signal.len()) as u32).to_be_bytes());
    desc.extend_from_slice(&1u32.to_be_bytes());
    desc.extend_from_slice(&(signal.len() as u32).to_be_bytes());
    desc.extend_from_slice(&bits.to_be_bytes());
    let mut chunk = |id: &[u8; 4], body: &[u8]| {
        out.extend_from_slice(id);
        out.extend_from_slice(&(body.len() as i64).to_be_bytes());
        out.extend_from_slice(body);
    };
    chunk(b"desc", &desc);
    if let Some(mask) = mask {
        let mut chan = (1u32 << 16).to_be_bytes().to_vec(); // kCAFChannelLayoutTag_UseChannelBitmap
        chan.extend_from_slice(&mask.to_be_bytes());
        chan.extend_from_slice(&0u32.to_be_bytes());
        chunk(b"chan", &chan);
    }
    let mut data = 0u32.to_be_bytes().to_vec(); // edit count
    data.extend(interleave(signal, bytes, !little_endian));
    chunk(b"data", &data);
    std::fs::write(path, out).unwrap();
}

#[test]
fn caf_pcm_is_read_bit_exactly() {
    let dir = Scratch::new("caf");
    for (bits, little_endian, channels) in [(16, false, 1), (24, true, 2), (24, false, 6)] {
        let signal = int_signal(channels, 7_000, bits, 11);
        let mask = (channels == 6).then_some(0x3F);
        let path = dir.path("x.caf");
        write_caf(&path, &signal, bits, 88_200, little_endian, mask);
        let (info, data) = read_all(&path).unwrap();
        let case = format!("{bits}-bit le={little_endian} x{channels}");
        assert_eq!(info.container, Container::Caf, "{case}");
        assert_eq!(info.sample_rate_hz, 88_200, "{case}");
        assert_eq!(info.channels, channels, "{case}");
        assert_eq!(info.total_frames, Some(7_000), "{case}");
        if let Some(mask) = mask {
            assert_eq!(info.channel_mask, Some(mask), "{case}");
        }
        assert_eq!(data, as_f32(&signal, bits), "{case}");
    }
}

// ---------------------------------------------------------------------------------------------
// FLAC (written by flacenc through AudioSink, read by symphonia and by claxon)

#[test]
fn flac_sink_round_trips_bit_exactly() {
    let dir = Scratch::new("flac");
    for (bits, format, channels) in [(16, OutputFormat::Wav16, 2), (24, OutputFormat::Wav24, 6)] {
        let signal = as_f32(&int_signal(channels, 10_007, bits, 9), bits);
        let path = dir.path("out.flac");
        let mut sink =
            AudioSink::create(&path, OutputContainer::Flac, format, channels, 48_000).unwrap();
        // Odd block lengths: the sink regroups them into FLAC blocks.
        for start in (0..10_007).step_by(3_001) {
            let end = (start + 3_001).min(10_007);
            let views: Vec<&[f32]> = signal.iter().map(|c| &c[start..end]).collect();
            sink.write(&views).unwrap();
        }
        sink.finish().unwrap();

        let (info, data) = read_all(&path).unwrap();
        assert_eq!(
            info,
            format.info(OutputContainer::Flac, 48_000, channels, 10_007)
        );
        assert_eq!(data, signal, "{bits}-bit");

        // An independent decoder agrees, and so does the MD5 in STREAMINFO.
        let mut reader = claxon::FlacReader::open(&path).unwrap();
        assert_eq!(reader.streaminfo().samples, Some(10_007));
        let samples: Vec<i32> = reader.samples().map(Result::unwrap).collect();
        let expected = int_signal(channels, 10_007, bits, 9);
        for (i, s) in samples.iter().enumerate() {
            assert_eq!(*s, expected[i % channels][i / channels], "sample {i}");
        }
    }
    assert!(AudioSink::create(
        &dir.path("f.flac"),
        OutputContainer::Flac,
        OutputFormat::Wav32f,
        2,
        48_000
    )
    .is_err());
}

// ---------------------------------------------------------------------------------------------
// Lossy and ALAC fixtures

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fixtures' source (see generate.sh): 1 kHz at 16384 and 8192 of 32768 (-6.02/-12.04 dBFS).
fn fixture_source(frames: usize) -> Vec<Vec<i32>> {
    let s = |n: usize| (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / 44_100.0).sin();
    vec![
        (0..frames)
            .map(|n| (16_384.0 * s(n)).round() as i32)
            .collect(),
        (0..frames)
            .map(|n| (8_192.0 * s(n)).round() as i32)
            .collect(),
    ]
}

/// Amplitude and phase (radians) of the 1 kHz component of `x[range]` at 44.1 kHz; the range
/// holds whole periods (441 frames = 10 periods).
fn tone_at_1khz(x: &[f32], start: usize, periods_of_10: usize) -> (f64, f64) {
    let w = 2.0 * std::f64::consts::PI * 1000.0 / 44_100.0;
    let (mut re, mut im) = (0.0, 0.0);
    let n = 441 * periods_of_10;
    for (i, &v) in x[start..start + n].iter().enumerate() {
        let t = (start + i) as f64;
        re += f64::from(v) * (w * t).cos();
        im += f64::from(v) * (w * t).sin();
    }
    (2.0 * re.hypot(im) / n as f64, re.atan2(im))
}

/// Tolerances of the lossy checks: level of the tone within 0.5 dB of the source's, phase within
/// 3 degrees (an untrimmed AAC priming of 1024 frames shifts it by 79 degrees, MP3's 1105 by 22),
/// and no other frames than the source's (the containers here give sample-exact lengths).
const LOSSY_LEVEL_TOLERANCE_DB: f64 = 0.5;
const LOSSY_PHASE_TOLERANCE_DEG: f64 = 3.0;

#[test]
fn lossy_fixtures_decode_without_encoder_delay() {
    let cases = [
        ("sine-lame.mp3", Container::Mp3, Codec::Mp3),
        ("sine-aac.m4a", Container::Mp4, Codec::Aac),
        ("sine-vorbis.ogg", Container::Ogg, Codec::Vorbis),
    ];
    for (name, container, codec) in cases {
        let (info, data) = read_all(&fixture(name)).unwrap();
        assert_eq!((info.container, info.codec), (container, codec), "{name}");
        assert_eq!(info.sample_kind, SampleKind::Lossy, "{name}");
        assert_eq!(info.sample_rate_hz, 44_100, "{name}");
        assert_eq!(info.channels, 2, "{name}");
        assert_eq!(data[0].len(), 22_050, "{name}: decoded length");
        let source = as_f32(&fixture_source(22_050), 16);
        // The middle 0.4 s (from 50 ms on), away from the codecs' edge effects.
        for ch in 0..2 {
            let (level, phase) = tone_at_1khz(&data[ch], 2_205, 40);
            let (level_src, phase_src) = tone_at_1khz(&source[ch], 2_205, 40);
            let level_db = 20.0 * (level / level_src).log10();
            let phase_deg = (phase - phase_src).to_degrees();
            assert!(
                level_db.abs() < LOSSY_LEVEL_TOLERANCE_DB,
                "{name} ch{ch}: level {level_db:+.2} dB"
            );
            assert!(
                phase_deg.abs() < LOSSY_PHASE_TOLERANCE_DEG,
                "{name} ch{ch}: phase {phase_deg:+.2} deg"
            );
        }
    }
}

#[test]
fn alac_fixture_is_bit_exact() {
    let (info, data) = read_all(&fixture("sine-alac.m4a")).unwrap();
    assert_eq!((info.container, info.codec), (Container::Mp4, Codec::Alac));
    assert_eq!(info.bits_per_sample, Some(16));
    assert_eq!(info.sample_rate_hz, 44_100);
    assert_eq!(info.total_frames, Some(4_410));
    assert_eq!(data, as_f32(&fixture_source(4_410), 16));
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn broken_compressed_files_name_the_problem() {
    let dir = Scratch::new("broken");
    let mp3 = std::fs::read(fixture("sine-lame.mp3")).unwrap();
    let cut = dir.path("cut.mp3");
    std::fs::write(&cut, &mp3[..mp3.len() / 2 + 5]).unwrap();
    let err = read_all(&cut).unwrap_err();
    assert!(matches!(err, AudioError::Truncated { .. }), "{err}");

    // The AAC sample entry renamed to an encrypted one, as in protected files.
    let mut m4a = std::fs::read(fixture("sine-aac.m4a")).unwrap();
    let at = m4a.windows(4).position(|w| w == b"mp4a").unwrap();
    m4a[at..at + 4].copy_from_slice(b"enca");
    let drm = dir.path("drm.m4a");
    std::fs::write(&drm, &m4a).unwrap();
    let err = read_all(&drm).unwrap_err();
    assert!(matches!(err, AudioError::Protected(_)), "{err}");
    assert!(err.to_string().contains("DRM"), "{err}");

    let opus = dir.path("not.ogg");
    let mut ogg = std::fs::read(fixture("sine-vorbis.ogg")).unwrap();
    let at = ogg.windows(7).position(|w| w == b"\x01vorbis").unwrap();
    ogg[at..at + 7].copy_from_slice(b"OpusHea");
    std::fs::write(&opus, &ogg).unwrap();
    let err = read_all(&opus).unwrap_err();
    assert!(
        !err.to_string().is_empty() && !err.to_string().contains('\n'),
        "{err}"
    );
}
