//! One render pass as a pipeline of three stages over blocks of planar audio:
//!
//! 1. decode: read (and decode) the input, then feed the latency's worth of silence;
//! 2. DSP: the mastering chain ([`MasteringChain`]: multiband, pre-gain, limiter with dither, each
//!    stage optional) in pieces of [`BLOCK_FRAMES`], and the limiter's gain-reduction statistics
//!    per [`GR_BLOCK_FRAMES`] span (from its segment gains: the same numbers as calling it in spans
//!    of that length, without the cost of a call per span);
//! 3. output: rounding to the output word length, loudness and true-peak metering, WAV encoding and
//!    writing.
//!
//! With [`PassOptions::parallel`] the decode and output stages each run on a thread beside the DSP
//! (on this one). The stages hand each other blocks through bounded FIFO queues, and a fixed pool of
//! blocks circulates (decoded → limited → free → decoded), so nothing is allocated per block once
//! each block has grown to the reader's chunk size. Every stage is one sequential state machine that
//! sees the blocks in order, so the output bytes and the measurements are the same as the
//! single-threaded path's (the same stage code called in turn) whatever the thread timing.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::{Duration, Instant};

use dsp_core::chain::{ChainSettings, MasteringChain};
use dsp_core::dynamics::LookaheadLimiter;
use dsp_core::meter::LoudnessReading;
use dsp_core::{ProcessSpec, Processor};
use indicatif::ProgressBar;

use crate::analyze::{Analyzer, HistoryPoint, HISTORY_RATE_HZ};
use crate::audio_io::{quantise_to_grid, AudioError, AudioSink, AudioSource, MAX_CHANNELS};
use crate::render::{
    GainReduction, GrCollector, InputAudio, RenderError, BLOCK_FRAMES, GR_BLOCK_FRAMES,
};

/// Blocks in circulation between the stages of a parallel pass (two per stage).
const POOL_BLOCKS: usize = 6;

/// What one pass does besides measuring the output's loudness.
pub struct PassOptions<'a> {
    /// The chain to render.
    pub chain: ChainSettings,
    /// Round the output to this integer word length (before measuring and writing).
    pub quantise_bits: Option<u32>,
    /// Collect the limiter's gain-reduction statistics (per [`GR_BLOCK_FRAMES`] span; none
    /// without a limiter in the chain).
    pub gain_reduction: bool,
    /// Write the output here.
    pub sink: Option<&'a mut AudioSink>,
    /// Advance this bar by the input frames processed.
    pub progress: Option<&'a ProgressBar>,
    /// Decode and write on two threads beside the DSP (same output, bit for bit).
    pub parallel: bool,
    /// Time the gain-reduction statistics apart from the chain (two clock reads per sub-block).
    pub detailed_timing: bool,
}

/// Wall-clock time each stage of a pass spent working (not waiting for the others).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Reading and decoding the input, latency padding.
    pub decode: Duration,
    /// The mastering chain (dither included); with the statistics unless timed apart.
    pub chain: Duration,
    /// Gain-reduction statistics (zero unless [`PassOptions::detailed_timing`]).
    pub statistics: Duration,
    /// Rounding to the output word length.
    pub quantise: Duration,
    /// Loudness and true-peak metering of the output.
    pub metering: Duration,
    /// WAV encoding and writing.
    pub encode: Duration,
    /// The whole pass, start to end.
    pub wall: Duration,
    /// Whether the decode and output stages ran on their own threads.
    pub parallel: bool,
}

/// What a pass measured on its output.
pub struct PassOutput {
    /// Loudness and peaks of the output, exactly as written.
    pub reading: LoudnessReading,
    /// Momentary and short-term loudness of the output every 100 ms.
    pub history: Vec<HistoryPoint>,
    /// The limiter's gain-reduction statistics, when asked for and the chain has a limiter.
    pub gain_reduction: Option<GainReduction>,
    /// Output frames (the input's length).
    pub frames: u64,
    /// The chain's latency, compensated, samples.
    pub latency_samples: u32,
    /// Where the time went.
    pub stages: StageTimes,
}

/// A piece of the programme on its way through the stages.
struct Block {
    /// One `Vec` per channel; the first `frames` samples are valid.
    data: Vec<Vec<f32>>,
    frames: usize,
    /// Leading frames that are latency, not programme (set by the DSP stage).
    skip: usize,
}

impl Block {
    fn new(channels: usize) -> Self {
        Self {
            data: vec![Vec::with_capacity(BLOCK_FRAMES); channels],
            frames: 0,
            skip: 0,
        }
    }
}

enum Reader<'a> {
    File(AudioSource),
    Memory { data: &'a [Vec<f32>], pos: usize },
}

impl Reader<'_> {
    fn read(&mut self, chunk: &mut [Vec<f32>]) -> Result<usize, AudioError> {
        match self {
            Reader::File(source) => source.read_chunk(chunk),
            Reader::Memory { data, pos } => {
                let len = data.first().map_or(0, Vec::len);
                let n = (len - *pos).min(BLOCK_FRAMES);
                for (dst, src) in chunk.iter_mut().zip(data.iter()) {
                    dst.clear();
                    dst.extend_from_slice(&src[*pos..*pos + n]);
                }
                *pos += n;
                Ok(n)
            }
        }
    }
}

/// Stage 1: the input, then the latency's worth of silence.
struct DecodeStage<'a> {
    reader: Reader<'a>,
    reading: bool,
    tail_frames: u64,
    progress: Option<&'a ProgressBar>,
    time: Duration,
}

impl DecodeStage<'_> {
    /// Fills `block` with the next frames; `false` when there are none left.
    fn fill(&mut self, block: &mut Block) -> Result<bool, AudioError> {
        let start = Instant::now();
        let more = self.fill_untimed(block);
        self.time += start.elapsed();
        more
    }

    fn fill_untimed(&mut self, block: &mut Block) -> Result<bool, AudioError> {
        if self.reading {
            let n = self.reader.read(&mut block.data)?;
            if n > 0 {
                if let Some(bar) = self.progress {
                    bar.inc(n as u64);
                }
                block.frames = n;
                return Ok(true);
            }
            self.reading = false;
        }
        if self.tail_frames == 0 {
            return Ok(false);
        }
        let n = self.tail_frames.min(BLOCK_FRAMES as u64) as usize;
        for ch in block.data.iter_mut() {
            ch.clear();
            ch.resize(n, 0.0);
        }
        self.tail_frames -= n as u64;
        block.frames = n;
        Ok(true)
    }
}

/// Stage 2: the mastering chain and the gain-reduction statistics.
struct DspStage {
    chain: MasteringChain,
    gr: Option<GrCollector>,
    /// Lowest gain of each statistics span of the current piece.
    segment_gains: Vec<f32>,
    latency: u64,
    /// Frames the chain has output so far.
    out_frames: u64,
    channels: usize,
    detailed_timing: bool,
    chain_time: Duration,
    statistics_time: Duration,
}

impl DspStage {
    /// Processes `block` in place and marks the frames that are latency.
    ///
    /// The chain runs in pieces of [`BLOCK_FRAMES`]; with statistics its limiter reports the lowest
    /// gain of every [`GR_BLOCK_FRAMES`] span (the same values as calls of that length would give).
    fn process(&mut self, block: &mut Block) {
        let begin = Instant::now();
        let mut statistics = Duration::ZERO;
        let n = block.frames;
        let mut start = 0;
        while start < n {
            let len = BLOCK_FRAMES.min(n - start);
            let mut views: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (view, ch) in views.iter_mut().zip(block.data.iter_mut()) {
                *view = &mut ch[start..start + len];
            }
            let Some(gr) = &mut self.gr else {
                self.chain.process(&mut views[..self.channels]);
                start += len;
                continue;
            };
            self.chain.process_with_segment_gains(
                &mut views[..self.channels],
                GR_BLOCK_FRAMES,
                &mut self.segment_gains,
            );
            let clock = self.detailed_timing.then(Instant::now);
            for (k, &gain) in self.segment_gains[..len.div_ceil(GR_BLOCK_FRAMES)]
                .iter()
                .enumerate()
            {
                let from = self.out_frames + (start + k * GR_BLOCK_FRAMES) as u64;
                let to = from + GR_BLOCK_FRAMES.min(len - k * GR_BLOCK_FRAMES) as u64;
                let kept_from = from.max(self.latency);
                if to > kept_from {
                    gr.add(
                        kept_from - self.latency,
                        to - kept_from,
                        LookaheadLimiter::gain_reduction_db(gain),
                    );
                }
            }
            if let Some(clock) = clock {
                statistics += clock.elapsed();
            }
            start += len;
        }
        block.skip = self.latency.saturating_sub(self.out_frames).min(n as u64) as usize;
        self.out_frames += n as u64;
        self.chain_time += begin.elapsed() - statistics;
        self.statistics_time += statistics;
    }
}

/// Stage 3: word length, metering, writing.
struct OutputStage<'a> {
    analyzer: Analyzer,
    quantise_bits: Option<u32>,
    sink: Option<&'a mut AudioSink>,
    channels: usize,
    quantise_time: Duration,
    metering_time: Duration,
    encode_time: Duration,
}

impl OutputStage<'_> {
    /// Rounds, measures and writes the programme frames of `block`.
    fn consume(&mut self, block: &mut Block) -> Result<(), RenderError> {
        let (skip, n) = (block.skip, block.frames);
        if skip == n {
            return Ok(());
        }
        let start = Instant::now();
        if let Some(bits) = self.quantise_bits {
            for ch in block.data.iter_mut() {
                quantise_to_grid(&mut ch[skip..n], bits);
            }
        }
        let quantised = Instant::now();
        let mut views: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
        for (view, ch) in views.iter_mut().zip(block.data.iter()) {
            *view = &ch[skip..n];
        }
        self.analyzer.feed(&views[..self.channels]);
        let metered = Instant::now();
        let written = match &mut self.sink {
            Some(sink) => sink
                .write(&views[..self.channels])
                .map_err(RenderError::Output),
            None => Ok(()),
        };
        let end = Instant::now();
        self.quantise_time += quantised - start;
        self.metering_time += metered - quantised;
        self.encode_time += end - metered;
        written
    }
}

/// Renders the programme once through `opts.chain` and measures the result.
pub fn run_pass(
    input: &InputAudio,
    sample_rate_hz: u32,
    channels: usize,
    opts: PassOptions<'_>,
) -> Result<PassOutput, RenderError> {
    let begin = Instant::now();
    let fs = f64::from(sample_rate_hz);
    let mut chain = MasteringChain::new(opts.chain);
    chain.prepare(&ProcessSpec::new(fs, BLOCK_FRAMES, channels));
    chain.reset();
    let latency = chain.latency_samples();
    let gain_reduction = opts.gain_reduction && opts.chain.limiter.is_some();
    let hop = ((fs / HISTORY_RATE_HZ).round() as u64).max(1);

    let reader = match input {
        InputAudio::File(path) => {
            Reader::File(AudioSource::open(path).map_err(RenderError::Input)?)
        }
        InputAudio::Memory(data) => Reader::Memory { data, pos: 0 },
    };
    let mut decode = DecodeStage {
        reader,
        reading: true,
        tail_frames: u64::from(latency),
        progress: opts.progress,
        time: Duration::ZERO,
    };
    let mut dsp = DspStage {
        chain,
        gr: gain_reduction.then(|| GrCollector::new(hop)),
        segment_gains: vec![1.0; BLOCK_FRAMES.div_ceil(GR_BLOCK_FRAMES)],
        latency: u64::from(latency),
        out_frames: 0,
        channels,
        detailed_timing: opts.detailed_timing,
        chain_time: Duration::ZERO,
        statistics_time: Duration::ZERO,
    };
    let mut output = OutputStage {
        analyzer: Analyzer::new(sample_rate_hz, channels),
        quantise_bits: opts.quantise_bits,
        sink: opts.sink,
        channels,
        quantise_time: Duration::ZERO,
        metering_time: Duration::ZERO,
        encode_time: Duration::ZERO,
    };

    if opts.parallel {
        run_parallel(&mut decode, &mut dsp, &mut output, channels)?;
    } else {
        let mut block = Block::new(channels);
        while decode.fill(&mut block).map_err(RenderError::Input)? {
            dsp.process(&mut block);
            output.consume(&mut block)?;
        }
    }

    let frames = output.analyzer.frames();
    let stages = StageTimes {
        decode: decode.time,
        chain: dsp.chain_time,
        statistics: dsp.statistics_time,
        quantise: output.quantise_time,
        metering: output.metering_time,
        encode: output.encode_time,
        wall: Duration::ZERO,
        parallel: opts.parallel,
    };
    let gain_reduction = dsp.gr.map(GrCollector::finish);
    let (reading, history) = output.analyzer.finish();
    Ok(PassOutput {
        reading,
        history,
        gain_reduction,
        frames,
        latency_samples: latency,
        stages: StageTimes {
            wall: begin.elapsed(),
            ..stages
        },
    })
}

/// Runs decode and output on scoped threads and the DSP on this one, joined by bounded queues.
///
/// Shutdown: each stage stops when its input queue closes or its output queue's receiver is gone,
/// and drops its ends, so an error anywhere winds the others down. An input error wins over an
/// output error (as in the sequential path, where reading comes first); a panic is passed on.
fn run_parallel(
    decode: &mut DecodeStage<'_>,
    dsp: &mut DspStage,
    output: &mut OutputStage<'_>,
    channels: usize,
) -> Result<(), RenderError> {
    let (free_tx, free_rx): (SyncSender<Block>, Receiver<Block>) = sync_channel(POOL_BLOCKS);
    let (decoded_tx, decoded_rx) = sync_channel::<Block>(POOL_BLOCKS);
    let (limited_tx, limited_rx) = sync_channel::<Block>(POOL_BLOCKS);
    for _ in 0..POOL_BLOCKS {
        // The queue holds the whole pool, so this never blocks.
        let _ = free_tx.send(Block::new(channels));
    }
    std::thread::scope(|scope| {
        let decoder = scope.spawn(move || -> Result<(), AudioError> {
            while let Ok(mut block) = free_rx.recv() {
                if !decode.fill(&mut block)? || decoded_tx.send(block).is_err() {
                    break;
                }
            }
            Ok(())
        });
        let writer = scope.spawn(move || -> Result<(), RenderError> {
            while let Ok(mut block) = limited_rx.recv() {
                output.consume(&mut block)?;
                // The decoder may have finished and gone: then the block is simply dropped.
                let _ = free_tx.send(block);
            }
            Ok(())
        });
        while let Ok(mut block) = decoded_rx.recv() {
            dsp.process(&mut block);
            if limited_tx.send(block).is_err() {
                break;
            }
        }
        drop(limited_tx);
        drop(decoded_rx);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let decoded = decoder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        decoded.map_err(RenderError::Input)?;
        written
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio_io::{OutputContainer, OutputFormat};
    use dsp_core::dynamics::{Dither, LimiterSettings};

    /// Renders `programme` to a temporary WAV file, returning its bytes and the pass's results.
    fn render(programme: &[Vec<f32>], parallel: bool, tag: &str) -> (Vec<u8>, PassOutput) {
        let path = std::env::temp_dir().join(format!(
            "vernis-pass-{tag}-{parallel}-{}.wav",
            std::process::id()
        ));
        let mut sink =
            AudioSink::create(&path, OutputContainer::Wav, OutputFormat::Wav16, 2, 48_000).unwrap();
        let input = InputAudio::Memory(programme.to_vec());
        let out = run_pass(
            &input,
            48_000,
            2,
            PassOptions {
                chain: ChainSettings {
                    eq: None,
                    multiband: Some(Default::default()),
                    pre_gain_db: -1.5,
                    limiter: Some(LimiterSettings {
                        input_gain_db: 9.0,
                        dither: Dither::Bits16Shaped,
                        ..LimiterSettings::default()
                    }),
                },
                quantise_bits: Some(16),
                gain_reduction: true,
                sink: Some(&mut sink),
                progress: None,
                parallel,
                detailed_timing: parallel,
            },
        )
        .unwrap();
        sink.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        (bytes, out)
    }

    #[test]
    fn parallel_pass_writes_the_same_bytes_as_the_single_threaded_one() {
        // 3.1 s: many more blocks than the pool holds, and a last block shorter than the rest.
        let frames = 148_813;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        };
        let programme: Vec<Vec<f32>> = (0..2)
            .map(|_| {
                (0..frames)
                    .map(|i| 0.5 * noise() * (i as f32 * 1e-4).sin())
                    .collect()
            })
            .collect();
        let (single, a) = render(&programme, false, "identity");
        for run in 0..3 {
            let (parallel, b) = render(&programme, true, "identity");
            assert!(single == parallel, "run {run}: output bytes differ");
            assert_eq!(a.frames, b.frames);
            assert_eq!(a.frames, frames as u64);
            assert_eq!(a.reading, b.reading);
            assert_eq!(a.history, b.history);
            assert_eq!(a.gain_reduction, b.gain_reduction);
        }
        assert!(a.gain_reduction.unwrap().max_db > 1.0, "the test limits");
    }
}
