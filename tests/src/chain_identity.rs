//! What the chain-identity tests share: a saved plugin state read back as dsp-core setting keys
//! and texts, exactly as `vernis render --set <stage>.<key>=<value>` takes them, parameter changes
//! from display texts, the CLI's chain rendered from those settings, and the comparison.

use dsp_core::chain::{ChainSettings, MasteringChain};
use dsp_core::{ProcessSpec, Processor};
use serde_json::Value;

use crate::{ParamChange, PluginHost};

/// Frames the reference chain processes at a time.
const CHAIN_BLOCK_FRAMES: usize = 8192;

/// Changes at offset 0 setting each parameter (display name) to the value of its display text.
pub fn changes_from_texts(host: &mut PluginHost, texts: &[(&str, &str)]) -> Vec<ParamChange> {
    let params = host.params().expect("parameters");
    texts
        .iter()
        .map(|&(name, text)| {
            let param_id = params
                .iter()
                .find(|p| p.name == name)
                .unwrap_or_else(|| panic!("no parameter `{name}`"))
                .id;
            let value = host
                .text_to_value(param_id, text)
                .unwrap_or_else(|| panic!("{name}: `{text}` not accepted"));
            ParamChange {
                offset: 0,
                param_id,
                value,
            }
        })
        .collect()
}

/// `input` (stereo) through the dsp-core chain of `settings` at `sample_rate_hz`, subnormals
/// flushed as the plugins flush them.
pub fn render_chain(
    settings: ChainSettings,
    sample_rate_hz: f64,
    input: &[Vec<f32>],
) -> Vec<Vec<f32>> {
    let mut chain = MasteringChain::new(settings);
    chain.prepare(&ProcessSpec::new(sample_rate_hz, CHAIN_BLOCK_FRAMES, 2));
    let mut out = input.to_vec();
    for start in (0..out[0].len()).step_by(CHAIN_BLOCK_FRAMES) {
        let end = (start + CHAIN_BLOCK_FRAMES).min(out[0].len());
        let (l, r) = out.split_at_mut(1);
        chain.process(&mut [&mut l[0][start..end], &mut r[0][start..end]]);
    }
    for ch in &mut out {
        dsp_core::subnormal::flush_subnormals(ch);
    }
    out
}

/// Asserts the plugin's output is the chain's bit for bit (naming the first differing frame).
pub fn assert_identical(label: &str, plugin: &[Vec<f32>], chain: &[Vec<f32>]) {
    let first_difference = plugin[0]
        .iter()
        .zip(&chain[0])
        .position(|(a, b)| a.to_bits() != b.to_bits());
    assert!(
        plugin == chain,
        "{label}: plugin and chain differ (first at frame {first_difference:?})"
    );
}

/// `(key, text)` for every parameter of `state` (nice-plug's state: an 8-byte length, then JSON),
/// with `key_of(id)` mapping a parameter id to its dsp-core key (None: a parameter without one,
/// which fails the test). Plain f32 values are written with `{}` (their shortest round-trip
/// text), switches as `on`/`off`, choices by their stored ids (the dsp-core keys).
pub fn state_key_values(
    state: &[u8],
    key_of: impl Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let json: Value = serde_json::from_slice(&state[8..]).expect("state is JSON after its length");
    let params = json["params"].as_object().expect("params object");
    params
        .iter()
        .map(|(id, value)| {
            let key =
                key_of(id).unwrap_or_else(|| panic!("parameter `{id}` has no dsp-core setting"));
            let text = match value {
                Value::Object(o) if o.len() == 1 => o.values().next().unwrap().clone(),
                v => v.clone(),
            };
            let text = match text {
                Value::Bool(b) => if b { "on" } else { "off" }.to_string(),
                Value::Number(n) if n.is_f64() => format!("{}", n.as_f64().unwrap() as f32),
                Value::Number(n) => n.to_string(),
                Value::String(s) => s,
                other => panic!("{id}: unexpected {other}"),
            };
            (key, text)
        })
        .collect()
}
