//! The IIR band trees of the band splitter ([`crate::filter::crossover`]) and the kernels that run
//! them.
//!
//! The MinimumPhase tree is written once, in [`tree`], against [`TreeOps`]. Run on responses it
//! gives [`crate::filter::crossover::BandSplitter::band_response`]; recorded on slot numbers it
//! gives a [`Program`]: the operations sorted into levels (an operation's level is the depth of its
//! input), two operations of a kind per level packed into one four-lane operation ([`F4`]). A level
//! then costs one recursion latency per sample whatever it holds, instead of one per operation,
//! which is what makes the tree fast: the per-sample work of a level is a few dozen vector
//! instructions, and its loop-carried path one multiply and one subtraction.
//!
//! Audio runs in runs of at most [`RUN`] samples per channel pair: the input goes to slot 0, each
//! level reads its input slots, runs its packed split and/or all-pass over the run (state in
//! registers), and writes its output slots; the bands are slots.

use std::ops::{Mul, Sub};

use super::crossover_settings::{MAX_BANDS, MAX_CROSSOVERS};
use super::linkwitz_riley::{Complex, LrCoefs, LrState, F4};

/// Longest run processed at once, samples (a multiple of the crossover-smoothing step).
pub const RUN: usize = 64;
/// Most levels a tree has (6 bands).
pub const MAX_LEVELS: usize = 5;
/// Signal slots: the input, two per split, one per all-pass, a zero source and a sink.
const MAX_SLOTS: usize = 1 + 2 * MAX_CROSSOVERS + 6 + 2;
/// Slot that always holds zeros (input of an unused half of a packed operation).
const ZERO_SLOT: usize = MAX_SLOTS - 1;
/// Slot that unused halves write to.
const SINK_SLOT: usize = MAX_SLOTS - 2;
/// Packed lowpasses of DynamicPhase (two crossovers each).
pub const MAX_DYNAMIC: usize = MAX_CROSSOVERS.div_ceil(2);

/// What a band tree is built from: a split at a crossover and an all-pass of a crossover.
pub trait TreeOps {
    /// A signal (a sample, a response, a slot).
    type Signal: Copy;
    /// Splits `x` at `crossover` into (low, high).
    fn split(&mut self, crossover: usize, x: Self::Signal) -> (Self::Signal, Self::Signal);
    /// The all-pass of `crossover` applied to `x`.
    fn allpass(&mut self, crossover: usize, x: Self::Signal) -> Self::Signal;
}

/// The MinimumPhase tree for `bands` bands: a balanced tree of splits, each branch passed through
/// the all-passes of the crossovers on the other side, so every band carries all the all-passes.
pub fn tree<T: TreeOps>(t: &mut T, bands: usize, x: T::Signal, out: &mut [T::Signal; MAX_BANDS]) {
    match bands {
        1 => out[0] = x,
        2 => (out[0], out[1]) = t.split(0, x),
        3 => {
            let (l, h) = t.split(0, x);
            out[0] = t.allpass(1, l);
            (out[1], out[2]) = t.split(1, h);
        }
        4 => {
            let (l, h) = t.split(1, x);
            let l = t.allpass(2, l);
            let h = t.allpass(0, h);
            (out[0], out[1]) = t.split(0, l);
            (out[2], out[3]) = t.split(2, h);
        }
        5 => {
            let (l, h) = t.split(1, x);
            let l = t.allpass(2, l);
            let l = t.allpass(3, l);
            let h = t.allpass(0, h);
            (out[0], out[1]) = t.split(0, l);
            let (m, hh) = t.split(2, h);
            out[2] = t.allpass(3, m);
            (out[3], out[4]) = t.split(3, hh);
        }
        _ => {
            let (l, h) = t.split(2, x);
            let l = t.allpass(3, l);
            let l = t.allpass(4, l);
            let h = t.allpass(0, h);
            let h = t.allpass(1, h);
            let (ll, m) = t.split(1, l);
            out[2] = t.allpass(0, m);
            (out[0], out[1]) = t.split(0, ll);
            let (hl, hh) = t.split(4, h);
            out[5] = t.allpass(3, hh);
            (out[3], out[4]) = t.split(3, hl);
        }
    }
}

/// The tree on frequency responses (lowpass and all-pass of each crossover).
pub struct ResponseRun {
    /// Lowpass response of each crossover.
    pub lowpass: [Complex; MAX_CROSSOVERS],
    /// All-pass response of each crossover.
    pub allpass: [Complex; MAX_CROSSOVERS],
}

impl TreeOps for ResponseRun {
    type Signal = Complex;
    fn split(&mut self, crossover: usize, x: Complex) -> (Complex, Complex) {
        let lp = self.lowpass[crossover];
        let hp = self.allpass[crossover].sub(lp);
        (x.mul(lp), x.mul(hp))
    }
    fn allpass(&mut self, crossover: usize, x: Complex) -> Complex {
        x.mul(self.allpass[crossover])
    }
}

/// One node of a packed operation: crossover, input slot, output slots (`hi` unused by all-passes).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// Crossover index.
    pub crossover: usize,
    input: usize,
    lo: usize,
    hi: usize,
}

impl Default for Node {
    fn default() -> Self {
        Self {
            crossover: usize::MAX,
            input: ZERO_SLOT,
            lo: SINK_SLOT,
            hi: SINK_SLOT,
        }
    }
}

/// One level: up to two splits and two all-passes, each kind packed into one four-lane operation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Level {
    /// Split nodes (lanes 0-1, 2-3).
    pub splits: [Node; 2],
    /// Used split nodes.
    pub split_count: usize,
    /// All-pass nodes (lanes 0-1, 2-3).
    pub allpasses: [Node; 2],
    /// Used all-pass nodes.
    pub allpass_count: usize,
}

/// The MinimumPhase tree of one band count as levels of packed operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Program {
    /// Levels in order.
    pub levels: [Level; MAX_LEVELS],
    /// Used levels.
    pub level_count: usize,
    band_slots: [usize; MAX_BANDS],
    pub(super) bands: usize,
}

/// Records [`tree`] on slot numbers.
struct Recorder {
    program: Program,
    depth: [usize; MAX_SLOTS],
    next_slot: usize,
}

impl Recorder {
    fn slot(&mut self, depth: usize) -> usize {
        let s = self.next_slot;
        self.next_slot += 1;
        self.depth[s] = depth;
        s
    }
}

impl TreeOps for Recorder {
    type Signal = usize;
    fn split(&mut self, crossover: usize, x: usize) -> (usize, usize) {
        let level = self.depth[x];
        let (lo, hi) = (self.slot(level + 1), self.slot(level + 1));
        let l = &mut self.program.levels[level];
        l.splits[l.split_count] = Node {
            crossover,
            input: x,
            lo,
            hi,
        };
        l.split_count += 1;
        self.program.level_count = self.program.level_count.max(level + 1);
        (lo, hi)
    }
    fn allpass(&mut self, crossover: usize, x: usize) -> usize {
        let level = self.depth[x];
        let lo = self.slot(level + 1);
        let l = &mut self.program.levels[level];
        l.allpasses[l.allpass_count] = Node {
            crossover,
            input: x,
            lo,
            hi: SINK_SLOT,
        };
        l.allpass_count += 1;
        self.program.level_count = self.program.level_count.max(level + 1);
        lo
    }
}

impl Program {
    /// The program of the tree for `bands` (1..=6).
    pub fn new(bands: usize) -> Self {
        let mut r = Recorder {
            program: Program::default(),
            depth: [0; MAX_SLOTS],
            next_slot: 1,
        };
        let mut out = [0usize; MAX_BANDS];
        tree(&mut r, bands, 0, &mut out);
        r.program.band_slots = out;
        r.program.bands = bands;
        r.program
    }
}

/// The IIR state of one channel pair: one packed split and all-pass per level, and the packed
/// lowpasses of DynamicPhase.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairState {
    pub(super) splits: [LrState; MAX_LEVELS],
    pub(super) allpasses: [LrState; MAX_LEVELS],
    lowpasses: [LrState; MAX_DYNAMIC],
}

impl PairState {
    /// Largest magnitude of the states `program` uses (in `dynamic` mode or not, `sections`
    /// biquads per LR half), or infinity if any is non-finite.
    pub fn magnitude(&self, program: &Program, dynamic: bool, sections: usize) -> f64 {
        let (mut max, mut sum) = ([0.0; 4], [0.0; 4]);
        if dynamic {
            for s in &self.lowpasses[..(program.bands - 1).div_ceil(2)] {
                s.accumulate(sections, &mut max, &mut sum);
            }
        } else {
            for (l, level) in program.levels[..program.level_count].iter().enumerate() {
                if level.split_count > 0 {
                    self.splits[l].accumulate(sections, &mut max, &mut sum);
                }
                if level.allpass_count > 0 {
                    self.allpasses[l].accumulate(sections, &mut max, &mut sum);
                }
            }
        }
        if sum.iter().all(|v| v.is_finite()) {
            max.iter().fold(0.0, |m, &v| m.max(v))
        } else {
            f64::INFINITY
        }
    }
}

/// Runtime coefficients: per level the packed split and all-pass, and the packed lowpasses.
#[derive(Debug, Clone, Copy, Default)]
pub struct TreeCoefs {
    /// Packed split of each level.
    pub splits: [LrCoefs; MAX_LEVELS],
    /// Packed all-pass of each level.
    pub allpasses: [LrCoefs; MAX_LEVELS],
    /// Packed DynamicPhase lowpasses (crossovers 2k and 2k+1).
    pub lowpasses: [LrCoefs; MAX_DYNAMIC],
}

/// Signal slots of one run, two lanes (the channel pair) each.
pub type SlotArray = [[[f64; 2]; RUN]; MAX_SLOTS];

/// Signal slots and the packed buffers of one run (kept between runs so nothing is cleared per
/// run).
#[derive(Debug, Clone)]
pub struct Slots {
    /// The slots; slot 0 is the input.
    pub slots: SlotArray,
    packed: [[F4; RUN]; 5],
    lowpassed: [[F4; RUN]; MAX_DYNAMIC],
}

/// A new set of slots (all zero).
pub fn new_slots() -> Slots {
    Slots {
        slots: [[[0.0; 2]; RUN]; MAX_SLOTS],
        packed: [[F4::default(); RUN]; 5],
        lowpassed: [[F4::default(); RUN]; MAX_DYNAMIC],
    }
}

/// Slot of band `band`'s output.
pub fn band_slot(program: &Program, dynamic: bool, band: usize) -> usize {
    if dynamic {
        1 + band
    } else {
        program.band_slots[band]
    }
}

#[inline(always)]
fn gather(slots: &SlotArray, a: usize, b: usize, n: usize, x: &mut [F4; RUN]) {
    for (i, v) in x.iter_mut().enumerate().take(n) {
        let (p, q) = (slots[a][i], slots[b][i]);
        *v = F4([p[0], p[1], q[0], q[1]]);
    }
}

#[inline(always)]
fn scatter(slots: &mut SlotArray, a: usize, b: usize, n: usize, y: &[F4; RUN]) {
    for (i, v) in y.iter().enumerate().take(n) {
        slots[a][i] = [v.0[0], v.0[1]];
    }
    for (i, v) in y.iter().enumerate().take(n) {
        slots[b][i] = [v.0[2], v.0[3]];
    }
}

/// One level over `n` samples: the packed split and/or all-pass in one loop, states in registers.
#[inline(always)]
fn run_level<const S: usize, const SPLIT: bool, const ALLPASS: bool>(
    level: &Level,
    state: (&mut LrState, &mut LrState),
    coefs: (&LrCoefs, &LrCoefs),
    slots: &mut Slots,
    n: usize,
) {
    let (sp, ap) = (level.splits, level.allpasses);
    let Slots { slots, packed, .. } = slots;
    let [xs, xa, lo, hi, ya] = packed;
    if SPLIT {
        gather(slots, sp[0].input, sp[1].input, n, xs);
    }
    if ALLPASS {
        gather(slots, ap[0].input, ap[1].input, n, xa);
    }
    let (mut ss, mut sa) = (*state.0, *state.1);
    for i in 0..n {
        if SPLIT {
            (lo[i], hi[i]) = ss.split::<S>(coefs.0, xs[i]);
        }
        if ALLPASS {
            ya[i] = sa.allpass::<S>(coefs.1, xa[i]);
        }
    }
    (*state.0, *state.1) = (ss, sa);
    if SPLIT {
        scatter(slots, sp[0].lo, sp[1].lo, n, lo);
        scatter(slots, sp[0].hi, sp[1].hi, n, hi);
    }
    if ALLPASS {
        scatter(slots, ap[0].lo, ap[1].lo, n, ya);
    }
}

/// Runs the MinimumPhase program (`dynamic` false) or the DynamicPhase lowpasses over the `n`
/// input samples in slot 0; band `b` is then in slot [`band_slot`].
#[inline(always)]
fn run_body<const S: usize>(
    program: &Program,
    dynamic: bool,
    state: &mut PairState,
    coefs: &TreeCoefs,
    slots: &mut Slots,
    n: usize,
) {
    if dynamic {
        let count = program.bands - 1;
        let packs = count.div_ceil(2);
        let Slots {
            slots,
            packed,
            lowpassed: y,
        } = slots;
        let x = &mut packed[0];
        gather(slots, 0, 0, n, x);
        let mut st = state.lowpasses;
        for i in 0..n {
            for k in 0..MAX_DYNAMIC {
                if k < packs {
                    y[k][i] = st[k].lowpass::<S>(&coefs.lowpasses[k], x[i]);
                }
            }
        }
        state.lowpasses = st;
        // band_k = L_k − L_{k−1} (L_{−1} = 0, L_count = x) into slots 1..=bands.
        for i in 0..n {
            let mut below = [0.0; 2];
            for k in 0..count {
                let v = &y[k / 2][i].0[(k % 2) * 2..(k % 2) * 2 + 2];
                slots[1 + k][i] = [v[0] - below[0], v[1] - below[1]];
                below = [v[0], v[1]];
            }
            let x = slots[0][i];
            slots[1 + count][i] = [x[0] - below[0], x[1] - below[1]];
        }
        return;
    }
    for (l, level) in program.levels[..program.level_count].iter().enumerate() {
        let st = (&mut state.splits[l], &mut state.allpasses[l]);
        let c = (&coefs.splits[l], &coefs.allpasses[l]);
        match (level.split_count > 0, level.allpass_count > 0) {
            (true, true) => run_level::<S, true, true>(level, st, c, slots, n),
            (true, false) => run_level::<S, true, false>(level, st, c, slots, n),
            (false, true) => run_level::<S, false, true>(level, st, c, slots, n),
            (false, false) => {}
        }
    }
}

/// `run_body` in the widest build the CPU runs (AVX2 on x86-64 when present; the same
/// operations in the same order, so the results are bit-identical either way).
pub fn run(
    sections: usize,
    program: &Program,
    dynamic: bool,
    state: &mut PairState,
    coefs: &TreeCoefs,
    slots: &mut Slots,
    n: usize,
) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn wide<const S: usize>(
            p: &Program,
            d: bool,
            st: &mut PairState,
            c: &TreeCoefs,
            sl: &mut Slots,
            n: usize,
        ) {
            run_body::<S>(p, d, st, c, sl, n)
        }
        if crate::simd::detect() >= crate::simd::SimdLevel::Avx2 {
            // SAFETY: detect() reported AVX2 on this CPU.
            unsafe {
                if sections == 1 {
                    wide::<1>(program, dynamic, state, coefs, slots, n)
                } else {
                    wide::<2>(program, dynamic, state, coefs, slots, n)
                }
            }
            return;
        }
    }
    if sections == 1 {
        run_body::<1>(program, dynamic, state, coefs, slots, n)
    } else {
        run_body::<2>(program, dynamic, state, coefs, slots, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_pack_every_operation() {
        for bands in 1..=MAX_BANDS {
            let p = Program::new(bands);
            let splits: usize = p.levels.iter().map(|l| l.split_count).sum();
            assert_eq!(splits, bands - 1);
            assert!(p.level_count <= MAX_LEVELS);
        }
        assert_eq!(Program::new(4).level_count, 3);
        assert_eq!(Program::new(6).level_count, 5);
    }
}
