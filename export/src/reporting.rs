//! [`Reporting`]: an exporter wrapper that names the endpoint in every export error and
//! says the first failure on standard error at once, in one line (a refused certificate or
//! an unreachable collector shows when it happens, not only in the summary at shutdown).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

/// Wraps `E`, whose errors then read `export to {endpoint} failed: {reason}`.
#[derive(Debug)]
pub(crate) struct Reporting<E> {
    inner: E,
    endpoint: String,
    said: AtomicBool,
    /// Where the HTTP client leaves the reason of its last transport error.
    detail: Option<Arc<Mutex<Option<String>>>>,
}

impl<E> Reporting<E> {
    pub(crate) fn new(inner: E, endpoint: &str) -> Self {
        Reporting {
            inner,
            endpoint: endpoint.to_string(),
            said: AtomicBool::new(false),
            detail: None,
        }
    }

    /// Reads the reason of a transport error from `detail`, which the HTTP client fills.
    #[cfg_attr(not(feature = "otlp-http"), allow(dead_code))]
    pub(crate) fn with_detail(mut self, detail: Arc<Mutex<Option<String>>>) -> Self {
        self.detail = Some(detail);
        self
    }

    fn failed(&self, error: OTelSdkError) -> OTelSdkError {
        let mut reason = match error {
            OTelSdkError::InternalFailure(reason) => reason,
            other => other.to_string(),
        };
        let detail = self.detail.as_ref().and_then(|detail| {
            detail
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take()
        });
        if let Some(detail) = detail {
            reason = format!("{reason}: {detail}");
        }
        let reason = without_repeated_tail(&reason);
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

/// `reason` without a repeated last part: tonic's errors end with their source twice
/// (`transport error: invalid peer certificate: X: invalid peer certificate: X`).
fn without_repeated_tail(reason: &str) -> &str {
    for (at, _) in reason.match_indices(": ") {
        let tail = &reason[at + 2..];
        if reason[..at].ends_with(tail) && !tail.is_empty() {
            return &reason[..at];
        }
    }
    reason
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_repeated_tail_is_said_once() {
        let twice =
            "Unavailable: transport error: bad cert: UnknownIssuer: bad cert: UnknownIssuer";
        assert_eq!(
            super::without_repeated_tail(twice),
            "Unavailable: transport error: bad cert: UnknownIssuer"
        );
        assert_eq!(super::without_repeated_tail("a: b: c"), "a: b: c");
    }
}
