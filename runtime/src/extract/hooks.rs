//! Autoref-specialization hooks: the generated code asks each argument and return value
//! "are you a request / response / chunk / ...?" and the extractor runs only for types that
//! implement it. Each hook is a method implemented twice: on `&Wrap<&T>` for types with the
//! extractor, and as a no-op on `Wrap<&T>` for all others.

use crate::genai::*;
use crate::span::{Outcome, Recorder};
use crate::specialize::Wrap;

macro_rules! start_hook {
    ($extractor:ident :: $method:ident => $yes:ident, $no:ident, $hook:ident) => {
        /// Runs the extractor on an argument that implements it.
        pub trait $yes {
            /// Extracts into the span being started.
            fn $hook(&self, recorder: &mut Recorder<'_>);
        }
        impl<T: $extractor + ?Sized> $yes for &Wrap<&T> {
            fn $hook(&self, recorder: &mut Recorder<'_>) {
                recorder.extract(|out| self.0.$method(out));
            }
        }
        /// Does nothing for an argument that does not implement the extractor.
        pub trait $no {
            /// Does nothing.
            fn $hook(&self, _recorder: &mut Recorder<'_>) {}
        }
        impl<T: ?Sized> $no for Wrap<&T> {}
    };
}

macro_rules! end_hook {
    ($extractor:ident :: $method:ident => $yes:ident, $no:ident, $hook:ident) => {
        /// Runs the extractor on a return value that implements it.
        pub trait $yes {
            /// Extracts into the outcome of the call.
            fn $hook(&self, outcome: &mut Outcome);
        }
        impl<T: $extractor + ?Sized> $yes for &Wrap<&T> {
            fn $hook(&self, outcome: &mut Outcome) {
                outcome.extract(|out| self.0.$method(out));
            }
        }
        /// Does nothing for a return value that does not implement the extractor.
        pub trait $no {
            /// Does nothing.
            fn $hook(&self, _outcome: &mut Outcome) {}
        }
        impl<T: ?Sized> $no for Wrap<&T> {}
    };
}

start_hook!(LlmRequest::extract_request => HookLlmRequest, SkipLlmRequest, __agentrace_llm_request);
start_hook!(AgentInfo::extract_agent => HookAgent, SkipAgent, __agentrace_agent);
start_hook!(ToolCall::extract_tool_call => HookToolCall, SkipToolCall, __agentrace_tool_call);
start_hook!(EmbeddingRequest::extract_embedding_request => HookEmbeddingRequest, SkipEmbeddingRequest, __agentrace_embedding_request);
start_hook!(FormatRequest::extract_format => HookFormat, SkipFormat, __agentrace_format);
end_hook!(LlmResponse::extract_response => HookLlmResponse, SkipLlmResponse, __agentrace_llm_response);
end_hook!(ToolResult::extract_tool_result => HookToolResult, SkipToolResult, __agentrace_tool_result);
end_hook!(EmbeddingResponse::extract_embedding_response => HookEmbeddingResponse, SkipEmbeddingResponse, __agentrace_embedding_response);

/// Folds a stream item that is a chunk into the streamed response.
pub trait HookStreamChunk {
    /// Folds the chunk.
    fn __agentrace_stream_chunk(&self, outcome: &mut Outcome);
}
impl<T: StreamChunk + ?Sized> HookStreamChunk for &Wrap<&T> {
    fn __agentrace_stream_chunk(&self, outcome: &mut Outcome) {
        outcome.fold(|fold| self.0.fold_chunk(fold));
    }
}
/// Does nothing for an item that is not a chunk.
pub trait SkipStreamChunk {
    /// Does nothing.
    fn __agentrace_stream_chunk(&self, _outcome: &mut Outcome) {}
}
impl<T: ?Sized> SkipStreamChunk for Wrap<&T> {}
