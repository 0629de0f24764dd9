//! Where finished spans go: the default destination, the exporters (OTLP, console) and the
//! [`BatchProcessor`] that takes export off the traced call's path.

mod batch;
mod console;
mod driver;
mod otlp;
mod stats;

pub use batch::BatchProcessor;
pub use console::ConsoleExporter;
pub(crate) use stats::set_installed as set_installed_counters;
pub(crate) use stats::Counters;
pub use stats::{dropped_spans, export_stats, ExportStats};

use crate::config::{Config, ConfigError, ExporterConfig};

/// The destination when no exporter and no OTLP endpoint is configured: the embedded span
/// store (feature `sqlite`), else the console. The one place where this default is decided.
pub(crate) fn default_exporter() -> ExporterConfig {
    if cfg!(feature = "sqlite") {
        ExporterConfig::Store
    } else {
        ExporterConfig::Console
    }
}

/// The batch processor exporting where `config` says, or `None` when nothing is exported.
pub(crate) fn processor_for(config: &Config) -> Result<Option<BatchProcessor>, ConfigError> {
    let batch = config.batch;
    match &config.exporter {
        ExporterConfig::None => Ok(None),
        ExporterConfig::Console => BatchProcessor::spawn(
            || Ok(ConsoleExporter::new()),
            batch,
            driver::Driver::Plain,
            true,
        )
        .map(Some),
        ExporterConfig::Store => store_processor(batch).map(Some),
        ExporterConfig::Otlp(otlp_config) => otlp_processor(otlp_config.clone(), batch).map(Some),
    }
}

#[cfg(feature = "sqlite")]
fn store_processor(batch: crate::config::BatchConfig) -> Result<BatchProcessor, ConfigError> {
    BatchProcessor::spawn(
        || crate::store::StoreExporter::open_default().map_err(|error| error.to_string()),
        batch,
        driver::Driver::Plain,
        false,
    )
}

#[cfg(not(feature = "sqlite"))]
fn store_processor(_batch: crate::config::BatchConfig) -> Result<BatchProcessor, ConfigError> {
    Err(ConfigError::Exporter(
        "agentrace was built without its `sqlite` feature, which the span store needs".into(),
    ))
}

#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
fn otlp_processor(
    config: crate::config::OtlpConfig,
    batch: crate::config::BatchConfig,
) -> Result<BatchProcessor, ConfigError> {
    let driver = otlp::driver_for(config.protocol);
    BatchProcessor::spawn(move || otlp::build(&config), batch, driver, false)
}

#[cfg(not(any(feature = "otlp-http", feature = "otlp-grpc")))]
fn otlp_processor(
    config: crate::config::OtlpConfig,
    _batch: crate::config::BatchConfig,
) -> Result<BatchProcessor, ConfigError> {
    let _ = otlp::driver_for(config.protocol);
    Err(ConfigError::Exporter(
        "agentrace was built without its `otlp-http` and `otlp-grpc` features".into(),
    ))
}
