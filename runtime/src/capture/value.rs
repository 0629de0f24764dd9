//! Capturing values as JSON text for span attributes, in a way that never fails and never
//! panics, with redaction and the length limit applied while writing.
//!
//! A [`Capture`] is one attribute being written (`input.value`, `output.value`, a GenAI
//! content attribute): a single value, the object of a call's arguments, or the array of a
//! stream's items. A value that implements `Serialize` goes through the redacting
//! [`Writer`]; values without it are written as their `Debug` text,
//! or, with neither, as their type name, both redacted and cut like any string. A
//! `Serialize` or `Debug` impl that fails or panics leaves `"<unserializable: reason>"` in
//! its place. The capture remembers which paths were redacted and whether it was cut, for
//! `agentrace.redacted` and `agentrace.truncated`.

use std::fmt::{self, Debug, Write as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use serde::Serialize;

use super::notes::Notes;
use super::rules::{self, Mode, Redaction};
use super::writer::{floor_char_boundary, Writer};
use crate::semconv::{AGENTRACE_REDACTED, AGENTRACE_TRUNCATED};
use crate::settings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Single,
    Object,
    Array,
}

/// One attribute being captured: its JSON text so far, its limits, and what was redacted
/// or cut. Generated code receives it as `&mut Capture` and writes values into it.
pub struct Capture {
    out: Vec<u8>,
    attribute: &'static str,
    shape: Shape,
    limit: usize,
    count: usize,
    skipped: usize,
    path: String,
    notes: Notes,
    rules: Option<Arc<Redaction>>,
}

impl Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capture")
            .field("attribute", &self.attribute)
            .field("bytes", &self.out.len())
            .field("notes", &self.notes)
            .finish()
    }
}

impl Capture {
    fn new(attribute: &'static str, shape: Shape, limit: usize) -> Self {
        Capture {
            out: Vec::new(),
            attribute,
            shape,
            limit,
            count: 0,
            skipped: 0,
            path: String::new(),
            notes: Notes::default(),
            rules: None,
        }
    }

    /// A single value for `attribute`.
    pub(crate) fn single(attribute: &'static str) -> Self {
        Capture::new(attribute, Shape::Single, settings::max_attribute_bytes())
    }

    /// An object of named values (a call's arguments) for `attribute`.
    pub(crate) fn object(attribute: &'static str) -> Self {
        Capture::new(attribute, Shape::Object, settings::max_attribute_bytes())
    }

    /// An array of items (a stream's) for `attribute`, of at most `limit` bytes.
    pub(crate) fn array(attribute: &'static str, limit: usize) -> Self {
        Capture::new(
            attribute,
            Shape::Array,
            limit.min(settings::max_attribute_bytes()),
        )
    }

    fn rules(&mut self) -> Option<Arc<Redaction>> {
        if self.rules.is_none() {
            let current = rules::current();
            self.rules = Some(current);
        }
        self.rules.clone().filter(|rules| rules.is_enabled())
    }

    /// `true` once the length limit is reached.
    pub(crate) fn is_full(&self) -> bool {
        self.out.len() >= self.limit
    }

    /// Writes one named value of an object; `write` writes the value.
    pub(crate) fn entry(&mut self, name: &str, write: impl FnOnce(&mut Capture)) {
        if self.is_full() {
            self.skipped += 1;
            return;
        }
        self.out.push(if self.count == 0 { b'{' } else { b',' });
        self.count += 1;
        self.with_writer(|writer| writer.plain_str(name));
        self.out.push(b':');
        self.path.clear();
        self.path.push_str(self.attribute);
        self.path.push('.');
        self.path.push_str(name);
        let rules = self.rules();
        match rules
            .as_deref()
            .and_then(|rules| rules.key_rule(name).map(|rule| (rules, rule)))
        {
            Some((rules, rule)) => {
                let secret = if rules.current_mode() == Mode::Replace {
                    String::new()
                } else {
                    unredacted_text(write)
                };
                self.notes.redacted(&self.path);
                let marker = rules.marker(rule, &secret);
                self.with_writer(|writer| writer.plain_str(&marker));
            }
            None => write(self),
        }
    }

    /// Writes one item of an array; `write` writes the item. Items past the limit are
    /// counted, not written.
    pub(crate) fn item(&mut self, write: impl FnOnce(&mut Capture)) {
        if self.is_full() {
            self.skipped += 1;
            return;
        }
        self.out.push(if self.count == 0 { b'[' } else { b',' });
        self.path.clear();
        let _ = write!(self.path, "{}[{}]", self.attribute, self.count);
        self.count += 1;
        write(self);
    }

    /// Writes the value itself, for a single-value capture.
    pub(crate) fn set(&mut self, write: impl FnOnce(&mut Capture)) {
        self.path.clear();
        self.path.push_str(self.attribute);
        write(self);
    }

    /// Closes the object or array and returns the JSON text; `None` when nothing was
    /// captured (an array with no items is `[]`).
    pub(crate) fn finish(&mut self) -> Option<String> {
        if self.shape == Shape::Array && self.out.is_empty() && self.skipped == 0 {
            self.out.push(b'[');
        }
        if self.out.is_empty() {
            return None;
        }
        if self.skipped > 0 {
            self.notes.truncated(self.attribute);
            let marker = match self.shape {
                Shape::Single => String::new(),
                Shape::Object => format!(",\"…\":\"[+{} entries]\"", self.skipped),
                Shape::Array => format!(",\"…[+{} items]\"", self.skipped),
            };
            self.out.extend_from_slice(marker.as_bytes());
        }
        let close: &[u8] = match self.shape {
            Shape::Single => b"",
            Shape::Object => b"}",
            Shape::Array => b"]",
        };
        self.out.extend_from_slice(close);
        self.count = 0;
        self.skipped = 0;
        Some(into_string(std::mem::take(&mut self.out)))
    }

    /// What was redacted or cut so far.
    pub(crate) fn take_notes(&mut self) -> Notes {
        std::mem::take(&mut self.notes)
    }

    /// Adds what another capture of the same span redacted or cut.
    pub(crate) fn add_notes(&mut self, notes: Notes) {
        self.notes.merge(notes);
    }

    /// Runs `write` with a writer at the end of the text; a panic inside leaves
    /// `"<unserializable: panicked>"` in place of what it wrote.
    fn with_writer(&mut self, write: impl FnOnce(&mut Writer<'_>)) {
        let rules = self.rules();
        if self.out.capacity() == 0 {
            // Start where serde_json's `to_string` starts, not at 8 bytes: a 2 KB value then
            // grows the buffer 5 times instead of 9.
            self.out.reserve(128);
        }
        let mark = self.out.len();
        let mut writer = Writer::new(
            &mut self.out,
            &mut self.path,
            &mut self.notes,
            rules.as_deref(),
            (self.limit, settings::max_capture_depth()),
            self.attribute,
        );
        if catch_unwind(AssertUnwindSafe(|| write(&mut writer))).is_err() {
            writer.out.truncate(mark);
            writer.plain_str("<unserializable: panicked>");
        }
    }
}

/// The JSON text `write` produces with redaction off, as a plain string when it is one:
/// what hash and partial modes hide.
fn unredacted_text(write: impl FnOnce(&mut Capture)) -> String {
    let mut scratch = Capture::single("");
    scratch.rules = Some(Arc::new(Redaction::default().enabled(false)));
    scratch.set(write);
    let text = scratch.finish().unwrap_or_default();
    serde_json::from_str::<String>(&text).unwrap_or(text)
}

/// Where capture functions write JSON: a [`Capture`], or a bare `Vec<u8>` (redacted and
/// limited the same way; what was redacted or cut is not reported).
pub(crate) trait JsonOut {
    /// Runs `write` with a writer at the end of the text.
    fn __with_writer(&mut self, write: &mut dyn FnMut(&mut Writer<'_>));
}

impl JsonOut for Capture {
    fn __with_writer(&mut self, write: &mut dyn FnMut(&mut Writer<'_>)) {
        self.with_writer(|writer| write(writer));
    }
}

impl JsonOut for Vec<u8> {
    fn __with_writer(&mut self, write: &mut dyn FnMut(&mut Writer<'_>)) {
        let mut capture = Capture::single("");
        capture.out = std::mem::take(self);
        capture.limit = capture.out.len().saturating_add(capture.limit);
        capture.with_writer(|writer| write(writer));
        *self = capture.out;
    }
}

/// Writes `value` as JSON, redacted and cut to the limit; never fails.
pub(crate) fn write_serialize<T: Serialize + ?Sized>(out: &mut impl JsonOut, value: &T) {
    out.__with_writer(&mut |writer| writer.value(value));
}

/// Writes the `Debug` text of `value` as a JSON string, redacted and cut to the limit.
pub(crate) fn write_debug<T: Debug + ?Sized>(out: &mut impl JsonOut, value: &T) {
    out.__with_writer(&mut |writer| {
        let room = writer.limit.saturating_sub(writer.out.len());
        let mut text = Bounded {
            text: String::new(),
            room: room.saturating_add(4096),
            dropped: 0,
        };
        if fmt::write(&mut text, format_args!("{value:?}")).is_err() && text.text.is_empty() {
            text.text.push_str("<unformattable>");
        }
        writer.text(&text.text, text.dropped);
    });
}

/// Writes a type name as a JSON string, for values with neither `Serialize` nor `Debug`.
pub(crate) fn write_type_name<T: ?Sized>(out: &mut impl JsonOut) {
    out.__with_writer(&mut |writer| writer.plain_str(std::any::type_name::<T>()));
}

/// Writes `value` as the JSON text of `attribute`, redacted and cut like `input.value`:
/// for GenAI content attributes. Returns the text and what was redacted or cut (paths start
/// with `attribute`), for [`Notes`] on the span.
#[allow(dead_code)]
pub(crate) fn capture_json<T: Serialize + ?Sized>(
    attribute: &'static str,
    value: &T,
) -> (String, Notes) {
    let mut capture = Capture::single(attribute);
    capture.set(|out| write_serialize(out, value));
    let text = capture.finish().unwrap_or_else(|| "null".to_owned());
    (text, capture.take_notes())
}

/// A `fmt::Write` keeping the first `room` bytes and counting the rest.
struct Bounded {
    text: String,
    room: usize,
    dropped: usize,
}

impl fmt::Write for Bounded {
    fn write_str(&mut self, part: &str) -> fmt::Result {
        let left = self.room.saturating_sub(self.text.len());
        if part.len() <= left {
            self.text.push_str(part);
        } else {
            let keep = floor_char_boundary(part, left);
            self.text.push_str(&part[..keep]);
            self.dropped += part.len() - keep;
        }
        Ok(())
    }
}

/// Writes `value` as JSON text the way spans capture it: redacted under the process's
/// settings, cut to the attribute length limit, and never failing (see the [module
/// docs](super)).
///
/// ```
/// use std::collections::HashMap;
///
/// let request = HashMap::from([("api_key", "kq-1234"), ("model", "gpt-4o")]);
/// let text = agentrace::capture::to_json(&request);
/// assert!(text.contains(r#""api_key":"[REDACTED:api_key]""#));
/// assert!(text.contains(r#""model":"gpt-4o""#));
/// assert_eq!(agentrace::capture::to_json(&f64::NAN), r#""NaN""#);
/// ```
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    write_serialize(&mut out, value);
    into_string(out)
}

/// Turns bytes written by the functions above into a `String`.
pub(crate) fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

impl Notes {
    /// Writes `agentrace.redacted` and `agentrace.truncated` when there is anything to say.
    pub(crate) fn write(&self, attributes: &mut Vec<opentelemetry::KeyValue>) {
        use opentelemetry::{Array, KeyValue, StringValue, Value};
        if !self.redacted.is_empty() {
            let mut paths: Vec<StringValue> = self
                .redacted
                .iter()
                .map(|path| StringValue::from(path.clone()))
                .collect();
            if self.more_redacted > 0 {
                paths.push(StringValue::from(format!(
                    "…[+{} paths]",
                    self.more_redacted
                )));
            }
            attributes.push(KeyValue::new(
                AGENTRACE_REDACTED,
                Value::Array(Array::String(paths)),
            ));
        }
        if !self.truncated.is_empty() {
            let names = self
                .truncated
                .iter()
                .map(|name| StringValue::from(*name))
                .collect();
            attributes.push(KeyValue::new(
                AGENTRACE_TRUNCATED,
                Value::Array(Array::String(names)),
            ));
        }
    }
}
