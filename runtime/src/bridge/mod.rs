//! The `tracing` bridge (feature `tracing`): [`tracing_layer`] records the spans and events
//! of the `tracing` ecosystem (rig, genai, your own `#[instrument]`ed code) through
//! agentrace's pipeline, so that they and agentrace's spans make one trace.

mod fields;
mod genai;
mod layer;

pub use layer::TracingLayer;

/// A [`tracing_subscriber::Layer`] that records `tracing` spans and events through
/// agentrace's own pipeline: the provider [`init`](crate::init) set up (its sampler,
/// exporter and store), redaction, the content switch, rollout scopes and the test kit
/// ([`testing::capture`](crate::testing::capture)) all apply to them.
///
/// - **One trace, both ways.** A `tracing` span made inside an agentrace span is its child,
///   also one a library opens as a root (`parent: None`) because it saw no `tracing`
///   parent. While a `tracing` span is entered (`.entered()`, `.instrument()`,
///   `in_current_span()`), it is the current OpenTelemetry context: agentrace spans made
///   inside are its children, across `.await` and in spawned tasks it is entered in.
/// - **Events.** A `tracing` event becomes an event of the innermost current span, an
///   agentrace span or a `tracing` one; an `error` field fails the `tracing` span it is on.
/// - **Typed fields.** Integers stay integers (a `u64` token count is an integer
///   attribute), floats and booleans too; text is redacted; message content
///   (`gen_ai.input.messages`, `gen_ai.output.messages`, tool arguments and results, ...)
///   is left out while content capture is off. `otel.name`, `otel.kind`,
///   `otel.status_code` and `otel.status_message` set the span's name, kind and status.
/// - **GenAI spans of libraries** (those with `gen_ai.operation.name`) look like
///   agentrace's own: named `chat {model}`, `execute_tool {tool}`, `invoke_agent {agent}`,
///   CLIENT for model calls (when the operation is known as the span starts), status OK or
///   ERROR, `openinference.span.kind` and the `llm.*` mirrors; their token counts add up in
///   the store's totals.
///
/// With tracing off, the layer makes nothing: a callback returns after one atomic load (a
/// span made while tracing was on is still ended when it closes). Add it to the subscriber the
/// application builds (with `tracing-opentelemetry` in the same subscriber, add this layer
/// after it, so that its context is the innermost while a span is entered), or let
/// [`Builder::tracing_subscriber`](crate::Builder::tracing_subscriber) install a subscriber
/// made of it alone.
///
/// ```
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// #[agentrace::trace_agent(name = "assistant")]
/// fn turn() {
///     let _step = tracing::info_span!("plan", steps = 3u64).entered();
///     tracing::info!(answer = 42, "planned");
/// }
///
/// let subscriber = tracing_subscriber::registry().with(agentrace::tracing_layer());
/// let (_, spans) = tracing::subscriber::with_default(subscriber, || agentrace::testing::capture(turn));
/// let agent = agentrace::testing::span(&spans, "invoke_agent assistant");
/// let plan = agentrace::testing::span(&spans, "plan");
/// assert_eq!(plan.parent_id.as_deref(), Some(agent.span_id.as_str()));
/// assert_eq!(plan.attr_i64("steps"), Some(3));
/// assert!(plan.event("planned").is_some());
/// ```
pub fn tracing_layer() -> TracingLayer {
    TracingLayer::new()
}
