//! Starting and stopping tracing for the process: [`init`], [`init_with_provider`], the
//! [`TracingGuard`] that flushes and shuts down when dropped, and [`flush`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::resource::TelemetryResourceDetector;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;

use crate::config::{builder, BatchConfig, Builder, Config, ConfigError};
use crate::export::{self, Counters};
use crate::pipeline::{self, CollectingProcessor};

/// Set by the first successful `init` (or `init_with_provider`): a process is set up once.
static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Sets up tracing for the whole process from the environment; call it once at the start
/// of `main` and keep the guard until the end.
///
/// Reads the standard `OTEL_*` variables (`OTEL_SDK_DISABLED`, `OTEL_SERVICE_NAME`,
/// `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`,
/// `_PROTOCOL`, `_HEADERS`, `_TIMEOUT`, `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`,
/// `OTEL_BSP_*`, `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`) and agentrace's own
/// (`AGENTRACE_CAPTURE_CONTENT` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`,
/// `AGENTRACE_MAX_STREAM_OUTPUT_BYTES`, `PHOENIX_PROJECT_NAME`). With no endpoint set, each
/// finished trace is printed as a tree on standard output. An invalid value is an error
/// naming the variable and the value; a second call is [`ConfigError::AlreadyInitialized`].
///
/// ```no_run
/// fn main() -> Result<(), agentrace::ConfigError> {
///     let _tracing = agentrace::init()?;
///     // ... run the agent; spans are flushed when `_tracing` drops
///     Ok(())
/// }
/// ```
pub fn init() -> Result<TracingGuard, ConfigError> {
    builder().init()
}

impl Builder {
    /// Resolves the settings ([`build_config`](Builder::build_config)) and sets up tracing
    /// for the process with them, as [`init`] does.
    pub fn init(self) -> Result<TracingGuard, ConfigError> {
        init_with_config(self.build_config()?)
    }
}

/// Sets up tracing for the process with settings resolved already.
pub fn init_with_config(config: Config) -> Result<TracingGuard, ConfigError> {
    if pipeline::is_installed() || INITIALIZED.swap(true, Ordering::AcqRel) {
        return Err(ConfigError::AlreadyInitialized);
    }
    match start(&config) {
        Ok(guard) => Ok(guard),
        Err(error) => {
            INITIALIZED.store(false, Ordering::Release);
            Err(error)
        }
    }
}

fn start(config: &Config) -> Result<TracingGuard, ConfigError> {
    if let Some(capture) = config.capture_content {
        crate::settings::set_capture_content(capture);
    }
    if let Some(bytes) = config.max_stream_output_bytes {
        crate::settings::set_max_stream_output_bytes(bytes);
    }
    if config.disabled {
        return Ok(TracingGuard {
            provider: None,
            counters: None,
            timeout: config.batch.export_timeout,
        });
    }
    let processor = export::processor_for(config)?;
    let counters = processor.as_ref().map(|processor| processor.counters());
    let collecting = match processor {
        Some(processor) => CollectingProcessor::wrapping(processor),
        None => CollectingProcessor::new(),
    };
    let mut provider = SdkTracerProvider::builder()
        .with_resource(resource(config))
        .with_sampler(config.sampler.to_sdk())
        .with_span_processor(collecting);
    if let Some(count) = config.max_attributes_per_span {
        provider = provider.with_max_attributes_per_span(count);
    }
    let provider = provider.build();
    if pipeline::install(&provider).is_err() {
        let _ = provider.shutdown_with_timeout(Duration::from_millis(100));
        return Err(ConfigError::AlreadyInitialized);
    }
    if let Some(counters) = &counters {
        export::set_installed_counters(counters.clone());
    }
    Ok(TracingGuard {
        provider: Some(provider),
        counters,
        timeout: config.batch.export_timeout,
    })
}

/// The resource of every span: service name and version, the Phoenix project, the
/// attributes of `OTEL_RESOURCE_ATTRIBUTES` and the SDK's own.
fn resource(config: &Config) -> Resource {
    let mut attributes = vec![KeyValue::new("service.name", config.service_name.clone())];
    if let Some(version) = &config.service_version {
        attributes.push(KeyValue::new("service.version", version.clone()));
    }
    if let Some(project) = &config.project_name {
        attributes.push(KeyValue::new("openinference.project.name", project.clone()));
    }
    attributes.extend(
        config
            .resource_attributes
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone())),
    );
    Resource::builder_empty()
        .with_detector(Box::new(TelemetryResourceDetector))
        .with_attributes(attributes)
        .build()
}

/// Makes `provider`, built by the application, the pipeline of every traced call, with a
/// guard that shuts it down. Wrap its exporting processor in a
/// [`CollectingProcessor`](crate::CollectingProcessor) so collection scopes see its spans.
///
/// ```
/// use agentrace::CollectingProcessor;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(exporter.clone())))
///     .build();
/// let guard = agentrace::init_with_provider(provider).unwrap();
/// assert!(matches!(agentrace::init(), Err(agentrace::ConfigError::AlreadyInitialized)));
/// # drop(guard);
/// ```
pub fn init_with_provider(provider: SdkTracerProvider) -> Result<TracingGuard, ConfigError> {
    if pipeline::is_installed() || INITIALIZED.swap(true, Ordering::AcqRel) {
        return Err(ConfigError::AlreadyInitialized);
    }
    pipeline::install(&provider).map_err(|_| ConfigError::AlreadyInitialized)?;
    let timeout = BatchConfig::default().export_timeout;
    Ok(TracingGuard {
        provider: Some(provider),
        counters: None,
        timeout,
    })
}

/// Keeps tracing set up; dropping it exports what is queued and shuts the pipeline down,
/// waiting at most the export timeout (`OTEL_BSP_EXPORT_TIMEOUT`, 30 s by default). Spans
/// that could not be delivered are counted ([`export_stats`](crate::export_stats)) and
/// reported once on standard error. After that, traced calls run straight through.
#[must_use = "dropping the guard shuts tracing down: keep it until the end of main"]
#[derive(Debug)]
pub struct TracingGuard {
    provider: Option<SdkTracerProvider>,
    counters: Option<Arc<Counters>>,
    timeout: Duration,
}

impl TracingGuard {
    /// How long shutdown waits for the last exports.
    pub fn shutdown_timeout(&self) -> Duration {
        self.timeout
    }

    /// Exports what is queued and shuts the pipeline down now, saying whether everything
    /// was delivered in time.
    pub fn shutdown(mut self) -> OTelSdkResult {
        self.stop()
    }

    fn stop(&mut self) -> OTelSdkResult {
        let Some(provider) = self.provider.take() else {
            return Ok(());
        };
        crate::activation::set_installed(false);
        let result = provider.shutdown_with_timeout(self.timeout);
        if let (Err(error), None) = (&result, &self.counters) {
            eprintln!("agentrace: shutting the tracer provider down failed: {error}");
        }
        result
    }
}

impl Drop for TracingGuard {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Exports every span queued so far and waits for it, at most the export timeout. Without
/// an installed pipeline there is nothing to flush.
///
/// ```
/// agentrace::flush().unwrap();
/// ```
pub fn flush() -> OTelSdkResult {
    match pipeline::installed_provider() {
        Some(provider) => provider.force_flush(),
        None => Ok(()),
    }
}
