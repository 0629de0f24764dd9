//! [`ChunkFold`]: a streamed LLM response rebuilt from its chunks: text deltas, response
//! token ids and log-probabilities joined, the last id, model, usage, prompt token ids and
//! finish reasons kept. When the stream ends it is written as one response:
//! `gen_ai.response.*`, `gen_ai.usage.*`, one assistant output message, `prompt_token_ids`,
//! `response_token_ids` and `logprobs.content`.

use super::attributes::GenAi;
use super::message::{Message, Part};
use super::usage::Usage;
use super::values::{CountValue, LogprobsValue, TextListValue, TextValue, TokenIdsValue};
use super::TokenUsage;

/// Accumulates the chunks of a streamed response. [`StreamChunk`](super::StreamChunk)
/// implementations call its setters once per chunk.
///
/// ```
/// use agentrace::genai::{ChunkFold, StreamChunk};
///
/// struct Delta { text: String, done: bool }
///
/// impl StreamChunk for Delta {
///     fn fold_chunk(&self, fold: &mut ChunkFold) {
///         fold.delta(&self.text);
///         if self.done {
///             fold.finish_reason("stop");
///         }
///     }
/// }
/// ```
#[derive(Debug, Default, Clone)]
pub struct ChunkFold {
    id: Option<String>,
    model: Option<String>,
    text: String,
    saw_text: bool,
    finish_reasons: Vec<String>,
    usage: Usage,
    prompt_token_ids: Option<Vec<i64>>,
    response_token_ids: Option<Vec<i64>>,
    logprobs: Option<Vec<f64>>,
    /// Tool calls being streamed, in the order of their index.
    tool_calls: Vec<ToolCallFold>,
}

/// One streamed tool call: its id and name (from the first chunk that has them) and its
/// arguments' text, joined from every chunk.
#[derive(Debug, Default, Clone)]
struct ToolCallFold {
    index: u64,
    id: Option<String>,
    name: Option<String>,
    arguments: String,
}

impl ChunkFold {
    /// The response id (the last one seen is kept).
    pub fn id(&mut self, id: &(impl TextValue + ?Sized)) {
        if let Some(id) = id.text() {
            self.id = Some(id.into_owned());
        }
    }

    /// The model that answered (the last one seen is kept).
    pub fn model(&mut self, model: &(impl TextValue + ?Sized)) {
        if let Some(model) = model.text() {
            self.model = Some(model.into_owned());
        }
    }

    /// A piece of the answer's text, appended to what came before.
    pub fn delta(&mut self, text: &(impl TextValue + ?Sized)) {
        if let Some(text) = text.text() {
            self.text.push_str(&text);
            self.saw_text = true;
        }
    }

    /// A finish reason; the reasons of the last chunk that has any are kept.
    pub fn finish_reason(&mut self, reason: &(impl TextListValue + ?Sized)) {
        let reasons = reason.texts();
        if !reasons.is_empty() {
            self.finish_reasons = reasons;
        }
    }

    /// A piece of a tool call the model is making: the chunks of one call share its
    /// `index`; the id and name come once, the arguments' text in pieces that are joined.
    ///
    /// ```
    /// use agentrace::genai::{ChunkFold, StreamChunk};
    ///
    /// struct CallDelta { index: u32, name: Option<&'static str>, arguments: &'static str }
    ///
    /// impl StreamChunk for CallDelta {
    ///     fn fold_chunk(&self, fold: &mut ChunkFold) {
    ///         fold.tool_call(self.index, None::<&str>, self.name, Some(self.arguments));
    ///     }
    /// }
    /// ```
    pub fn tool_call(
        &mut self,
        index: impl Into<u64>,
        id: Option<impl AsRef<str>>,
        name: Option<impl AsRef<str>>,
        arguments: Option<impl AsRef<str>>,
    ) {
        let index = index.into();
        let position = match self.tool_calls.iter().position(|call| call.index == index) {
            Some(position) => position,
            None => {
                self.tool_calls.push(ToolCallFold {
                    index,
                    ..ToolCallFold::default()
                });
                self.tool_calls.len() - 1
            }
        };
        let call = &mut self.tool_calls[position];
        if let Some(id) = id.filter(|id| !id.as_ref().is_empty()) {
            call.id = Some(id.as_ref().to_owned());
        }
        if let Some(name) = name.filter(|name| !name.as_ref().is_empty()) {
            call.name = Some(name.as_ref().to_owned());
        }
        if let Some(arguments) = arguments {
            call.arguments.push_str(arguments.as_ref());
        }
    }

    /// Input tokens (the last value seen is kept: usage comes on the last chunk).
    pub fn input_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.usage.input_tokens(tokens);
    }

    /// Output tokens (the last value seen is kept).
    pub fn output_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.usage.output_tokens(tokens);
    }

    /// Token usage from a nested usage value (the last counts seen are kept).
    pub fn usage(&mut self, usage: &(impl TokenUsage + ?Sized)) {
        let mut later = Usage::default();
        usage.extract_usage(&mut later);
        self.usage.merge(later);
    }

    /// The prompt's token ids (the last ones seen are kept: servers send them once).
    pub fn prompt_token_ids(&mut self, ids: &(impl TokenIdsValue + ?Sized)) {
        if let Some(ids) = ids.token_ids() {
            self.prompt_token_ids = Some(ids);
        }
    }

    /// Token ids of this chunk of the response, appended to those before.
    pub fn response_token_ids(&mut self, ids: &(impl TokenIdsValue + ?Sized)) {
        if let Some(ids) = ids.token_ids() {
            self.response_token_ids
                .get_or_insert_with(Vec::new)
                .extend(ids);
        }
    }

    /// Log-probabilities of this chunk's tokens, appended to those before.
    pub fn logprobs(&mut self, logprobs: &(impl LogprobsValue + ?Sized)) {
        if let Some(values) = logprobs.logprobs() {
            self.logprobs.get_or_insert_with(Vec::new).extend(values);
        }
    }

    /// Writes the folded response.
    pub(crate) fn write_to(&self, out: &mut GenAi) {
        out.prompt_token_ids(&self.prompt_token_ids);
        out.response_token_ids(&self.response_token_ids);
        out.logprobs(&self.logprobs);
        out.response_id(&self.id);
        out.response_model(&self.model);
        out.finish_reasons(&self.finish_reasons);
        out.usage(&self.usage);
        if !self.saw_text && self.tool_calls.is_empty() {
            return;
        }
        let mut parts = Vec::with_capacity(1 + self.tool_calls.len());
        // An empty text next to tool calls is no part of the answer.
        if !self.text.is_empty() || self.tool_calls.is_empty() {
            parts.push(Part::Text {
                content: self.text.clone(),
            });
        }
        parts.extend(self.tool_calls.iter().map(|call| {
            Part::ToolCall {
                id: call.id.clone(),
                name: call.name.clone().unwrap_or_default(),
                arguments: serde_json::from_str(&call.arguments)
                    .unwrap_or_else(|_| serde_json::Value::String(call.arguments.clone())),
            }
        }));
        let message = Message {
            role: "assistant".to_owned(),
            parts,
            name: None,
            finish_reason: self.finish_reasons.first().cloned(),
        };
        out.output_messages(&message);
    }
}
