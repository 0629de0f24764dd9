//! Extractors for async-openai's chat types (feature `async-openai`, types only): a
//! `#[trace_llm]` function that takes a `CreateChatCompletionRequest` and returns a
//! `CreateChatCompletionResponse`, or a stream of `CreateChatCompletionStreamResponse`,
//! records model, parameters, messages, finish reasons and token usage with no code of yours.
//!
//! Messages are mapped from their JSON form, so every message variant (text or parts,
//! images, tool calls, tool results) lands in the GenAI message shape.

use async_openai::types::chat::{
    CompletionUsage, CreateChatCompletionRequest, CreateChatCompletionResponse,
    CreateChatCompletionStreamResponse, StopConfiguration,
};
use serde::Serialize;
use serde_json::Value as Json;

use crate::genai::{
    ChunkFold, GenAi, LlmRequest, LlmResponse, Message, Part, StreamChunk, TokenUsage, Usage,
};

impl LlmRequest for CreateChatCompletionRequest {
    // `max_tokens` and `seed` are deprecated by OpenAI but still sent by many callers.
    #[allow(deprecated)]
    fn extract_request(&self, out: &mut GenAi) {
        out.request_model(&self.model);
        out.temperature(&self.temperature);
        out.top_p(&self.top_p);
        out.max_tokens(&self.max_completion_tokens.or(self.max_tokens));
        out.presence_penalty(&self.presence_penalty);
        out.frequency_penalty(&self.frequency_penalty);
        out.seed(&self.seed);
        out.stream(&self.stream);
        out.choice_count(&self.n.filter(|n| *n != 1));
        match &self.stop {
            Some(StopConfiguration::String(stop)) => out.stop_sequences(stop),
            Some(StopConfiguration::StringArray(stops)) => out.stop_sequences(stops),
            None => {}
        }
        if out.captures_content() {
            let (system, messages): (Vec<Message>, Vec<Message>) = self
                .messages
                .iter()
                .filter_map(|message| message_from_json(&to_json(message), None))
                .partition(|message| message.role == "system" || message.role == "developer");
            out.input_messages(&messages);
            let instructions: Vec<String> = system.iter().flat_map(text_parts).collect();
            if !instructions.is_empty() {
                out.system_instructions(&instructions.join("\n"));
            }
            if let Some(tools) = &self.tools {
                out.tool_definitions(tools);
            }
        }
    }
}

impl TokenUsage for CompletionUsage {
    fn extract_usage(&self, out: &mut Usage) {
        out.input_tokens(&self.prompt_tokens);
        out.output_tokens(&self.completion_tokens);
        let cached = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|details| details.cached_tokens);
        out.cache_read_input_tokens(&cached);
        let reasoning = self
            .completion_tokens_details
            .as_ref()
            .and_then(|details| details.reasoning_tokens);
        out.reasoning_output_tokens(&reasoning);
    }
}

impl LlmResponse for CreateChatCompletionResponse {
    fn extract_response(&self, out: &mut GenAi) {
        out.response_id(&self.id);
        out.response_model(&self.model);
        let reasons: Vec<String> = self
            .choices
            .iter()
            .filter_map(|choice| enum_text(&choice.finish_reason))
            .collect();
        out.finish_reasons(&reasons);
        if let Some(usage) = &self.usage {
            out.usage(usage);
        }
        if out.captures_content() {
            let messages: Vec<Message> = self
                .choices
                .iter()
                .filter_map(|choice| {
                    message_from_json(&to_json(&choice.message), enum_text(&choice.finish_reason))
                })
                .collect();
            out.output_messages(&messages);
        }
    }
}

impl StreamChunk for CreateChatCompletionStreamResponse {
    fn fold_chunk(&self, fold: &mut ChunkFold) {
        fold.id(&self.id);
        fold.model(&self.model);
        for choice in &self.choices {
            fold.delta(&choice.delta.content);
            for call in choice.delta.tool_calls.iter().flatten() {
                let function = call.function.as_ref();
                fold.tool_call(
                    call.index,
                    call.id.as_deref(),
                    function.and_then(|function| function.name.as_deref()),
                    function.and_then(|function| function.arguments.as_deref()),
                );
            }
            if let Some(reason) = enum_text(&choice.finish_reason) {
                fold.finish_reason(&reason);
            }
        }
        if let Some(usage) = &self.usage {
            fold.usage(usage);
        }
    }
}

fn to_json(value: &impl Serialize) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// The serde name of a unit enum value (`FinishReason::ToolCalls` is `tool_calls`).
fn enum_text(value: &impl Serialize) -> Option<String> {
    match to_json(value) {
        Json::String(text) => Some(text),
        _ => None,
    }
}

fn text_parts(message: &Message) -> Vec<String> {
    message
        .parts
        .iter()
        .filter_map(|part| match part {
            Part::Text { content } => Some(content.clone()),
            _ => None,
        })
        .collect()
}

/// Maps an OpenAI chat message (request or response, as JSON) to the GenAI shape.
fn message_from_json(message: &Json, finish_reason: Option<String>) -> Option<Message> {
    let role = message.get("role")?.as_str()?.to_owned();
    let mut parts = Vec::new();
    match message.get("content") {
        Some(Json::String(text)) => parts.push(Part::Text {
            content: text.clone(),
        }),
        Some(Json::Array(items)) => parts.extend(items.iter().filter_map(content_part)),
        _ => {}
    }
    if let Some(Json::String(refusal)) = message.get("refusal") {
        parts.push(Part::Text {
            content: refusal.clone(),
        });
    }
    for call in message
        .get("tool_calls")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let function = call.get("function").unwrap_or(&Json::Null);
        let arguments = function
            .get("arguments")
            .and_then(Json::as_str)
            .unwrap_or("");
        parts.push(Part::ToolCall {
            id: call.get("id").and_then(Json::as_str).map(str::to_owned),
            name: function
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned(),
            arguments: serde_json::from_str(arguments)
                .unwrap_or_else(|_| Json::String(arguments.to_owned())),
        });
    }
    if role == "tool" {
        let response = match parts.drain(..).next() {
            Some(Part::Text { content }) => {
                serde_json::from_str(&content).unwrap_or(Json::String(content))
            }
            _ => Json::Null,
        };
        parts.push(Part::ToolCallResponse {
            id: message
                .get("tool_call_id")
                .and_then(Json::as_str)
                .map(str::to_owned),
            response,
        });
    }
    Some(Message {
        role,
        parts,
        name: message
            .get("name")
            .and_then(Json::as_str)
            .map(str::to_owned),
        finish_reason,
    })
}

fn content_part(item: &Json) -> Option<Part> {
    match item.get("type")?.as_str()? {
        "text" => Some(Part::Text {
            content: item.get("text")?.as_str()?.to_owned(),
        }),
        "refusal" => Some(Part::Text {
            content: item.get("refusal")?.as_str()?.to_owned(),
        }),
        "image_url" => {
            let uri = item.get("image_url")?.get("url")?.as_str()?.to_owned();
            Some(Part::Uri {
                modality: "image".into(),
                uri,
                mime_type: None,
            })
        }
        "input_audio" => {
            let audio = item.get("input_audio")?;
            Some(Part::Blob {
                modality: "audio".into(),
                mime_type: audio
                    .get("format")
                    .and_then(Json::as_str)
                    .map(|format| format!("audio/{format}")),
                content: audio.get("data")?.as_str()?.to_owned(),
            })
        }
        _ => None,
    }
}
