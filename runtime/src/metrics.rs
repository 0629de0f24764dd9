//! The OpenTelemetry GenAI client metrics (semantic conventions v1.41) of traced LLM and
//! embedding calls (feature `metrics`, on by default):
//!
//! | metric | instrument, unit | attributes |
//! |---|---|---|
//! | `gen_ai.client.token.usage` | histogram, `{token}` | `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.token.type` (`input`/`output`), `gen_ai.request.model`, `gen_ai.response.model`, `server.address`, `server.port` |
//! | `gen_ai.client.operation.duration` | histogram, `s` | the same without `gen_ai.token.type`, with `error.type` on failure |
//! | `gen_ai.client.operation.time_to_first_chunk` | histogram, `s` | as the duration, for streamed calls |
//!
//! They are read from the finished span of each call whose `gen_ai.operation.name` is
//! `chat`, `text_completion`, `generate_content` or `embeddings` (the model, usage and error
//! the extractors, `current_span()` and the return value put there), by the
//! [`CollectingProcessor`](crate::pipeline::CollectingProcessor) every agentrace pipeline
//! runs, so the metrics and the spans never disagree. Attributes a span lacks are left out
//! (`server.*` appear when the span has them, e.g. from `attributes(..)`).
//!
//! They are recorded only when a meter is configured: `OTEL_METRICS_EXPORTER=otlp` or
//! `console` (the default is `none`), [`Builder::metrics`](crate::Builder::metrics), or a
//! meter provider of the application's own ([`Builder::meter_provider`](crate::Builder::meter_provider)).
//! Otherwise an ending span costs one more atomic load, and nothing else.
//!
//! Metrics count every call, sampled or not: with metrics on, the sampler agentrace builds
//! keeps the spans of LLM and embedding calls it would drop recording (`RecordOnly`: read
//! for the metrics, never exported nor handed to collection scopes). With a tracer provider
//! of the application's own ([`Builder::provider`](crate::Builder::provider)), its sampler
//! decides, and dropped calls are not counted.
//!
//! ```
//! use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
//!
//! #[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
//! fn ask(prompt: &str) -> String {
//!     agentrace::current_span().record_usage(prompt.len(), 7);
//!     "answer".into()
//! }
//!
//! let exporter = InMemoryMetricExporter::default();
//! let meters = SdkMeterProvider::builder()
//!     .with_reader(PeriodicReader::builder(exporter.clone()).build())
//!     .build();
//! let tracing = agentrace::builder().no_export().meter_provider(meters).init().unwrap();
//! ask("hello");
//! tracing.flush().unwrap();
//! let exported = exporter.get_finished_metrics().unwrap();
//! let names: Vec<_> = exported[0].scope_metrics().flat_map(|scope| scope.metrics()).map(|m| m.name()).collect();
//! assert!(names.contains(&"gen_ai.client.token.usage"));
//! assert!(names.contains(&"gen_ai.client.operation.duration"));
//! ```

use std::sync::OnceLock;

use opentelemetry::metrics::{Histogram, Meter, MeterProvider as _};
use opentelemetry::trace::{Link, SpanKind, Status, TraceId};
use opentelemetry::{Context, InstrumentationScope, KeyValue, Value};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{Sampler, SamplingDecision, SamplingResult, ShouldSample, SpanData};

use crate::semconv;

/// The instrumentation scope of the metrics: `agentrace`, as the spans' (the pipeline's
/// `INSTRUMENTATION_NAME`, not imported: the pipeline calls this module).
const INSTRUMENTATION_NAME: &str = "agentrace";

/// The explicit bucket boundaries of `gen_ai.client.token.usage`: 1, 4, 16, ... 67108864
/// (powers of 4).
pub const TOKEN_USAGE_BOUNDARIES: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

/// The explicit bucket boundaries, in seconds, of `gen_ai.client.operation.duration` and
/// `gen_ai.client.operation.time_to_first_chunk`: 0.01, 0.02, 0.04, ... 81.92 (doubling).
pub const DURATION_BOUNDARIES: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// The metrics of this process, set once by `init` when a meter is configured.
static INSTALLED: OnceLock<GenAiMetrics> = OnceLock::new();

/// Records into `provider`'s meter from now on; `false` if metrics were installed already.
pub(crate) fn install(provider: &SdkMeterProvider) -> bool {
    let meter = provider.meter_with_scope(
        InstrumentationScope::builder(INSTRUMENTATION_NAME)
            .with_version(env!("CARGO_PKG_VERSION"))
            .build(),
    );
    INSTALLED.set(GenAiMetrics::new(&meter)).is_ok()
}

/// Records the metrics of a finished span, if metrics are on and it is an LLM or embedding
/// call; one atomic load otherwise.
#[inline]
pub(crate) fn record(span: &SpanData) {
    if let Some(metrics) = INSTALLED.get() {
        metrics.record(span);
    }
}

/// A sampler that keeps the LLM and embedding calls `inner` drops recording, unsampled, so
/// that their metrics are recorded while their spans are not exported.
#[derive(Debug, Clone)]
pub(crate) struct RecordGenAiCalls(pub(crate) Sampler);

impl ShouldSample for RecordGenAiCalls {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let mut result =
            self.0
                .should_sample(parent_context, trace_id, name, span_kind, attributes, links);
        if result.decision == SamplingDecision::Drop
            && attributes.iter().any(|kv| {
                kv.key.as_str() == semconv::GEN_AI_OPERATION_NAME && is_client_operation(&kv.value)
            })
        {
            result.decision = SamplingDecision::RecordOnly;
        }
        result
    }
}

/// The three GenAI client histograms.
#[derive(Debug)]
struct GenAiMetrics {
    token_usage: Histogram<u64>,
    duration: Histogram<f64>,
    time_to_first_chunk: Histogram<f64>,
}

impl GenAiMetrics {
    fn new(meter: &Meter) -> Self {
        GenAiMetrics {
            token_usage: meter
                .u64_histogram(semconv::GEN_AI_CLIENT_TOKEN_USAGE)
                .with_unit("{token}")
                .with_description("Number of input and output tokens used")
                .with_boundaries(TOKEN_USAGE_BOUNDARIES.to_vec())
                .build(),
            duration: meter
                .f64_histogram(semconv::GEN_AI_CLIENT_OPERATION_DURATION)
                .with_unit("s")
                .with_description("GenAI operation duration")
                .with_boundaries(DURATION_BOUNDARIES.to_vec())
                .build(),
            time_to_first_chunk: meter
                .f64_histogram(semconv::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)
                .with_unit("s")
                .with_description("Time to receive the first chunk of a streamed response")
                .with_boundaries(DURATION_BOUNDARIES.to_vec())
                .build(),
        }
    }

    fn record(&self, span: &SpanData) {
        let Some(call) = CallFacts::read(span) else {
            return;
        };
        let mut attributes = call.attributes;
        let seconds = span
            .end_time
            .duration_since(span.start_time)
            .unwrap_or_default()
            .as_secs_f64();
        if let Some(seconds) = call.first_chunk_seconds {
            self.time_to_first_chunk.record(seconds, &attributes);
        }
        let common = attributes.len();
        for (kind, tokens) in [("input", call.input_tokens), ("output", call.output_tokens)] {
            if let Some(tokens) = tokens {
                attributes.truncate(common);
                attributes.push(KeyValue::new(semconv::GEN_AI_TOKEN_TYPE, kind));
                self.token_usage.record(tokens, &attributes);
            }
        }
        attributes.truncate(common);
        match (call.error_type, &span.status) {
            (Some(class), _) => attributes.push(KeyValue::new(semconv::ERROR_TYPE, class)),
            (None, Status::Error { .. }) => {
                attributes.push(KeyValue::new(semconv::ERROR_TYPE, "_OTHER"))
            }
            (None, _) => {}
        }
        self.duration.record(seconds, &attributes);
    }
}

/// What one finished span says about its call, for the metrics.
struct CallFacts {
    /// Operation, provider, models and server: the attributes every metric of the call has.
    attributes: Vec<KeyValue>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    first_chunk_seconds: Option<f64>,
    error_type: Option<Value>,
}

impl CallFacts {
    /// `None` unless the span is an LLM or embedding call.
    fn read(span: &SpanData) -> Option<Self> {
        let operation = span
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == semconv::GEN_AI_OPERATION_NAME)?;
        if !is_client_operation(&operation.value) {
            return None;
        }
        let mut facts = CallFacts {
            attributes: Vec::with_capacity(8),
            input_tokens: None,
            output_tokens: None,
            first_chunk_seconds: None,
            error_type: None,
        };
        for kv in &span.attributes {
            match kv.key.as_str() {
                semconv::GEN_AI_OPERATION_NAME
                | semconv::GEN_AI_PROVIDER_NAME
                | semconv::GEN_AI_REQUEST_MODEL
                | semconv::GEN_AI_RESPONSE_MODEL
                | semconv::SERVER_ADDRESS
                | semconv::SERVER_PORT => facts.attributes.push(kv.clone()),
                semconv::GEN_AI_USAGE_INPUT_TOKENS => facts.input_tokens = count(&kv.value),
                semconv::GEN_AI_USAGE_OUTPUT_TOKENS => facts.output_tokens = count(&kv.value),
                semconv::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK => {
                    facts.first_chunk_seconds = seconds(&kv.value)
                }
                semconv::ERROR_TYPE => facts.error_type = Some(kv.value.clone()),
                _ => {}
            }
        }
        Some(facts)
    }
}

/// The operations of `#[trace_llm]` and `#[trace_embedding]`: what the GenAI client metrics
/// are about.
fn is_client_operation(operation: &Value) -> bool {
    match operation {
        Value::String(name) => matches!(
            name.as_str(),
            "chat" | "text_completion" | "generate_content" | "embeddings"
        ),
        _ => false,
    }
}

fn count(value: &Value) -> Option<u64> {
    match value {
        Value::I64(count) => u64::try_from(*count).ok(),
        Value::F64(count) if *count >= 0.0 => Some(*count as u64),
        Value::String(text) => text.as_str().parse().ok(),
        _ => None,
    }
}

fn seconds(value: &Value) -> Option<f64> {
    match value {
        Value::F64(seconds) if *seconds >= 0.0 => Some(*seconds),
        Value::I64(seconds) if *seconds >= 0 => Some(*seconds as f64),
        _ => None,
    }
}
