//! Messages flattened as Agent Lightning's adapters read them,
//! `gen_ai.prompt.{i}.role/content` and `gen_ai.completion.{i}.role/content`: written only
//! with its preset ([`Builder::agent_lightning`](crate::Builder::agent_lightning)), so that
//! other backends get no duplicates. (`agent.name`, the other attribute it adds, is written
//! by the [`pipeline`](crate::pipeline)'s processor.)

use opentelemetry::KeyValue;

use super::message::{Message, Part};
use crate::{capture, settings};

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
