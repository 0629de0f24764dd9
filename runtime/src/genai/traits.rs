//! The extractor traits: what a request, response, stream chunk, tool call, agent,
//! embedding or formatter type tells a span. Implement them by hand or derive them
//! (`#[derive(LlmRequest)]`, ...); the macros apply them to arguments and return values
//! automatically, with no bound added to the traced function.

use super::attributes::GenAi;
use super::fold::ChunkFold;
use super::usage::Usage;

macro_rules! extractor {
    ($(#[$doc:meta])* $name:ident :: $method:ident ($out:ty)) => {
        $(#[$doc])*
        pub trait $name {
            /// Writes what this value knows.
            fn $method(&self, out: &mut $out);
        }

        impl<T: $name + ?Sized> $name for &T {
            fn $method(&self, out: &mut $out) {
                (**self).$method(out)
            }
        }

        impl<T: $name + ?Sized> $name for Box<T> {
            fn $method(&self, out: &mut $out) {
                (**self).$method(out)
            }
        }

        impl<T: $name + ?Sized> $name for std::sync::Arc<T> {
            fn $method(&self, out: &mut $out) {
                (**self).$method(out)
            }
        }

        impl<T: $name> $name for Option<T> {
            fn $method(&self, out: &mut $out) {
                if let Some(value) = self {
                    value.$method(out)
                }
            }
        }
    };
}

extractor! {
    /// An LLM request: model, provider, sampling parameters, messages, system instructions,
    /// tool definitions. Applied to the arguments of `#[trace_llm]` functions.
    LlmRequest::extract_request(GenAi)
}

extractor! {
    /// An LLM response: id, model, finish reasons, token usage, output messages. Applied to
    /// the return value (the `Ok` value of a `Result`) of `#[trace_llm]` functions.
    LlmResponse::extract_response(GenAi)
}

extractor! {
    /// Token usage, for a `usage` field of a response or chunk.
    TokenUsage::extract_usage(Usage)
}

extractor! {
    /// One chunk of a streamed LLM response, folded into the response: text deltas joined,
    /// the last usage and finish reasons kept. Applied to the items of streams returned by
    /// `#[trace_llm]` functions.
    StreamChunk::fold_chunk(ChunkFold)
}

extractor! {
    /// A tool call: call id, tool name, arguments. Applied to the arguments of
    /// `#[trace_tool]` functions.
    ToolCall::extract_tool_call(GenAi)
}

extractor! {
    /// A tool's result: the result, and a failure returned as data (which marks the span as
    /// an error). Applied to the return value of `#[trace_tool]` functions.
    ToolResult::extract_tool_result(GenAi)
}

extractor! {
    /// An agent: id, name, description. Applied to the receiver and arguments of
    /// `#[trace_agent]` functions.
    AgentInfo::extract_agent(GenAi)
}

extractor! {
    /// An embeddings request: model, provider. Applied to the arguments of
    /// `#[trace_embedding]` functions.
    EmbeddingRequest::extract_embedding_request(GenAi)
}

extractor! {
    /// An embeddings response: dimension count, model. Applied to the return value of
    /// `#[trace_embedding]` functions.
    EmbeddingResponse::extract_embedding_response(GenAi)
}

extractor! {
    /// What a formatter formats: target and message count. Applied to the arguments of
    /// `#[trace_format]` functions.
    FormatRequest::extract_format(GenAi)
}

impl TokenUsage for Usage {
    fn extract_usage(&self, out: &mut Usage) {
        out.merge(*self);
    }
}
