//! The AVX-512 build of the 6-band MinimumPhase pipeline of [`crossover_pipeline`]: the same
//! four-lane operations, two at a time in eight lanes (one AVX-512 register), so a step is three
//! vector operations instead of six, and the 48 dB/oct states fit in the 32 registers (the
//! pipeline then runs at 48 dB/oct too). The 4-band pipeline stays four-lane: packed (its level-0
//! and level-2 splits in one register) it measured slower.
//!
//! Each lane still runs the same operations in the same order (bit-identical to the four-lane
//! builds): the LR sections are [`LrState`]'s, run with the AVX-512 intrinsics as their
//! arithmetic ([`LaneOps`]); only the packing changes. A pack holds operations of different
//! levels, so one level's output feeding another level of the same pack makes a loop-carried path
//! through a whole LR section; the level offsets ([`O6`]) set how many steps such a path
//! spans (measured: one step per level is best for 6 bands, the extra ramp steps of longer skews
//! cost more than they hide). A split packed with an all-pass runs the all-pass as a split (its
//! all-pass output is the all-pass; the lowpass chain of those lanes is wasted, which costs less
//! than a separate operation).

use std::arch::x86_64::*;

use super::crossover_pipeline::{copy_out, input, inputs, put, PairIo, RunOut};
use super::crossover_tree::{PairState, Program, TreeCoefs};
use super::linkwitz_riley::{LaneOps, LrCoefs, LrState, F4, F8};

#[cfg(doc)]
use super::crossover_pipeline;

/// Eight `f64` lanes in one AVX-512 register.
#[derive(Clone, Copy)]
struct Z8(__m512d);

/// Four `f64` lanes in one AVX register.
#[derive(Clone, Copy)]
struct Z4(__m256d);

/// The lane-wise arithmetic of a vector type, as closures made in (and inheriting the target
/// features of) the AVX-512 build.
struct Ops<A, S, M> {
    add: A,
    sub: S,
    mul: M,
}

impl<V, A: Fn(V, V) -> V, S: Fn(V, V) -> V, M: Fn(V, V) -> V> LaneOps<V> for Ops<A, S, M> {
    #[inline(always)]
    fn add(&self, a: V, b: V) -> V {
        (self.add)(a, b)
    }
    #[inline(always)]
    fn sub(&self, a: V, b: V) -> V {
        (self.sub)(a, b)
    }
    #[inline(always)]
    fn mul(&self, a: V, b: V) -> V {
        (self.mul)(a, b)
    }
}

/// `v` in a register.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn z4(v: F4) -> Z4 {
    Z4(_mm256_set_pd(v.0[3], v.0[2], v.0[1], v.0[0]))
}

/// The lanes of `v`.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn f4(v: Z4) -> F4 {
    let (lo, hi) = (_mm256_castpd256_pd128(v.0), _mm256_extractf128_pd::<1>(v.0));
    F4([
        _mm_cvtsd_f64(lo),
        _mm_cvtsd_f64(_mm_unpackhi_pd(lo, lo)),
        _mm_cvtsd_f64(hi),
        _mm_cvtsd_f64(_mm_unpackhi_pd(hi, hi)),
    ])
}

/// `v` in a register.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn z8(v: F8) -> Z8 {
    join(z4(v.low()), z4(v.high()))
}

/// The lanes of `v`.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn f8(v: Z8) -> F8 {
    F8::join(f4(low(v)), f4(high(v)))
}

/// `a` in lanes 0-3, `b` in lanes 4-7.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn join(a: Z4, b: Z4) -> Z8 {
    Z8(_mm512_insertf64x4::<1>(_mm512_castpd256_pd512(a.0), b.0))
}

/// Lanes 0-3.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn low(v: Z8) -> Z4 {
    Z4(_mm512_castpd512_pd256(v.0))
}

/// Lanes 4-7.
#[target_feature(enable = "avx2,avx512f,avx512vl")]
#[inline]
fn high(v: Z8) -> Z4 {
    Z4(_mm512_extractf64x4_pd::<1>(v.0))
}

/// Values passed from one level to the next `D` steps later.
#[derive(Clone, Copy)]
struct Queue<T, const D: usize>([T; D]);

impl<T: Copy, const D: usize> Queue<T, D> {
    /// A queue holding `zero`.
    #[inline(always)]
    fn new(zero: T) -> Self {
        Self([zero; D])
    }

    /// The value pushed `D` steps ago.
    #[inline(always)]
    fn front(&self) -> T {
        self.0[D - 1]
    }

    /// Pushes this step's value.
    #[inline(always)]
    fn push(&mut self, v: T) {
        for k in (1..D).rev() {
            self.0[k] = self.0[k - 1];
        }
        self.0[0] = v;
    }
}

/// Mask of a pack: lanes 0-3 `a`, lanes 4-7 `b`.
#[inline(always)]
fn mask8(a: bool, b: bool) -> __mmask8 {
    (if a { 0x0f } else { 0 }) | (if b { 0xf0 } else { 0 })
}

/// Runs steps `0..n + last` of a skewed tree whose deepest level runs `last` steps behind the
/// input: the steps where every level is active run without tests (each kind of step is called
/// from one place, so it is inlined).
macro_rules! skewed_run {
    ($tree:expr, $last:expr, $ops:expr, $io:expr, $buf:expr, $n:expr) => {{
        let (tree, n, last) = ($tree, $n, $last);
        let (edge, end) = (last.min(n + last), n.max(last));
        for t in 0..n + last {
            if t < edge || t >= end {
                tree.step::<true>($ops, $io, $buf, t, n);
            } else {
                tree.step::<false>($ops, $io, $buf, t, n);
            }
        }
    }};
}

/// The arithmetic of [`Z8`] (made in the AVX-512 build).
macro_rules! ops {
    () => {
        Ops {
            add: |a: Z8, b: Z8| Z8(_mm512_add_pd(a.0, b.0)),
            sub: |a: Z8, b: Z8| Z8(_mm512_sub_pd(a.0, b.0)),
            mul: |a: Z8, b: Z8| Z8(_mm512_mul_pd(a.0, b.0)),
        }
    };
}

/// Step at which each level of the 6-band pipeline starts: the paths closing through the packs
/// (split c2 → all-passes → splits c1, c4 and splits c1, c4 → all-pass → splits) span three and
/// two steps.
const O6: [usize; 5] = [0, 1, 2, 3, 4];

/// The 6-band program in three packs: splits c1, c4 with split c2; splits c0, c3 with the
/// all-passes c3, c0 (run as a split); all-passes c0, c3 with all-passes c4, c1. The levels that
/// feed one pack from another are the same number of steps apart, so each pack's input is made
/// once, when its sources are produced.
struct Tree6<const S: usize> {
    /// Level 3 (lanes 0-3) and level 0 (lanes 4-7).
    a: LrState<Z8>,
    /// Level 4's splits and level 1.
    b: LrState<Z8>,
    /// Level 4's all-passes and level 2.
    c: LrState<Z8>,
    ca: LrCoefs<Z8>,
    cb: LrCoefs<Z8>,
    cc: LrCoefs<Z8>,
    /// Outputs of `c` (level 2 in lanes 4-7) for level 3.
    qa: Queue<Z8, { O6[3] - O6[2] }>,
    /// Input of `b`: level 3's lows, level 0's low and high of lanes 0-1.
    qb: Queue<Z8, { O6[1] - O6[0] }>,
    /// Input of `c`: level 3's highs, level 1's outputs.
    qc: Queue<Z8, { O6[2] - O6[1] }>,
}

// The packed inputs of `b` and `c` are made in one step from sources of levels that are the
// same number of steps apart.
const _: () = assert!(O6[4] - O6[3] == O6[1] - O6[0] && O6[4] - O6[3] == O6[2] - O6[1]);

impl<const S: usize> Tree6<S> {
    /// Step `t` of a run of `n` frames (`RAMP`: some levels may be inactive).
    #[target_feature(enable = "avx2,avx512f,avx512vl")]
    #[inline]
    fn step<const RAMP: bool>(
        &mut self,
        o8: &impl LaneOps<Z8>,
        io: &PairIo,
        buf: &mut RunOut,
        t: usize,
        n: usize,
    ) {
        let on = |k: usize| t >= O6[k] && t < n + O6[k];
        let x = if !RAMP || t < n {
            input(io, t)
        } else {
            F4::default()
        };
        let (old_a, old_b, old_c) = (self.a, self.b, self.c);
        let xa = join(high(self.qa.front()), z4(x));
        let (alo, _, ahi) = self.a.split_allpass::<S, _>(&self.ca, xa, o8);
        let (blo, bap, bhi) = self.b.split_allpass::<S, _>(&self.cb, self.qb.front(), o8);
        let cap = self.c.allpass_with::<S, _>(&self.cc, self.qc.front(), o8);
        if RAMP {
            let blend = |m| move |p: Z8, q: Z8| Z8(_mm512_mask_blend_pd(m, q.0, p.0));
            self.a = self.a.select_with(&old_a, blend(mask8(on(3), on(0))));
            self.b = self.b.select_with(&old_b, blend(mask8(on(4), on(1))));
            self.c = self.c.select_with(&old_c, blend(mask8(on(4), on(2))));
        }
        if !RAMP || on(4) {
            put(buf, t - O6[4], f4(low(blo)), 0);
            put(buf, t - O6[4], f4(low(bhi)), 1);
            put(buf, t - O6[4], f4(low(cap)), 2);
        }
        self.qa.push(cap);
        let idx = _mm512_set_epi64(13, 12, 5, 4, 3, 2, 1, 0);
        self.qb.push(Z8(_mm512_permutex2var_pd(alo.0, idx, ahi.0)));
        self.qc.push(Z8(_mm512_mask_blend_pd(0xf0, ahi.0, bap.0)));
    }

    /// The tree over `n` frames.
    #[target_feature(enable = "avx2,avx512f,avx512vl")]
    #[inline]
    fn run(st: &mut PairState, c: &TreeCoefs, io: &PairIo, buf: &mut RunOut, n: usize) {
        let zero = Z8(_mm512_setzero_pd());
        let mut tree = Self {
            a: LrState::join(&st.splits[3], &st.splits[0]).map(|v| z8(v)),
            b: LrState::join_split_and_allpass(&st.splits[4], &st.allpasses[1]).map(|v| z8(v)),
            c: LrState::join(&st.allpasses[4], &st.allpasses[2]).map(|v| z8(v)),
            ca: LrCoefs::join(&c.splits[3], &c.splits[0]).map(|v| z8(v)),
            cb: LrCoefs::join(&c.splits[4], &c.allpasses[1]).map(|v| z8(v)),
            cc: LrCoefs::join(&c.allpasses[4], &c.allpasses[2]).map(|v| z8(v)),
            qa: Queue::new(zero),
            qb: Queue::new(zero),
            qc: Queue::new(zero),
        };
        let ops = ops!();
        skewed_run!(&mut tree, O6[4], &ops, io, buf, n);
        (st.splits[3], st.splits[0]) = tree.a.map(|v| f8(v)).halves();
        let (s4, a1) = (&mut st.splits[4], &mut st.allpasses[1]);
        tree.b.map(|v| f8(v)).halves_split_and_allpass(s4, a1);
        (st.allpasses[4], st.allpasses[2]) = tree.c.map(|v| f8(v)).halves();
    }
}

/// The 6-band tree in eight-lane packs (4 bands: [`crossover_pipeline`]'s four-lane pipeline,
/// faster than packing its three operations) over `n` frames of `io`, then the bands copied to
/// `io.out` (bit-identical to the four-lane pipelines).
#[target_feature(enable = "avx2,avx512f,avx512vl")]
pub(super) fn tree_levels<const S: usize>(
    program: &Program,
    state: &mut PairState,
    coefs: &TreeCoefs,
    io: &mut PairIo,
    n: usize,
) {
    let mut buf =
        [[[0.0f32; 4]; super::crossover_tree::RUN]; super::crossover_settings::MAX_BANDS / 2];
    if program.bands == 4 {
        let x = inputs(io, n);
        super::crossover_pipeline::tree4::<S>(state, coefs, &x, &mut buf, n);
    } else {
        // Sanitised in the loop: a pass before measured slower here.
        Tree6::<S>::run(state, coefs, io, &mut buf, n);
    }
    copy_out(program, io, &buf, n);
}
