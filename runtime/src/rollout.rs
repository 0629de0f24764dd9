//! Rollout scopes: a scope per rollout attempt that collects every span made inside it, hands
//! them back in sequence order when it ends, and writes them to a span store under the
//! rollout and attempt (Agent Lightning's `trace_context` and `get_last_trace`).
//!
//! A [`RolloutScope`] is built on the collection scopes of
//! [`testing::capture`](crate::testing::capture): its collector also carries the rollout and attempt ids and a handle to the store writer.
//! Spans go to the store from a background thread ([`StoreWriter`]), so a slow or failing
//! store never breaks the agent: its spans still come back, with the failure in
//! [`Trace::store_error`].
//!
//! Every span started inside a scope with ids carries them as the attributes
//! `agentlightning.rollout_id` and `agentlightning.attempt_id`, whatever the exporter: an
//! Agent Lightning store files each span under its rollout by them, so that several rollouts
//! in one process, and concurrent ones on different tasks, each land in their own.
//!
//! ```
//! use agentrace::rollout::RolloutScope;
//!
//! #[agentrace::trace_tool]
//! fn search(query: &str) -> String { format!("found {query}") }
//!
//! let scope = RolloutScope::for_rollout("episode", "rollout-1", "attempt-1").unwrap().without_store();
//! let (answer, trace) = scope.run(|| search("rust")).unwrap();
//! assert_eq!(answer, "found rust");
//! assert_eq!(trace.spans[0].rollout_id.as_deref(), Some("rollout-1"));
//! assert_eq!(trace.spans[0].sequence_id, 1);
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use agentrace_store::{default_writer, SpanRecord, StoreError, StoreWriter, WriteAck};

use opentelemetry::KeyValue;

use crate::collect::{current_forward, Forward, Scope};
use crate::semconv;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How long a rollout scope waits by default, when it ends, for the store to confirm its
/// spans.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// A scope that collects the spans of one attempt of a rollout (or of any named piece of
/// work) and writes them to a span store.
#[derive(Clone, Debug)]
pub struct RolloutScope {
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

/// Why a rollout scope could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RolloutError {
    /// A rollout scope was opened inside another one on the same task.
    Nested {
        /// The name of the scope that could not be opened.
        name: String,
    },
    /// Only one of rollout id and attempt id was given: give both or neither.
    HalfIds,
    /// A rollout or attempt id was empty.
    EmptyId,
}

impl std::fmt::Display for RolloutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RolloutError::Nested { name } => write!(
                f,
                "rollout scope {name:?} opened inside another rollout scope on the same task"
            ),
            RolloutError::HalfIds => {
                f.write_str("a rollout scope needs both a rollout id and an attempt id, or neither")
            }
            RolloutError::EmptyId => f.write_str("rollout and attempt ids must not be empty"),
        }
    }
}

impl std::error::Error for RolloutError {}

/// The spans of a finished rollout scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The scope's name.
    pub name: String,
    /// The rollout, if the scope had one.
    pub rollout_id: Option<String>,
    /// The attempt, if the scope had one.
    pub attempt_id: Option<String>,
    /// Every span that started and ended inside the scope, in sequence order. When the
    /// store confirmed them all, they carry the store's sequence ids; otherwise ids numbered
    /// here, in the order the spans ended.
    pub spans: Vec<SpanRecord>,
    /// Why the store did not confirm every span, if it did not.
    pub store_error: Option<StoreError>,
}

impl RolloutScope {
    /// A scope with no rollout: its spans are stored without one.
    pub fn new(name: impl Into<String>) -> Self {
        RolloutScope {
            name: name.into(),
            rollout_id: None,
            attempt_id: None,
            store: StoreChoice::Default,
            store_timeout: DEFAULT_STORE_TIMEOUT,
        }
    }

    /// A scope for one attempt of a rollout.
    pub fn for_rollout(
        name: impl Into<String>,
        rollout_id: impl Into<String>,
        attempt_id: impl Into<String>,
    ) -> Result<Self, RolloutError> {
        let (rollout_id, attempt_id) = (rollout_id.into(), attempt_id.into());
        Self::with_ids(name, Some(&rollout_id), Some(&attempt_id))
    }

    /// A scope with both ids or neither; one without the other is an error.
    ///
    /// ```
    /// use agentrace::rollout::{RolloutScope, RolloutError};
    /// assert!(RolloutScope::with_ids("t", None, None).is_ok());
    /// assert_eq!(RolloutScope::with_ids("t", Some("r1"), None).unwrap_err(), RolloutError::HalfIds);
    /// ```
    pub fn with_ids(
        name: impl Into<String>,
        rollout_id: Option<&str>,
        attempt_id: Option<&str>,
    ) -> Result<Self, RolloutError> {
        let mut context = RolloutScope::new(name);
        match (rollout_id, attempt_id) {
            (None, None) => {}
            (Some(rollout), Some(attempt)) => {
                if rollout.is_empty() || attempt.is_empty() {
                    return Err(RolloutError::EmptyId);
                }
                context.rollout_id = Some(rollout.to_owned());
                context.attempt_id = Some(attempt.to_owned());
            }
            _ => return Err(RolloutError::HalfIds),
        }
        Ok(context)
    }

    /// Write the spans through `writer` instead of the process's
    /// [default writer](agentrace_store::default_writer) (the embedded store's, when tracing
    /// started with it).
    pub fn store(mut self, writer: Arc<StoreWriter>) -> Self {
        self.store = StoreChoice::Writer(writer);
        self
    }

    /// Write the spans nowhere: only collect them.
    pub fn without_store(mut self) -> Self {
        self.store = StoreChoice::Nowhere;
        self
    }

    /// How long the scope waits, when it ends, for the store to confirm its spans
    /// (default [`DEFAULT_STORE_TIMEOUT`]). Past it the spans come back all the same.
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.store_timeout = timeout;
        self
    }

    /// Runs `f` inside the scope and returns its result with the scope's spans.
    ///
    /// `Err` when a rollout scope is open already on this thread or task.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> Result<(R, Trace), RolloutError> {
        let (scope, forward) = self.open()?;
        let result = {
            let _current = scope.context.clone().attach();
            f()
        };
        Ok((result, self.finish(&scope, &forward)))
    }

    /// Awaits `future` inside the scope and returns its output with the scope's spans.
    ///
    /// Tasks spawned from inside belong to the scope when they carry the current
    /// OpenTelemetry context (`opentelemetry::context::FutureExt::with_current_context`).
    /// When it ends, the scope may block the thread up to its
    /// [`store_timeout`](Self::store_timeout) while the store confirms the spans.
    pub async fn run_async<F: std::future::Future>(
        self,
        future: F,
    ) -> Result<(F::Output, Trace), RolloutError> {
        use opentelemetry::context::FutureExt as _;
        let (scope, forward) = self.open()?;
        let output = future.with_context(scope.context.clone()).await;
        Ok((output, self.finish(&scope, &forward)))
    }

    fn open(&self) -> Result<(Scope, Arc<RolloutForward>), RolloutError> {
        if current_forward().is_some() {
            return Err(RolloutError::Nested {
                name: self.name.clone(),
            });
        }
        let writer = match &self.store {
            StoreChoice::Default => default_writer(),
            StoreChoice::Writer(writer) => Some(writer.clone()),
            StoreChoice::Nowhere => None,
        };
        let span_attributes = match (&self.rollout_id, &self.attempt_id) {
            (Some(rollout), Some(attempt)) => vec![
                KeyValue::new(semconv::AGENTLIGHTNING_ROLLOUT_ID, rollout.clone()),
                KeyValue::new(semconv::AGENTLIGHTNING_ATTEMPT_ID, attempt.clone()),
            ],
            _ => Vec::new(),
        };
        let forward = Arc::new(RolloutForward {
            span_attributes,
            rollout_id: self.rollout_id.clone(),
            attempt_id: self.attempt_id.clone(),
            writer,
            acks: Arc::new(Acks::default()),
        });
        Ok((Scope::open_with(Some(forward.clone())), forward))
    }

    fn finish(&self, scope: &Scope, forward: &RolloutForward) -> Trace {
        let mut store_error = None;
        let mut spans = scope.collector.take();
        if forward.writer.is_some() {
            match forward.acks.wait(self.store_timeout) {
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

/// The forward of one rollout scope: names the rollout on each record and queues it for the
/// store.
#[derive(Debug)]
struct RolloutForward {
    /// `agentlightning.rollout_id` and `agentlightning.attempt_id`, made once per scope.
    span_attributes: Vec<KeyValue>,
    rollout_id: Option<String>,
    attempt_id: Option<String>,
    writer: Option<Arc<StoreWriter>>,
    acks: Arc<Acks>,
}

impl Forward for RolloutForward {
    fn span_attributes(&self) -> Option<&[KeyValue]> {
        (!self.span_attributes.is_empty()).then_some(self.span_attributes.as_slice())
    }

    fn forward(&self, record: &mut SpanRecord) {
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
