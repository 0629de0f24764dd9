//! Retention of the PostgreSQL store: by age only (see the [`postgres`](crate::postgres)
//! module docs for why not by size). Whole rollouts and whole traces without a rollout whose
//! newest span ended before the cutoff go, oldest first, a few per transaction; a pruned
//! rollout is remembered, so that a query for it says so.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use postgres::GenericClient;

use crate::postgres::PostgresStore;
use crate::retention::{PruneReport, Retention, StoreSize};
use crate::StoreError;

/// Units removed per transaction.
const UNITS_PER_TRANSACTION: usize = 8;
/// How often the writer's maintenance looks for spans past the age bound.
const AGE_CHECK_EVERY: Duration = Duration::from_secs(60);

/// The store's tables' size on the server: data, indexes and TOAST.
const SIZE_SQL: &str = "SELECT (pg_total_relation_size('agentrace_spans')
    + pg_total_relation_size('agentrace_rollouts') + pg_total_relation_size('agentrace_attempts')
    + pg_total_relation_size('agentrace_pruned'))::BIGINT";

fn nanos(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// What retention removes whole: a rollout (`rollout_id`, "") or a trace without one
/// ("", `trace_id`).
type Unit = (String, String);

/// The units whose newest span ended before `cutoff`, oldest first (candidates: the units
/// with a span that started before it, read through the start-time index).
fn expired_units(
    client: &mut impl GenericClient,
    cutoff: i64,
) -> Result<Vec<Unit>, postgres::Error> {
    let rows = client.query(
        "WITH candidates AS (
             SELECT rollout_id, CASE WHEN rollout_id = '' THEN trace_id ELSE '' END AS trace,
                 MIN(start_time) AS first
             FROM agentrace_spans WHERE start_time < $1 GROUP BY 1, 2)
         SELECT c.rollout_id, c.trace FROM candidates c
         WHERE (SELECT MAX(s.end_time) FROM agentrace_spans s WHERE s.rollout_id = c.rollout_id
                AND (c.rollout_id <> '' OR s.trace_id = c.trace)) < $1
         ORDER BY c.first",
        &[&cutoff],
    )?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// Removes one unit, counting it in `report`; a rollout is remembered as pruned.
fn remove_unit(
    client: &mut impl GenericClient,
    (rollout, trace): &Unit,
    now: SystemTime,
    report: &mut PruneReport,
) -> Result<(), postgres::Error> {
    let rows = client.query(
        "DELETE FROM agentrace_spans WHERE rollout_id = $1 AND ($1 <> '' OR trace_id = $2)
         RETURNING start_time",
        &[rollout, trace],
    )?;
    if rows.is_empty() {
        return Ok(());
    }
    report.spans += rows.len() as u64;
    if let Some(oldest) = rows.iter().map(|row| row.get::<_, i64>(0)).min() {
        let oldest = oldest as u64;
        report.oldest_removed = Some(report.oldest_removed.map_or(oldest, |o| o.min(oldest)));
    }
    if rollout.is_empty() {
        report.traces += 1;
    } else {
        report.rollouts += 1;
        client.execute(
            "DELETE FROM agentrace_attempts WHERE rollout_id = $1",
            &[rollout],
        )?;
        client.execute(
            "INSERT INTO agentrace_pruned (rollout_id, pruned_at) VALUES ($1, $2)
             ON CONFLICT (rollout_id) DO UPDATE SET pruned_at = excluded.pruned_at",
            &[rollout, &nanos(now)],
        )?;
    }
    Ok(())
}

impl PostgresStore {
    /// The size of the store's tables on the server (with indexes), the number of spans and
    /// the oldest span's start.
    pub fn size(&self) -> Result<StoreSize, StoreError> {
        self.run(|conn| {
            let bytes: i64 = conn.client.query_one(SIZE_SQL, &[])?.get(0);
            let row = conn
                .client
                .query_one("SELECT COUNT(*), MIN(start_time) FROM agentrace_spans", &[])?;
            Ok(StoreSize {
                bytes: bytes.max(0) as u64,
                spans: row.get::<_, i64>(0) as u64,
                oldest_start: row.get::<_, Option<i64>>(1).map(|t| t as u64),
            })
        })
    }

    /// Removes, oldest first, the rollouts and traces whose newest span ended more than
    /// `retention.max_age` before `now`. A size bound does not apply to this store: with
    /// only a size bound this is [`StoreError::Invalid`].
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
        let Some(age) = retention.max_age else {
            return Err(StoreError::Invalid(format!(
                "{}: the PostgreSQL span store is pruned by age only (--older-than, AGENTRACE_STORE_RETENTION), not by size",
                self.url()
            )));
        };
        let cutoff = nanos(now).saturating_sub(i64::try_from(age.as_nanos()).unwrap_or(i64::MAX));
        let mut report = PruneReport {
            dry_run,
            ..PruneReport::default()
        };
        report.bytes_before = self.size()?.bytes;
        report.bytes_after = report.bytes_before;
        if dry_run {
            // The same work in one transaction, rolled back: exact counts, nothing removed.
            return self.run(|conn| {
                let mut report = report.clone();
                let mut tx = conn.client.transaction()?;
                for unit in expired_units(&mut tx, cutoff)? {
                    remove_unit(&mut tx, &unit, now, &mut report)?;
                }
                tx.rollback()?;
                Ok(report)
            });
        }
        let expired = self.run(|conn| expired_units(&mut conn.client, cutoff))?;
        for batch in expired.chunks(UNITS_PER_TRANSACTION) {
            report = self.run(|conn| {
                let mut report = report.clone();
                let mut tx = conn.client.transaction()?;
                for unit in batch {
                    remove_unit(&mut tx, unit, now, &mut report)?;
                }
                tx.commit()?;
                Ok(report)
            })?;
        }
        report.bytes_after = self.size()?.bytes;
        Ok(report)
    }

    /// The writer's periodic check: at most every minute, prunes what is past the age bound.
    pub(crate) fn maintain_retention(&self) -> Result<Option<PruneReport>, StoreError> {
        let Some(age) = self.retention().and_then(|r| r.max_age) else {
            return Ok(None);
        };
        {
            let mut last = self.last_age_check();
            if last.is_some_and(|at| at.elapsed() < AGE_CHECK_EVERY) {
                return Ok(None);
            }
            *last = Some(std::time::Instant::now());
        }
        let report = self.prune(&Retention::none().max_age(age), SystemTime::now())?;
        Ok(report.removed_anything().then_some(report))
    }
}
