//! Envelope building blocks with fixed capacity: sliding minimum (hold), release follower and box average.

/// Minimum of the last `window` values in O(1) per sample without branches on the data (van Herk /
/// Gil-Werman): time is cut into blocks of `window` samples; the minimum over a window is the
/// minimum of the running minimum of the current block and a suffix minimum of the previous one.
#[derive(Debug, Clone, Default)]
pub struct SlidingMinimum {
    /// Raw values of the current block (`pos` of them so far).
    current: Vec<f32>,
    /// Raw values of the previous block (`previous_len` of them; +inf padding counts as absent).
    previous: Vec<f32>,
    previous_len: usize,
    /// `suffix[j]` = minimum of the previous block from position `j` on; `suffix[window]` = +inf.
    suffix: Vec<f32>,
    /// Running minimum of the current block.
    prefix: f32,
    pos: usize,
    window: usize,
}

impl SlidingMinimum {
    /// Allocates room for windows of up to `max_window` samples.
    pub fn with_capacity(max_window: usize) -> Self {
        let cap = max_window.max(1);
        let mut m = Self {
            current: vec![f32::INFINITY; cap],
            previous: vec![f32::INFINITY; cap],
            suffix: vec![f32::INFINITY; cap + 1],
            window: 1,
            ..Self::default()
        };
        m.reset();
        m
    }

    /// Sets the window length (clamped to the capacity). From the next value on, the result is
    /// the minimum of the last `window` values pushed since reset (as far as the last two blocks
    /// remember them; older ones count as +inf).
    pub fn set_window(&mut self, window: usize) {
        let window = window.clamp(1, self.current.len());
        if window == self.window {
            return;
        }
        // The remembered history, oldest first, is `previous[..previous_len]` then
        // `current[..pos]`; its last `window` values (padded with +inf) become the previous block.
        let available = self.previous_len + self.pos;
        for j in 0..window {
            // Index into the remembered history of the value `window - j` back from now.
            let value = match (available + j).checked_sub(window) {
                Some(k) if k < self.previous_len => self.previous[k],
                Some(k) => self.current[k - self.previous_len],
                None => f32::INFINITY,
            };
            self.suffix[j] = value;
        }
        self.previous[..window].copy_from_slice(&self.suffix[..window]);
        self.previous_len = window;
        self.window = window;
        self.pos = 0;
        self.prefix = f32::INFINITY;
        self.finish_suffix();
    }

    /// Recomputes `suffix[..=window]` from `previous[..window]`.
    #[inline(always)]
    fn finish_suffix(&mut self) {
        let w = self.window;
        self.suffix[w] = f32::INFINITY;
        suffix_minimum(&self.previous[..w], &mut self.suffix[..w]);
    }

    /// Empties the history (every earlier value counts as +inf).
    pub fn reset(&mut self) {
        self.current.fill(f32::INFINITY);
        self.previous.fill(f32::INFINITY);
        self.suffix.fill(f32::INFINITY);
        self.previous_len = 0;
        self.prefix = f32::INFINITY;
        self.pos = 0;
    }

    /// Copies another queue's state into this one without allocating (both must share a capacity).
    pub fn copy_from(&mut self, other: &Self) {
        self.current.copy_from_slice(&other.current);
        self.previous.copy_from_slice(&other.previous);
        self.suffix.copy_from_slice(&other.suffix);
        self.previous_len = other.previous_len;
        self.prefix = other.prefix;
        self.pos = other.pos;
        self.window = other.window;
    }

    /// Pushes `value` and returns the minimum of the last `window` values (values before reset count as +inf).
    #[inline]
    pub fn push(&mut self, value: f32) -> f32 {
        let pos = self.pos;
        self.current[pos] = value;
        self.prefix = if value < self.prefix {
            value
        } else {
            self.prefix
        };
        let older = self.suffix[pos + 1];
        let out = if older < self.prefix {
            older
        } else {
            self.prefix
        };
        self.pos = pos + 1;
        if self.pos == self.window {
            std::mem::swap(&mut self.current, &mut self.previous);
            self.previous_len = self.window;
            self.pos = 0;
            self.prefix = f32::INFINITY;
            self.finish_suffix();
        }
        out
    }

    /// Replaces each value of `io` with the minimum of the last `window` values up to it.
    // Inlined so it is compiled in the caller's vector build.
    #[inline(always)]
    pub fn process(&mut self, io: &mut [f32]) {
        let mut start = 0;
        while start < io.len() {
            let w = self.window;
            let pos = self.pos;
            let m = (w - pos).min(io.len() - start);
            self.prefix = scan_piece(
                self.prefix,
                &mut io[start..start + m],
                &mut self.current[pos..pos + m],
                &self.suffix[pos + 1..pos + 1 + m],
            );
            self.pos = pos + m;
            if self.pos == w {
                std::mem::swap(&mut self.current, &mut self.previous);
                self.previous_len = w;
                self.pos = 0;
                self.prefix = f32::INFINITY;
                self.finish_suffix();
            }
            start += m;
        }
    }
}

impl SlidingMinimum {
    /// Runs two queues over `a` and `b` (same length), as [`process`](Self::process) on each;
    /// when both share the window and the block phase (as two queues reset and set alike do),
    /// they share the piece bookkeeping.
    #[inline(always)]
    pub fn process_pair(first: &mut Self, second: &mut Self, a: &mut [f32], b: &mut [f32]) {
        if first.window != second.window || first.pos != second.pos || a.len() != b.len() {
            first.process(a);
            second.process(b);
            return;
        }
        let mut start = 0;
        while start < a.len() {
            let w = first.window;
            let pos = first.pos;
            let m = (w - pos).min(a.len() - start);
            first.prefix = scan_piece(
                first.prefix,
                &mut a[start..start + m],
                &mut first.current[pos..pos + m],
                &first.suffix[pos + 1..pos + 1 + m],
            );
            second.prefix = scan_piece(
                second.prefix,
                &mut b[start..start + m],
                &mut second.current[pos..pos + m],
                &second.suffix[pos + 1..pos + 1 + m],
            );
            first.pos = pos + m;
            second.pos = pos + m;
            if first.pos == w {
                for q in [&mut *first, &mut *second] {
                    std::mem::swap(&mut q.current, &mut q.previous);
                    q.previous_len = w;
                    q.pos = 0;
                    q.prefix = f32::INFINITY;
                }
                Self::finish_suffix_pair(first, second);
            }
            start += m;
        }
    }

    /// [`finish_suffix`](Self::finish_suffix) of two queues.
    fn finish_suffix_pair(first: &mut Self, second: &mut Self) {
        first.finish_suffix();
        second.finish_suffix();
    }
}

/// Values of a piece whose running minimum is found by one in-register scan.
const SCAN: usize = 16;

/// One piece of a block (`io`, `current` and `older` of one length): stores the raw values in
/// `current`, replaces each value with `min(older, running minimum since the block start)` and
/// returns the running minimum, starting from `prefix`, exactly as the plain loop
/// `prefix = if v < prefix { v } else { prefix }` would. The running minimum is found [`SCAN`]
/// values at a time by a log-step scan plus one carry: the plain loop ignores NaN (as it does
/// +inf), so NaN is read as +inf, and keeping the older value on ties makes the combination
/// associative (it picks the first minimal value, as the loop does, even among ±0).
#[inline(always)]
fn scan_piece(mut prefix: f32, io: &mut [f32], current: &mut [f32], older: &[f32]) -> f32 {
    current.copy_from_slice(io);
    let mut blocks = io.chunks_exact_mut(SCAN);
    let mut olders = older.chunks_exact(SCAN);
    for (x, o) in (&mut blocks).zip(&mut olders) {
        let x: &mut [f32; SCAN] = x.try_into().expect("block");
        let mut v = x.map(|v| if v.is_nan() { f32::INFINITY } else { v });
        let mut step = 1;
        while step < SCAN {
            let mut shifted = [f32::INFINITY; SCAN];
            shifted[step..].copy_from_slice(&v[..SCAN - step]);
            for (v, &s) in v.iter_mut().zip(&shifted) {
                *v = if *v < s { *v } else { s };
            }
            step *= 2;
        }
        for ((x, &v), &o) in x.iter_mut().zip(&v).zip(o) {
            let p = if v < prefix { v } else { prefix };
            *x = if o < p { o } else { p };
        }
        let last = v[SCAN - 1];
        prefix = if last < prefix { last } else { prefix };
    }
    for (x, &o) in blocks.into_remainder().iter_mut().zip(olders.remainder()) {
        let v = *x;
        prefix = if v < prefix { v } else { prefix };
        *x = if o < prefix { o } else { prefix };
    }
    prefix
}

/// `out[j] = min(values[j..])` (exact, like a plain backward scan): the values are cut into four
/// segments whose backward scans run interleaved (independent chains keep the CPU busy), then
/// each segment is combined with the minimum of the segments after it.
#[inline(always)]
fn suffix_minimum(values: &[f32], out: &mut [f32]) {
    let n = values.len().min(out.len());
    let len = n / 4;
    let (v0, rest) = values[..n].split_at(len);
    let (v1, rest) = rest.split_at(len);
    let (v2, v3) = rest.split_at(len);
    let (o0, rest) = out[..n].split_at_mut(len);
    let (o1, rest) = rest.split_at_mut(len);
    let (o2, o3) = rest.split_at_mut(len);
    // The last segment holds the remainder as well: scan its extra values first.
    let mut m3 = f32::INFINITY;
    for (o, &v) in o3[len..].iter_mut().zip(&v3[len..]).rev() {
        m3 = if v < m3 { v } else { m3 };
        *o = m3;
    }
    let (mut m0, mut m1, mut m2) = (f32::INFINITY, f32::INFINITY, f32::INFINITY);
    for ((((a, b), c), d), (((&x0, &x1), &x2), &x3)) in o0
        .iter_mut()
        .zip(o1.iter_mut())
        .zip(o2.iter_mut())
        .zip(o3[..len].iter_mut())
        .zip(v0.iter().zip(v1).zip(v2).zip(&v3[..len]))
        .rev()
    {
        m0 = if x0 < m0 { x0 } else { m0 };
        m1 = if x1 < m1 { x1 } else { m1 };
        m2 = if x2 < m2 { x2 } else { m2 };
        m3 = if x3 < m3 { x3 } else { m3 };
        *a = m0;
        *b = m1;
        *c = m2;
        *d = m3;
    }
    // Combine right to left: each segment with the minimum of everything after it.
    let mut carry = f32::INFINITY;
    for part in [o3, o2, o1, o0] {
        for o in part.iter_mut() {
            *o = if carry < *o { carry } else { *o };
        }
        if let Some(&first) = part.first() {
            carry = first;
        }
    }
}

/// Fixed-point scale of [`BoxAverage`]'s running sum (2^32).
const BOX_SCALE: f64 = 4_294_967_296.0;
/// Magnitude [`BoxAverage`] clamps its values to, so a sum of [`BOX_MAX_LENGTH`] of them fits an `i64`.
const BOX_MAX_VALUE: f32 = 65_536.0;
/// Longest [`BoxAverage`] (2^14 samples, 42 ms at 384 kHz).
pub const BOX_MAX_LENGTH: usize = 1 << 14;
/// Values averaged per pass of [`BoxAverage::process`] (bounds its stack scratch).
const BOX_PIECE: usize = 64;

/// Moving average over the last `length` values, kept as an exact fixed-point sum (values are
/// truncated towards zero to multiples of 2^-32 and clamped to ±65 536), so it never drifts and
/// the result does not depend on how the values are split into blocks. Length 1 passes values through.
#[derive(Debug, Clone, Default)]
pub struct BoxAverage {
    /// The last `length` values, fixed point.
    ring: Vec<i64>,
    pos: usize,
    length: usize,
    /// `1 / (length · 2^32)`: turns the fixed-point sum into the mean.
    inverse_length: f64,
    sum: i64,
}

/// `value` in [`BoxAverage`]'s fixed point (NaN counts as 0).
#[inline(always)]
fn to_fixed(value: f32) -> i64 {
    (value.clamp(-BOX_MAX_VALUE, BOX_MAX_VALUE) as f64 * BOX_SCALE) as i64
}

impl BoxAverage {
    /// Allocates room for averages of up to `max_length` samples (at most [`BOX_MAX_LENGTH`]).
    pub fn with_capacity(max_length: usize) -> Self {
        let mut average = Self {
            ring: vec![0; max_length.clamp(1, BOX_MAX_LENGTH)],
            ..Self::default()
        };
        average.reset_to(1, 1.0);
        average
    }

    /// Sets the length and refills the history with `value` (call at prepare/reset time).
    pub fn reset_to(&mut self, length: usize, value: f32) {
        self.length = length.clamp(1, self.ring.len());
        self.inverse_length = 1.0 / (self.length as f64 * BOX_SCALE);
        let fixed = to_fixed(value);
        self.ring[..self.length].fill(fixed);
        self.pos = 0;
        self.sum = fixed * self.length as i64;
    }

    /// Copies another average's state into this one without allocating (both must share a capacity).
    pub fn copy_from(&mut self, other: &Self) {
        self.ring.copy_from_slice(&other.ring);
        self.pos = other.pos;
        self.length = other.length;
        self.inverse_length = other.inverse_length;
        self.sum = other.sum;
    }

    /// Current length.
    pub fn length(&self) -> usize {
        self.length
    }

    /// Pushes `value` and returns the mean of the last `length` values.
    #[inline]
    pub fn push(&mut self, value: f32) -> f32 {
        let mut io = [value];
        self.process(&mut io);
        io[0]
    }

    /// Replaces each value of `io` with the mean of the last `length` values up to it (as
    /// [`push`](Self::push) on each in turn).
    // Inlined so it is compiled in the caller's vector build.
    #[inline(always)]
    pub fn process(&mut self, io: &mut [f32]) {
        let len = self.length;
        if len == 1 {
            return;
        }
        let inverse = self.inverse_length;
        let mut start = 0;
        while start < io.len() {
            let m = (len - self.pos).min(io.len() - start).min(BOX_PIECE);
            let piece = &mut io[start..start + m];
            // Differences against the values leaving the window, then their running sum, then
            // the means: only the middle pass is serial, and it is one integer add per value.
            let mut sums = [0i64; BOX_PIECE];
            for ((d, r), &x) in sums[..m]
                .iter_mut()
                .zip(&mut self.ring[self.pos..self.pos + m])
                .zip(piece.iter())
            {
                let fixed = to_fixed(x);
                *d = fixed - *r;
                *r = fixed;
            }
            let mut sum = self.sum;
            for d in &mut sums[..m] {
                sum += *d;
                *d = sum;
            }
            self.sum = sum;
            for (x, &s) in piece.iter_mut().zip(&sums[..m]) {
                *x = (s as f64 * inverse) as f32;
            }
            self.pos += m;
            if self.pos == len {
                self.pos = 0;
            }
            start += m;
        }
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
    fn block_processing_matches_pushing_one_at_a_time() {
        let mut state = 777u32;
        let values: Vec<f32> = (0..3000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1 << 24) as f32
            })
            .collect();
        for window in [1usize, 3, 50, 200] {
            let (mut a, mut b) = (
                SlidingMinimum::with_capacity(256),
                SlidingMinimum::with_capacity(256),
            );
            let (mut c, mut d) = (
                BoxAverage::with_capacity(256),
                BoxAverage::with_capacity(256),
            );
            a.set_window(window);
            b.set_window(window);
            c.reset_to(window, 0.5);
            d.reset_to(window, 0.5);
            let pushed: Vec<(f32, f32)> = values.iter().map(|&v| (a.push(v), c.push(v))).collect();
            let (mut mins, mut means) = (values.clone(), values.clone());
            for (i, (m, e)) in mins.chunks_mut(37).zip(means.chunks_mut(37)).enumerate() {
                let k = 1 + i % 37;
                let (first, second) = m.split_at_mut(k.min(m.len()));
                b.process(first);
                b.process(second);
                d.process(e);
            }
            for (i, &(m, e)) in pushed.iter().enumerate() {
                assert_eq!((m, e), (mins[i], means[i]), "window {window} at {i}");
            }
        }
    }

    #[test]
    fn scanned_blocks_match_pushing_bit_for_bit_with_ties_zeros_and_nan() {
        let mut state = 99u32;
        let specials = [
            0.0,
            -0.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1.0,
            -1.0,
        ];
        let values: Vec<f32> = (0..4000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let r = state >> 8;
                // Few distinct values, so ties (and ±0 ties) are common.
                specials[r as usize % 7] * ((r >> 3) % 3) as f32
            })
            .collect();
        for window in [1usize, 2, 15, 16, 17, 64, 200] {
            let (mut a, mut b) = (
                SlidingMinimum::with_capacity(256),
                SlidingMinimum::with_capacity(256),
            );
            a.set_window(window);
            b.set_window(window);
            let pushed: Vec<u32> = values.iter().map(|&v| a.push(v).to_bits()).collect();
            let mut mins = values.clone();
            for (i, m) in mins.chunks_mut(101).enumerate() {
                let (first, second) = m.split_at_mut((7 * i + 1) % m.len().max(1));
                b.process(first);
                b.process(second);
            }
            let scanned: Vec<u32> = mins.iter().map(|v| v.to_bits()).collect();
            assert_eq!(pushed, scanned, "window {window}");
        }
    }

    #[test]
    fn segmented_suffix_minimum_is_exact() {
        let mut state = 5u32;
        let values: Vec<f32> = (0..103)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32
            })
            .collect();
        for n in 0..values.len() {
            let mut out = vec![0.0; n];
            suffix_minimum(&values[..n], &mut out);
            for j in 0..n {
                let expected = values[j..n].iter().copied().fold(f32::INFINITY, f32::min);
                assert_eq!(out[j], expected, "n {n} j {j}");
            }
        }
    }

    #[test]
    fn paired_processing_matches_single_queues() {
        let mut state = 4242u32;
        let mut noise = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / (1 << 24) as f32
        };
        let a: Vec<f32> = (0..3000).map(|_| noise()).collect();
        let b: Vec<f32> = (0..3000).map(|_| noise()).collect();
        for window in [1usize, 5, 100] {
            let mut queues: Vec<SlidingMinimum> =
                (0..4).map(|_| SlidingMinimum::with_capacity(128)).collect();
            for q in &mut queues {
                q.set_window(window);
            }
            let (mut a1, mut b1, mut a2, mut b2) = (a.clone(), b.clone(), a.clone(), b.clone());
            queues[0].process(&mut a1);
            queues[1].process(&mut b1);
            let (left, right) = queues.split_at_mut(3);
            for (ca, cb) in a2.chunks_mut(77).zip(b2.chunks_mut(77)) {
                SlidingMinimum::process_pair(&mut left[2], &mut right[0], ca, cb);
            }
            assert_eq!((a1, b1), (a2, b2), "window {window}");
        }
    }

    #[test]
    fn box_average_matches_a_brute_force_mean() {
        let mut state = 99u32;
        let values: Vec<f32> = (0..5000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1 << 24) as f32
            })
            .collect();
        for length in [2usize, 3, 64, 65, 1000] {
            let mut average = BoxAverage::with_capacity(1000);
            average.reset_to(length, 0.0);
            let mut means = values.clone();
            for block in means.chunks_mut(97) {
                average.process(block);
            }
            for (i, &got) in means.iter().enumerate() {
                let window = &values[(i + 1).saturating_sub(length)..=i];
                let expected = window.iter().map(|&v| v as f64).sum::<f64>() / length as f64;
                // Fixed point truncates each value by < 2^-32; the f32 result rounds by 2^-24.
                assert!(
                    (got as f64 - expected).abs() < 1e-7,
                    "length {length} at {i}: {got} vs {expected}"
                );
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
