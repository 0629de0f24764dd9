//! The attributes Agent Lightning's adapters read besides the GenAI ones, written only with
//! its preset ([`Builder::agent_lightning`](crate::Builder::agent_lightning)): the messages
//! flattened as `gen_ai.prompt.{i}.role/content` and `gen_ai.completion.{i}.role/content`,
//! and `agent.name` on agent spans.

use opentelemetry::KeyValue;
use opentelemetry_sdk::trace::SpanData;

use crate::genai::{Message, Part};
use crate::{capture, semconv, settings};

/// Adds the flattened form of `messages` under `prefix` (`gen_ai.prompt` or
/// `gen_ai.completion`) when the preset is on: each message's role and the text of its text
/// parts, redacted like all captured content.
pub(crate) fn flattened_messages(prefix: &str, messages: &[Message], out: &mut Vec<KeyValue>) {
    if !settings::agent_lightning() {
        return;
    }
    for (index, message) in messages.iter().enumerate() {
        let text: String = message
            .parts
            .iter()
            .filter_map(|part| match part {
                Part::Text { content } => Some(content.as_str()),
                _ => None,
            })
            .collect();
        out.push(KeyValue::new(
            format!("{prefix}.{index}.role"),
            message.role.clone(),
        ));
        out.push(KeyValue::new(
            format!("{prefix}.{index}.content"),
            capture::redact_str(&text).into_owned(),
        ));
    }
}

/// Copies `gen_ai.agent.name` to `agent.name` on a finished span when the preset is on.
pub(crate) fn add_agent_name(span: &mut SpanData) {
    if !settings::agent_lightning() {
        return;
    }
    let name = span
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == semconv::GEN_AI_AGENT_NAME)
        .map(|kv| kv.value.clone());
    if let Some(name) = name {
        span.attributes
            .push(KeyValue::new(semconv::AGENT_NAME, name));
    }
}
