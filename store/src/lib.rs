//! # agentrace-store
//!
//! The span store of [agentrace](https://docs.rs/agentrace): where finished spans are kept, by rollout and attempt, with the sequence
//! ids that order them, and the queries that read them back.
//!
//! [`SpanStore`] is the trait; [`MemoryStore`] keeps spans in memory within a byte budget,
//! `SqliteStore` (feature `sqlite`, on by default) in a SQLite file, and `PostgresStore`
//! (feature `postgres`) in a PostgreSQL database that many machines share. [`open`] opens
//! a store by its location, a file path or a `postgres://` URL. [`StoreWriter`] writes
//! to a store from a background thread through a bounded queue, so that a slow or failing
//! store never holds up traced code. [`SpanRecord`] is the record every part of agentrace
//! speaks: collection scopes hand it back, the store keeps it, the viewer reads it.
//!
//! Users reach this crate as `agentrace::store`; the `agentrace` viewer builds on it alone.
//!
//! Sequence ids follow Agent Lightning's store: per rollout, strictly increasing from 1, one
//! counter shared by the rollout's attempts. A span added with an explicit sequence id (not
//! 0) keeps it and the counter moves past it. A span whose id is stored already is skipped,
//! except that a span stored without a rollout is moved under the rollout a later write gives
//! it (so a span reaching one store from both a trace context and an exporter is kept once).
//! Spans without a rollout share one counter of their own.
//!
//! ```
//! use agentrace_store::{MemoryStore, Query, SpanRecord, SpanStore};
//! # fn span(id: &str) -> SpanRecord {
//! #     serde_json::from_value(serde_json::json!({"trace_id": "01", "span_id": id, "name": "work",
//! #         "start_time": 1, "end_time": 2, "rollout_id": "r1", "attempt_id": "a1"})).unwrap()
//! # }
//! let store = MemoryStore::new(1 << 20);
//! store.add_spans(vec![span("1"), span("2")]).unwrap();
//! let page = store.query(&Query::rollout("r1")).unwrap();
//! assert_eq!(page.spans.iter().map(|s| s.sequence_id).collect::<Vec<_>>(), [1, 2]);
//! assert_eq!(page.total, 2);
//! ```

#![warn(missing_docs)]

mod default_writer;
mod location;
mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "postgres")]
mod postgres_prune;
#[cfg(feature = "postgres")]
mod postgres_schema;
mod query;
pub mod record;
mod retention;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_prune;
#[cfg(feature = "sqlite")]
mod sqlite_schema;
mod summary;
mod tree;
mod writer;

use std::fmt;
use std::time::SystemTime;

pub use default_writer::{default_writer, set_default_writer, set_default_writer_if_unset};
pub use location::{open, open_location, redact_url, OpenOptions, StoreLocation, STORE_ENV};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use query::{Attempt, Logic, NameMatch, Order, Page, Query};
pub use record::SpanRecord;
pub use retention::{human_bytes, PruneReport, Retention, StoreSize};
#[cfg(feature = "sqlite")]
pub use sqlite::{default_store_path, SqliteStore, STORE_PATH_ENV};
pub use summary::TraceSummary;
pub use tree::render_tree;
pub use writer::{StoreWriter, WriteAck, WriterOptions, WriterStats};

/// A place that keeps spans by rollout and attempt and answers queries over them.
///
/// Every backend passes the same behaviour suite (`tests/tests/store_suite.rs`).
pub trait SpanStore: Send + Sync + fmt::Debug {
    /// Adds spans in order, issuing sequence ids, and returns the records it stored with their
    /// sequence ids. Spans already stored are skipped (see the [module docs](self)).
    fn add_spans(&self, spans: Vec<SpanRecord>) -> Result<Vec<SpanRecord>, StoreError>;

    /// Adds one span: `Ok(None)` when it was stored already.
    fn add_span(&self, span: SpanRecord) -> Result<Option<SpanRecord>, StoreError> {
        Ok(self.add_spans(vec![span])?.into_iter().next())
    }

    /// Reserves and returns the next sequence id of `rollout_id` (`None`: spans without a
    /// rollout), as a span added now without an explicit id would get it.
    fn next_sequence_id(&self, rollout_id: Option<&str>) -> Result<u64, StoreError>;

    /// The spans matching `query`, with the number that matched before limit and offset.
    fn query(&self, query: &Query) -> Result<Page, StoreError>;

    /// The most recent traces first (by start of their earliest span), at most `limit`.
    fn traces(&self, limit: usize) -> Result<Vec<TraceSummary>, StoreError>;

    /// Upkeep the background writer runs after its writes: a store with a [`Retention`]
    /// prunes what is past it and says what it removed. Does nothing by default.
    fn maintain(&self) -> Result<Option<PruneReport>, StoreError> {
        Ok(None)
    }

    /// How much the store holds (bytes, spans, oldest span), for `agentrace traces`. A store
    /// that does not know is [`StoreError::Invalid`] (the default).
    fn size(&self) -> Result<StoreSize, StoreError> {
        Err(StoreError::Invalid(format!(
            "{self:?} does not report its size"
        )))
    }

    /// Removes the rollouts and traces past `retention` as of `now`, oldest first, whole
    /// (see each backend). A store without retention is [`StoreError::Invalid`] (the default).
    fn prune(&self, retention: &Retention, now: SystemTime) -> Result<PruneReport, StoreError> {
        let _ = (retention, now);
        Err(StoreError::Invalid(
            "this span store has no retention to prune by".into(),
        ))
    }

    /// What [`prune`](Self::prune) would remove, removing nothing.
    fn prune_dry_run(
        &self,
        retention: &Retention,
        now: SystemTime,
    ) -> Result<PruneReport, StoreError> {
        let _ = (retention, now);
        Err(StoreError::Invalid(
            "this span store has no retention to prune by".into(),
        ))
    }
}

/// Why a store operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The rollout was evicted from a memory store to stay within its byte budget.
    Evicted {
        /// The evicted rollout.
        rollout_id: String,
    },
    /// A span or query was not valid, e.g. an empty rollout id or an attempt without one.
    Invalid(String),
    /// The database failed, could not be opened, or is not an agentrace store.
    Backend(String),
    /// The database was written by a newer agentrace (its schema version is higher).
    SchemaTooNew {
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The background writer could not take or finish the write.
    Writer(String),
    /// The rollout was pruned from a persistent store by its retention (age or size).
    Pruned {
        /// The pruned rollout.
        rollout_id: String,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Evicted { rollout_id } => write!(
                f,
                "rollout {rollout_id:?} was evicted from the memory store (byte budget reached)"
            ),
            StoreError::Invalid(why) => write!(f, "invalid store request: {why}"),
            StoreError::Backend(why) => write!(f, "span store error: {why}"),
            StoreError::SchemaTooNew { found, supported } => write!(
                f,
                "span store schema version {found} is newer than this agentrace supports ({supported})"
            ),
            StoreError::Writer(why) => write!(f, "span store writer: {why}"),
            StoreError::Pruned { rollout_id } => write!(
                f,
                "rollout {rollout_id:?} was pruned from the span store by its retention (age or size)"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

/// Checks the rollout fields of a span about to be stored.
pub(crate) fn check_ids(span: &SpanRecord) -> Result<(), StoreError> {
    match (&span.rollout_id, &span.attempt_id) {
        (Some(rollout), _) if rollout.is_empty() => {
            Err(StoreError::Invalid("empty rollout id".into()))
        }
        (_, Some(attempt)) if attempt.is_empty() => {
            Err(StoreError::Invalid("empty attempt id".into()))
        }
        (None, Some(_)) => Err(StoreError::Invalid(format!(
            "span {} has an attempt id but no rollout id",
            span.span_id
        ))),
        _ => Ok(()),
    }
}
