//! The 4- and 6-band MinimumPhase trees of the band splitter ([`crate::filter::crossover`]) as
//! skewed pipelines: the same packed operations as the level-by-level [`crossover_tree::run`], in
//! the same order per node (bit-identical), with every level of a step independent of the others
//! and all states in registers; the input is read and the bands written directly. The AVX-512
//! build packs two of these four-lane operations per instruction (`crossover_pipeline512`).

#[cfg(target_arch = "x86_64")]
use super::crossover_pipeline512;
use super::crossover_settings::MAX_BANDS;
use super::crossover_tree::{PairState, Program, TreeCoefs, RUN};
use super::linkwitz_riley::{LrState, F4};

#[cfg(doc)]
use super::crossover_tree;

/// Where a MinimumPhase run reads its input and writes its bands.
pub struct PairIo<'a> {
    /// Input of the pair's first channel (`n` samples).
    pub left: &'a [f32],
    /// Input of the second channel, if the pair has one.
    pub right: Option<&'a [f32]>,
    /// Band buffers `[band][channel][frame]`.
    pub out: &'a mut [f32],
    /// Distance between two bands in `out`.
    pub band_stride: usize,
    /// Offsets in `out` of the first frame of band 0 of the two channels.
    pub offsets: [usize; 2],
}

/// Reads an input sample, non-finite and subnormal values as 0 (branch-free).
#[inline(always)]
pub fn sanitize(x: f32) -> f64 {
    let a = x.abs();
    if (f32::MIN_POSITIVE..=f32::MAX).contains(&a) {
        x as f64
    } else {
        0.0
    }
}

/// Packed outputs of one run, `[output][frame][lane]` (output `k` holds bands `k` and
/// `k + bands / 2`, two lanes each).
pub(super) type RunOut = [[[f32; 4]; RUN]; MAX_BANDS / 2];

/// Stores `v` rounded to `f32` as frame `i` of packed output `k`.
#[inline(always)]
pub(super) fn put(buf: &mut RunOut, i: usize, v: F4, k: usize) {
    buf[k][i] = v.0.map(|x| x as f32);
}

/// Input frame `i` of a pair in lanes 0-1 (lanes 2-3 zero: an unused node).
#[inline(always)]
pub(super) fn input(io: &PairIo, i: usize) -> F4 {
    let r = io.right.map_or(0.0, |r| sanitize(r[i]));
    F4([sanitize(io.left[i]), r, 0.0, 0.0])
}

/// The input frames of a run, a pair in lanes 0-1 (lanes 2-3 zero: an unused node).
pub(super) type Inputs = [F4; RUN];

/// The `n` input frames of `io`, sanitised ([`sanitize`]), in one pass before the tree runs.
#[inline(always)]
pub(super) fn inputs(io: &PairIo, n: usize) -> Inputs {
    let mut x = [F4::default(); RUN];
    let left = io.left[..n].iter();
    match io.right {
        Some(right) => {
            for (x, (&l, &r)) in x.iter_mut().zip(left.zip(&right[..n])) {
                *x = F4([sanitize(l), sanitize(r), 0.0, 0.0]);
            }
        }
        None => {
            for (x, &l) in x.iter_mut().zip(left) {
                *x = F4([sanitize(l), 0.0, 0.0, 0.0]);
            }
        }
    }
    x
}

/// Lanes 0-1 of `a` and lanes 0-1 of `b`.
#[inline(always)]
fn low_halves(a: F4, b: F4) -> F4 {
    F4([a.0[0], a.0[1], b.0[0], b.0[1]])
}

/// The 4-band program ([`Program::new`]`(4)`) with its levels skewed by one sample: at step `t`
/// level `k` runs frame `t − k`, reading what level `k − 1` produced at step `t − 1`. Each step's
/// levels are then independent, so the CPU overlaps them whatever the depth of the tree; every
/// node still runs the same packed operation on the same inputs in the same order (bit-identical
/// to running level by level). States live in registers for the run; the pipeline is drained at
/// its end.
struct Tree4 {
    s0: LrState,
    a1: LrState,
    s2: LrState,
    /// Level 0 outputs (low, high) waiting for level 1.
    lh: (F4, F4),
    /// Level 1 output waiting for level 2.
    y: F4,
}

impl Tree4 {
    /// Step `t` with the levels `on` active.
    #[inline(always)]
    fn step<const S: usize>(
        &mut self,
        c: &TreeCoefs,
        io: &Inputs,
        buf: &mut RunOut,
        t: usize,
        on: [bool; 3],
    ) {
        // Level 2: splits c0, c2.
        if on[2] {
            let (lo, hi) = self.s2.split::<S>(&c.splits[2], self.y);
            put(buf, t - 2, lo, 0);
            put(buf, t - 2, hi, 1);
        }
        // Level 1: all-passes c2 (low) and c0 (high).
        if on[1] {
            self.y = self
                .a1
                .allpass::<S>(&c.allpasses[1], low_halves(self.lh.0, self.lh.1));
        }
        // Level 0: split c1.
        if on[0] {
            self.lh = self.s0.split::<S>(&c.splits[0], io[t]);
        }
    }
}

/// Runs `n` frames of a skewed tree of `L` levels: steps `0..n + L − 1`, level `k` active at
/// steps `k..n + k`; the all-active middle steps run without tests.
macro_rules! skewed_run {
    ($tree:expr, $levels:expr, $c:expr, $io:expr, $buf:expr, $n:expr) => {{
        const L: usize = $levels;
        let (tree, n) = ($tree, $n);
        let on = |t: usize| -> [bool; L] { std::array::from_fn(|k| t >= k && t < n + k) };
        let edge = (L - 1).min(n + L - 1);
        for t in 0..edge {
            tree.step::<S>($c, $io, $buf, t, on(t));
        }
        for t in edge..n.max(edge) {
            tree.step::<S>($c, $io, $buf, t, [true; L]);
        }
        for t in n.max(edge)..n + L - 1 {
            tree.step::<S>($c, $io, $buf, t, on(t));
        }
    }};
}

/// [`Tree4`] over `n` frames.
#[inline(always)]
pub(super) fn tree4<const S: usize>(
    st: &mut PairState,
    c: &TreeCoefs,
    io: &Inputs,
    buf: &mut RunOut,
    n: usize,
) {
    let z = F4::default();
    let mut tree = Tree4 {
        s0: st.splits[0],
        a1: st.allpasses[1],
        s2: st.splits[2],
        lh: (z, z),
        y: z,
    };
    skewed_run!(&mut tree, 3, c, io, buf, n);
    (st.splits[0], st.allpasses[1], st.splits[2]) = (tree.s0, tree.a1, tree.s2);
}

/// The 6-band program ([`Program::new`]`(6)`), skewed as [`Tree4`].
struct Tree6 {
    s0: LrState,
    a1: LrState,
    a2: LrState,
    s3: LrState,
    s4: LrState,
    a4: LrState,
    /// Level 0 outputs.
    lh: (F4, F4),
    /// Level 1 and level 2 outputs.
    y: [F4; 2],
    /// Level 3 outputs.
    lohi: (F4, F4),
}

impl Tree6 {
    /// Step `t` with the levels `on` active.
    #[inline(always)]
    fn step<const S: usize>(
        &mut self,
        c: &TreeCoefs,
        io: &Inputs,
        buf: &mut RunOut,
        t: usize,
        on: [bool; 5],
    ) {
        // Level 4: splits c0, c3 of the lows and all-passes c0, c3 of the highs.
        if on[4] {
            let (b0, b1) = self.s4.split::<S>(&c.splits[4], self.lohi.0);
            let b2 = self.a4.allpass::<S>(&c.allpasses[4], self.lohi.1);
            put(buf, t - 4, b0, 0);
            put(buf, t - 4, b1, 1);
            put(buf, t - 4, b2, 2);
        }
        // Level 3: splits c1, c4.
        if on[3] {
            self.lohi = self.s3.split::<S>(&c.splits[3], self.y[1]);
        }
        // Level 2: all-passes c4, c1.
        if on[2] {
            self.y[1] = self.a2.allpass::<S>(&c.allpasses[2], self.y[0]);
        }
        // Level 1: all-passes c3 (low), c0 (high).
        if on[1] {
            self.y[0] = self
                .a1
                .allpass::<S>(&c.allpasses[1], low_halves(self.lh.0, self.lh.1));
        }
        // Level 0: split c2.
        if on[0] {
            self.lh = self.s0.split::<S>(&c.splits[0], io[t]);
        }
    }
}

/// [`Tree6`] over `n` frames.
#[inline(always)]
fn tree6<const S: usize>(
    st: &mut PairState,
    c: &TreeCoefs,
    io: &Inputs,
    buf: &mut RunOut,
    n: usize,
) {
    let z = F4::default();
    let mut tree = Tree6 {
        s0: st.splits[0],
        a1: st.allpasses[1],
        a2: st.allpasses[2],
        s3: st.splits[3],
        s4: st.splits[4],
        a4: st.allpasses[4],
        lh: (z, z),
        y: [z; 2],
        lohi: (z, z),
    };
    skewed_run!(&mut tree, 5, c, io, buf, n);
    (st.splits[0], st.allpasses[1], st.allpasses[2]) = (tree.s0, tree.a1, tree.a2);
    (st.splits[3], st.splits[4], st.allpasses[4]) = (tree.s3, tree.s4, tree.a4);
}

/// [`tree4`] or [`tree6`], then the bands copied to `io.out`.
#[inline(always)]
fn tree_levels<const S: usize>(
    program: &Program,
    state: &mut PairState,
    coefs: &TreeCoefs,
    io: &mut PairIo,
    n: usize,
) {
    let mut buf = [[[0.0f32; 4]; RUN]; MAX_BANDS / 2];
    let x = inputs(io, n);
    if program.bands == 4 {
        tree4::<S>(state, coefs, &x, &mut buf, n);
    } else {
        tree6::<S>(state, coefs, &x, &mut buf, n);
    }
    copy_out(program, io, &buf, n);
}

/// Copies the packed outputs `buf` of a run of `n` frames to the band buffers of `io`, subnormal
/// values flushed to zero (as [`crate::subnormal::flush_subnormals`]).
#[inline(always)]
pub(super) fn copy_out(program: &Program, io: &mut PairIo, buf: &RunOut, n: usize) {
    let lanes = 1 + io.right.is_some() as usize;
    let half = program.bands / 2;
    for b in 0..program.bands {
        let (k, base) = (b % half, 2 * (b / half));
        for lane in 0..lanes {
            let at = b * io.band_stride + io.offsets[lane];
            for (d, v) in io.out[at..at + n].iter_mut().zip(&buf[k][..n]) {
                let x = v[base + lane];
                *d = if crate::subnormal::is_subnormal(x) {
                    0.0
                } else {
                    x
                };
            }
        }
    }
}

/// Whether [`run_tree`] is the faster way to run `bands` bands with `sections` biquads per LR
/// half: 4 and 6 bands at 24 dB/oct, and 6 bands at 48 dB/oct in the AVX-512 build (otherwise at
/// 48 dB/oct the states of all levels do not fit in registers and level by level with
/// [`crossover_tree::run`] is faster; all give the same bits).
pub fn has_tree_kernel(bands: usize, sections: usize) -> bool {
    (bands == 4 || bands == 6)
        && (sections == 1
            || (bands == 6 && crate::simd::detect() == crate::simd::SimdLevel::Avx512))
}

/// Runs the MinimumPhase program of 4 or 6 bands ([`has_tree_kernel`]) over `n` samples of `io`
/// (with `sections` biquads per LR half), the bands written subnormal-free, in the widest build
/// the CPU runs; bit-identical whichever runs.
pub fn run_tree(
    sections: usize,
    program: &Program,
    state: &mut PairState,
    coefs: &TreeCoefs,
    io: &mut PairIo,
    n: usize,
) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn wide<const S: usize>(
            p: &Program,
            st: &mut PairState,
            c: &TreeCoefs,
            io: &mut PairIo,
            n: usize,
        ) {
            tree_levels::<S>(p, st, c, io, n)
        }
        // The AVX-512 build: the same operations packed in eight lanes, with 32 vector registers.
        #[target_feature(enable = "avx2,avx512f,avx512vl")]
        fn widest<const S: usize>(
            p: &Program,
            st: &mut PairState,
            c: &TreeCoefs,
            io: &mut PairIo,
            n: usize,
        ) {
            crossover_pipeline512::tree_levels::<S>(p, st, c, io, n)
        }
        let level = crate::simd::detect();
        if level == crate::simd::SimdLevel::Avx512 {
            // SAFETY: detect() reported AVX-512 F/VL on this CPU.
            unsafe {
                if sections == 1 {
                    widest::<1>(program, state, coefs, io, n)
                } else {
                    widest::<2>(program, state, coefs, io, n)
                }
            }
            return;
        }
        if level >= crate::simd::SimdLevel::Avx2 {
            // SAFETY: detect() reported AVX2 on this CPU.
            unsafe {
                if sections == 1 {
                    wide::<1>(program, state, coefs, io, n)
                } else {
                    wide::<2>(program, state, coefs, io, n)
                }
            }
            return;
        }
    }
    if sections == 1 {
        tree_levels::<1>(program, state, coefs, io, n)
    } else {
        tree_levels::<2>(program, state, coefs, io, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::crossover_settings::CrossoverSlope;
    use crate::filter::crossover_tree::{band_slot, new_slots, run, Node};
    use crate::filter::linkwitz_riley::{LrCoefs, LrDesign};

    /// Coefficients of `program` for crossovers `hz` (as the splitter packs them).
    fn coefs(program: &Program, hz: &[f64], slope: CrossoverSlope) -> TreeCoefs {
        let d: Vec<LrDesign> = hz.iter().map(|&f| LrDesign::new(f, 48e3, slope)).collect();
        let pack = |nodes: &[Node], used: usize| {
            let a = nodes[0].crossover.min(hz.len() - 1);
            let b = if used > 1 { nodes[1].crossover } else { a };
            LrCoefs::from_designs(&d[a], &d[b])
        };
        let mut c = TreeCoefs::default();
        for (l, level) in program.levels[..program.level_count].iter().enumerate() {
            if level.split_count > 0 {
                c.splits[l] = pack(&level.splits, level.split_count);
            }
            if level.allpass_count > 0 {
                c.allpasses[l] = pack(&level.allpasses, level.allpass_count);
            }
        }
        c
    }

    #[test]
    fn pipelines_match_the_level_program_bit_for_bit() {
        let hz = [90.0, 400.0, 1500.0, 5000.0, 11000.0];
        let frames = 300;
        let mut seed = 9u32;
        let x: Vec<[f32; 2]> = (0..frames)
            .map(|_| {
                let mut v = || {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 8) as f32 / (1 << 24) as f32 - 0.5
                };
                [v(), v()]
            })
            .collect();
        for (bands, slope) in [
            (4, CrossoverSlope::Db24),
            (4, CrossoverSlope::Db48),
            (6, CrossoverSlope::Db24),
            (6, CrossoverSlope::Db48),
        ] {
            let sections = if slope == CrossoverSlope::Db24 { 1 } else { 2 };
            let program = Program::new(bands);
            let c = coefs(&program, &hz[..bands - 1], slope);
            let (mut a, mut b) = (PairState::default(), PairState::default());
            let mut slots = new_slots();
            let left: Vec<f32> = x.iter().map(|v| v[0]).collect();
            let right: Vec<f32> = x.iter().map(|v| v[1]).collect();
            let mut out = vec![0.0f32; bands * 2 * frames];
            let mut done = 0;
            // Runs of varying length, including 1.
            for n in [1, 2, 3, 64, 5, 64, 61, 64, 36].into_iter().cycle() {
                let n = n.min(frames - done);
                if n == 0 {
                    break;
                }
                for i in 0..n {
                    slots.slots[0][i] = [x[done + i][0] as f64, x[done + i][1] as f64];
                }
                run(sections, &program, false, &mut a, &c, &mut slots, n);
                let mut io = PairIo {
                    left: &left[done..done + n],
                    right: Some(&right[done..done + n]),
                    out: &mut out,
                    band_stride: 2 * frames,
                    offsets: [done, frames + done],
                };
                run_tree(sections, &program, &mut b, &c, &mut io, n);
                for band in 0..bands {
                    let s = &slots.slots[band_slot(&program, false, band)];
                    for i in 0..n {
                        for lane in 0..2 {
                            let want = s[i][lane] as f32;
                            let subnormal = crate::subnormal::is_subnormal(want);
                            let want = if subnormal { 0.0 } else { want };
                            let got = out[band * 2 * frames + lane * frames + done + i];
                            assert_eq!(want.to_bits(), got.to_bits(), "{bands} {slope:?}");
                        }
                    }
                }
                done += n;
            }
        }
    }
}
