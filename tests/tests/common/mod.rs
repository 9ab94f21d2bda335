//! Shared helpers of the integration tests.

#![allow(dead_code)]

use std::error::Error;

use host_tests::signal::{self, Signal};
use host_tests::{AudioConfig, ParamDescriptor, PluginCase, PluginHost, PLUGIN_CASES};

/// Result of one case of a test.
pub type CaseResult = Result<(), Box<dyn Error>>;

/// Returns early from a case with a formatted failure.
#[allow(unused_macros)]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+).into());
        }
    };
}

/// Runs `f` for every plugin case, then fails the test listing every failing case.
pub fn for_each_case(f: impl Fn(&PluginCase) -> CaseResult) {
    let mut failures = Vec::new();
    for case in PLUGIN_CASES {
        eprintln!("-- {} ({})", case.package, case.clap_id);
        if let Err(err) = f(case) {
            failures.push(format!("{} ({}): {err}", case.package, case.clap_id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} plugin case(s) failed:\n{}",
        failures.len(),
        PLUGIN_CASES.len(),
        failures.join("\n")
    );
}

/// Checks one processed block of signal against the case's expectations:
/// no plugin may output a subnormal sample; pass-through plugins must return the input bit for
/// bit (subnormals flushed to +0.0); all others must output only finite samples (for finite
/// input).
pub fn check_output(case: &PluginCase, input: &Signal, output: &Signal, what: &str) -> CaseResult {
    if let Some(((c, i, x), n)) = signal::first_subnormal(output) {
        return Err(format!(
            "{what}: {n} subnormal output samples; first at channel {c} frame {i}: {x:e}"
        )
        .into());
    }
    if case.passthrough {
        let expected = signal::without_subnormals(input);
        if let Some(m) = signal::bit_mismatch(&expected, output) {
            return Err(format!("{what}: output is not the input bit for bit: {m}").into());
        }
    } else if let Some(((c, i, x), n)) = signal::first_non_finite(output) {
        return Err(format!(
            "{what}: {n} non-finite output samples; first at channel {c} frame {i}: {x}"
        )
        .into());
    }
    Ok(())
}

/// Whether a parameter reads back as the value that was sent to it: exactly for stepped
/// parameters; for float parameters within 1e-6 of the range, or else showing the same display
/// text (plugins may snap floats to a step size, e.g. 0.1 LUFS).
pub fn reads_back_as(
    host: &mut host_tests::PluginHost,
    param: &host_tests::ParamDescriptor,
    sent: f64,
    got: Option<f64>,
) -> bool {
    let Some(got) = got else {
        return false;
    };
    if param.is_stepped() {
        // nice-plug reports a stepped value as normalised × steps in f32, so 1 of 3 steps reads
        // back as 1.0000000298: anything within f32 rounding of the step is that step.
        return (got - sent).abs() < 1e-5;
    }
    if (got - sent).abs() <= 1e-6 * (param.max - param.min) {
        return true;
    }
    let sent_text = host.value_to_text(param.id, sent);
    sent_text.is_some() && sent_text == host.value_to_text(param.id, got)
}

/// A latency-changing setting resolved on a host: (display name, display text, CLAP parameter id,
/// CLAP value).
pub type LatencyChange = (&'static str, &'static str, u32, f64);

/// The case's latency-changing setting resolved on `host`, or `None` for a plugin whose latency
/// never changes.
pub fn latency_changing_value(
    host: &mut host_tests::PluginHost,
    case: &PluginCase,
) -> Result<Option<LatencyChange>, Box<dyn Error>> {
    let Some((name, text)) = case.latency_changing_param else {
        return Ok(None);
    };
    let param = host
        .params()?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("no parameter named {name}"))?;
    let value = host
        .text_to_value(param.id, text)
        .ok_or_else(|| format!("{name} does not parse {text:?}"))?;
    Ok(Some((name, text, param.id, value)))
}

/// Applies the case's [`PluginCase::impulse_settings`] on `host` (inactive), so an impulse comes
/// out as a delayed impulse.
pub fn apply_impulse_settings(
    host: &mut host_tests::PluginHost,
    case: &PluginCase,
) -> Result<(), Box<dyn Error>> {
    let params = host.params()?;
    let mut changes = Vec::new();
    for &(name, text) in case.impulse_settings {
        let param = params
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| format!("no parameter named {name}"))?;
        let value = host
            .text_to_value(param.id, text)
            .ok_or_else(|| format!("{name} does not parse {text:?}"))?;
        changes.push(host_tests::ParamChange {
            offset: 0,
            param_id: param.id,
            value,
        });
    }
    host.flush_params(&changes)?;
    Ok(())
}

/// A fresh instance with random values sent as events during processing.
pub fn instance_with_random_params(
    case: &PluginCase,
    seed: u64,
) -> Result<PluginHost, Box<dyn std::error::Error>> {
    let mut host = PluginHost::for_case(case)?;
    let params = host.params()?;
    host.activate(AudioConfig::new(48_000.0, 512))?;
    let channels = host.port_layout()?.main_input_channels();
    let input = signal::noise(channels, 4800, 0.5, seed);
    let changes = signal::random_param_state(&params, seed);
    host.process_signal(&input, &[512], &changes)?;
    Ok(host)
}

/// Every parameter value of `a` equals `b`'s bit for bit (the message names the first that does not).
pub fn values_match(
    params: &[ParamDescriptor],
    a: &[(u32, f64)],
    b: &[(u32, f64)],
) -> Result<(), String> {
    for ((id_a, va), (id_b, vb)) in a.iter().zip(b) {
        let name = params
            .iter()
            .find(|p| p.id == *id_a)
            .map_or("?", |p| &p.name);
        if id_a != id_b || va.to_bits() != vb.to_bits() {
            return Err(format!("`{name}`: {va} vs {vb}"));
        }
    }
    if a.len() != b.len() {
        return Err(format!("{} vs {} parameters", a.len(), b.len()));
    }
    Ok(())
}
