//! Span collection scopes: every span started under a [`CollectorHandle`] in the current
//! context is handed, once ended, to that scope's [`Collector`].
//!
//! The pipeline's processor registers a span with its collector when the span starts (the
//! parent context is known then) and hands the finished record over when it ends. Nothing
//! here runs unless a scope is open: the processor checks one counter first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use opentelemetry::trace::SpanId;
use opentelemetry_sdk::trace::SpanData;
use opentelemetry_sdk::Resource;

use crate::record::SpanRecord;

/// Where the spans of a trace context ([`crate::rollout`]) go besides its collector: the sink
/// fills in the record's rollout fields and sends it on to the store, without waiting.
pub(crate) trait SpanSink: Send + Sync + std::fmt::Debug {
    fn accept(&self, record: &mut SpanRecord);
}

/// Receives the records of the spans that ended inside a collection scope.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    records: Mutex<Vec<SpanRecord>>,
    sink: Option<Arc<dyn SpanSink>>,
}

impl Collector {
    pub(crate) fn push(&self, mut record: SpanRecord) {
        if let Some(sink) = &self.sink {
            sink.accept(&mut record);
        }
        let mut records = lock(&self.records);
        record.sequence_id = records.len() as u64 + 1;
        records.push(record);
    }

    /// The records collected so far, in sequence order; the collector is left empty.
    pub(crate) fn take(&self) -> Vec<SpanRecord> {
        std::mem::take(&mut *lock(&self.records))
    }
}

/// The context value that marks a collection scope.
#[derive(Clone, Debug)]
pub(crate) struct CollectorHandle(pub(crate) Arc<Collector>);

const SHARDS: usize = 16;

/// Spans started under a collector and not yet ended, by span id.
struct Registry {
    pending: AtomicUsize,
    shards: [Mutex<PendingMap>; SHARDS],
}

type PendingMap = HashMap<SpanId, Arc<Collector>, IdHash>;

/// Span ids are random already: hashing one is reading its bits.
#[derive(Clone, Copy, Default)]
struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }
}

static REGISTRY: Registry = Registry {
    pending: AtomicUsize::new(0),
    shards: [const { Mutex::new(HashMap::with_hasher(IdHash)) }; SHARDS],
};

fn shard(span_id: SpanId) -> MutexGuard<'static, PendingMap> {
    let index = (u64::from_be_bytes(span_id.to_bytes()) as usize) % SHARDS;
    lock(&REGISTRY.shards[index])
}

/// Remembers that the span `span_id` belongs to `collector`.
pub(crate) fn register(span_id: SpanId, collector: &Arc<Collector>) {
    if shard(span_id).insert(span_id, collector.clone()).is_none() {
        REGISTRY.pending.fetch_add(1, Ordering::AcqRel);
    }
}

/// Hands a finished span to its collector, if it was started under one.
pub(crate) fn deliver(data: &SpanData, resource: Option<&Resource>) {
    if REGISTRY.pending.load(Ordering::Acquire) == 0 {
        return;
    }
    let span_id = data.span_context.span_id();
    let Some(collector) = shard(span_id).remove(&span_id) else {
        return;
    };
    REGISTRY.pending.fetch_sub(1, Ordering::AcqRel);
    collector.push(SpanRecord::from_span_data(data, resource));
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `f` and returns its result with the records of every span that started and ended
/// inside it, in the order they ended.
///
/// Works whether or not a pipeline is installed: with none, spans made inside are recorded
/// for the scope only and exported nowhere. Scopes on different threads or tasks never see
/// each other's spans; a scope opened inside another takes the spans made inside it.
///
/// ```
/// #[agentrace::trace_tool]
/// fn add(a: i32, b: i32) -> i32 { a + b }
///
/// let (sum, spans) = agentrace::collect_spans(|| add(2, 3));
/// assert_eq!(sum, 5);
/// assert_eq!(spans[0].name, "execute_tool add");
/// assert_eq!(spans[0].attr_str("input.value"), Some(r#"{"a":2,"b":3}"#));
/// ```
pub fn collect_spans<R>(f: impl FnOnce() -> R) -> (R, Vec<SpanRecord>) {
    let scope = Scope::open();
    let result = {
        let _current = scope.context.clone().attach();
        f()
    };
    (result, scope.collector.take())
}

/// Awaits `future` and returns its output with the records of every span that started and
/// ended while it ran, in the order they ended: the async form of [`collect_spans`].
///
/// The scope follows the future across threads and executors. Tasks spawned from inside
/// belong to it when they carry the current context, e.g. with
/// `opentelemetry::context::FutureExt::with_current_context`.
///
/// ```
/// #[agentrace::trace_llm(provider = "mock", model = "tiny")]
/// async fn complete(prompt: &str) -> String { prompt.to_uppercase() }
///
/// let (text, spans) = futures::executor::block_on(agentrace::collect_spans_async(complete("hi")));
/// assert_eq!(text, "HI");
/// assert_eq!(spans[0].name, "chat tiny");
/// ```
pub async fn collect_spans_async<F: std::future::Future>(
    future: F,
) -> (F::Output, Vec<SpanRecord>) {
    use opentelemetry::context::FutureExt as _;
    let scope = Scope::open();
    let output = future.with_context(scope.context.clone()).await;
    (output, scope.collector.take())
}

/// The sink of the innermost trace context around the current context, if any.
pub(crate) fn current_sink() -> Option<Arc<dyn SpanSink>> {
    opentelemetry::Context::map_current(|cx| {
        cx.get::<CollectorHandle>()
            .and_then(|CollectorHandle(collector)| collector.sink.clone())
    })
}

/// An open collection scope: its collector, the context that names it, and the hold that
/// keeps traced calls active meanwhile.
pub(crate) struct Scope {
    pub(crate) collector: Arc<Collector>,
    pub(crate) context: opentelemetry::Context,
    _active: crate::activation::ScopeHold,
}

impl Scope {
    /// A plain collection scope. Inside a trace context it keeps that context's sink, so the
    /// spans it takes still reach the rollout's store.
    fn open() -> Self {
        Self::open_with(current_sink())
    }

    /// A collection scope whose spans also go to `sink`.
    pub(crate) fn open_with(sink: Option<Arc<dyn SpanSink>>) -> Self {
        let collector = Arc::new(Collector {
            records: Mutex::default(),
            sink,
        });
        let context =
            opentelemetry::Context::current_with_value(CollectorHandle(collector.clone()));
        Scope {
            collector,
            context,
            _active: crate::activation::ScopeHold::open(),
        }
    }
}
