//! Writing captured values as JSON text, in a way that never fails and never panics.
//!
//! A value that implements `Serialize` is serialized with serde_json; if serialization fails
//! part-way, what was written is taken back and a string naming the failure is written
//! instead, so the output is always valid JSON. Values without `Serialize` are written as
//! their `Debug` text, or, with neither, as their type name.

use std::fmt::Debug;

use serde::Serialize;

/// Writes `value` as JSON; on a serialization error writes `"<unserializable: reason>"`.
pub fn write_serialize<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let start = out.len();
    if let Err(error) = serde_json::to_writer(&mut *out, value) {
        out.truncate(start);
        write_str(out, &format!("<unserializable: {error}>"));
    }
}

/// Writes the `Debug` text of `value` as a JSON string.
pub fn write_debug<T: Debug + ?Sized>(out: &mut Vec<u8>, value: &T) {
    write_str(out, &format!("{value:?}"));
}

/// Writes a type name as a JSON string, for values with neither `Serialize` nor `Debug`.
pub fn write_type_name<T: ?Sized>(out: &mut Vec<u8>) {
    write_str(out, std::any::type_name::<T>());
}

/// Writes `text` as a JSON string.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    // Writing a `str` to a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Turns bytes written by the functions above into a `String`.
pub(crate) fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn json_of(write: impl FnOnce(&mut Vec<u8>)) -> serde_json::Value {
        let mut out = Vec::new();
        write(&mut out);
        serde_json::from_slice(&out).expect("valid JSON")
    }

    #[test]
    fn serialize_failure_is_replaced_by_a_string_naming_it() {
        let mut map = HashMap::new();
        map.insert((1, 2), "tuple keys cannot be JSON keys");
        let value = json_of(|out| write_serialize(out, &map));
        let text = value.as_str().expect("a string");
        assert!(text.starts_with("<unserializable: "), "{text}");
    }

    #[test]
    fn debug_text_and_type_names_are_json_strings() {
        struct Opaque;
        assert_eq!(json_of(|out| write_debug(out, &Some("a\"b"))), "Some(\"a\\\"b\")");
        assert_eq!(
            json_of(|out| write_type_name::<Opaque>(out)),
            std::any::type_name::<Opaque>()
        );
    }
}
