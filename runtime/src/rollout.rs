//! Trace contexts: a scope per rollout attempt that collects every span made inside it, hands
//! them back in sequence order when it ends, and writes them to a span store under the
//! rollout and attempt (Agent Lightning's `trace_context` and `get_last_trace`).
//!
//! A [`TraceContext`] is built on the collection scopes of [`collect_spans`](crate::collect_spans):
//! its collector also carries the rollout and attempt ids and a handle to the store writer.
//! Spans go to the store from a background thread ([`StoreWriter`]), so a slow or failing
//! store never breaks the agent: its spans still come back, with the failure in
//! [`Trace::store_error`].
//!
//! ```
//! use agentrace::rollout::TraceContext;
//!
//! #[agentrace::trace_tool]
//! fn search(query: &str) -> String { format!("found {query}") }
//!
//! let context = TraceContext::for_rollout("episode", "rollout-1", "attempt-1").unwrap().without_store();
//! let (answer, trace) = context.run(|| search("rust")).unwrap();
//! assert_eq!(answer, "found rust");
//! assert_eq!(trace.spans[0].rollout_id.as_deref(), Some("rollout-1"));
//! assert_eq!(trace.spans[0].sequence_id, 1);
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::collect::{current_sink, Scope, SpanSink};
use crate::record::SpanRecord;
use crate::store::{StoreError, StoreWriter, WriteAck};

/// The store writer trace contexts use unless told otherwise.
static DEFAULT_STORE: Mutex<Option<Arc<StoreWriter>>> = Mutex::new(None);

/// Sets (or with `None` clears) the store that trace contexts write to by default.
pub fn set_default_store(writer: Option<Arc<StoreWriter>>) {
    *lock(&DEFAULT_STORE) = writer;
}

/// Sets the default store of trace contexts unless one is set already.
pub(crate) fn set_default_store_if_unset(writer: Arc<StoreWriter>) {
    lock(&DEFAULT_STORE).get_or_insert(writer);
}

/// The store trace contexts write to by default, if one is set.
pub fn default_store() -> Option<Arc<StoreWriter>> {
    lock(&DEFAULT_STORE).clone()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How long a trace context waits by default, when it ends, for the store to confirm its
/// spans.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// A scope that collects the spans of one attempt of a rollout (or of any named piece of
/// work) and writes them to a span store.
#[derive(Clone, Debug)]
pub struct TraceContext {
    name: String,
    rollout_id: Option<String>,
    attempt_id: Option<String>,
    store: StoreChoice,
    store_timeout: Duration,
}

#[derive(Clone, Debug)]
enum StoreChoice {
    Default,
    Writer(Arc<StoreWriter>),
    Nowhere,
}

/// Why a trace context could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceContextError {
    /// A trace context was opened inside another one on the same task.
    Nested {
        /// The name of the context that could not be opened.
        name: String,
    },
    /// Only one of rollout id and attempt id was given: give both or neither.
    HalfIds,
    /// A rollout or attempt id was empty.
    EmptyId,
}

impl std::fmt::Display for TraceContextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceContextError::Nested { name } => write!(
                f,
                "trace context {name:?} opened inside another trace context on the same task"
            ),
            TraceContextError::HalfIds => {
                f.write_str("a trace context needs both a rollout id and an attempt id, or neither")
            }
            TraceContextError::EmptyId => f.write_str("rollout and attempt ids must not be empty"),
        }
    }
}

impl std::error::Error for TraceContextError {}

/// The spans of a finished trace context.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The context's name.
    pub name: String,
    /// The rollout, if the context had one.
    pub rollout_id: Option<String>,
    /// The attempt, if the context had one.
    pub attempt_id: Option<String>,
    /// Every span that started and ended inside the context, in sequence order. When the
    /// store confirmed them all, they carry the store's sequence ids; otherwise ids numbered
    /// here, in the order the spans ended.
    pub spans: Vec<SpanRecord>,
    /// Why the store did not confirm every span, if it did not.
    pub store_error: Option<StoreError>,
}

impl TraceContext {
    /// A context with no rollout: its spans are stored without one.
    pub fn new(name: impl Into<String>) -> Self {
        TraceContext {
            name: name.into(),
            rollout_id: None,
            attempt_id: None,
            store: StoreChoice::Default,
            store_timeout: DEFAULT_STORE_TIMEOUT,
        }
    }

    /// A context for one attempt of a rollout.
    pub fn for_rollout(
        name: impl Into<String>,
        rollout_id: impl Into<String>,
        attempt_id: impl Into<String>,
    ) -> Result<Self, TraceContextError> {
        let (rollout_id, attempt_id) = (rollout_id.into(), attempt_id.into());
        Self::with_ids(name, Some(&rollout_id), Some(&attempt_id))
    }

    /// A context with both ids or neither; one without the other is an error.
    ///
    /// ```
    /// use agentrace::rollout::{TraceContext, TraceContextError};
    /// assert!(TraceContext::with_ids("t", None, None).is_ok());
    /// assert_eq!(TraceContext::with_ids("t", Some("r1"), None).unwrap_err(), TraceContextError::HalfIds);
    /// ```
    pub fn with_ids(
        name: impl Into<String>,
        rollout_id: Option<&str>,
        attempt_id: Option<&str>,
    ) -> Result<Self, TraceContextError> {
        let mut context = TraceContext::new(name);
        match (rollout_id, attempt_id) {
            (None, None) => {}
            (Some(rollout), Some(attempt)) => {
                if rollout.is_empty() || attempt.is_empty() {
                    return Err(TraceContextError::EmptyId);
                }
                context.rollout_id = Some(rollout.to_owned());
                context.attempt_id = Some(attempt.to_owned());
            }
            _ => return Err(TraceContextError::HalfIds),
        }
        Ok(context)
    }

    /// Write the spans through `writer` instead of the [default store](default_store).
    pub fn store(mut self, writer: Arc<StoreWriter>) -> Self {
        self.store = StoreChoice::Writer(writer);
        self
    }

    /// Write the spans nowhere: only collect them.
    pub fn without_store(mut self) -> Self {
        self.store = StoreChoice::Nowhere;
        self
    }

    /// How long the context waits, when it ends, for the store to confirm its spans
    /// (default [`DEFAULT_STORE_TIMEOUT`]). Past it the spans come back all the same.
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.store_timeout = timeout;
        self
    }

    /// Runs `f` inside the context and returns its result with the context's spans.
    ///
    /// `Err` when a trace context is open already on this thread or task.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> Result<(R, Trace), TraceContextError> {
        let (scope, sink) = self.open()?;
        let result = {
            let _current = scope.context.clone().attach();
            f()
        };
        Ok((result, self.finish(&scope, &sink)))
    }

    /// Awaits `future` inside the context and returns its output with the context's spans.
    ///
    /// Tasks spawned from inside belong to the context when they carry the current
    /// OpenTelemetry context (`opentelemetry::context::FutureExt::with_current_context`).
    /// When it ends, the context may block the thread up to its
    /// [`store_timeout`](Self::store_timeout) while the store confirms the spans.
    pub async fn run_async<F: std::future::Future>(
        self,
        future: F,
    ) -> Result<(F::Output, Trace), TraceContextError> {
        use opentelemetry::context::FutureExt as _;
        let (scope, sink) = self.open()?;
        let output = future.with_context(scope.context.clone()).await;
        Ok((output, self.finish(&scope, &sink)))
    }

    fn open(&self) -> Result<(Scope, Arc<RolloutSink>), TraceContextError> {
        if current_sink().is_some() {
            return Err(TraceContextError::Nested {
                name: self.name.clone(),
            });
        }
        let writer = match &self.store {
            StoreChoice::Default => default_store(),
            StoreChoice::Writer(writer) => Some(writer.clone()),
            StoreChoice::Nowhere => None,
        };
        let sink = Arc::new(RolloutSink {
            rollout_id: self.rollout_id.clone(),
            attempt_id: self.attempt_id.clone(),
            writer,
            acks: Arc::new(Acks::default()),
        });
        Ok((Scope::open_with(Some(sink.clone())), sink))
    }

    fn finish(&self, scope: &Scope, sink: &RolloutSink) -> Trace {
        let mut store_error = None;
        let mut spans = scope.collector.take();
        if sink.writer.is_some() {
            match sink.acks.wait(self.store_timeout) {
                Ok(sequence) => {
                    let ids: Option<Vec<u64>> = spans
                        .iter()
                        .map(|s| {
                            sequence
                                .get(&(s.trace_id.clone(), s.span_id.clone()))
                                .copied()
                        })
                        .collect();
                    if let Some(ids) = ids {
                        for (span, id) in spans.iter_mut().zip(ids) {
                            span.sequence_id = id;
                        }
                        spans.sort_by_key(|span| span.sequence_id);
                    }
                }
                Err(error) => store_error = Some(error),
            }
        }
        Trace {
            name: self.name.clone(),
            rollout_id: self.rollout_id.clone(),
            attempt_id: self.attempt_id.clone(),
            spans,
            store_error,
        }
    }
}

/// The sink of one trace context: names the rollout on each record and queues it for the
/// store.
#[derive(Debug)]
struct RolloutSink {
    rollout_id: Option<String>,
    attempt_id: Option<String>,
    writer: Option<Arc<StoreWriter>>,
    acks: Arc<Acks>,
}

impl SpanSink for RolloutSink {
    fn accept(&self, record: &mut SpanRecord) {
        record.rollout_id.clone_from(&self.rollout_id);
        record.attempt_id.clone_from(&self.attempt_id);
        if let Some(writer) = &self.writer {
            lock(&self.acks.state).sent += 1;
            let ack: Arc<dyn WriteAck> = self.acks.clone();
            if let Err(error) = writer.write_with_ack(vec![record.clone()], Some(ack)) {
                self.acks.done(Err(error));
            }
        }
    }
}

type SequenceIds = HashMap<(String, String), u64>;

/// The store's answers to a context's writes.
#[derive(Debug, Default)]
struct Acks {
    state: Mutex<AckState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct AckState {
    sent: usize,
    answered: usize,
    sequence: SequenceIds,
    error: Option<StoreError>,
}

impl Acks {
    /// Waits until every write sent so far is answered, at most `timeout`.
    fn wait(&self, timeout: Duration) -> Result<SequenceIds, StoreError> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.state);
        while state.answered < state.sent {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StoreError::Writer(format!(
                    "the store did not confirm {} of {} spans within {timeout:?}",
                    state.sent - state.answered,
                    state.sent
                )));
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        match &state.error {
            Some(error) => Err(error.clone()),
            None => Ok(std::mem::take(&mut state.sequence)),
        }
    }
}

impl WriteAck for Acks {
    fn done(&self, result: Result<Vec<SpanRecord>, StoreError>) {
        let mut state = lock(&self.state);
        state.answered += 1;
        match result {
            Ok(stored) => {
                for span in stored {
                    state
                        .sequence
                        .insert((span.trace_id, span.span_id), span.sequence_id);
                }
            }
            Err(error) => state.error = Some(error),
        }
        self.changed.notify_all();
    }
}
