//! The Kaiser window and the windowed sinc that the interpolators are designed from.

/// Zeroth-order modified Bessel function of the first kind (power series).
pub fn bessel_i0(x: f64) -> f64 {
    let (mut sum, mut term) = (1.0, 1.0);
    for k in 1..64 {
        term *= 0.25 * x * x / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// Kaiser window of shape `beta` at `position` in −1..1 (1 at the centre, 0 outside).
pub fn kaiser(position: f64, beta: f64) -> f64 {
    if position.abs() > 1.0 {
        return 0.0;
    }
    bessel_i0(beta * (1.0 - position * position).sqrt()) / bessel_i0(beta)
}

/// `sin(πt)/(πt)` (1 at 0).
pub fn sinc(t: f64) -> f64 {
    if t.abs() < 1e-12 {
        1.0
    } else {
        (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaiser_and_sinc_known_values() {
        assert_eq!(kaiser(0.0, 6.0), 1.0);
        assert!((kaiser(1.0, 6.0) - 1.0 / bessel_i0(6.0)).abs() < 1e-15);
        assert_eq!(kaiser(1.5, 6.0), 0.0);
        // I0(1) = 1.2660658777520082 (tables).
        assert!((bessel_i0(1.0) - 1.266_065_877_752_008_2).abs() < 1e-14);
        assert_eq!(sinc(0.0), 1.0);
        assert!(sinc(3.0).abs() < 1e-15);
        assert!((sinc(0.5) - 2.0 / std::f64::consts::PI).abs() < 1e-15);
    }
}
