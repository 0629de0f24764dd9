//! Turning a `tracing` span's or event's fields into OpenTelemetry attributes with their
//! types kept: integers stay integers (a `u64` token count is an `i64` attribute, not text),
//! floats and booleans stay what they are, and text passes the redactor. The fields that
//! steer the span rather than describe it (`otel.name`, `otel.kind`, `otel.status_code`,
//! `otel.status_message`, `error`) are picked out here too.

use std::fmt;

use opentelemetry::{KeyValue, Value};
use tracing_core::field::{Field, Visit};

use crate::{capture, semconv, settings};

/// The GenAI fields whose value is message content: kept only while content capture is on.
const CONTENT_FIELDS: &[&str] = &[
    semconv::GEN_AI_INPUT_MESSAGES,
    semconv::GEN_AI_OUTPUT_MESSAGES,
    semconv::GEN_AI_SYSTEM_INSTRUCTIONS,
    semconv::GEN_AI_TOOL_CALL_ARGUMENTS,
    semconv::GEN_AI_TOOL_CALL_RESULT,
    semconv::INPUT_VALUE,
    semconv::OUTPUT_VALUE,
    "gen_ai.prompt",
    "gen_ai.completion",
];

/// `true` for a field that holds message content.
pub(super) fn is_content(name: &str) -> bool {
    CONTENT_FIELDS.contains(&name)
}

/// What a set of fields said: plain attributes, and the steering fields apart.
#[derive(Default)]
pub(super) struct Fields {
    pub(super) attributes: Vec<KeyValue>,
    pub(super) name: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) status_code: Option<String>,
    pub(super) status_message: Option<String>,
    pub(super) error: Option<String>,
    /// An event's `message` field.
    pub(super) message: Option<String>,
    /// `true` when content capture was on while the fields were read.
    content: Option<bool>,
}

impl Fields {
    fn content(&mut self) -> bool {
        *self.content.get_or_insert_with(settings::capture_content)
    }

    fn push(&mut self, field: &Field, value: Value) {
        self.attributes.push(KeyValue::new(field.name(), value));
    }

    fn text(&mut self, field: &Field, text: &str) {
        let name = field.name();
        let redacted = || capture::redact_str(text).into_owned();
        match name {
            "otel.name" => self.name = Some(text.to_owned()),
            "otel.kind" => self.kind = Some(text.to_ascii_lowercase()),
            "otel.status_code" => self.status_code = Some(text.to_ascii_lowercase()),
            "otel.status_message" => self.status_message = Some(redacted()),
            "error" => self.error = Some(redacted()),
            "message" => self.message = Some(redacted()),
            _ if is_content(name) && !self.content() => {}
            _ => self.push(field, Value::from(redacted())),
        }
    }

    fn integer(&mut self, field: &Field, value: Option<i64>, text: impl FnOnce() -> String) {
        match value {
            Some(value) => self.push(field, Value::I64(value)),
            // Past `i64`: OpenTelemetry has no wider integer, so the digits are kept as text.
            None => self.push(field, Value::from(text())),
        }
    }
}

impl Visit for Fields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Value::F64(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Value::I64(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.integer(field, i64::try_from(value).ok(), || value.to_string());
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.integer(field, i64::try_from(value).ok(), || value.to_string());
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.integer(field, i64::try_from(value).ok(), || value.to_string());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Value::Bool(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.text(field, value);
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let message = value.to_string();
        if field.name() == "error" {
            self.error = Some(capture::redact_str(&message).into_owned());
        } else {
            self.text(field, &message);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.text(field, &format!("{value:?}"));
    }
}
