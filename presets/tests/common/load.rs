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
