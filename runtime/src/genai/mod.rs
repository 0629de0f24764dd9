//! GenAI attributes from the user's own types.
//!
//! Extractor traits ([`LlmRequest`], [`LlmResponse`], [`StreamChunk`], [`ToolCall`],
//! [`ToolResult`], [`AgentInfo`], [`EmbeddingRequest`], [`EmbeddingResponse`],
//! [`FormatRequest`], and [`TokenUsage`] for nested usage) tell a span what a value knows,
//! through the typed setters of [`GenAi`]. Derive them with field attributes:
//!
//! ```
//! use agentrace::genai::{LlmRequest, LlmResponse, TokenUsage};
//!
//! #[derive(LlmRequest)]
//! struct ChatRequest {
//!     #[agentrace(model)]
//!     model: String,
//!     #[agentrace(temperature)]
//!     temperature: Option<f32>,
//!     #[agentrace(max_tokens)]
//!     max_tokens: u32,
//!     api_key: String, // no attribute: never recorded by the extractor
//! }
//!
//! #[derive(TokenUsage)]
//! struct Usage {
//!     #[agentrace(input_tokens)]
//!     prompt_tokens: u32,
//!     #[agentrace(output_tokens)]
//!     completion_tokens: u32,
//! }
//!
//! #[derive(LlmResponse)]
//! struct ChatResponse {
//!     #[agentrace(id)]
//!     id: String,
//!     #[agentrace(finish_reasons)]
//!     finish_reason: String,
//!     #[agentrace(usage)]
//!     usage: Usage,
//!     #[agentrace(output_text)]
//!     text: String,
//! }
//!
//! #[agentrace::trace_llm(provider = "openai", skip(request))]
//! fn chat(request: &ChatRequest) -> ChatResponse {
//!     ChatResponse {
//!         id: "r-1".into(),
//!         finish_reason: "stop".into(),
//!         usage: Usage { prompt_tokens: 10, completion_tokens: 20 },
//!         text: "hello".into(),
//!     }
//! }
//!
//! let request = ChatRequest { model: "gpt-4o".into(), temperature: Some(0.2), max_tokens: 64, api_key: "sk-x".into() };
//! let (_, spans) = agentrace::testing::capture(|| chat(&request));
//! let span = &spans[0];
//! assert_eq!(span.name, "chat gpt-4o");
//! assert_eq!(span.attr_i64("gen_ai.usage.input_tokens"), Some(10));
//! assert_eq!(span.attr_i64("gen_ai.usage.output_tokens"), Some(20));
//! assert_eq!(span.attr_i64("gen_ai.request.max_tokens"), Some(64));
//! ```
//!
//! Messages are recorded in the GenAI shape ([`Message`], [`Part`]) as JSON text, and only
//! while content capture is on.

pub(crate) mod attributes;
mod flatten;
mod fold;
mod message;
mod provider;
mod traits;
mod usage;
mod values;

pub use agentrace_macros::{
    AgentInfo, ChatMessage, EmbeddingRequest, EmbeddingResponse, FormatRequest, LlmRequest,
    LlmResponse, StreamChunk, TokenUsage, ToolCall, ToolResult,
};
pub use attributes::GenAi;
pub use fold::ChunkFold;
pub use message::{Message, Part, ToMessage, ToMessages};
pub use provider::provider_from_base_url;
pub use traits::{
    AgentInfo, EmbeddingRequest, EmbeddingResponse, FormatRequest, LlmRequest, LlmResponse,
    StreamChunk, TokenUsage, ToolCall, ToolResult,
};
pub use usage::Usage;
pub use values::{
    CountValue, FlagValue, LengthValue, LogprobsValue, NumberValue, TextListValue, TextValue,
    TokenIdsValue,
};
