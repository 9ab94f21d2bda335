//! The curve a band draws: its static matched design times its dynamic section at a given
//! offset, from the same code that runs the audio (the editor and the tests share it).

use super::dynamic_section::{DynamicSection, DynamicShape};
use super::settings::EqBandSettings;
use crate::filter::eq_design::design;
use crate::filter::eq_design::EqCoefficients;

/// A band's curve, designed once and evaluated at any frequency.
#[derive(Debug, Clone, Copy)]
pub struct BandCurve {
    sample_rate_hz: f64,
    statics: EqCoefficients,
    dynamic: Option<(DynamicSection, f32)>,
}

impl BandCurve {
    /// The curve of `band` at `sample_rate_hz` with its dynamics at `offset_db` (0 for the
    /// static curve; ignored for shapes without a gain and when the band's dynamics are off).
    pub fn new(band: &EqBandSettings, offset_db: f32, sample_rate_hz: f64) -> Self {
        let f = band.filter.sanitized(sample_rate_hz);
        let dynamic = DynamicShape::of(f.shape)
            .filter(|_| band.dynamics.is_active() && offset_db != 0.0 && offset_db.is_finite())
            .map(|shape| {
                let gain = 10f32.powf(offset_db / 20.0);
                (
                    DynamicSection::new(shape, f.frequency_hz, f.q, sample_rate_hz),
                    gain,
                )
            });
        Self {
            sample_rate_hz,
            statics: design(&f, sample_rate_hz),
            dynamic,
        }
    }

    /// Magnitude at `freq_hz`, dB (0 for an unused band).
    pub fn magnitude_db(&self, freq_hz: f64) -> f64 {
        let mut db = self.statics.magnitude_db(freq_hz, self.sample_rate_hz);
        if let Some((section, gain)) = &self.dynamic {
            let c = section.coefficients(*gain);
            db += 10.0 * c.magnitude_sq(freq_hz, self.sample_rate_hz).log10();
        }
        db
    }
}
