//! # agentrace-export
//!
//! Where the finished spans of [agentrace](https://docs.rs/agentrace) go: the
//! [`BatchProcessor`] that takes export off the traced call's path, and the exporters it
//! drives (OTLP over HTTP or gRPC, the console, the span store).
//!
//! Users reach this crate as `agentrace::export` and configure it through
//! `agentrace::builder()`; [`processor_for`] is what that builder calls.
#![warn(missing_docs)]

mod batch;
mod console;
mod destination;
mod driver;
#[cfg(feature = "otlp-http")]
mod http_client;
#[cfg(feature = "metrics")]
mod metrics;
mod otlp;
#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
mod reporting;
mod stats;
mod store_exporter;
mod tls;
mod tls_files;

pub use batch::{BatchConfig, BatchProcessor};
pub use console::ConsoleExporter;
pub use destination::{ExporterConfig, OtlpConfig, Protocol};
#[cfg(feature = "metrics")]
pub use metrics::{
    meter_provider_for, otlp_metric_exporter, MetricsConfig, MetricsExporterConfig,
    OtlpMetricExporter, DEFAULT_METRIC_EXPORT_INTERVAL,
};
pub use stats::{ExportCounters, ExportStats};
pub use store_exporter::StoreExporter;
#[cfg(feature = "otlp-grpc")]
pub use tls::apply_grpc_transport;
#[cfg(feature = "otlp-http")]
pub use tls::apply_http_transport;
pub use tls::{Compression, TlsFiles};

/// The destination when no exporter and no OTLP endpoint is configured: the embedded span
/// store (feature `sqlite`), else the console. The one place where this default is decided.
///
/// ```
/// # use agentrace_export::{default_exporter, ExporterConfig};
/// let expected = if cfg!(feature = "sqlite") { ExporterConfig::Store } else { ExporterConfig::Console };
/// assert_eq!(default_exporter(), expected);
/// ```
pub fn default_exporter() -> ExporterConfig {
    if cfg!(feature = "sqlite") {
        ExporterConfig::Store
    } else {
        ExporterConfig::Console
    }
}

/// The batch processor exporting to `exporter` with the queue settings `batch` (and, for
/// the embedded store, its `retention`), or `None` when nothing is exported. `Err` says why
/// the exporter or its thread could not start.
pub fn processor_for(
    exporter: &ExporterConfig,
    batch: BatchConfig,
    retention: agentrace_store::Retention,
) -> Result<Option<BatchProcessor>, String> {
    match exporter {
        ExporterConfig::None => Ok(None),
        ExporterConfig::Console => BatchProcessor::spawn(
            || Ok(ConsoleExporter::new()),
            batch,
            driver::Driver::Plain,
            true,
        )
        .map(Some),
        ExporterConfig::Store => store_processor(None, batch, retention).map(Some),
        ExporterConfig::StoreAt(location) => {
            store_processor(Some(location.clone()), batch, retention).map(Some)
        }
        ExporterConfig::Otlp(otlp_config) => otlp_processor(otlp_config.clone(), batch).map(Some),
    }
}

/// The store exporter's processor: to `location`, else the default store
/// (`$AGENTRACE_STORE`). A location this build has no backend for fails here, naming the
/// feature that adds it.
fn store_processor(
    location: Option<agentrace_store::StoreLocation>,
    batch: BatchConfig,
    retention: agentrace_store::Retention,
) -> Result<BatchProcessor, String> {
    BatchProcessor::spawn(
        move || {
            match &location {
                Some(location) => StoreExporter::open_at(location, retention),
                None => StoreExporter::open_default(retention),
            }
            .map_err(|error| error.to_string())
        },
        batch,
        driver::Driver::Plain,
        false,
    )
}

#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
fn otlp_processor(config: OtlpConfig, batch: BatchConfig) -> Result<BatchProcessor, String> {
    let driver = otlp::driver_for(config.protocol);
    BatchProcessor::spawn(move || otlp::build(&config), batch, driver, false)
}

#[cfg(not(any(feature = "otlp-http", feature = "otlp-grpc")))]
fn otlp_processor(config: OtlpConfig, _batch: BatchConfig) -> Result<BatchProcessor, String> {
    let _ = otlp::driver_for(config.protocol);
    Err("agentrace was built without its `otlp-http` and `otlp-grpc` features".into())
}
