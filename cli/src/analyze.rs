//! Loudness analysis of a file or a signal: feeds dsp-core's [`LoudnessMeter`] and keeps a
//! 10 Hz history of momentary and short-term loudness for the plot.

use std::path::Path;

use dsp_core::layout::ChannelLayout;
use dsp_core::meter::{LoudnessMeter, LoudnessReading};
use dsp_core::{ProcessSpec, Processor};
use indicatif::{ProgressBar, ProgressStyle};

use crate::audio_io::{AudioError, AudioInfo, AudioSource, MAX_CHANNELS};
use crate::layout::{resolve_layout, ResolvedLayout};

/// Files at least this long (in seconds of audio) get a progress bar when one is wanted.
pub const PROGRESS_MIN_DURATION_S: f64 = 60.0;

/// History points per second of audio (one every 100 ms).
pub const HISTORY_RATE_HZ: f64 = 10.0;

/// Momentary and short-term loudness at one moment of the programme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    /// Time since the start of the file, in seconds.
    pub time_s: f64,
    /// Momentary loudness (400 ms), LUFS; `-inf` in silence.
    pub momentary_lufs: f64,
    /// Short-term loudness (3 s), LUFS; `-inf` in silence.
    pub short_term_lufs: f64,
}

/// Everything measured on one file.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The file as named on the command line.
    pub file: String,
    /// Format of the file.
    pub info: AudioInfo,
    /// Loudspeaker layout the channels were weighed as, and where it came from.
    pub layout: ResolvedLayout,
    /// The meter's readings at the end of the file.
    pub reading: LoudnessReading,
    /// Momentary and short-term loudness every 100 ms of audio.
    pub history: Vec<HistoryPoint>,
}

impl Analysis {
    /// Frames measured.
    pub fn frames(&self) -> u64 {
        self.reading.frames
    }

    /// Length of the audio in seconds.
    pub fn duration_s(&self) -> f64 {
        self.reading.frames as f64 / f64::from(self.info.sample_rate_hz)
    }
}

/// Feeds audio of any chunk size to the meter, sampling the readings every 100 ms of audio.
pub struct Analyzer {
    meter: LoudnessMeter,
    sample_rate_hz: f64,
    hop_frames: usize,
    frames_in_hop: usize,
    frames: u64,
    history: Vec<HistoryPoint>,
}

impl Analyzer {
    /// A meter prepared for `channels` (1..=16) channels at `sample_rate_hz`, weighed as the
    /// layout assumed from the count until [`Analyzer::set_layout`].
    pub fn new(sample_rate_hz: u32, channels: usize) -> Self {
        assert!(
            (1..=MAX_CHANNELS).contains(&channels),
            "1 to {MAX_CHANNELS} channels"
        );
        let fs = f64::from(sample_rate_hz);
        let hop_frames = ((fs / HISTORY_RATE_HZ).round() as usize).max(1);
        let mut meter = LoudnessMeter::new();
        meter.prepare(&ProcessSpec::new(fs, hop_frames, channels));
        Self {
            meter,
            sample_rate_hz: fs,
            hop_frames,
            frames_in_hop: 0,
            frames: 0,
            history: Vec::new(),
        }
    }

    /// Weighs the channels as `layout` places them (BS.1770-4 position weights).
    pub fn set_layout(&mut self, layout: &ChannelLayout) {
        self.meter.set_channel_layout(layout);
    }

    /// Measures `channels` (one slice per channel, all the same length).
    pub fn feed(&mut self, channels: &[&[f32]]) {
        let len = channels.first().map_or(0, |c| c.len());
        let mut views: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
        let mut start = 0;
        while start < len {
            let n = (self.hop_frames - self.frames_in_hop).min(len - start);
            for (view, ch) in views.iter_mut().zip(channels) {
                *view = &ch[start..start + n];
            }
            self.meter.measure(&views[..channels.len()]);
            start += n;
            self.frames += n as u64;
            self.frames_in_hop += n;
            if self.frames_in_hop == self.hop_frames {
                self.frames_in_hop = 0;
                self.push_history();
            }
        }
    }

    /// Frames measured so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Final readings and the history (with a last point at the very end if it fell between two ticks).
    pub fn finish(mut self) -> (LoudnessReading, Vec<HistoryPoint>) {
        if self.frames_in_hop > 0 {
            self.push_history();
        }
        (self.meter.reading(), self.history)
    }

    fn push_history(&mut self) {
        // The cheap readings: `reading()` would also scan the histograms for I and LRA.
        self.history.push(HistoryPoint {
            time_s: self.frames as f64 / self.sample_rate_hz,
            momentary_lufs: self.meter.momentary_lufs(),
            short_term_lufs: self.meter.short_term_lufs(),
        });
    }
}

/// Reads and measures one file. `progress` asks for a progress bar (shown on long files only).
pub fn analyze_file(
    path: &Path,
    display_name: &str,
    progress: bool,
) -> Result<Analysis, AudioError> {
    analyze_file_with(path, display_name, progress, |_, _| {})
}

/// Like [`analyze_file`], and hands every chunk read (planar, `n` frames) to `on_chunk`.
pub fn analyze_file_with(
    path: &Path,
    display_name: &str,
    progress: bool,
    on_chunk: impl FnMut(&AudioInfo, &[&[f32]]),
) -> Result<Analysis, AudioError> {
    analyze_file_in_layout(path, display_name, progress, None, on_chunk)
}

/// Like [`analyze_file_with`], measuring the channels as `layout` (from `--layout`) when given,
/// else as the file's channel mask or channel count says (see [`resolve_layout`]).
pub fn analyze_file_in_layout(
    path: &Path,
    display_name: &str,
    progress: bool,
    layout: Option<ChannelLayout>,
    mut on_chunk: impl FnMut(&AudioInfo, &[&[f32]]),
) -> Result<Analysis, AudioError> {
    let mut source = AudioSource::open(path)?;
    let info = source.info().clone();
    let layout =
        resolve_layout(&info, info.channel_mask, layout).map_err(AudioError::Unsupported)?;
    let mut analyzer = Analyzer::new(info.sample_rate_hz, info.channels);
    analyzer.set_layout(&layout.layout);
    let bar = progress_bar(&info, display_name, progress);
    let mut chunk = vec![Vec::new(); info.channels];
    loop {
        let n = match source.read_chunk(&mut chunk) {
            Ok(n) => n,
            Err(e) => {
                if let Some(bar) = &bar {
                    bar.finish_and_clear();
                }
                return Err(e);
            }
        };
        if n == 0 {
            break;
        }
        let mut views: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
        for (view, ch) in views.iter_mut().zip(&chunk) {
            *view = &ch[..n];
        }
        analyzer.feed(&views[..info.channels]);
        on_chunk(&info, &views[..info.channels]);
        if let Some(bar) = &bar {
            bar.inc(n as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if analyzer.frames() == 0 {
        return Err(AudioError::NoAudio);
    }
    let (reading, history) = analyzer.finish();
    Ok(Analysis {
        file: display_name.to_string(),
        info,
        layout,
        reading,
        history,
    })
}

/// A progress bar over the frames of `info`, when one is `wanted` and the file is long enough.
pub fn progress_bar(info: &AudioInfo, name: &str, wanted: bool) -> Option<ProgressBar> {
    let total = info.total_frames?;
    let long = total as f64 >= PROGRESS_MIN_DURATION_S * f64::from(info.sample_rate_hz);
    if !(wanted && long) {
        return None;
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {percent:>3}% ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(name.to_string());
    Some(bar)
}
