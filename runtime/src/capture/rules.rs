//! [`Redaction`]: the rules that decide what captured text hides, and the process's copy of
//! them that every capture reads.

use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

use super::keys;

/// How a hidden value is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// `[REDACTED:api_key]`: the rule's name only (the default).
    #[default]
    Replace,
    /// `[REDACTED:api_key:hash=3f2a9c1b]`: adds a keyed hash of the value (SipHash with a
    /// random key drawn once per process), so equal secrets correlate within a process
    /// without being revealed, and cannot be guessed from outside it.
    Hash,
    /// `[REDACTED:api_key:...wxyz]`: keeps the last 4 characters of values of 12 characters
    /// or more (shorter values are replaced whole).
    Partial,
}

/// Decides, for a whole text value, whether to hide it: returns the rule name to show.
pub type Callback = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The redaction settings: mode, custom patterns and callback. Built from
/// `Redaction::default()` (on, [`Mode::Replace`], built-in rules), given to the builder
/// ([`Builder::redaction`](crate::Builder::redaction)) and changed while running with
/// [`TracingHandle::set_redaction`](crate::TracingHandle::set_redaction).
///
/// ```
/// use agentrace::capture::{redact_str_with, Redaction};
///
/// let rules = Redaction::default()
///     .key_pattern("pin")
///     .value_prefix("acme_", 16, "acme_key")
///     .value_literal("correct horse battery staple")
///     .callback(|text| text.starts_with("INTERNAL:").then(|| "internal".to_owned()));
/// assert_eq!(redact_str_with("token acme_0123456789abcdef", &rules), "token [REDACTED:acme_key]");
/// assert_eq!(redact_str_with("INTERNAL: plan", &rules), "[REDACTED:internal]");
/// assert_eq!(redact_str_with("pin=1234", &rules), "pin=[REDACTED:pin]");
/// ```
#[derive(Clone)]
pub struct Redaction {
    pub(super) enabled: bool,
    pub(super) mode: Mode,
    pub(super) key_patterns: Vec<(Vec<u8>, String)>,
    pub(super) value_prefixes: Vec<(String, usize, String)>,
    pub(super) literals: Vec<String>,
    pub(super) callback: Option<Arc<Callback>>,
}

impl Default for Redaction {
    fn default() -> Self {
        Redaction {
            enabled: true,
            mode: Mode::Replace,
            key_patterns: Vec::new(),
            value_prefixes: Vec::new(),
            literals: Vec::new(),
            callback: None,
        }
    }
}

impl fmt::Debug for Redaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redaction")
            .field("enabled", &self.enabled)
            .field("mode", &self.mode)
            .field(
                "key_patterns",
                &self
                    .key_patterns
                    .iter()
                    .map(|(_, name)| name)
                    .collect::<Vec<_>>(),
            )
            .field("value_prefixes", &self.value_prefixes)
            .field("literals", &self.literals.len())
            .field("callback", &self.callback.is_some())
            .finish()
    }
}

impl Redaction {
    /// Switches redaction on (the default) or off. Off, captured values are written as they
    /// are: only do this where traces never leave a trusted machine.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Sets how hidden values are shown.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Adds a key pattern: keys containing it (compared like the built-in ones, ignoring
    /// case and separators, so `"tenant_id"` also matches `TenantId`) have their value
    /// hidden; the marker names the pattern.
    pub fn key_pattern(mut self, pattern: &str) -> Self {
        let normal = keys::NormalKey::new(pattern).as_bytes().to_vec();
        if !normal.is_empty() {
            self.key_patterns.push((normal, pattern.to_owned()));
        }
        self
    }

    /// Adds a value pattern: any token starting with `prefix` and at least `min_len` bytes
    /// long is hidden wherever it appears in text, under the rule `rule`.
    pub fn value_prefix(mut self, prefix: &str, min_len: usize, rule: &str) -> Self {
        if !prefix.is_empty() {
            self.value_prefixes.push((
                prefix.to_owned(),
                min_len.max(prefix.len()),
                rule.to_owned(),
            ));
        }
        self
    }

    /// Adds a literal secret (at least 4 bytes) hidden wherever it appears, under the rule
    /// `custom`: for a secret your program knows, such as its own database password.
    pub fn value_literal(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            self.literals.push(secret.to_owned());
        }
        self
    }

    /// Sets a callback asked about every captured text (string values, `Debug` text, error
    /// messages): returning `Some(rule)` hides the whole text.
    pub fn callback(
        mut self,
        callback: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.callback = Some(Arc::new(callback));
        self
    }

    pub(crate) fn current_mode(&self) -> Mode {
        self.mode
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether only the built-in rules apply (no custom pattern, literal or callback), so
    /// what they say of a field name holds for every value.
    pub(crate) fn builtin_only(&self) -> bool {
        self.key_patterns.is_empty()
            && self.value_prefixes.is_empty()
            && self.literals.is_empty()
            && self.callback.is_none()
    }

    /// The rule a key matches, built-in or custom.
    pub(crate) fn key_rule(&self, key: &str) -> Option<&str> {
        let normal = keys::NormalKey::new(key);
        keys::builtin_rule(&normal).or_else(|| {
            self.key_patterns
                .iter()
                .find(|(pattern, _)| keys::contains(&normal, pattern))
                .map(|(_, name)| name.as_str())
        })
    }

    pub(super) fn custom_prefix(&self, run: &[u8]) -> Option<&str> {
        self.value_prefixes
            .iter()
            .find(|(prefix, min_len, _)| {
                run.len() >= *min_len && run.starts_with(prefix.as_bytes())
            })
            .map(|(_, _, rule)| rule.as_str())
    }
}

fn config() -> &'static RwLock<Arc<Redaction>> {
    static CONFIG: OnceLock<RwLock<Arc<Redaction>>> = OnceLock::new();
    CONFIG.get_or_init(|| RwLock::new(Arc::new(Redaction::default())))
}

/// Makes `redaction` the process's redaction settings, for every value captured from now on
/// (the builder's [`redaction`](crate::Builder::redaction) and the handle's
/// [`set_redaction`](crate::TracingHandle::set_redaction) call this).
pub(crate) fn configure(redaction: Redaction) {
    let mut current = config()
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *current = Arc::new(redaction);
}

/// The settings in force.
pub(crate) fn current() -> Arc<Redaction> {
    config()
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}
