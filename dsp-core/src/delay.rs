//! Delay lines.
