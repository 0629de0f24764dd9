//! What happened to the spans handed to the export queue: counted, readable at any time
//! ([`ExportCounters::stats`]), and summed up once on standard error at shutdown when some
//! were not delivered.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Counts of the spans that went through the export queue of the installed pipeline.
///
/// ```
/// let stats = agentrace_export::ExportStats::default();
/// assert_eq!(stats.not_delivered(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportStats {
    /// Spans the backend accepted.
    pub exported: u64,
    /// Spans dropped because the queue was full (or closed) when they ended.
    pub dropped: u64,
    /// Spans in export requests that failed (backend down, refused, timed out).
    pub failed: u64,
    /// Spans still queued or in flight when a shutdown ran out of time.
    pub abandoned: u64,
}

impl ExportStats {
    /// Spans that did not reach the backend: dropped, failed or abandoned.
    pub fn not_delivered(&self) -> u64 {
        self.dropped + self.failed + self.abandoned
    }
}

/// The live counters of one [`BatchProcessor`](crate::BatchProcessor), shared with whoever
/// reads them ([`BatchProcessor::counters`](crate::BatchProcessor::counters)).
#[derive(Debug, Default)]
pub struct ExportCounters {
    pub(crate) queued: AtomicUsize,
    in_flight: AtomicUsize,
    exported: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) failed: AtomicU64,
    abandoned: AtomicU64,
    gave_up: AtomicBool,
    reported: AtomicBool,
    last_error: Mutex<Option<String>>,
}

impl ExportCounters {
    /// The counts so far.
    pub fn stats(&self) -> ExportStats {
        ExportStats {
            exported: self.exported.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            abandoned: self.abandoned.load(Ordering::Relaxed),
        }
    }

    /// `count` spans left the queue for one export request.
    pub(crate) fn begin_export(&self, count: usize) {
        self.queued.fetch_sub(count, Ordering::Relaxed);
        self.in_flight.store(count, Ordering::Relaxed);
    }

    /// The export request of `count` spans ended, with `error` if it failed.
    pub(crate) fn end_export(
        &self,
        count: usize,
        error: Option<opentelemetry_sdk::error::OTelSdkError>,
    ) {
        self.in_flight.store(0, Ordering::Relaxed);
        if self.gave_up.load(Ordering::Acquire) {
            return; // counted as abandoned already
        }
        match error {
            None => self.exported.fetch_add(count as u64, Ordering::Relaxed),
            Some(error) => {
                *self
                    .last_error
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(error.to_string());
                self.failed.fetch_add(count as u64, Ordering::Relaxed)
            }
        };
    }

    /// A shutdown ran out of time: what is queued or in flight will not be delivered.
    pub(crate) fn abandon_queued(&self) {
        if !self.gave_up.swap(true, Ordering::AcqRel) {
            let left = self.queued.load(Ordering::Relaxed) + self.in_flight.load(Ordering::Relaxed);
            self.abandoned.fetch_add(left as u64, Ordering::Relaxed);
        }
    }

    pub(crate) fn last_error(&self) -> String {
        let last = self
            .last_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        last.clone().unwrap_or_else(|| "unknown error".into())
    }

    /// Writes one line on standard error if any span was not delivered, the first time only.
    pub(crate) fn report_once(&self, shutdown_took: Duration) {
        let stats = self.stats();
        if stats.not_delivered() == 0 || self.reported.swap(true, Ordering::AcqRel) {
            return;
        }
        let mut parts = Vec::new();
        if stats.dropped > 0 {
            parts.push(format!(
                "{} dropped because the export queue was full",
                stats.dropped
            ));
        }
        if stats.failed > 0 {
            parts.push(format!(
                "{} failed to export (last error: {})",
                stats.failed,
                self.last_error()
            ));
        }
        if stats.abandoned > 0 {
            parts.push(format!(
                "{} still queued when shutdown gave up after {} ms",
                stats.abandoned,
                shutdown_took.as_millis()
            ));
        }
        eprintln!(
            "agentrace: {} of {} spans were not delivered: {}",
            stats.not_delivered(),
            stats.not_delivered() + stats.exported,
            parts.join("; ")
        );
    }
}
