//! [`Writer`]: a serde `Serializer` that writes JSON text in one pass, with serde_json's
//! formatting for numbers and strings, and never fails.
//!
//! On the way it: redacts (key patterns on fields, map keys and variants; value detectors
//! on every string and map key; card numbers among large integers), stringifies map keys
//! that are not strings (`{"[1,2]": ..}`), writes non-finite floats as `"NaN"`, `"inf"`,
//! `"-inf"`, cuts nesting deeper than the depth limit (`"…[depth limit]"`), stops at the
//! length limit (a cut string ends `…[+N bytes]`, a container gets a last element
//! `"…[+N items]"` or entry `"…": "[+N entries]"`), and replaces a value whose `Serialize`
//! fails by `"<unserializable: reason>"`, keeping what came before it.

use std::fmt::Write as _;

use serde::ser::{self, Serialize, Serializer as _};
use serde_json::ser::{CompactFormatter, Formatter};

use super::blocks::needs_escape;
use super::compound::Compound;
use super::keys::FieldCache;
pub(crate) use super::notes::{Error, Notes};
use super::text::{redact_for_json, redact_text};
use super::{Mode, Rules};

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
    pub(crate) rules: Option<&'a Rules>,
    /// The JSON path of the value being written, starting with the attribute name.
    pub(crate) path: &'a mut String,
    pub(crate) notes: &'a mut Notes,
    pub(crate) attribute: &'static str,
    pub(crate) depth: usize,
    /// What the rules say of the struct field names met so far.
    pub(crate) fields: FieldCache,
}

impl<'a> Writer<'a> {
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
    pub(super) fn plain_str_escaped(&mut self, text: &str, needs_escape: Option<bool>) {
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
    pub(super) fn redacted_value<T: Serialize + ?Sized>(
        &mut self,
        rules: &Rules,
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
    fn integer(&mut self, digits: &str) {
        if let Some(rules) = self.rules.filter(|rules| rules.is_enabled()) {
            if digits.len() >= 13 && redact_text(digits, rules) != digits {
                self.notes.redacted(self.path);
                return self.plain_str(&rules.marker("credit_card", digits));
            }
        }
        self.out.extend_from_slice(digits.as_bytes());
    }

    fn open(&mut self, open: &'static [u8], close: &'static [u8], map: bool) -> Compound<'_, 'a> {
        self.out.extend_from_slice(open);
        Compound::new(self, close, map)
    }

    /// `{"variant":`, with the variant's path and the check of its name as a key.
    fn variant(&mut self, variant: &'static str) -> Compound<'_, 'a> {
        let mut compound = self.open(b"{", b"}", true);
        compound.key(variant);
        compound
    }
}

/// The text of a value whose key names a secret, for hash and partial modes.
fn secret_text<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut path = String::new();
    let mut notes = Notes::default();
    let mut writer = Writer {
        out: &mut out,
        limit: 64 * 1024,
        max_depth: 32,
        rules: None,
        path: &mut path,
        notes: &mut notes,
        attribute: "",
        depth: 0,
        fields: FieldCache::default(),
    };
    writer.value(value);
    let text = String::from_utf8_lossy(&out).into_owned();
    serde_json::from_str::<String>(&text).unwrap_or(text)
}

/// Writes `text` as a JSON string, exactly as serde_json does; text that needs no escapes
/// (most prose) is copied as it is.
pub(super) fn write_escaped(out: &mut Vec<u8>, text: &str) {
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

/// Integers too short to be a card number, written as serde_json writes them.
macro_rules! small_integers {
    ($($method:ident: $t:ty => $write:ident),*) => {$(
        fn $method(self, value: $t) -> Result<(), Error> {
            let _ = CompactFormatter.$write(self.out, value);
            Ok(())
        }
    )*};
}

macro_rules! integers {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, value: $t) -> Result<(), Error> {
            let mut text = String::new();
            let _ = write!(text, "{value}");
            self.integer(&text);
            Ok(())
        }
    )*};
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    small_integers!(
        serialize_i8: i8 => write_i8,
        serialize_i16: i16 => write_i16,
        serialize_i32: i32 => write_i32,
        serialize_u8: u8 => write_u8,
        serialize_u16: u16 => write_u16,
        serialize_u32: u32 => write_u32
    );
    integers!(serialize_i64: i64, serialize_u64: u64, serialize_i128: i128, serialize_u128: u128);

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        if value.is_finite() {
            let _ = CompactFormatter.write_f32(self.out, value);
            Ok(())
        } else {
            self.serialize_f64(f64::from(value))
        }
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        if value.is_finite() {
            let _ = CompactFormatter.write_f64(self.out, value);
        } else if value.is_nan() {
            self.plain_str("NaN");
        } else {
            self.plain_str(if value > 0.0 { "inf" } else { "-inf" });
        }
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.plain_str(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut seq = self.open(b"[", b"]", false);
        for byte in value {
            seq.element(byte);
        }
        seq.finish();
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.plain_str(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut map = self.variant(variant);
        map.entry_value(value);
        map.finish();
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.open(b"[", b"]", false))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.open(b"[", b"]", false))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.open(b"[", b"]", false))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.variant(variant).into_variant(b'[', b"]}", false))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.open(b"{", b"}", true))
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.open(b"{", b"}", true))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        Ok(self.variant(variant).into_variant(b'{', b"}}", true))
    }
}
