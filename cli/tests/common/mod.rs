//! Helpers for the end-to-end tests: temporary directories, generated signals, WAV and FLAC
//! writers, and running the built `vernis` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `vernis-cli-<tag>-<pid>-<n>-<nanos>`.
    pub fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "vernis-cli-{tag}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// A path inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Linear amplitude of a level in dBFS.
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// A sine of `freq_hz` at peak level `peak_dbfs`, `seconds` long.
pub fn sine(fs: u32, freq_hz: f64, peak_dbfs: f64, seconds: f64) -> Vec<f32> {
    let n = (seconds * f64::from(fs)).round() as usize;
    let a = db_to_gain(peak_dbfs);
    (0..n)
        .map(|i| {
            (a * (2.0 * std::f64::consts::PI * freq_hz * i as f64 / f64::from(fs)).sin()) as f32
        })
        .collect()
}

/// Uniform white noise in [-amp, amp) from a xorshift generator.
pub fn noise(seed: u64, frames: usize, amp: f64) -> Vec<f32> {
    let mut x = seed | 1;
    (0..frames)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            ((2.0 * u - 1.0) * amp) as f32
        })
        .collect()
}

/// Sample encodings the tests write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Unsigned 8-bit integer.
    Int8,
    /// 16-bit integer.
    Int16,
    /// 24-bit integer.
    Int24,
    /// 32-bit integer.
    Int32,
    /// 32-bit IEEE float.
    Float32,
}

fn quantise(x: f32, bits: u32) -> i32 {
    let full = (1i64 << (bits - 1)) as f64;
    ((f64::from(x) * full).round()).clamp(-full, full - 1.0) as i32
}

/// Writes planar channels as a WAV file with hound.
pub fn write_wav(path: &Path, channels: &[Vec<f32>], fs: u32, encoding: Encoding) {
    let (bits, format) = match encoding {
        Encoding::Int8 => (8, hound::SampleFormat::Int),
        Encoding::Int16 => (16, hound::SampleFormat::Int),
        Encoding::Int24 => (24, hound::SampleFormat::Int),
        Encoding::Int32 => (32, hound::SampleFormat::Int),
        Encoding::Float32 => (32, hound::SampleFormat::Float),
    };
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: fs,
        bits_per_sample: bits,
        sample_format: format,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let frames = channels.first().map_or(0, Vec::len);
    for i in 0..frames {
        for ch in channels {
            match encoding {
                Encoding::Float32 => w.write_sample(ch[i]).unwrap(),
                Encoding::Int8 => w.write_sample(quantise(ch[i], 8) as i8).unwrap(),
                Encoding::Int16 => w.write_sample(quantise(ch[i], 16) as i16).unwrap(),
                Encoding::Int24 => w.write_sample(quantise(ch[i], 24)).unwrap(),
                Encoding::Int32 => w.write_sample(quantise(ch[i], 32)).unwrap(),
            }
        }
    }
    w.finalize().unwrap();
}

/// Reads a WAV file back as planar `f32` (for the oracle).
pub fn read_wav(path: &Path) -> (u32, Vec<Vec<f32>>) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    let n = usize::from(spec.channels);
    let mut out = vec![Vec::new(); n];
    match spec.sample_format {
        hound::SampleFormat::Float => {
            for (i, s) in r.samples::<f32>().enumerate() {
                out[i % n].push(s.unwrap());
            }
        }
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1i64 << (spec.bits_per_sample - 1)) as f32;
            for (i, s) in r.samples::<i32>().enumerate() {
                out[i % n].push(s.unwrap() as f32 * scale);
            }
        }
    }
    (spec.sample_rate, out)
}

// ---------------------------------------------------------------------------------------------
// A minimal FLAC writer: fixed 4096-frame blocks of VERBATIM subframes (valid, uncompressed).

fn crc8(data: &[u8]) -> u8 {
    let mut crc = 0u8;
    for &b in data {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn crc16(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x8005
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// FLAC's UTF-8-like coding of the frame number.
fn utf8_number(mut n: u32, out: &mut Vec<u8>) {
    if n < 0x80 {
        out.push(n as u8);
        return;
    }
    let mut tail = Vec::new();
    let mut first_bits = 6u32; // payload bits left in the first byte, shrinking as bytes are added
    while n >= (1 << first_bits) {
        tail.push(0x80 | (n & 0x3F) as u8);
        n >>= 6;
        first_bits -= 1;
    }
    let count = tail.len() + 1;
    let marker = !(0xFFu8 >> count);
    out.push(marker | n as u8);
    out.extend(tail.iter().rev());
}

/// Writes planar channels as a 16- or 24-bit FLAC file.
pub fn write_flac(path: &Path, channels: &[Vec<f32>], fs: u32, bits: u32) {
    assert!(bits == 16 || bits == 24);
    const BLOCK: usize = 4096;
    let n_ch = channels.len();
    let frames = channels[0].len();
    let mut out = Vec::new();
    out.extend_from_slice(b"fLaC");
    out.push(0x80); // last metadata block, STREAMINFO
    out.extend_from_slice(&[0, 0, 34]);
    out.extend_from_slice(&(BLOCK as u16).to_be_bytes());
    out.extend_from_slice(&(BLOCK as u16).to_be_bytes());
    out.extend_from_slice(&[0; 6]); // frame sizes unknown
    let packed: u64 = (u64::from(fs) << 44)
        | (((n_ch as u64) - 1) << 41)
        | ((u64::from(bits) - 1) << 36)
        | frames as u64;
    out.extend_from_slice(&packed.to_be_bytes());
    out.extend_from_slice(&[0; 16]); // MD5 unknown

    for (index, start) in (0..frames).step_by(BLOCK).enumerate() {
        let len = BLOCK.min(frames - start);
        let mut frame = vec![0xFF, 0xF8, 0x70]; // fixed blocking; 16-bit block size; rate from STREAMINFO
        let size_code = if bits == 16 { 0b100 } else { 0b110 };
        frame.push((((n_ch - 1) as u8) << 4) | (size_code << 1));
        utf8_number(index as u32, &mut frame);
        frame.extend_from_slice(&((len - 1) as u16).to_be_bytes());
        frame.push(crc8(&frame));
        for ch in channels {
            frame.push(0x02); // VERBATIM, no wasted bits
            for &x in &ch[start..start + len] {
                let q = quantise(x, bits).to_be_bytes();
                frame.extend_from_slice(&q[4 - (bits as usize / 8)..]);
            }
        }
        let crc = crc16(&frame);
        frame.extend_from_slice(&crc.to_be_bytes());
        out.extend_from_slice(&frame);
    }
    std::fs::write(path, out).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Bad inputs

/// Writes each bad input of the error tests; returns (path, expected words of the reason).
pub fn bad_inputs(dir: &TempDir) -> Vec<(PathBuf, &'static str)> {
    let tone = sine(48_000, 1000.0, -23.0, 20.0);
    let tone_stereo = vec![tone.clone(), tone];
    let missing = dir.path("missing.wav");

    let not_audio = dir.path("notes.wav");
    std::fs::write(&not_audio, "These are session notes, not audio.\n").unwrap();

    let truncated = dir.path("truncated.wav");
    write_wav(&truncated, &tone_stereo, 48_000, Encoding::Int16);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    let truncated_flac = dir.path("truncated.flac");
    write_flac(&truncated_flac, &tone_stereo, 48_000, 16);
    let bytes = std::fs::read(&truncated_flac).unwrap();
    std::fs::write(&truncated_flac, &bytes[..bytes.len() / 2 + 7]).unwrap();

    // More channels than vernis reads (16).
    let seven = dir.path("seventeen-channels.wav");
    let s = sine(48_000, 1000.0, -20.0, 1.0);
    write_wav(&seven, &vec![s; 17], 48_000, Encoding::Int16);

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mp3 = std::fs::read(fixtures.join("sine-lame.mp3")).unwrap();
    let truncated_mp3 = dir.path("truncated.mp3");
    std::fs::write(&truncated_mp3, &mp3[..mp3.len() / 2 + 5]).unwrap();

    // The AAC sample entry renamed to an encrypted one, as in protected files.
    let mut m4a = std::fs::read(fixtures.join("sine-aac.m4a")).unwrap();
    let at = m4a.windows(4).position(|w| w == b"mp4a").unwrap();
    m4a[at..at + 4].copy_from_slice(b"enca");
    let drm = dir.path("protected.m4a");
    std::fs::write(&drm, &m4a).unwrap();

    // ALAC packets with garbled bytes in the middle of the audio.
    let mut alac = std::fs::read(fixtures.join("sine-alac.m4a")).unwrap();
    for b in &mut alac[3000..3400] {
        *b ^= 0x5A;
    }
    let corrupt = dir.path("corrupt-alac.m4a");
    std::fs::write(&corrupt, &alac).unwrap();

    let aiff = dir.path("song.aiff");
    std::fs::write(&aiff, b"FORM\x00\x00\x00\x04AIFF").unwrap();

    let zero_frames = dir.path("zero-frames.wav");
    write_wav(
        &zero_frames,
        &[Vec::new(), Vec::new()],
        48_000,
        Encoding::Int16,
    );

    let zero_bytes = dir.path("zero-bytes.wav");
    std::fs::write(&zero_bytes, b"").unwrap();

    let directory = dir.path("folder.wav");
    std::fs::create_dir_all(&directory).unwrap();

    vec![
        (missing, "cannot read"),
        (not_audio, "not an audio file"),
        (truncated, "truncated"),
        (truncated_flac, "truncated"),
        (seven, "unsupported"),
        (aiff, "invalid file"),
        (truncated_mp3, "truncated"),
        (drm, "drm-protected"),
        (corrupt, "corrupt audio frame"),
        (zero_frames, "zero frames"),
        (zero_bytes, "empty"),
        (directory, "directory"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Measuring with dsp-core

/// Integrated loudness (LUFS) and true peak (dBTP) of planar audio, by dsp-core's meter.
pub fn measure(channels: &[Vec<f32>], fs: u32) -> (f64, f64) {
    use dsp_core::meter::LoudnessMeter;
    use dsp_core::{ProcessSpec, Processor};
    let mut meter = LoudnessMeter::new();
    meter.prepare(&ProcessSpec::new(f64::from(fs), 4096, channels.len()));
    let views: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    meter.measure(&views);
    let r = meter.reading();
    (r.integrated_lufs, r.true_peak_dbtp)
}

/// Integrated loudness and true peak by the `ebur128` crate (independent of dsp-core).
pub fn ebur128_reading(audio: &[Vec<f32>], fs: u32) -> (f64, f64) {
    use ebur128::{EbuR128, Mode};
    let mut meter = EbuR128::new(audio.len() as u32, fs, Mode::I | Mode::TRUE_PEAK).unwrap();
    let views: Vec<&[f32]> = audio.iter().map(Vec::as_slice).collect();
    meter.add_frames_planar_f32(&views).unwrap();
    let peak = (0..audio.len() as u32)
        .map(|c| meter.true_peak(c).unwrap())
        .fold(0.0, f64::max);
    (meter.loudness_global().unwrap(), 20.0 * peak.log10())
}

/// The strings of a JSON array of strings.
pub fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|w| w.as_str().expect("a string"))
        .collect()
}

/// Files in `dir` (names only), sorted.
pub fn dir_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// Running vernis

/// Runs the built `vernis` binary with `args`.
pub fn vernis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vernis"))
        .args(args)
        .output()
        .expect("vernis runs")
}

/// Runs `vernis analyze --json FILE` and returns the parsed object, asserting success.
pub fn analyze_json(path: &Path) -> Value {
    let out = vernis(&["analyze", "--json", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "vernis failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// A JSON number field as `f64` (panics with the field name when it is not a number).
pub fn num(v: &Value, field: &str) -> f64 {
    v[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is not a number: {}", v[field]))
}

/// Non-empty lines of a byte stream.
pub fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// `p` as a `&str` (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `vernis args`, asserting success; its stdout.
pub fn run_ok(args: &[&str]) -> String {
    let out = vernis(args);
    assert!(
        out.status.success(),
        "vernis {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first 20 s of dsp-core's demo programme as 48 kHz 24-bit `demo.wav` in `dir`.
pub fn demo_wav(dir: &TempDir) -> PathBuf {
    demo_wav_seconds(dir, 20)
}

/// The first `seconds` s of dsp-core's demo programme as 48 kHz 24-bit `demo.wav` in `dir`.
pub fn demo_wav_seconds(dir: &TempDir, seconds: usize) -> PathBuf {
    let path = dir.path("demo.wav");
    let mut programme = dsp_core::demo::demo_programme(48_000.0);
    for ch in &mut programme {
        ch.truncate(seconds * 48_000);
    }
    write_wav(&path, &programme, 48_000, Encoding::Int24);
    path
}
