//! For the plugins' own tests, which drive `process` without a host: setting parameters the
//! way a host does (through their normalized values), and measuring gain ramps.

use nice_plug::prelude::{Enum, Params};

/// Sets the parameter `id` of `params` to `normalized` (0..1), as a host's automation does.
///
/// # Panics
/// When `params` has no parameter `id`.
pub fn set_normalized<P: Params + ?Sized>(params: &P, id: &str, normalized: f32) {
    let ptr = params
        .param_map()
        .into_iter()
        .find(|(i, _, _)| i == id)
        .unwrap_or_else(|| panic!("no parameter {id}"))
        .1;
    // SAFETY: `ptr` points into `params`, which is borrowed for the whole call.
    unsafe { ptr._internal_set_normalized_value(normalized) };
}

/// Sets the boolean parameter `id` on or off.
pub fn set_bool<P: Params + ?Sized>(params: &P, id: &str, on: bool) {
    set_normalized(params, id, if on { 1.0 } else { 0.0 });
}

/// Sets the enum parameter `id` to `variant`.
pub fn set_enum<P: Params + ?Sized, E: Enum>(params: &P, id: &str, variant: E) {
    let steps = (E::variants().len().max(2) - 1) as f32;
    set_normalized(params, id, variant.to_index() as f32 / steps);
}

/// The largest change per sample of the gain `output / reference` from frame `from` on, read
/// where `|reference|` is at least `min_reference` (elsewhere the ratio is noise): how fast a
/// gain ramp moves, to compare with what a click-free ramp allows.
pub fn largest_gain_step_per_sample(
    output: &[f32],
    reference: &[f32],
    from: usize,
    min_reference: f32,
) -> f64 {
    let mut largest = 0.0f64;
    let mut last: Option<(usize, f64)> = None;
    for n in from..output.len().min(reference.len()) {
        if reference[n].abs() < min_reference {
            continue;
        }
        let gain = f64::from(output[n]) / f64::from(reference[n]);
        if let Some((m, previous)) = last {
            largest = largest.max((gain - previous).abs() / (n - m) as f64);
        }
        last = Some((n, gain));
    }
    largest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::PlatformChoice;
    use nice_plug::prelude::{BoolParam, EnumParam};

    #[derive(nice_plug::prelude::Params)]
    struct Two {
        #[id = "on"]
        on: BoolParam,
        #[id = "platform"]
        platform: EnumParam<PlatformChoice>,
    }

    #[test]
    fn values_arrive_as_a_host_sets_them() {
        let p = Two {
            on: BoolParam::new("On", false),
            platform: EnumParam::new("Platform", PlatformChoice::Spotify),
        };
        set_bool(&p, "on", true);
        set_enum(&p, "platform", PlatformChoice::AppleMusic);
        assert!(p.on.value());
        assert_eq!(p.platform.value(), PlatformChoice::AppleMusic);
    }

    #[test]
    fn a_linear_ramp_steps_by_its_slope() {
        let reference = vec![0.5f32; 100];
        let output: Vec<f32> = (0..100).map(|n| 0.5 * (1.0 + 0.01 * n as f32)).collect();
        let step = largest_gain_step_per_sample(&output, &reference, 0, 0.1);
        assert!((step - 0.01).abs() < 1e-5, "{step}");
        assert_eq!(
            largest_gain_step_per_sample(&output, &reference, 0, 1.0),
            0.0
        );
    }
}
