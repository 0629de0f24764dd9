//! Agent Lightning's emitters: rewards, messages, objects and exceptions, each one span named
//! and attributed exactly as `agentlightning.emit_reward`, `emit_message`, `emit_object` and
//! `emit_exception` (version 0.3) make them: a child of the current span (or of nothing),
//! status OK, started and ended at once. Inside a rollout scope it carries the rollout's ids
//! like every other span. With tracing off each call is one atomic load.

use std::borrow::Cow;

use opentelemetry::trace::{Span as _, SpanBuilder, SpanKind, Status, Tracer as _};
use opentelemetry::{Context, KeyValue, Value};
use serde::Serialize;

use crate::{activation, capture, pipeline, semconv};

/// Records a reward: an `agentlightning.annotation` span with
/// `agentlightning.reward.0.name = "primary"` and `agentlightning.reward.0.value`, which
/// Agent Lightning's triplet adapter gives to the latest LLM call that ended before it.
///
/// ```
/// #[agentrace::trace_agent(name = "solver")]
/// fn solve() -> u32 {
///     agentrace::reward(0.8);
///     42
/// }
/// let (_, spans) = agentrace::testing::capture(solve);
/// let reward = agentrace::testing::span(&spans, "agentlightning.annotation");
/// assert_eq!(reward.attr_str("agentlightning.reward.0.name"), Some("primary"));
/// assert_eq!(reward.attr_f64("agentlightning.reward.0.value"), Some(0.8));
/// ```
#[inline]
pub fn reward(value: impl Into<f64>) {
    if activation::is_active() {
        emit_rewards(&[("primary", value.into())]);
    }
}

/// Records several named rewards in one `agentlightning.annotation` span: `primary` first
/// (index 0, the one trainers read), then `others` in order, as
/// `agentlightning.reward.{i}.name` / `.value`.
///
/// ```
/// agentrace::testing::capture(|| {
///     agentrace::rewards(("task_completion", 1.0), [("efficiency", 0.75)]);
/// });
/// ```
#[inline]
pub fn rewards<'a>(primary: (&'a str, f64), others: impl IntoIterator<Item = (&'a str, f64)>) {
    if activation::is_active() {
        let all: Vec<(&str, f64)> = std::iter::once(primary).chain(others).collect();
        emit_rewards(&all);
    }
}

#[inline(never)]
fn emit_rewards(rewards: &[(&str, f64)]) {
    let mut attributes = Vec::with_capacity(rewards.len() * 2);
    for (index, (name, value)) in rewards.iter().enumerate() {
        let prefix = semconv::AGENTLIGHTNING_REWARD;
        attributes.push(KeyValue::new(
            format!("{prefix}.{index}.name"),
            (*name).to_owned(),
        ));
        attributes.push(KeyValue::new(
            format!("{prefix}.{index}.value"),
            Value::F64(*value),
        ));
    }
    emit(semconv::AGENTLIGHTNING_ANNOTATION, attributes);
}

/// Records a message: an `agentlightning.message` span with `agentlightning.message.body`
/// (redacted by the capture rules).
///
/// ```
/// let (_, spans) = agentrace::testing::capture(|| agentrace::emit_message("retrying with a smaller plan"));
/// assert_eq!(spans[0].attr_str("agentlightning.message.body"), Some("retrying with a smaller plan"));
/// ```
#[inline]
pub fn emit_message(body: &str) {
    if activation::is_active() {
        emit_message_active(body);
    }
}

#[inline(never)]
fn emit_message_active(body: &str) {
    let body = capture::redact_str(body).into_owned();
    emit(
        semconv::AGENTLIGHTNING_MESSAGE,
        vec![KeyValue::new(semconv::AGENTLIGHTNING_MESSAGE_BODY, body)],
    );
}

/// Records an object: an `agentlightning.object` span. A string, number or boolean is
/// written as `agentlightning.object.literal` with `agentlightning.object.type` `str`, `int`,
/// `float` or `bool` (Python's names, which Agent Lightning decodes); anything else as JSON
/// text in `agentlightning.object.json` with the Rust type's name. A value that does not
/// serialize records nothing.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Plan { steps: u32 }
/// let (_, spans) = agentrace::testing::capture(|| {
///     agentrace::emit_object(&Plan { steps: 3 });
///     agentrace::emit_object(&7);
/// });
/// assert_eq!(spans[0].attr_str("agentlightning.object.json"), Some(r#"{"steps":3}"#));
/// assert_eq!(spans[1].attr_str("agentlightning.object.type"), Some("int"));
/// assert_eq!(spans[1].attr_str("agentlightning.object.literal"), Some("7"));
/// ```
#[inline]
pub fn emit_object<T: Serialize + ?Sized>(object: &T) {
    if activation::is_active() {
        emit_object_active(object);
    }
}

#[inline(never)]
fn emit_object_active<T: Serialize + ?Sized>(object: &T) {
    let Ok(value) = serde_json::to_value(object) else {
        return;
    };
    let literal = |kind: &'static str, text: String| {
        vec![
            KeyValue::new(semconv::AGENTLIGHTNING_OBJECT_TYPE, kind),
            KeyValue::new(
                semconv::AGENTLIGHTNING_OBJECT_LITERAL,
                capture::redact_str(&text).into_owned(),
            ),
        ]
    };
    let attributes = match &value {
        serde_json::Value::String(text) => literal("str", text.clone()),
        serde_json::Value::Bool(flag) => {
            literal("bool", if *flag { "True" } else { "False" }.into())
        }
        serde_json::Value::Number(number) if number.is_f64() => {
            literal("float", number.to_string())
        }
        serde_json::Value::Number(number) => literal("int", number.to_string()),
        _ => {
            let (json, _notes) = capture::capture_json(semconv::AGENTLIGHTNING_OBJECT_JSON, &value);
            vec![
                KeyValue::new(
                    semconv::AGENTLIGHTNING_OBJECT_TYPE,
                    std::any::type_name::<T>(),
                ),
                KeyValue::new(semconv::AGENTLIGHTNING_OBJECT_JSON, json),
            ]
        }
    };
    emit(semconv::AGENTLIGHTNING_OBJECT, attributes);
}

/// Records an error: an `agentlightning.exception` span with `exception.type` (the error's
/// type name, without its path), `exception.message`, `exception.stacktrace` (the error and
/// its chain of sources) and `exception.escaped = true`. The span's own status is OK, as
/// Agent Lightning writes it.
///
/// ```
/// let error = std::io::Error::new(std::io::ErrorKind::TimedOut, "the model timed out");
/// let (_, spans) = agentrace::testing::capture(|| agentrace::emit_exception(&error));
/// assert_eq!(spans[0].attr_str("exception.type"), Some("Error"));
/// assert_eq!(spans[0].attr_str("exception.message"), Some("the model timed out"));
/// ```
#[inline]
pub fn emit_exception<E: std::error::Error + ?Sized>(error: &E) {
    if activation::is_active() {
        let type_name = short_type_name(std::any::type_name::<E>());
        emit_exception_active(type_name, error.to_string(), error.source());
    }
}

#[inline(never)]
fn emit_exception_active(
    type_name: &str,
    message: String,
    mut source: Option<&(dyn std::error::Error + 'static)>,
) {
    let message = capture::redact_str(&message).into_owned();
    let mut trace = format!("{type_name}: {message}");
    if source.is_some() {
        trace.push_str("\n\nCaused by:");
    }
    let mut index = 0;
    while let Some(error) = source {
        trace.push_str(&format!(
            "\n    {index}: {}",
            capture::redact_str(&error.to_string())
        ));
        source = error.source();
        index += 1;
    }
    emit(
        semconv::AGENTLIGHTNING_EXCEPTION,
        vec![
            KeyValue::new(semconv::EXCEPTION_TYPE, type_name.to_owned()),
            KeyValue::new(semconv::EXCEPTION_MESSAGE, message),
            KeyValue::new(semconv::EXCEPTION_ESCAPED, true),
            KeyValue::new(semconv::EXCEPTION_STACKTRACE, trace),
        ],
    );
}

/// `std::io::Error` becomes `Error`; `my_crate::Failure<T>` becomes `Failure`.
fn short_type_name(type_name: &str) -> &str {
    let path = type_name.split('<').next().unwrap_or(type_name);
    path.rsplit("::").next().unwrap_or(path)
}

/// Starts and ends one span named `name` under the current context, status OK.
fn emit(name: &'static str, attributes: Vec<KeyValue>) {
    let parent = Context::current();
    let Some(tracer) = pipeline::tracer_for(&parent) else {
        return;
    };
    let mut builder = SpanBuilder::from_name(Cow::Borrowed(name)).with_kind(SpanKind::Internal);
    builder.attributes = Some(attributes);
    let mut span = tracer.build_with_context(builder, &parent);
    span.set_status(Status::Ok);
    span.end();
}
