//! [`GenAi`]: where extractors write. Typed setters turn the user's fields into the
//! OpenTelemetry GenAI attributes (and their OpenInference mirrors for Phoenix), keep
//! message content out when content capture is off, and drop absent values.

use std::borrow::Cow;

use opentelemetry::{Array, KeyValue, StringValue, Value};
use serde::Serialize;

use super::message::ToMessages;
use super::values::{
    CountValue, FlagValue, LengthValue, LogprobsValue, NumberValue, TextListValue, TextValue,
    TokenIdsValue,
};
use crate::capture::Notes;
use crate::kind::OperationKind;
use crate::semconv::*;
use crate::{capture, settings};

/// The attributes an extractor produces, with the span's subject (model, agent or tool name)
/// and, for a tool result, a failure returned as data.
///
/// Extractor traits ([`LlmRequest`](super::LlmRequest), [`LlmResponse`](super::LlmResponse),
/// ...) receive a `&mut GenAi` and call the setters for what their type knows:
///
/// ```
/// use agentrace::genai::{GenAi, LlmRequest};
///
/// struct Ask { model: String, temperature: f32 }
///
/// impl LlmRequest for Ask {
///     fn extract_request(&self, out: &mut GenAi) {
///         out.request_model(&self.model);
///         out.temperature(&self.temperature);
///     }
/// }
/// ```
pub struct GenAi {
    kind: OperationKind,
    content: bool,
    openinference: bool,
    attributes: Vec<KeyValue>,
    subject: Option<String>,
    failure: Option<String>,
    input_tokens: Option<i64>,
    output_tokens: Option<i64>,
    notes: Notes,
}

/// What a [`GenAi`] collected, for the span code to apply.
pub(crate) struct Extracted {
    pub(crate) attributes: Vec<KeyValue>,
    pub(crate) subject: Option<String>,
    pub(crate) failure: Option<String>,
    /// What capturing content redacted or cut.
    pub(crate) notes: Notes,
}

impl GenAi {
    pub(crate) fn new(kind: OperationKind, content: bool) -> Self {
        GenAi {
            kind,
            content,
            openinference: settings::openinference(),
            attributes: Vec::new(),
            subject: None,
            failure: None,
            input_tokens: None,
            output_tokens: None,
            notes: Notes::default(),
        }
    }

    pub(crate) fn finish(mut self) -> Extracted {
        if self.openinference {
            if let (Some(input), Some(output)) = (self.input_tokens, self.output_tokens) {
                self.push(LLM_TOKEN_COUNT_TOTAL, Value::I64(input + output));
            }
        }
        Extracted {
            attributes: self.attributes,
            subject: self.subject,
            failure: self.failure,
            notes: self.notes,
        }
    }

    /// `true` when message content, tool arguments and results are recorded.
    pub fn captures_content(&self) -> bool {
        self.content
    }

    fn push(&mut self, key: &'static str, value: Value) {
        self.attributes.push(KeyValue::new(key, value));
    }

    fn text(&mut self, key: &'static str, value: &(impl TextValue + ?Sized)) -> Option<String> {
        let text = value.text().filter(|text| !text.is_empty())?.into_owned();
        self.push(key, Value::from(text.clone()));
        Some(text)
    }

    fn number(&mut self, key: &'static str, value: &(impl NumberValue + ?Sized)) {
        if let Some(number) = value.number() {
            self.push(key, Value::F64(number));
        }
    }

    fn count(&mut self, key: &'static str, value: &(impl CountValue + ?Sized)) -> Option<i64> {
        let count = value.count()?;
        self.push(key, Value::I64(count));
        Some(count)
    }

    /// Content as JSON text; an absent or empty value (`null`, `[]`, `{}`, `""`) is not
    /// written.
    fn json(&mut self, key: &'static str, value: &(impl Serialize + ?Sized)) {
        if self.content {
            let (text, notes) = capture::capture_json(key, value);
            if matches!(text.as_str(), "null" | "[]" | "{}" | "\"\"") {
                return;
            }
            self.notes.merge(notes);
            self.push(key, Value::from(text));
        }
    }

    fn messages(&mut self, key: &'static str, messages: &(impl ToMessages + ?Sized)) {
        if self.content {
            let messages = messages.to_messages();
            if !messages.is_empty() {
                self.json(key, &messages);
                let flat_prefix = match key {
                    GEN_AI_INPUT_MESSAGES => GEN_AI_PROMPT,
                    _ => GEN_AI_COMPLETION,
                };
                super::flatten::flattened_messages(flat_prefix, &messages, &mut self.attributes);
            }
        }
    }

    fn names_subject(&mut self, kinds: &[OperationKind], text: Option<String>) {
        if kinds.contains(&self.kind) && self.subject.is_none() {
            self.subject = text;
        }
    }

    /// `gen_ai.request.model`; names an LLM or embedding span when no option does.
    pub fn request_model(&mut self, model: &(impl TextValue + ?Sized)) {
        let Some(model) = non_empty(model) else {
            return;
        };
        if self.openinference {
            self.push(LLM_MODEL_NAME, Value::from(model.clone()));
        }
        self.names_subject(&[OperationKind::Llm, OperationKind::Embedding], Some(model));
    }

    /// `gen_ai.provider.name` (`openai`, `anthropic`, ...).
    pub fn provider(&mut self, provider: &(impl TextValue + ?Sized)) {
        if let Some(provider) = self.text(GEN_AI_PROVIDER_NAME, provider) {
            if self.openinference {
                self.push(LLM_PROVIDER, Value::from(provider));
            }
        }
    }

    /// `gen_ai.request.temperature`.
    pub fn temperature(&mut self, value: &(impl NumberValue + ?Sized)) {
        self.number(GEN_AI_REQUEST_TEMPERATURE, value);
    }

    /// `gen_ai.request.top_p`.
    pub fn top_p(&mut self, value: &(impl NumberValue + ?Sized)) {
        self.number(GEN_AI_REQUEST_TOP_P, value);
    }

    /// `gen_ai.request.top_k`.
    pub fn top_k(&mut self, value: &(impl NumberValue + ?Sized)) {
        self.number(GEN_AI_REQUEST_TOP_K, value);
    }

    /// `gen_ai.request.max_tokens`.
    pub fn max_tokens(&mut self, value: &(impl CountValue + ?Sized)) {
        self.count(GEN_AI_REQUEST_MAX_TOKENS, value);
    }

    /// `gen_ai.request.presence_penalty`.
    pub fn presence_penalty(&mut self, value: &(impl NumberValue + ?Sized)) {
        self.number(GEN_AI_REQUEST_PRESENCE_PENALTY, value);
    }

    /// `gen_ai.request.frequency_penalty`.
    pub fn frequency_penalty(&mut self, value: &(impl NumberValue + ?Sized)) {
        self.number(GEN_AI_REQUEST_FREQUENCY_PENALTY, value);
    }

    /// `gen_ai.request.stop_sequences`.
    pub fn stop_sequences(&mut self, value: &(impl TextListValue + ?Sized)) {
        self.texts(GEN_AI_REQUEST_STOP_SEQUENCES, value);
    }

    /// `gen_ai.request.seed`.
    pub fn seed(&mut self, value: &(impl CountValue + ?Sized)) {
        self.count(GEN_AI_REQUEST_SEED, value);
    }

    /// `gen_ai.request.choice.count`.
    pub fn choice_count(&mut self, value: &(impl CountValue + ?Sized)) {
        self.count(GEN_AI_REQUEST_CHOICE_COUNT, value);
    }

    /// `gen_ai.request.stream`: whether a streamed answer was asked for.
    pub fn stream(&mut self, value: &(impl FlagValue + ?Sized)) {
        if let Some(flag) = value.flag() {
            self.push(GEN_AI_REQUEST_STREAM, Value::Bool(flag));
        }
    }

    /// `gen_ai.input.messages` (content: recorded only when content capture is on).
    pub fn input_messages(&mut self, messages: &(impl ToMessages + ?Sized)) {
        self.messages(GEN_AI_INPUT_MESSAGES, messages);
    }

    /// `gen_ai.system_instructions` from text (content).
    pub fn system_instructions(&mut self, text: &(impl TextValue + ?Sized)) {
        if let Some(text) = non_empty(text) {
            let parts = [super::Part::Text { content: text }];
            self.json(GEN_AI_SYSTEM_INSTRUCTIONS, &parts);
        }
    }

    /// `gen_ai.tool.definitions`: the tools offered to the model, as JSON (content).
    pub fn tool_definitions(&mut self, tools: &(impl Serialize + ?Sized)) {
        self.json(GEN_AI_TOOL_DEFINITIONS, tools);
    }

    /// `gen_ai.response.id`.
    pub fn response_id(&mut self, id: &(impl TextValue + ?Sized)) {
        self.text(GEN_AI_RESPONSE_ID, id);
    }

    /// `gen_ai.response.model`: the model that answered.
    pub fn response_model(&mut self, model: &(impl TextValue + ?Sized)) {
        self.text(GEN_AI_RESPONSE_MODEL, model);
    }

    /// `gen_ai.response.finish_reasons`.
    pub fn finish_reasons(&mut self, reasons: &(impl TextListValue + ?Sized)) {
        self.texts(GEN_AI_RESPONSE_FINISH_REASONS, reasons);
    }

    /// `gen_ai.usage.input_tokens` (and `llm.token_count.prompt`).
    pub fn input_tokens(&mut self, value: &(impl CountValue + ?Sized)) {
        self.input_tokens = self.count(GEN_AI_USAGE_INPUT_TOKENS, value);
        if let (true, Some(tokens)) = (self.openinference, self.input_tokens) {
            self.push(LLM_TOKEN_COUNT_PROMPT, Value::I64(tokens));
        }
    }

    /// `gen_ai.usage.output_tokens` (and `llm.token_count.completion`).
    pub fn output_tokens(&mut self, value: &(impl CountValue + ?Sized)) {
        self.output_tokens = self.count(GEN_AI_USAGE_OUTPUT_TOKENS, value);
        if let (true, Some(tokens)) = (self.openinference, self.output_tokens) {
            self.push(LLM_TOKEN_COUNT_COMPLETION, Value::I64(tokens));
        }
    }

    /// Every token count of a usage value.
    pub fn usage(&mut self, usage: &(impl super::TokenUsage + ?Sized)) {
        let mut counts = super::Usage::default();
        usage.extract_usage(&mut counts);
        self.input_tokens(&counts.input);
        self.output_tokens(&counts.output);
        self.cache_read_input_tokens(&counts.cache_read_input);
        self.cache_creation_input_tokens(&counts.cache_creation_input);
        self.reasoning_output_tokens(&counts.reasoning_output);
    }

    /// `gen_ai.usage.cache_read.input_tokens`.
    pub fn cache_read_input_tokens(&mut self, value: &(impl CountValue + ?Sized)) {
        self.count(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, value);
    }

    /// `gen_ai.usage.cache_creation.input_tokens`.
    pub fn cache_creation_input_tokens(&mut self, value: &(impl CountValue + ?Sized)) {
        self.count(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, value);
    }

    /// `gen_ai.usage.reasoning.output_tokens`.
    pub fn reasoning_output_tokens(&mut self, value: &(impl CountValue + ?Sized)) {
        self.count(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, value);
    }

    /// `gen_ai.output.messages` (content).
    pub fn output_messages(&mut self, messages: &(impl ToMessages + ?Sized)) {
        self.messages(GEN_AI_OUTPUT_MESSAGES, messages);
    }

    /// `gen_ai.output.messages` from the text of one assistant message (content).
    pub fn output_text(&mut self, text: &(impl TextValue + ?Sized)) {
        if let Some(text) = non_empty(text) {
            self.output_messages(&super::Message::text("assistant", text));
        }
    }

    /// `prompt_token_ids`: the prompt's token ids as an integer array, what Agent Lightning's
    /// triplet adapter trains on (content: recorded only when content capture is on, since
    /// the ids decode to the prompt).
    pub fn prompt_token_ids(&mut self, ids: &(impl TokenIdsValue + ?Sized)) {
        self.token_ids(PROMPT_TOKEN_IDS, ids);
    }

    /// `response_token_ids`: the response's token ids as an integer array (content).
    pub fn response_token_ids(&mut self, ids: &(impl TokenIdsValue + ?Sized)) {
        self.token_ids(RESPONSE_TOKEN_IDS, ids);
    }

    /// `logprobs.content`: the response tokens' log-probabilities, as JSON text in OpenAI's
    /// shape (`[{"logprob": -0.1}, ...]`), which Agent Lightning's triplet adapter passes on
    /// with the response (content).
    pub fn logprobs(&mut self, logprobs: &(impl LogprobsValue + ?Sized)) {
        if !self.content {
            return;
        }
        if let Some(values) = logprobs.logprobs() {
            let items: Vec<serde_json::Value> = values
                .into_iter()
                .map(|logprob| serde_json::json!({ "logprob": logprob }))
                .collect();
            self.push(
                LOGPROBS_CONTENT,
                Value::from(serde_json::Value::Array(items).to_string()),
            );
        }
    }

    fn token_ids(&mut self, key: &'static str, ids: &(impl TokenIdsValue + ?Sized)) {
        if self.content {
            if let Some(ids) = ids.token_ids() {
                self.push(key, Value::Array(Array::I64(ids)));
            }
        }
    }

    /// `gen_ai.agent.id`.
    pub fn agent_id(&mut self, id: &(impl TextValue + ?Sized)) {
        self.text(GEN_AI_AGENT_ID, id);
    }

    /// `gen_ai.agent.name`; names the agent span when no option does.
    pub fn agent_name(&mut self, name: &(impl TextValue + ?Sized)) {
        self.names_subject(&[OperationKind::Agent], non_empty(name));
    }

    /// `gen_ai.agent.description`.
    pub fn agent_description(&mut self, description: &(impl TextValue + ?Sized)) {
        self.text(GEN_AI_AGENT_DESCRIPTION, description);
    }

    /// `gen_ai.tool.call.id`.
    pub fn tool_call_id(&mut self, id: &(impl TextValue + ?Sized)) {
        self.text(GEN_AI_TOOL_CALL_ID, id);
    }

    /// `gen_ai.tool.name`; names the tool span when no option does.
    pub fn tool_name(&mut self, name: &(impl TextValue + ?Sized)) {
        let name = non_empty(name);
        if let (true, Some(name)) = (self.openinference, &name) {
            self.push(TOOL_NAME, Value::from(name.clone()));
        }
        self.names_subject(&[OperationKind::Tool], name);
    }

    /// `gen_ai.tool.description`.
    pub fn tool_description(&mut self, description: &(impl TextValue + ?Sized)) {
        self.text(GEN_AI_TOOL_DESCRIPTION, description);
    }

    /// `gen_ai.tool.call.arguments`, as JSON (content).
    pub fn tool_arguments(&mut self, arguments: &(impl Serialize + ?Sized)) {
        self.json(GEN_AI_TOOL_CALL_ARGUMENTS, arguments);
    }

    /// `gen_ai.tool.call.result`, as JSON (content).
    pub fn tool_result(&mut self, result: &(impl Serialize + ?Sized)) {
        self.json(GEN_AI_TOOL_CALL_RESULT, result);
    }

    /// Marks the span as failed with `message` when a tool returns its failure as data.
    /// `None` (or an absent value) means success.
    pub fn tool_error(&mut self, message: &(impl TextValue + ?Sized)) {
        if let Some(message) = message.text() {
            self.failure = Some(message.into_owned());
        }
    }

    /// Marks the span as failed when `failed` is true (a tool's `is_error` flag).
    pub fn tool_failed(&mut self, failed: &(impl FlagValue + ?Sized)) {
        if failed.flag() == Some(true) && self.failure.is_none() {
            self.failure = Some("the tool reported an error".to_owned());
        }
    }

    /// `gen_ai.embeddings.dimension.count`: an integer, or an embedding vector's length.
    pub fn dimension_count(&mut self, value: &(impl LengthValue + ?Sized)) {
        if let Some(length) = value.length() {
            self.push(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, Value::I64(length));
        }
    }

    /// The target a formatter formats for; names the format span when no option does.
    pub fn format_target(&mut self, target: &(impl TextValue + ?Sized)) {
        self.names_subject(&[OperationKind::Format], non_empty(target));
    }

    /// How many messages a formatter formatted: a count, or a list whose length is counted.
    pub fn message_count(&mut self, value: &(impl LengthValue + ?Sized)) {
        if let Some(count) = value.length() {
            self.push(AGENTRACE_FORMAT_MESSAGE_COUNT, Value::I64(count));
        }
    }

    fn texts(&mut self, key: &'static str, value: &(impl TextListValue + ?Sized)) {
        let texts = value.texts();
        if !texts.is_empty() {
            let values: Vec<StringValue> = texts.into_iter().map(StringValue::from).collect();
            self.push(key, Value::Array(Array::String(values)));
        }
    }
}

/// The text of `value`, unless it is absent or empty.
fn non_empty(value: &(impl TextValue + ?Sized)) -> Option<String> {
    value
        .text()
        .filter(|text| !text.is_empty())
        .map(Cow::into_owned)
}
