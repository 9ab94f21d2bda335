//! The harness error type.

use std::fmt;

/// An error from the harness or from the plugin under test, with a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarnessError {
    message: String,
}

impl HarnessError {
    /// Creates an error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The error message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HarnessError {}

/// Result type of the harness.
pub type Result<T, E = HarnessError> = std::result::Result<T, E>;

/// Adds context to errors of other libraries.
pub(crate) trait Context<T> {
    /// Wraps the error into a [`HarnessError`] whose message starts with `what`.
    fn context(self, what: impl fmt::Display) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T> {
        self.map_err(|err| HarnessError::new(format!("{what}: {err}")))
    }
}
