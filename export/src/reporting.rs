//! [`Reporting`]: an exporter wrapper that names the endpoint in every export error and
//! says the first failure on standard error at once, in one line (a refused certificate or
//! an unreachable collector shows when it happens, not only in the summary at shutdown).

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

/// Wraps `E`, whose errors then read `export to {endpoint} failed: {reason}`.
#[derive(Debug)]
pub(crate) struct Reporting<E> {
    inner: E,
    endpoint: String,
    said: AtomicBool,
}

impl<E> Reporting<E> {
    pub(crate) fn new(inner: E, endpoint: &str) -> Self {
        Reporting {
            inner,
            endpoint: endpoint.to_string(),
            said: AtomicBool::new(false),
        }
    }

    fn failed(&self, error: OTelSdkError) -> OTelSdkError {
        let reason = match error {
            OTelSdkError::InternalFailure(reason) => reason,
            other => other.to_string(),
        };
        let line = format!("export to {} failed: {reason}", self.endpoint);
        if !self.said.swap(true, Ordering::AcqRel) {
            eprintln!("agentrace: {line} (spans of failed exports are counted as not delivered)");
        }
        OTelSdkError::InternalFailure(line)
    }
}

impl<E: SpanExporter> SpanExporter for Reporting<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.inner
            .export(batch)
            .await
            .map_err(|error| self.failed(error))
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
