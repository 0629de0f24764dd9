//! [`StoreExporter`]: a span store as an OpenTelemetry span exporter, alone or beside OTLP.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

use agentrace_store::{SpanRecord, StoreError, StoreWriter};

/// A span exporter that writes to a span store through a [`StoreWriter`], so an export never
/// waits on the database: it queues the batch and returns.
///
/// Spans exported here have no rollout; the same span written by a rollout scope under a
/// rollout (to the same store) is kept once, under the rollout.
///
/// ```
/// use std::sync::Arc;
/// use agentrace_export::StoreExporter;
/// use agentrace_store::{MemoryStore, Query, SpanStore, StoreWriter};
/// use opentelemetry_sdk::trace::{SdkTracerProvider, SimpleSpanProcessor};
///
/// let store = Arc::new(MemoryStore::new(1 << 20));
/// let exporter = StoreExporter::new(StoreWriter::spawn(store.clone()).unwrap());
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(SimpleSpanProcessor::new(exporter))
///     .build();
/// # use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// provider.tracer("doc").in_span("work", |_| {});
/// provider.shutdown().unwrap();
/// assert_eq!(store.query(&Query::all().name("work")).unwrap().total, 1);
/// ```
#[derive(Debug)]
pub struct StoreExporter {
    writer: Arc<StoreWriter>,
    resource: Option<Resource>,
}

/// How long `force_flush` waits for the writer.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

impl StoreExporter {
    /// An exporter writing through `writer`.
    pub fn new(writer: Arc<StoreWriter>) -> Self {
        StoreExporter {
            writer,
            resource: None,
        }
    }

    /// An exporter to the default store: `$AGENTRACE_STORE` (a file path, or a
    /// `postgres://` URL with feature `postgres`), else `.agentrace/traces.db`
    /// ([`StoreLocation::from_env`](agentrace_store::StoreLocation::from_env)). Its writer
    /// also becomes the [default writer](agentrace_store::set_default_writer_if_unset) of
    /// rollout scopes when none was set, so that spans of rollouts reach the same store.
    /// The store is kept within `retention` by its writer.
    pub fn open_default(retention: agentrace_store::Retention) -> Result<Self, StoreError> {
        Self::open_at(&agentrace_store::StoreLocation::from_env()?, retention)
    }

    /// An exporter to the store at `location`, opened with [`agentrace_store::open_location`]
    /// (the default writer of rollout scopes too, when none was set), kept within
    /// `retention`.
    pub fn open_at(
        location: &agentrace_store::StoreLocation,
        retention: agentrace_store::Retention,
    ) -> Result<Self, StoreError> {
        let options = agentrace_store::OpenOptions::create().retention(retention);
        let store = agentrace_store::open_location(location, options)?;
        let writer = StoreWriter::spawn(store)?;
        agentrace_store::set_default_writer_if_unset(writer.clone());
        Ok(StoreExporter::new(writer))
    }

    /// The writer this exporter writes through.
    pub fn writer(&self) -> &Arc<StoreWriter> {
        &self.writer
    }
}

fn sdk_error(error: StoreError) -> OTelSdkError {
    OTelSdkError::InternalFailure(error.to_string())
}

impl SpanExporter for StoreExporter {
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        let records: Vec<SpanRecord> = batch
            .iter()
            .map(|data| SpanRecord::from_span_data(data, self.resource.as_ref()))
            .collect();
        std::future::ready(self.writer.write(records).map_err(sdk_error))
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.writer.flush(FLUSH_TIMEOUT).map_err(sdk_error)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.writer.flush(timeout).map_err(sdk_error)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = Some(resource.clone());
    }
}
