//! The macro kinds as data: which runtime operation kind each one emits, its operation name,
//! how its static span name is formed, and which kind-specific options it accepts.

use proc_macro2::TokenStream;
use quote::quote;

/// One attribute macro.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Generic,
    Llm,
    Agent,
    Tool,
    Embedding,
    Format,
}

/// Options every macro accepts.
pub const SHARED_OPTIONS: &[&str] = &[
    "crate",
    "name",
    "skip",
    "skip_all",
    "capture_input",
    "capture_output",
    "attributes",
];

/// Every kind-specific option, with the macros that accept it.
pub const KIND_OPTIONS: &[(&str, &[Kind])] = &[
    ("provider", &[Kind::Llm, Kind::Embedding]),
    ("model", &[Kind::Llm, Kind::Embedding]),
    ("operation", &[Kind::Llm]),
    ("stream", &[Kind::Llm]),
    ("id", &[Kind::Agent]),
    ("description", &[Kind::Agent, Kind::Tool]),
    ("call_id", &[Kind::Tool]),
    ("target", &[Kind::Format]),
];

/// The `operation` values `#[trace_llm]` accepts.
pub const LLM_OPERATIONS: &[&str] = &["chat", "text_completion", "generate_content"];

impl Kind {
    pub fn macro_name(self) -> &'static str {
        match self {
            Kind::Generic => "trace",
            Kind::Llm => "trace_llm",
            Kind::Agent => "trace_agent",
            Kind::Tool => "trace_tool",
            Kind::Embedding => "trace_embedding",
            Kind::Format => "trace_format",
        }
    }

    /// The runtime's `OperationKind` variant.
    pub fn runtime_variant(self) -> TokenStream {
        match self {
            Kind::Generic => quote!(Generic),
            Kind::Llm => quote!(Llm),
            Kind::Agent => quote!(Agent),
            Kind::Tool => quote!(Tool),
            Kind::Embedding => quote!(Embedding),
            Kind::Format => quote!(Format),
        }
    }

    /// `gen_ai.operation.name`, given the `operation` option of an LLM call.
    pub fn operation(self, llm_operation: Option<&str>) -> Option<String> {
        let operation = match self {
            Kind::Generic => return None,
            Kind::Llm => llm_operation.unwrap_or("chat"),
            Kind::Agent => "invoke_agent",
            Kind::Tool => "execute_tool",
            Kind::Embedding => "embeddings",
            Kind::Format => "format",
        };
        Some(operation.to_owned())
    }

    /// The subject named when no option names one: a tool is named after its function.
    pub fn default_subject(self, function: &str) -> Option<String> {
        match self {
            Kind::Tool | Kind::Agent => Some(function.to_owned()),
            Kind::Generic | Kind::Llm | Kind::Embedding | Kind::Format => None,
        }
    }

    /// `true` when the `name` option names the span itself rather than its subject.
    pub fn name_is_span_name(self) -> bool {
        self == Kind::Generic
    }

    /// The extractor hooks the generated code applies to each argument (and the receiver).
    /// An agent's chat messages are its input messages, as a request's are a model's.
    pub fn start_hooks(self) -> &'static [&'static str] {
        match self {
            Kind::Generic => &[],
            Kind::Llm => &["__agentrace_llm_request"],
            Kind::Agent => &["__agentrace_agent", "__agentrace_input_messages"],
            Kind::Tool => &["__agentrace_tool_call"],
            Kind::Embedding => &["__agentrace_embedding_request"],
            Kind::Format => &["__agentrace_format"],
        }
    }

    /// The extractor hooks the generated code applies to the return value (its `Ok` value)
    /// or to each item of a returned stream.
    pub fn end_hooks(self) -> &'static [&'static str] {
        match self {
            Kind::Llm => &["__agentrace_llm_response", "__agentrace_stream_chunk"],
            Kind::Tool => &["__agentrace_tool_result"],
            Kind::Embedding => &["__agentrace_embedding_response"],
            Kind::Agent => &["__agentrace_output_messages"],
            Kind::Generic | Kind::Format => &[],
        }
    }

    pub fn accepts(self, option: &str) -> bool {
        SHARED_OPTIONS.contains(&option)
            || KIND_OPTIONS
                .iter()
                .any(|(name, kinds)| *name == option && kinds.contains(&self))
    }

    /// The options this macro accepts, for error messages.
    pub fn accepted_options(self) -> Vec<&'static str> {
        let mut options = SHARED_OPTIONS.to_vec();
        options.extend(
            KIND_OPTIONS
                .iter()
                .filter(|(_, kinds)| kinds.contains(&self))
                .map(|(name, _)| *name),
        );
        options
    }

    /// The macros that accept a kind-specific option.
    pub fn macros_accepting(option: &str) -> Vec<&'static str> {
        KIND_OPTIONS
            .iter()
            .filter(|(name, _)| *name == option)
            .flat_map(|(_, kinds)| kinds.iter().map(|kind| kind.macro_name()))
            .collect()
    }
}
