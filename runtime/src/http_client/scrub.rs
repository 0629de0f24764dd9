//! What the HTTP middleware writes about a request, with secrets taken out: `url.full`
//! without credentials or secret query values, header values of sensitive headers, and
//! bodies redacted and cut to a length.
//!
//! Names are judged by the crate's redaction rules ([`crate::capture`]: `authorization`,
//! `api_key`, `cookie`, `password`, `secret`, ...) plus the deny lists below, which add the
//! short names common in URLs (`key`, `sig`, `token`) that the general rules leave readable.

use std::borrow::Cow;

use crate::capture;

/// Headers whose values are always hidden.
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
];

/// Query parameters whose values are always hidden.
const SENSITIVE_QUERY: &[&str] = &[
    "api_key",
    "apikey",
    "key",
    "token",
    "access_token",
    "secret",
    "password",
    "sig",
    "signature",
    "x-goog-api-key",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
];

/// What replaces a hidden part of a URL (the HTTP semantic conventions' marker).
const URL_MARKER: &str = "REDACTED";

/// The rule that hides a header's value, if one does.
fn header_rule(rules: &capture::Redaction, name: &str) -> Option<String> {
    if SENSITIVE_HEADERS
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
    {
        return Some(name.to_ascii_lowercase());
    }
    rules.key_rule(name).map(str::to_owned)
}

/// A header value as it may be recorded.
pub(crate) fn header_value(name: &str, value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let rules = capture::current();
    match header_rule(&rules, name) {
        Some(rule) => rules.marker(&rule, &text),
        None => capture::redact_str(&text).into_owned(),
    }
}

/// `url` as `url.full` may show it: user and password replaced, and the values of secret
/// query parameters (by name, or holding a detected secret) replaced with `REDACTED`.
pub(crate) fn url(url: &reqwest::Url) -> String {
    let mut clean = url.clone();
    if !clean.username().is_empty() || clean.password().is_some() {
        let _ = clean.set_username(URL_MARKER);
        let _ = clean.set_password(Some(URL_MARKER));
    }
    if let Some(query) = url.query() {
        let rules = capture::current();
        let pairs: Vec<Cow<'_, str>> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if secret_param(&rules, name, value) => {
                    Cow::Owned(format!("{name}={URL_MARKER}"))
                }
                _ => Cow::Borrowed(pair),
            })
            .collect();
        clean.set_query(Some(&pairs.join("&")));
    }
    clean.to_string()
}

fn secret_param(rules: &capture::Redaction, name: &str, value: &str) -> bool {
    let name = percent_decode(name);
    let value = percent_decode(value);
    SENSITIVE_QUERY.iter().any(|s| name.eq_ignore_ascii_case(s))
        || rules.key_rule(&name).is_some()
        || matches!(capture::redact_str(&value), Cow::Owned(_))
}

/// Percent-decoding for matching names and values: `+` is a space, bad escapes stay as they
/// are, and invalid UTF-8 is replaced.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let decoded = (bytes[at] == b'%')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (decoded, bytes[at]) {
            (Some(byte), _) => {
                out.push(byte);
                at += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                at += 1;
            }
            (None, byte) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A body as it may be recorded: JSON with secret keys and detected secrets hidden, other
/// text with detected secrets and `name=value` secrets hidden, binary data described, and
/// the result cut to `max_bytes` (on a character boundary, marked with `…`).
pub(crate) fn body(bytes: &[u8], max_bytes: usize) -> String {
    /// Only this much of a body is parsed or scanned; the rest is never recorded anyway.
    const MAX_SCAN: usize = 1 << 20;
    if bytes.len() <= MAX_SCAN {
        if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(bytes) {
            redact_json(&capture::current(), &mut json);
            return cut(json.to_string(), max_bytes);
        }
    }
    let head = &bytes[..bytes.len().min(MAX_SCAN)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The scanned prefix may end inside a character: keep what precedes it.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return format!("[binary: {} bytes]", bytes.len()),
    };
    cut(capture::redact_str(text).into_owned(), max_bytes)
}

fn cut(mut text: String, max_bytes: usize) -> String {
    if text.len() > max_bytes {
        let end = capture::floor_char_boundary(&text, max_bytes);
        text.truncate(end);
        text.push('…');
    }
    text
}

fn redact_json(rules: &capture::Redaction, value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if let Some(rule) = rules.key_rule(key) {
                    if rules.is_enabled() && !item.is_null() {
                        let secret = item.to_string();
                        *item = Value::String(rules.marker(rule, &secret));
                        continue;
                    }
                }
                redact_json(rules, item);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| redact_json(rules, item)),
        Value::String(text) => {
            if let Cow::Owned(clean) = capture::redact_str(text) {
                *text = clean;
            }
        }
        _ => {}
    }
}
