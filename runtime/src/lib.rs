//! # agentrace
//!
//! Trace LLM agents with OpenTelemetry through attribute macros.
//!
//! Annotate the functions of an agent and each call becomes an OpenTelemetry span named and
//! attributed after the GenAI semantic conventions:
//!
//! | macro | span name | `gen_ai.operation.name` | span kind |
//! |---|---|---|---|
//! | [`#[trace]`](macro@trace) | `name` option, else the function's name | (none) | INTERNAL |
//! | [`#[trace_llm]`](macro@trace_llm) | `{operation} {model}` (`chat` by default) | same | CLIENT |
//! | [`#[trace_agent]`](macro@trace_agent) | `invoke_agent {agent}` | `invoke_agent` | INTERNAL |
//! | [`#[trace_tool]`](macro@trace_tool) | `execute_tool {tool}` | `execute_tool` | INTERNAL |
//! | [`#[trace_embedding]`](macro@trace_embedding) | `embeddings {model}` | `embeddings` | CLIENT |
//! | [`#[trace_format]`](macro@trace_format) | `format {target}` | `format` | INTERNAL |
//!
//! Sync and async functions, methods, trait impls (native `async fn` and `#[async_trait]`),
//! generics, and functions returning `impl Future`, `impl Stream` or `impl Iterator` all
//! work: a returned future, stream or iterator keeps the span open until it completes, and
//! is the current context while it is polled, so spans made meanwhile nest under it.
//!
//! ```
//! use agentrace::{trace_agent, trace_llm, trace_tool};
//!
//! #[trace_llm(provider = "mock", model = "tiny-1")]
//! async fn ask_model(prompt: &str) -> Result<String, std::io::Error> {
//!     Ok(format!("use the weather tool for: {prompt}"))
//! }
//!
//! #[trace_tool(description = "Current weather for a city")]
//! async fn weather(city: &str) -> String {
//!     format!("sunny in {city}")
//! }
//!
//! #[trace_agent(name = "assistant")]
//! async fn turn(question: &str) -> Result<String, std::io::Error> {
//!     let _plan = ask_model(question).await?;
//!     Ok(weather("Paris").await)
//! }
//!
//! let (answer, spans) = futures::executor::block_on(agentrace::testing::capture_async(turn("weather?")));
//! assert_eq!(answer.unwrap(), "sunny in Paris");
//! let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
//! assert_eq!(names, ["chat tiny-1", "execute_tool weather", "invoke_agent assistant"]);
//! ```
//!
//! With tracing off (nothing installed, or [`TracingHandle::set_enabled`]`(false)`), a
//! traced call costs one atomic load: no span, no serialization, no allocation.
//!
//! Arguments and return values are captured as JSON text in `input.value` and
//! `output.value` without adding any bound to your function: a type that implements
//! `Serialize` is serialized, else one with `Debug` is formatted, else its type name is
//! written. The receiver (`self`) is never captured. A `Result` that is `Err` marks the span
//! as an error with `error.type` (the error's type name, or [`ErrorType`]) and an
//! `exception` event; a panic marks it `panic`; a future or stream dropped before it
//! completes marks it `cancelled`.
//!
//! ## The front door
//!
//! [`init`] (or [`builder`]`()...`[`init`](Builder::init)) starts tracing once, at the top of
//! `main`, and returns the [`Tracing`] guard; every setting lives on the [`Builder`], and
//! the switches that stay live (tracing on or off, content capture, redaction rules) are
//! methods of its [`TracingHandle`]. [`testing::capture`] gets back the spans a piece of code
//! made, with or without `init`.
//!
//! ## Where things are
//!
//! | module | what it holds |
//! |---|---|
//! | [`config`] | the [`Builder`]'s settings, resolved ([`config::Config`]) |
//! | [`capture`] | how values become attributes: JSON capture, limits, redaction rules |
//! | [`genai`] | GenAI extractor traits and derives, messages, provider names |
//! | [`semconv`] | the attribute names written |
//! | [`propagation`], [`conversation`], [`spawn`] | the trace across processes, conversations, tasks and threads |
//! | [`rollout`] | rollout scopes: an attempt's spans collected and stored (Agent Lightning's tracer) |
//! | [`lightning`] | training with Agent Lightning: rewards and its other emitters, token ids, its preset |
//! | [`store`], [`record`] | the span store and [`SpanRecord`] (crate `agentrace-store`) |
//! | [`export`] | the batch processor and exporters (crate `agentrace-export`) |
//! | [`pipeline`] | the processor that feeds collection scopes, for providers of your own |
//! | [`testing`] | the test kit |
//! | `http_client` | traced `reqwest` clients (feature `http-client`) |
//! | `bridge` | `tracing_layer()`: `tracing` spans in the same trace (feature `tracing`) |
#![warn(missing_docs)]

mod activation;
mod attribute;
#[cfg(feature = "tracing")]
pub mod bridge;
pub mod capture;
mod collect;
pub mod config;
pub mod conversation;
mod current;
mod error;
mod error_type;
mod extract;
mod follow;
mod future;
pub mod genai;
mod handle;
#[cfg(feature = "http-client")]
pub mod http_client;
mod init;
mod integrations;
mod kind;
pub mod lightning;
mod marks;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod pipeline;
pub mod propagation;
pub mod rollout;
pub mod semconv;
mod settings;
mod span;
pub mod spawn;
mod specialize;
mod stream;
pub mod testing;

#[doc(hidden)]
pub mod __private;

pub use agentrace_export as export;
pub use agentrace_macros::{
    trace, trace_agent, trace_embedding, trace_format, trace_llm, trace_tool,
};
pub use agentrace_store as store;
pub use agentrace_store::record;
pub use agentrace_store::SpanRecord;
pub use attribute::ToAttribute;
#[cfg(feature = "tracing")]
pub use bridge::tracing_layer;
pub use config::{builder, Builder};
pub use current::{current_span, CurrentSpan};
pub use error::Error;
pub use error_type::ErrorType;
pub use handle::{Tracing, TracingHandle};
pub use init::init;
pub use lightning::{emit_exception, emit_message, emit_object, reward, rewards};
