//! The zero-phase response the linear-phase mode plays: per band, the magnitude of exactly what
//! the zero-latency mode runs (its static matched design times its dynamic section at the band's
//! dynamic gain, cross-faded by its bypass ramp), evaluated on a uniform frequency grid and
//! combined over the bands' placements into a real 2×2 matrix per bin, `[L', R'] = M·[L, R]`.
//!
//! Static sections are evaluated from their exact DC and Nyquist sums,
//! `|B|² = B(1)²(1−φ) + B(−1)²φ − 16·b0·b2·φ(1−φ)` with `φ = sin²(ω/2)`, so a section far below
//! the grid's first bins keeps its relative precision in `f64`.

use super::settings::MAX_EQ_BANDS;
use crate::dynamics::band_bank::in_simd_build;
use crate::dynamics::BandChannel;
use crate::filter::eq_design::{EqCoefficients, EqSection};
use crate::filter::eq_section::SvfCoefficients;
use crate::simd::SimdLevel;

/// What one band contributes at a hop boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LpBand {
    /// The band's index (0..[`MAX_EQ_BANDS`]), which keys its cached static response.
    pub index: usize,
    /// Where it acts (ignored for a mono signal).
    pub placement: BandChannel,
    /// Its static matched design.
    pub statics: EqCoefficients,
    /// Its dynamic section at the band's dynamic gain (None: off, or at unity gain).
    pub dynamic: Option<SvfCoefficients>,
    /// Its bypass ramp value (0: out, 1: in).
    pub wet: f32,
}

impl LpBand {
    /// Whether the band leaves the signal exactly as it is.
    pub fn is_unity(&self) -> bool {
        self.wet == 0.0 || (self.statics.is_identity() && self.dynamic.is_none())
    }
}

/// How many kernels a response needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Structure {
    /// No band changes anything: the delayed input, bit for bit.
    #[default]
    Identity,
    /// One kernel for every channel (every active band Stereo, or a mono signal).
    Uniform,
    /// One kernel per channel (bands on Stereo, Left and Right only).
    Diagonal,
    /// The full matrix (Mid or Side bands): four kernels.
    General,
}

impl Structure {
    /// The structure of `bands` on `channels` (1 or 2).
    pub fn of(bands: &[LpBand], channels: usize) -> Self {
        let mut structure = Self::Identity;
        for b in bands.iter().filter(|b| !b.is_unity()) {
            let this = match (channels, b.placement) {
                (1, _) | (_, BandChannel::Stereo) => Self::Uniform,
                (_, BandChannel::Left | BandChannel::Right) => Self::Diagonal,
                _ => Self::General,
            };
            structure = structure.max_with(this);
        }
        structure
    }

    fn max_with(self, other: Self) -> Self {
        let rank = |s: Self| s as u8;
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }

    /// Matrix entries held as kernels: `[a, b, c, d]` of `[[a, b], [c, d]]` in use.
    pub fn kernels(self) -> usize {
        match self {
            Self::Identity => 0,
            Self::Uniform => 1,
            Self::Diagonal => 2,
            Self::General => 4,
        }
    }
}

/// The frequency grid (`bins` points from DC to Nyquist of a `len`-point design) and the
/// response matrix on it; allocates only in [`new`](Self::new).
#[derive(Debug, Clone)]
pub struct ResponseGrid {
    /// `sin²(ω/2)` per bin.
    phi: Vec<f64>,
    /// `tan(ω/2)` per bin (large and finite at Nyquist).
    tan_half: Vec<f64>,
    /// One band's power or magnitude per bin.
    band: Vec<f64>,
    /// `[band][bin]`: each band's static power `|H|²`, for the design in `static_of`.
    static_power: Vec<f64>,
    static_of: [Option<EqCoefficients>; MAX_EQ_BANDS],
    /// `[entry][bin]`: the matrix entries a, b, c, d.
    matrix: [Vec<f64>; 4],
    simd: SimdLevel,
}

impl ResponseGrid {
    /// The grid of a `len`-point design (even).
    pub fn new(len: usize) -> Self {
        let bins = len / 2 + 1;
        let angle = |i: usize| std::f64::consts::PI * i as f64 / len as f64;
        Self {
            phi: (0..bins).map(|i| angle(i).sin().powi(2)).collect(),
            tan_half: (0..bins)
                .map(|i| angle(i).min(std::f64::consts::FRAC_PI_2 - 1e-9).tan())
                .collect(),
            band: vec![0.0; bins],
            static_power: vec![0.0; MAX_EQ_BANDS * bins],
            static_of: [None; MAX_EQ_BANDS],
            matrix: std::array::from_fn(|_| vec![0.0; bins]),
            simd: crate::simd::detect(),
        }
    }

    /// Bins of the grid.
    pub fn bins(&self) -> usize {
        self.phi.len()
    }

    /// Matrix entry `e` (0 = a, 1 = b, 2 = c, 3 = d) per bin, after [`compute`](Self::compute).
    pub fn entry(&self, e: usize) -> &[f64] {
        &self.matrix[e]
    }

    /// The response of `bands` in order, for `structure` (from [`Structure::of`]).
    pub fn compute(&mut self, bands: &[LpBand], structure: Structure) {
        in_simd_build(
            self.simd,
            #[inline(always)]
            || self.compute_body(bands, structure),
        )
    }

    #[inline(always)]
    fn compute_body(&mut self, bands: &[LpBand], structure: Structure) {
        let bins = self.bins();
        // Uniform and Diagonal responses multiply: they accumulate powers (one square root per
        // bin at the end); Mid and Side mix channels, so the general matrix takes magnitudes.
        let powers = structure != Structure::General;
        {
            let [a, b, c, d] = &mut self.matrix;
            a.fill(1.0);
            if structure == Structure::General {
                b.fill(0.0);
                c.fill(0.0);
            }
            if structure != Structure::Uniform {
                d.fill(1.0);
            }
        }
        for band in bands.iter().filter(|b| !b.is_unity()) {
            let k = band.index.min(MAX_EQ_BANDS - 1);
            let cached = &mut self.static_power[k * bins..(k + 1) * bins];
            if self.static_of[k] != Some(band.statics) {
                static_power(cached, &self.phi, &band.statics);
                self.static_of[k] = Some(band.statics);
            }
            let h = &mut self.band;
            h.copy_from_slice(cached);
            if let Some(c) = &band.dynamic {
                for (o, &t) in h.iter_mut().zip(&self.tan_half) {
                    *o *= svf_power(c, t);
                }
            }
            let wet = f64::from(band.wet);
            if wet != 1.0 {
                for o in h.iter_mut() {
                    let m = 1.0 + wet * (o.sqrt() - 1.0);
                    *o = if powers { m * m } else { m };
                }
            } else if !powers {
                for o in h.iter_mut() {
                    *o = o.sqrt();
                }
            }
            let h = &self.band;
            let [a, b, c, d] = &mut self.matrix;
            let placement = if structure == Structure::Uniform {
                BandChannel::Stereo
            } else {
                band.placement
            };
            let general = structure == Structure::General;
            match placement {
                BandChannel::Stereo => {
                    scale(a, h);
                    if general {
                        scale(b, h);
                        scale(c, h);
                    }
                    if structure != Structure::Uniform {
                        scale(d, h);
                    }
                }
                BandChannel::Left => {
                    scale(a, h);
                    if general {
                        scale(b, h);
                    }
                }
                BandChannel::Right => {
                    if general {
                        scale(c, h);
                    }
                    scale(d, h);
                }
                BandChannel::Mid | BandChannel::Side => {
                    // B = [[p, q], [q, p]] with p = (1 + h)/2 and q = ±(h − 1)/2 (+ for Mid).
                    let sign = if placement == BandChannel::Mid {
                        1.0
                    } else {
                        -1.0
                    };
                    for i in 0..h.len() {
                        let p = 0.5 * (1.0 + h[i]);
                        let q = sign * 0.5 * (h[i] - 1.0);
                        let (ai, bi, ci, di) = (a[i], b[i], c[i], d[i]);
                        a[i] = p * ai + q * ci;
                        b[i] = p * bi + q * di;
                        c[i] = q * ai + p * ci;
                        d[i] = q * bi + p * di;
                    }
                }
            }
        }
        if powers {
            let [a, _, _, d] = &mut self.matrix;
            for x in a.iter_mut() {
                *x = x.sqrt();
            }
            if structure == Structure::Diagonal {
                for x in d.iter_mut() {
                    *x = x.sqrt();
                }
            }
        }
    }
}

/// `e *= h` per bin.
#[inline(always)]
fn scale(e: &mut [f64], h: &[f64]) {
    for (x, &g) in e.iter_mut().zip(h) {
        *x *= g;
    }
}

/// `|B|²/|A|²` of one static section at `φ = sin²(ω/2)`.
#[inline(always)]
fn section_power(s: &EqSection, phi: f64) -> f64 {
    let c = &s.biquad;
    let rest = 1.0 - phi;
    let cross = 16.0 * phi * rest;
    let num =
        s.num_dc * s.num_dc * rest + s.num_nyquist * s.num_nyquist * phi - cross * c.b0 * c.b2;
    let den = s.den_dc * s.den_dc * rest + s.den_nyquist * s.den_nyquist * phi - cross * c.a2;
    num / den
}

/// `|H|²` of a state-variable section at `t = tan(ω/2)`.
#[inline(always)]
fn svf_power(c: &SvfCoefficients, t: f64) -> f64 {
    let g = f64::from(c.g);
    let k = f64::from(c.g_plus_k) - g;
    let (m0, m1, m2) = (f64::from(c.m0), f64::from(c.m1), f64::from(c.m2));
    let w = t / g;
    let w2 = w * w;
    let (nr, ni) = (m0 + m2 - m0 * w2, (m0 * k + m1) * w);
    let (dr, di) = (1.0 - w2, k * w);
    (nr * nr + ni * ni) / (dr * dr + di * di)
}

/// A static design's power `|H|²` per bin.
#[inline(always)]
fn static_power(out: &mut [f64], phi: &[f64], statics: &EqCoefficients) {
    out.fill(1.0);
    for s in statics.sections() {
        for (o, &p) in out.iter_mut().zip(phi) {
            *o *= section_power(s, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::eq_design::design;
    use crate::filter::eq_shape::{EqShape, EqShapeSettings};

    #[test]
    fn grid_magnitude_matches_the_direct_response() {
        let fs = 48_000.0;
        let len = 8192;
        let mut grid = ResponseGrid::new(len);
        for (shape, f0, gain, q) in [
            (EqShape::Bell, 1000.0, 6.0, 2.0),
            (EqShape::LowCut, 30.0, 0.0, 0.7),
            (EqShape::HighShelf, 12_000.0, -4.0, 0.7),
        ] {
            let settings = EqShapeSettings {
                shape,
                frequency_hz: f0,
                gain_db: gain,
                q,
                ..EqShapeSettings::default()
            };
            let statics = design(&settings, fs);
            let band = LpBand {
                index: 0,
                placement: BandChannel::Stereo,
                statics,
                dynamic: None,
                wet: 1.0,
            };
            grid.compute(&[band], Structure::Uniform);
            for i in [1usize, 5, 40, 400, 3000, 4095] {
                let f = i as f64 * fs / len as f64;
                let want = statics.magnitude_db(f, fs);
                let got = 20.0 * grid.entry(0)[i].log10();
                assert!(
                    (want - got).abs() < 1e-6,
                    "{shape:?} bin {i}: {got} vs {want}"
                );
            }
        }
    }
}
