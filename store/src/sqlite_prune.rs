//! Retention of the SQLite store: whole rollouts and whole traces without a rollout are
//! removed, oldest first, by age and by size, a few per transaction so that writers and
//! readers never wait long; the space is given back to the file system afterwards
//! (incremental vacuum, then a WAL checkpoint). A pruned rollout is remembered, so that a
//! query for it says it was pruned rather than that it never existed.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::retention::{PruneReport, Retention, StoreSize};
use crate::sqlite::{backend, SqliteStore};
use crate::StoreError;

/// Units removed per transaction.
const UNITS_PER_TRANSACTION: usize = 8;
/// How often the writer's maintenance looks for spans past the age bound.
pub(crate) const AGE_CHECK_EVERY: Duration = Duration::from_secs(60);

/// What retention removes whole: a rollout with every attempt, or a trace without one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Unit {
    Rollout(String),
    Trace(String),
}

impl Unit {
    fn of(rollout_id: String, trace_id: String) -> Unit {
        if rollout_id.is_empty() {
            Unit::Trace(trace_id)
        } else {
            Unit::Rollout(rollout_id)
        }
    }
}

/// The database's size, in bytes, and the bytes its pages hold (the rest is free pages the
/// next vacuum gives back).
fn sizes(conn: &Connection) -> rusqlite::Result<(u64, u64)> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |row| row.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |row| row.get(0))?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |row| row.get(0))?;
    Ok((
        (pages * page_size) as u64,
        ((pages - free) * page_size) as u64,
    ))
}

fn nanos(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

impl SqliteStore {
    /// The database's size, the number of spans it holds and its oldest span's start.
    pub fn size(&self) -> Result<StoreSize, StoreError> {
        let conn = self.lock();
        let (bytes, _) = sizes(&conn).map_err(backend)?;
        let spans: i64 = conn
            .query_row("SELECT COUNT(*) FROM spans", [], |row| row.get(0))
            .map_err(backend)?;
        let oldest: Option<i64> = conn
            .query_row("SELECT MIN(start_time) FROM spans", [], |row| row.get(0))
            .map_err(backend)?;
        Ok(StoreSize {
            bytes,
            spans: spans as u64,
            oldest_start: oldest.map(|t| t as u64),
        })
    }

    /// Removes, oldest first, the rollouts and traces past `retention` as of `now`: those
    /// whose newest span ended more than `max_age` ago, then more until the database fits
    /// `max_bytes`. Then gives the freed space back to the file system.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use agentrace_store::{Query, Retention, SpanRecord, SpanStore, SqliteStore, StoreError};
    /// # let dir = std::env::temp_dir().join(format!("agentrace-prune-doc-{}", std::process::id()));
    /// let store = SqliteStore::open(dir.join("traces.db")).unwrap();
    /// let span: SpanRecord = serde_json::from_value(serde_json::json!({"trace_id": "01",
    ///     "span_id": "02", "name": "old", "start_time": 1, "end_time": 2,
    ///     "rollout_id": "r1", "attempt_id": "a1"})).unwrap();
    /// store.add_span(span).unwrap();
    /// let report = store.prune(&Retention::none().max_age(Duration::from_secs(60)), SystemTime::now()).unwrap();
    /// assert_eq!((report.rollouts, report.spans), (1, 1));
    /// assert!(matches!(store.query(&Query::rollout("r1")), Err(StoreError::Pruned { .. })));
    /// # std::fs::remove_dir_all(dir).unwrap();
    /// ```
    pub fn prune(&self, retention: &Retention, now: SystemTime) -> Result<PruneReport, StoreError> {
        self.prune_with(retention, now, false)
    }

    /// What [`prune`](Self::prune) would remove, removing nothing.
    pub fn prune_dry_run(
        &self,
        retention: &Retention,
        now: SystemTime,
    ) -> Result<PruneReport, StoreError> {
        self.prune_with(retention, now, true)
    }

    fn prune_with(
        &self,
        retention: &Retention,
        now: SystemTime,
        dry_run: bool,
    ) -> Result<PruneReport, StoreError> {
        let mut report = PruneReport {
            dry_run,
            ..PruneReport::default()
        };
        report.bytes_before = self.disk_bytes();
        report.bytes_after = report.bytes_before;
        if dry_run {
            // The same work in one transaction, rolled back: exact counts, nothing removed.
            let mut conn = self.lock();
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            prune_in(&tx, retention, now, &mut report).map_err(backend)?;
            tx.rollback().map_err(backend)?;
            return Ok(report);
        }
        if let Some(age) = retention.max_age {
            let expired = expired_units_in(&self.lock(), cutoff(now, age)).map_err(backend)?;
            for batch in expired.chunks(UNITS_PER_TRANSACTION) {
                self.remove_in_transaction(batch, now, &mut report)?;
            }
        }
        if let Some(max_bytes) = retention.max_bytes {
            // One unit at a time, the size checked after each (a transaction sees its own
            // deletions), a few per transaction: no more goes than the bound asks.
            let mut fits = false;
            while !fits {
                let mut conn = self.lock();
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(backend)?;
                for _ in 0..UNITS_PER_TRANSACTION {
                    fits = shrink_by_one(&tx, max_bytes, now, &mut report).map_err(backend)?;
                    if fits {
                        break;
                    }
                }
                tx.commit().map_err(backend)?;
            }
        }
        if report.removed_anything() {
            self.give_space_back()?;
        }
        report.bytes_after = self.disk_bytes();
        Ok(report)
    }

    /// The bytes the store takes on disk: the database file and its write-ahead log.
    fn disk_bytes(&self) -> u64 {
        let wal = format!("{}-wal", self.path().display());
        [self.path().to_path_buf(), wal.into()]
            .iter()
            .filter_map(|file| std::fs::metadata(file).ok())
            .map(|metadata| metadata.len())
            .sum()
    }

    fn remove_in_transaction(
        &self,
        units: &[Unit],
        now: SystemTime,
        report: &mut PruneReport,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        for unit in units {
            remove_unit(&tx, unit, now, report).map_err(backend)?;
        }
        tx.commit().map_err(backend)
    }

    /// Returns freed pages to the file system and empties the write-ahead log. A store made
    /// before pruning existed is switched to incremental vacuum once (a full `VACUUM`).
    fn give_space_back(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        let mode: i64 = conn
            .query_row("PRAGMA auto_vacuum", [], |row| row.get(0))
            .map_err(backend)?;
        if mode != 2 {
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")
                .map_err(backend)?;
        } else {
            // Each step of the pragma frees pages: run it to the end.
            let mut vacuum = conn.prepare("PRAGMA incremental_vacuum").map_err(backend)?;
            let mut rows = vacuum.query([]).map_err(backend)?;
            while rows.next().map_err(backend)?.is_some() {}
        }
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(backend)
    }

    /// The writer's periodic check: prunes when the database is over its size bound (down to
    /// 90% of it), and (at most every [`AGE_CHECK_EVERY`]) when spans are past the age bound.
    pub(crate) fn maintain_retention(&self) -> Result<Option<PruneReport>, StoreError> {
        let Some(retention) = self.retention().filter(Retention::is_bounded) else {
            return Ok(None);
        };
        let over_size = match retention.max_bytes {
            Some(max) => sizes(&self.lock()).map_err(backend)?.1 > max,
            None => false,
        };
        let age_due = retention.max_age.is_some() && {
            let mut last = self.last_age_check();
            let due = last.is_none_or(|at| at.elapsed() >= AGE_CHECK_EVERY);
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if !over_size && !age_due {
            return Ok(None);
        }
        let mut now_bounds = Retention::none();
        // Past the size bound, down to 90% of it: the next pruning is then some writes away,
        // rather than after every batch.
        now_bounds.max_bytes = retention
            .max_bytes
            .filter(|_| over_size)
            .map(|max| max - max / 10);
        now_bounds.max_age = retention.max_age.filter(|_| age_due);
        let report = self.prune(&now_bounds, SystemTime::now())?;
        Ok(report.removed_anything().then_some(report))
    }
}

/// The dry run's pruning, inside one transaction.
fn prune_in(
    conn: &Connection,
    retention: &Retention,
    now: SystemTime,
    report: &mut PruneReport,
) -> rusqlite::Result<()> {
    if let Some(age) = retention.max_age {
        for unit in expired_units_in(conn, cutoff(now, age))? {
            remove_unit(conn, &unit, now, report)?;
        }
    }
    if let Some(max_bytes) = retention.max_bytes {
        while !shrink_by_one(conn, max_bytes, now, report)? {}
    }
    Ok(())
}

/// Removes the oldest unit unless the database fits `max_bytes` (or is empty): `true` when
/// it fits, or nothing is left to remove.
fn shrink_by_one(
    conn: &Connection,
    max_bytes: u64,
    now: SystemTime,
    report: &mut PruneReport,
) -> rusqlite::Result<bool> {
    if sizes(conn)?.1 <= max_bytes {
        return Ok(true);
    }
    match oldest_units_in(conn, 1)?.first() {
        Some(unit) => {
            remove_unit(conn, unit, now, report)?;
            Ok(false)
        }
        None => Ok(true),
    }
}

/// The moment before which a span is past `age`, in nanoseconds since the Unix epoch.
fn cutoff(now: SystemTime, age: Duration) -> i64 {
    nanos(now).saturating_sub(i64::try_from(age.as_nanos()).unwrap_or(i64::MAX))
}

/// The units whose newest span ended before `cutoff`, oldest first (candidates: the units
/// with a span that started before it, read through the start-time index).
fn expired_units_in(conn: &Connection, cutoff: i64) -> rusqlite::Result<Vec<Unit>> {
    let mut statement = conn.prepare(
        "SELECT rollout_id, trace_id FROM spans WHERE start_time < ?1 ORDER BY start_time",
    )?;
    let candidates: Vec<Unit> = statement
        .query_map([cutoff], |row| Ok(Unit::of(row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seen = HashSet::new();
    let mut expired = Vec::new();
    for unit in candidates {
        if seen.insert(unit.clone()) && newest_end_in(conn, &unit)?.is_some_and(|end| end < cutoff)
        {
            expired.push(unit);
        }
    }
    Ok(expired)
}

/// The `count` units whose first span started earliest.
fn oldest_units_in(conn: &Connection, count: usize) -> rusqlite::Result<Vec<Unit>> {
    let mut statement =
        conn.prepare_cached("SELECT rollout_id, trace_id FROM spans ORDER BY start_time LIMIT ?1")?;
    let mut units: Vec<Unit> = Vec::new();
    let rows = statement.query_map([(count * 64) as i64], |row| {
        Ok(Unit::of(row.get(0)?, row.get(1)?))
    })?;
    for unit in rows {
        let unit = unit?;
        if !units.contains(&unit) {
            units.push(unit);
            if units.len() == count {
                break;
            }
        }
    }
    Ok(units)
}

fn newest_end_in(conn: &Connection, unit: &Unit) -> rusqlite::Result<Option<i64>> {
    match unit {
        Unit::Rollout(rollout) => conn.query_row(
            "SELECT MAX(end_time) FROM spans WHERE rollout_id = ?1",
            [rollout],
            |row| row.get(0),
        ),
        Unit::Trace(trace) => conn.query_row(
            "SELECT MAX(end_time) FROM spans WHERE trace_id = ?1 AND rollout_id = ''",
            [trace],
            |row| row.get(0),
        ),
    }
}

/// Removes one unit, counting it in `report`; a rollout is remembered as pruned.
fn remove_unit(
    conn: &Connection,
    unit: &Unit,
    now: SystemTime,
    report: &mut PruneReport,
) -> rusqlite::Result<()> {
    let (filter, key) = match unit {
        Unit::Rollout(rollout) => ("rollout_id = ?1", rollout),
        Unit::Trace(trace) => ("trace_id = ?1 AND rollout_id = ''", trace),
    };
    let oldest: Option<i64> = conn
        .query_row(
            &format!("SELECT MIN(start_time) FROM spans WHERE {filter}"),
            [key],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    let spans = conn.execute(&format!("DELETE FROM spans WHERE {filter}"), [key])?;
    if spans == 0 {
        return Ok(());
    }
    report.spans += spans as u64;
    if let Some(oldest) = oldest {
        let oldest = oldest as u64;
        report.oldest_removed = Some(report.oldest_removed.map_or(oldest, |o| o.min(oldest)));
    }
    match unit {
        Unit::Rollout(rollout) => {
            report.rollouts += 1;
            conn.execute("DELETE FROM attempts WHERE rollout_id = ?1", [rollout])?;
            conn.execute(
                "INSERT INTO pruned (rollout_id, pruned_at) VALUES (?1, ?2)
                 ON CONFLICT (rollout_id) DO UPDATE SET pruned_at = excluded.pruned_at",
                params![rollout, nanos(now)],
            )?;
        }
        Unit::Trace(_) => report.traces += 1,
    }
    Ok(())
}
