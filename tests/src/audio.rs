//! The audio-thread side: buffers and the [`AudioSession`] that calls `process()`.
//!
//! clack-host 0.2 has no safe in-place processing, so inputs and outputs are separate buffers.
//! All host buffers are allocated at activation for `max_frames`; a block uses a prefix of them.

use clack_host::events::event_types::{TransportEvent, TransportFlags};
use clack_host::events::{EventFlags, EventHeader};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};

use crate::error::{HarnessError, Result};
use crate::host::{AudioConfig, ParamChange, PortLayout, TestHost, TimedParamChange};

/// Value written into every output sample before `process()`: a quiet NaN with a recognisable
/// payload. A plugin that leaves output samples unwritten is caught by any finiteness or
/// equality check.
pub const UNWRITTEN: f32 = f32::from_bits(0x7FC5_A5A5);

/// Host-side buffers of one activation (allocated once, on the main thread).
pub struct ProcessBuffers {
    /// Input port → channel → `max_frames` samples.
    inputs: Vec<Vec<Vec<f32>>>,
    /// Output port → channel → `max_frames` samples.
    outputs: Vec<Vec<Vec<f32>>>,
    in_ports: AudioPorts,
    out_ports: AudioPorts,
    events: EventBuffer,
    out_events: EventBuffer,
    /// Steady sample counter; never decreases during an activation.
    steady_time: u64,
    /// Frames played since transport start (used for the transport position).
    transport_frames: u64,
    max_frames: usize,
}

impl ProcessBuffers {
    /// Buffers for `layout` with room for `max_frames` per block.
    pub fn new(layout: &PortLayout, max_frames: usize) -> Self {
        let make = |ports: &[u32]| -> Vec<Vec<Vec<f32>>> {
            ports
                .iter()
                .map(|&channels| vec![vec![0.0; max_frames]; channels as usize])
                .collect()
        };
        let total = |ports: &[u32]| ports.iter().map(|&c| c as usize).sum::<usize>();
        Self {
            inputs: make(&layout.inputs),
            outputs: make(&layout.outputs),
            // Exact capacities: clack-host 0.2's pointer fix-up after a reallocation of its
            // channel-pointer list is wrong for more than one port, so it must never reallocate.
            in_ports: AudioPorts::with_capacity(total(&layout.inputs), layout.inputs.len()),
            out_ports: AudioPorts::with_capacity(total(&layout.outputs), layout.outputs.len()),
            events: EventBuffer::with_capacity(1024),
            out_events: EventBuffer::with_capacity(1024),
            steady_time: 0,
            transport_frames: 0,
            max_frames,
        }
    }
}

/// A started audio processor plus its buffers, living on the audio thread for the duration of
/// one [`PluginHost::run_audio`](crate::PluginHost::run_audio) call.
pub struct AudioSession<'a> {
    processor: StartedPluginAudioProcessor<TestHost>,
    buffers: &'a mut ProcessBuffers,
    config: AudioConfig,
    layout: &'a PortLayout,
    playing: Option<bool>,
    blocks: u64,
}

impl<'a> AudioSession<'a> {
    pub(crate) fn new(
        processor: StartedPluginAudioProcessor<TestHost>,
        buffers: &'a mut ProcessBuffers,
        config: AudioConfig,
        layout: &'a PortLayout,
    ) -> Self {
        Self {
            processor,
            buffers,
            config,
            layout,
            playing: None,
            blocks: 0,
        }
    }

    pub(crate) fn into_stopped(self) -> StoppedPluginAudioProcessor<TestHost> {
        self.processor.stop_processing()
    }

    /// The activation's audio configuration.
    pub fn config(&self) -> AudioConfig {
        self.config
    }

    /// Channels of the main input port.
    pub fn input_channels(&self) -> usize {
        self.layout.main_input_channels()
    }

    /// Channels of the main output port.
    pub fn output_channels(&self) -> usize {
        self.layout.main_output_channels()
    }

    /// Number of `process()` calls made in this session.
    pub fn blocks_processed(&self) -> u64 {
        self.blocks
    }

    /// Sends no transport (`None`, a free-running host, the default) or a 120 BPM 4/4 transport
    /// that is stopped (`Some(false)`) or playing (`Some(true)`). Starting playback rewinds the
    /// song position to 0.
    pub fn set_transport(&mut self, playing: Option<bool>) {
        if playing == Some(true) && self.playing != Some(true) {
            self.buffers.transport_frames = 0;
        }
        self.playing = playing;
    }

    /// Calls the plugin's `reset()` (audio thread, while processing).
    pub fn reset(&mut self) {
        self.processor.reset();
    }

    fn transport_event(&self) -> Option<TransportEvent> {
        let playing = self.playing?;
        let seconds = self.buffers.transport_frames as f64 / self.config.sample_rate_hz;
        let tempo = 120.0;
        let beats = seconds * tempo / 60.0;
        let mut flags = TransportFlags::HAS_TEMPO
            | TransportFlags::HAS_BEATS_TIMELINE
            | TransportFlags::HAS_SECONDS_TIMELINE
            | TransportFlags::HAS_TIME_SIGNATURE;
        if playing {
            flags |= TransportFlags::IS_PLAYING;
        }
        let bar = (beats / 4.0).floor();
        Some(TransportEvent {
            header: EventHeader::new_core(0, EventFlags::empty()),
            flags,
            song_pos_beats: BeatTime::from_float(beats),
            song_pos_seconds: SecondsTime::from_float(seconds),
            tempo,
            tempo_inc: 0.0,
            loop_start_beats: BeatTime::from_int(0),
            loop_end_beats: BeatTime::from_int(0),
            loop_start_seconds: SecondsTime::from_int(0),
            loop_end_seconds: SecondsTime::from_int(0),
            bar_start: BeatTime::from_float(bar * 4.0),
            bar_number: bar as i32,
            time_signature_numerator: 4,
            time_signature_denominator: 4,
        })
    }

    /// Raw access: fills every output channel with [`UNWRITTEN`] and calls `process()` for
    /// `frames` frames on whatever the input buffers hold, with the given input events.
    /// Most tests want [`process`](Self::process) instead.
    pub fn process_raw(&mut self, frames: usize, events: &InputEvents) -> Result<ProcessStatus> {
        if frames == 0 || frames > self.buffers.max_frames {
            return Err(HarnessError::new(format!(
                "block of {frames} frames outside 1..={}",
                self.buffers.max_frames
            )));
        }
        let transport = self.transport_event();
        let b = &mut *self.buffers;
        for channel in b.outputs.iter_mut().flatten() {
            channel[..frames].fill(UNWRITTEN);
        }
        let inputs = b
            .in_ports
            .with_input_buffers(b.inputs.iter_mut().map(|port| {
                AudioPortBuffer {
                    latency: 0,
                    channels: AudioPortBufferType::f32_input_only(
                        port.iter_mut()
                            .map(|channel| InputChannel::variable(&mut channel[..frames])),
                    ),
                }
            }));
        let mut outputs = b
            .out_ports
            .with_output_buffers(b.outputs.iter_mut().map(|port| AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_output_only(
                    port.iter_mut().map(|channel| &mut channel[..frames]),
                ),
            }));
        b.out_events.clear();
        let status = self.processor.process(
            &inputs,
            &mut outputs,
            events,
            &mut b.out_events.as_output(),
            Some(b.steady_time),
            transport.as_ref(),
        );
        b.steady_time += frames as u64;
        if self.playing == Some(true) {
            b.transport_frames += frames as u64;
        }
        self.blocks += 1;
        status.map_err(|err| {
            HarnessError::new(format!(
                "process() failed at block {} ({frames} frames): {err}",
                self.blocks
            ))
        })
    }

    /// Processes one block: copies `input` (one slice per main-input channel, all the same
    /// length) into the plugin's main input, feeds silence to auxiliary inputs, sends `changes`
    /// (sorted by offset, offsets below the block length) as `ParamValueEvent`s, and copies the
    /// main output into `output`.
    pub fn process(
        &mut self,
        input: &[&[f32]],
        output: &mut [&mut [f32]],
        changes: &[ParamChange],
    ) -> Result<ProcessStatus> {
        let frames = input
            .first()
            .map(|c| c.len())
            .or_else(|| output.first().map(|c| c.len()))
            .ok_or_else(|| HarnessError::new("process() needs at least one channel"))?;
        if input.iter().any(|c| c.len() != frames) || output.iter().any(|c| c.len() != frames) {
            return Err(HarnessError::new(
                "all channels of a block must have the same length",
            ));
        }
        if input.len() != self.input_channels() || output.len() != self.output_channels() {
            return Err(HarnessError::new(format!(
                "block has {} in / {} out channels, plugin main ports have {} / {}",
                input.len(),
                output.len(),
                self.input_channels(),
                self.output_channels()
            )));
        }
        if changes.windows(2).any(|w| w[0].offset > w[1].offset)
            || changes.iter().any(|c| c.offset as usize >= frames)
        {
            return Err(HarnessError::new(
                "parameter changes must be sorted and inside the block",
            ));
        }
        if frames > self.buffers.max_frames {
            return Err(HarnessError::new(format!(
                "block of {frames} frames exceeds max {}",
                self.buffers.max_frames
            )));
        }
        let main_input = self.layout.main_input;
        for (port_index, port) in self.buffers.inputs.iter_mut().enumerate() {
            for (channel_index, channel) in port.iter_mut().enumerate() {
                match (Some(port_index) == main_input, input.get(channel_index)) {
                    (true, Some(source)) => channel[..frames].copy_from_slice(source),
                    _ => channel[..frames].fill(0.0),
                }
            }
        }
        let mut events = std::mem::take(&mut self.buffers.events);
        events.clear();
        for change in changes {
            events.push(&change.to_event());
        }
        let status = self.process_raw(frames, &events.as_input());
        self.buffers.events = events;
        let status = status?;
        if let Some(main_output) = self.layout.main_output {
            for (dest, source) in output.iter_mut().zip(&self.buffers.outputs[main_output]) {
                dest.copy_from_slice(&source[..frames]);
            }
        }
        Ok(status)
    }

    /// Processes a whole signal (`input[channel][frame]`) in consecutive blocks whose sizes are
    /// taken from `block_sizes` (cycled; each clamped to `max_frames` and to what is left), with
    /// `changes` (sorted by frame) delivered at their frame inside the right block. Returns the
    /// main output, same length as the input.
    pub fn process_signal(
        &mut self,
        input: &[Vec<f32>],
        block_sizes: &[usize],
        changes: &[TimedParamChange],
    ) -> Result<Vec<Vec<f32>>> {
        let total = input.first().map_or(0, Vec::len);
        if block_sizes.is_empty() || block_sizes.contains(&0) {
            return Err(HarnessError::new(
                "block sizes must be non-empty and positive",
            ));
        }
        if changes.windows(2).any(|w| w[0].frame > w[1].frame) {
            return Err(HarnessError::new(
                "parameter changes must be sorted by frame",
            ));
        }
        let mut output = vec![vec![0.0f32; total]; self.output_channels()];
        let mut sizes = block_sizes.iter().cycle();
        let mut block_changes = Vec::with_capacity(changes.len());
        let mut next_change = 0;
        let mut start = 0;
        while start < total {
            let size = (*sizes.next().unwrap_or(&1))
                .min(self.buffers.max_frames)
                .min(total - start);
            let end = start + size;
            block_changes.clear();
            while next_change < changes.len() && changes[next_change].frame < end {
                let change = changes[next_change];
                block_changes.push(ParamChange {
                    offset: change.frame.saturating_sub(start) as u32,
                    param_id: change.param_id,
                    value: change.value,
                });
                next_change += 1;
            }
            let in_slices: Vec<&[f32]> = input.iter().map(|c| &c[start..end]).collect();
            let mut out_slices: Vec<&mut [f32]> =
                output.iter_mut().map(|c| &mut c[start..end]).collect();
            self.process(&in_slices, &mut out_slices, &block_changes)?;
            start = end;
        }
        Ok(output)
    }
}
