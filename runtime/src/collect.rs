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

use agentrace_store::SpanRecord;

/// Where the spans of a rollout scope ([`crate::rollout`]) go besides its collector: the
/// forward fills in the record's rollout fields and sends it on to the store, without
/// waiting.
pub(crate) trait Forward: Send + Sync + std::fmt::Debug {
    fn forward(&self, record: &mut SpanRecord);

    /// The rollout and attempt ids every span started inside the scope carries as
    /// attributes (Agent Lightning's `agentlightning.rollout_id` and
    /// `agentlightning.attempt_id`), if the scope has them.
    fn span_attributes(&self) -> Option<&[opentelemetry::KeyValue]> {
        None
    }
}

/// Receives the records of the spans that ended inside a collection scope.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    records: Mutex<Vec<SpanRecord>>,
    forward: Option<Arc<dyn Forward>>,
}

impl Collector {
    pub(crate) fn push(&self, mut record: SpanRecord) {
        if let Some(forward) = &self.forward {
            forward.forward(&mut record);
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

/// Puts the rollout and attempt ids of the rollout scope around `parent`, if any, on a span
/// that starts there. Runs only for spans started inside a collection scope.
pub(crate) fn stamp_rollout(span: &mut opentelemetry_sdk::trace::Span, collector: &Collector) {
    use opentelemetry::trace::Span as _;
    if let Some(attributes) = collector
        .forward
        .as_deref()
        .and_then(Forward::span_attributes)
    {
        span.set_attributes(attributes.iter().cloned());
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

/// The forward of the innermost rollout scope around the current context, if any.
pub(crate) fn current_forward() -> Option<Arc<dyn Forward>> {
    opentelemetry::Context::map_current(|cx| {
        cx.get::<CollectorHandle>()
            .and_then(|CollectorHandle(collector)| collector.forward.clone())
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
    /// A plain collection scope. Inside a rollout scope it keeps that scope's forward, so
    /// the spans it takes still reach the rollout's store.
    pub(crate) fn open() -> Self {
        Self::open_with(current_forward())
    }

    /// A collection scope whose spans also go to `forward`.
    pub(crate) fn open_with(forward: Option<Arc<dyn Forward>>) -> Self {
        let collector = Arc::new(Collector {
            records: Mutex::default(),
            forward,
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
