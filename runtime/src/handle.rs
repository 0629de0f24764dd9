//! The handle on running tracing: the [`Tracing`] guard that [`init`](crate::init) returns,
//! and the [`TracingHandle`] it lends out, which holds the switches that stay live while the
//! program runs (tracing on or off, content capture, redaction rules), the export counts
//! and flush.

use std::sync::Arc;
use std::time::Duration;

use agentrace_export::{ExportCounters, ExportStats};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::SdkTracerProvider;

use crate::{activation, capture, settings};

/// Keeps tracing set up; dropping it exports what is queued and shuts the pipeline down,
/// waiting at most the export timeout (`OTEL_BSP_EXPORT_TIMEOUT`, 30 s by default). Spans
/// that could not be delivered are counted ([`TracingHandle::export_stats`]) and reported
/// once on standard error. After that, traced calls run straight through.
///
/// It dereferences to its [`TracingHandle`], so the live switches are called on it
/// directly; [`handle`](Tracing::handle) gives a clone for other parts of the program.
///
/// ```
/// let tracing = agentrace::builder().no_export().init().unwrap();
/// tracing.set_enabled(false); // traced calls now run straight through
/// assert!(!tracing.is_enabled());
/// let handle = tracing.handle(); // Clone + Send + Sync
/// std::thread::spawn(move || handle.set_enabled(true)).join().unwrap();
/// assert!(tracing.is_enabled());
/// tracing.shutdown().unwrap();
/// ```
#[must_use = "dropping the guard shuts tracing down: keep it until the end of main"]
#[derive(Debug)]
pub struct Tracing {
    provider: Option<SdkTracerProvider>,
    handle: TracingHandle,
    timeout: Duration,
}

/// The meter provider of the GenAI metrics, when they are on (feature `metrics`).
#[cfg(feature = "metrics")]
type Meters = Option<opentelemetry_sdk::metrics::SdkMeterProvider>;
#[cfg(not(feature = "metrics"))]
type Meters = Option<std::convert::Infallible>;

impl Tracing {
    pub(crate) fn new(
        provider: Option<SdkTracerProvider>,
        handle: TracingHandle,
        timeout: Duration,
    ) -> Self {
        Tracing {
            provider,
            handle,
            timeout,
        }
    }

    /// Flushes and shuts down `meters` with the traces.
    #[cfg(feature = "metrics")]
    pub(crate) fn with_meters(
        mut self,
        meters: opentelemetry_sdk::metrics::SdkMeterProvider,
    ) -> Self {
        self.handle.meters = Some(meters);
        self
    }

    /// A handle on the live switches, for other threads or tasks.
    pub fn handle(&self) -> TracingHandle {
        self.handle.clone()
    }

    /// The tracer provider agentrace set up (`None` when tracing is disabled): its
    /// sampler, exporter and collection scopes, for code that starts OpenTelemetry spans
    /// of its own. The `tracing` bridge ([`tracing_layer`](crate::tracing_layer), feature
    /// `tracing`) records `tracing` spans through it without this.
    pub fn provider(&self) -> Option<&SdkTracerProvider> {
        self.provider.as_ref()
    }

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
            return self.stop_metrics();
        };
        activation::set_installed(false);
        let result = provider.shutdown_with_timeout(self.timeout);
        if let (Err(error), None) = (&result, &self.handle.counters) {
            // With counters, the export queue reports what it could not deliver itself.
            eprintln!("agentrace: shutting the tracer provider down failed: {error}");
        }
        // After the spans: the last ones to end recorded their metrics.
        result.and(self.stop_metrics())
    }

    /// Exports the metrics recorded since the last export and shuts their pipeline down.
    fn stop_metrics(&mut self) -> OTelSdkResult {
        #[cfg(feature = "metrics")]
        if let Some(meters) = self.handle.meters.take() {
            let result = meters.shutdown_with_timeout(self.timeout);
            if let Err(error) = &result {
                eprintln!("agentrace: exporting the GenAI metrics at shutdown failed: {error}");
            }
            return result;
        }
        Ok(())
    }
}

impl std::ops::Deref for Tracing {
    type Target = TracingHandle;

    fn deref(&self) -> &TracingHandle {
        &self.handle
    }
}

impl Drop for Tracing {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// The live switches of running tracing, the export counts and flush; cheap to clone, and
/// usable from any thread. Obtained from [`Tracing::handle`] (or called through the
/// [`Tracing`] guard itself).
#[derive(Clone, Debug)]
pub struct TracingHandle {
    provider: Option<SdkTracerProvider>,
    counters: Option<Arc<ExportCounters>>,
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    meters: Meters,
}

impl TracingHandle {
    pub(crate) fn new(
        provider: Option<SdkTracerProvider>,
        counters: Option<Arc<ExportCounters>>,
    ) -> Self {
        TracingHandle {
            provider,
            counters,
            meters: None,
        }
    }

    /// Switches tracing off or back on, without touching the pipeline. While switched off,
    /// every traced call runs the function straight through: one atomic load, no span, no
    /// serialization, no allocation. Collection scopes
    /// ([`testing::capture`](crate::testing::capture), rollout scopes) still record, since
    /// they were asked for explicitly.
    pub fn set_enabled(&self, enabled: bool) {
        activation::set_switched_off(!enabled);
    }

    /// `true` unless tracing was switched off with [`set_enabled`](Self::set_enabled).
    pub fn is_enabled(&self) -> bool {
        !activation::is_switched_off()
    }

    /// Switches capture of arguments and return values on or off for every traced function
    /// that does not say otherwise (see [`Builder::capture_content`](crate::Builder::capture_content)).
    pub fn set_capture_content(&self, capture: bool) {
        settings::set_capture_content(capture);
    }

    /// `true` when arguments and return values are captured by default.
    pub fn capture_content(&self) -> bool {
        settings::capture_content()
    }

    /// Replaces the redaction rules for every value captured from now on (see
    /// [`Builder::redaction`](crate::Builder::redaction)).
    pub fn set_redaction(&self, redaction: capture::Redaction) {
        capture::configure(redaction);
    }

    /// Counts of the spans exported, dropped, failed and abandoned by the export queue
    /// (all zero with nothing exported, or for a provider of the application's own).
    pub fn export_stats(&self) -> ExportStats {
        self.counters
            .as_ref()
            .map(|counters| counters.stats())
            .unwrap_or_default()
    }

    /// Exports every span queued so far (and, when they are on, the GenAI metrics recorded
    /// so far) and waits for it, at most the export timeout.
    pub fn flush(&self) -> OTelSdkResult {
        let spans = match &self.provider {
            Some(provider) => provider.force_flush(),
            None => Ok(()),
        };
        #[cfg(feature = "metrics")]
        if let Some(meters) = &self.meters {
            return spans.and(meters.force_flush());
        }
        spans
    }
}
