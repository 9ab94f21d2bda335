//! The Zero Latency cascade as vector lanes: a run of consecutive bands that each filter Stereo,
//! Left or Right without a bypass fade, one lane per static section of each band.
//!
//! A band of `n` static sections takes `max(n, 1)` consecutive lanes, one section each; its
//! dynamic section, if any, sits on its last lane. The lanes run as a wavefront: at step `t`
//! lane `b` filters frame `t − b` (with dynamic sections `t − 2b`), taking what lane `b − 1`
//! made one step earlier (a shift by one lane), so all the sections' recursions advance in one
//! vector step, and a band of one section costs one lane however deep its neighbours are.
//! With dynamic sections each lane is two stages a step apart: its static section, then its
//! dynamic section one step later, whose coefficients every lane computes from its gain (the
//! chunk's gains are stored skewed before the wavefront: step `t`, lane `b` holds its band's
//! frame `t − 2b − 1`), all four shapes side by side and the lane's picked by a select. A lane
//! outside its frames does not advance its state; a channel the band leaves alone passes each
//! of its lanes' input, so the band passes its input. Every lane does exactly the arithmetic
//! of [`EqBand::tick`] on the same values (the same multiplies and adds in the same order, the
//! same selects), so the output is that of the bands one after another, in every vector build.
//! Runs of more than [`MAX_LANES`] lanes are cut into consecutive wavefronts.

use super::dynamic_section::DynamicShape;
use super::eq_band::{EqBand, TickPlan, CHUNK};
use super::settings::MAX_EQ_BANDS;
use crate::dynamics::band_bank::in_simd_build;
use crate::filter::eq_design::MAX_EQ_SECTIONS;
use crate::filter::eq_section::SvfState;
use crate::simd::SimdLevel;

/// Lanes of one wavefront at most (a band's lanes are never split, and one band has at most
/// [`MAX_EQ_SECTIONS`] ≤ this).
pub const MAX_LANES: usize = 32;
const _: () = assert!(MAX_EQ_SECTIONS <= MAX_LANES);

/// One value per lane.
type Row = [f32; MAX_LANES];
/// What the dynamic sections of a run are: none, only bells, or any shapes.
const NONE: u8 = 0;
const BELLS: u8 = 1;
const ANY: u8 = 2;
/// Wavefront steps of one chunk at most.
const STEPS: usize = CHUNK + 2 * MAX_LANES;

/// One mask per lane (all bits set: true), so selects are bit operations that vectorise.
type Mask = [u32; MAX_LANES];
const ALL: u32 = u32::MAX;

/// Where one band's lanes are in a wavefront.
#[derive(Debug, Clone, Copy, Default)]
struct BandLanes {
    /// The band (index into the EQ's bands) and its position in the run.
    band: usize,
    position: usize,
    /// Its first lane and how many it takes.
    first: usize,
    count: usize,
}

/// The lane cascade's coefficient tables and states (allocated once, in [`new`](Self::new)).
#[derive(Debug)]
pub struct LaneCascade {
    /// Dynamic gains per wavefront step, skewed (see the module docs).
    gains: Box<[Row]>,
    /// Per lane: the dynamic section's `g` and `k`, and masks of its shape.
    dynamic_g: Row,
    dynamic_k: Row,
    bell: Mask,
    low_shelf: Mask,
    high_shelf: Mask,
    /// Per lane: the static section's coefficient rows (`g`, `g + k`, `d`, `m0`, `m1`, `m2`).
    coefficients: [Row; 6],
    /// Per channel: set where the lane passes its input (no static section, or its band leaves
    /// the channel alone).
    static_pass: [Mask; 2],
    /// `[channel][integrator]` per lane, static and dynamic sections.
    states: [[Row; 2]; 2],
    dynamic_states: [[Row; 2]; 2],
    /// Set where the lane has a dynamic section.
    dynamic_on: Mask,
    /// Set where the lane's band filters that channel.
    channel_on: [Mask; 2],
}

impl Default for LaneCascade {
    fn default() -> Self {
        Self::new()
    }
}

impl LaneCascade {
    /// Tables for [`MAX_LANES`] lanes (the one allocating call).
    pub fn new() -> Self {
        Self {
            gains: vec![[1.0; MAX_LANES]; STEPS].into_boxed_slice(),
            dynamic_g: [0.0; MAX_LANES],
            dynamic_k: [0.0; MAX_LANES],
            bell: [0; MAX_LANES],
            low_shelf: [0; MAX_LANES],
            high_shelf: [0; MAX_LANES],
            coefficients: [[0.0; MAX_LANES]; 6],
            static_pass: [[ALL; MAX_LANES]; 2],
            states: [[[0.0; MAX_LANES]; 2]; 2],
            dynamic_states: [[[0.0; MAX_LANES]; 2]; 2],
            dynamic_on: [0; MAX_LANES],
            channel_on: [[0; MAX_LANES]; 2],
        }
    }

    /// Runs `bands[order[j]]` with `plans[j]` (every plan has [`TickPlan::lane_channels`]) in
    /// series over the `m` frames of `l` and `r` (`r` empty for mono), band `k` at the dynamic
    /// gains `gains[k]`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run(
        &mut self,
        bands: &mut [EqBand],
        order: &[usize],
        plans: &[TickPlan],
        gains: &[[f32; CHUNK]],
        l: &mut [f32],
        r: &mut [f32],
        m: usize,
        simd: SimdLevel,
    ) {
        let n = order.len().min(plans.len()).min(MAX_EQ_BANDS);
        if n == 0 || m == 0 {
            return;
        }
        let m = m.min(CHUNK);
        // Consecutive bands into wavefronts of at most MAX_LANES lanes.
        let mut group = [BandLanes::default(); MAX_EQ_BANDS];
        let (mut members, mut lanes) = (0, 0);
        for (j, &k) in order[..n].iter().enumerate() {
            let count = bands[k].static_section_count().max(1);
            if lanes + count > MAX_LANES {
                self.wavefront_group(bands, &group[..members], plans, gains, l, r, m, simd);
                (members, lanes) = (0, 0);
            }
            group[members] = BandLanes {
                band: k,
                position: j,
                first: lanes,
                count,
            };
            members += 1;
            lanes += count;
        }
        self.wavefront_group(bands, &group[..members], plans, gains, l, r, m, simd);
    }

    /// Loads `group`, runs its wavefront and hands the states back.
    #[allow(clippy::too_many_arguments)]
    fn wavefront_group(
        &mut self,
        bands: &mut [EqBand],
        group: &[BandLanes],
        plans: &[TickPlan],
        gains: &[[f32; CHUNK]],
        l: &mut [f32],
        r: &mut [f32],
        m: usize,
        simd: SimdLevel,
    ) {
        let Some(last) = group.last() else { return };
        let lanes = last.first + last.count;
        self.load(bands, group, plans, gains, m);
        let shape = |p: &TickPlan| p.dynamic().map(|d| d.parts().0);
        let group_plans = || group.iter().map(|g| &plans[g.position]);
        let dynamic = if group_plans().all(|p| shape(p).is_none()) {
            NONE
        } else if group_plans().all(|p| matches!(shape(p), None | Some(DynamicShape::Bell))) {
            BELLS
        } else {
            ANY
        };
        in_simd_build(
            simd,
            #[inline(always)]
            || match (lanes, dynamic) {
                (0..=8, NONE) => self.wavefront::<8, NONE>(lanes, l, r, m),
                (0..=8, BELLS) => self.wavefront::<8, BELLS>(lanes, l, r, m),
                (0..=8, _) => self.wavefront::<8, ANY>(lanes, l, r, m),
                (9..=16, NONE) => self.wavefront::<16, NONE>(lanes, l, r, m),
                (9..=16, BELLS) => self.wavefront::<16, BELLS>(lanes, l, r, m),
                (9..=16, _) => self.wavefront::<16, ANY>(lanes, l, r, m),
                (_, NONE) => self.wavefront::<MAX_LANES, NONE>(lanes, l, r, m),
                (_, BELLS) => self.wavefront::<MAX_LANES, BELLS>(lanes, l, r, m),
                (_, _) => self.wavefront::<MAX_LANES, ANY>(lanes, l, r, m),
            },
        );
        self.store(bands, group, plans);
    }

    /// Fills the lanes from the bands of `group`.
    fn load(
        &mut self,
        bands: &mut [EqBand],
        group: &[BandLanes],
        plans: &[TickPlan],
        gains: &[[f32; CHUNK]],
        m: usize,
    ) {
        self.static_pass = [[ALL; MAX_LANES]; 2];
        self.dynamic_on = [0; MAX_LANES];
        self.channel_on = [[0; MAX_LANES]; 2];
        for g in group {
            let plan = &plans[g.position];
            let on = plan.lane_channels().unwrap_or([true, true]);
            let first = if on[0] { 0 } else { 1 };
            let (statics, dynamic_states) = bands[g.band].filter_states();
            let lanes = g.first..g.first + g.count;
            for (c, &on) in on.iter().enumerate() {
                self.channel_on[c][lanes.clone()].fill(if on { ALL } else { 0 });
            }
            for (c, filter) in statics.iter_mut().enumerate() {
                let (coefficients, states) = filter.parts_mut();
                if c == first {
                    for (s, coef) in coefficients.iter().enumerate() {
                        let b = g.first + s;
                        let values = [coef.g, coef.g_plus_k, coef.d, coef.m0, coef.m1, coef.m2];
                        for (row, v) in self.coefficients.iter_mut().zip(values) {
                            row[b] = v;
                        }
                        for (pass, &on) in self.static_pass.iter_mut().zip(&on) {
                            pass[b] = if on { 0 } else { ALL };
                        }
                    }
                }
                for (i, b) in lanes.clone().enumerate() {
                    let v = states.get(i).map_or([0.0; 2], SvfState::integrators);
                    self.states[c][0][b] = v[0];
                    self.states[c][1][b] = v[1];
                }
            }
            // The dynamic section on the band's last lane.
            let b = g.first + g.count - 1;
            for (c, state) in dynamic_states.iter_mut().enumerate() {
                let v = state.svf_mut().integrators();
                self.dynamic_states[c][0][b] = v[0];
                self.dynamic_states[c][1][b] = v[1];
            }
            if let Some(section) = plan.dynamic() {
                self.dynamic_on[b] = ALL;
                let (shape, g0, k_damping) = section.parts();
                self.dynamic_g[b] = g0;
                self.dynamic_k[b] = k_damping;
                self.bell[b] = mask(shape == DynamicShape::Bell);
                self.low_shelf[b] = mask(shape == DynamicShape::LowShelf);
                self.high_shelf[b] = mask(shape == DynamicShape::HighShelf);
                let skew = 2 * b + 1;
                let band_gains = &gains[g.band][..m];
                for (row, &gain) in self.gains[skew..skew + m].iter_mut().zip(band_gains) {
                    row[b] = gain;
                }
            }
        }
    }

    /// Hands the lanes' states back to the bands of `group` (only the channels they filter).
    fn store(&mut self, bands: &mut [EqBand], group: &[BandLanes], plans: &[TickPlan]) {
        for g in group {
            let plan = &plans[g.position];
            let on = plan.lane_channels().unwrap_or([true, true]);
            let (statics, dynamic_states) = bands[g.band].filter_states();
            let b_last = g.first + g.count - 1;
            for c in (0..2).filter(|&c| on[c]) {
                let (_, states) = statics[c].parts_mut();
                for (i, state) in states.iter_mut().enumerate() {
                    let b = g.first + i;
                    let lane = &self.states[c];
                    *state = SvfState::from_integrators([lane[0][b], lane[1][b]]);
                }
                if plan.dynamic().is_some() {
                    let lane = &self.dynamic_states[c];
                    *dynamic_states[c].svf_mut() =
                        SvfState::from_integrators([lane[0][b_last], lane[1][b_last]]);
                }
            }
        }
    }

    /// The wavefront over `lanes` (≤ `N`) lanes.
    #[inline(always)]
    fn wavefront<const N: usize, const DYNAMIC: u8>(
        &mut self,
        lanes: usize,
        l: &mut [f32],
        r: &mut [f32],
        m: usize,
    ) {
        let channels = if r.is_empty() { 1 } else { 2 };
        // With dynamic sections each lane is two stages a step apart: at step `t` lane `b`'s
        // static section filters frame `t − 2b` while its dynamic section filters frame
        // `t − 2b − 1` (what the static section made one step earlier), so the two recursions
        // overlap instead of one waiting for the other.
        let stages = if DYNAMIC != NONE { 2 } else { 1 };
        let mut carry = [[0.0f32; N]; 2];
        // The static stage's outputs awaiting the dynamic stage, and the lane inputs they came
        // from.
        let mut staged = [[0.0f32; N]; 2];
        let mut staged_input = [[0.0f32; N]; 2];
        let last = lanes - 1;
        let delay = stages * lanes - 1;
        for t in 0..m + delay {
            let x = [
                l.get(t).copied().unwrap_or(0.0),
                r.get(t).copied().unwrap_or(0.0),
            ];
            let frames = Frames { t, m, stages };
            // Every lane inside its frames: the states advance without masks.
            if t >= delay && t < m {
                self.step::<N, DYNAMIC, false>(
                    frames,
                    channels,
                    x,
                    &mut carry,
                    &mut staged,
                    &mut staged_input,
                );
            } else {
                self.step::<N, DYNAMIC, true>(
                    frames,
                    channels,
                    x,
                    &mut carry,
                    &mut staged,
                    &mut staged_input,
                );
            }
            if t >= delay {
                l[t - delay] = carry[0][last];
                if channels == 2 {
                    r[t - delay] = carry[1][last];
                }
            }
        }
    }

    /// One wavefront step (see [`wavefront`](Self::wavefront)) on the new inputs `x` (per
    /// channel); `MASKED`: some lane is outside its frames.
    #[inline(always)]
    #[allow(clippy::needless_range_loop)]
    fn step<const N: usize, const DYNAMIC: u8, const MASKED: bool>(
        &mut self,
        frames: Frames,
        channels: usize,
        x: [f32; 2],
        carry: &mut [[f32; N]; 2],
        staged: &mut [[f32; N]; 2],
        staged_input: &mut [[f32; N]; 2],
    ) {
        let Frames { t, m, stages } = frames;
        let mut valid = [ALL; N];
        let mut valid_dynamic = [ALL; N];
        if MASKED {
            for b in 0..N {
                let frame = (t as u32).wrapping_sub((stages * b) as u32);
                valid[b] = mask(frame < m as u32);
                valid_dynamic[b] = mask(frame.wrapping_sub(1) < m as u32);
            }
        }
        let mut dynamic = [[0.0f32; MAX_LANES]; 6];
        let mut dynamic_pass = [0u32; N];
        if DYNAMIC != NONE {
            let bells = DYNAMIC == BELLS;
            self.dynamic_coefficients::<N>(t, bells, &mut dynamic, &mut dynamic_pass);
        }
        for c in 0..channels {
            let mut input = [0.0f32; N];
            input[0] = x[c];
            input[1..].copy_from_slice(&carry[c][..N - 1]);
            let mut v = input;
            let pass: &[u32; N] = self.static_pass[c][..N].try_into().expect("N lanes");
            lane_svf::<N, MASKED>(
                &self.coefficients,
                pass,
                &mut self.states[c],
                &valid,
                &mut v,
            );
            let on = &self.channel_on[c];
            if DYNAMIC != NONE {
                let mut w = staged[c];
                lane_svf::<N, MASKED>(
                    &dynamic,
                    &dynamic_pass,
                    &mut self.dynamic_states[c],
                    &valid_dynamic,
                    &mut w,
                );
                for b in 0..N {
                    carry[c][b] = select(on[b], w[b], staged_input[c][b]);
                }
                staged[c] = v;
                staged_input[c] = input;
            } else {
                for b in 0..N {
                    carry[c][b] = select(on[b], v[b], input[b]);
                }
            }
        }
    }
}

/// Where a wavefront step is: step `t` of a chunk of `m` frames, lanes `stages` steps apart.
#[derive(Debug, Clone, Copy)]
struct Frames {
    t: usize,
    m: usize,
    stages: usize,
}

impl LaneCascade {
    /// The dynamic sections' coefficient rows at step `t`'s gains (each lane as
    /// [`DynamicSection::coefficients`](super::dynamic_section::DynamicSection::coefficients)
    /// for its shape) and the pass-through masks (no dynamic section, or a gain of exactly 1).
    #[inline(always)]
    fn dynamic_coefficients<const N: usize>(
        &self,
        t: usize,
        bells: bool,
        out: &mut [Row; 6],
        pass: &mut [u32; N],
    ) {
        let gains = &self.gains[t];
        for b in 0..N {
            let gain = gains[b];
            let (g0, k0) = (self.dynamic_g[b], self.dynamic_k[b]);
            let (bell, low, high) = (self.bell[b], self.low_shelf[b], self.high_shelf[b]);
            let a = gain.sqrt();
            if bells {
                // Only bells: their part of the selects below, without the shelves' roots.
                let ka = k0 / a;
                out[0][b] = g0;
                out[1][b] = g0 + ka;
                out[2][b] = 1.0 / (1.0 + g0 * (g0 + ka));
                out[3][b] = 1.0;
                out[4][b] = ka * (gain - 1.0);
                out[5][b] = 0.0;
                pass[b] = !self.dynamic_on[b] | mask(gain == 1.0);
                continue;
            }
            let root_a = a.sqrt();
            let ka = k0 / a;
            let g_shelf = select(low, g0 / root_a, g0 * root_a);
            let g = select(bell, g0, g_shelf);
            let k = select(bell, ka, k0);
            let m0 = select(bell | low, 1.0, select(high, gain, a));
            let m1_shelf = select(high, k0 * a * (1.0 - a), k0 * (1.0 - a));
            let m1 = select(
                bell,
                ka * (gain - 1.0),
                select(low, k0 * (a - 1.0), m1_shelf),
            );
            let m2_shelf = select(high, 1.0 - gain, 1.0 / a - a);
            let m2 = select(bell, 0.0, select(low, gain - 1.0, m2_shelf));
            let g_plus_k = g + k;
            out[0][b] = g;
            out[1][b] = g_plus_k;
            out[2][b] = 1.0 / (1.0 + g * g_plus_k);
            out[3][b] = m0;
            out[4][b] = m1;
            out[5][b] = m2;
            pass[b] = !self.dynamic_on[b] | mask(gain == 1.0);
        }
    }
}

/// One trapezoidal SVF step in every lane (as [`SvfState::tick`]): the state advances where
/// `valid`, and `v` becomes the output except where `pass` is set.
#[inline(always)]
fn lane_svf<const N: usize, const MASKED: bool>(
    c: &[Row; 6],
    pass: &[u32; N],
    state: &mut [Row; 2],
    valid: &[u32; N],
    v: &mut [f32; N],
) {
    let [g, gk, d, m0, m1, m2] = c;
    let [s1, s2] = state;
    for b in 0..N {
        let x = v[b];
        let hp = (x - gk[b] * s1[b] - s2[b]) * d[b];
        let v1 = g[b] * hp;
        let bp = v1 + s1[b];
        let v2 = g[b] * bp;
        let lp = v2 + s2[b];
        if MASKED {
            s1[b] = select(valid[b], bp + v1, s1[b]);
            s2[b] = select(valid[b], lp + v2, s2[b]);
        } else {
            s1[b] = bp + v1;
            s2[b] = lp + v2;
        }
        let y = m0[b] * x + m1[b] * bp + m2[b] * lp;
        v[b] = select(pass[b], x, y);
    }
}

/// All bits set if `c`.
#[inline(always)]
fn mask(c: bool) -> u32 {
    0u32.wrapping_sub(u32::from(c))
}

/// `a` where `mask` is set, `b` where it is clear (bit for bit).
#[inline(always)]
fn select(mask: u32, a: f32, b: f32) -> f32 {
    f32::from_bits((a.to_bits() & mask) | (b.to_bits() & !mask))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::BandChannel;
    use crate::eq::settings::{EqBandSettings, EqDynamicsSettings};
    use crate::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};

    /// Bands of every lane kind: dynamic and static, Stereo, Left and Right, a steep cut, a
    /// band at 0 dB.
    fn bands(only_bells: bool) -> Vec<EqBand> {
        let cases = [
            (EqShape::Bell, 100.0, 3.0, BandChannel::Stereo, true),
            (EqShape::HighCut, 9000.0, 0.0, BandChannel::Left, false),
            (EqShape::LowShelf, 200.0, -4.0, BandChannel::Right, true),
            (EqShape::Bell, 1000.0, 0.0, BandChannel::Stereo, false),
            (EqShape::HighShelf, 5000.0, 2.0, BandChannel::Left, true),
            (EqShape::TiltShelf, 700.0, 1.0, BandChannel::Stereo, true),
            (EqShape::Bell, 3000.0, 0.0, BandChannel::Right, true),
            (EqShape::LowCut, 50.0, 0.0, BandChannel::Stereo, false),
        ];
        cases
            .iter()
            .filter(|c| !only_bells || c.0 == EqShape::Bell || !c.4)
            .map(|&(shape, frequency_hz, gain_db, placement, dynamic)| {
                let mut band = EqBand::new();
                band.prepare(48_000.0, CHUNK);
                band.set_settings(&EqBandSettings {
                    used: true,
                    filter: EqShapeSettings {
                        shape,
                        frequency_hz,
                        gain_db,
                        q: 0.9,
                        slope: CutSlope::Db72,
                    },
                    dynamics: EqDynamicsSettings {
                        enabled: dynamic,
                        ..EqDynamicsSettings::default()
                    },
                    placement,
                    ..EqBandSettings::default()
                });
                band.begin_chunk(true);
                band
            })
            .collect()
    }

    #[test]
    fn lanes_give_the_bits_of_the_bands_one_after_another() {
        // Twice the bands: more lanes than one wavefront holds (cut into several).
        for (count, only_bells, repeat) in
            [(1, false, 1), (2, false, 1), (2, true, 1), (2, false, 2)]
        {
            let mut lanes: Vec<EqBand> = (0..repeat).flat_map(|_| bands(only_bells)).collect();
            let sections: usize = lanes.iter().map(|b| b.static_section_count().max(1)).sum();
            assert!(repeat == 1 || sections > MAX_LANES, "{sections} lanes");
            let mut ticked = lanes.clone();
            let n = lanes.len();
            let order: Vec<usize> = (0..n).collect();
            let mut gains = vec![[1.0f32; CHUNK]; n];
            for (k, row) in gains.iter_mut().enumerate() {
                for (i, g) in row.iter_mut().enumerate() {
                    if i % 5 != 0 {
                        *g = 0.5 + 0.01 * ((i * 7 + k * 13) % 100) as f32;
                    }
                }
            }
            let mut cascade = LaneCascade::new();
            let mut wet = [1.0f32; CHUNK];
            let mut t = 0.0f32;
            for m in [CHUNK, 100, 37, 1, 5] {
                let plans: Vec<TickPlan> = lanes
                    .iter()
                    .map(|b| b.begin_apply(count, &mut wet, m).unwrap())
                    .collect();
                assert!(plans.iter().all(|p| p.lane_channels().is_some()));
                let mut l: Vec<f32> = (0..m).map(|i| (t + 0.37 * i as f32).sin()).collect();
                let mut r: Vec<f32> = (0..m).map(|i| (t + 0.11 * i as f32).cos()).collect();
                t += 1.0;
                if count == 1 {
                    r.clear();
                }
                let (mut l2, mut r2) = (l.clone(), r.clone());
                let start = lanes.clone();
                for level in [SimdLevel::Baseline, crate::simd::detect()] {
                    let mut bands = start.clone();
                    let (mut l1, mut r1) = (l.clone(), r.clone());
                    cascade.run(
                        &mut bands, &order, &plans, &gains, &mut l1, &mut r1, m, level,
                    );
                    if level == SimdLevel::Baseline {
                        (l2, r2) = (l1, r1);
                        lanes = bands;
                    } else {
                        assert_eq!(l1, l2);
                        assert_eq!(r1, r2);
                    }
                }
                for (k, band) in ticked.iter_mut().enumerate() {
                    for i in 0..m {
                        let y = r.get(i).copied().unwrap_or(0.0);
                        let out = band.tick(&plans[k], l[i], y, gains[k][i], 1.0);
                        l[i] = out.0;
                        if let Some(v) = r.get_mut(i) {
                            *v = out.1;
                        }
                    }
                }
                let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&l), bits(&l2), "left, {count} channel(s), {m} frames");
                assert_eq!(bits(&r), bits(&r2), "right, {count} channel(s), {m} frames");
            }
        }
    }
}
