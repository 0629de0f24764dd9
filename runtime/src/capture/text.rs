//! Redacting one text: runs the detectors, custom literals and callback, and rebuilds the
//! text with markers in place of what they found. Also renders markers for the three modes.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use super::detect::{self, Hit};
use super::rules::{current, Mode, Redaction};

/// Hides the secrets in `text` under the process's settings (the builder's
/// [`redaction`](crate::Builder::redaction)): for error messages and any other text about to
/// leave the process. Text without secrets comes back borrowed, unchanged.
///
/// ```
/// use agentrace::capture::redact_str;
///
/// let message = "auth failed for key sk-ant-api03-AbCdEf0123456789xyz: check settings";
/// assert_eq!(redact_str(message), "auth failed for key [REDACTED:api_key]: check settings");
/// assert_eq!(redact_str("author: Jane, 42 input_tokens"), "author: Jane, 42 input_tokens");
/// ```
pub fn redact_str(text: &str) -> Cow<'_, str> {
    let rules = current();
    match redact_text(text, &rules) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        Cow::Owned(owned) => Cow::Owned(owned),
    }
}

/// Hides the secrets in `text` under `rules` rather than the process's settings; borrowed
/// when nothing was found.
///
/// ```
/// use agentrace::capture::{redact_str_with, Mode, Redaction};
///
/// let rules = Redaction::default().mode(Mode::Hash);
/// let first = redact_str_with("key sk-proj-0123456789abcdefghij", &rules);
/// let second = redact_str_with("again sk-proj-0123456789abcdefghij", &rules);
/// assert!(first.starts_with("key [REDACTED:api_key:hash="));
/// assert_eq!(first.strip_prefix("key "), second.strip_prefix("again "));
/// assert_eq!(redact_str_with("password=hunter2", &Redaction::default().enabled(false)), "password=hunter2");
/// ```
pub fn redact_str_with<'t>(text: &'t str, rules: &Redaction) -> Cow<'t, str> {
    redact_text(text, rules)
}

/// Hides the secrets in `text` under `rules`; borrowed when nothing was found.
pub(crate) fn redact_text<'t>(text: &'t str, rules: &Redaction) -> Cow<'t, str> {
    redact_for_json(text, rules).0
}

/// [`redact_text`], also telling whether the text it returns needs JSON escapes when the
/// scan learned it on the way (`None`: not known).
pub(crate) fn redact_for_json<'t>(
    text: &'t str,
    rules: &Redaction,
) -> (Cow<'t, str>, Option<bool>) {
    if !rules.is_enabled() {
        return (Cow::Borrowed(text), None);
    }
    if let Some(callback) = &rules.callback {
        if let Some(rule) = callback(text) {
            return (Cow::Owned(rules.marker(&rule, text)), None);
        }
    }
    let mut hits: Vec<Hit<'_>> = Vec::new();
    let escape = detect::scan(text, rules, &mut hits);
    for literal in &rules.literals {
        for (start, found) in text.match_indices(literal.as_str()) {
            hits.push(Hit {
                start,
                end: start + found.len(),
                rule: "custom",
            });
        }
    }
    if hits.is_empty() {
        return (Cow::Borrowed(text), escape);
    }
    if !rules.literals.is_empty() {
        merge(&mut hits);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for hit in &hits {
        out.push_str(&text[copied..hit.start]);
        out.push_str(&rules.marker(hit.rule, &text[hit.start..hit.end]));
        copied = hit.end;
    }
    out.push_str(&text[copied..]);
    (Cow::Owned(out), None)
}

/// Sorts hits and joins those that overlap.
fn merge(hits: &mut Vec<Hit<'_>>) {
    hits.sort_by_key(|hit| hit.start);
    let mut merged: Vec<Hit<'_>> = Vec::with_capacity(hits.len());
    for hit in hits.drain(..) {
        match merged.last_mut() {
            Some(last) if hit.start < last.end => last.end = last.end.max(hit.end),
            _ => merged.push(hit),
        }
    }
    *hits = merged;
}

/// The process's hashing key: drawn at random once.
fn hash_key() -> &'static std::collections::hash_map::RandomState {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    KEY.get_or_init(std::collections::hash_map::RandomState::new)
}

impl Redaction {
    /// The marker for a hidden `secret` found by `rule`, in the configured mode.
    pub(crate) fn marker(&self, rule: &str, secret: &str) -> String {
        match self.mode {
            Mode::Replace => format!("[REDACTED:{rule}]"),
            Mode::Hash => {
                let hash = hash_key().hash_one(secret.as_bytes());
                format!("[REDACTED:{rule}:hash={:08x}]", hash >> 32)
            }
            Mode::Partial => {
                let count = secret.chars().count();
                if count >= 12 {
                    let tail: String = secret.chars().skip(count - 4).collect();
                    format!("[REDACTED:{rule}:...{tail}]")
                } else {
                    format!("[REDACTED:{rule}]")
                }
            }
        }
    }
}
