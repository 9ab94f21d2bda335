//! Test signals, block partitions, random parameter automation, and comparisons.
//!
//! Everything random takes an explicit seed so that a failure reproduces exactly.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::cases::MONITOR_ONLY_PARAMS;
use crate::host::{ParamDescriptor, TimedParamChange};

/// Whether the random automation and random states change `param`: every automatable parameter
/// except the monitor-only ones ([`MONITOR_ONLY_PARAMS`], the Preview switch), which stay at
/// their defaults (off) so pass-through plugins stay bit-exact; the plugins' own tests cover
/// Preview.
fn randomised(param: &ParamDescriptor) -> bool {
    param.is_automatable() && !MONITOR_ONLY_PARAMS.contains(&param.name.as_str())
}

/// A multichannel signal: `signal[channel][frame]`.
pub type Signal = Vec<Vec<f32>>;

/// A seeded, fast, reproducible RNG.
pub fn rng(seed: u64) -> SmallRng {
    SmallRng::seed_from_u64(seed)
}

/// Uniform white noise in `[-amplitude, amplitude)`, independent per channel.
pub fn noise(channels: usize, frames: usize, amplitude: f32, seed: u64) -> Signal {
    let mut rng = rng(seed);
    (0..channels)
        .map(|_| {
            (0..frames)
                .map(|_| rng.gen_range(-amplitude..amplitude))
                .collect()
        })
        .collect()
}

/// Silence with a single sample of `amplitude` at frame `at` on every channel.
pub fn impulse(channels: usize, frames: usize, at: usize, amplitude: f32) -> Signal {
    (0..channels)
        .map(|_| {
            let mut channel = vec![0.0; frames];
            channel[at] = amplitude;
            channel
        })
        .collect()
}

/// Concatenates signals with the same channel count.
pub fn concat(parts: &[Signal]) -> Signal {
    let channels = parts.first().map_or(0, Vec::len);
    (0..channels)
        .map(|c| parts.iter().flat_map(|p| p[c].iter().copied()).collect())
        .collect()
}

/// The frame count of a signal.
pub fn frames(signal: &[Vec<f32>]) -> usize {
    signal.first().map_or(0, Vec::len)
}

/// Random block lengths covering `total` frames: a single frame first, then a mix of tiny blocks
/// (1..=16), small ones and anything up to `max`, so that odd sizes and single frames are always
/// exercised.
pub fn random_block_sizes(total: usize, max: usize, seed: u64) -> Vec<usize> {
    let mut rng = rng(seed);
    let mut sizes = Vec::new();
    let mut covered = 0;
    while covered < total {
        let size = match if sizes.is_empty() {
            4
        } else {
            rng.gen_range(0..4)
        } {
            4 => 1,
            0 => rng.gen_range(1..=16.min(max)),
            1 => rng.gen_range(1..=256.min(max)),
            _ => rng.gen_range(1..=max),
        };
        let size = size.min(total - covered);
        sizes.push(size);
        covered += size;
    }
    sizes
}

/// `count` random values of random automatable parameters at random frames in `0..total`, sorted
/// by frame. Stepped parameters get integer values; some events land on frame 0 and on the last
/// frame.
pub fn random_param_changes(
    params: &[ParamDescriptor],
    total: usize,
    count: usize,
    seed: u64,
) -> Vec<TimedParamChange> {
    let automatable: Vec<&ParamDescriptor> = params.iter().filter(|p| randomised(p)).collect();
    if automatable.is_empty() || total == 0 {
        return Vec::new();
    }
    let mut rng = rng(seed);
    let mut changes: Vec<TimedParamChange> = (0..count)
        .map(|i| {
            let param = automatable[rng.gen_range(0..automatable.len())];
            let frame = match i {
                0 => 0,
                1 => total - 1,
                _ => rng.gen_range(0..total),
            };
            TimedParamChange {
                frame,
                param_id: param.id,
                value: param.value_at(rng.gen::<f64>()),
            }
        })
        .collect();
    changes.sort_by_key(|c| c.frame);
    changes
}

/// One random value per automatable parameter, all at frame 0.
pub fn random_param_state(params: &[ParamDescriptor], seed: u64) -> Vec<TimedParamChange> {
    let mut rng = rng(seed);
    params
        .iter()
        .filter(|p| randomised(p))
        .map(|p| TimedParamChange {
            frame: 0,
            param_id: p.id,
            value: p.value_at(rng.gen::<f64>()),
        })
        .collect()
}

/// Whether `x` is subnormal: nonzero and below the smallest normal magnitude.
pub fn is_subnormal(x: f32) -> bool {
    x != 0.0 && x.abs() < f32::MIN_POSITIVE
}

/// `signal` with every subnormal sample replaced by +0.0 (what a plugin's output must be for a
/// pass-through of `signal`).
pub fn without_subnormals(signal: &[Vec<f32>]) -> Signal {
    signal
        .iter()
        .map(|c| {
            c.iter()
                .map(|&x| if is_subnormal(x) { 0.0 } else { x })
                .collect()
        })
        .collect()
}

/// The first subnormal sample as ((channel, frame, value), how many there are), if any.
pub fn first_subnormal(signal: &[Vec<f32>]) -> Option<((usize, usize, f32), usize)> {
    let mut first = None;
    let mut count = 0;
    for (c, channel) in signal.iter().enumerate() {
        for (i, &x) in channel.iter().enumerate() {
            if is_subnormal(x) {
                count += 1;
                first.get_or_insert((c, i, x));
            }
        }
    }
    first.map(|f| (f, count))
}

/// A difference between two signals, for messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mismatch {
    /// Channel index.
    pub channel: usize,
    /// Frame index.
    pub frame: usize,
    /// Sample of the first signal.
    pub left: f32,
    /// Sample of the second signal.
    pub right: f32,
    /// How many samples differ in total.
    pub count: usize,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} samples differ; first at channel {} frame {}: {:e} (0x{:08x}) vs {:e} (0x{:08x})",
            self.count,
            self.channel,
            self.frame,
            self.left,
            self.left.to_bits(),
            self.right,
            self.right.to_bits()
        )
    }
}

/// Bit-exact comparison (NaN payloads and the sign of zero count). `None` if identical; a
/// channel-count or length difference is reported as a mismatch at the first missing sample.
pub fn bit_mismatch(left: &[Vec<f32>], right: &[Vec<f32>]) -> Option<Mismatch> {
    let mut first: Option<Mismatch> = None;
    let mut count = 0;
    let channels = left.len().max(right.len());
    for channel in 0..channels {
        let l = left.get(channel).map_or(&[][..], Vec::as_slice);
        let r = right.get(channel).map_or(&[][..], Vec::as_slice);
        for frame in 0..l.len().max(r.len()) {
            let a = l.get(frame).copied().unwrap_or(f32::NAN);
            let b = r.get(frame).copied().unwrap_or(f32::NAN);
            if frame >= l.len() || frame >= r.len() || a.to_bits() != b.to_bits() {
                count += 1;
                first.get_or_insert(Mismatch {
                    channel,
                    frame,
                    left: a,
                    right: b,
                    count: 0,
                });
            }
        }
    }
    first.map(|m| Mismatch { count, ..m })
}

/// First NaN or infinite sample as `(channel, frame, value)`, and how many there are.
pub fn first_non_finite(signal: &[Vec<f32>]) -> Option<((usize, usize, f32), usize)> {
    let mut first = None;
    let mut count = 0;
    for (c, channel) in signal.iter().enumerate() {
        for (i, &x) in channel.iter().enumerate() {
            if !x.is_finite() {
                count += 1;
                first.get_or_insert((c, i, x));
            }
        }
    }
    first.map(|f| (f, count))
}

/// Index of the largest absolute sample over all channels (first one on ties).
pub fn peak_frame(signal: &[Vec<f32>]) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for channel in signal {
        for (i, &x) in channel.iter().enumerate() {
            let a = x.abs();
            if best.is_none_or(|(bi, bv)| a > bv || (a == bv && i < bi)) {
                best = Some((i, a));
            }
        }
    }
    best.filter(|&(_, v)| v > 0.0).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_mismatch_sees_nan_payloads_signed_zero_and_length() {
        let a = vec![vec![0.0, f32::NAN, 1.0]];
        assert_eq!(bit_mismatch(&a, &a.clone()), None);
        let b = vec![vec![-0.0, f32::NAN, 1.0]];
        assert_eq!(
            bit_mismatch(&a, &b).map(|m| (m.frame, m.count)),
            Some((0, 1))
        );
        let c = vec![vec![0.0, f32::from_bits(0x7FC0_0001), 1.0]];
        assert_eq!(bit_mismatch(&a, &c).map(|m| m.frame), Some(1));
        let d = vec![vec![0.0, f32::NAN]];
        assert_eq!(bit_mismatch(&a, &d).map(|m| m.frame), Some(2));
        let e = vec![vec![0.0, f32::NAN, 1.0], vec![0.0]];
        assert!(bit_mismatch(&a, &e).is_some());
    }

    #[test]
    fn random_block_sizes_cover_the_signal_within_bounds() {
        for max in [1, 32, 8192] {
            let sizes = random_block_sizes(100_000, max, 3);
            assert_eq!(sizes.iter().sum::<usize>(), 100_000);
            assert!(sizes.iter().all(|&s| (1..=max).contains(&s)));
        }
        assert!(random_block_sizes(100_000, 8192, 3).contains(&1));
    }

    #[test]
    fn non_finite_and_peak_detection() {
        let s = vec![
            vec![0.0, 0.5, -0.75, 0.1],
            vec![0.0, f32::INFINITY, 0.0, f32::NAN],
        ];
        assert_eq!(first_non_finite(&s), Some(((1, 1, f32::INFINITY), 2)));
        assert_eq!(peak_frame(&s[..1]), Some(2));
        assert_eq!(peak_frame(&[vec![0.0; 8]]), None);
    }

    #[test]
    fn random_changes_are_sorted_in_range_and_stepped() {
        use clack_extensions::params::ParamInfoFlags;
        let params = [
            ParamDescriptor {
                id: 1,
                name: "Float".into(),
                module: String::new(),
                min: 0.0,
                max: 1.0,
                default: 0.5,
                flags: ParamInfoFlags::IS_AUTOMATABLE,
            },
            ParamDescriptor {
                id: 2,
                name: "Enum".into(),
                module: String::new(),
                min: 0.0,
                max: 8.0,
                default: 0.0,
                flags: ParamInfoFlags::IS_AUTOMATABLE | ParamInfoFlags::IS_STEPPED,
            },
            ParamDescriptor {
                id: 3,
                name: "Read-only".into(),
                module: String::new(),
                min: 0.0,
                max: 1.0,
                default: 0.0,
                flags: ParamInfoFlags::IS_AUTOMATABLE | ParamInfoFlags::IS_READONLY,
            },
        ];
        let changes = random_param_changes(&params, 1000, 500, 9);
        assert_eq!(changes.len(), 500);
        assert!(changes.windows(2).all(|w| w[0].frame <= w[1].frame));
        assert_eq!(changes[0].frame, 0);
        assert_eq!(changes.last().map(|c| c.frame), Some(999));
        for c in &changes {
            assert_ne!(c.param_id, 3, "read-only parameters are never automated");
            let p = &params[c.param_id as usize - 1];
            assert!((p.min..=p.max).contains(&c.value));
            if p.is_stepped() {
                assert_eq!(c.value.fract(), 0.0);
            }
        }
    }
}
