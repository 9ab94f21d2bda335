//! First-order DC-blocking high-pass.

/// One-pole, one-zero high-pass (`y = x - x[-1] + R y[-1]`) with its −3 dB point at `cutoff_hz`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DcBlocker {
    pole: f64,
    x1: f64,
    y1: f64,
}

impl DcBlocker {
    /// A blocker for `sample_rate_hz` with the given cut-off.
    pub fn new(cutoff_hz: f64, sample_rate_hz: f64) -> Self {
        Self {
            pole: (-2.0 * std::f64::consts::PI * cutoff_hz / sample_rate_hz).exp(),
            x1: 0.0,
            y1: 0.0,
        }
    }

    /// Filters one sample.
    #[inline]
    pub fn tick(&mut self, x: f32) -> f32 {
        let x = x as f64;
        let y = x - self.x1 + self.pole * self.y1;
        self.x1 = x;
        self.y1 = if y.abs() < 1e-30 { 0.0 } else { y };
        y as f32
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.x1 = 0.0;
        self.y1 = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_dc_and_keeps_audio() {
        let mut f = DcBlocker::new(5.0, 48_000.0);
        let mut last = 1.0;
        for _ in 0..48_000 {
            last = f.tick(0.5);
        }
        assert!(last.abs() < 1e-4, "{last}");
        let mut f = DcBlocker::new(5.0, 48_000.0);
        let mut peak = 0.0f32;
        for i in 0..48_000 {
            let y = f.tick((2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 48_000.0).sin());
            if i > 24_000 {
                peak = peak.max(y.abs());
            }
        }
        assert!((peak - 1.0).abs() < 1e-3, "{peak}");
    }
}
