//! Several bands' follower pass run together: the multiband compressor measures every band
//! ([`BandDynamics::begin_chunk`]), runs all their attack/release followers in one serial loop
//! ([`follow_bank`]) and then shapes each band's gains ([`BandDynamics::finish_chunk`]).
//!
//! Each band has three followers (detector level in dB, the shaper's fast and slow envelopes),
//! each a one-pole whose chain is a multiply → add → select per sample. Run one band at a time
//! those chains set the pace (≈ 10 cycles per sample and band); here the followers of up to six
//! bands are lanes of one `f64` vector state, so one chain serves them all. Every lane does
//! exactly what [`AttackRelease::next`](super::level_detector::AttackRelease::next) does (the
//! same multiplies, add, comparison and select, on the same values), so the gains are bit for
//! bit those of [`BandDynamics::process`] on each band in turn.

use super::band_dynamics::{BandDynamics, CHUNK};
use crate::simd::SimdLevel;

/// Samples moved between the bands' buffers and the lane rows at a time.
const BLOCK: usize = 8;
/// Bands whose followers share one lane vector (more are run in groups of this many).
const GROUP: usize = 6;

/// Runs `f` compiled for `level`: baseline, AVX2 or AVX-512 (mark the closure
/// `#[inline(always)]` so its body is built with the wider instructions). The arithmetic is the
/// same in every build, so are the results.
#[inline(always)]
pub(crate) fn in_simd_build<R>(level: SimdLevel, f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,avx512f,avx512vl")]
        fn widest<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        #[target_feature(enable = "avx2")]
        fn wide<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        match level {
            // SAFETY: the level is only this high when `detect()` reported the features.
            SimdLevel::Avx512 => return unsafe { widest(f) },
            // SAFETY: as above.
            SimdLevel::Avx2 => return unsafe { wide(f) },
            SimdLevel::Baseline => {}
        }
    }
    let _ = level;
    f()
}

/// Pass 2 of the chunk of `m` samples every band in `bands` has begun
/// ([`BandDynamics::begin_chunk`] with `m` samples): all their followers, side by side.
pub(crate) fn follow_bank(bands: &mut [BandDynamics], m: usize) {
    let Some(level) = bands.iter().map(BandDynamics::simd_level).min() else {
        return;
    };
    let m = m.min(CHUNK);
    in_simd_build(
        level,
        #[inline(always)]
        || {
            for group in bands.chunks_mut(GROUP) {
                match group.len() {
                    1 => follow::<1, 4>(group, m),
                    2 => follow::<2, 8>(group, m),
                    3 => follow::<3, 12>(group, m),
                    4 => follow::<4, 12>(group, m),
                    5 => follow::<5, 16>(group, m),
                    _ => follow::<6, 20>(group, m),
                }
            }
        },
    );
}

/// Lane coefficients and state: lane `j·B + b` is band `b`'s follower `j` (detector, fast, slow);
/// lanes past `3·B` are idle (coefficients 0, state 0, input 0).
struct Lanes<const L: usize> {
    attack: [f64; L],
    attack_rest: [f64; L],
    release: [f64; L],
    release_rest: [f64; L],
    state: [f64; L],
}

impl<const L: usize> Lanes<L> {
    /// Advances every lane by one input (`row`, replaced by the new states as `f32`), as
    /// `AttackRelease::next` does.
    // One index over six parallel arrays reads clearer (and vectorises as well) as a range.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn step(&mut self, row: &mut [f32; L]) {
        for l in 0..L {
            let input = f64::from(row[l]);
            let state = self.state[l];
            let attacked = self.attack[l] * state + self.attack_rest[l] * input;
            let released = self.release[l] * state + self.release_rest[l] * input;
            self.state[l] = if input > state { attacked } else { released };
            row[l] = self.state[l] as f32;
        }
    }
}

/// The followers of exactly `B` bands in `L ≥ 3·B` lanes over `m` samples.
#[inline(always)]
fn follow<const B: usize, const L: usize>(bands: &mut [BandDynamics], m: usize) {
    debug_assert!(bands.len() == B && 3 * B <= L);
    let mut it = bands.iter_mut().map(BandDynamics::follower_parts);
    let mut parts: [_; B] = std::array::from_fn(|_| it.next().expect("B bands"));
    let mut lanes = Lanes {
        attack: [0.0; L],
        attack_rest: [0.0; L],
        release: [0.0; L],
        release_rest: [0.0; L],
        state: [0.0; L],
    };
    for (b, (followers, _)) in parts.iter().enumerate() {
        for (j, f) in followers.iter().enumerate() {
            let l = j * B + b;
            lanes.attack[l] = f.attack;
            lanes.attack_rest[l] = 1.0 - f.attack;
            lanes.release[l] = f.release;
            lanes.release_rest[l] = 1.0 - f.release;
            lanes.state[l] = f.state;
        }
    }
    // Detector lanes read the level, fast and slow lanes the held magnitude (`fast`).
    let mut start = 0;
    while start < m {
        let k_len = BLOCK.min(m - start);
        let mut rows = [[0.0f32; L]; BLOCK];
        let range = start..start + k_len;
        if k_len == BLOCK {
            for (b, (_, buffers)) in parts.iter().enumerate() {
                let level: &[f32; BLOCK] = buffers[0][range.clone()].try_into().expect("block");
                let held: &[f32; BLOCK] = buffers[1][range.clone()].try_into().expect("block");
                for k in 0..BLOCK {
                    rows[k][b] = level[k];
                    rows[k][B + b] = held[k];
                    rows[k][2 * B + b] = held[k];
                }
            }
            for row in &mut rows {
                lanes.step(row);
            }
            for (b, (_, buffers)) in parts.iter_mut().enumerate() {
                for (j, buffer) in buffers.iter_mut().enumerate() {
                    let out: &mut [f32; BLOCK] =
                        (&mut buffer[range.clone()]).try_into().expect("block");
                    for k in 0..BLOCK {
                        out[k] = rows[k][j * B + b];
                    }
                }
            }
        } else {
            for (k, row) in rows[..k_len].iter_mut().enumerate() {
                for (b, (_, buffers)) in parts.iter().enumerate() {
                    row[b] = buffers[0][start + k];
                    row[B + b] = buffers[1][start + k];
                    row[2 * B + b] = buffers[1][start + k];
                }
                lanes.step(row);
                for (b, (_, buffers)) in parts.iter_mut().enumerate() {
                    for (j, buffer) in buffers.iter_mut().enumerate() {
                        buffer[start + k] = row[j * B + b];
                    }
                }
            }
        }
        start += k_len;
    }
    for (b, (followers, _)) in parts.iter_mut().enumerate() {
        for (j, f) in followers.iter_mut().enumerate() {
            f.state = lanes.state[j * B + b];
        }
    }
}

/// Bands whose detector followers share one lane vector in [`follow_levels`].
const LEVEL_GROUP: usize = 8;

/// Pass 2 for bands without the transient shaper (each has begun a chunk of `m` samples): only
/// their detector followers, [`LEVEL_GROUP`] bands side by side, in the build for `level`.
pub(crate) fn follow_levels<'a>(
    bands: impl Iterator<Item = &'a mut BandDynamics>,
    m: usize,
    level: SimdLevel,
) {
    let m = m.min(CHUNK);
    let mut bands = bands.peekable();
    in_simd_build(
        level,
        #[inline(always)]
        || {
            while bands.peek().is_some() {
                let group: [Option<&mut BandDynamics>; LEVEL_GROUP] =
                    std::array::from_fn(|_| bands.next());
                follow_level_group(group, m);
            }
        },
    );
}

/// The detector followers of up to `L` bands (missing ones are idle lanes) over `m` samples.
#[inline(always)]
fn follow_level_group<const L: usize>(group: [Option<&mut BandDynamics>; L], m: usize) {
    let mut parts = group.map(|band| {
        band.map(|b| {
            debug_assert!(!b.transient_enabled());
            let ([follower, _, _], [level, _, _]) = b.follower_parts();
            (follower, level)
        })
    });
    let mut lanes = Lanes {
        attack: [0.0; L],
        attack_rest: [0.0; L],
        release: [0.0; L],
        release_rest: [0.0; L],
        state: [0.0; L],
    };
    for (l, part) in parts.iter().enumerate() {
        if let Some((f, _)) = part {
            lanes.attack[l] = f.attack;
            lanes.attack_rest[l] = 1.0 - f.attack;
            lanes.release[l] = f.release;
            lanes.release_rest[l] = 1.0 - f.release;
            lanes.state[l] = f.state;
        }
    }
    let mut start = 0;
    while start < m {
        let k_len = BLOCK.min(m - start);
        let mut rows = [[0.0f32; L]; BLOCK];
        for (l, part) in parts.iter().enumerate() {
            if let Some((_, level)) = part {
                for (row, &x) in rows.iter_mut().zip(&level[start..start + k_len]) {
                    row[l] = x;
                }
            }
        }
        for row in &mut rows[..k_len] {
            lanes.step(row);
        }
        for (l, part) in parts.iter_mut().enumerate() {
            if let Some((_, level)) = part {
                for (row, x) in rows.iter().zip(&mut level[start..start + k_len]) {
                    *x = row[l];
                }
            }
        }
        start += k_len;
    }
    for (l, part) in parts.iter_mut().enumerate() {
        if let Some((f, _)) = part {
            f.state = lanes.state[l];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::band_settings::BandSettings;

    #[test]
    fn level_followers_side_by_side_give_the_gains_of_each_band_in_turn() {
        let n = 11;
        let mut bands: Vec<BandDynamics> = (0..n)
            .map(|b| {
                let mut d = BandDynamics::new();
                d.prepare(48_000.0, CHUNK);
                d.disable_transient();
                let settings = BandSettings {
                    threshold_db: -30.0 - b as f32,
                    ratio: 3.0,
                    attack_ms: 1.0 + b as f32,
                    release_ms: 50.0 + 10.0 * b as f32,
                    range_db: 12.0,
                    direction: crate::dynamics::band_settings::BandDirection::CompressDown,
                    ..BandSettings::default()
                };
                d.set_settings(&settings, 100.0);
                d
            })
            .collect();
        let mut alone = bands.clone();
        let mut lowest = 1.0f32;
        for (chunk, m) in [CHUNK, 100, 7, 1].into_iter().enumerate() {
            let rows: Vec<Vec<f32>> = (0..n)
                .map(|b| {
                    (0..m)
                        .map(|i| (0.3 * ((i + 31 * chunk + 7 * b) as f32).sin()).abs())
                        .collect()
                })
                .collect();
            for (d, row) in bands.iter_mut().zip(&rows) {
                d.begin_chunk(row, row);
            }
            follow_levels(bands.iter_mut(), m, crate::simd::detect());
            for ((d, a), row) in bands.iter_mut().zip(alone.iter_mut()).zip(&rows) {
                let (mut g1, mut g2) = (vec![0.0; m], vec![0.0; m]);
                d.finish_chunk(&mut g1);
                a.process(row, row, &mut g2);
                let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&g1), bits(&g2));
                lowest = g1.iter().fold(lowest, |a, &g| a.min(g));
            }
        }
        assert!(lowest < 0.9, "the bands act ({lowest})");
    }
}
