//! A saved plugin state read back as dsp-core setting keys and texts, exactly as
//! `vernis render --set <stage>.<key>=<value>` takes them: the chain-identity tests render the
//! CLI's chain from what the plugin saved.

use serde_json::Value;

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
