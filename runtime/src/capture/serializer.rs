//! The serde `Serializer` of [`Writer`]: writes JSON text in one pass, with serde_json's
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

use serde::ser::{self, Serialize};
use serde_json::ser::{CompactFormatter, Formatter};

use super::compound::Compound;
use super::notes::Error;
use super::writer::Writer;

impl<'a> Writer<'a> {
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
