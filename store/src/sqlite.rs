//! [`SqliteStore`]: spans in a SQLite file, written in batched transactions that issue
//! sequence ids, so several processes can share one file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::query::{Attempt, NameMatch, Order, Page, Query};
use crate::record::{RecordKind, RecordStatus, SpanRecord, StatusCode};
use crate::retention::{PruneReport, Retention};
use crate::sqlite_schema;
use crate::summary::{TraceSummary, INPUT_TOKENS, OUTPUT_TOKENS};
use crate::{check_ids, SpanStore, StoreError};

/// The environment variable that sets the default store's path.
pub const STORE_PATH_ENV: &str = "AGENTRACE_STORE";

/// The default store's path: `$AGENTRACE_STORE` when set and not empty, else
/// `.agentrace/traces.db` under the current directory.
///
/// ```
/// # std::env::remove_var("AGENTRACE_STORE");
/// assert!(agentrace_store::default_store_path().ends_with(".agentrace/traces.db"));
/// ```
pub fn default_store_path() -> PathBuf {
    match std::env::var_os(STORE_PATH_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(".agentrace").join("traces.db"),
    }
}

/// A span store in a SQLite file.
///
/// The file is created readable by its owner only (mode 0600), in WAL mode, with a versioned
/// schema migrated on open. Each [`add_spans`](SpanStore::add_spans) is one `BEGIN
/// IMMEDIATE` transaction that issues the sequence ids, so processes sharing the file keep
/// them unique and increasing, and a process killed mid-write leaves every committed batch.
///
/// ```
/// use agentrace_store::{Query, SpanStore, SqliteStore};
/// # use agentrace_store::SpanRecord;
/// # let dir = std::env::temp_dir().join(format!("agentrace-doc-{}", std::process::id()));
/// # let span: SpanRecord = serde_json::from_value(serde_json::json!({"trace_id": "01",
/// #     "span_id": "02", "name": "x", "start_time": 1, "end_time": 2, "rollout_id": "r1",
/// #     "attempt_id": "a1"})).unwrap();
/// let store = SqliteStore::open(dir.join("traces.db")).unwrap();
/// store.add_span(span).unwrap();
/// assert_eq!(store.query(&Query::rollout("r1")).unwrap().spans[0].sequence_id, 1);
/// # std::fs::remove_dir_all(dir).unwrap();
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    retention: Option<Retention>,
    last_age_check: Mutex<Option<Instant>>,
}

const COLUMNS: &str = "rollout_id, attempt_id, sequence_id, trace_id, span_id, parent_id, name, \
     kind, status_code, status_description, attributes, events, links, start_time, end_time, resource";

impl SqliteStore {
    /// Opens the store at `path`, creating the file (and its folder) when missing.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path.as_ref(), true)
    }

    /// Opens the store at `path`, which must exist already.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path.as_ref(), false)
    }

    /// Opens the store at [`default_store_path`], creating it when missing. When
    /// `$AGENTRACE_STORE` is a URL (`postgres://...`) this is an error, not a file of that
    /// name: [`open`](crate::open) opens any location.
    pub fn open_default() -> Result<Self, StoreError> {
        match crate::StoreLocation::from_env()? {
            crate::StoreLocation::File(path) => Self::open(path),
            other => Err(StoreError::Invalid(format!(
                "{other} is not a SQLite file (open it with agentrace_store::open)"
            ))),
        }
    }

    fn open_with(path: &Path, create: bool) -> Result<Self, StoreError> {
        let conn = sqlite_schema::open(path, create)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            retention: None,
            last_age_check: Mutex::new(None),
        })
    }

    /// Keeps the store within `retention`: the background writer prunes what is past it
    /// after its writes (see [`prune`](Self::prune)). None by default.
    pub fn with_retention(mut self, retention: Retention) -> Self {
        self.retention = Some(retention);
        self
    }

    /// The retention the writer keeps this store within, if any.
    pub fn retention(&self) -> Option<Retention> {
        self.retention
    }

    pub(crate) fn last_age_check(&self) -> MutexGuard<'_, Option<Instant>> {
        self.last_age_check
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
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

/// A JSON column. Text written by another program may hold escapes of lone UTF-16
/// surrogates (`"\ud800"`), which are not Unicode: they are read as U+FFFD, as a lossy
/// UTF-8 decoder would, rather than losing the whole column.
fn from_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&replace_lone_surrogates(text)))
        .unwrap_or_default()
}

/// `text` with every `\uXXXX` escape of a surrogate that is not half of a pair replaced by
/// `\ufffd`; other escapes (`\\u` is a backslash and a `u`) are left as they are.
fn replace_lone_surrogates(text: &str) -> String {
    let surrogate = |at: usize| -> Option<u32> {
        let digits = text.get(at + 2..at + 6)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        (text[at..].starts_with("\\u") && (0xd800..0xe000).contains(&value)).then_some(value)
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(offset) = text[at..].find('\\') {
        let start = at + offset;
        out.push_str(&text[at..start]);
        match surrogate(start) {
            Some(0xd800..=0xdbff) if matches!(surrogate(start + 6), Some(0xdc00..=0xdfff)) => {
                out.push_str(&text[start..start + 12]);
                at = start + 12;
            }
            Some(_) => {
                out.push_str("\\ufffd");
                at = start + 6;
            }
            None => {
                // Any other escape: the backslash and the character it escapes.
                let next = text[start + 1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&text[start..start + 1 + next]);
                at = start + 1 + next;
            }
        }
    }
    out.push_str(&text[at..]);
    out
}

/// A text column, with bytes that are not UTF-8 replaced by U+FFFD: a row written by
/// another program must not make the store unreadable.
fn text(row: &Row<'_>, index: usize) -> rusqlite::Result<String> {
    Ok(optional_text(row, index)?.unwrap_or_default())
}

/// A text column that may be NULL (see [`text`]).
fn optional_text(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(index)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
    })
}

fn read_row(row: &Row<'_>) -> rusqlite::Result<SpanRecord> {
    let rollout = text(row, 0)?;
    let status_code = text(row, 8)?;
    let kind = text(row, 7)?;
    Ok(SpanRecord {
        rollout_id: (!rollout.is_empty()).then_some(rollout),
        attempt_id: optional_text(row, 1)?,
        sequence_id: row.get::<_, i64>(2)? as u64,
        trace_id: text(row, 3)?,
        span_id: text(row, 4)?,
        parent_id: optional_text(row, 5)?,
        name: text(row, 6)?,
        kind: from_text::<RecordKind>(&kind),
        status: RecordStatus {
            status_code: from_text::<StatusCode>(&status_code),
            description: optional_text(row, 9)?,
        },
        attributes: from_json(&text(row, 10)?),
        events: from_json(&text(row, 11)?),
        links: from_json(&text(row, 12)?),
        start_time: row.get::<_, i64>(13)? as u64,
        end_time: row.get::<_, i64>(14)? as u64,
        resource: from_json(&text(row, 15)?),
    })
}

/// Writes `spans` in the open transaction; returns those stored.
fn insert_all(
    tx: &rusqlite::Transaction<'_>,
    spans: Vec<SpanRecord>,
) -> rusqlite::Result<Vec<SpanRecord>> {
    let mut counters: HashMap<String, u64> = HashMap::new();
    let mut stored = Vec::with_capacity(spans.len());
    let mut find =
        tx.prepare_cached("SELECT id, rollout_id FROM spans WHERE trace_id = ?1 AND span_id = ?2")?;
    let mut remove = tx.prepare_cached("DELETE FROM spans WHERE id = ?1")?;
    let mut last = tx.prepare_cached("SELECT last_sequence FROM rollouts WHERE rollout_id = ?1")?;
    let mut attempt = tx.prepare_cached(
        "INSERT OR IGNORE INTO attempts (rollout_id, attempt_id) VALUES (?1, ?2)",
    )?;
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO spans ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    ))?;
    for mut span in spans {
        let key = span.rollout_id.clone().unwrap_or_default();
        let existing: Option<(i64, String)> = find
            .query_row(params![span.trace_id, span.span_id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        match existing {
            Some((id, rollout)) if rollout.is_empty() && !key.is_empty() => {
                remove.execute([id])?;
            }
            Some(_) => continue,
            None => {}
        }
        let counter = match counters.get_mut(&key) {
            Some(counter) => counter,
            None => {
                let value: i64 = last
                    .query_row([&key], |row| row.get(0))
                    .optional()?
                    .unwrap_or(0);
                counters.entry(key.clone()).or_insert(value as u64)
            }
        };
        if span.sequence_id == 0 {
            span.sequence_id = *counter + 1;
        }
        *counter = (*counter).max(span.sequence_id);
        if let Some(attempt_id) = &span.attempt_id {
            attempt.execute(params![key, attempt_id])?;
        }
        insert.execute(params![
            key,
            span.attempt_id,
            span.sequence_id as i64,
            span.trace_id,
            span.span_id,
            span.parent_id,
            span.name,
            text_of(&span.kind),
            text_of(&span.status.status_code),
            span.status.description,
            json(&span.attributes),
            json(&span.events),
            json(&span.links),
            span.start_time as i64,
            span.end_time as i64,
            json(&span.resource),
        ])?;
        stored.push(span);
    }
    let mut save = tx.prepare_cached(
        "INSERT INTO rollouts (rollout_id, last_sequence) VALUES (?1, ?2)
         ON CONFLICT (rollout_id) DO UPDATE SET last_sequence = max(last_sequence, excluded.last_sequence)",
    )?;
    let mut unpruned = tx.prepare_cached("DELETE FROM pruned WHERE rollout_id = ?1")?;
    for (key, counter) in counters {
        save.execute(params![key, counter as i64])?;
        if !key.is_empty() {
            // New spans of a rollout pruned before: it exists again.
            unpruned.execute([&key])?;
        }
    }
    Ok(stored)
}

/// The WHERE clause of `query` and its parameters.
fn where_clause(query: &Query) -> Result<(String, Vec<SqlValue>), StoreError> {
    let mut scope: Vec<String> = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    if let Some(rollout) = &query.rollout_id {
        scope.push("rollout_id = ?".into());
        values.push(rollout.clone().into());
    }
    match (&query.attempt, &query.rollout_id) {
        (None, _) => {}
        (Some(_), None) => {
            return Err(StoreError::Invalid(
                "an attempt filter needs a rollout".into(),
            ))
        }
        (Some(Attempt::Id(id)), Some(_)) => {
            scope.push("attempt_id = ?".into());
            values.push(id.clone().into());
        }
        (Some(Attempt::Latest), Some(rollout)) => {
            scope.push("attempt_id = (SELECT attempt_id FROM attempts WHERE rollout_id = ? ORDER BY id DESC LIMIT 1)".into());
            values.push(rollout.clone().into());
        }
    }
    let mut filters: Vec<&str> = Vec::new();
    let mut push = |clause: &'static str, value: &String| {
        filters.push(clause);
        values.push(value.clone().into());
    };
    if let Some(id) = &query.trace_id {
        push("trace_id = ?", id);
    }
    if let Some(id) = &query.span_id {
        push("span_id = ?", id);
    }
    if let Some(id) = &query.parent_id {
        push("parent_id = ?", id);
    }
    match &query.name {
        Some(NameMatch::Exact(name)) => push("name = ?", name),
        Some(NameMatch::Contains(text)) => push("instr(name, ?) > 0", text),
        None => {}
    }
    Ok((
        crate::query::sql_where(scope, &filters, query.logic),
        values,
    ))
}

impl SpanStore for SqliteStore {
    fn add_spans(&self, spans: Vec<SpanRecord>) -> Result<Vec<SpanRecord>, StoreError> {
        for span in &spans {
            check_ids(span)?;
        }
        if spans.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let stored = insert_all(&tx, spans).map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(stored)
    }

    fn next_sequence_id(&self, rollout_id: Option<&str>) -> Result<u64, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let next: i64 = tx
            .query_row(
                "INSERT INTO rollouts (rollout_id, last_sequence) VALUES (?1, 1)
                 ON CONFLICT (rollout_id) DO UPDATE SET last_sequence = last_sequence + 1
                 RETURNING last_sequence",
                [rollout_id.unwrap_or_default()],
                |row| row.get(0),
            )
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(next as u64)
    }

    fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let (clause, values) = where_clause(query)?;
        let conn = self.lock();
        let total: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM spans {clause}"),
                params_from_iter(&values),
                |row| row.get(0),
            )
            .map_err(backend)?;
        if let (0, Some(rollout)) = (total, &query.rollout_id) {
            let pruned: bool = conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM pruned WHERE rollout_id = ?1)",
                    [rollout],
                    |row| row.get(0),
                )
                .map_err(backend)?;
            if pruned {
                return Err(StoreError::Pruned {
                    rollout_id: rollout.clone(),
                });
            }
        }
        let direction = if query.order == Order::Descending {
            "DESC"
        } else {
            "ASC"
        };
        let limit = query
            .limit
            .map_or(-1, |limit| limit.min(i64::MAX as usize) as i64);
        let sql = format!(
            "SELECT {COLUMNS} FROM spans {clause} ORDER BY sequence_id {direction}, id {direction} LIMIT {limit} OFFSET {}",
            query.offset
        );
        let mut statement = conn.prepare(&sql).map_err(backend)?;
        let spans = statement
            .query_map(params_from_iter(&values), read_row)
            .map_err(backend)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(backend)?;
        Ok(Page {
            spans,
            total: total as usize,
        })
    }

    fn maintain(&self) -> Result<Option<PruneReport>, StoreError> {
        self.maintain_retention()
    }

    fn size(&self) -> Result<crate::StoreSize, StoreError> {
        SqliteStore::size(self)
    }

    fn prune(
        &self,
        retention: &Retention,
        now: std::time::SystemTime,
    ) -> Result<PruneReport, StoreError> {
        SqliteStore::prune(self, retention, now)
    }

    fn prune_dry_run(
        &self,
        retention: &Retention,
        now: std::time::SystemTime,
    ) -> Result<PruneReport, StoreError> {
        SqliteStore::prune_dry_run(self, retention, now)
    }

    fn traces(&self, limit: usize) -> Result<Vec<TraceSummary>, StoreError> {
        let conn = self.lock();
        let sql = format!(
            "SELECT trace_id, MIN(start_time) AS first, MAX(end_time), COUNT(*),
                SUM(CASE WHEN status_code = 'ERROR' THEN 1 ELSE 0 END),
                SUM(CASE WHEN json_valid(attributes)
                    THEN COALESCE(json_extract(attributes, '$.\"{INPUT_TOKENS}\"'), 0) ELSE 0 END),
                SUM(CASE WHEN json_valid(attributes)
                    THEN COALESCE(json_extract(attributes, '$.\"{OUTPUT_TOKENS}\"'), 0) ELSE 0 END)
             FROM spans GROUP BY trace_id ORDER BY first DESC, trace_id LIMIT ?1"
        );
        let mut statement = conn.prepare(&sql).map_err(backend)?;
        let mut summaries = statement
            .query_map([limit.min(i64::MAX as usize) as i64], |row| {
                Ok(TraceSummary {
                    trace_id: text(row, 0)?,
                    start_time: row.get::<_, i64>(1)? as u64,
                    end_time: row.get::<_, i64>(2)? as u64,
                    span_count: row.get::<_, i64>(3)? as u64,
                    errors: row.get::<_, i64>(4)? as u64,
                    input_tokens: row.get::<_, i64>(5)?.max(0) as u64,
                    output_tokens: row.get::<_, i64>(6)?.max(0) as u64,
                    ..TraceSummary::default()
                })
            })
            .map_err(backend)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(backend)?;
        let mut root = conn
            .prepare(
                "SELECT name, rollout_id FROM spans WHERE trace_id = ?1
                 ORDER BY parent_id IS NOT NULL, start_time, id LIMIT 1",
            )
            .map_err(backend)?;
        for summary in &mut summaries {
            let (name, rollout) = root
                .query_row([&summary.trace_id], |row| {
                    Ok((text(row, 0)?, text(row, 1)?))
                })
                .map_err(backend)?;
            summary.root_name = name;
            summary.rollout_id = (!rollout.is_empty()).then_some(rollout);
        }
        Ok(summaries)
    }
}
