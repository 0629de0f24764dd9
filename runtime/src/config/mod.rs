//! Settings of the tracing pipeline, resolved once at startup: where spans go, how they are
//! batched and sampled, what the resource says, what is captured. [`Builder`] fills them from
//! code and from the environment (code wins); [`Config`] is the result that
//! [`Builder::init`] acts on.

mod builder;
mod env;
#[cfg(feature = "metrics")]
mod metrics;
mod presets;
mod transport;
mod transport_methods;

pub use agentrace_export::{
    BatchConfig, Compression, ExporterConfig, OtlpConfig, Protocol, TlsFiles,
};
#[cfg(feature = "metrics")]
pub use agentrace_export::{MetricsConfig, MetricsExporterConfig};
pub use agentrace_store::Retention;
pub use builder::{builder, Builder};
#[cfg(feature = "metrics")]
pub use metrics::Metrics;

/// The resolved settings of the tracing pipeline.
///
/// [`Builder::build_config`] shows what [`Builder::init`] would act on, without starting:
///
/// ```
/// use agentrace::config::ExporterConfig;
///
/// let env = |name: &str| match name {
///     "OTEL_SERVICE_NAME" => Some("support-bot".to_string()),
///     "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://localhost:4318".to_string()),
///     _ => None,
/// };
/// let config = agentrace::builder().with_env(env).build_config().unwrap();
/// assert_eq!(config.service_name, "support-bot");
/// match &config.exporter {
///     ExporterConfig::Otlp(otlp) => assert_eq!(otlp.endpoint, "http://localhost:4318/v1/traces"),
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
    /// The limit on the JSON text of one captured attribute ([`Builder::max_attribute_bytes`]).
    pub max_attribute_bytes: Option<usize>,
    /// The nesting depth past which captured values are cut ([`Builder::max_capture_depth`]).
    pub max_capture_depth: Option<usize>,
    /// Whether GenAI attributes are mirrored under their OpenInference names
    /// ([`Builder::openinference`]).
    pub openinference: Option<bool>,
    /// Whether the attributes Agent Lightning's adapters read are written besides the GenAI
    /// ones: flattened `gen_ai.prompt.{i}.role/content`, `gen_ai.completion.{i}.role/content`
    /// and `agent.name` ([`Builder::agent_lightning`], `AGENTRACE_AGENT_LIGHTNING`).
    pub agent_lightning: bool,
    /// The embedded store's bounds (`AGENTRACE_STORE_MAX_BYTES`, `AGENTRACE_STORE_RETENTION`,
    /// [`Builder::store_retention`]; 1 GiB and 30 days by default).
    pub store_retention: Retention,
    /// Where the GenAI metrics go and how often (`OTEL_METRICS_EXPORTER`,
    /// `OTEL_METRIC_EXPORT_INTERVAL`, [`Builder::metrics`]; none by default).
    #[cfg(feature = "metrics")]
    pub metrics: MetricsConfig,
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
