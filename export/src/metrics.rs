//! Where GenAI metrics go ([`MetricsConfig`]): the meter provider [`meter_provider_for`]
//! builds, with a periodic reader that exports from its own thread every interval and once
//! more at shutdown, over OTLP ([`otlp_metric_exporter`]) or to the console.

use std::time::Duration;

use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::Resource;

use crate::OtlpConfig;

/// The default time between two metric exports (`OTEL_METRIC_EXPORT_INTERVAL`, 60 s).
pub const DEFAULT_METRIC_EXPORT_INTERVAL: Duration = Duration::from_secs(60);

/// Where metrics go (`OTEL_METRICS_EXPORTER`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MetricsExporterConfig {
    /// Record nothing (`none`, the default): no meter, no histogram work.
    None,
    /// Print the metrics on standard output at each export (`console`).
    Console,
    /// Send the metrics over OTLP (`otlp`): for HTTP `endpoint` is the full metrics URL
    /// (`.../v1/metrics`), for gRPC the collector's address.
    Otlp(OtlpConfig),
}

/// The metric pipeline: where metrics go and how often.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MetricsConfig {
    /// Where metrics go.
    pub exporter: MetricsExporterConfig,
    /// Time between two exports (`OTEL_METRIC_EXPORT_INTERVAL`, 60 s); the last export
    /// happens at shutdown.
    pub interval: Duration,
}

impl Default for MetricsConfig {
    /// No metrics.
    fn default() -> Self {
        MetricsConfig {
            exporter: MetricsExporterConfig::None,
            interval: DEFAULT_METRIC_EXPORT_INTERVAL,
        }
    }
}

impl MetricsConfig {
    /// Metrics sent to `exporter` every `interval`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use agentrace_export::{MetricsConfig, MetricsExporterConfig};
    /// let config = MetricsConfig::new(MetricsExporterConfig::Console, Duration::from_secs(10));
    /// assert_eq!(config.interval, Duration::from_secs(10));
    /// ```
    pub fn new(exporter: MetricsExporterConfig, interval: Duration) -> Self {
        MetricsConfig { exporter, interval }
    }
}

/// The meter provider for `config`, exporting with `resource` from a reader thread of its
/// own, or `None` when no metrics are asked for. `Err` says why the exporter could not be
/// made.
///
/// ```
/// use agentrace_export::{meter_provider_for, MetricsConfig};
/// use opentelemetry_sdk::Resource;
/// assert!(meter_provider_for(&MetricsConfig::default(), Resource::builder_empty().build())
///     .unwrap()
///     .is_none());
/// ```
pub fn meter_provider_for(
    config: &MetricsConfig,
    resource: Resource,
) -> Result<Option<SdkMeterProvider>, String> {
    let builder = SdkMeterProvider::builder().with_resource(resource);
    let builder = match &config.exporter {
        MetricsExporterConfig::None => return Ok(None),
        MetricsExporterConfig::Console => builder.with_reader(
            PeriodicReader::builder(opentelemetry_stdout::MetricExporter::default())
                .with_interval(config.interval)
                .build(),
        ),
        MetricsExporterConfig::Otlp(otlp) => builder.with_reader(
            PeriodicReader::builder(otlp_metric_exporter(otlp)?)
                .with_interval(config.interval)
                .build(),
        ),
    };
    Ok(Some(builder.build()))
}

/// The OTLP metric exporter for `config` (endpoint, protocol, headers, timeout, TLS files and
/// compression), the metrics' counterpart of the span exporter built from the same settings. Over gRPC it
/// runs on a small tokio runtime of its own, so that the reader thread needs none.
#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
pub fn otlp_metric_exporter(config: &OtlpConfig) -> Result<OtlpMetricExporter, String> {
    use opentelemetry_otlp::WithExportConfig;

    let failed = |error: &dyn std::fmt::Display| {
        format!("OTLP metric exporter for {}: {error}", config.endpoint)
    };
    match config.protocol {
        #[cfg(feature = "otlp-http")]
        crate::Protocol::HttpProtobuf => {
            use opentelemetry_otlp::WithHttpConfig;
            let builder = opentelemetry_otlp::MetricExporter::builder()
                .with_http()
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_endpoint(config.endpoint.clone())
                .with_timeout(config.timeout)
                .with_headers(config.headers.iter().cloned().collect());
            crate::apply_http_transport(builder, config)?
                .build()
                .map(|exporter| OtlpMetricExporter::new(exporter, None))
                .map_err(|error| failed(&error))
        }
        #[cfg(feature = "otlp-grpc")]
        crate::Protocol::Grpc => {
            use opentelemetry_otlp::WithTonicConfig;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| failed(&error))?;
            let metadata = grpc_metadata(&config.headers)?;
            let exporter = {
                let _entered = runtime.enter();
                let builder = opentelemetry_otlp::MetricExporter::builder()
                    .with_tonic()
                    .with_protocol(opentelemetry_otlp::Protocol::Grpc)
                    .with_endpoint(config.endpoint.clone())
                    .with_timeout(config.timeout)
                    .with_metadata(metadata);
                crate::apply_grpc_transport(builder, config)?
                    .build()
                    .map_err(|error| failed(&error))?
            };
            Ok(OtlpMetricExporter::new(exporter, Some(runtime)))
        }
        #[allow(unreachable_patterns)]
        other => Err(format!("agentrace was built without support for {other:?}")),
    }
}

/// The headers as gRPC metadata.
#[cfg(feature = "otlp-grpc")]
fn grpc_metadata(headers: &[(String, String)]) -> Result<tonic::metadata::MetadataMap, String> {
    let mut metadata = tonic::metadata::MetadataMap::new();
    for (name, value) in headers {
        let key =
            tonic::metadata::AsciiMetadataKey::from_bytes(name.to_ascii_lowercase().as_bytes())
                .map_err(|error| format!("header {name:?}: {error}"))?;
        let value = value
            .parse()
            .map_err(|error| format!("header {name:?}: {error}"))?;
        metadata.insert(key, value);
    }
    Ok(metadata)
}

/// Without an OTLP feature there is no OTLP metric exporter.
#[cfg(not(any(feature = "otlp-http", feature = "otlp-grpc")))]
pub fn otlp_metric_exporter(config: &OtlpConfig) -> Result<OtlpMetricExporter, String> {
    Err(format!(
        "OTLP metrics to {}: agentrace was built without `otlp-http` or `otlp-grpc`",
        config.endpoint
    ))
}

#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
pub use with_otlp::OtlpMetricExporter;

#[cfg(not(any(feature = "otlp-http", feature = "otlp-grpc")))]
pub use without_otlp::OtlpMetricExporter;

#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
mod with_otlp {
    use std::time::Duration;

    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::metrics::data::ResourceMetrics;
    use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
    use opentelemetry_sdk::metrics::Temporality;

    /// The OTLP metric exporter, driven where its transport needs: in place over HTTP, on a
    /// tokio runtime of its own over gRPC.
    #[derive(Debug)]
    pub struct OtlpMetricExporter {
        inner: opentelemetry_otlp::MetricExporter,
        #[cfg(feature = "otlp-grpc")]
        runtime: Option<tokio::runtime::Runtime>,
    }

    impl OtlpMetricExporter {
        #[cfg(feature = "otlp-grpc")]
        pub(crate) fn new(
            inner: opentelemetry_otlp::MetricExporter,
            runtime: Option<tokio::runtime::Runtime>,
        ) -> Self {
            OtlpMetricExporter { inner, runtime }
        }

        #[cfg(not(feature = "otlp-grpc"))]
        pub(crate) fn new(inner: opentelemetry_otlp::MetricExporter, _: Option<()>) -> Self {
            OtlpMetricExporter { inner }
        }

        fn run(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
            #[cfg(feature = "otlp-grpc")]
            if let Some(runtime) = &self.runtime {
                return runtime.block_on(self.inner.export(metrics));
            }
            crate::driver::park_on(self.inner.export(metrics))
        }
    }

    impl PushMetricExporter for OtlpMetricExporter {
        fn export(
            &self,
            metrics: &ResourceMetrics,
        ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
            // The reader thread waits for the export anyway: run it here, where its
            // transport's runtime (if any) can drive it.
            std::future::ready(self.run(metrics))
        }

        fn force_flush(&self) -> OTelSdkResult {
            self.inner.force_flush()
        }

        fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
            self.inner.shutdown_with_timeout(timeout)
        }

        fn temporality(&self) -> Temporality {
            self.inner.temporality()
        }
    }

    #[cfg(feature = "otlp-grpc")]
    impl Drop for OtlpMetricExporter {
        fn drop(&mut self) {
            // Dropped wherever the provider's last handle goes, perhaps inside the
            // application's own runtime, where a runtime must not be dropped blocking.
            if let Some(runtime) = self.runtime.take() {
                runtime.shutdown_background();
            }
        }
    }
}

#[cfg(not(any(feature = "otlp-http", feature = "otlp-grpc")))]
mod without_otlp {
    /// Stands for the OTLP metric exporter in a build without OTLP; never made.
    #[derive(Debug)]
    pub enum OtlpMetricExporter {}

    impl opentelemetry_sdk::metrics::exporter::PushMetricExporter for OtlpMetricExporter {
        #[allow(unreachable_code)]
        fn export(
            &self,
            _: &opentelemetry_sdk::metrics::data::ResourceMetrics,
        ) -> impl std::future::Future<Output = opentelemetry_sdk::error::OTelSdkResult> + Send
        {
            std::future::ready(match *self {})
        }
        fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
            match *self {}
        }
        fn shutdown_with_timeout(
            &self,
            _: std::time::Duration,
        ) -> opentelemetry_sdk::error::OTelSdkResult {
            match *self {}
        }
        fn temporality(&self) -> opentelemetry_sdk::metrics::Temporality {
            match *self {}
        }
    }
}
