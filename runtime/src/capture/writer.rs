//! [`Writer`]: where captured JSON text is written, with the length and depth limits,
//! redaction of strings and card numbers, and the markers for what was cut. The serde side
//! of it (`impl Serializer`) is in `serializer.rs`.

use serde::ser::{Serialize, Serializer as _};

use super::blocks::needs_escape;
use super::keys::FieldCache;
use super::notes::Notes;
use super::rules::{Mode, Redaction};
use super::text::{redact_for_json, redact_text};

/// Bytes kept free at a cut for the marker saying how much was cut.
const CUT_RESERVE: usize = 24;
/// How far past the length limit a huge string is still scanned for secrets before it is
/// cut, so that a secret straddling the cut is found whole.
const SCAN_SLACK: usize = 4096;

/// Writes JSON into `out` until `limit` bytes, redacting under `rules` (`None`: off).
pub(crate) struct Writer<'a> {
    pub(crate) out: &'a mut Vec<u8>,
    pub(crate) limit: usize,
    pub(crate) max_depth: usize,
    pub(crate) rules: Option<&'a Redaction>,
    /// The JSON path of the value being written, starting with the attribute name.
    pub(crate) path: &'a mut String,
    pub(crate) notes: &'a mut Notes,
    pub(crate) attribute: &'static str,
    pub(crate) depth: usize,
    /// What the rules say of the struct field names met so far.
    pub(crate) fields: FieldCache,
}

impl<'a> Writer<'a> {
    /// A writer appending to `out` up to `limit` bytes and `max_depth` levels of nesting,
    /// redacting under `rules` (`None`: off), noting what it redacts or cuts in `notes` under
    /// the paths it builds in `path`, for the attribute `attribute`.
    pub(crate) fn new(
        out: &'a mut Vec<u8>,
        path: &'a mut String,
        notes: &'a mut Notes,
        rules: Option<&'a Redaction>,
        (limit, max_depth): (usize, usize),
        attribute: &'static str,
    ) -> Self {
        Writer {
            out,
            limit,
            max_depth,
            rules,
            path,
            notes,
            attribute,
            depth: 0,
            fields: FieldCache::default(),
        }
    }

    /// `true` once the length limit is reached: further elements are counted, not written.
    pub(crate) fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    pub(crate) fn cut(&mut self) {
        self.notes.truncated(self.attribute);
    }

    /// Writes one value; never fails.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
        if self.depth >= self.max_depth {
            self.cut();
            self.plain_str("…[depth limit]");
            return;
        }
        let mark = self.out.len();
        let path = self.path.len();
        self.depth += 1;
        let result = value.serialize(&mut *self);
        self.depth -= 1;
        if let Err(error) = result {
            self.out.truncate(mark);
            self.path.truncate(path);
            let message = format!("<unserializable: {error}>");
            self.string(&message);
        }
    }

    /// Writes a string, already free of secrets, cut to the limit.
    pub(crate) fn plain_str(&mut self, text: &str) {
        self.plain_str_escaped(text, None);
    }

    /// [`plain_str`](Self::plain_str) when whether `text` needs JSON escapes may be known.
    pub(crate) fn plain_str_escaped(&mut self, text: &str, needs_escape: Option<bool>) {
        let mark = self.out.len();
        let room = self.limit.saturating_sub(mark);
        if text.len() + 2 <= room {
            write_escaped_known(self.out, text, needs_escape);
            if self.out.len() <= self.limit {
                return;
            }
            self.out.truncate(mark);
        }
        self.cut();
        let mut keep = room.saturating_sub(CUT_RESERVE);
        loop {
            keep = floor_char_boundary(text, keep.min(text.len()));
            let shown = format!("{}…[+{} bytes]", &text[..keep], text.len() - keep);
            write_escaped(self.out, &shown);
            if self.out.len() <= self.limit + CUT_RESERVE || keep == 0 {
                return;
            }
            self.out.truncate(mark);
            keep /= 2;
        }
    }

    /// Writes a string value: secrets hidden, then cut to the limit.
    pub(crate) fn string(&mut self, text: &str) {
        self.text(text, 0);
    }

    /// Writes a text of which `unseen` more bytes were dropped before it got here (long
    /// `Debug` output): secrets hidden, then cut to the limit, saying how much was cut.
    pub(crate) fn text(&mut self, text: &str, unseen: usize) {
        let room = self.limit.saturating_sub(self.out.len());
        let window = floor_char_boundary(text, room.saturating_add(SCAN_SLACK).min(text.len()));
        let (redacted, needs_escape) = match self.rules {
            Some(rules) => redact_for_json(&text[..window], rules),
            None => (std::borrow::Cow::Borrowed(&text[..window]), None),
        };
        if matches!(redacted, std::borrow::Cow::Owned(_)) {
            self.notes.redacted(self.path);
        }
        if window == text.len() && unseen == 0 {
            self.plain_str_escaped(&redacted, needs_escape);
        } else {
            // Cut past the scanned window: the marker counts the bytes never scanned too.
            self.cut();
            let keep = floor_char_boundary(
                &redacted,
                room.saturating_sub(CUT_RESERVE).min(redacted.len()),
            );
            let hidden = redacted.len() - keep + (text.len() - window) + unseen;
            write_escaped(
                self.out,
                &format!("{}…[+{hidden} bytes]", &redacted[..keep]),
            );
        }
    }

    /// Writes the marker for a value whose key names a secret.
    pub(crate) fn redacted_value<T: Serialize + ?Sized>(
        &mut self,
        rules: &Redaction,
        rule: &str,
        value: &T,
    ) {
        self.notes.redacted(self.path);
        let secret = match rules.mode {
            Mode::Replace => String::new(),
            Mode::Hash | Mode::Partial => secret_text(value),
        };
        let marker = rules.marker(rule, &secret);
        self.plain_str(&marker);
    }

    /// Writes a large integer, hidden when it is a card number.
    pub(crate) fn integer(&mut self, digits: &str) {
        if let Some(rules) = self.rules.filter(|rules| rules.is_enabled()) {
            if digits.len() >= 13 && redact_text(digits, rules) != digits {
                self.notes.redacted(self.path);
                return self.plain_str(&rules.marker("credit_card", digits));
            }
        }
        self.out.extend_from_slice(digits.as_bytes());
    }
}

/// The text of a value whose key names a secret, for hash and partial modes.
fn secret_text<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut path = String::new();
    let mut notes = Notes::default();
    let mut writer = Writer::new(&mut out, &mut path, &mut notes, None, (64 * 1024, 32), "");
    writer.value(value);
    let text = String::from_utf8_lossy(&out).into_owned();
    serde_json::from_str::<String>(&text).unwrap_or(text)
}

/// Writes `text` as a JSON string, exactly as serde_json does; text that needs no escapes
/// (most prose) is copied as it is.
pub(crate) fn write_escaped(out: &mut Vec<u8>, text: &str) {
    write_escaped_known(out, text, None);
}

/// [`write_escaped`] when whether `text` needs escapes may be known already.
fn write_escaped_known(out: &mut Vec<u8>, text: &str, needs: Option<bool>) {
    if needs.unwrap_or_else(|| needs_escape(text)) {
        // Writing to a `Vec` cannot fail.
        let _ = serde_json::Serializer::new(&mut *out).serialize_str(text);
    } else {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

/// The largest char boundary of `text` at or below `at`.
pub(crate) fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
