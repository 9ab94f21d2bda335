//! Saved states this version cannot read, repaired before nice-plug loads them.
//!
//! nice-plug 0.4.2 loads whatever a state holds: a non-finite float goes straight to the DSP, and
//! an enum index outside the variants is stored as it is, which makes the plugin's next save panic
//! (`EnumParamInner::unmodulated_plain_id` indexes its ids with it) and so aborts the host. Every
//! plugin's `Plugin::filter_state` runs [`repair_state`] first: an unreadable value becomes the
//! parameter's default, and the log says which ones, so nothing is changed silently.

use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;

/// What [`repair_state`] did to a state: the ids it set to their defaults, by reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StateRepair {
    /// Parameters the state does not have (a state from an older version, or a hand-made one).
    pub missing: Vec<String>,
    /// Parameters whose value could not be read: the wrong kind, not finite, an unknown choice.
    pub unreadable: Vec<String>,
}

impl StateRepair {
    /// True when the state was loaded as it was saved.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.unreadable.is_empty()
    }
}

/// Whether `value` is a value nice-plug can load into the parameter `ptr` as this version reads
/// it, and the parameter's default in the form a state stores it.
///
/// # Safety
/// `ptr` must point into a parameters object that is alive for the call and that nothing else
/// touches meanwhile (an enum is checked by selecting the variant on it).
unsafe fn check(ptr: &ParamPtr, value: Option<&ParamValue>) -> (bool, ParamValue) {
    // SAFETY: as the caller promises.
    unsafe {
        match *ptr {
            ParamPtr::FloatParam(p) => (
                matches!(value, Some(ParamValue::F32(v)) if v.is_finite()),
                ParamValue::F32((*p).default_plain_value()),
            ),
            ParamPtr::IntParam(p) => (
                matches!(value, Some(ParamValue::I32(_))),
                ParamValue::I32((*p).default_plain_value()),
            ),
            ParamPtr::BoolParam(p) => (
                matches!(value, Some(ParamValue::Bool(_))),
                ParamValue::Bool((*p).default_plain_value()),
            ),
            ParamPtr::EnumParam(p) => {
                let steps = ptr.step_count().unwrap_or(0);
                let index = (ptr.default_normalized_value() * steps as f32).round() as i32;
                let readable = match value {
                    Some(ParamValue::String(key)) => (*p).set_from_id(key),
                    Some(ParamValue::I32(i)) => (0..=steps as i32).contains(i),
                    _ => false,
                };
                (readable, ParamValue::I32(index))
            }
        }
    }
}

/// Sets every parameter of `state` that `P` cannot read (missing, of the wrong kind, not finite,
/// an unknown choice or an index outside the choices) to its default, and logs which, naming
/// `plugin_name`. Ids `P` does not have are left for nice-plug, which ignores them. Runs on the
/// main thread (from `Plugin::filter_state`), on a throw-away `P::default()`.
pub fn repair_state<P: Params + Default>(
    plugin_name: &str,
    state: &mut PluginState,
) -> StateRepair {
    let defaults = P::default();
    let mut repair = StateRepair::default();
    for (id, ptr, _) in defaults.param_map() {
        let value = state.params.get(&id);
        let missing = value.is_none();
        // SAFETY: `ptr` points into `defaults`, alive for this whole loop and used by no one else.
        let (readable, default) = unsafe { check(&ptr, value) };
        if readable {
            continue;
        }
        state.params.insert(id.clone(), default);
        if missing {
            repair.missing.push(id);
        } else {
            repair.unreadable.push(id);
        }
    }
    if !repair.unreadable.is_empty() {
        nice_warn!(
            "{plugin_name}: {} saved value(s) could not be read and were set to their defaults: {}",
            repair.unreadable.len(),
            repair.unreadable.join(", ")
        );
    }
    if !repair.missing.is_empty() {
        nice_log!(
            "{plugin_name}: the saved state has no value for {} parameter(s), set to their \
             defaults: {}",
            repair.missing.len(),
            repair.missing.join(", ")
        );
    }
    repair
}
