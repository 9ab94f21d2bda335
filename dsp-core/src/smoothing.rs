//! Parameter smoothers owned by the audio thread: a sample-accurate linear ramp and a one-pole glide.
//!
//! Both advance one step per sample, so a parameter ramp is the same whatever the block partition.

/// Linear ramp to a target over a fixed time; arrives exactly on the target.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinearSmoother {
    current: f64,
    target: f64,
    step: f64,
    remaining_samples: u32,
    ramp_ms: f64,
    ramp_samples: u32,
}

impl LinearSmoother {
    /// A smoother that ramps over `ramp_ms`, resting at `value`; call [`prepare`](Self::prepare) before use.
    pub fn new(ramp_ms: f64, value: f64) -> Self {
        Self {
            current: value,
            target: value,
            step: 0.0,
            remaining_samples: 0,
            ramp_ms,
            ramp_samples: 0,
        }
    }

    /// Sets the ramp length for `sample_rate_hz` (at least one sample); the current value is kept.
    pub fn prepare(&mut self, sample_rate_hz: f64) {
        self.ramp_samples = (self.ramp_ms * 0.001 * sample_rate_hz).round().max(1.0) as u32;
    }

    /// Jumps to `value` at once, with no ramp.
    pub fn reset(&mut self, value: f64) {
        self.current = value;
        self.target = value;
        self.step = 0.0;
        self.remaining_samples = 0;
    }

    /// Starts a ramp from the current value to `target` (no-op when it is already the target).
    pub fn set_target(&mut self, target: f64) {
        if target == self.target {
            return;
        }
        self.target = target;
        self.remaining_samples = self.ramp_samples.max(1);
        self.step = (target - self.current) / self.remaining_samples as f64;
    }

    /// Advances one sample and returns the new value.
    #[inline]
    pub fn next_value(&mut self) -> f64 {
        if self.remaining_samples > 0 {
            self.remaining_samples -= 1;
            self.current = if self.remaining_samples == 0 {
                self.target
            } else {
                self.current + self.step
            };
        }
        self.current
    }

    /// Fills `out` with the next `out.len()` values.
    pub fn fill(&mut self, out: &mut [f32]) {
        if self.remaining_samples == 0 {
            out.fill(self.current as f32);
            return;
        }
        for o in out {
            *o = self.next_value() as f32;
        }
    }

    /// Current value without advancing.
    pub fn value(&self) -> f64 {
        self.current
    }

    /// The value the ramp is heading to.
    pub fn target(&self) -> f64 {
        self.target
    }

    /// Whether a ramp is still under way.
    pub fn is_smoothing(&self) -> bool {
        self.remaining_samples > 0
    }
}

/// Exponential (one-pole) glide towards a target with a time constant in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnePoleSmoother {
    current: f64,
    target: f64,
    coefficient: f64,
    time_constant_ms: f64,
}

impl OnePoleSmoother {
    /// A glide with time constant `time_constant_ms` (63 % of a step), resting at `value`.
    pub fn new(time_constant_ms: f64, value: f64) -> Self {
        Self {
            current: value,
            target: value,
            coefficient: 0.0,
            time_constant_ms,
        }
    }

    /// Computes the per-sample coefficient for `sample_rate_hz`.
    pub fn prepare(&mut self, sample_rate_hz: f64) {
        let samples = self.time_constant_ms * 0.001 * sample_rate_hz;
        self.coefficient = if samples > 0.0 {
            (-1.0 / samples).exp()
        } else {
            0.0
        };
    }

    /// Jumps to `value` at once.
    pub fn reset(&mut self, value: f64) {
        self.current = value;
        self.target = value;
    }

    /// Sets the value to glide to.
    pub fn set_target(&mut self, target: f64) {
        self.target = target;
    }

    /// Advances one sample and returns the new value; snaps to the target once within 1e-9 of it.
    #[inline]
    pub fn next_value(&mut self) -> f64 {
        self.current = self.target + (self.current - self.target) * self.coefficient;
        if (self.current - self.target).abs() < 1e-9 {
            self.current = self.target;
        }
        self.current
    }

    /// Current value without advancing.
    pub fn value(&self) -> f64 {
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ramp_arrives_exactly_and_evenly() {
        let mut s = LinearSmoother::new(10.0, 0.0);
        s.prepare(1000.0); // 10 samples
        s.set_target(1.0);
        let values: Vec<f64> = (0..12).map(|_| s.next_value()).collect();
        assert!((values[0] - 0.1).abs() < 1e-12);
        assert!((values[4] - 0.5).abs() < 1e-12);
        assert_eq!(values[9], 1.0);
        assert_eq!(values[11], 1.0);
        assert!(!s.is_smoothing());
    }

    #[test]
    fn retarget_mid_ramp_is_continuous() {
        let mut s = LinearSmoother::new(10.0, 0.0);
        s.prepare(1000.0);
        s.set_target(1.0);
        for _ in 0..5 {
            s.next_value();
        }
        s.set_target(0.0);
        let first = s.next_value();
        assert!((first - 0.45).abs() < 1e-12, "{first}");
    }

    #[test]
    fn fill_matches_per_sample_stepping() {
        let mut a = LinearSmoother::new(5.0, -6.0);
        let mut b = a;
        a.prepare(48_000.0);
        b.prepare(48_000.0);
        a.set_target(3.0);
        b.set_target(3.0);
        let mut block = vec![0.0f32; 300];
        a.fill(&mut block[..37]);
        a.fill(&mut block[37..]);
        for (i, &v) in block.iter().enumerate() {
            assert_eq!(v, b.next_value() as f32, "sample {i}");
        }
    }

    #[test]
    fn one_pole_time_constant() {
        let mut s = OnePoleSmoother::new(1.0, 0.0);
        s.prepare(48_000.0);
        s.set_target(1.0);
        let mut v = 0.0;
        for _ in 0..48 {
            v = s.next_value();
        }
        assert!((v - (1.0 - (-1.0f64).exp())).abs() < 1e-9, "{v}");
    }
}
