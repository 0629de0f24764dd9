//! GenAI spans from libraries made to look like agentrace's own: a `tracing` span carrying
//! `gen_ai.operation.name` gets the conventional name (`chat {model}`,
//! `execute_tool {tool}`, `invoke_agent {agent}`), the span kind of its operation (CLIENT
//! for model calls), `openinference.span.kind` and the OpenInference `llm.*` mirrors.

use opentelemetry::trace::SpanKind;
use opentelemetry::{KeyValue, Value};

use crate::{semconv, settings};

/// What the fields of one span said about its GenAI operation, gathered as they arrive
/// (at creation and from later `record` calls).
#[derive(Debug, Default)]
pub(super) struct GenAiFields {
    operation: Option<String>,
    request_model: Option<String>,
    response_model: Option<String>,
    provider: Option<String>,
    tool: Option<String>,
    agent: Option<String>,
    input_tokens: Option<i64>,
    output_tokens: Option<i64>,
    has_openinference_kind: bool,
    /// `true` once a response field was recorded (id, model, output tokens or messages).
    responded: bool,
    /// `gen_ai.tool.error.type`: a tool call's failure, as rig records it.
    tool_error: Option<String>,
}

impl GenAiFields {
    /// Notes what `attribute` says, if it is one of the GenAI attributes read here.
    pub(super) fn note(&mut self, attribute: &KeyValue) {
        let text = || match &attribute.value {
            Value::String(text) => Some(text.as_str().to_owned()),
            _ => None,
        };
        let count = || match &attribute.value {
            Value::I64(count) => Some(*count),
            Value::String(text) => text.as_str().parse().ok(),
            _ => None,
        };
        match attribute.key.as_str() {
            semconv::GEN_AI_OPERATION_NAME => self.operation = text(),
            semconv::GEN_AI_REQUEST_MODEL => self.request_model = text(),
            semconv::GEN_AI_RESPONSE_MODEL => self.response_model = text(),
            semconv::GEN_AI_PROVIDER_NAME | "gen_ai.system" => {
                self.provider = self.provider.take().or_else(text)
            }
            semconv::GEN_AI_TOOL_NAME => self.tool = text(),
            semconv::GEN_AI_AGENT_NAME => self.agent = text(),
            semconv::GEN_AI_USAGE_INPUT_TOKENS => self.input_tokens = count(),
            semconv::GEN_AI_USAGE_OUTPUT_TOKENS => self.output_tokens = count(),
            semconv::OPENINFERENCE_SPAN_KIND => self.has_openinference_kind = true,
            "gen_ai.tool.error.type" => self.tool_error = text(),
            _ => {}
        }
        if matches!(
            attribute.key.as_str(),
            semconv::GEN_AI_RESPONSE_ID
                | semconv::GEN_AI_RESPONSE_MODEL
                | semconv::GEN_AI_USAGE_OUTPUT_TOKENS
                | semconv::GEN_AI_OUTPUT_MESSAGES
                | "gen_ai.completion"
                | semconv::GEN_AI_TOOL_CALL_RESULT
        ) {
            self.responded = true;
        }
    }

    /// The class of a failure the fields record (a tool's `gen_ai.tool.error.type`).
    pub(super) fn failure(&self) -> Option<&str> {
        self.tool_error.as_deref()
    }

    /// The status of a span that ended with no error recorded: OK once a response (or a
    /// tool result) was recorded; unset for a span that ended with none, since the library
    /// may have failed without saying so.
    pub(super) fn succeeded(&self) -> bool {
        self.operation.is_some() && self.responded
    }

    /// The GenAI operation, when the span has one.
    pub(super) fn operation(&self) -> Option<&str> {
        self.operation.as_deref()
    }

    /// `true` for an operation that calls a model: its span is a CLIENT span.
    pub(super) fn is_model_call(&self) -> bool {
        matches!(
            self.operation(),
            Some("chat" | "text_completion" | "generate_content" | "embeddings")
        )
    }

    /// The span kind for an operation known at creation; `None` leaves the default.
    pub(super) fn span_kind(&self) -> Option<SpanKind> {
        self.is_model_call().then_some(SpanKind::Client)
    }

    /// The conventional name, `{operation} {subject}`, or the operation alone when no
    /// subject is known.
    pub(super) fn conventional_name(&self) -> Option<String> {
        let operation = self.operation()?;
        let subject = match operation {
            "execute_tool" => self.tool.as_deref(),
            "invoke_agent" | "create_agent" => self.agent.as_deref(),
            _ => self
                .request_model
                .as_deref()
                .or(self.response_model.as_deref()),
        };
        Some(match subject {
            Some(subject) => format!("{operation} {subject}"),
            None => operation.to_owned(),
        })
    }

    /// OpenInference's kind of span for the operation (`CHAIN` for any other span).
    fn openinference_kind(&self) -> &'static str {
        match self.operation() {
            Some("chat" | "text_completion" | "generate_content") => "LLM",
            Some("embeddings") => "EMBEDDING",
            Some("execute_tool") => "TOOL",
            Some("invoke_agent" | "create_agent") => "AGENT",
            _ => "CHAIN",
        }
    }

    /// The attributes written when the span ends: its OpenInference kind (unless the
    /// library set one) and, while mirrors are on, the `llm.*` and `tool.name` mirrors.
    pub(super) fn closing_attributes(&self) -> Vec<KeyValue> {
        let mut attributes = Vec::new();
        if !self.has_openinference_kind {
            attributes.push(KeyValue::new(
                semconv::OPENINFERENCE_SPAN_KIND,
                self.openinference_kind(),
            ));
        }
        if self.operation.is_none() || !settings::openinference() {
            return attributes;
        }
        if let Some(model) = self.response_model.as_ref().or(self.request_model.as_ref()) {
            attributes.push(KeyValue::new(semconv::LLM_MODEL_NAME, model.clone()));
        }
        if let Some(provider) = &self.provider {
            attributes.push(KeyValue::new(semconv::LLM_PROVIDER, provider.clone()));
        }
        if let Some(tokens) = self.input_tokens {
            attributes.push(KeyValue::new(semconv::LLM_TOKEN_COUNT_PROMPT, tokens));
        }
        if let Some(tokens) = self.output_tokens {
            attributes.push(KeyValue::new(semconv::LLM_TOKEN_COUNT_COMPLETION, tokens));
        }
        if let (Some(input), Some(output)) = (self.input_tokens, self.output_tokens) {
            attributes.push(KeyValue::new(
                semconv::LLM_TOKEN_COUNT_TOTAL,
                input + output,
            ));
        }
        if let (Some("execute_tool"), Some(tool)) = (self.operation(), &self.tool) {
            attributes.push(KeyValue::new(semconv::TOOL_NAME, tool.clone()));
        }
        attributes
    }
}
