//! Unit tests of the WAV fast path and the writers.

use super::encode::WavSink;
use super::*;
use std::path::PathBuf;

/// A scratch directory for one test, removed when dropped.
pub(super) struct Scratch(PathBuf);

impl Scratch {
    pub(super) fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("vernis-audio-io-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn read_all(path: &Path) -> Result<(AudioInfo, Vec<Vec<f32>>), AudioError> {
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
        assert_eq!(info.bits_per_sample, Some(bits));
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
            assert_eq!(
                info,
                format.info(OutputContainer::Wav, 44_100, channels, frames as u64)
            );
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
    write_int(&seven, 16, 17, &vec![vec![0; 17]; 10]);
    assert!(matches!(read_all(&seven), Err(AudioError::Unsupported(_))));
    let missing = dir.path("does-not-exist.wav");
    assert!(matches!(read_all(&missing), Err(AudioError::Io(_))));
}
