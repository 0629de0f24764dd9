//! `agentrace export --format json | otlp-json`: the store's records as JSON, or the standard
//! OTLP JSON shape (`TracesData`) through opentelemetry-proto's serde support.

use std::collections::BTreeMap;

use agentrace_store::record::{RecordKind, StatusCode};
use agentrace_store::SpanRecord;
use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, InstrumentationScope, KeyValue,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    span, ResourceSpans, ScopeSpans, Span, Status, TracesData,
};

/// The records as a pretty JSON array.
pub(crate) fn json(spans: &[SpanRecord]) -> serde_json::Result<String> {
    serde_json::to_string_pretty(spans).map(|text| text + "\n")
}

/// The spans as OTLP JSON, one `ResourceSpans` per distinct resource. The rollout, attempt
/// and sequence id ride along as `agentrace.rollout.id`, `agentrace.attempt.id` and
/// `agentrace.sequence.id` attributes.
pub(crate) fn otlp_json(spans: &[SpanRecord]) -> serde_json::Result<String> {
    let mut resource_spans: Vec<(String, ResourceSpans)> = Vec::new();
    for record in spans {
        let key = serde_json::to_string(&record.resource)?;
        let index = match resource_spans.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                resource_spans.push((key, new_resource_spans(record)));
                resource_spans.len() - 1
            }
        };
        resource_spans[index].1.scope_spans[0]
            .spans
            .push(otlp_span(record));
    }
    let data = TracesData {
        resource_spans: resource_spans.into_iter().map(|(_, rs)| rs).collect(),
    };
    serde_json::to_string(&data).map(|text| text + "\n")
}

fn new_resource_spans(record: &SpanRecord) -> ResourceSpans {
    ResourceSpans {
        resource: Some(Resource {
            attributes: key_values(&record.resource.attributes),
            ..Resource::default()
        }),
        scope_spans: vec![ScopeSpans {
            scope: Some(InstrumentationScope {
                name: "agentrace".into(),
                ..InstrumentationScope::default()
            }),
            ..ScopeSpans::default()
        }],
        schema_url: record.resource.schema_url.clone().unwrap_or_default(),
    }
}

fn otlp_span(record: &SpanRecord) -> Span {
    let mut attributes = key_values(&record.attributes);
    let extra = [
        (
            "agentrace.rollout.id",
            record.rollout_id.clone().map(serde_json::Value::from),
        ),
        (
            "agentrace.attempt.id",
            record.attempt_id.clone().map(serde_json::Value::from),
        ),
        ("agentrace.sequence.id", Some(record.sequence_id.into())),
    ];
    for (key, value) in extra {
        if let Some(value) = value {
            attributes.push(key_value(key, &value));
        }
    }
    Span {
        trace_id: hex(&record.trace_id),
        span_id: hex(&record.span_id),
        parent_span_id: record.parent_id.as_deref().map(hex).unwrap_or_default(),
        name: record.name.clone(),
        kind: match record.kind {
            RecordKind::Internal => span::SpanKind::Internal,
            RecordKind::Server => span::SpanKind::Server,
            RecordKind::Client => span::SpanKind::Client,
            RecordKind::Producer => span::SpanKind::Producer,
            RecordKind::Consumer => span::SpanKind::Consumer,
        } as i32,
        start_time_unix_nano: record.start_time,
        end_time_unix_nano: record.end_time,
        attributes,
        events: record
            .events
            .iter()
            .map(|event| span::Event {
                time_unix_nano: event.timestamp,
                name: event.name.clone(),
                attributes: key_values(&event.attributes),
                ..span::Event::default()
            })
            .collect(),
        links: record
            .links
            .iter()
            .map(|link| span::Link {
                trace_id: hex(&link.trace_id),
                span_id: hex(&link.span_id),
                attributes: key_values(&link.attributes),
                ..span::Link::default()
            })
            .collect(),
        status: Some(Status {
            message: record.status.description.clone().unwrap_or_default(),
            code: match record.status.status_code {
                StatusCode::Unset => 0,
                StatusCode::Ok => 1,
                StatusCode::Error => 2,
            },
        }),
        ..Span::default()
    }
}

fn key_values(attributes: &BTreeMap<String, serde_json::Value>) -> Vec<KeyValue> {
    attributes
        .iter()
        .map(|(key, value)| key_value(key, value))
        .collect()
}

fn key_value(key: &str, value: &serde_json::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(any_value(value)),
        ..KeyValue::default()
    }
}

fn any_value(value: &serde_json::Value) -> AnyValue {
    use any_value::Value as V;
    let value = match value {
        serde_json::Value::Bool(b) => V::BoolValue(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => V::IntValue(i),
            None => V::DoubleValue(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => V::StringValue(s.clone()),
        serde_json::Value::Array(items) => V::ArrayValue(ArrayValue {
            values: items.iter().map(any_value).collect(),
        }),
        other => V::StringValue(other.to_string()),
    };
    AnyValue { value: Some(value) }
}

/// Hex digits to bytes; anything else gives no bytes.
fn hex(text: &str) -> Vec<u8> {
    let digits: Option<Vec<u8>> = text
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect();
    match digits {
        Some(digits) if digits.len() % 2 == 0 => digits
            .chunks(2)
            .map(|pair| pair[0] << 4 | pair[1])
            .collect(),
        _ => Vec::new(),
    }
}
