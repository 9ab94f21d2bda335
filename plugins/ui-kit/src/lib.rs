//! Shared editor widgets.
