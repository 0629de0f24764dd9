//! [`StoreWriter`]: writes spans to a store from a background thread through a bounded
//! queue, so that traced code never waits on the store, and reports what failed.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::record::SpanRecord;
use crate::{SpanStore, StoreError};

/// Settings of a [`StoreWriter`].
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// Writes waiting at most (each a span or a batch of spans); past it writes are dropped
    /// and counted. Default 8,192.
    pub queue_capacity: usize,
    /// Spans written per store transaction at most. Default 1,024.
    pub max_batch: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            queue_capacity: 8192,
            max_batch: 1024,
        }
    }
}

/// What a [`StoreWriter`] has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Spans the store took (new or moved under a rollout).
    pub stored: u64,
    /// Spans dropped because the queue was full.
    pub dropped: u64,
    /// Spans whose write the store refused or failed.
    pub failed: u64,
    /// The last failure, if any.
    pub last_error: Option<String>,
}

/// Told the outcome of one write ([`StoreWriter::write_with_ack`]): the spans of it the
/// store took, with their sequence ids, or why it failed. Rollout scopes wait on it to hand
/// back the store's sequence ids.
pub trait WriteAck: Send + Sync {
    /// Called once, on the writer's thread, when the write is done.
    fn done(&self, result: Result<Vec<SpanRecord>, StoreError>);
}

enum Job {
    Write {
        spans: Vec<SpanRecord>,
        ack: Option<Arc<dyn WriteAck>>,
    },
    Flush(mpsc::Sender<()>),
}

/// Writes spans to a [`SpanStore`] from its own thread.
///
/// [`write`](Self::write) never blocks: it queues the spans, or drops and counts them when
/// the bounded queue is full. The thread writes what is queued in batches, one store call per
/// batch. Failures are counted in [`stats`](Self::stats) and the first is printed to stderr.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use agentrace_store::{MemoryStore, Query, SpanStore, StoreWriter};
/// # let span: agentrace_store::SpanRecord = serde_json::from_value(serde_json::json!({"trace_id": "01",
/// #     "span_id": "02", "name": "x", "start_time": 1, "end_time": 2})).unwrap();
/// let store = Arc::new(MemoryStore::new(1 << 20));
/// let writer = StoreWriter::spawn(store.clone()).unwrap();
/// writer.write(vec![span]).unwrap();
/// writer.flush(Duration::from_secs(5)).unwrap();
/// assert_eq!(store.query(&Query::all()).unwrap().total, 1);
/// assert_eq!(writer.stats().stored, 1);
/// ```
#[derive(Debug)]
pub struct StoreWriter {
    queue: SyncSender<Job>,
    store: Arc<dyn SpanStore>,
    stats: Arc<Mutex<WriterStats>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::Write { spans, .. } => write!(f, "Write({} spans)", spans.len()),
            Job::Flush(_) => f.write_str("Flush"),
        }
    }
}

impl StoreWriter {
    /// Starts a writer to `store` with the default options.
    pub fn spawn(store: Arc<dyn SpanStore>) -> Result<Arc<Self>, StoreError> {
        Self::with_options(store, WriterOptions::default())
    }

    /// Starts a writer to `store`.
    pub fn with_options(
        store: Arc<dyn SpanStore>,
        options: WriterOptions,
    ) -> Result<Arc<Self>, StoreError> {
        let (queue, jobs) = mpsc::sync_channel(options.queue_capacity.max(1));
        let stats = Arc::new(Mutex::new(WriterStats::default()));
        let worker = Worker {
            store: store.clone(),
            stats: stats.clone(),
            max_batch: options.max_batch.max(1),
        };
        std::thread::Builder::new()
            .name("agentrace-store".into())
            .spawn(move || worker.run(jobs))
            .map_err(|e| StoreError::Writer(format!("cannot start the writer thread: {e}")))?;
        Ok(Arc::new(StoreWriter {
            queue,
            store,
            stats,
        }))
    }

    /// The store written to.
    pub fn store(&self) -> &Arc<dyn SpanStore> {
        &self.store
    }

    /// Queues `spans` for writing, without waiting. `Err` when the queue is full (the spans
    /// are dropped and counted) or the writer has stopped.
    pub fn write(&self, spans: Vec<SpanRecord>) -> Result<(), StoreError> {
        self.write_with_ack(spans, None)
    }

    /// Queues `spans` like [`write`](Self::write); `ack` is told the outcome once the store
    /// has written them (or failed to).
    pub fn write_with_ack(
        &self,
        spans: Vec<SpanRecord>,
        ack: Option<Arc<dyn WriteAck>>,
    ) -> Result<(), StoreError> {
        let count = spans.len() as u64;
        let error = match self.queue.try_send(Job::Write { spans, ack }) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Full(_)) => StoreError::Writer("queue full, spans dropped".into()),
            Err(TrySendError::Disconnected(_)) => StoreError::Writer("writer stopped".into()),
        };
        let mut stats = lock(&self.stats);
        stats.dropped += count;
        stats.last_error = Some(error.to_string());
        Err(error)
    }

    /// Waits until everything queued before this call is written (and the store's upkeep,
    /// such as pruning to its retention, done), at most `timeout`.
    pub fn flush(&self, timeout: Duration) -> Result<(), StoreError> {
        let deadline = Instant::now() + timeout;
        let (done, finished) = mpsc::channel();
        let mut job = Job::Flush(done);
        loop {
            match self.queue.try_send(job) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                    job = back;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => return Err(StoreError::Writer("flush timed out".into())),
            }
        }
        finished
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .map_err(|_| StoreError::Writer("flush timed out".into()))
    }

    /// Counts of spans stored, dropped and failed, and the last failure.
    pub fn stats(&self) -> WriterStats {
        lock(&self.stats).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Worker {
    store: Arc<dyn SpanStore>,
    stats: Arc<Mutex<WriterStats>>,
    max_batch: usize,
}

impl Worker {
    fn run(self, jobs: Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            let mut spans = 0;
            while spans < self.max_batch {
                match jobs.try_recv() {
                    Ok(job) => {
                        if let Job::Write { spans: s, .. } = &job {
                            spans += s.len();
                        }
                        batch.push(job);
                    }
                    Err(_) => break,
                }
            }
            self.handle(batch);
        }
    }

    fn handle(&self, batch: Vec<Job>) {
        let mut writes = Vec::new();
        let mut flushes = Vec::new();
        for job in batch {
            match job {
                Job::Write { spans, ack } => writes.push((spans, ack)),
                Job::Flush(done) => flushes.push(done),
            }
        }
        let all: Vec<SpanRecord> = writes.iter().flat_map(|(spans, _)| spans.clone()).collect();
        match self.store.add_spans(all) {
            Ok(stored) => {
                self.count(Ok(stored.len()));
                for (spans, ack) in writes {
                    if let Some(ack) = ack {
                        ack.done(Ok(stored_of(&spans, &stored)));
                    }
                }
            }
            // One bad write must not sink the others of its batch: retry them one by one.
            Err(_) if writes.len() > 1 => {
                for (spans, ack) in writes {
                    self.write_alone(spans, ack);
                }
            }
            Err(error) => {
                for (spans, ack) in writes {
                    self.count(Err((&error, spans.len())));
                    if let Some(ack) = ack {
                        ack.done(Err(error.clone()));
                    }
                }
            }
        }
        // Retention runs here, on the writer's thread, after the writes it follows were
        // acknowledged (traced calls and rollout scopes never wait on it), and before a
        // flush returns: a flushed store is within its bounds.
        match self.store.maintain() {
            Ok(Some(report)) => eprintln!("agentrace: span store: {report}"),
            Ok(None) => {}
            Err(error) => eprintln!("agentrace: span store: pruning failed: {error}"),
        }
        for done in flushes {
            let _ = done.send(());
        }
    }

    fn write_alone(&self, spans: Vec<SpanRecord>, ack: Option<Arc<dyn WriteAck>>) {
        let count = spans.len();
        let result = self.store.add_spans(spans);
        match &result {
            Ok(stored) => self.count(Ok(stored.len())),
            Err(error) => self.count(Err((error, count))),
        }
        if let Some(ack) = ack {
            ack.done(result);
        }
    }

    fn count(&self, outcome: Result<usize, (&StoreError, usize)>) {
        let mut stats = lock(&self.stats);
        match outcome {
            Ok(stored) => stats.stored += stored as u64,
            Err((error, count)) => {
                if stats.failed == 0 {
                    eprintln!("agentrace: span store write failed: {error} (further failures are counted in StoreWriter::stats)");
                }
                stats.failed += count as u64;
                stats.last_error = Some(error.to_string());
            }
        }
    }
}

/// The records of `stored` that came from `sent`.
fn stored_of(sent: &[SpanRecord], stored: &[SpanRecord]) -> Vec<SpanRecord> {
    if sent.len() == stored.len() && sent.iter().zip(stored).all(|(a, b)| a.span_id == b.span_id) {
        return stored.to_vec();
    }
    let ids: std::collections::HashSet<(&str, &str)> = sent
        .iter()
        .map(|s| (s.trace_id.as_str(), s.span_id.as_str()))
        .collect();
    stored
        .iter()
        .filter(|s| ids.contains(&(s.trace_id.as_str(), s.span_id.as_str())))
        .cloned()
        .collect()
}
