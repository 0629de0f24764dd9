//! Settings of the tracing pipeline, resolved once at startup: where spans go, how they are
//! batched and sampled, what the resource says. [`Builder`] fills them from code and from the
//! environment (code wins); [`Config`] is the result that [`init`](crate::init) acts on.

mod builder;
mod env;
mod error;
mod presets;

use std::time::Duration;

pub use builder::{builder, Builder};
pub use error::ConfigError;

/// The resolved settings of the tracing pipeline.
///
/// ```
/// use std::collections::HashMap;
/// let env = HashMap::from([
///     ("OTEL_SERVICE_NAME", "support-bot"),
///     ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"),
/// ]);
/// let config = agentrace::Config::from_env_map(&env).unwrap();
/// assert_eq!(config.service_name, "support-bot");
/// match &config.exporter {
///     agentrace::ExporterConfig::Otlp(otlp) => {
///         assert_eq!(otlp.endpoint, "http://localhost:4318/v1/traces")
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// `OTEL_SDK_DISABLED`: when `true`, `init` succeeds and nothing is traced.
    pub disabled: bool,
    /// `service.name` (`OTEL_SERVICE_NAME`, else `OTEL_RESOURCE_ATTRIBUTES`, else
    /// `unknown_service:<executable>`).
    pub service_name: String,
    /// `service.version` (builder, else `OTEL_RESOURCE_ATTRIBUTES`, else the
    /// `CARGO_PKG_VERSION` that `cargo run` sets), if known.
    pub service_version: Option<String>,
    /// `openinference.project.name`, the Phoenix project (`PHOENIX_PROJECT_NAME`, or the
    /// Phoenix preset).
    pub project_name: Option<String>,
    /// Further resource attributes (`OTEL_RESOURCE_ATTRIBUTES` and the builder), in order.
    pub resource_attributes: Vec<(String, String)>,
    /// Where finished spans go.
    pub exporter: ExporterConfig,
    /// Which traces are recorded.
    pub sampler: Sampling,
    /// The export queue and its batches.
    pub batch: BatchConfig,
    /// `AGENTRACE_CAPTURE_CONTENT` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`:
    /// capture of arguments and return values; `None` leaves the current switch alone.
    pub capture_content: Option<bool>,
    /// `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`: the most attributes a span keeps.
    pub max_attributes_per_span: Option<u32>,
    /// `AGENTRACE_MAX_STREAM_OUTPUT_BYTES`: the cap on a stream's captured output.
    pub max_stream_output_bytes: Option<usize>,
}

impl Config {
    /// The settings the process environment gives, as [`init`](crate::init) would use them.
    pub fn from_env() -> Result<Config, ConfigError> {
        builder().build_config()
    }

    /// The settings an environment held in `env` gives: for tests and for tools that read
    /// settings from elsewhere. Nothing is read from the process environment.
    pub fn from_env_map<K, V>(env: &std::collections::HashMap<K, V>) -> Result<Config, ConfigError>
    where
        K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
        V: AsRef<str>,
    {
        let owned: std::collections::HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.borrow().to_string(), v.as_ref().to_string()))
            .collect();
        builder()
            .with_env(move |name| owned.get(name).cloned())
            .build_config()
    }
}

/// Where finished spans go.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExporterConfig {
    /// Print each finished trace as a tree on standard output.
    Console,
    /// Write spans to the embedded SQLite store (`$AGENTRACE_STORE`, else
    /// `.agentrace/traces.db` under the current directory), read by the `agentrace` viewer.
    /// The default when no OTLP endpoint is configured (feature `sqlite`).
    Store,
    /// Send spans over OTLP.
    Otlp(OtlpConfig),
    /// Export nothing (`OTEL_TRACES_EXPORTER=none`); collection scopes still see spans.
    None,
}

/// An OTLP destination.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OtlpConfig {
    /// The URL spans are sent to: for HTTP the full traces URL (`.../v1/traces`), for gRPC
    /// the collector's address.
    pub endpoint: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// Headers (HTTP) or metadata (gRPC) sent with every export, such as authorization.
    pub headers: Vec<(String, String)>,
    /// How long one export request may take (`OTEL_EXPORTER_OTLP_TIMEOUT`, 10 s).
    pub timeout: Duration,
}

/// The OTLP wire protocol (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// `http/protobuf`, the default: works with no async runtime (feature `otlp-http`).
    #[default]
    HttpProtobuf,
    /// `grpc` (feature `otlp-grpc`).
    Grpc,
}

/// Which traces are recorded (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Sampling {
    /// Record every trace (`always_on`).
    AlwaysOn,
    /// Record nothing (`always_off`).
    AlwaysOff,
    /// Record this fraction of traces, chosen by trace id (`traceidratio`).
    Ratio(f64),
    /// Follow the parent span's decision; decide with the inner sampler at a root
    /// (`parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`, the
    /// default being `parentbased_always_on`).
    ParentBased(Box<Sampling>),
}

impl Sampling {
    pub(crate) fn to_sdk(&self) -> opentelemetry_sdk::trace::Sampler {
        use opentelemetry_sdk::trace::Sampler;
        match self {
            Sampling::AlwaysOn => Sampler::AlwaysOn,
            Sampling::AlwaysOff => Sampler::AlwaysOff,
            Sampling::Ratio(ratio) => Sampler::TraceIdRatioBased(*ratio),
            Sampling::ParentBased(root) => Sampler::ParentBased(Box::new(root.to_sdk())),
        }
    }
}

/// The export queue (`OTEL_BSP_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Spans waiting for export at most (`OTEL_BSP_MAX_QUEUE_SIZE`, 2048); spans ending while
    /// the queue is full are dropped and counted.
    pub max_queue_size: usize,
    /// Longest wait before a partial batch is sent (`OTEL_BSP_SCHEDULE_DELAY`, 5000 ms).
    pub scheduled_delay: Duration,
    /// Spans per export at most (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, 512).
    pub max_export_batch_size: usize,
    /// How long a flush or the shutdown waits for exports (`OTEL_BSP_EXPORT_TIMEOUT`,
    /// 30000 ms).
    pub export_timeout: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_queue_size: 2048,
            scheduled_delay: Duration::from_millis(5000),
            max_export_batch_size: 512,
            export_timeout: Duration::from_millis(30_000),
        }
    }
}
