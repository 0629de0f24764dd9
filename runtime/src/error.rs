//! [`Error`]: why tracing could not start, naming the setting and the value at fault.

use std::fmt;

/// Why [`init`](crate::init) or [`Builder::init`](crate::Builder::init) could not set up
/// tracing. An invalid setting is never replaced by a default behind the user's back.
///
/// ```
/// let err = agentrace::builder()
///     .with_env(|name| (name == "OTEL_TRACES_SAMPLER_ARG").then(|| "abc".to_string()))
///     .build_config()
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid OTEL_TRACES_SAMPLER_ARG="abc": expected a number between 0 and 1"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A setting has a value agentrace cannot use.
    Invalid {
        /// The environment variable (`OTEL_TRACES_SAMPLER_ARG`) or builder field
        /// (`builder.sampler`) that holds the value.
        name: String,
        /// The value, as given.
        value: String,
        /// What was expected instead.
        reason: String,
    },
    /// Tracing was set up already in this process: [`init`](crate::init) or
    /// [`Builder::init`](crate::Builder::init) runs once.
    AlreadyInitialized,
    /// The exporter could not be built or its export thread could not start.
    Exporter(String),
}

impl Error {
    pub(crate) fn invalid(name: &str, value: &str, reason: impl Into<String>) -> Self {
        Error::Invalid {
            name: name.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid {
                name,
                value,
                reason,
            } => {
                write!(f, "invalid {name}={value:?}: {reason}")
            }
            Error::AlreadyInitialized => f.write_str(
                "agentrace is already initialized in this process: call init() once, at the \
                 start of main, and keep its guard until the end",
            ),
            Error::Exporter(message) => {
                write!(f, "cannot start the span exporter: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}
