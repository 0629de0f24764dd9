//! [`ConsoleExporter`]: prints each finished trace as a tree ([`render_tree`]) when its root
//! span arrives; spans of traces whose root never came are printed at shutdown.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

use agentrace_store::{render_tree, SpanRecord};

/// Traces waiting for their root span at most; past this the oldest is printed as it is.
const MAX_PENDING_TRACES: usize = 1024;

/// An exporter that writes each finished trace as an indented tree, one line per span.
///
/// ```
/// use agentrace_export::ConsoleExporter;
/// let exporter = ConsoleExporter::to_writer(Vec::new());
/// # drop(exporter);
/// ```
pub struct ConsoleExporter {
    out: Mutex<Box<dyn Write + Send>>,
    pending: Mutex<Pending>,
    resource: Option<Resource>,
}

#[derive(Default)]
struct Pending {
    traces: HashMap<TraceId, Vec<SpanRecord>>,
    order: Vec<TraceId>,
}

impl std::fmt::Debug for ConsoleExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleExporter").finish_non_exhaustive()
    }
}

impl Default for ConsoleExporter {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsoleExporter {
    /// Prints to standard output.
    pub fn new() -> Self {
        Self::to_writer(std::io::stdout())
    }

    /// Prints to `out`.
    pub fn to_writer(out: impl Write + Send + 'static) -> Self {
        ConsoleExporter {
            out: Mutex::new(Box::new(out)),
            pending: Mutex::new(Pending::default()),
            resource: None,
        }
    }

    fn print(&self, trace: TraceId, spans: &[SpanRecord]) -> OTelSdkResult {
        let text = format!("trace {trace}\n{}", render_tree(spans));
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|error| OTelSdkError::InternalFailure(format!("console: {error}")))
    }

    fn take_finished(&self, batch: Vec<SpanData>) -> Vec<(TraceId, Vec<SpanRecord>)> {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut finished = Vec::new();
        for span in batch {
            let trace = span.span_context.trace_id();
            let root = span.parent_span_id == SpanId::INVALID || span.parent_span_is_remote;
            let record = SpanRecord::from_span_data(&span, self.resource.as_ref());
            if !pending.traces.contains_key(&trace) {
                pending.order.push(trace);
            }
            pending.traces.entry(trace).or_default().push(record);
            if root {
                pending.order.retain(|id| *id != trace);
                finished.extend(pending.traces.remove(&trace).map(|spans| (trace, spans)));
            }
        }
        while pending.order.len() > MAX_PENDING_TRACES {
            let oldest = pending.order.remove(0);
            finished.extend(pending.traces.remove(&oldest).map(|spans| (oldest, spans)));
        }
        finished
    }
}

impl SpanExporter for ConsoleExporter {
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        let result = self
            .take_finished(batch)
            .iter()
            .try_for_each(|(trace, spans)| self.print(*trace, spans));
        std::future::ready(result)
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        let left: Vec<_> = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let order = std::mem::take(&mut pending.order);
            order
                .into_iter()
                .filter_map(|trace| pending.traces.remove(&trace).map(|spans| (trace, spans)))
                .collect()
        };
        left.iter()
            .try_for_each(|(trace, spans)| self.print(*trace, spans))
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = Some(resource.clone());
    }
}
