//! Loading a [`PluginState`] into a plugin's own parameters as nice-plug 0.4.2 does
//! (`wrapper::state::deserialize_object`: plain values set as they are, enums by variant id).
//! Each plugin's check is its own test binary: two nice-plug plugins in one binary clash on their
//! exported entry symbols.

use nice_plug::params::InternalParamMut;
use nice_plug::prelude::{ParamPtr, Params};
use vernis_presets::{ParamValue, PluginState};

/// Sets `params` from `state` as nice-plug does; every id of the state must be a parameter of
/// the right kind, and every parameter must be in the state.
pub fn load(params: &dyn Params, state: &PluginState) {
    let map = params.param_map();
    assert_eq!(map.len(), state.params.len(), "every parameter is written");
    for (id, ptr, _) in &map {
        let value = state.param(id).unwrap_or_else(|| panic!("{id} missing"));
        // SAFETY: the pointers point into `params`, alive and not shared with any other thread.
        let loaded = unsafe {
            match (ptr, value) {
                (ParamPtr::FloatParam(p), ParamValue::F32(v)) => {
                    (**p)._internal_set_plain_value(*v);
                    true
                }
                (ParamPtr::IntParam(p), ParamValue::I32(v)) => {
                    (**p)._internal_set_plain_value(*v);
                    true
                }
                (ParamPtr::BoolParam(p), ParamValue::Bool(v)) => {
                    (**p)._internal_set_plain_value(*v);
                    true
                }
                (ParamPtr::EnumParam(p), ParamValue::String(key)) => (**p).set_from_id(key),
                _ => false,
            }
        };
        assert!(loaded, "{id}: {value:?} not loadable");
    }
}

/// Sets `params` from `state` exactly as nice-plug 0.4.2's `deserialize_object` does, with none
/// of [`load`]'s checks: unknown ids and values of the wrong kind are skipped, enums are set by
/// variant id or by index (an index is stored as it is). Run the plugin's `filter_state` first.
pub fn load_like_nice_plug(params: &dyn Params, state: &PluginState) {
    let map = params.param_map();
    for (id, value) in &state.params {
        let Some((_, ptr, _)) = map.iter().find(|(p, _, _)| p == id) else {
            continue;
        };
        // SAFETY: the pointers point into `params`, alive and not shared with any other thread.
        unsafe {
            match (ptr, value) {
                (ParamPtr::FloatParam(p), ParamValue::F32(v)) => {
                    (**p)._internal_set_plain_value(*v);
                }
                (ParamPtr::IntParam(p), ParamValue::I32(v)) => {
                    (**p)._internal_set_plain_value(*v);
                }
                (ParamPtr::BoolParam(p), ParamValue::Bool(v)) => {
                    (**p)._internal_set_plain_value(*v);
                }
                (ParamPtr::EnumParam(p), ParamValue::I32(v)) => {
                    (**p)._internal_set_plain_value(*v);
                }
                (ParamPtr::EnumParam(p), ParamValue::String(key)) => {
                    (**p).set_from_id(key);
                }
                _ => {}
            }
        }
    }
}

/// `state` as a plugin's `Plugin::filter_state` (`filter`) leaves it, which nice-plug runs on
/// nice-plug's own state type before loading.
pub fn filtered(
    state: &PluginState,
    filter: impl Fn(&mut nice_plug::prelude::PluginState),
) -> PluginState {
    use nice_plug::plugin::ParamValue as Nice;
    let mut nice = nice_plug::prelude::PluginState {
        version: state.version.clone(),
        params: state
            .params
            .iter()
            .map(|(id, v)| {
                let v = match v {
                    ParamValue::F32(x) => Nice::F32(*x),
                    ParamValue::I32(x) => Nice::I32(*x),
                    ParamValue::Bool(x) => Nice::Bool(*x),
                    ParamValue::String(x) => Nice::String(x.clone()),
                };
                (id.clone(), v)
            })
            .collect(),
        fields: state.fields.clone(),
    };
    filter(&mut nice);
    PluginState {
        version: nice.version,
        params: nice
            .params
            .into_iter()
            .map(|(id, v)| {
                let v = match v {
                    Nice::F32(x) => ParamValue::F32(x),
                    Nice::I32(x) => ParamValue::I32(x),
                    Nice::Bool(x) => ParamValue::Bool(x),
                    Nice::String(x) => ParamValue::String(x),
                };
                (id, v)
            })
            .collect(),
        fields: nice.fields,
    }
}

/// A state for the plugin whose parameters are `params`, made to test the loader: each
/// parameter is missing, of the wrong kind, or set (floats anywhere in -200..20000, in or out of
/// range; ints -3..9; enums by a known or unknown id or by an index in or out of range), plus a
/// few ids the plugin does not have. Changes the enum values of `params`: give it a throw-away
/// instance.
pub fn random_state(params: &dyn Params, rng: &mut impl rand::Rng) -> PluginState {
    let mut state = PluginState {
        version: vernis_presets::plugins::VERSION.into(),
        ..PluginState::default()
    };
    for (id, ptr, _) in params.param_map() {
        let roll = rng.gen_range(0..10);
        let value = match roll {
            0..=2 => continue,
            3 => match rng.gen_range(0..3) {
                0 => ParamValue::String("bogus".into()),
                1 => ParamValue::Bool(true),
                _ => ParamValue::F32(1.5),
            },
            _ => match ptr {
                ParamPtr::FloatParam(_) => {
                    if rng.gen_bool(0.5) {
                        ParamValue::F32(rng.gen_range(-200.0..200.0))
                    } else {
                        ParamValue::F32(rng.gen_range(-200.0..20_000.0))
                    }
                }
                ParamPtr::IntParam(_) => ParamValue::I32(rng.gen_range(-3..9)),
                ParamPtr::BoolParam(_) => ParamValue::Bool(rng.gen_bool(0.5)),
                ParamPtr::EnumParam(p) => {
                    // SAFETY: as in `load`; the variant's id is read by selecting it.
                    let (n, pick, key) = unsafe {
                        let n = (*p).len();
                        let pick = rng.gen_range(0..n);
                        (*p)._internal_set_plain_value(pick as i32);
                        (n, pick, (*p).unmodulated_plain_id())
                    };
                    match rng.gen_range(0..4) {
                        0 | 1 => key.map_or(ParamValue::I32(pick as i32), |k| {
                            ParamValue::String(k.into())
                        }),
                        2 => ParamValue::I32(rng.gen_range(-2..n as i32 + 3)),
                        _ => ParamValue::String("no-such-variant".into()),
                    }
                }
            },
        };
        state.params.insert(id, value);
    }
    for k in 0..rng.gen_range(0..3) {
        state
            .params
            .insert(format!("unknown_{k}"), ParamValue::F32(1.0));
    }
    state
}
