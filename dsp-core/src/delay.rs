//! Fixed-capacity delay lines for lookahead and latency compensation.

use crate::processor::{ProcessSpec, Processor};

/// A multichannel integer delay whose capacity is fixed in `prepare`; changing the delay never allocates.
#[derive(Debug, Clone, Default)]
pub struct DelayLine {
    buffers: Vec<Vec<f32>>,
    write_pos: usize,
    delay_samples: usize,
    max_delay_samples: usize,
    /// The ring's outputs of one piece, saved before the piece overwrites them ([`PIECE`] samples,
    /// allocated in `prepare`: a stack array would be cleared on every call).
    saved: Vec<f32>,
}

/// Longest piece of a block [`DelayLine::process_channel`] moves at once, samples.
const PIECE: usize = 256;

impl DelayLine {
    /// A delay line able to delay by up to `max_delay_samples` once prepared.
    pub fn new(max_delay_samples: usize) -> Self {
        Self {
            max_delay_samples,
            ..Self::default()
        }
    }

    /// Sets the delay (clamped to the capacity); the history is kept, so a change is a jump, not a glide.
    pub fn set_delay_samples(&mut self, delay_samples: usize) {
        self.delay_samples = delay_samples.min(self.max_delay_samples);
    }

    /// Current delay in samples.
    pub fn delay_samples(&self) -> usize {
        self.delay_samples
    }

    /// Largest delay this line can hold.
    pub fn max_delay_samples(&self) -> usize {
        self.max_delay_samples
    }

    /// Fills the whole history with `value`, as if `value` had been the input forever.
    pub fn fill(&mut self, value: f32) {
        for b in &mut self.buffers {
            b.fill(value);
        }
    }

    /// Delays one channel in place: writes `io` into the line and replaces it with the delayed signal.
    ///
    /// Call it for every channel with blocks of the same length, then [`advance`](Self::advance) once.
    pub fn process_channel(&mut self, channel: usize, io: &mut [f32]) {
        let buffer = &mut self.buffers[channel];
        let len = buffer.len();
        let delay = self.delay_samples;
        let mut write = self.write_pos;
        // Pieces of at most `PIECE` samples: the first `delay` outputs of a piece come from the
        // ring (saved before the piece is written over them), the rest are the piece's own inputs.
        let saved = &mut self.saved[..PIECE];
        for piece in io.chunks_mut(PIECE) {
            let n = piece.len();
            let from_ring = delay.min(n);
            let read = (write + len - delay) % len;
            copy_from_ring(buffer, read, &mut saved[..from_ring]);
            // Only the last `len` inputs survive in the ring; each lands where it would have.
            let keep = n.min(len);
            let at = (write + n - keep) % len;
            copy_into_ring(buffer, at, &piece[n - keep..]);
            piece.copy_within(..n - from_ring, from_ring);
            piece[..from_ring].copy_from_slice(&saved[..from_ring]);
            write = (write + n) % len;
        }
    }

    /// Moves the write position on by `frames` after all channels of a block were processed.
    pub fn advance(&mut self, frames: usize) {
        if let Some(len) = self.buffers.first().map(Vec::len) {
            self.write_pos = (self.write_pos + frames) % len;
        }
    }
}

/// Copies `out.len()` (≤ ring length) samples of `ring` from `start` on, wrapping around.
fn copy_from_ring(ring: &[f32], start: usize, out: &mut [f32]) {
    let first = (ring.len() - start).min(out.len());
    let (a, b) = out.split_at_mut(first);
    a.copy_from_slice(&ring[start..start + first]);
    b.copy_from_slice(&ring[..b.len()]);
}

/// Copies `input` (≤ ring length) into `ring` from `start` on, wrapping around.
fn copy_into_ring(ring: &mut [f32], start: usize, input: &[f32]) {
    let first = (ring.len() - start).min(input.len());
    let (a, b) = input.split_at(first);
    ring[start..start + first].copy_from_slice(a);
    ring[..b.len()].copy_from_slice(b);
}

impl Processor for DelayLine {
    fn prepare(&mut self, spec: &ProcessSpec) {
        // One extra slot so that a delay of `max_delay_samples` reads what was written that long ago.
        self.buffers = vec![vec![0.0; self.max_delay_samples + 1]; spec.channels];
        self.saved = vec![0.0; PIECE];
        self.write_pos = 0;
    }

    fn reset(&mut self) {
        for b in &mut self.buffers {
            b.fill(0.0);
        }
        self.write_pos = 0;
    }

    fn latency_samples(&self) -> u32 {
        self.delay_samples as u32
    }

    fn process(&mut self, channels: &mut [&mut [f32]]) {
        let frames = channels.first().map_or(0, |c| c.len());
        for (ch, io) in channels.iter_mut().enumerate().take(self.buffers.len()) {
            self.process_channel(ch, io);
        }
        self.advance(frames);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impulse_comes_out_after_the_delay_whatever_the_blocks() {
        for delay in [0usize, 1, 7, 64] {
            for block in [1usize, 3, 50, 128] {
                let mut line = DelayLine::new(64);
                line.prepare(&ProcessSpec::new(48_000.0, 128, 2));
                line.set_delay_samples(delay);
                let mut signal = vec![0.0f32; 200];
                signal[5] = 1.0;
                let mut right = signal.clone();
                for (l, r) in signal.chunks_mut(block).zip(right.chunks_mut(block)) {
                    line.process(&mut [l, r]);
                }
                let at = signal.iter().position(|&x| x == 1.0).unwrap();
                assert_eq!(at, 5 + delay, "delay {delay}, block {block}");
                assert_eq!(signal, right);
                assert_eq!(line.latency_samples(), delay as u32);
            }
        }
    }

    #[test]
    fn blocks_longer_than_the_line_and_delay_changes_match_a_sample_by_sample_ring() {
        let mut line = DelayLine::new(10);
        line.prepare(&ProcessSpec::new(48_000.0, 600, 1));
        let mut ring = [0.0f32; 11];
        let mut write = 0;
        let mut t = 0.0f32;
        for (block, delay) in [
            (3usize, 4usize),
            (40, 10),
            (1, 0),
            (600, 7),
            (9, 10),
            (11, 3),
        ] {
            line.set_delay_samples(delay);
            let input: Vec<f32> = (0..block).map(|i| t + i as f32).collect();
            t += block as f32;
            let mut got = input.clone();
            line.process(&mut [&mut got[..]]);
            let expected: Vec<f32> = input
                .iter()
                .map(|&x| {
                    ring[write] = x;
                    let y = ring[(write + 11 - delay) % 11];
                    write = (write + 1) % 11;
                    y
                })
                .collect();
            assert_eq!(got, expected, "block {block}, delay {delay}");
        }
    }

    #[test]
    fn delay_is_clamped_to_capacity() {
        let mut line = DelayLine::new(10);
        line.set_delay_samples(100);
        assert_eq!(line.delay_samples(), 10);
    }
}
