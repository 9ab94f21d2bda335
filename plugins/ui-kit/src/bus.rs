//! Lock-free plumbing between an audio thread and an editor.
//!
//! * [`MeterBus`]: a fixed set of scalar meter values (`AtomicF32`, relaxed ordering). The audio
//!   thread stores, the editor loads; a plugin names the slots with its own constants.
//! * [`CommandFlag`]: a one-shot command from the editor to the audio thread (e.g. "reset").
//! * [`EditorOpen`]: whether an editor is open, so the audio thread publishes meters only then.
//! * [`HistoryRing`]: a fixed-capacity, single-producer history of `W`-wide points (e.g. momentary
//!   and short-term loudness every 100 ms) that the editor can copy out at any time.
//! * [`FrameClock`]: the audio thread's timer for publishing readings and recording history points
//!   at a fixed rate, in intervals that end exactly on frame boundaries.
//!
//! Everything is allocated once in the constructors; the producer side never allocates, locks or
//! frees.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use atomic_float::AtomicF32;

/// A fixed number of scalar meter values shared between the audio thread and an editor.
///
/// Slots are addressed by index; a plugin defines named constants for them. Values are written with
/// relaxed ordering: each slot is individually consistent, and a reader may see slots from two
/// neighbouring updates, which is invisible on a meter.
#[derive(Debug)]
pub struct MeterBus {
    slots: Box<[AtomicF32]>,
}

impl MeterBus {
    /// Creates a bus of `len` slots, all set to `initial`.
    pub fn new(len: usize, initial: f32) -> Self {
        Self {
            slots: (0..len).map(|_| AtomicF32::new(initial)).collect(),
        }
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the bus has no slots.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Stores `value` in slot `index` (ignored when out of range). Real-time safe.
    #[inline]
    pub fn set(&self, index: usize, value: f32) {
        if let Some(slot) = self.slots.get(index) {
            slot.store(value, Ordering::Relaxed);
        }
    }

    /// Stores an `f64` reading in slot `index`, narrowed to `f32` (`-inf` stays `-inf`).
    #[inline]
    pub fn set_f64(&self, index: usize, value: f64) {
        self.set(index, value as f32);
    }

    /// Loads slot `index`; `NaN` when out of range.
    #[inline]
    pub fn get(&self, index: usize) -> f32 {
        self.slots
            .get(index)
            .map_or(f32::NAN, |slot| slot.load(Ordering::Relaxed))
    }

    /// Raises slot `index` to `value` if that is higher (a running maximum, e.g. the highest peak
    /// since the editor last looked). `NaN` is ignored. Real-time safe.
    #[inline]
    pub fn set_max(&self, index: usize, value: f32) {
        if let Some(slot) = self.slots.get(index) {
            if !value.is_nan() {
                slot.fetch_max(value, Ordering::Relaxed);
            }
        }
    }

    /// Loads slot `index` and replaces it with `reset` in one step (editor side of
    /// [`set_max`](Self::set_max): "highest value since I last asked"); `NaN` when out of range.
    #[inline]
    pub fn take(&self, index: usize, reset: f32) -> f32 {
        self.slots
            .get(index)
            .map_or(f32::NAN, |slot| slot.swap(reset, Ordering::Relaxed))
    }

    /// Sets every slot to `value`.
    pub fn fill(&self, value: f32) {
        for slot in self.slots.iter() {
            slot.store(value, Ordering::Relaxed);
        }
    }
}

/// A one-shot command raised by the editor and consumed by the audio thread.
#[derive(Debug, Default)]
pub struct CommandFlag(AtomicBool);

impl CommandFlag {
    /// Creates a flag that is not raised.
    pub const fn new() -> Self {
        Self(AtomicBool::new(false))
    }

    /// Raises the flag (editor side).
    pub fn request(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Returns whether the flag was raised and lowers it (audio side). Real-time safe.
    #[inline]
    pub fn take(&self) -> bool {
        // Cheap load first so the common case does not write the cache line.
        self.0.load(Ordering::Relaxed) && self.0.swap(false, Ordering::Acquire)
    }

    /// Whether the flag is raised, without consuming it.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Whether the plugin's editor is open: set by the editor when it opens and closes, read by the
/// audio thread to publish meters only while someone looks.
#[derive(Debug, Default)]
pub struct EditorOpen(AtomicBool);

impl EditorOpen {
    /// A flag saying "closed".
    pub const fn new() -> Self {
        Self(AtomicBool::new(false))
    }

    /// Records that the editor opened (`true`) or closed (`false`).
    pub fn set(&self, open: bool) {
        self.0.store(open, Ordering::Release);
    }

    /// Whether the editor is open. Real-time safe.
    #[inline]
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Fixed-capacity ring of `W`-wide `f32` points written by one producer (the audio thread) and read
/// by any number of readers (editors).
///
/// The producer calls [`push`](Self::push) and [`clear`](Self::clear); neither allocates. A reader
/// calls [`copy_recent`](Self::copy_recent), which returns the newest points in chronological order
/// and drops any point the producer may have overwritten while it was being copied.
#[derive(Debug)]
pub struct HistoryRing<const W: usize> {
    points: Box<[[AtomicF32; W]]>,
    /// Number of points pushed since the last clear (monotonic between clears).
    written: AtomicU64,
    /// Incremented on every clear so readers can tell a clear from wrap-around.
    epoch: AtomicU64,
}

impl<const W: usize> HistoryRing<W> {
    /// Creates a ring that keeps the newest `capacity` points (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            points: (0..capacity)
                .map(|_| std::array::from_fn(|_| AtomicF32::new(f32::NEG_INFINITY)))
                .collect(),
            written: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    /// Maximum number of points kept.
    pub fn capacity(&self) -> usize {
        self.points.len()
    }

    /// Number of points pushed since the last clear (may exceed the capacity).
    pub fn total_written(&self) -> u64 {
        self.written.load(Ordering::Acquire)
    }

    /// Number of clears so far; changes whenever the history restarts.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Number of points currently readable.
    pub fn len(&self) -> usize {
        (self.total_written() as usize).min(self.capacity())
    }

    /// Whether no point has been pushed since the last clear.
    pub fn is_empty(&self) -> bool {
        self.total_written() == 0
    }

    /// Appends a point, overwriting the oldest one when full. Producer only; real-time safe.
    #[inline]
    pub fn push(&self, point: [f32; W]) {
        let n = self.written.load(Ordering::Relaxed);
        let slot = &self.points[(n % self.points.len() as u64) as usize];
        for (cell, value) in slot.iter().zip(point) {
            cell.store(value, Ordering::Relaxed);
        }
        // Publishes the values stored above.
        self.written.store(n + 1, Ordering::Release);
    }

    /// Forgets every point. Producer only; real-time safe.
    pub fn clear(&self) {
        self.written.store(0, Ordering::Release);
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Replaces the contents of `out` with up to `max_points` of the newest points, oldest first.
    ///
    /// Returns the total number of points written at the time of the copy, so a caller can tell
    /// where the copy sits on the time axis. Reader only; allocates only when `out` grows.
    pub fn copy_recent(&self, max_points: usize, out: &mut Vec<[f32; W]>) -> u64 {
        out.clear();
        let capacity = self.points.len() as u64;
        let epoch_before = self.epoch();
        let end = self.written.load(Ordering::Acquire);
        let available = end.min(capacity).min(max_points as u64);
        let start = end - available;
        out.reserve(available as usize);
        for n in start..end {
            let slot = &self.points[(n % capacity) as usize];
            out.push(std::array::from_fn(|i| slot[i].load(Ordering::Relaxed)));
        }
        // Anything the producer wrapped over while we copied is unreliable: drop it from the front.
        let end_after = self.written.load(Ordering::Acquire);
        if self.epoch() != epoch_before || end_after < end {
            // Cleared while copying: the copy mixes two histories.
            out.clear();
            return end_after;
        }
        let overwritten_until = end_after.saturating_sub(capacity);
        if overwritten_until > start {
            let drop = ((overwritten_until - start) as usize).min(out.len());
            out.drain(..drop);
        }
        end
    }
}

/// Cuts the audio stream into intervals of a fractional number of frames (e.g. 44 100 Hz / 30 =
/// 1 470, 11 025 Hz / 10 = 1 102.5) that keep the rate exact on average: the audio thread measures
/// in pieces of at most [`frames_left`](Self::frames_left) frames and publishes a reading or records
/// a history point whenever [`advance`](Self::advance) says an interval ended. Real-time safe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameClock {
    /// Interval length in frames.
    interval: f64,
    /// Fraction of a frame carried over from the previous intervals.
    phase: f64,
    /// Frames until the current interval ends.
    frames_left: usize,
}

impl FrameClock {
    /// A clock ticking every `interval_frames` frames (at least one), starting an interval.
    pub fn new(interval_frames: f64) -> Self {
        let mut clock = Self {
            interval: interval_frames,
            phase: 0.0,
            frames_left: 0,
        };
        clock.restart();
        clock
    }

    /// Changes the interval length; takes effect from the next interval (or [`restart`](Self::restart)).
    pub fn set_interval(&mut self, interval_frames: f64) {
        self.interval = interval_frames;
    }

    /// Drops the carried fraction and starts a new interval now.
    pub fn restart(&mut self) {
        self.phase = 0.0;
        self.frames_left = self.next_interval();
    }

    /// Frames until the current interval ends (at least one).
    pub fn frames_left(&self) -> usize {
        self.frames_left
    }

    /// Counts `frames` (at most [`frames_left`](Self::frames_left)) as done; returns true when
    /// that ended the interval (the next one has then begun).
    pub fn advance(&mut self, frames: usize) -> bool {
        debug_assert!(frames <= self.frames_left);
        self.frames_left -= frames.min(self.frames_left);
        if self.frames_left > 0 {
            return false;
        }
        self.frames_left = self.next_interval();
        true
    }

    /// Length of the next interval in frames, keeping the interval exact on average.
    fn next_interval(&mut self) -> usize {
        self.phase += self.interval;
        let frames = self.phase.floor().max(1.0);
        self.phase -= frames;
        frames as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_newest_in_order() {
        let ring = HistoryRing::<2>::new(4);
        let mut out = Vec::new();
        assert_eq!(ring.copy_recent(10, &mut out), 0);
        assert!(out.is_empty());
        for i in 0..6 {
            ring.push([i as f32, -(i as f32)]);
        }
        assert_eq!(ring.len(), 4);
        assert_eq!(ring.copy_recent(10, &mut out), 6);
        assert_eq!(
            out,
            vec![[2.0, -2.0], [3.0, -3.0], [4.0, -4.0], [5.0, -5.0]]
        );
        ring.copy_recent(2, &mut out);
        assert_eq!(out, vec![[4.0, -4.0], [5.0, -5.0]]);
        let epoch = ring.epoch();
        ring.clear();
        assert!(ring.is_empty());
        assert_ne!(ring.epoch(), epoch);
        ring.copy_recent(10, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn bus_and_flag() {
        let bus = MeterBus::new(3, f32::NEG_INFINITY);
        bus.set(1, -14.0);
        bus.set(7, 1.0);
        assert_eq!(bus.get(1), -14.0);
        assert_eq!(bus.get(0), f32::NEG_INFINITY);
        assert!(bus.get(7).is_nan());
        bus.set_max(1, -20.0);
        assert_eq!(bus.get(1), -14.0);
        bus.set_max(1, -3.0);
        bus.set_max(1, f32::NAN);
        assert_eq!(bus.take(1, f32::NEG_INFINITY), -3.0);
        assert_eq!(bus.get(1), f32::NEG_INFINITY);
        bus.set_max(1, -40.0);
        assert_eq!(bus.get(1), -40.0);
        assert!(bus.take(9, 0.0).is_nan());
        let flag = CommandFlag::new();
        assert!(!flag.take());
        flag.request();
        assert!(flag.is_requested());
        assert!(flag.take());
        assert!(!flag.take());
    }

    #[test]
    fn frame_clock_keeps_fractional_rates_exact() {
        let mut clock = FrameClock::new(1_102.5);
        assert_eq!(clock.frames_left(), 1_102);
        let mut ticks = 0;
        let mut frames = 0;
        while frames < 110_250 {
            let len = clock.frames_left().min(64);
            frames += len;
            if clock.advance(len) {
                ticks += 1;
            }
        }
        assert_eq!(ticks, 100);
        clock.set_interval(1_600.0);
        clock.restart();
        assert_eq!(clock.frames_left(), 1_600);
        assert!(!clock.advance(1_599));
        assert!(clock.advance(1));
        assert_eq!(clock.frames_left(), 1_600);
    }
}
