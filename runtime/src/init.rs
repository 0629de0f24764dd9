//! Starting tracing for the process: [`init`] and [`Builder::init`], the one way in. They
//! apply the settings, build (or adopt) the tracer provider, install it, and hand back the
//! [`Tracing`] guard.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::resource::TelemetryResourceDetector;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;

use crate::config::{builder, Builder, Config};
use crate::handle::{Tracing, TracingHandle};
use crate::pipeline::{self, CollectingProcessor};
use crate::{capture, settings, Error};

/// Set by the first successful `init`: a process is set up once.
static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Sets up tracing for the whole process from the environment; call it once at the start
/// of `main` and keep the guard until the end. The same as `agentrace::builder().init()`.
///
/// Reads the standard `OTEL_*` variables (`OTEL_SDK_DISABLED`, `OTEL_SERVICE_NAME`,
/// `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`,
/// `_PROTOCOL`, `_HEADERS`, `_TIMEOUT`, `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`,
/// `OTEL_BSP_*`, `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`) and agentrace's own
/// (`AGENTRACE_CAPTURE_CONTENT` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`,
/// `AGENTRACE_MAX_STREAM_OUTPUT_BYTES`, `PHOENIX_PROJECT_NAME`, `AGENTRACE_STORE`), and, with
/// the `metrics` feature, `OTEL_METRICS_EXPORTER` and `OTEL_METRIC_EXPORT_INTERVAL` (see
/// `agentrace::metrics`; no metrics unless asked for). With no
/// endpoint set, spans go to the embedded span store (`.agentrace/traces.db`, read by the
/// `agentrace` viewer). An invalid value is an error naming the variable and the value; a
/// second call is [`Error::AlreadyInitialized`].
///
/// ```no_run
/// fn main() -> Result<(), agentrace::Error> {
///     let _tracing = agentrace::init()?;
///     // ... run the agent; spans are flushed when `_tracing` drops
///     Ok(())
/// }
/// ```
pub fn init() -> Result<Tracing, Error> {
    builder().init()
}

impl Builder {
    /// Resolves the settings ([`build_config`](Builder::build_config)) and sets up tracing
    /// for the process with them; see [`init`] for what is read from the environment.
    ///
    /// ```no_run
    /// let tracing = agentrace::builder()
    ///     .service_name("support-bot")
    ///     .phoenix("http://localhost:6006", "support-bot")
    ///     .init()?;
    /// tracing.set_capture_content(false); // switches that stay live are on the handle
    /// # Ok::<(), agentrace::Error>(())
    /// ```
    pub fn init(mut self) -> Result<Tracing, Error> {
        let provider = self.provider.take();
        if provider.is_some() && self.target_set() {
            return Err(Error::invalid(
                "builder.provider",
                "a provider of your own",
                "the exporter is the provider's: drop the builder's exporter setting",
            ));
        }
        let redaction = self.redaction.take();
        #[cfg(feature = "metrics")]
        let meter_provider = self.meter_provider.take();
        #[cfg(feature = "tracing")]
        let subscriber = self.tracing_subscriber;
        let config = self.build_config()?;
        #[cfg(feature = "tracing")]
        if subscriber && tracing_core::dispatcher::has_been_set() {
            return Err(Error::invalid(
                "builder.tracing_subscriber",
                "true",
                "a global `tracing` subscriber is set already: add agentrace::tracing_layer() to it",
            ));
        }
        if pipeline::is_installed() || INITIALIZED.swap(true, Ordering::AcqRel) {
            return Err(Error::AlreadyInitialized);
        }
        apply_capture_settings(&config, redaction);
        #[cfg(feature = "metrics")]
        let metrics_on = meter_provider.is_some()
            || config.metrics.exporter != agentrace_export::MetricsExporterConfig::None;
        #[cfg(not(feature = "metrics"))]
        let metrics_on = false;
        let started = match provider {
            Some(provider) => adopt(provider, &config),
            None => start(&config, metrics_on),
        };
        #[cfg(feature = "metrics")]
        let started = started.and_then(|tracing| start_metrics(tracing, &config, meter_provider));
        if started.is_err() {
            INITIALIZED.store(false, Ordering::Release);
        }
        #[cfg(feature = "tracing")]
        if subscriber && started.is_ok() {
            install_tracing_subscriber()?;
        }
        started
    }
}

/// Makes a subscriber of the registry and the bridge the process's global `tracing` one.
#[cfg(feature = "tracing")]
fn install_tracing_subscriber() -> Result<(), Error> {
    use tracing_subscriber::layer::SubscriberExt as _;
    let subscriber = tracing_subscriber::registry().with(crate::tracing_layer());
    tracing_core::dispatcher::set_global_default(tracing_core::Dispatch::new(subscriber)).map_err(
        |_| {
            Error::invalid(
                "builder.tracing_subscriber",
                "true",
                "a global `tracing` subscriber is set already: add agentrace::tracing_layer() to it",
            )
        },
    )
}

/// The settings read while spans record, from the builder and the environment.
fn apply_capture_settings(config: &Config, redaction: Option<capture::Redaction>) {
    if let Some(capture) = config.capture_content {
        settings::set_capture_content(capture);
    }
    if let Some(bytes) = config.max_stream_output_bytes {
        settings::set_max_stream_output_bytes(bytes);
    }
    if let Some(bytes) = config.max_attribute_bytes {
        settings::set_max_attribute_bytes(bytes);
    }
    if let Some(depth) = config.max_capture_depth {
        settings::set_max_capture_depth(depth);
    }
    if let Some(mirror) = config.openinference {
        settings::set_openinference(mirror);
    }
    if config.agent_lightning {
        settings::set_agent_lightning(true);
    }
    if let Some(redaction) = redaction {
        capture::configure(redaction);
    }
}

/// Builds and installs the pipeline; with `metrics_on`, LLM and embedding calls the sampler
/// drops still record (unsampled), for their metrics.
fn start(config: &Config, metrics_on: bool) -> Result<Tracing, Error> {
    let timeout = config.batch.export_timeout;
    if config.disabled {
        return Ok(Tracing::new(None, TracingHandle::new(None, None), timeout));
    }
    let processor =
        agentrace_export::processor_for(&config.exporter, config.batch, config.store_retention)
            .map_err(Error::Exporter)?;
    let counters = processor.as_ref().map(|processor| processor.counters());
    let collecting = match processor {
        Some(processor) => CollectingProcessor::wrapping(processor),
        None => CollectingProcessor::new(),
    };
    let provider = SdkTracerProvider::builder()
        .with_resource(resource(config))
        .with_span_processor(collecting);
    let mut provider = match metrics_on {
        #[cfg(feature = "metrics")]
        true => provider.with_sampler(crate::metrics::RecordGenAiCalls(config.sampler.to_sdk())),
        _ => provider.with_sampler(config.sampler.to_sdk()),
    };
    if let Some(count) = config.max_attributes_per_span {
        provider = provider.with_max_attributes_per_span(count);
    }
    let provider = provider.build();
    if pipeline::install(&provider).is_err() {
        let _ = provider.shutdown_with_timeout(Duration::from_millis(100));
        return Err(Error::AlreadyInitialized);
    }
    let handle = TracingHandle::new(Some(provider.clone()), counters);
    Ok(Tracing::new(Some(provider), handle, timeout))
}

/// Installs a provider the application built ([`Builder::provider`]).
fn adopt(provider: SdkTracerProvider, config: &Config) -> Result<Tracing, Error> {
    pipeline::install(&provider).map_err(|_| Error::AlreadyInitialized)?;
    let handle = TracingHandle::new(Some(provider.clone()), None);
    Ok(Tracing::new(
        Some(provider),
        handle,
        config.batch.export_timeout,
    ))
}

/// Starts the GenAI metrics the settings ask for (or records into the application's meter
/// provider), handing the provider to the guard that flushes and shuts it down.
#[cfg(feature = "metrics")]
fn start_metrics(
    tracing: Tracing,
    config: &Config,
    own: Option<opentelemetry_sdk::metrics::SdkMeterProvider>,
) -> Result<Tracing, Error> {
    if config.disabled {
        return Ok(tracing);
    }
    let meters = match own {
        Some(meters) => meters,
        None => match agentrace_export::meter_provider_for(&config.metrics, resource(config))
            .map_err(Error::Exporter)?
        {
            Some(meters) => meters,
            None => return Ok(tracing),
        },
    };
    crate::metrics::install(&meters);
    Ok(tracing.with_meters(meters))
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
