//! [`SpanRecord`]: the project's own record of a finished span.
//!
//! It carries the fields of Agent Lightning's span record (rollout, attempt, sequence id, ids,
//! name, status, attributes, events, links, times, resource), converts from the SDK's
//! `SpanData`, and round-trips through JSON with serde. Collection scopes, the store and the
//! viewer all speak this type.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanId, SpanKind, Status};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_sdk::trace::SpanData;
use opentelemetry_sdk::Resource;
use serde::{Deserialize, Serialize};

/// Attribute values as JSON: strings, numbers, booleans and arrays of them.
pub type Attributes = BTreeMap<String, serde_json::Value>;

/// A finished span, as collection scopes hand it back and as the store keeps it.
///
/// ```
/// # use agentrace_store::SpanRecord;
/// let json = r#"{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",
///   "name":"execute_tool search","kind":"internal","start_time":1,"end_time":2,
///   "attributes":{"gen_ai.tool.name":"search"}}"#;
/// let record: SpanRecord = serde_json::from_str(json).unwrap();
/// assert_eq!(record.attr_str("gen_ai.tool.name"), Some("search"));
/// assert!(record.parent_id.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SpanRecord {
    /// The rollout this span belongs to, when it was made inside a rollout's trace context.
    #[serde(default)]
    pub rollout_id: Option<String>,
    /// The attempt of the rollout, when it was made inside a rollout's trace context.
    #[serde(default)]
    pub attempt_id: Option<String>,
    /// Position of the span among those collected together, starting at 1.
    #[serde(default)]
    pub sequence_id: u64,
    /// The trace id, 32 lowercase hex digits.
    pub trace_id: String,
    /// The span id, 16 lowercase hex digits.
    pub span_id: String,
    /// The parent span's id, or `None` for a root span.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The span name, such as `chat gpt-4o` or `execute_tool search`.
    pub name: String,
    /// The OpenTelemetry span kind.
    #[serde(default)]
    pub kind: RecordKind,
    /// Status code and description.
    #[serde(default)]
    pub status: RecordStatus,
    /// The span's attributes by key.
    #[serde(default)]
    pub attributes: Attributes,
    /// Events recorded on the span, such as `exception`.
    #[serde(default)]
    pub events: Vec<RecordEvent>,
    /// Links to other spans.
    #[serde(default)]
    pub links: Vec<RecordLink>,
    /// Start time in nanoseconds since the Unix epoch.
    pub start_time: u64,
    /// End time in nanoseconds since the Unix epoch.
    pub end_time: u64,
    /// The resource of the process that produced the span.
    #[serde(default)]
    pub resource: RecordResource,
}

/// The OpenTelemetry span kind of a [`SpanRecord`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// In-process work.
    #[default]
    Internal,
    /// A call to a remote service, such as a model API.
    Client,
    /// The server side of a remote call.
    Server,
    /// A message producer.
    Producer,
    /// A message consumer.
    Consumer,
}

/// Status code of a [`SpanRecord`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum StatusCode {
    /// No status was set.
    #[default]
    Unset,
    /// The operation succeeded.
    Ok,
    /// The operation failed.
    Error,
}

/// Status of a [`SpanRecord`]: a code and, for errors, a description.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordStatus {
    /// `UNSET`, `OK` or `ERROR`.
    pub status_code: StatusCode,
    /// The error message for `ERROR`, else `None`.
    #[serde(default)]
    pub description: Option<String>,
}

/// An event of a [`SpanRecord`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordEvent {
    /// The event name, such as `exception`.
    pub name: String,
    /// The event's attributes.
    #[serde(default)]
    pub attributes: Attributes,
    /// When it happened, in nanoseconds since the Unix epoch.
    pub timestamp: u64,
}

impl RecordEvent {
    /// An event named `name` at `timestamp` (nanoseconds since the Unix epoch).
    ///
    /// ```
    /// let event = agentrace_store::record::RecordEvent::new("exception", 1_500);
    /// assert!(event.attributes.is_empty());
    /// ```
    pub fn new(name: impl Into<String>, timestamp: u64) -> Self {
        RecordEvent {
            name: name.into(),
            attributes: Attributes::new(),
            timestamp,
        }
    }
}

/// A link of a [`SpanRecord`] to another span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordLink {
    /// The linked span's trace id.
    pub trace_id: String,
    /// The linked span's id.
    pub span_id: String,
    /// The link's attributes.
    #[serde(default)]
    pub attributes: Attributes,
}

/// The resource of a [`SpanRecord`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordResource {
    /// Resource attributes, such as `service.name`.
    #[serde(default)]
    pub attributes: Attributes,
    /// The schema URL, if any.
    #[serde(default)]
    pub schema_url: Option<String>,
}

impl SpanRecord {
    /// Builds a record from the SDK's finished span data and the pipeline's resource.
    pub fn from_span_data(data: &SpanData, resource: Option<&Resource>) -> Self {
        let parent = data.parent_span_id;
        SpanRecord {
            rollout_id: None,
            attempt_id: None,
            sequence_id: 0,
            trace_id: data.span_context.trace_id().to_string(),
            span_id: data.span_context.span_id().to_string(),
            parent_id: (parent != SpanId::INVALID).then(|| parent.to_string()),
            name: data.name.to_string(),
            kind: RecordKind::from(&data.span_kind),
            status: RecordStatus::from(&data.status),
            attributes: attributes_to_json(&data.attributes),
            events: data
                .events
                .iter()
                .map(|event| RecordEvent {
                    name: event.name.to_string(),
                    attributes: attributes_to_json(&event.attributes),
                    timestamp: unix_nanos(event.timestamp),
                })
                .collect(),
            links: data
                .links
                .iter()
                .map(|link| RecordLink {
                    trace_id: link.span_context.trace_id().to_string(),
                    span_id: link.span_context.span_id().to_string(),
                    attributes: attributes_to_json(&link.attributes),
                })
                .collect(),
            start_time: unix_nanos(data.start_time),
            end_time: unix_nanos(data.end_time),
            resource: resource.map(RecordResource::from).unwrap_or_default(),
        }
    }

    /// The attribute stored under `key`, if any.
    pub fn attr(&self, key: &str) -> Option<&serde_json::Value> {
        self.attributes.get(key)
    }

    /// The attribute under `key` when it is a string.
    pub fn attr_str(&self, key: &str) -> Option<&str> {
        self.attr(key).and_then(serde_json::Value::as_str)
    }

    /// The attribute under `key` when it is an integer.
    pub fn attr_i64(&self, key: &str) -> Option<i64> {
        self.attr(key).and_then(serde_json::Value::as_i64)
    }

    /// The attribute under `key` when it is a number.
    pub fn attr_f64(&self, key: &str) -> Option<f64> {
        self.attr(key).and_then(serde_json::Value::as_f64)
    }

    /// The attribute under `key` when it is a boolean.
    pub fn attr_bool(&self, key: &str) -> Option<bool> {
        self.attr(key).and_then(serde_json::Value::as_bool)
    }

    /// The attribute under `key` parsed as JSON, for attributes that hold JSON text such as
    /// `input.value` and `output.value`.
    pub fn attr_json(&self, key: &str) -> Option<serde_json::Value> {
        serde_json::from_str(self.attr_str(key)?).ok()
    }

    /// The first event named `name`.
    pub fn event(&self, name: &str) -> Option<&RecordEvent> {
        self.events.iter().find(|event| event.name == name)
    }

    /// `true` when the span has no parent.
    pub fn is_root(&self) -> bool {
        self.parent_id.is_none()
    }

    /// The span's duration in nanoseconds.
    pub fn duration_nanos(&self) -> u64 {
        self.end_time.saturating_sub(self.start_time)
    }
}

impl From<&SpanKind> for RecordKind {
    fn from(kind: &SpanKind) -> Self {
        match kind {
            SpanKind::Client => RecordKind::Client,
            SpanKind::Server => RecordKind::Server,
            SpanKind::Producer => RecordKind::Producer,
            SpanKind::Consumer => RecordKind::Consumer,
            SpanKind::Internal => RecordKind::Internal,
        }
    }
}

impl From<&Status> for RecordStatus {
    fn from(status: &Status) -> Self {
        match status {
            Status::Unset => RecordStatus::default(),
            Status::Ok => RecordStatus {
                status_code: StatusCode::Ok,
                description: None,
            },
            Status::Error { description } => RecordStatus {
                status_code: StatusCode::Error,
                description: Some(description.to_string()),
            },
        }
    }
}

impl From<&Resource> for RecordResource {
    fn from(resource: &Resource) -> Self {
        RecordResource {
            attributes: resource
                .iter()
                .map(|(key, value)| (key.to_string(), value_to_json(value)))
                .collect(),
            schema_url: resource.schema_url().map(str::to_owned),
        }
    }
}

/// Converts OpenTelemetry attributes to a JSON map (a repeated key keeps its last value).
pub fn attributes_to_json(attributes: &[KeyValue]) -> Attributes {
    attributes
        .iter()
        .map(|kv| (kv.key.to_string(), value_to_json(&kv.value)))
        .collect()
}

/// Converts one OpenTelemetry attribute value to JSON. Non-finite floats become strings.
pub fn value_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Bool(b) => (*b).into(),
        Value::I64(i) => (*i).into(),
        Value::F64(f) => float_to_json(*f),
        Value::String(s) => s.as_str().into(),
        Value::Array(Array::Bool(items)) => items.iter().copied().collect(),
        Value::Array(Array::I64(items)) => items.iter().copied().collect(),
        Value::Array(Array::F64(items)) => items.iter().map(|f| float_to_json(*f)).collect(),
        Value::Array(Array::String(items)) => items.iter().map(|s| s.as_str()).collect(),
        other => other.to_string().into(),
    }
}

fn float_to_json(f: f64) -> serde_json::Value {
    serde_json::Number::from_f64(f).map_or_else(|| f.to_string().into(), Into::into)
}

fn unix_nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        elapsed.as_nanos().min(u128::from(u64::MAX)) as u64
    })
}
