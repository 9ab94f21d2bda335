//! Polyphase 2×–16× up- and down-sampling with a shared linear-phase Kaiser-windowed sinc prototype.
//!
//! The prototype has `factor·40 + 1` taps (Kaiser β = 6, cut-off at the host Nyquist frequency), so
//! up- and down-sampling each delay by exactly 20 host samples and a round trip by
//! [`ROUND_TRIP_LATENCY_SAMPLES`]. A round trip is flat within 0.03 dB up to 0.4535·fs (20 kHz at
//! 44.1 kHz) and within 0.07 dB up to 22 kHz at 48 kHz; images beyond 0.55·fs are at least 63 dB
//! down. Phase 0 of the upsampler passes the host samples through.

use super::window::{kaiser, sinc};

/// Host-rate samples of delay of an up-then-down round trip.
pub const ROUND_TRIP_LATENCY_SAMPLES: usize = 40;
/// Half-length of the host-rate round-trip FIR that feeds the limiter's sidechain.
const ROUND_TRIP_TRIM_SAMPLES: usize = 28;
/// Host-rate delay of one direction.
pub const ONE_WAY_LATENCY_SAMPLES: usize = ROUND_TRIP_LATENCY_SAMPLES / 2;
/// Taps per upsampler phase.
const TAPS_PER_PHASE: usize = ROUND_TRIP_LATENCY_SAMPLES + 1;
const KAISER_BETA: f64 = 6.0;

/// The prototype low-pass for `factor`: `factor·40 + 1` taps, unity DC gain. Every `factor`-th
/// tap from the centre is exactly zero (a Nyquist filter), which the kernels exploit.
pub fn design_prototype(factor: usize) -> Vec<f64> {
    let n = factor * ROUND_TRIP_LATENCY_SAMPLES + 1;
    let half = (n - 1) / 2;
    let centre = half as f64;
    let mut h: Vec<f64> = (0..n)
        .map(|i| {
            if i != half && i.abs_diff(half) % factor == 0 {
                // sinc at a non-zero integer; computing it would leave rounding dust.
                return 0.0;
            }
            let offset = i as f64 - centre;
            sinc(offset / factor as f64) * kaiser(offset / centre, KAISER_BETA)
        })
        .collect();
    let sum: f64 = h.iter().sum();
    for v in &mut h {
        *v /= sum;
    }
    h
}

/// Taps of the upsampler's phases other than phase 0 (their 41st tap is an exact zero).
const MIRRORED_TAPS: usize = TAPS_PER_PHASE - 1;

/// Mirrored pairs the upsampler filters per pass, and whether that pass also filters the middle
/// phase, for each factor: few enough accumulators to stay in registers.
fn pair_groups(factor: usize) -> &'static [(usize, bool)] {
    match factor {
        2 => &[(0, true)],
        4 => &[(1, true)],
        8 => &[(3, true)],
        _ => &[(3, false), (3, false), (1, true)],
    }
}

/// Half-sum/half-difference coefficients of the upsampler's phases 1..factor: phase `factor − p`
/// is phase `p` reversed (a symmetric prototype), and phase `factor / 2` is its own mirror. Per
/// [`pair_groups`] pass and tap `t < 20`: `(a[t] + a[39 − t]) / 2` and `(a[t] − a[39 − t]) / 2`
/// of each phase `p` of the pass, then (in the last pass) `(a[t] + a[39 − t]) / 2` of phase `factor / 2`.
fn mirrored_up_coefficients(up_phases: &[f32], factor: usize) -> Vec<f32> {
    let phase = |p: usize| &up_phases[p * TAPS_PER_PHASE + 1..(p + 1) * TAPS_PER_PHASE];
    let mut coefficients = Vec::new();
    let mut first_phase = 1;
    for &(pairs, middle) in pair_groups(factor) {
        for t in 0..MIRRORED_TAPS / 2 {
            let phases = (first_phase..first_phase + pairs).chain(middle.then_some(factor / 2));
            for p in phases {
                let (a, b) = (phase(p)[t] as f64, phase(p)[MIRRORED_TAPS - 1 - t] as f64);
                coefficients.push(((a + b) / 2.0) as f32);
                if p != factor / 2 {
                    coefficients.push(((a - b) / 2.0) as f32);
                }
            }
        }
        first_phase += pairs;
    }
    coefficients
}

/// One [`pair_groups`] pass of the upsampler for `L` inputs from `start` (`window` starts one
/// sample into the history): the `G` mirrored pairs from phase `first_phase` on (and the middle
/// phase if `MIDDLE`), each pair `P ± M` from one pass over the outer sums and differences of the
/// window, half the multiplies of running both phases. Writes phase-major `phase_outputs`
/// (phase `q` at `(q − 1)·n`).
#[inline(always)]
fn upsample_lanes<const L: usize, const F: usize, const G: usize, const MIDDLE: bool>(
    coefficients: &[f32],
    window: &[f32],
    start: usize,
    first_phase: usize,
    phase_outputs: &mut [f32],
) {
    let mut sums = [[0.0f32; L]; G];
    let mut differences = [[0.0f32; L]; G];
    let mut middle = [0.0f32; L];
    let w = &window[start..start + L + MIRRORED_TAPS - 1];
    let row = 2 * G + usize::from(MIDDLE);
    for (t, c) in coefficients
        .chunks_exact(row)
        .take(MIRRORED_TAPS / 2)
        .enumerate()
    {
        let older: &[f32; L] = w[t..t + L].try_into().unwrap();
        let newer: &[f32; L] = w[MIRRORED_TAPS - 1 - t..MIRRORED_TAPS - 1 - t + L]
            .try_into()
            .unwrap();
        let mut outer_sum = [0.0f32; L];
        let mut outer_difference = [0.0f32; L];
        for l in 0..L {
            outer_sum[l] = older[l] + newer[l];
            outer_difference[l] = older[l] - newer[l];
        }
        for g in 0..G {
            let (cs, cd) = (c[2 * g], c[2 * g + 1]);
            for l in 0..L {
                sums[g][l] += cs * outer_sum[l];
                differences[g][l] += cd * outer_difference[l];
            }
        }
        if MIDDLE {
            let cm = c[2 * G];
            for l in 0..L {
                middle[l] += cm * outer_sum[l];
            }
        }
    }
    let n = phase_outputs.len() / (F - 1);
    for g in 0..G {
        let p = first_phase + g;
        let (low, high) = ((p - 1) * n + start, (F - p - 1) * n + start);
        // Whole-lane stores (one bounds check each) keep the stores vectorised.
        let low: &mut [f32; L] = (&mut phase_outputs[low..low + L]).try_into().unwrap();
        for l in 0..L {
            low[l] = sums[g][l] + differences[g][l];
        }
        let high: &mut [f32; L] = (&mut phase_outputs[high..high + L]).try_into().unwrap();
        for l in 0..L {
            high[l] = sums[g][l] - differences[g][l];
        }
    }
    if MIDDLE {
        let at = (F / 2 - 1) * n + start;
        phase_outputs[at..at + L].copy_from_slice(&middle);
    }
}

/// One pass ([`upsample_lanes`]) over all `n` inputs, `L` at a time, then 8, then one at a time
/// (each input's arithmetic is the same whatever the lanes).
#[inline(always)]
fn upsample_pass<const L: usize, const F: usize, const G: usize, const MIDDLE: bool>(
    coefficients: &[f32],
    window: &[f32],
    first_phase: usize,
    phase_outputs: &mut [f32],
) -> usize {
    let n = phase_outputs.len() / (F - 1);
    let mut start = 0;
    while start + L <= n {
        upsample_lanes::<L, F, G, MIDDLE>(coefficients, window, start, first_phase, phase_outputs);
        start += L;
    }
    // A remainder of 8 or more still goes 8 lanes at a time (one at a time is latency-bound).
    while L > 8 && start + 8 <= n {
        upsample_lanes::<8, F, G, MIDDLE>(coefficients, window, start, first_phase, phase_outputs);
        start += 8;
    }
    while start < n {
        upsample_lanes::<1, F, G, MIDDLE>(coefficients, window, start, first_phase, phase_outputs);
        start += 1;
    }
    // Coefficients used by this pass.
    (2 * G + usize::from(MIDDLE)) * MIRRORED_TAPS / 2
}

/// Upsampling kernel: phase 0 is a pure delay; the other phases are mirrored pairs (see
/// [`upsample_lanes`]), vectorised across inputs with as many lanes as the build's FIR block
/// suggests, computed phase-major into `phase_outputs` and then interleaved into `output`'s frames.
#[inline(always)]
fn upsample_kernel_body<const BLOCK: usize>(
    factor: usize,
    coefficients: &[f32],
    window: &[f32],
    phase_outputs: &mut [f32],
    output: &mut [f32],
) {
    let n = output.len() / factor;
    // Phase 0 of a Nyquist (windowed-sinc) interpolator is a pure delay.
    for (frame, &x) in output
        .chunks_exact_mut(factor)
        .zip(&window[ONE_WAY_LATENCY_SAMPLES..ONE_WAY_LATENCY_SAMPLES + n])
    {
        frame[0] = x;
    }
    // Phases 1.. have their zero (oldest) tap dropped.
    let window = &window[1..];
    let phase_outputs = &mut phase_outputs[..(factor - 1) * n];
    let wide = BLOCK >= crate::simd::FIR_BLOCK_512;
    let c = coefficients;
    match (factor, wide) {
        (2, true) => _ = upsample_pass::<64, 2, 0, true>(c, window, 1, phase_outputs),
        (2, false) => _ = upsample_pass::<32, 2, 0, true>(c, window, 1, phase_outputs),
        (4, true) => _ = upsample_pass::<32, 4, 1, true>(c, window, 1, phase_outputs),
        (4, false) => _ = upsample_pass::<8, 4, 1, true>(c, window, 1, phase_outputs),
        (8, true) => _ = upsample_pass::<16, 8, 3, true>(c, window, 1, phase_outputs),
        (8, false) => _ = upsample_pass::<8, 8, 3, true>(c, window, 1, phase_outputs),
        (_, true) => {
            let a = upsample_pass::<16, 16, 3, false>(c, window, 1, phase_outputs);
            let b = upsample_pass::<16, 16, 3, false>(&c[a..], window, 4, phase_outputs);
            upsample_pass::<16, 16, 1, true>(&c[a + b..], window, 7, phase_outputs);
        }
        (_, false) => {
            let a = upsample_pass::<8, 16, 3, false>(c, window, 1, phase_outputs);
            let b = upsample_pass::<8, 16, 3, false>(&c[a..], window, 4, phase_outputs);
            upsample_pass::<8, 16, 1, true>(&c[a + b..], window, 7, phase_outputs);
        }
    }
    for (q, phase) in phase_outputs.chunks_exact(n.max(1)).enumerate() {
        for (frame, &y) in output.chunks_exact_mut(factor).zip(phase) {
            frame[q + 1] = y;
        }
    }
}

/// The decimator's sub-filters in the form its kernel runs them. With the prototype split by
/// input phase (sub-filter `r` runs on stream `r`, the inputs `r, r + factor, …`): sub-filter 0
/// is a scaled delay (a Nyquist prototype), sub-filter `factor − r` is sub-filter `r` reversed, and
/// sub-filter `factor / 2` is its own mirror; each has 40 taps beyond sub-filter 0.
#[derive(Debug, Clone, Default)]
struct DecimatorTaps {
    /// Sub-filters `r = 1..factor / 2`, 40 taps each, oldest..newest.
    pairs: Vec<f32>,
    /// The older half (20 taps) of sub-filter `factor / 2`.
    middle: Vec<f32>,
    /// Position of sub-filter 0's one tap in its window.
    delay_position: usize,
    /// Value of sub-filter 0's one tap.
    delay_gain: f32,
}

/// Samples of history each decimator stream keeps (its sub-filters span 41 inputs).
const DECIMATOR_HISTORY: usize = TAPS_PER_PHASE - 1;

/// Folds `sub_taps` (`factor` sub-filters of 41 taps, sub-filter `r` oldest..newest for stream
/// `r`) into [`DecimatorTaps`], checking the structure it relies on; `centre` is the prototype's
/// centre tap, sub-filter 0's only non-zero one.
fn fold_decimator(sub_taps: &[f32], factor: usize, centre: f32) -> DecimatorTaps {
    let sub = |r: usize| &sub_taps[r * TAPS_PER_PHASE..(r + 1) * TAPS_PER_PHASE];
    let delay_position = ONE_WAY_LATENCY_SAMPLES;
    debug_assert!(
        sub(0)
            .iter()
            .enumerate()
            .all(|(k, &t)| (k == delay_position) == (t != 0.0)
                && (k != delay_position || t == centre))
    );
    // Beyond sub-filter 0 the newest tap is padding, and `factor − r` mirrors `r`.
    debug_assert!((1..factor).all(|r| {
        sub(r)[MIRRORED_TAPS] == 0.0
            && (0..MIRRORED_TAPS)
                .all(|k| (sub(r)[k] - sub(factor - r)[MIRRORED_TAPS - 1 - k]).abs() <= 1e-7)
    }));
    DecimatorTaps {
        pairs: (1..factor / 2)
            .flat_map(|r| sub(r)[..MIRRORED_TAPS].iter().copied())
            .collect(),
        middle: sub(factor / 2)[..MIRRORED_TAPS / 2].to_vec(),
        delay_position,
        delay_gain: centre,
    }
}

/// `L` outputs from `start` of an FIR over `older` plus its reverse over `newer`, the two
/// spanning `span` inputs: `Σ_k taps[k]·(older[i + k] + newer[i + span − 1 − k])`, one multiply
/// per pair of inputs.
#[inline(always)]
fn mirrored_stream_lanes<const L: usize>(
    taps: &[f32],
    older: &[f32],
    newer: &[f32],
    span: usize,
    start: usize,
) -> [f32; L] {
    let mut acc = [0.0f32; L];
    for (k, &h) in taps.iter().enumerate() {
        let x: &[f32; L] = older[start + k..start + k + L].try_into().unwrap();
        let at = start + span - 1 - k;
        let y: &[f32; L] = newer[at..at + L].try_into().unwrap();
        for l in 0..L {
            acc[l] += h * (x[l] + y[l]);
        }
    }
    acc
}

/// Adds (or, if `first`, writes) [`mirrored_stream_lanes`] to every output, `BLOCK`, 32, 16, 8,
/// then 1 at a time (each output's arithmetic is the same whatever the lanes).
#[inline(always)]
fn mirrored_stream_run<const BLOCK: usize>(
    taps: &[f32],
    (older, newer, span): (&[f32], &[f32], usize),
    output: &mut [f32],
    first: bool,
) {
    #[inline(always)]
    fn store<const L: usize>(values: [f32; L], out: &mut [f32], first: bool) {
        let out: &mut [f32; L] = out.try_into().unwrap();
        for l in 0..L {
            out[l] = if first { values[l] } else { out[l] + values[l] };
        }
    }
    let n = output.len();
    let mut start = 0;
    while start + BLOCK <= n {
        let values = mirrored_stream_lanes::<BLOCK>(taps, older, newer, span, start);
        store(values, &mut output[start..start + BLOCK], first);
        start += BLOCK;
    }
    // Remainders (short host blocks) keep several accumulators in flight: 8 lanes alone wait on
    // one dependent add per tap.
    while BLOCK > 32 && start + 32 <= n {
        let values = mirrored_stream_lanes::<32>(taps, older, newer, span, start);
        store(values, &mut output[start..start + 32], first);
        start += 32;
    }
    while BLOCK > 16 && start + 16 <= n {
        let values = mirrored_stream_lanes::<16>(taps, older, newer, span, start);
        store(values, &mut output[start..start + 16], first);
        start += 16;
    }
    while start + 8 <= n {
        let values = mirrored_stream_lanes::<8>(taps, older, newer, span, start);
        store(values, &mut output[start..start + 8], first);
        start += 8;
    }
    while start < n {
        let values = mirrored_stream_lanes::<1>(taps, older, newer, span, start);
        store(values, &mut output[start..start + 1], first);
        start += 1;
    }
}

/// Decimation kernel: the sum over input phases of each sub-filter run on its stream (of
/// `stream_len` samples in `streams`), vectorised across outputs: each mirrored pair of
/// sub-filters as one FIR over both streams, the self-mirrored one over the outer sums of its
/// window, and sub-filter 0 as a scaled delay.
#[inline(always)]
fn downsample_kernel_body<const BLOCK: usize>(
    taps: &DecimatorTaps,
    streams: &[f32],
    stream_len: usize,
    output: &mut [f32],
) {
    let factor = streams.len() / stream_len;
    let stream = |r: usize| &streams[r * stream_len..(r + 1) * stream_len];
    for (j, pair) in taps.pairs.chunks_exact(MIRRORED_TAPS).enumerate() {
        let r = j + 1;
        let streams = (stream(r), stream(factor - r), MIRRORED_TAPS);
        mirrored_stream_run::<BLOCK>(pair, streams, output, j == 0);
    }
    let middle = (stream(factor / 2), stream(factor / 2), MIRRORED_TAPS);
    mirrored_stream_run::<BLOCK>(&taps.middle, middle, output, taps.pairs.is_empty());
    let delayed = &stream(0)[taps.delay_position..taps.delay_position + output.len()];
    for (o, &x) in output.iter_mut().zip(delayed) {
        *o += taps.delay_gain * x;
    }
}

/// The host-rate round-trip filter, a symmetric FIR of `2·half.len() + 1` taps: `half` holds its
/// older half (oldest first), `centre` its middle tap.
#[inline(always)]
fn round_trip_kernel_body<const BLOCK: usize>(
    half: &[f32],
    centre: f32,
    window: &[f32],
    output: &mut [f32],
) {
    let span = 2 * half.len() + 1;
    mirrored_stream_run::<BLOCK>(half, (window, window, span), output, true);
    for (o, &x) in output.iter_mut().zip(&window[half.len()..]) {
        *o += centre * x;
    }
}

crate::dispatch_simd! {
    /// [`round_trip_kernel_body`] in the widest build the CPU runs.
    fn round_trip_kernel(half: &[f32], centre: f32, window: &[f32], output: &mut [f32]) => round_trip_kernel_body
}

crate::dispatch_simd! {
    /// [`upsample_kernel_body`] in its build for `level`.
    fn upsample_kernel(factor: usize, coefficients: &[f32], window: &[f32], phase_outputs: &mut [f32], output: &mut [f32]) => upsample_kernel_body
}

crate::dispatch_simd! {
    /// [`downsample_kernel_body`] in its build for `level`.
    fn downsample_kernel(taps: &DecimatorTaps, streams: &[f32], stream_len: usize, output: &mut [f32]) => downsample_kernel_body
}

/// Writes sample `r` of each `F`-sample frame of `input` to stream `r` (of `stream_len` samples
/// in `streams`) from `offset` on.
#[inline]
fn deinterleave<const F: usize>(
    input: &[f32],
    streams: &mut [f32],
    stream_len: usize,
    offset: usize,
) {
    let n = input.len() / F;
    let mut outs: [&mut [f32]; F] = [(); F].map(|_| &mut [][..]);
    for (o, stream) in outs.iter_mut().zip(streams.chunks_exact_mut(stream_len)) {
        *o = &mut stream[offset..offset + n];
    }
    for (i, frame) in input.chunks_exact(F).enumerate() {
        for (o, &x) in outs.iter_mut().zip(frame) {
            o[i] = x;
        }
    }
}

/// Per-channel up/down sampler for one factor; allocation-free after construction.
#[derive(Debug, Clone, Default)]
pub struct Oversampler {
    factor: usize,
    /// The upsampler's phases 1..factor as [`mirrored_up_coefficients`] (phase 0 is a pure delay).
    up_coefficients: Vec<f32>,
    /// The decimator's sub-filters, mirrored pairs folded.
    down_taps: DecimatorTaps,
    up_history: Vec<Vec<f32>>,
    /// Per channel, `factor` streams of `down_stream_len` (history, then the new inputs of that phase).
    down_history: Vec<Vec<f32>>,
    down_stream_len: usize,
    /// The upsampler's phases 1.. before they are interleaved (`factor - 1` phases of up to a block).
    phase_outputs: Vec<f32>,
    /// Older half (oldest first) of the up-then-down round trip's impulse response at the host
    /// rate, measured through the kernels themselves and trimmed to ±`ROUND_TRIP_TRIM_SAMPLES`.
    round_trip_taps: Vec<f32>,
    /// Centre tap of the round-trip FIR.
    round_trip_centre: f32,
    /// Newest-side taps trimmed off `round_trip_taps` (kept as extra history so the delay is unchanged).
    round_trip_skip: usize,
    /// Per channel, the host-rate history of [`Oversampler::round_trip`].
    round_trip_history: Vec<Vec<f32>>,
    max_block_frames: usize,
    /// Which builds of the kernels to run.
    simd: crate::simd::SimdLevel,
}

impl Oversampler {
    /// Designs the filters for `factor` (2, 4, 8 or 16; others are rounded up to one of them) and
    /// allocates history for `channels` and blocks up to `max_block_frames`.
    pub fn new(factor: usize, channels: usize, max_block_frames: usize) -> Self {
        let factor = factor.clamp(2, 16).next_power_of_two();
        let h = design_prototype(factor);
        let mut up_phases = vec![0.0f32; factor * TAPS_PER_PHASE];
        for p in 0..factor {
            let taps: Vec<f64> = (0..TAPS_PER_PHASE)
                .map(|k| h.get(p + k * factor).copied().unwrap_or(0.0))
                .collect();
            let sum: f64 = taps.iter().sum();
            for (k, &t) in taps.iter().enumerate() {
                up_phases[p * TAPS_PER_PHASE + (TAPS_PER_PHASE - 1 - k)] = (t / sum) as f32;
            }
        }
        // Phases 1.. have an exact zero oldest tap, and phase `factor - p` is phase `p` reversed.
        debug_assert!((1..factor).all(|p| up_phases[p * TAPS_PER_PHASE] == 0.0));
        debug_assert!((1..factor).all(|p| {
            let phase = |q: usize| &up_phases[q * TAPS_PER_PHASE + 1..(q + 1) * TAPS_PER_PHASE];
            phase(p)
                .iter()
                .rev()
                .zip(phase(factor - p))
                .all(|(&a, &b)| (a - b).abs() <= 1e-7)
        }));
        let up_coefficients = mirrored_up_coefficients(&up_phases, factor);
        // The newest tap must meet the first input of each output's frame (phase 0), so
        // `factor - 1` zeros follow it; the rest of the padding goes on the oldest side.
        let padded = (h.len() + factor - 1).div_ceil(factor) * factor;
        let sub_len = padded / factor;
        let mut oldest_first = vec![0.0f32; padded];
        let first = padded - (factor - 1) - h.len();
        for (j, &t) in h.iter().rev().enumerate() {
            oldest_first[first + j] = t as f32;
        }
        let mut down_taps = vec![0.0f32; padded];
        for (j, &t) in oldest_first.iter().enumerate() {
            down_taps[(j % factor) * sub_len + j / factor] = t;
        }
        let down_taps = fold_decimator(&down_taps, factor, oldest_first[first + (h.len() - 1) / 2]);
        let down_stream_len = sub_len - 1 + max_block_frames;
        let round_trip_len = 2 * ROUND_TRIP_LATENCY_SAMPLES + 1;
        let mut oversampler = Self {
            factor,
            up_coefficients,
            down_history: vec![vec![0.0; factor * down_stream_len]; channels],
            down_stream_len,
            down_taps,
            up_history: vec![vec![0.0; TAPS_PER_PHASE - 1 + max_block_frames]; channels],
            phase_outputs: vec![0.0; (factor - 1) * max_block_frames.max(round_trip_len)],
            round_trip_taps: Vec::new(),
            round_trip_centre: 0.0,
            round_trip_skip: 0,
            round_trip_history: vec![vec![0.0; round_trip_len - 1 + max_block_frames]; channels],
            max_block_frames,
            simd: crate::simd::detect(),
        };
        // Measure the round trip's impulse response with a scratch copy (it is linear and time
        // invariant at the host rate, so this is exactly what up-then-down does to any input).
        let mut probe = Self {
            down_history: vec![vec![0.0; factor * (sub_len - 1 + round_trip_len)]],
            down_stream_len: sub_len - 1 + round_trip_len,
            up_history: vec![vec![0.0; TAPS_PER_PHASE - 1 + round_trip_len]],
            round_trip_history: Vec::new(),
            max_block_frames: round_trip_len,
            ..oversampler.clone()
        };
        let mut impulse = vec![0.0f32; round_trip_len];
        impulse[0] = 1.0;
        let mut up = vec![0.0f32; round_trip_len * factor];
        let mut response = vec![0.0f32; round_trip_len];
        probe.upsample(0, &impulse, &mut up);
        probe.downsample(0, &up, &mut response);
        // Taps beyond ±ROUND_TRIP_TRIM_SAMPLES of the centre are below 1e-4 (together < 5e-4):
        // dropped, which moves a sidechain reading by < 0.005 dB. The newest kept tap still sits
        // `skip` samples back, so the delay stays ROUND_TRIP_LATENCY_SAMPLES.
        let skip = ROUND_TRIP_LATENCY_SAMPLES - ROUND_TRIP_TRIM_SAMPLES;
        // The round trip of a linear-phase prototype is symmetric (to rounding), so it is kept
        // as its older half and centre tap.
        let kept: Vec<f32> = response[skip..round_trip_len - skip]
            .iter()
            .rev()
            .copied()
            .collect();
        let half = ROUND_TRIP_TRIM_SAMPLES;
        debug_assert!((0..half).all(|k| (kept[k] - kept[2 * half - k]).abs() <= 1e-6));
        oversampler.round_trip_taps = (0..half)
            .map(|k| ((kept[k] as f64 + kept[2 * half - k] as f64) / 2.0) as f32)
            .collect();
        oversampler.round_trip_centre = kept[half];
        oversampler.round_trip_skip = skip;
        oversampler
    }

    /// What an up-then-down round trip makes of `input` (delayed by [`ROUND_TRIP_LATENCY_SAMPLES`]),
    /// computed at the host rate by the equivalent FIR; one history per `channel`, separate from
    /// the up/down histories.
    pub fn round_trip(&mut self, channel: usize, input: &[f32], output: &mut [f32]) {
        let n = input.len();
        debug_assert!(n <= self.max_block_frames && output.len() == n);
        let taps = 2 * self.round_trip_taps.len() + 1;
        let history = taps - 1 + self.round_trip_skip;
        let window = &mut self.round_trip_history[channel];
        window[history..history + n].copy_from_slice(input);
        round_trip_kernel(
            self.simd,
            &self.round_trip_taps,
            self.round_trip_centre,
            &window[..taps - 1 + n],
            output,
        );
        window.copy_within(n..n + history, 0);
    }

    /// The oversampling factor.
    pub fn factor(&self) -> usize {
        self.factor
    }

    /// Clears all filter history.
    pub fn reset(&mut self) {
        for h in self
            .up_history
            .iter_mut()
            .chain(self.down_history.iter_mut())
            .chain(self.round_trip_history.iter_mut())
        {
            h.fill(0.0);
        }
    }

    /// Upsamples `input` of `channel` into `output` (`factor` times longer), delayed by 20 host samples.
    pub fn upsample(&mut self, channel: usize, input: &[f32], output: &mut [f32]) {
        let n = input.len();
        debug_assert!(n <= self.max_block_frames && output.len() == n * self.factor);
        let history = TAPS_PER_PHASE - 1;
        let window = &mut self.up_history[channel];
        window[history..history + n].copy_from_slice(input);
        upsample_kernel(
            self.simd,
            self.factor,
            &self.up_coefficients,
            &window[..history + n],
            &mut self.phase_outputs,
            output,
        );
        window.copy_within(n..n + history, 0);
    }

    /// Low-pass filters and decimates `input` (`factor·n` samples) of `channel` into `output` (`n` samples).
    pub fn downsample(&mut self, channel: usize, input: &[f32], output: &mut [f32]) {
        let factor = self.factor;
        let n = output.len();
        debug_assert!(n <= self.max_block_frames && input.len() == n * factor);
        let history = DECIMATOR_HISTORY;
        let len = self.down_stream_len;
        let streams = &mut self.down_history[channel];
        match factor {
            2 => deinterleave::<2>(input, streams, len, history),
            4 => deinterleave::<4>(input, streams, len, history),
            8 => deinterleave::<8>(input, streams, len, history),
            16 => deinterleave::<16>(input, streams, len, history),
            _ => {
                for (r, stream) in streams.chunks_exact_mut(len).enumerate() {
                    for (s, frame) in stream[history..history + n]
                        .iter_mut()
                        .zip(input.chunks_exact(factor))
                    {
                        *s = frame[r];
                    }
                }
            }
        }
        downsample_kernel(self.simd, &self.down_taps, streams, len, output);
        for stream in streams.chunks_exact_mut(len) {
            stream.copy_within(n..n + history, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(factor: usize, x: &[f32], block: usize) -> Vec<f32> {
        let mut os = Oversampler::new(factor, 1, block);
        let mut out = vec![0.0f32; x.len()];
        let mut up = vec![0.0f32; block * factor];
        for (xi, oi) in x.chunks(block).zip(out.chunks_mut(block)) {
            let u = &mut up[..xi.len() * factor];
            os.upsample(0, xi, u);
            os.downsample(0, u, oi);
        }
        out
    }

    #[test]
    fn upsampler_matches_direct_convolution_with_the_prototype() {
        let x: Vec<f32> = (0..300)
            .map(|i| ((i * 7919 % 1013) as f32 / 1013.0 - 0.5) * 2.0)
            .collect();
        for factor in [2, 4, 8, 16] {
            let h = design_prototype(factor);
            let mut os = Oversampler::new(factor, 1, 64);
            let mut up = vec![0.0f32; x.len() * factor];
            for (xi, ui) in x.chunks(37).zip(up.chunks_mut(37 * factor)) {
                os.upsample(0, xi, ui);
            }
            // Zero-stuffed input convolved with the prototype in f64, each output phase scaled to
            // unity DC gain (as the upsampler's phases are).
            let phase_sum = |p: usize| -> f64 { h.iter().skip(p).step_by(factor).sum() };
            for (j, &got) in up.iter().enumerate() {
                let expected: f64 = h
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k <= j && (j - k) % factor == 0)
                    .map(|(k, &hk)| hk * x[(j - k) / factor] as f64)
                    .sum::<f64>()
                    / phase_sum(j % factor);
                assert!(
                    (got as f64 - expected).abs() < 1e-6,
                    "factor {factor} at {j}: {got} vs {expected}"
                );
            }
        }
    }

    #[test]
    fn decimator_matches_direct_convolution_with_the_prototype() {
        for factor in [2, 4, 8, 16] {
            let u: Vec<f32> = (0..200 * factor)
                .map(|i| ((i * 7919 % 1013) as f32 / 1013.0 - 0.5) * 2.0)
                .collect();
            let h = design_prototype(factor);
            let mut os = Oversampler::new(factor, 1, 64);
            let mut y = vec![0.0f32; u.len() / factor];
            for (ui, yi) in u.chunks(37 * factor).zip(y.chunks_mut(37)) {
                os.downsample(0, ui, yi);
            }
            // The f64 convolution at every high-rate position; the decimator keeps one phase of it.
            let convolved: Vec<f64> = (0..u.len())
                .map(|j| {
                    (0..h.len().min(j + 1))
                        .map(|m| h[m] * u[j - m] as f64)
                        .sum()
                })
                .collect();
            let worst = |phase: usize| {
                y.iter()
                    .enumerate()
                    .filter(|&(i, _)| i * factor + phase < u.len())
                    .map(|(i, &v)| (v as f64 - convolved[i * factor + phase]).abs())
                    .fold(0.0f64, f64::max)
            };
            let best = (0..factor).map(worst).fold(f64::INFINITY, f64::min);
            assert!(best < 1e-6, "factor {factor}: {best}");
        }
    }

    #[test]
    fn host_rate_round_trip_matches_up_then_down() {
        let x: Vec<f32> = (0..3000)
            .map(|i| {
                ((i * 7919 % 1013) as f32 / 1013.0 - 0.5) * if i % 97 == 0 { 8.0 } else { 1.0 }
            })
            .collect();
        for factor in [2, 4, 8, 16] {
            let expected = round_trip(factor, &x, 200);
            let mut os = Oversampler::new(factor, 1, 200);
            let mut got = vec![0.0f32; x.len()];
            for (xi, oi) in x.chunks(200).zip(got.chunks_mut(200)) {
                os.round_trip(0, xi, oi);
            }
            let worst = got
                .iter()
                .zip(&expected)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            // Trimmed tails: within 5e-4 of the largest input (8 × 0.5).
            assert!(worst < 4.0 * 5e-4, "factor {factor}: {worst}");
        }
    }

    #[test]
    fn round_trip_delays_an_impulse_by_the_round_trip_latency() {
        for factor in [2, 4, 8, 16] {
            let mut x = vec![0.0f32; 200];
            x[10] = 1.0;
            let y = round_trip(factor, &x, 64);
            let peak = y
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                .unwrap()
                .0;
            assert_eq!(peak, 10 + ROUND_TRIP_LATENCY_SAMPLES, "factor {factor}");
        }
    }

    #[test]
    fn passband_and_block_invariance() {
        // Sines come back at the same level whatever the blocks: ±0.03 dB to 20 kHz at 44.1 kHz.
        for factor in [2, 4, 16] {
            for (fs, freq) in [
                (48_000.0, 1000.0),
                (48_000.0, 15_000.0),
                (44_100.0, 20_000.0),
            ] {
                let x: Vec<f32> = (0..8820)
                    .map(|i| (2.0 * std::f64::consts::PI * freq * i as f64 / fs).sin() as f32 * 0.5)
                    .collect();
                let a = round_trip(factor, &x, 256);
                let b = round_trip(factor, &x, 37);
                assert_eq!(a, b);
                let rms = |v: &[f32]| {
                    (v.iter().map(|&s| (s * s) as f64).sum::<f64>() / v.len() as f64).sqrt()
                };
                let ratio_db = 20.0 * (rms(&a[1000..8000]) / rms(&x[1000..8000])).log10();
                assert!(
                    ratio_db.abs() < 0.03,
                    "factor {factor}, {freq} Hz: {ratio_db:.3} dB"
                );
            }
        }
    }
}
