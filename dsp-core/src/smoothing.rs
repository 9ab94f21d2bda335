//! Parameter smoothers.
