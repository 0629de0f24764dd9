//! [`Notes`]: what capturing redacted or cut, for `agentrace.redacted` and
//! `agentrace.truncated`; and the writer's [`Error`], a failure of a `Serialize` impl.

use std::fmt::{self, Display};

use serde::ser;

/// Paths listed per span at most; more are counted, not listed.
const MAX_NOTED_PATHS: usize = 32;

/// What happened while writing: the paths that were redacted, and whether anything was cut.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Notes {
    /// JSON paths of redacted values, such as `input.value.request.api_key`.
    pub(crate) redacted: Vec<String>,
    /// Redacted paths past [`MAX_NOTED_PATHS`].
    pub(crate) more_redacted: usize,
    /// Attribute names whose value was cut to the length limit.
    pub(crate) truncated: Vec<&'static str>,
}

impl Notes {
    pub(crate) fn redacted(&mut self, path: &str) {
        if self.redacted.iter().any(|seen| seen == path) {
            return;
        }
        if self.redacted.len() < MAX_NOTED_PATHS {
            self.redacted.push(path.to_owned());
        } else {
            self.more_redacted += 1;
        }
    }

    pub(crate) fn truncated(&mut self, attribute: &'static str) {
        if !self.truncated.contains(&attribute) {
            self.truncated.push(attribute);
        }
    }

    /// Adds `other`'s paths and attributes to these.
    pub(crate) fn merge(&mut self, other: Notes) {
        for path in &other.redacted {
            self.redacted(path);
        }
        self.more_redacted += other.more_redacted;
        for attribute in other.truncated {
            self.truncated(attribute);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.redacted.is_empty() && self.truncated.is_empty()
    }
}

/// A serialization failure, turned into a string by the writer.
#[derive(Debug)]
pub(crate) struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl Error {
    pub(super) fn compound() -> Self {
        Error("a map key must be a string or a number".to_owned())
    }
}

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Self {
        Error(message.to_string())
    }
}
