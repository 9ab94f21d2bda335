//! Envelope building blocks with fixed capacity: sliding minimum (hold), release follower and box average.

/// Minimum of the last `window` values, O(1) amortised per sample (monotonic queue in a ring).
#[derive(Debug, Clone, Default)]
pub struct SlidingMinimum {
    values: Vec<f32>,
    stamps: Vec<u64>,
    head: usize,
    len: usize,
    now: u64,
    window: usize,
}

impl SlidingMinimum {
    /// Allocates room for windows of up to `max_window` samples.
    pub fn with_capacity(max_window: usize) -> Self {
        Self {
            values: vec![0.0; max_window.max(1)],
            stamps: vec![0; max_window.max(1)],
            window: 1,
            ..Self::default()
        }
    }

    /// Sets the window length (clamped to the capacity); takes effect as values arrive.
    pub fn set_window(&mut self, window: usize) {
        self.window = window.clamp(1, self.values.len());
    }

    /// Empties the queue.
    pub fn reset(&mut self) {
        self.head = 0;
        self.len = 0;
        self.now = 0;
    }

    /// Copies another queue's state into this one without allocating (both must share a capacity).
    pub fn copy_from(&mut self, other: &Self) {
        self.values.copy_from_slice(&other.values);
        self.stamps.copy_from_slice(&other.stamps);
        self.head = other.head;
        self.len = other.len;
        self.now = other.now;
        self.window = other.window;
    }

    /// Pushes `value` and returns the minimum of the last `window` values (values before reset count as +inf).
    #[inline]
    pub fn push(&mut self, value: f32) -> f32 {
        let cap = self.values.len();
        let wrap = |i: usize| if i >= cap { i - cap } else { i };
        // Drop larger-or-equal values from the back: they can never be the minimum again.
        while self.len > 0 && self.values[wrap(self.head + self.len - 1)] >= value {
            self.len -= 1;
        }
        // Drop the front if it left the window.
        while self.len > 0 && self.now - self.stamps[self.head] >= self.window as u64 {
            self.head = wrap(self.head + 1);
            self.len -= 1;
        }
        if self.len == cap {
            // Only possible when the window shrank; the oldest entry is the first to go.
            self.head = wrap(self.head + 1);
            self.len -= 1;
        }
        let slot = wrap(self.head + self.len);
        self.values[slot] = value;
        self.stamps[slot] = self.now;
        self.len += 1;
        self.now += 1;
        self.values[self.head]
    }
}

/// Moving average over the last `length` values, with an exact re-sum once per cycle against drift.
#[derive(Debug, Clone, Default)]
pub struct BoxAverage {
    ring: Vec<f32>,
    pos: usize,
    length: usize,
    sum: f64,
    since_resum: usize,
}

impl BoxAverage {
    /// Allocates room for averages of up to `max_length` samples.
    pub fn with_capacity(max_length: usize) -> Self {
        Self {
            ring: vec![1.0; max_length.max(1)],
            length: 1,
            sum: 1.0,
            ..Self::default()
        }
    }

    /// Sets the length and refills the history with `value` (call at prepare/reset time).
    pub fn reset_to(&mut self, length: usize, value: f32) {
        self.length = length.clamp(1, self.ring.len());
        self.ring[..self.length].fill(value);
        self.pos = 0;
        self.sum = value as f64 * self.length as f64;
        self.since_resum = 0;
    }

    /// Copies another average's state into this one without allocating (both must share a capacity).
    pub fn copy_from(&mut self, other: &Self) {
        self.ring.copy_from_slice(&other.ring);
        self.pos = other.pos;
        self.length = other.length;
        self.sum = other.sum;
        self.since_resum = other.since_resum;
    }

    /// Current length.
    pub fn length(&self) -> usize {
        self.length
    }

    /// Pushes `value` and returns the mean of the last `length` values.
    #[inline]
    pub fn push(&mut self, value: f32) -> f32 {
        let old = self.ring[self.pos];
        self.ring[self.pos] = value;
        self.pos += 1;
        if self.pos == self.length {
            self.pos = 0;
        }
        self.since_resum += 1;
        if self.since_resum >= self.length {
            self.since_resum = 0;
            self.sum = self.ring[..self.length].iter().map(|&v| v as f64).sum();
        } else {
            self.sum += value as f64 - old as f64;
        }
        (self.sum / self.length as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_minimum_matches_brute_force() {
        let mut state = 12345u32;
        let values: Vec<f32> = (0..2000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1 << 24) as f32
            })
            .collect();
        for window in [1usize, 2, 7, 64] {
            let mut m = SlidingMinimum::with_capacity(64);
            m.set_window(window);
            for (i, &v) in values.iter().enumerate() {
                let got = m.push(v);
                let start = i.saturating_sub(window - 1);
                let expected = values[start..=i]
                    .iter()
                    .copied()
                    .fold(f32::INFINITY, f32::min);
                assert_eq!(got, expected, "window {window} at {i}");
            }
        }
    }

    #[test]
    fn box_average_is_the_mean_of_the_window() {
        let mut b = BoxAverage::with_capacity(16);
        b.reset_to(4, 1.0);
        let outs: Vec<f32> = [0.0, 0.0, 0.0, 0.0, 1.0]
            .iter()
            .map(|&v| b.push(v))
            .collect();
        assert_eq!(outs, vec![0.75, 0.5, 0.25, 0.0, 0.25]);
    }
}
