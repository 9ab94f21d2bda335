//! Word-length reduction: TPDF dither, optional second-order noise shaping, rounding to an integer grid.

/// Dither and quantiser for one channel; deterministic (seeded) so renders are reproducible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ditherer {
    scale: f64,
    shaped: bool,
    seed: u64,
    state: u64,
    e1: f64,
    e2: f64,
}

impl Ditherer {
    /// A ditherer for `bits` (e.g. 16 or 24), noise-shaped if `shaped`, with a fixed `seed`.
    pub fn new(bits: u32, shaped: bool, seed: u64) -> Self {
        let seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Self {
            scale: (1u64 << (bits.clamp(2, 32) - 1)) as f64,
            shaped,
            seed,
            state: seed,
            e1: 0.0,
            e2: 0.0,
        }
    }

    /// Restarts the noise sequence and clears the shaping memory.
    pub fn reset(&mut self) {
        self.state = self.seed;
        self.e1 = 0.0;
        self.e2 = 0.0;
    }

    #[inline]
    fn uniform(&mut self) -> f64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        (self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Dithers and rounds one sample to the grid (in LSB steps of `1/2^(bits-1)`), clamped to full scale.
    #[inline]
    pub fn quantize(&mut self, x: f32) -> f32 {
        let tpdf = self.uniform() - self.uniform();
        let s = x as f64 * self.scale;
        // (1 − z⁻¹)² error feedback pushes the requantisation noise towards high frequencies.
        let v = if self.shaped {
            s - 2.0 * self.e1 + self.e2
        } else {
            s
        };
        let q = (v + tpdf).round().clamp(-self.scale, self.scale - 1.0);
        if self.shaped {
            let e = (q - v).clamp(-2.0, 2.0);
            self.e2 = self.e1;
            self.e1 = e;
        }
        (q / self.scale) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_lies_on_the_grid_and_is_unbiased() {
        for shaped in [false, true] {
            let mut d = Ditherer::new(16, shaped, 7);
            let mut sum = 0.0f64;
            for i in 0..100_000 {
                let x = 0.25 * (i as f32 * 0.001).sin();
                let q = d.quantize(x);
                let lsb = q as f64 * 32768.0;
                assert_eq!(lsb, lsb.round());
                sum += (q - x) as f64;
            }
            assert!((sum / 100_000.0).abs() < 1e-6, "bias {}", sum / 100_000.0);
        }
    }

    #[test]
    fn deterministic_after_reset() {
        let mut d = Ditherer::new(24, false, 3);
        let a: Vec<f32> = (0..100).map(|_| d.quantize(0.0)).collect();
        d.reset();
        let b: Vec<f32> = (0..100).map(|_| d.quantize(0.0)).collect();
        assert_eq!(a, b);
    }
}
