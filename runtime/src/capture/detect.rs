//! Value detectors: finds secrets inside free text (string values, `Debug` text, error
//! messages) in one pass over its bytes, without regular expressions.
//!
//! The pass splits the text into runs of token characters (`A-Z a-z 0-9 _ - + / . ~`),
//! reading bit masks of 64 bytes at a time ([`blocks`](super::blocks)) rather than each byte.
//! Secrets are long runs, so runs shorter than 8 bytes cost nothing more, and so do long
//! runs whose first byte opens no known format; a long run is checked against the known
//! formats by its first bytes: provider API keys (`sk-`, `sk_`,
//! `rk_`, `AIza`, `hf_`, `xox?-`, `glpat-`, `gsk_`), AWS access key ids (`AKIA`/`ASIA` + 16),
//! GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), JWTs (three
//! base64url parts, the first two starting `eyJ`), PEM private key blocks, and a token after
//! `Bearer ` or `Basic `. Numbers of 13 to 19 digits (spaces or dashes between groups) are
//! card numbers when they have a card prefix and pass the Luhn check. A `:` or `=` right
//! after a key naming a secret (`password=...`, `"api_key": "..."`, `token: "..."` in
//! `Debug` text) hides the value that follows.

use super::blocks::{Masks, BLOCK, CLASS, DIGIT, SEPARATOR, TOKEN};
use super::card::card_at;
use super::rules::Redaction;

/// One secret found in a text: the byte range to hide and the rule that found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit<'r> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: &'r str,
}

/// Runs shorter than this are never secrets on their own.
const MIN_SECRET: usize = 8;

/// Finds the secrets in `text`, in order and without overlaps. Returns whether `text`
/// needs JSON escapes when the scan classified all of it (it usually does).
pub(crate) fn scan<'r>(text: &str, rules: &'r Redaction, hits: &mut Vec<Hit<'r>>) -> Option<bool> {
    let bytes = text.as_bytes();
    let first = hits.len();
    let mut index = 0;
    let length = bytes.len();
    let mut candidates = Candidates::new(bytes, rules);
    loop {
        index = candidates.next_from(index);
        if index >= length {
            break;
        }
        index = examine(text, index, rules, hits, |start| {
            let end = candidates.run_end(start);
            candidates.passed_run(start, end);
            end
        });
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
    candidates.escape()
}

/// Looks closely at a candidate at `start`: a separator (`key=value`), a card number, or a
/// run of token characters ending where `run_end` says; returns where scanning resumes.
fn examine<'r>(
    text: &str,
    start: usize,
    rules: &'r Redaction,
    hits: &mut Vec<Hit<'r>>,
    run_end: impl FnOnce(usize) -> usize,
) -> usize {
    let bytes = text.as_bytes();
    let class = CLASS[bytes[start] as usize];
    if class & SEPARATOR != 0 {
        return key_value(text, start, rules, hits).unwrap_or(start + 1);
    }
    if class & DIGIT != 0 {
        if let Some(end) = card_at(bytes, start) {
            hits.push(Hit {
                start,
                end,
                rule: "credit_card",
            });
            return end;
        }
    }
    let end = run_end(start);
    if end - start >= MIN_SECRET {
        end.max(token_run(text, start, end, rules, hits))
    } else {
        end
    }
}

/// Finds, a block at a time, the places where a secret may start: a separator, a run of
/// token characters holding a digit, or a run of at least [`MIN_SECRET`] token characters
/// that may open a secret ([`may_open_secret`]). Short runs of letters and long plain
/// words, the bulk of prose, are passed over without looking at each byte.
struct Candidates<'t> {
    bytes: &'t [u8],
    /// Whether long runs that open no known secret format can be passed over: not when
    /// custom value prefixes may match any run.
    skip_plain_runs: bool,
    /// Where the current block starts.
    base: usize,
    masks: Masks,
    /// The token mask of the block before, for runs that cross into this one.
    previous: u64,
    /// How far from the start every byte has been classified, and whether one of them
    /// needs a JSON escape.
    classified: usize,
    escape: bool,
}

impl<'t> Candidates<'t> {
    fn new(bytes: &'t [u8], rules: &Redaction) -> Self {
        let mut candidates = Candidates {
            bytes,
            skip_plain_runs: rules.value_prefixes.is_empty(),
            base: 0,
            masks: Masks::default(),
            previous: 0,
            classified: 0,
            escape: false,
        };
        candidates.load(0);
        candidates
    }

    /// Whether the text needs JSON escapes, when every byte of it was classified.
    fn escape(&self) -> Option<bool> {
        (self.classified >= self.bytes.len()).then_some(self.escape)
    }

    /// The next candidate at or after `from`, where a new run starts: the separator itself,
    /// or the first byte of the run; the text's length when there is none.
    fn next_from(&mut self, from: usize) -> usize {
        let mut floor = from;
        loop {
            if !self.restart_at(floor) {
                return self.bytes.len();
            }
            let Some(at) = self.first_mark() else {
                return self.bytes.len();
            };
            if self.masks.event & (1 << (at - self.base)) != 0 {
                return self.run_start(floor, at);
            }
            // The first bit of a long run is its MIN_SECRET-th byte.
            let start = at + 1 - MIN_SECRET;
            if !self.skip_plain_runs || may_open_secret(self.bytes, start) {
                return start;
            }
            floor = self.run_end(at);
            self.passed_run(start, floor);
        }
    }

    /// The scan passed the run of token characters `start..end`: none of them needs an
    /// escape, so they count as classified even where their block was not loaded.
    fn passed_run(&mut self, start: usize, end: usize) {
        if start <= self.classified {
            self.classified = self.classified.max(end);
        }
    }

    /// Runs restart at `at`: forgets what lies before it, loading its block if needed.
    /// `false` at the end of the text.
    fn restart_at(&mut self, at: usize) -> bool {
        if at >= self.bytes.len() {
            return false;
        }
        if at < self.base || at >= self.base + BLOCK {
            self.load(at);
        } else {
            let keep = !0u64 << (at - self.base);
            self.masks.token &= keep;
            self.masks.event &= keep;
        }
        self.previous = 0;
        true
    }

    /// Classifies the block starting at `base`.
    fn load(&mut self, base: usize) {
        self.base = base;
        self.masks = Masks::at(self.bytes, base, &mut self.escape);
        if base <= self.classified {
            self.classified = self.classified.max(base + BLOCK);
        }
    }

    /// The first event or long-run bit from the current block on, moving through blocks.
    fn first_mark(&mut self) -> Option<usize> {
        loop {
            // Bit `i` of `eights` (above the 64 bits of the block before, which supply the
            // bits under 0): bytes `i - 7 ..= i` are all token characters, found by
            // doubling: 2, 4, then 8 in a row.
            let token = (u128::from(self.masks.token) << 64) | u128::from(self.previous);
            let pairs = token & (token << 1);
            let fours = pairs & (pairs << 2);
            let eights = fours & (fours << 4);
            let found = (eights >> 64) as u64 | self.masks.event;
            if found != 0 {
                return Some(self.base + found.trailing_zeros() as usize);
            }
            if self.base + BLOCK >= self.bytes.len() {
                return None;
            }
            self.previous = self.masks.token;
            self.load(self.base + BLOCK);
        }
    }

    /// The end of the run of token characters through `at` (a token in the current block).
    fn run_end(&self, at: usize) -> usize {
        let mut end = at;
        if (self.base..self.base + BLOCK).contains(&at) {
            let offset = at - self.base;
            let ones = (!(self.masks.token >> offset)).trailing_zeros() as usize;
            end = at + ones;
            if offset + ones < BLOCK {
                return end.min(self.bytes.len());
            }
        }
        while end < self.bytes.len() && CLASS[self.bytes[end] as usize] & TOKEN != 0 {
            end += 1;
        }
        end
    }

    /// The separator at `at`, or the start (not before `from`) of the run holding `at`.
    fn run_start(&self, from: usize, mut at: usize) -> usize {
        if CLASS[self.bytes[at] as usize] & SEPARATOR != 0 {
            return at;
        }
        while at > from && CLASS[self.bytes[at - 1] as usize] & TOKEN != 0 {
            at -= 1;
        }
        at
    }
}

/// Whether a long run at `start` can open a secret [`token_run`] finds without custom
/// prefixes: its first byte opens a known format, or `Bearer ` / `Basic ` comes before it.
fn may_open_secret(bytes: &[u8], start: usize) -> bool {
    OPENS_KNOWN_FORMAT[bytes[start] as usize] || scheme_may_precede(bytes, start)
}

/// The first bytes of the known formats ([`KNOWN_PREFIXES`], AWS key ids, JWTs, PEM blocks).
static OPENS_KNOWN_FORMAT: [bool; 256] = {
    let mut table = [false; 256];
    let mut index = 0;
    while index < KNOWN_PREFIXES.len() {
        table[KNOWN_PREFIXES[index].0[0] as usize] = true;
        index += 1;
    }
    table[b'A' as usize] = true;
    table[b'e' as usize] = true;
    table[b'-' as usize] = true;
    table
};

/// Checks a run of token characters `start..end`; returns where scanning resumes.
fn token_run<'r>(
    text: &str,
    start: usize,
    end: usize,
    rules: &'r Redaction,
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

/// Prefixes of provider keys and tokens: the prefix, the shortest whole token, the rule.
const KNOWN_PREFIXES: &[(&[u8], usize, &str)] = &[
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

/// The rule of a token with a known secret format.
fn known_format(run: &[u8]) -> Option<&'static str> {
    if !OPENS_KNOWN_FORMAT[run[0] as usize] {
        return None;
    }
    for &(prefix, min_len, rule) in KNOWN_PREFIXES {
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
    if !scheme_may_precede(bytes, start) || !looks_generated(run) {
        return None;
    }
    let trimmed = bytes[..start].trim_ascii_end();
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

/// A space before `start`, and before it a word ending like `bearer` or `basic`.
fn scheme_may_precede(bytes: &[u8], start: usize) -> bool {
    start >= 6
        && bytes[start - 1] == b' '
        && matches!(
            bytes[..start].trim_ascii_end().last(),
            Some(b'r' | b'R' | b'c' | b'C')
        )
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
    rules: &'r Redaction,
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

#[cfg(test)]
mod tests {
    use super::super::blocks::needs_escape;
    use super::*;

    /// The scan byte by byte, as it was before the block classifier: every run of token
    /// characters and every separator is examined. The block scan must find the same.
    fn scan_byte_by_byte<'r>(text: &str, rules: &'r Redaction) -> Vec<Hit<'r>> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        let mut index = 0;
        while index < bytes.len() {
            if CLASS[bytes[index] as usize] == 0 {
                index += 1;
                continue;
            }
            index = examine(text, index, rules, &mut hits, |start| {
                let mut end = start;
                while end < bytes.len() && CLASS[bytes[end] as usize] & TOKEN != 0 {
                    end += 1;
                }
                end
            });
        }
        hits.sort_by_key(|hit| hit.start);
        let mut merged: Vec<Hit<'r>> = Vec::new();
        for hit in hits {
            match merged.last_mut() {
                Some(last) if hit.start < last.end => last.end = last.end.max(hit.end),
                _ => merged.push(hit),
            }
        }
        merged
    }

    const PIECES: &[&str] = &[
        " ",
        "  ",
        "\n",
        ", ",
        ": ",
        "=",
        ":",
        "a",
        "word",
        "assistant",
        "temperature",
        "Turn 12",
        "4111 1111 1111 1111",
        "4111-1111-1111-1112",
        "5500005555555559",
        "sk-proj-AbCdEf0123456789xyzXYZ",
        "ghp_0123456789abcdefghijABCDEFGHIJ0123",
        "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        "Bearer abcDEF123456ghiJKL",
        "bearer instruments",
        "password=hunter2",
        "\"api_key\": \"abc123def456\"",
        "token: 'AbC123xyz'",
        "author: Jane",
        "max_tokens=512",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
        "https://example.com/path/to/a/long/resource.json",
        "é",
        "✓",
        "x.y.z.",
        "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
        "[REDACTED:api_key]",
        "secret: Some(\"x y\")",
        "acme_0123456789",
        "sentences",
        "-----BEGIN nothing here",
        "for ",
        "Basic dXNlcjpwYXNz",
        "x7",
    ];

    #[test]
    fn the_block_scan_finds_what_the_byte_by_byte_scan_finds() {
        agrees_with_the_byte_by_byte_scan(&Redaction::default());
    }

    #[test]
    fn the_block_scan_agrees_with_custom_value_prefixes_too() {
        agrees_with_the_byte_by_byte_scan(&Redaction::default().value_prefix("acme_", 8, "acme"));
    }

    fn agrees_with_the_byte_by_byte_scan(rules: &Redaction) {
        let mut known_escapes = 0;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..20_000 {
            let pieces = 1 + next() % 40;
            let mut text = String::new();
            for _ in 0..pieces {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let mut hits = Vec::new();
            let escape = scan(&text, rules, &mut hits);
            assert_eq!(
                hits,
                scan_byte_by_byte(&text, rules),
                "case {case}: {text:?}"
            );
            if let Some(escape) = escape {
                assert_eq!(escape, needs_escape(&text), "case {case}: {text:?}");
            }
            // A text without secrets is classified whole: its escapes are known.
            assert!(
                !hits.is_empty() || escape.is_some(),
                "case {case}: {text:?}"
            );
            known_escapes += usize::from(escape.is_some());
        }
        assert!(known_escapes > 1_000, "{known_escapes}");
    }
}
