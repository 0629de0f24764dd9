//! [`PostgresStore`]: spans in a PostgreSQL database, shared by the processes of many
//! machines (workers writing rollouts, a trainer querying them while they run).
//!
//! # The client crate
//!
//! The blocking [`postgres`](https://docs.rs/postgres) crate. The store is driven from the
//! store writer's own thread (and from the viewer, a plain command), so an async client would
//! only add a runtime to manage: `postgres` wraps `tokio-postgres` with a small current-thread
//! runtime per connection and exposes plain calls, works whether or not the application runs
//! tokio, and adds only tokio-postgres and its protocol crates to the build (tokio is in the
//! tree already), far less than `sqlx` with its macros, drivers and runtime features would on a
//! 2-core machine. Connections are made without TLS (`NoTls`): `sslmode=disable` or the
//! default `prefer` (which then speaks plain TCP) work; `sslmode=require` is refused when the
//! store opens, with an error that says so. Use it on loopback, a private network, or through
//! a TLS tunnel.
//!
//! # Sequence ids under concurrency
//!
//! Each [`add_spans`](SpanStore::add_spans) is one transaction (READ COMMITTED). It first
//! locks the counter row of every rollout in the batch, in a fixed (byte) order, with
//! `INSERT INTO agentrace_rollouts ... ON CONFLICT (rollout_id) DO UPDATE ... RETURNING
//! last_sequence`: the upsert takes the row's lock (or, for a rollout no one has written,
//! inserts the row, and a concurrent inserter waits on that unique-index entry), and always
//! returns the latest committed counter, whatever the transaction's snapshot. Every other
//! writer of those rollouts, in any process on any machine, blocks on the same row until this
//! transaction commits or rolls back. So the ids this batch issues (counter + 1, + 2, ...) are
//! read, used and written back under one lock: no two transactions issue the same id, and
//! since the lock is held to the commit, ids are committed in increasing order with no gap
//! (a rolled-back batch releases the lock without having moved the counter). The fixed
//! locking order means two batches covering the same rollouts cannot deadlock; should the
//! server still report a deadlock or a serialization failure, the batch is retried whole.
//! The duplicate check (`trace_id`, `span_id`) runs under the same locks; a duplicate
//! written meanwhile under another rollout makes the insert hit the unique index, and the
//! batch is retried whole, finding it stored.
//!
//! # Connection loss
//!
//! A call that loses its connection (server restart, `pg_terminate_backend`, network) drops
//! it, reconnects with backoff (20 ms doubling to 1 s) and runs again, for at most the
//! store's timeout ([`with_timeout`](PostgresStore::with_timeout), 10 s by default); then it
//! returns the error, which the [`StoreWriter`](crate::StoreWriter) counts and reports once
//! on standard error. A batch is acknowledged only after its `COMMIT` returned, so nothing
//! acknowledged is lost. A connection lost during `COMMIT` leaves the outcome unknown: the
//! retry first asks the server whether that transaction committed (`txid_status` of the id
//! the batch read with its locks), and if it did, acknowledges what it stored, with its ids.
//!
//! # Differences from SQLite
//!
//! - Retention: only the age bound applies ([`Retention::max_age`]); a size bound is not
//!   (PostgreSQL does not give deleted space back to the file system without `VACUUM FULL`,
//!   which locks the table: the server's storage is its operator's to manage). Pruning with
//!   only a size bound is [`StoreError::Invalid`].
//! - A NUL character in a text field (name, ids, status description) is stored as U+FFFD:
//!   PostgreSQL text cannot hold NUL. Attributes, events, links and resource are kept as
//!   JSON text, exactly.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::config::SslMode;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, Config, NoTls, Row, Statement};

use crate::location::redact_url;
use crate::query::{Attempt, NameMatch, Order, Page, Query};
use crate::record::{RecordKind, RecordStatus, SpanRecord, StatusCode};
use crate::retention::Retention;
use crate::summary::{TraceSummary, INPUT_TOKENS, OUTPUT_TOKENS};
use crate::{check_ids, postgres_schema, SpanStore, StoreError};

/// How long a call keeps retrying a lost connection by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A span store in a PostgreSQL database (feature `postgres`).
///
/// Opened from a URL (`postgres://user:password@host:5432/db`, or `postgresql://`, with the
/// parameters libpq's URLs take, such as `?application_name=...&connect_timeout=5`); the
/// tables (`agentrace_*`) are created in the connection's current schema and migrated on open.
/// See the [module docs](self) for how sequence ids stay unique across machines, what
/// happens when the connection is lost, and the differences from SQLite.
///
/// ```no_run
/// use agentrace_store::{PostgresStore, Query, SpanStore};
/// let store = PostgresStore::connect("postgres://agentrace@127.0.0.1:5432/traces")?;
/// let page = store.query(&Query::rollout("rollout-7"))?;
/// # Ok::<(), agentrace_store::StoreError>(())
/// ```
pub struct PostgresStore {
    config: Config,
    /// The URL with its password hidden: what errors and `Debug` show.
    shown: String,
    conn: Mutex<Option<Conn>>,
    timeout: Duration,
    retention: Option<Retention>,
    last_age_check: Mutex<Option<Instant>>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.shown)
            .field("timeout", &self.timeout)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

/// One connection and its prepared write statements.
pub(crate) struct Conn {
    pub(crate) client: Client,
    lock: Statement,
    existing: Statement,
    remove: Statement,
    insert: Statement,
    attempts: Statement,
    counters: Statement,
    unprune: Statement,
    next: Statement,
}

const COLUMNS: &str = "rollout_id, attempt_id, sequence_id, trace_id, span_id, parent_id, name, \
     kind, status_code, status_description, attributes, events, links, start_time, end_time, resource";

const LOCK_SQL: &str = "INSERT INTO agentrace_rollouts (rollout_id, last_sequence)
     SELECT k, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n
     ON CONFLICT (rollout_id) DO UPDATE SET last_sequence = agentrace_rollouts.last_sequence
     RETURNING rollout_id, last_sequence, txid_current()";
const EXISTING_SQL: &str = "SELECT s.trace_id, s.span_id, s.rollout_id, s.id FROM agentrace_spans s
     JOIN unnest($1::text[], $2::text[]) AS u(t, p) ON s.trace_id = u.t AND s.span_id = u.p";
const REMOVE_SQL: &str = "DELETE FROM agentrace_spans WHERE id = ANY($1)";
const INSERT_SQL: &str = "INSERT INTO agentrace_spans (rollout_id, attempt_id, sequence_id,
     trace_id, span_id, parent_id, name, kind, status_code, status_description, attributes,
     events, links, start_time, end_time, resource, input_tokens, output_tokens)
     SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18
     FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
         $14::int8[], $15::int8[], $16::text[], $17::int8[], $18::int8[])
         WITH ORDINALITY AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15,
             c16, c17, c18, n)
     ORDER BY n";
const ATTEMPTS_SQL: &str = "INSERT INTO agentrace_attempts (rollout_id, attempt_id)
     SELECT r, a FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(r, a, n) ORDER BY n
     ON CONFLICT (rollout_id, attempt_id) DO NOTHING";
const COUNTERS_SQL: &str =
    "UPDATE agentrace_rollouts AS r SET last_sequence = GREATEST(r.last_sequence, u.s)
     FROM unnest($1::text[], $2::int8[]) AS u(k, s) WHERE r.rollout_id = u.k";
const UNPRUNE_SQL: &str = "DELETE FROM agentrace_pruned WHERE rollout_id = ANY($1)";
const NEXT_SQL: &str = "INSERT INTO agentrace_rollouts (rollout_id, last_sequence) VALUES ($1, 1)
     ON CONFLICT (rollout_id) DO UPDATE SET last_sequence = agentrace_rollouts.last_sequence + 1
     RETURNING last_sequence";

impl Conn {
    fn open(config: &Config) -> Result<Conn, postgres::Error> {
        let mut client = config.connect(NoTls)?;
        let lock = client.prepare(LOCK_SQL)?;
        let existing = client.prepare(EXISTING_SQL)?;
        let remove = client.prepare(REMOVE_SQL)?;
        let insert = client.prepare(INSERT_SQL)?;
        let attempts = client.prepare(ATTEMPTS_SQL)?;
        let counters = client.prepare(COUNTERS_SQL)?;
        let unprune = client.prepare(UNPRUNE_SQL)?;
        let next = client.prepare(NEXT_SQL)?;
        Ok(Conn {
            client,
            lock,
            existing,
            remove,
            insert,
            attempts,
            counters,
            unprune,
            next,
        })
    }
}

impl PostgresStore {
    /// Connects to the database at `url`, creating the store's tables when missing.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, true)
    }

    /// Connects to the database at `url`, which must hold a store already (readers).
    pub fn connect_existing(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, false)
    }

    fn connect_with(url: &str, create: bool) -> Result<Self, StoreError> {
        let shown = redact_url(url);
        let mut config: Config = url.parse().map_err(|e: postgres::Error| {
            StoreError::Invalid(format!("{shown}: {}", scrub(&e.to_string(), url)))
        })?;
        if config.get_ssl_mode() == SslMode::Require {
            return Err(StoreError::Invalid(format!(
                "{shown}: sslmode=require, but this build connects without TLS (use sslmode=disable or prefer, on loopback, a private network or a TLS tunnel)"
            )));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("agentrace");
        }
        config.keepalives(true);
        let store = PostgresStore {
            config,
            shown,
            conn: Mutex::new(None),
            timeout: DEFAULT_TIMEOUT,
            retention: None,
            last_age_check: Mutex::new(None),
        };
        // Connect and migrate now, so that a wrong URL or an unreachable server is an error
        // when the store opens, not at its first write.
        let mut client = store.config.connect(NoTls).map_err(|e| store.error(&e))?;
        postgres_schema::migrate(&mut client, create).map_err(|e| match e {
            postgres_schema::MigrateError::Sql(e) => store.error(&e),
            postgres_schema::MigrateError::TooNew(found) => StoreError::SchemaTooNew {
                found,
                supported: postgres_schema::SCHEMA_VERSION,
            },
            postgres_schema::MigrateError::Missing => {
                StoreError::Backend(format!("no span store at {}", store.shown))
            }
        })?;
        drop(client);
        // The write statements are prepared once the tables exist.
        let conn = Conn::open(&store.config).map_err(|e| store.error(&e))?;
        *store.lock() = Some(conn);
        Ok(store)
    }

    /// How long a call keeps retrying a lost connection before it fails (10 s by default).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Keeps the store within `retention`'s age bound: the background writer prunes what is
    /// past it after its writes (see the [module docs](self) for the size bound).
    pub fn with_retention(mut self, retention: Retention) -> Self {
        self.retention = Some(retention);
        self
    }

    /// The retention the writer keeps this store within, if any.
    pub fn retention(&self) -> Option<Retention> {
        self.retention
    }

    /// The database URL, its password hidden.
    pub fn url(&self) -> &str {
        &self.shown
    }

    pub(crate) fn last_age_check(&self) -> MutexGuard<'_, Option<Instant>> {
        self.last_age_check
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock(&self) -> MutexGuard<'_, Option<Conn>> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A store error for `e`, naming the database (its password hidden).
    pub(crate) fn error(&self, e: &postgres::Error) -> StoreError {
        let text = match e.as_db_error() {
            Some(db) => format!("{}: {}", db.severity(), db.message()),
            None => e.to_string(),
        };
        StoreError::Backend(format!("{}: {text}", self.shown))
    }

    /// Runs `op` on the connection, reconnecting and running it again after a lost
    /// connection, a deadlock, a serialization failure or a concurrent duplicate, with
    /// backoff, until the store's timeout.
    pub(crate) fn run<T>(
        &self,
        mut op: impl FnMut(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let deadline = Instant::now() + self.timeout;
        let mut delay = Duration::from_millis(20);
        let mut guard = self.lock();
        loop {
            let result = match guard.as_mut() {
                Some(conn) => op(conn),
                None => match Conn::open(&self.config) {
                    Ok(conn) => op(guard.insert(conn)),
                    Err(e) => Err(e),
                },
            };
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let lost = guard.as_ref().is_none_or(|conn| conn.client.is_closed())
                || connection_lost(&error);
            if lost {
                *guard = None;
            }
            if !(lost || retry_in_place(&error)) || Instant::now() + delay > deadline {
                return Err(self.error(&error));
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }
}

/// `text` with `url`'s password, if any, replaced.
fn scrub(text: &str, url: &str) -> String {
    let redacted = redact_url(url);
    let mut out = text.replace(url, &redacted);
    if let Ok(config) = url.parse::<Config>() {
        if let Some(password) = config
            .get_password()
            .and_then(|p| std::str::from_utf8(p).ok())
        {
            if !password.is_empty() {
                out = out.replace(password, "***");
            }
        }
    }
    out
}

/// The connection is gone (or was never made): reconnect before trying again.
fn connection_lost(error: &postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    match error.code() {
        // Class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now).
        Some(code) => {
            code.code().starts_with("08")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                ]
                .contains(code)
        }
        // Not an answer of the server: an I/O or connect error.
        None => error.as_db_error().is_none(),
    }
}

/// A transient conflict with another writer: run the transaction again.
fn retry_in_place(error: &postgres::Error) -> bool {
    error.code().is_some_and(|code| {
        [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::UNIQUE_VIOLATION,
        ]
        .contains(code)
    })
}

/// PostgreSQL text cannot hold NUL: it is stored as U+FFFD.
fn pg_text(text: &str) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text.to_owned()
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn from_text<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).unwrap_or_default()
}

fn from_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

/// A token count attribute as an integer (0 when absent or not a number).
fn tokens(span: &SpanRecord, key: &str) -> i64 {
    span.attr_i64(key)
        .or_else(|| span.attr_f64(key).map(|f| f as i64))
        .unwrap_or(0)
}

fn read_row(row: &Row) -> SpanRecord {
    let rollout: String = row.get(0);
    let kind: String = row.get(7);
    let status_code: String = row.get(8);
    SpanRecord {
        rollout_id: (!rollout.is_empty()).then_some(rollout),
        attempt_id: row.get(1),
        sequence_id: row.get::<_, i64>(2) as u64,
        trace_id: row.get(3),
        span_id: row.get(4),
        parent_id: row.get(5),
        name: row.get(6),
        kind: from_text::<RecordKind>(&kind),
        status: RecordStatus {
            status_code: from_text::<StatusCode>(&status_code),
            description: row.get(9),
        },
        attributes: from_json(row.get(10)),
        events: from_json(row.get(11)),
        links: from_json(row.get(12)),
        start_time: row.get::<_, i64>(13) as u64,
        end_time: row.get::<_, i64>(14) as u64,
        resource: from_json(row.get(15)),
    }
}

/// A span's JSON columns, serialized before the transaction so that the rollouts' locks are
/// held for the database work alone.
struct JsonColumns {
    attributes: String,
    events: String,
    links: String,
    resource: String,
}

impl JsonColumns {
    fn of(span: &SpanRecord) -> Self {
        JsonColumns {
            attributes: json(&span.attributes),
            events: json(&span.events),
            links: json(&span.links),
            resource: json(&span.resource),
        }
    }
}

/// The columns of the spans being inserted, one array each.
#[derive(Default)]
struct Columns {
    rollout: Vec<String>,
    attempt: Vec<Option<String>>,
    sequence: Vec<i64>,
    trace: Vec<String>,
    span: Vec<String>,
    parent: Vec<Option<String>>,
    name: Vec<String>,
    kind: Vec<String>,
    status: Vec<String>,
    description: Vec<Option<String>>,
    attributes: Vec<String>,
    events: Vec<String>,
    links: Vec<String>,
    start: Vec<i64>,
    end: Vec<i64>,
    resource: Vec<String>,
    input_tokens: Vec<i64>,
    output_tokens: Vec<i64>,
}

impl Columns {
    /// Adds `span` (with its sequence id issued) and its JSON columns, made beforehand.
    fn push(&mut self, key: &str, span: &SpanRecord, json: &JsonColumns) {
        self.rollout.push(key.to_owned());
        self.attempt.push(span.attempt_id.as_deref().map(pg_text));
        self.sequence.push(span.sequence_id as i64);
        self.trace.push(pg_text(&span.trace_id));
        self.span.push(pg_text(&span.span_id));
        self.parent.push(span.parent_id.as_deref().map(pg_text));
        self.name.push(pg_text(&span.name));
        self.kind.push(text_of(&span.kind));
        self.status.push(text_of(&span.status.status_code));
        self.description
            .push(span.status.description.as_deref().map(pg_text));
        self.attributes.push(json.attributes.clone());
        self.events.push(json.events.clone());
        self.links.push(json.links.clone());
        self.start.push(span.start_time as i64);
        self.end.push(span.end_time as i64);
        self.resource.push(json.resource.clone());
        self.input_tokens.push(tokens(span, INPUT_TOKENS));
        self.output_tokens.push(tokens(span, OUTPUT_TOKENS));
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 18] {
        [
            &self.rollout,
            &self.attempt,
            &self.sequence,
            &self.trace,
            &self.span,
            &self.parent,
            &self.name,
            &self.kind,
            &self.status,
            &self.description,
            &self.attributes,
            &self.events,
            &self.links,
            &self.start,
            &self.end,
            &self.resource,
            &self.input_tokens,
            &self.output_tokens,
        ]
    }
}

/// A batch that did not commit, or may have: when the connection was lost during `COMMIT`,
/// the transaction's id and what it stored, to ask the server whether it committed.
struct BatchFailure {
    error: postgres::Error,
    unknown: Option<(i64, Vec<SpanRecord>)>,
}

impl From<postgres::Error> for BatchFailure {
    fn from(error: postgres::Error) -> Self {
        BatchFailure {
            error,
            unknown: None,
        }
    }
}

/// Writes `spans` in one transaction (see the module docs); returns those stored.
fn write_batch(conn: &mut Conn, spans: &[SpanRecord]) -> Result<Vec<SpanRecord>, BatchFailure> {
    // Rollout keys ("" for spans without one) in byte order: the order their counter rows
    // are locked in, the same in every process.
    let mut keys: Vec<String> = spans
        .iter()
        .map(|span| span.rollout_id.as_deref().map(pg_text).unwrap_or_default())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    keys.sort_unstable();
    let trace_ids: Vec<String> = spans.iter().map(|s| pg_text(&s.trace_id)).collect();
    let span_ids: Vec<String> = spans.iter().map(|s| pg_text(&s.span_id)).collect();
    let json: Vec<JsonColumns> = spans.iter().map(JsonColumns::of).collect();

    let mut tx = conn.client.transaction()?;
    let locked = tx.query(&conn.lock, &[&keys])?;
    let xid: i64 = locked.first().map_or(0, |row| row.get(2));
    let mut counters: HashMap<String, u64> = locked
        .iter()
        .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1) as u64))
        .collect();
    let existing: HashMap<(String, String), (String, i64)> = tx
        .query(&conn.existing, &[&trace_ids, &span_ids])?
        .iter()
        .map(|row| ((row.get(0), row.get(1)), (row.get(2), row.get(3))))
        .collect();

    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    let mut moved: Vec<i64> = Vec::new();
    let mut columns = Columns::default();
    let mut attempts: Vec<(String, String)> = Vec::new();
    let mut stored = Vec::with_capacity(spans.len());
    for (index, span) in spans.iter().enumerate() {
        if !seen.insert((&trace_ids[index], &span_ids[index])) {
            continue;
        }
        let key = span.rollout_id.as_deref().map(pg_text).unwrap_or_default();
        match existing.get(&(trace_ids[index].clone(), span_ids[index].clone())) {
            Some((rollout, id)) if rollout.is_empty() && !key.is_empty() => moved.push(*id),
            Some(_) => continue,
            None => {}
        }
        let counter = counters.entry(key.clone()).or_insert(0);
        let mut span = span.clone();
        if span.sequence_id == 0 {
            span.sequence_id = *counter + 1;
        }
        *counter = (*counter).max(span.sequence_id);
        if let Some(attempt) = &span.attempt_id {
            let pair = (key.clone(), pg_text(attempt));
            if !attempts.contains(&pair) {
                attempts.push(pair);
            }
        }
        columns.push(&key, &span, &json[index]);
        stored.push(span);
    }
    if !moved.is_empty() {
        tx.execute(&conn.remove, &[&moved])?;
    }
    if !stored.is_empty() {
        tx.execute(&conn.insert, &columns.params())?;
    }
    if !attempts.is_empty() {
        let (rollouts, ids): (Vec<String>, Vec<String>) = attempts.into_iter().unzip();
        tx.execute(&conn.attempts, &[&rollouts, &ids])?;
    }
    let (counter_keys, values): (Vec<String>, Vec<i64>) = counters
        .into_iter()
        .map(|(key, value)| (key, value as i64))
        .unzip();
    tx.execute(&conn.counters, &[&counter_keys, &values])?;
    let revived: Vec<&String> = keys.iter().filter(|key| !key.is_empty()).collect();
    if !revived.is_empty() {
        // New spans of a rollout pruned before: it exists again.
        tx.execute(&conn.unprune, &[&revived])?;
    }
    match tx.commit() {
        Ok(()) => Ok(stored),
        Err(error) => Err(BatchFailure {
            error,
            unknown: Some((xid, stored)),
        }),
    }
}

/// Whether transaction `xid` committed, asked on a new connection after the old one was lost
/// during its `COMMIT`: waits (a little) while the server is still finishing it.
fn committed(conn: &mut Conn, xid: i64) -> Result<bool, postgres::Error> {
    for _ in 0..250 {
        let status: Option<String> = conn
            .client
            .query_one("SELECT txid_status($1)", &[&xid])?
            .get(0);
        match status.as_deref() {
            Some("committed") => return Ok(true),
            Some("in progress") => std::thread::sleep(Duration::from_millis(20)),
            _ => return Ok(false),
        }
    }
    // Still running: writing again waits on its locks, then skips what it stored.
    Ok(false)
}

/// The WHERE clause of `query` (placeholders `$1`...) and its parameters.
fn where_clause(query: &Query) -> Result<(String, Vec<String>), StoreError> {
    let mut scope: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let param = |values: &mut Vec<String>, value: &str| {
        values.push(pg_text(value));
        format!("${}", values.len())
    };
    if let Some(rollout) = &query.rollout_id {
        let p = param(&mut values, rollout);
        scope.push(format!("rollout_id = {p}"));
    }
    match (&query.attempt, &query.rollout_id) {
        (None, _) => {}
        (Some(_), None) => {
            return Err(StoreError::Invalid(
                "an attempt filter needs a rollout".into(),
            ))
        }
        (Some(Attempt::Id(id)), Some(_)) => {
            let p = param(&mut values, id);
            scope.push(format!("attempt_id = {p}"));
        }
        (Some(Attempt::Latest), Some(rollout)) => {
            let p = param(&mut values, rollout);
            scope.push(format!(
                "attempt_id = (SELECT attempt_id FROM agentrace_attempts WHERE rollout_id = {p} ORDER BY id DESC LIMIT 1)"
            ));
        }
    }
    let mut filters: Vec<String> = Vec::new();
    if let Some(id) = &query.trace_id {
        filters.push(format!("trace_id = {}", param(&mut values, id)));
    }
    if let Some(id) = &query.span_id {
        filters.push(format!("span_id = {}", param(&mut values, id)));
    }
    if let Some(id) = &query.parent_id {
        filters.push(format!("parent_id = {}", param(&mut values, id)));
    }
    match &query.name {
        Some(NameMatch::Exact(name)) => {
            filters.push(format!("name = {}", param(&mut values, name)))
        }
        Some(NameMatch::Contains(text)) => {
            filters.push(format!("strpos(name, {}) > 0", param(&mut values, text)))
        }
        None => {}
    }
    Ok((
        crate::query::sql_where(scope, &filters, query.logic),
        values,
    ))
}

impl SpanStore for PostgresStore {
    fn add_spans(&self, spans: Vec<SpanRecord>) -> Result<Vec<SpanRecord>, StoreError> {
        for span in &spans {
            check_ids(span)?;
        }
        if spans.is_empty() {
            return Ok(Vec::new());
        }
        // A batch whose COMMIT lost its connection may have committed: the retry asks the
        // server (txid_status) before writing again, so that the spans it stored are
        // acknowledged with their ids rather than skipped as duplicates of themselves.
        let mut unknown: Option<(i64, Vec<SpanRecord>)> = None;
        self.run(|conn| {
            if let Some((xid, stored)) = unknown.take() {
                if committed(conn, xid)? {
                    return Ok(stored);
                }
            }
            write_batch(conn, &spans).map_err(|failure| {
                unknown = failure.unknown;
                failure.error
            })
        })
    }

    fn next_sequence_id(&self, rollout_id: Option<&str>) -> Result<u64, StoreError> {
        let key = rollout_id.map(pg_text).unwrap_or_default();
        self.run(|conn| {
            let row = conn.client.query_one(&conn.next, &[&key])?;
            Ok(row.get::<_, i64>(0) as u64)
        })
    }

    fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let (clause, values) = where_clause(query)?;
        // Typed parameters (all text): one round trip per statement, no prepare.
        let params: Vec<(&(dyn ToSql + Sync), Type)> = values
            .iter()
            .map(|v| (v as &(dyn ToSql + Sync), Type::TEXT))
            .collect();
        let direction = if query.order == Order::Descending {
            "DESC"
        } else {
            "ASC"
        };
        let limit = query.limit.map_or_else(
            || "ALL".to_owned(),
            |limit| limit.min(i64::MAX as usize).to_string(),
        );
        // The page and the number matched (a window over every matching row, before LIMIT)
        // in one statement; a page that came back empty past its start counts apart.
        let rows_sql = format!(
            "SELECT {COLUMNS}, COUNT(*) OVER () FROM agentrace_spans {clause}
             ORDER BY sequence_id {direction}, id {direction} LIMIT {limit} OFFSET {}",
            query.offset.min(i64::MAX as usize)
        );
        let count_sql = format!("SELECT COUNT(*) FROM agentrace_spans {clause}");
        let (total, spans, pruned) = self.run(|conn| {
            let rows = conn.client.query_typed(&rows_sql, &params)?;
            let total: i64 = match rows.first() {
                Some(row) => row.get(16),
                None if query.offset == 0 && query.limit != Some(0) => 0,
                None => conn.client.query_typed_one(&count_sql, &params)?.get(0),
            };
            let pruned = match (total, &query.rollout_id) {
                (0, Some(rollout)) => conn
                    .client
                    .query_typed_one(
                        "SELECT EXISTS (SELECT 1 FROM agentrace_pruned WHERE rollout_id = $1)",
                        &[(&pg_text(rollout), Type::TEXT)],
                    )?
                    .get::<_, bool>(0),
                _ => false,
            };
            Ok((total, rows.iter().map(read_row).collect::<Vec<_>>(), pruned))
        })?;
        if pruned {
            return Err(StoreError::Pruned {
                rollout_id: query.rollout_id.clone().unwrap_or_default(),
            });
        }
        Ok(Page {
            spans,
            total: total as usize,
        })
    }

    fn traces(&self, limit: usize) -> Result<Vec<TraceSummary>, StoreError> {
        let limit = limit.min(i64::MAX as usize) as i64;
        self.run(|conn| {
            let rows = conn.client.query(
                "SELECT trace_id, MIN(start_time) AS first, MAX(end_time), COUNT(*),
                    SUM(CASE WHEN status_code = 'ERROR' THEN 1 ELSE 0 END)::BIGINT,
                    SUM(input_tokens)::BIGINT, SUM(output_tokens)::BIGINT
                 FROM agentrace_spans GROUP BY trace_id
                 ORDER BY first DESC, trace_id COLLATE \"C\" LIMIT $1",
                &[&limit],
            )?;
            let mut summaries: Vec<TraceSummary> = rows
                .iter()
                .map(|row| TraceSummary {
                    trace_id: row.get(0),
                    start_time: row.get::<_, i64>(1) as u64,
                    end_time: row.get::<_, i64>(2) as u64,
                    span_count: row.get::<_, i64>(3) as u64,
                    errors: row.get::<_, i64>(4) as u64,
                    input_tokens: row.get::<_, i64>(5).max(0) as u64,
                    output_tokens: row.get::<_, i64>(6).max(0) as u64,
                    ..TraceSummary::default()
                })
                .collect();
            let ids: Vec<&str> = summaries.iter().map(|s| s.trace_id.as_str()).collect();
            let roots: HashMap<String, (String, String)> = conn
                .client
                .query(
                    "SELECT DISTINCT ON (trace_id) trace_id, name, rollout_id FROM agentrace_spans
                     WHERE trace_id = ANY($1)
                     ORDER BY trace_id, parent_id IS NOT NULL, start_time, id",
                    &[&ids],
                )?
                .iter()
                .map(|row| (row.get(0), (row.get(1), row.get(2))))
                .collect();
            for summary in &mut summaries {
                if let Some((name, rollout)) = roots.get(&summary.trace_id) {
                    summary.root_name = name.clone();
                    summary.rollout_id = (!rollout.is_empty()).then(|| rollout.clone());
                }
            }
            Ok(summaries)
        })
    }

    fn maintain(&self) -> Result<Option<crate::PruneReport>, StoreError> {
        self.maintain_retention()
    }

    fn size(&self) -> Result<crate::StoreSize, StoreError> {
        PostgresStore::size(self)
    }

    fn prune(
        &self,
        retention: &Retention,
        now: std::time::SystemTime,
    ) -> Result<crate::PruneReport, StoreError> {
        PostgresStore::prune(self, retention, now)
    }

    fn prune_dry_run(
        &self,
        retention: &Retention,
        now: std::time::SystemTime,
    ) -> Result<crate::PruneReport, StoreError> {
        PostgresStore::prune_dry_run(self, retention, now)
    }
}
