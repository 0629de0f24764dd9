//! What distinguishes the macro kinds, as data: operation name, span name rule, OpenTelemetry
//! span kind, and which attribute names a span's subject (model, agent, tool, target) under.
//! One expansion path serves every macro; the differences live here.

use opentelemetry::trace::SpanKind;

use crate::semconv;

/// The kind of operation a traced function performs, one per attribute macro.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationKind {
    /// `#[trace]`: any function.
    Generic,
    /// `#[trace_llm]`: a call to a model (`chat`, `text_completion`, `generate_content`).
    Llm,
    /// `#[trace_agent]`: one turn of an agent (`invoke_agent`).
    Agent,
    /// `#[trace_tool]`: a tool execution (`execute_tool`).
    Tool,
    /// `#[trace_embedding]`: an embeddings request (`embeddings`).
    Embedding,
    /// `#[trace_format]`: formatting messages for a model (`format`).
    Format,
}

impl OperationKind {
    /// The OpenTelemetry span kind: CLIENT for remote model calls, INTERNAL otherwise.
    pub fn span_kind(self) -> SpanKind {
        match self {
            OperationKind::Llm | OperationKind::Embedding => SpanKind::Client,
            _ => SpanKind::Internal,
        }
    }

    /// The attribute that names this operation's subject (the model, agent, tool or target),
    /// if the kind has one.
    pub fn subject_attribute(self) -> Option<&'static str> {
        match self {
            OperationKind::Generic => None,
            OperationKind::Llm | OperationKind::Embedding => Some(semconv::GEN_AI_REQUEST_MODEL),
            OperationKind::Agent => Some(semconv::GEN_AI_AGENT_NAME),
            OperationKind::Tool => Some(semconv::GEN_AI_TOOL_NAME),
            OperationKind::Format => Some(semconv::AGENTRACE_FORMAT_TARGET),
        }
    }

    /// The OpenInference span kind Arize Phoenix shows.
    pub fn openinference_kind(self) -> &'static str {
        match self {
            OperationKind::Generic | OperationKind::Format => "CHAIN",
            OperationKind::Llm => "LLM",
            OperationKind::Agent => "AGENT",
            OperationKind::Tool => "TOOL",
            OperationKind::Embedding => "EMBEDDING",
        }
    }
}

/// Everything about a traced function that is known at compile time. The macros emit one
/// `static` of this type per annotated function.
#[derive(Debug)]
pub struct SpanMeta {
    /// The operation kind.
    pub kind: OperationKind,
    /// `gen_ai.operation.name`, or `None` for `#[trace]`.
    pub operation: Option<&'static str>,
    /// The span name when nothing dynamic changes it (`chat`, `execute_tool search`, ...).
    pub name: &'static str,
    /// The subject named at compile time (tool name, agent name, model, format target).
    pub subject: Option<&'static str>,
    /// `code.function.name`: module path and function name.
    pub function: &'static str,
    /// The function's own name, for methods whose `code.function.name` includes `Self`.
    pub function_name: &'static str,
    /// `gen_ai.provider.name`, when given.
    pub provider: Option<&'static str>,
    /// `gen_ai.agent.description` or `gen_ai.tool.description`, when given.
    pub description: Option<&'static str>,
    /// Per-function override of input capture (`capture_input = bool`).
    pub capture_input: Option<bool>,
    /// Per-function override of output capture (`capture_output = bool`).
    pub capture_output: Option<bool>,
    /// The function returns a stream or iterator whose items the span follows.
    pub streaming: bool,
}
