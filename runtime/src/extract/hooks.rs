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

/// Records an argument holding chat messages (a list, a slice, an `Option` of a list) as the
/// span's input messages: an agent's, as a request's are a model's.
pub trait HookInputMessages {
    /// Records the messages.
    fn __agentrace_input_messages(&self, recorder: &mut Recorder<'_>);
}
impl<T: ToMessages + ?Sized> HookInputMessages for &&&Wrap<&T> {
    fn __agentrace_input_messages(&self, recorder: &mut Recorder<'_>) {
        recorder.extract(|out| out.input_messages(self.0));
    }
}
/// Records an argument that is an optional chat message.
pub trait HookInputMaybeMessage {
    /// Records the message, if there is one.
    fn __agentrace_input_messages(&self, recorder: &mut Recorder<'_>);
}
impl<T: ToMessage> HookInputMaybeMessage for &&Wrap<&Option<T>> {
    fn __agentrace_input_messages(&self, recorder: &mut Recorder<'_>) {
        if let Some(message) = self.0 {
            recorder.extract(|out| out.input_messages(&[message][..]));
        }
    }
}
/// Records an argument that is one chat message.
pub trait HookInputMessage {
    /// Records the message.
    fn __agentrace_input_messages(&self, recorder: &mut Recorder<'_>);
}
impl<T: ToMessage + ?Sized> HookInputMessage for &Wrap<&T> {
    fn __agentrace_input_messages(&self, recorder: &mut Recorder<'_>) {
        recorder.extract(|out| out.input_messages(&[self.0][..]));
    }
}
/// Does nothing for an argument that holds no chat message.
pub trait SkipInputMessages {
    /// Does nothing.
    fn __agentrace_input_messages(&self, _recorder: &mut Recorder<'_>) {}
}
impl<T: ?Sized> SkipInputMessages for Wrap<&T> {}

/// Records a return value holding chat messages as the span's output messages.
pub trait HookOutputMessages {
    /// Records the messages.
    fn __agentrace_output_messages(&self, outcome: &mut Outcome);
}
impl<T: ToMessages + ?Sized> HookOutputMessages for &&&Wrap<&T> {
    fn __agentrace_output_messages(&self, outcome: &mut Outcome) {
        outcome.extract(|out| out.output_messages(self.0));
    }
}
/// Records a return value that is an optional chat message.
pub trait HookOutputMaybeMessage {
    /// Records the message, if there is one.
    fn __agentrace_output_messages(&self, outcome: &mut Outcome);
}
impl<T: ToMessage> HookOutputMaybeMessage for &&Wrap<&Option<T>> {
    fn __agentrace_output_messages(&self, outcome: &mut Outcome) {
        if let Some(message) = self.0 {
            outcome.extract(|out| out.output_messages(&[message][..]));
        }
    }
}
/// Records a return value that is one chat message.
pub trait HookOutputMessage {
    /// Records the message.
    fn __agentrace_output_messages(&self, outcome: &mut Outcome);
}
impl<T: ToMessage + ?Sized> HookOutputMessage for &Wrap<&T> {
    fn __agentrace_output_messages(&self, outcome: &mut Outcome) {
        outcome.extract(|out| out.output_messages(&[self.0][..]));
    }
}
/// Does nothing for a return value that holds no chat message.
pub trait SkipOutputMessages {
    /// Does nothing.
    fn __agentrace_output_messages(&self, _outcome: &mut Outcome) {}
}
impl<T: ?Sized> SkipOutputMessages for Wrap<&T> {}

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
