//! Fixed-size loudness histogram with per-bin energy sums: exact gated means, no allocation after creation.

use crate::units::power_to_lufs;

/// Lowest loudness kept (the BS.1770 absolute gate), LUFS.
pub const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Highest bin edge; louder values fall in the top bin with their exact energy.
const TOP_LUFS: f64 = 30.0;
/// Width of one bin, LU.
const BIN_WIDTH_LU: f64 = 0.01;
/// Number of bins between the absolute gate and the top.
const BIN_COUNT: usize = ((TOP_LUFS - ABSOLUTE_GATE_LUFS) / BIN_WIDTH_LU) as usize;

/// Loudness values (as channel-weighted powers) binned at 0.01 LU, each bin keeping a count and its energy sum.
///
/// Means over any set of whole bins are exact; only the placement of a gate inside one bin is
/// quantised (to 0.01 LU), which moves an integrated result by far less than 0.01 LU.
#[derive(Debug, Clone)]
pub struct LoudnessHistogram {
    counts: Vec<u64>,
    energies: Vec<f64>,
    total_count: u64,
    total_energy: f64,
}

impl Default for LoudnessHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LoudnessHistogram {
    /// Allocates an empty histogram (about 160 kB).
    pub fn new() -> Self {
        Self {
            counts: vec![0; BIN_COUNT],
            energies: vec![0.0; BIN_COUNT],
            total_count: 0,
            total_energy: 0.0,
        }
    }

    /// Empties the histogram without allocating.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.energies.fill(0.0);
        self.total_count = 0;
        self.total_energy = 0.0;
    }

    fn bin_of_lufs(lufs: f64) -> usize {
        (((lufs - ABSOLUTE_GATE_LUFS) / BIN_WIDTH_LU)
            .floor()
            .max(0.0) as usize)
            .min(BIN_COUNT - 1)
    }

    fn bin_centre_lufs(bin: usize) -> f64 {
        ABSOLUTE_GATE_LUFS + (bin as f64 + 0.5) * BIN_WIDTH_LU
    }

    /// Adds one value given as a channel-weighted mean square; values at or below −70 LUFS are gated out.
    pub fn add(&mut self, power: f64) {
        let lufs = power_to_lufs(power);
        if lufs.is_nan() || lufs <= ABSOLUTE_GATE_LUFS || !power.is_finite() {
            return;
        }
        let bin = Self::bin_of_lufs(lufs);
        self.counts[bin] += 1;
        self.energies[bin] += power;
        self.total_count += 1;
        self.total_energy += power;
    }

    /// Number of values above the absolute gate.
    pub fn count(&self) -> u64 {
        self.total_count
    }

    /// First bin whose values lie above `gate_lufs` (the bin containing the gate counts when its centre is above it).
    fn first_bin_above(gate_lufs: f64) -> usize {
        let bin = Self::bin_of_lufs(gate_lufs);
        if Self::bin_centre_lufs(bin) > gate_lufs {
            bin
        } else {
            bin + 1
        }
    }

    /// Loudness of the mean energy of values above `relative_gate_lu` below the mean of all gated values (LUFS).
    ///
    /// With −10 LU this is the BS.1770 integrated loudness; `-inf` when nothing passes the gates.
    pub fn gated_mean_lufs(&self, relative_gate_lu: f64) -> f64 {
        if self.total_count == 0 {
            return f64::NEG_INFINITY;
        }
        let gate = power_to_lufs(self.total_energy / self.total_count as f64) + relative_gate_lu;
        let first = Self::first_bin_above(gate).min(BIN_COUNT);
        let (mut count, mut energy) = (0u64, 0.0);
        for bin in first..BIN_COUNT {
            count += self.counts[bin];
            energy += self.energies[bin];
        }
        if count == 0 {
            f64::NEG_INFINITY
        } else {
            power_to_lufs(energy / count as f64)
        }
    }

    /// Loudness range per EBU Tech 3342: P95 − P10 of the values above the relative gate (−20 LU), in LU.
    ///
    /// Percentiles interpolate linearly between ranks, as the Tech 3342 reference code does.
    pub fn loudness_range_lu(&self, relative_gate_lu: f64) -> f64 {
        if self.total_count == 0 {
            return 0.0;
        }
        let gate = power_to_lufs(self.total_energy / self.total_count as f64) + relative_gate_lu;
        let first = Self::first_bin_above(gate).min(BIN_COUNT);
        let n: u64 = self.counts[first..].iter().sum();
        if n == 0 {
            return 0.0;
        }
        let low = self.percentile_lufs(first, n, 0.10);
        let high = self.percentile_lufs(first, n, 0.95);
        (high - low).max(0.0)
    }

    /// Value at fractional rank `p·(n−1)` among the `n` values in bins `first..`, interpolated linearly.
    fn percentile_lufs(&self, first: usize, n: u64, p: f64) -> f64 {
        let rank = p * (n - 1) as f64;
        let lower_rank = rank.floor() as u64;
        let upper_rank = rank.ceil() as u64;
        let lower = self.value_at_rank(first, lower_rank);
        let upper = self.value_at_rank(first, upper_rank);
        lower + (upper - lower) * (rank - lower_rank as f64)
    }

    /// Bin-centre loudness of the value with 0-based `rank` in ascending order among bins `first..`.
    fn value_at_rank(&self, first: usize, rank: u64) -> f64 {
        let mut seen = 0u64;
        for bin in first..BIN_COUNT {
            seen += self.counts[bin];
            if seen > rank {
                return Self::bin_centre_lufs(bin);
            }
        }
        Self::bin_centre_lufs(BIN_COUNT - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::lufs_to_power as power_for_lufs;

    #[test]
    fn gating_follows_bs1770() {
        let mut h = LoudnessHistogram::new();
        for _ in 0..100 {
            h.add(power_for_lufs(-23.0));
        }
        // Blocks 30 LU lower are dropped by the relative gate; below −70 by the absolute gate.
        for _ in 0..100 {
            h.add(power_for_lufs(-53.0));
            h.add(power_for_lufs(-75.0));
        }
        assert!((h.gated_mean_lufs(-10.0) - (-23.0)).abs() < 1e-9);
        assert_eq!(h.count(), 200);
        assert_eq!(
            LoudnessHistogram::new().gated_mean_lufs(-10.0),
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn loudness_range_of_two_levels() {
        let mut h = LoudnessHistogram::new();
        for _ in 0..200 {
            h.add(power_for_lufs(-20.0));
            h.add(power_for_lufs(-30.0));
        }
        assert!((h.loudness_range_lu(-20.0) - 10.0).abs() < 0.011);
    }
}
