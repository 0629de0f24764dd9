//! `agentrace export --format agentlightning`: each span as Agent Lightning's `Span` model
//! (`agentlightning.types.Span`, version 0.3) on a line of its own: `context` and `parent`
//! span contexts, times in float seconds, `resource.schema_url` a string, rollout and attempt
//! ids as strings (empty for a span outside a rollout, as its `Span.from_attributes` does).

use agentrace_store::record::StatusCode;
use agentrace_store::SpanRecord;
use serde_json::{json, Value};

/// The spans as JSON lines of Agent Lightning's `Span` model.
pub(crate) fn spans(spans: &[SpanRecord]) -> serde_json::Result<String> {
    let mut out = String::new();
    for span in spans {
        out.push_str(&serde_json::to_string(&span_model(span))?);
        out.push('\n');
    }
    Ok(out)
}

/// One span in Agent Lightning's shape.
pub(crate) fn span_model(span: &SpanRecord) -> Value {
    json!({
        "rollout_id": span.rollout_id.clone().unwrap_or_default(),
        "attempt_id": span.attempt_id.clone().unwrap_or_default(),
        "sequence_id": span.sequence_id,
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "parent_id": span.parent_id,
        "name": span.name,
        "status": {
            "status_code": match span.status.status_code {
                StatusCode::Unset => "UNSET",
                StatusCode::Ok => "OK",
                StatusCode::Error => "ERROR",
            },
            "description": span.status.description,
        },
        "attributes": span.attributes,
        "events": span.events.iter().map(|event| json!({
            "name": event.name,
            "attributes": event.attributes,
            "timestamp": seconds(event.timestamp),
        })).collect::<Vec<_>>(),
        "links": span.links.iter().map(|link| json!({
            "context": context(&link.trace_id, &link.span_id),
            "attributes": (!link.attributes.is_empty()).then_some(&link.attributes),
        })).collect::<Vec<_>>(),
        "start_time": seconds(span.start_time),
        "end_time": seconds(span.end_time),
        "context": context(&span.trace_id, &span.span_id),
        "parent": span.parent_id.as_deref().map(|parent| context(&span.trace_id, parent)),
        "resource": {
            "attributes": span.resource.attributes,
            "schema_url": span.resource.schema_url.clone().unwrap_or_default(),
        },
    })
}

fn context(trace_id: &str, span_id: &str) -> Value {
    json!({ "trace_id": trace_id, "span_id": span_id, "is_remote": false, "trace_state": {} })
}

/// Nanoseconds since the epoch as float seconds; 0 (unknown) as `null`, as Agent Lightning's
/// `convert_timestamp` does.
fn seconds(nanos: u64) -> Value {
    if nanos == 0 {
        Value::Null
    } else {
        json!(nanos as f64 / 1e9)
    }
}
