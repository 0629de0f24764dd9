//! [`BatchProcessor`]: hands finished spans to an export thread through a bounded queue.
//!
//! The traced call's thread only tries to push the span into the queue (`on_end` never
//! blocks, never exports, never panics): a full queue drops the span and counts it. The
//! export thread sends batches when one is full, when the schedule delay passes, or on
//! flush and shutdown; a failed export counts its spans. Flush and shutdown wait at most
//! their timeout, then give up and count what is still queued. The thread runs under no
//! executor of the caller's: it drives exports itself (gRPC on its own small tokio runtime).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use opentelemetry::Context;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};
use opentelemetry_sdk::Resource;

use crate::driver::{Driver, Runner};
use crate::stats::ExportCounters;

/// Messages to the export thread, in order.
enum Control {
    /// A batch is ready (or, for the console, a trace's root ended).
    Nudge,
    SetResource(Resource),
    Flush(SyncSender<OTelSdkResult>),
    Shutdown(SyncSender<OTelSdkResult>, Duration),
}

/// A span processor that exports from its own thread through a bounded queue, counting
/// every span it could not deliver ([`counters`](Self::counters)).
///
/// `agentrace::init` builds one; an application that builds its own provider can use it
/// too, with any exporter (wrapped in `agentrace::pipeline::CollectingProcessor` when it is
/// handed to agentrace, so that collection scopes see its spans):
///
/// ```
/// use agentrace_export::{BatchConfig, BatchProcessor};
/// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
///
/// let exporter = InMemorySpanExporter::default();
/// let batch = BatchProcessor::new(exporter.clone(), BatchConfig::default()).unwrap();
/// let counters = batch.counters();
/// let provider = SdkTracerProvider::builder().with_span_processor(batch).build();
/// provider.tracer("doc").in_span("work", |_| {});
/// provider.force_flush().unwrap();
/// assert_eq!(exporter.get_finished_spans().unwrap()[0].name, "work");
/// assert_eq!(counters.stats().exported, 1);
/// # provider.shutdown().unwrap();
/// ```
#[derive(Debug)]
pub struct BatchProcessor {
    spans: SyncSender<SpanData>,
    control: Mutex<Sender<Control>>,
    counters: Arc<ExportCounters>,
    nudged: Arc<AtomicBool>,
    config: BatchConfig,
    nudge_on_root: bool,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl BatchProcessor {
    /// A processor exporting to `exporter` from a new thread, with the given queue settings.
    pub fn new<E: SpanExporter + 'static>(
        exporter: E,
        config: BatchConfig,
    ) -> std::io::Result<Self> {
        Self::spawn(move || Ok(exporter), config, Driver::Plain, false)
            .map_err(std::io::Error::other)
    }

    /// Starts the export thread; `make` builds the exporter on it (inside the driver's
    /// runtime, if it has one). With `nudge_on_root`, a root span ending sends the queue at
    /// once (the console prints each trace when it ends).
    pub(crate) fn spawn<E, F>(
        make: F,
        config: BatchConfig,
        driver: Driver,
        nudge_on_root: bool,
    ) -> Result<Self, String>
    where
        E: SpanExporter + 'static,
        F: FnOnce() -> Result<E, String> + Send + 'static,
    {
        let (spans, span_rx) = mpsc::sync_channel(config.max_queue_size);
        let (control, control_rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let counters = Arc::new(ExportCounters::default());
        let nudged = Arc::new(AtomicBool::new(false));
        let mut worker = Worker {
            spans: span_rx,
            control: control_rx,
            counters: counters.clone(),
            nudged: nudged.clone(),
            config,
        };
        let handle = std::thread::Builder::new()
            .name("agentrace-export".into())
            .spawn(move || {
                let driver = match driver.start() {
                    Ok(driver) => driver,
                    Err(error) => return drop(ready_tx.send(Err(error))),
                };
                let exporter = match driver.enter(make) {
                    Ok(exporter) => exporter,
                    Err(error) => return drop(ready_tx.send(Err(error))),
                };
                let _ = ready_tx.send(Ok(()));
                worker.run(exporter, &driver);
            })
            .map_err(|error| format!("cannot start the export thread: {error}"))?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(error),
            Err(_) => return Err("the export thread stopped while starting".into()),
        }
        Ok(BatchProcessor {
            spans,
            control: Mutex::new(control),
            counters,
            nudged,
            config,
            nudge_on_root,
            worker: Mutex::new(Some(handle)),
        })
    }

    /// The live counts of this processor: what it exported, dropped, failed to export or
    /// abandoned.
    pub fn counters(&self) -> Arc<ExportCounters> {
        self.counters.clone()
    }

    fn send(&self, message: Control) -> bool {
        let control = self
            .control
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        control.send(message).is_ok()
    }

    fn nudge(&self) {
        if !self.nudged.load(Ordering::Relaxed) && !self.nudged.swap(true, Ordering::AcqRel) {
            self.send(Control::Nudge);
        }
    }

    /// Sends `message` (carrying `ack`) and waits for the answer at most `timeout`.
    fn ask(
        &self,
        message: Control,
        answer: Receiver<OTelSdkResult>,
        timeout: Duration,
    ) -> OTelSdkResult {
        if !self.send(message) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        match answer.recv_timeout(timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(OTelSdkError::Timeout(timeout)),
            Err(RecvTimeoutError::Disconnected) => Err(OTelSdkError::InternalFailure(
                "the export thread stopped".into(),
            )),
        }
    }
}

impl SpanProcessor for BatchProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if !span.span_context.is_sampled() {
            return;
        }
        let root =
            self.nudge_on_root && span.parent_span_id == opentelemetry::trace::SpanId::INVALID;
        // Counted before the push so the export thread never sees the count go below zero.
        let queued = self.counters.queued.fetch_add(1, Ordering::Relaxed) + 1;
        match self.spans.try_send(span) {
            Ok(()) => {
                if root || queued >= self.config.max_export_batch_size {
                    self.nudge();
                }
            }
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.counters.queued.fetch_sub(1, Ordering::Relaxed);
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        let (ack, answer) = mpsc::sync_channel(1);
        self.ask(Control::Flush(ack), answer, self.config.export_timeout)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        let (ack, answer) = mpsc::sync_channel(1);
        let started = Instant::now();
        let result = self.ask(Control::Shutdown(ack, timeout), answer, timeout);
        if result.is_ok() {
            let handle = self
                .worker
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            if let Some(handle) = handle {
                let _ = handle.join();
            }
        } else {
            self.counters.abandon_queued();
        }
        self.counters.report_once(started.elapsed());
        result
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.send(Control::SetResource(resource.clone()));
    }
}

/// The export thread's side.
struct Worker {
    spans: Receiver<SpanData>,
    control: Receiver<Control>,
    counters: Arc<ExportCounters>,
    nudged: Arc<AtomicBool>,
    config: BatchConfig,
}

impl Worker {
    fn run<E: SpanExporter>(&mut self, mut exporter: E, driver: &Runner) {
        let mut deadline = Instant::now() + self.config.scheduled_delay;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match self.control.recv_timeout(wait) {
                Ok(Control::Nudge) => {
                    self.nudged.store(false, Ordering::Release);
                    self.export_queued(&exporter, driver);
                }
                Ok(Control::SetResource(resource)) => exporter.set_resource(&resource),
                Ok(Control::Flush(ack)) => {
                    let failed_before = self.counters.failed.load(Ordering::Relaxed);
                    self.export_queued(&exporter, driver);
                    let mut result = exporter.force_flush();
                    if result.is_ok()
                        && self.counters.failed.load(Ordering::Relaxed) > failed_before
                    {
                        result = Err(OTelSdkError::InternalFailure(self.counters.last_error()));
                    }
                    let _ = ack.send(result);
                }
                Ok(Control::Shutdown(ack, timeout)) => {
                    self.export_queued(&exporter, driver);
                    let _ = ack.send(exporter.shutdown_with_timeout(timeout));
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.export_queued(&exporter, driver);
                    deadline = Instant::now() + self.config.scheduled_delay;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.export_queued(&exporter, driver);
                    let _ = exporter.shutdown();
                    return;
                }
            }
        }
    }

    /// Exports everything queued, in batches of at most `max_export_batch_size`.
    fn export_queued<E: SpanExporter>(&self, exporter: &E, driver: &Runner) {
        loop {
            let mut batch = Vec::new();
            while batch.len() < self.config.max_export_batch_size {
                match self.spans.try_recv() {
                    Ok(span) => batch.push(span),
                    Err(_) => break,
                }
            }
            if batch.is_empty() {
                return;
            }
            let count = batch.len();
            self.counters.begin_export(count);
            let result = catch_unwind(AssertUnwindSafe(|| driver.block_on(exporter.export(batch))))
                .unwrap_or_else(|_| {
                    Err(OTelSdkError::InternalFailure(
                        "the exporter panicked".into(),
                    ))
                });
            self.counters.end_export(count, result.err());
        }
    }
}

/// The export queue (`OTEL_BSP_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Spans waiting for export at most (`OTEL_BSP_MAX_QUEUE_SIZE`, 2048); spans ending while
    /// the queue is full are dropped and counted.
    pub max_queue_size: usize,
    /// Longest wait before a partial batch is sent (`OTEL_BSP_SCHEDULE_DELAY`, 5000 ms).
    pub scheduled_delay: Duration,
    /// Spans per export at most (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, 512).
    pub max_export_batch_size: usize,
    /// How long a flush or the shutdown waits for exports (`OTEL_BSP_EXPORT_TIMEOUT`,
    /// 30000 ms).
    pub export_timeout: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_queue_size: 2048,
            scheduled_delay: Duration::from_millis(5000),
            max_export_batch_size: 512,
            export_timeout: Duration::from_millis(30_000),
        }
    }
}
