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
//! let (answer, spans) = futures::executor::block_on(agentrace::collect_spans_async(turn("weather?")));
//! assert_eq!(answer.unwrap(), "sunny in Paris");
//! let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
//! assert_eq!(names, ["chat tiny-1", "execute_tool weather", "invoke_agent assistant"]);
//! ```
//!
//! With tracing off (nothing installed, or [`set_enabled`]`(false)`), a traced call costs
//! one atomic load: no span, no serialization, no allocation.
//!
//! Arguments and return values are captured as JSON text in `input.value` and
//! `output.value` without adding any bound to your function: a type that implements
//! `Serialize` is serialized, else one with `Debug` is formatted, else its type name is
//! written. The receiver (`self`) is never captured. A `Result` that is `Err` marks the span
//! as an error with `error.type` (the error's type name, or [`ErrorType`]) and an
//! `exception` event; a panic marks it `panic`; a future or stream dropped before it
//! completes marks it `cancelled`.
#![warn(missing_docs)]

mod activation;
mod attribute;
mod collect;
mod config;
pub mod conversation;
mod error_type;
mod export;
mod future;
pub mod genai;
#[cfg(feature = "reqwest")]
pub mod http;
mod init;
mod integrations;
mod kind;
mod pipeline;
pub mod propagation;
mod record;
pub mod redact;
pub mod rollout;
pub mod semconv;
mod settings;
mod span;
pub mod spawn;
mod specialize;
pub mod store;
mod stream;
pub mod testing;
mod tree;
mod value;

#[doc(hidden)]
pub mod __private;

pub use activation::{is_enabled, set_enabled};
pub use agentrace_macros::{
    trace, trace_agent, trace_embedding, trace_format, trace_llm, trace_tool,
};
pub use attribute::ToAttribute;
pub use collect::{collect_spans, collect_spans_async};
pub use config::{
    builder, BatchConfig, Builder, Config, ConfigError, ExporterConfig, OtlpConfig, Protocol,
    Sampling,
};
pub use error_type::ErrorType;
pub use export::{dropped_spans, export_stats, BatchProcessor, ConsoleExporter, ExportStats};
pub use init::{flush, init, init_with_config, init_with_provider, TracingGuard};
pub use kind::OperationKind;
pub use pipeline::{install, CollectingProcessor, InstallError, INSTRUMENTATION_NAME};
pub use record::{
    RecordEvent, RecordKind, RecordLink, RecordResource, RecordStatus, SpanRecord, StatusCode,
};
pub use settings::{
    capture_content, max_attribute_bytes, max_capture_depth, openinference, set_capture_content,
    set_max_attribute_bytes, set_max_capture_depth, set_max_stream_output_bytes, set_openinference,
    DEFAULT_MAX_ATTRIBUTE_BYTES, DEFAULT_MAX_CAPTURE_DEPTH, DEFAULT_MAX_OUTPUT_BYTES,
};
pub use tree::render_tree;
