//! The Zero Latency cascade as vector lanes: a run of consecutive bands that each filter Stereo,
//! Left or Right without a bypass fade, one lane per band and channel.
//!
//! The bands run as a wavefront: at step `t` lane `b` filters frame `t − b`, taking what lane
//! `b − 1` made one step earlier (a shift by one lane), so all the bands' recursions advance in
//! one vector step. Each lane runs the band's static sections (padded with pass-through
//! sections up to the run's most), then its dynamic section, whose coefficients every lane
//! computes from its gain (the chunk's gains are stored skewed before the wavefront: step `t`,
//! lane `b` holds band `b`'s frame `t − 2b − 1`, as the dynamic section runs a step behind the
//! static ones), all four shapes side by side and the lane's picked by a select. A lane outside its frames does not advance its state; a channel the
//! band leaves alone passes its input. Every lane does exactly the arithmetic of
//! [`EqBand::tick`] on the same values (the same multiplies and adds in the same order, the
//! same selects), so the output is that of the bands one after another, in every vector build.

use super::dynamic_section::DynamicShape;
use super::eq_band::{EqBand, TickPlan, CHUNK};
use super::settings::MAX_EQ_BANDS;
use crate::dynamics::band_bank::in_simd_build;
use crate::filter::eq_design::MAX_EQ_SECTIONS;
use crate::filter::eq_section::SvfState;
use crate::simd::SimdLevel;

/// One value per lane.
type Row = [f32; MAX_EQ_BANDS];
/// What the dynamic sections of a run are: none, only bells, or any shapes.
const NONE: u8 = 0;
const BELLS: u8 = 1;
const ANY: u8 = 2;
/// Wavefront steps of one chunk at most.
const STEPS: usize = CHUNK + 2 * MAX_EQ_BANDS;

/// One mask per lane (all bits set: true), so selects are bit operations that vectorise.
type Mask = [u32; MAX_EQ_BANDS];
const ALL: u32 = u32::MAX;

/// A static section of every lane: coefficient rows and the pass-through masks (set: the lane's
/// band has fewer sections).
#[derive(Debug, Clone, Copy)]
struct Section {
    c: [Row; 6],
    pass: Mask,
}

const SECTION_PASS: Section = Section {
    c: [[0.0; MAX_EQ_BANDS]; 6],
    pass: [ALL; MAX_EQ_BANDS],
};

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
    sections: [Section; MAX_EQ_SECTIONS],
    /// `[channel][section][integrator]` per lane.
    states: [[[Row; 2]; MAX_EQ_SECTIONS]; 2],
    /// `[channel][integrator]` per lane.
    dynamic_states: [[Row; 2]; 2],
    /// Set where the lane's band has a dynamic section.
    dynamic_on: Mask,
    /// Set where the band filters that channel.
    channel_on: [Mask; 2],
}

impl Default for LaneCascade {
    fn default() -> Self {
        Self::new()
    }
}

impl LaneCascade {
    /// Tables for [`MAX_EQ_BANDS`] lanes (the one allocating call).
    pub fn new() -> Self {
        Self {
            gains: vec![[1.0; MAX_EQ_BANDS]; STEPS].into_boxed_slice(),
            dynamic_g: [0.0; MAX_EQ_BANDS],
            dynamic_k: [0.0; MAX_EQ_BANDS],
            bell: [0; MAX_EQ_BANDS],
            low_shelf: [0; MAX_EQ_BANDS],
            high_shelf: [0; MAX_EQ_BANDS],
            sections: [SECTION_PASS; MAX_EQ_SECTIONS],
            states: [[[[0.0; MAX_EQ_BANDS]; 2]; MAX_EQ_SECTIONS]; 2],
            dynamic_states: [[[0.0; MAX_EQ_BANDS]; 2]; 2],
            dynamic_on: [0; MAX_EQ_BANDS],
            channel_on: [[0; MAX_EQ_BANDS]; 2],
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
        let n = order.len().min(MAX_EQ_BANDS);
        if n == 0 || m == 0 {
            return;
        }
        let m = m.min(CHUNK);
        let depth = self.load(bands, &order[..n], &plans[..n], gains, m);
        let shape = |p: &TickPlan| p.dynamic().map(|d| d.parts().0);
        let dynamic = if plans[..n].iter().all(|p| shape(p).is_none()) {
            NONE
        } else if plans[..n]
            .iter()
            .all(|p| matches!(shape(p), None | Some(DynamicShape::Bell)))
        {
            BELLS
        } else {
            ANY
        };
        let lanes = n;
        in_simd_build(
            simd,
            #[inline(always)]
            || match (lanes, dynamic) {
                (0..=8, NONE) => self.wavefront::<8, NONE>(lanes, depth, l, r, m),
                (0..=8, BELLS) => self.wavefront::<8, BELLS>(lanes, depth, l, r, m),
                (0..=8, _) => self.wavefront::<8, ANY>(lanes, depth, l, r, m),
                (9..=16, NONE) => self.wavefront::<16, NONE>(lanes, depth, l, r, m),
                (9..=16, BELLS) => self.wavefront::<16, BELLS>(lanes, depth, l, r, m),
                (9..=16, _) => self.wavefront::<16, ANY>(lanes, depth, l, r, m),
                (_, NONE) => self.wavefront::<MAX_EQ_BANDS, NONE>(lanes, depth, l, r, m),
                (_, BELLS) => self.wavefront::<MAX_EQ_BANDS, BELLS>(lanes, depth, l, r, m),
                (_, _) => self.wavefront::<MAX_EQ_BANDS, ANY>(lanes, depth, l, r, m),
            },
        );
        self.store(bands, &order[..n], &plans[..n]);
    }

    /// Fills the lanes from the bands; returns the most static sections of any band.
    fn load(
        &mut self,
        bands: &mut [EqBand],
        order: &[usize],
        plans: &[TickPlan],
        gains: &[[f32; CHUNK]],
        m: usize,
    ) -> usize {
        self.sections = [SECTION_PASS; MAX_EQ_SECTIONS];
        self.dynamic_on = [0; MAX_EQ_BANDS];
        self.channel_on = [[0; MAX_EQ_BANDS]; 2];
        let mut depth = 0;
        for (b, (&k, plan)) in order.iter().zip(plans).enumerate() {
            let on = plan.lane_channels().unwrap_or([true, true]);
            let first = if on[0] { 0 } else { 1 };
            let (statics, dynamic_states) = bands[k].filter_states();
            for (c, &on) in on.iter().enumerate() {
                self.channel_on[c][b] = if on { ALL } else { 0 };
            }
            for (c, filter) in statics.iter_mut().enumerate() {
                let (coefficients, states) = filter.parts_mut();
                if c == first {
                    depth = depth.max(coefficients.len());
                    for (s, coef) in coefficients.iter().enumerate() {
                        let section = &mut self.sections[s];
                        let values = [coef.g, coef.g_plus_k, coef.d, coef.m0, coef.m1, coef.m2];
                        for (row, v) in section.c.iter_mut().zip(values) {
                            row[b] = v;
                        }
                        section.pass[b] = 0;
                    }
                }
                for (s, lane) in self.states[c].iter_mut().enumerate() {
                    let v = states.get(s).map_or([0.0; 2], SvfState::integrators);
                    lane[0][b] = v[0];
                    lane[1][b] = v[1];
                }
            }
            for (c, state) in dynamic_states.iter_mut().enumerate() {
                let v = state.svf_mut().integrators();
                self.dynamic_states[c][0][b] = v[0];
                self.dynamic_states[c][1][b] = v[1];
            }
            if let Some(section) = plan.dynamic() {
                self.dynamic_on[b] = ALL;
                let (shape, g, k_damping) = section.parts();
                self.dynamic_g[b] = g;
                self.dynamic_k[b] = k_damping;
                self.bell[b] = mask(shape == DynamicShape::Bell);
                self.low_shelf[b] = mask(shape == DynamicShape::LowShelf);
                self.high_shelf[b] = mask(shape == DynamicShape::HighShelf);
                let skew = 2 * b + 1;
                for (row, &gain) in self.gains[skew..skew + m].iter_mut().zip(&gains[k][..m]) {
                    row[b] = gain;
                }
            }
        }
        depth
    }

    /// Hands the lanes' states back to the bands (only the channels they filter).
    fn store(&mut self, bands: &mut [EqBand], order: &[usize], plans: &[TickPlan]) {
        for (b, (&k, plan)) in order.iter().zip(plans).enumerate() {
            let on = plan.lane_channels().unwrap_or([true, true]);
            let (statics, dynamic_states) = bands[k].filter_states();
            for c in (0..2).filter(|&c| on[c]) {
                let (_, states) = statics[c].parts_mut();
                for (s, state) in states.iter_mut().enumerate() {
                    let lane = &self.states[c][s];
                    *state = SvfState::from_integrators([lane[0][b], lane[1][b]]);
                }
                if plan.dynamic().is_some() {
                    let lane = &self.dynamic_states[c];
                    *dynamic_states[c].svf_mut() =
                        SvfState::from_integrators([lane[0][b], lane[1][b]]);
                }
            }
        }
    }

    /// The wavefront over `lanes` (≤ `N`) bands of at most `depth` static sections.
    #[inline(always)]
    #[allow(clippy::needless_range_loop)]
    fn wavefront<const N: usize, const DYNAMIC: u8>(
        &mut self,
        lanes: usize,
        depth: usize,
        l: &mut [f32],
        r: &mut [f32],
        m: usize,
    ) {
        let channels = if r.is_empty() { 1 } else { 2 };
        // With dynamic sections each lane is two stages a step apart: at step `t` lane `b`'s
        // static sections filter frame `t − 2b` while its dynamic section filters frame
        // `t − 2b − 1` (what the static sections made one step earlier), so the two recursions
        // overlap instead of one waiting for the other.
        let stages = if DYNAMIC != NONE { 2 } else { 1 };
        let mut carry = [[0.0f32; N]; 2];
        // The static stage's outputs awaiting the dynamic stage, and the band inputs they came
        // from.
        let mut staged = [[0.0f32; N]; 2];
        let mut staged_input = [[0.0f32; N]; 2];
        let last = lanes - 1;
        let delay = stages * lanes - 1;
        for t in 0..m + delay {
            let mut valid = [0u32; N];
            let mut valid_dynamic = [0u32; N];
            for b in 0..N {
                let frame = (t as u32).wrapping_sub((stages * b) as u32);
                valid[b] = mask(frame < m as u32);
                valid_dynamic[b] = mask(frame.wrapping_sub(1) < m as u32);
            }
            let mut dynamic = [[0.0f32; MAX_EQ_BANDS]; 6];
            let mut dynamic_pass = [0u32; N];
            if DYNAMIC != NONE {
                let bells = DYNAMIC == BELLS;
                self.dynamic_coefficients::<N>(t, bells, &mut dynamic, &mut dynamic_pass);
            }
            for c in 0..channels {
                let x: &mut [f32] = if c == 0 { &mut *l } else { &mut *r };
                let mut input = [0.0f32; N];
                input[0] = if t < m { x[t] } else { 0.0 };
                input[1..].copy_from_slice(&carry[c][..N - 1]);
                let mut v = input;
                for s in 0..depth {
                    let section = &self.sections[s];
                    let state = &mut self.states[c][s];
                    let pass: &[u32; N] = section.pass[..N].try_into().unwrap();
                    lane_svf::<N>(&section.c, pass, state, &valid, &mut v);
                }
                let on = &self.channel_on[c];
                if DYNAMIC != NONE {
                    let mut w = staged[c];
                    lane_svf::<N>(
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
                if t >= delay {
                    x[t - delay] = carry[c][last];
                }
            }
        }
    }
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
fn lane_svf<const N: usize>(
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
        s1[b] = select(valid[b], bp + v1, s1[b]);
        s2[b] = select(valid[b], lp + v2, s2[b]);
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
        for (count, only_bells) in [(1, false), (2, false), (2, true)] {
            let mut lanes = bands(only_bells);
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
