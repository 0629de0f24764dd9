//! Arrays, objects and enum variants for the [`Writer`]: elements past the length limit are
//! counted and summed up in a last element, map keys of any type become strings, and a
//! field, key or variant named like a secret has its value replaced by a marker.

use std::borrow::Cow;

use serde::ser::{self, Impossible, Serialize};

use super::blocks::needs_escape;
use super::keys::{builtin_rule, FieldFacts, NormalKey};
use super::notes::Error;
use super::rules::Redaction;
use super::text::{redact_for_json, redact_text};
use super::writer::{write_escaped, Writer};

/// An array, object, or variant being written.
pub(crate) struct Compound<'w, 'a> {
    pub(super) writer: &'w mut Writer<'a>,
    pub(super) rules: Option<&'a Redaction>,
    pub(super) count: usize,
    pub(super) skipped: usize,
    pub(super) close: &'static [u8],
    pub(super) map: bool,
    pub(super) pending: Option<String>,
    pub(super) key_path: usize,
    /// For a tuple or struct variant: the path before the variant, and the rule hiding the
    /// whole variant when its name is a secret's.
    pub(super) variant: Option<(usize, Option<String>)>,
}

impl<'w, 'a> Compound<'w, 'a> {
    pub(super) fn new(writer: &'w mut Writer<'a>, close: &'static [u8], map: bool) -> Self {
        let rules = writer.rules;
        Compound {
            writer,
            rules,
            count: 0,
            skipped: 0,
            close,
            map,
            pending: None,
            key_path: 0,
            variant: None,
        }
    }

    /// After `{"variant":`, opens the variant's array or object.
    pub(super) fn into_variant(mut self, open: u8, close: &'static [u8], map: bool) -> Self {
        let hidden = self.pending.take();
        if hidden.is_none() {
            self.writer.out.push(open);
        }
        self.variant = Some((self.key_path, hidden));
        self.close = close;
        self.map = map;
        self.count = 0;
        self
    }

    fn hidden(&self) -> bool {
        matches!(self.variant, Some((_, Some(_))))
    }

    fn separator(&mut self) {
        if self.count > 0 {
            self.writer.out.push(b',');
        }
    }

    pub(super) fn element<T: Serialize + ?Sized>(&mut self, value: &T) {
        if self.hidden() {
            return;
        }
        if self.writer.full() {
            self.skipped += 1;
            return;
        }
        self.separator();
        let path = self.writer.path.len();
        push_index(self.writer.path, self.count);
        self.writer.value(value);
        self.writer.path.truncate(path);
        self.count += 1;
    }

    /// Writes `"key":` (secrets in the key itself hidden, in the path too) and remembers
    /// whether its value must be hidden.
    pub(super) fn key(&mut self, key: &str) {
        self.separator();
        self.key_path = self.writer.path.len();
        let shown = match self.rules {
            Some(rules) => redact_text(key, rules),
            None => Cow::Borrowed(key),
        };
        self.writer.path.push('.');
        self.writer.path.push_str(&shown);
        if matches!(shown, Cow::Owned(_)) {
            self.writer.notes.redacted(self.writer.path);
        }
        self.pending = self
            .rules
            .and_then(|rules| rules.key_rule(key))
            .map(str::to_owned);
        self.writer.plain_str(&shown);
        self.writer.out.push(b':');
    }

    pub(super) fn entry_value<T: Serialize + ?Sized>(&mut self, value: &T) {
        match (self.pending.take(), self.rules) {
            (Some(rule), Some(rules)) => self.writer.redacted_value(rules, &rule, value),
            _ => self.writer.value(value),
        }
        self.writer.path.truncate(self.key_path);
        self.count += 1;
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.hidden() {
            return;
        }
        if self.writer.full() {
            self.skipped += 1;
            return;
        }
        match self.rules.filter(|rules| rules.builtin_only()) {
            Some(rules) => self.field_name(key, rules),
            None => self.key(key),
        }
        self.entry_value(value);
    }

    /// [`key`](Self::key) for a struct field under the built-in rules only: what they say
    /// of the name is worked out once, not on every value.
    fn field_name(&mut self, name: &'static str, rules: &Redaction) {
        let facts = self.writer.fields.facts(name, || {
            let (shown, escape) = redact_for_json(name, rules);
            FieldFacts {
                rule: builtin_rule(&NormalKey::new(name)),
                clean: matches!(shown, Cow::Borrowed(_)),
                escape: escape.unwrap_or_else(|| needs_escape(name)),
            }
        });
        if !facts.clean {
            return self.key(name);
        }
        self.separator();
        self.key_path = self.writer.path.len();
        self.writer.path.push('.');
        self.writer.path.push_str(name);
        self.pending = facts.rule.map(str::to_owned);
        self.writer.plain_str_escaped(name, Some(facts.escape));
        self.writer.out.push(b':');
    }

    pub(super) fn finish(self) {
        if let Some((path, Some(rule))) = &self.variant {
            self.writer.path.truncate(*path);
            if let Some(rules) = self.rules {
                self.writer.redacted_value(rules, rule, &());
            }
            self.writer.out.push(b'}');
            return;
        }
        if self.skipped > 0 {
            self.writer.cut();
            if self.count > 0 {
                self.writer.out.push(b',');
            }
            if self.map {
                write_escaped(self.writer.out, "…");
                self.writer.out.push(b':');
                write_escaped(self.writer.out, &format!("[+{} entries]", self.skipped));
            } else {
                write_escaped(self.writer.out, &format!("…[+{} items]", self.skipped));
            }
        }
        if let Some((path, None)) = self.variant {
            self.writer.path.truncate(path);
        }
        self.writer.out.extend_from_slice(self.close);
    }
}

/// Appends `[index]` to a JSON path without the formatting machinery: it runs for every
/// element of every captured array.
fn push_index(path: &mut String, index: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = index;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    path.push('[');
    for &digit in &digits[start..] {
        path.push(char::from(digit));
    }
    path.push(']');
}

/// The sequence-like serde compounds: each element is written the same way.
macro_rules! sequence_compounds {
    ($($compound:ident :: $method:ident),*) => {$(
        impl ser::$compound for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value);
                Ok(())
            }
            fn end(self) -> Result<(), Error> {
                self.finish();
                Ok(())
            }
        }
    )*};
}

sequence_compounds!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The struct-like serde compounds: each field is written as a named entry.
macro_rules! struct_compounds {
    ($($compound:ident),*) => {$(
        impl ser::$compound for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value);
                Ok(())
            }
            fn end(self) -> Result<(), Error> {
                self.finish();
                Ok(())
            }
        }
    )*};
}

struct_compounds!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        if self.writer.full() {
            self.skipped += 1;
            self.pending = Some(String::new());
            self.key_path = usize::MAX;
            return Ok(());
        }
        let text = key_text(self.writer, key);
        self.key(&text);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if self.key_path == usize::MAX {
            self.pending = None;
            self.key_path = 0;
            return Ok(());
        }
        self.entry_value(value);
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

/// The text of a map key: strings as they are, numbers, booleans and chars as their text,
/// unit variants by name, anything else as its JSON text.
fn key_text<T: Serialize + ?Sized>(writer: &Writer<'_>, key: &T) -> String {
    match key.serialize(KeyText) {
        Ok(text) => text,
        Err(_) => {
            let mut out = Vec::new();
            let mut path = String::new();
            let mut notes = super::notes::Notes::default();
            let limits = (1024, 8);
            let mut inner = Writer::new(
                &mut out,
                &mut path,
                &mut notes,
                writer.rules,
                limits,
                writer.attribute,
            );
            inner.value(key);
            String::from_utf8_lossy(&out).into_owned()
        }
    }
}

/// Serializes simple keys to their text; fails for compound keys.
struct KeyText;

macro_rules! display_keys {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, value: $t) -> Result<String, Error> {
            Ok(value.to_string())
        }
    )*};
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    display_keys!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str);

    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(Error::compound())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Ok("null".to_owned())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Ok("null".to_owned())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<String, Error> {
        Ok(name.to_owned())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(Error::compound())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error::compound())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error::compound())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error::compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error::compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error::compound())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error::compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error::compound())
    }
}

#[cfg(test)]
mod tests {
    use super::push_index;

    #[test]
    fn indexes_are_written_in_decimal() {
        for index in [0, 7, 10, 99, 12_345, usize::MAX] {
            let mut path = String::from("x");
            push_index(&mut path, index);
            assert_eq!(path, format!("x[{index}]"));
        }
    }
}
