//! Value detectors: finds secrets inside free text (string values, `Debug` text, error
//! messages) in one pass over its bytes, without regular expressions.
//!
//! The pass splits the text into runs of token characters (`A-Z a-z 0-9 _ - + / . ~`).
//! Secrets are long runs, so runs shorter than 8 bytes cost nothing more; a long run is
//! checked against the known formats by its first bytes: provider API keys (`sk-`, `sk_`,
//! `rk_`, `AIza`, `hf_`, `xox?-`, `glpat-`, `gsk_`), AWS access key ids (`AKIA`/`ASIA` + 16),
//! GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), JWTs (three
//! base64url parts, the first two starting `eyJ`), PEM private key blocks, and a token after
//! `Bearer ` or `Basic `. Numbers of 13 to 19 digits (spaces or dashes between groups) are
//! card numbers when they have a card prefix and pass the Luhn check. A `:` or `=` right
//! after a key naming a secret (`password=...`, `"api_key": "..."`, `token: "..."` in
//! `Debug` text) hides the value that follows.

use super::card::card_at;
use super::Rules;

/// One secret found in a text: the byte range to hide and the rule that found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit<'r> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: &'r str,
}

const TOKEN: u8 = 1;
const DIGIT: u8 = 2;
const SEPARATOR: u8 = 4;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'/' | b'.' | b'~') {
            table[byte] |= TOKEN;
        }
        if c.is_ascii_digit() {
            table[byte] |= DIGIT;
        }
        if matches!(c, b':' | b'=') {
            table[byte] |= SEPARATOR;
        }
        byte += 1;
    }
    table
};

/// Runs shorter than this are never secrets on their own.
const MIN_SECRET: usize = 8;

/// Finds the secrets in `text`, in order and without overlaps.
pub(crate) fn scan<'r>(text: &str, rules: &'r Rules, hits: &mut Vec<Hit<'r>>) {
    let bytes = text.as_bytes();
    let first = hits.len();
    let mut index = 0;
    let length = bytes.len();
    loop {
        while index < length && CLASS[bytes[index] as usize] == 0 {
            index += 1;
        }
        if index >= length {
            break;
        }
        let class = CLASS[bytes[index] as usize];
        if class & SEPARATOR != 0 {
            index = key_value(text, index, rules, hits).unwrap_or(index + 1);
            continue;
        }
        let start = index;
        if class & DIGIT != 0 {
            if let Some(end) = card_at(bytes, index) {
                hits.push(Hit {
                    start,
                    end,
                    rule: "credit_card",
                });
                index = end;
                continue;
            }
        }
        while index < length && CLASS[bytes[index] as usize] & TOKEN != 0 {
            index += 1;
        }
        if index - start >= MIN_SECRET {
            index = index.max(token_run(text, start, index, rules, hits));
        }
    }
    if hits.len() > first + 1 {
        hits[first..].sort_by_key(|hit| hit.start);
        let mut kept = first;
        for next in first + 1..hits.len() {
            if hits[next].start >= hits[kept].end {
                kept += 1;
                hits.swap(kept, next);
            } else if hits[next].end > hits[kept].end {
                hits[kept].end = hits[next].end;
            }
        }
        hits.truncate(kept + 1);
    }
}

/// Checks a run of token characters `start..end`; returns where scanning resumes.
fn token_run<'r>(
    text: &str,
    start: usize,
    end: usize,
    rules: &'r Rules,
    hits: &mut Vec<Hit<'r>>,
) -> usize {
    let bytes = text.as_bytes();
    let mut end_trimmed = end;
    while end_trimmed > start && bytes[end_trimmed - 1] == b'.' {
        end_trimmed -= 1;
    }
    let run = &bytes[start..end_trimmed];
    if run.len() < MIN_SECRET {
        return end;
    }
    if run.starts_with(b"-----BEGIN") {
        if let Some(pem_end) = pem_block(text, start) {
            hits.push(Hit {
                start,
                end: pem_end,
                rule: "private_key",
            });
            return pem_end;
        }
        return end;
    }
    let with_padding = end_trimmed
        + bytes[end_trimmed..]
            .iter()
            .take_while(|&&b| b == b'=')
            .count();
    let rule = known_format(run)
        .or_else(|| after_scheme(bytes, start, run))
        .or_else(|| rules.custom_prefix(run));
    if let Some(rule) = rule {
        hits.push(Hit {
            start,
            end: with_padding,
            rule,
        });
        return with_padding;
    }
    end
}

/// The rule of a token with a known secret format.
fn known_format(run: &[u8]) -> Option<&'static str> {
    const PREFIXES: &[(&[u8], usize, &str)] = &[
        (b"sk-", 20, "api_key"),
        (b"sk_", 20, "api_key"),
        (b"rk_", 20, "api_key"),
        (b"gsk_", 20, "api_key"),
        (b"AIza", 30, "api_key"),
        (b"hf_", 30, "api_key"),
        (b"glpat-", 20, "api_key"),
        (b"xoxb-", 20, "api_key"),
        (b"xoxp-", 20, "api_key"),
        (b"xoxa-", 20, "api_key"),
        (b"xoxr-", 20, "api_key"),
        (b"xoxs-", 20, "api_key"),
        (b"ghp_", 30, "github_token"),
        (b"gho_", 30, "github_token"),
        (b"ghu_", 30, "github_token"),
        (b"ghs_", 30, "github_token"),
        (b"ghr_", 30, "github_token"),
        (b"github_pat_", 30, "github_token"),
    ];
    if !matches!(run[0], b's' | b'r' | b'g' | b'A' | b'h' | b'x' | b'e') {
        return None;
    }
    for &(prefix, min_len, rule) in PREFIXES {
        if run.len() >= min_len && run.starts_with(prefix) {
            return Some(rule);
        }
    }
    if run.len() == 20
        && (run.starts_with(b"AKIA") || run.starts_with(b"ASIA"))
        && run[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("aws_access_key");
    }
    if run.starts_with(b"eyJ") && is_jwt(run) {
        return Some("jwt");
    }
    None
}

/// Three base64url parts joined by dots, the first two JSON objects (`eyJ`), and a
/// signature of at least 8 characters.
fn is_jwt(run: &[u8]) -> bool {
    let mut parts = run.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let base64url = |part: &[u8]| {
        part.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    header.len() >= 10
        && payload.starts_with(b"eyJ")
        && payload.len() >= 10
        && signature.len() >= 8
        && base64url(header)
        && base64url(payload)
        && base64url(signature)
}

/// A token after `Bearer ` or `Basic ` (any case) that looks generated: it has a digit or
/// mixed case, so `bearer instruments` stays.
fn after_scheme(bytes: &[u8], start: usize, run: &[u8]) -> Option<&'static str> {
    if start < 6 || bytes[start - 1] != b' ' {
        return None;
    }
    let trimmed = bytes[..start].trim_ascii_end();
    if !matches!(trimmed.last(), Some(b'r' | b'R' | b'c' | b'C')) || !looks_generated(run) {
        return None;
    }
    let word_at = |word: &[u8]| {
        trimmed.len() >= word.len()
            && trimmed[trimmed.len() - word.len()..].eq_ignore_ascii_case(word)
            && (trimmed.len() == word.len()
                || !trimmed[trimmed.len() - word.len() - 1].is_ascii_alphanumeric())
    };
    if word_at(b"bearer") {
        Some("bearer_token")
    } else if word_at(b"basic") {
        Some("basic_auth")
    } else {
        None
    }
}

/// Has a digit, or upper and lower case letters after its first character.
pub(crate) fn looks_generated(run: &[u8]) -> bool {
    let digit = run.iter().any(u8::is_ascii_digit);
    let upper = run[1..].iter().any(u8::is_ascii_uppercase);
    let lower = run.iter().any(u8::is_ascii_lowercase);
    digit || (upper && lower)
}

/// `-----BEGIN ... PRIVATE KEY-----` up to the matching `-----END ...-----`, or to the end
/// of the text when the block is cut.
fn pem_block(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    let header_end = rest[10..].find("-----")? + 10;
    if !rest[..header_end].ends_with("PRIVATE KEY") {
        return None;
    }
    let body = header_end + 5;
    match rest[body..].find("-----END") {
        Some(end) => {
            let after_end = body + end + 8;
            let close = rest[after_end..]
                .find("-----")
                .map_or(rest.len(), |i| after_end + i + 5);
            Some(start + close)
        }
        None => Some(text.len()),
    }
}

/// `key=value` or `key: value` at the separator `at`, with a key naming a secret: hides the
/// value and returns where scanning resumes.
fn key_value<'r>(
    text: &str,
    at: usize,
    rules: &'r Rules,
    hits: &mut Vec<Hit<'r>>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let (key_start, key_end) = key_before(bytes, at)?;
    if text[..key_start].ends_with("[REDACTED:") {
        return None;
    }
    let rule = rules.key_rule(&text[key_start..key_end])?;
    let equals = bytes[at] == b'=';
    let mut start = at + 1;
    while start < bytes.len() && bytes[start] == b' ' {
        start += 1;
    }
    let (start, end) = value_after(bytes, start)?;
    let quoted = start > 0 && matches!(bytes[start - 1], b'"' | b'\'');
    if !(equals
        || quoted
        || looks_generated(&bytes[start..end])
        || bytes[start..end].iter().any(|b| !b.is_ascii_alphabetic()))
    {
        return None;
    }
    hits.push(Hit { start, end, rule });
    Some(end)
}

/// The key that ends right before the separator at `at`: a quoted string or a word.
fn key_before(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let end = at;
    let before = *bytes.get(at.checked_sub(1)?)?;
    if before == b'"' || before == b'\'' {
        let inner_end = end - 1;
        let open = bytes[..inner_end].iter().rposition(|&b| b == before)?;
        return (inner_end - open <= 64 && inner_end > open + 1).then_some((open + 1, inner_end));
    }
    let mut start = end;
    while start > 0 && end - start < 64 {
        let byte = bytes[start - 1];
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' || byte == b'.' {
            start -= 1;
        } else {
            break;
        }
    }
    (end - start >= 3).then_some((start, end))
}

/// The value starting at `start`: inside quotes, or up to a space, `,`, `;`, `&` or a
/// closing bracket outside any nesting (so `Some("x")` and `Secret { .. }` are whole).
fn value_after(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let first = *bytes.get(start)?;
    if first == b'"' || first == b'\'' {
        let mut index = start + 1;
        while index < bytes.len() {
            match bytes[index] {
                b'\\' => index += 2,
                byte if byte == first => break,
                _ => index += 1,
            }
        }
        return (index > start + 1).then_some((start + 1, index.min(bytes.len())));
    }
    let mut depth = 0usize;
    let mut quote = None;
    let mut index = start;
    while index < bytes.len() {
        let byte = bytes[index];
        match (quote, byte) {
            (Some(_), b'\\') => index += 1,
            (Some(open), _) if byte == open => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'(' | b'[' | b'{') => depth += 1,
            (None, b')' | b']' | b'}') if depth == 0 => break,
            (None, b')' | b']' | b'}') => depth -= 1,
            (None, b' ') if depth == 0 && bytes.get(index + 1) == Some(&b'{') => {}
            (None, b' ' | b',' | b';' | b'&' | b'\n' | b'\r' | b'\t') if depth == 0 => break,
            _ => {}
        }
        index += 1;
    }
    let end = index.min(bytes.len());
    (end > start).then_some((start, end))
}
