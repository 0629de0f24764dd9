//! Redaction of secrets in captured values, on by default.
//!
//! Every value a span captures (arguments in `input.value`, return values and stream items
//! in `output.value`, `Debug` text, GenAI message content) passes through the redactor while
//! it is written, before any exporter sees it. Two kinds of rules apply:
//!
//! - **Key patterns**: a map key, struct field, enum variant or argument named like a secret
//!   (`password`, `api_key`, `apiKey`, `Authorization`, `session`, `cookie`, `csrf`, ...:
//!   Pydantic Logfire's list) has its whole value replaced. The same names followed by `=`
//!   or `:` inside text (`password=hunter2`, `api_key: "..."` in `Debug` output) hide what
//!   follows. `max_tokens`, `total_tokens`, `tokenizer`, `author` and `authority` are not
//!   secrets.
//! - **Value detectors**: provider API keys (`sk-...`, `sk-ant-...`, `AIza...`, ...),
//!   `Bearer`/`Basic` credentials, AWS access key ids, GitHub tokens, JWTs, PEM private keys
//!   and card numbers passing the Luhn check are hidden wherever they appear in text.
//!
//! A hidden value becomes a marker naming the rule, never any part of the value unless the
//! mode says so ([`Mode`]), and the span lists the JSON paths that were redacted in
//! `agentrace.redacted` (for example `["input.value.request.api_key"]`).
//!
//! ```
//! use agentrace::redact::{self, Mode, Redaction};
//!
//! assert_eq!(redact::redact_str("call with Bearer abc123XYZ789"), "call with Bearer [REDACTED:bearer_token]");
//! assert_eq!(redact::redact_str("max_tokens=512"), "max_tokens=512");
//!
//! redact::configure(Redaction::default().mode(Mode::Partial).key_pattern("tenant"));
//! assert_eq!(redact::redact_str("tenant=acme-corporation"), "tenant=[REDACTED:tenant:...tion]");
//! redact::configure(Redaction::default());
//! ```

mod blocks;
mod card;
mod compound;
mod detect;
mod keys;
mod notes;
mod serializer;
mod text;

use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

pub(crate) use keys::FieldCache;
pub(crate) use serializer::{floor_char_boundary, Notes, Writer};
pub use text::redact_str;

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
/// `Redaction::default()` (on, [`Mode::Replace`], built-in rules) and applied with
/// [`configure`].
///
/// ```
/// use agentrace::redact::{self, Redaction};
///
/// redact::configure(
///     Redaction::default()
///         .key_pattern("pin")
///         .value_prefix("acme_", 16, "acme_key")
///         .value_literal("correct horse battery staple")
///         .callback(|text| text.starts_with("INTERNAL:").then(|| "internal".to_owned())),
/// );
/// assert_eq!(redact::redact_str("token acme_0123456789abcdef"), "token [REDACTED:acme_key]");
/// assert_eq!(redact::redact_str("INTERNAL: plan"), "[REDACTED:internal]");
/// redact::configure(Redaction::default());
/// ```
#[derive(Clone)]
pub struct Redaction {
    enabled: bool,
    mode: Mode,
    key_patterns: Vec<(Vec<u8>, String)>,
    value_prefixes: Vec<(String, usize, String)>,
    literals: Vec<String>,
    callback: Option<Arc<Callback>>,
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

/// The rules in force when nothing hides anything.
pub(crate) type Rules = Redaction;

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

    fn custom_prefix(&self, run: &[u8]) -> Option<&str> {
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

/// Makes `redaction` the process's redaction settings, for every value captured from now on.
///
/// ```
/// use agentrace::redact::{self, Mode, Redaction};
///
/// redact::configure(Redaction::default().mode(Mode::Hash));
/// let first = redact::redact_str("key sk-proj-0123456789abcdefghij");
/// let second = redact::redact_str("again sk-proj-0123456789abcdefghij");
/// assert!(first.starts_with("key [REDACTED:api_key:hash="));
/// assert_eq!(first.strip_prefix("key "), second.strip_prefix("again "));
/// redact::configure(Redaction::default());
/// ```
pub fn configure(redaction: Redaction) {
    let mut current = config()
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *current = Arc::new(redaction);
}

/// The settings in force.
pub fn current() -> Arc<Redaction> {
    config()
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Writes `value` as JSON text the way spans capture it: redacted under the process's
/// settings, cut to the attribute length limit, and never failing (see the crate docs).
///
/// ```
/// use std::collections::HashMap;
///
/// let request = HashMap::from([("api_key", "kq-1234"), ("model", "gpt-4o")]);
/// let text = agentrace::redact::to_json(&request);
/// assert!(text.contains(r#""api_key":"[REDACTED:api_key]""#));
/// assert!(text.contains(r#""model":"gpt-4o""#));
/// assert_eq!(agentrace::redact::to_json(&f64::NAN), r#""NaN""#);
/// ```
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    crate::value::write_serialize(&mut out, value);
    crate::value::into_string(out)
}

/// Switches redaction off or back on, keeping the other settings.
///
/// ```
/// agentrace::redact::set_enabled(false);
/// assert_eq!(agentrace::redact::redact_str("password=hunter2"), "password=hunter2");
/// agentrace::redact::set_enabled(true);
/// assert_eq!(agentrace::redact::redact_str("password=hunter2"), "password=[REDACTED:password]");
/// ```
pub fn set_enabled(enabled: bool) {
    let redaction = (*current()).clone().enabled(enabled);
    configure(redaction);
}
