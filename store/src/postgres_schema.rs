//! The PostgreSQL store's versioned schema and its migrations, applied on open under an
//! advisory lock so that many processes opening one new database at once migrate it once.

use postgres::Client;

/// One migration per version: `MIGRATIONS[n]` takes a database from version `n` to `n + 1`.
/// The version is the one row of `agentrace_schema`. Every table is prefixed `agentrace_`, in
/// the connection's current schema (`search_path`), so the store can share a database.
const MIGRATIONS: &[&str] = &[
    // 1: spans; per-rollout sequence counters (the row each batch locks); attempts in the
    // order they appeared; rollouts removed by retention.
    "CREATE TABLE agentrace_spans (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rollout_id TEXT NOT NULL,
        attempt_id TEXT,
        sequence_id BIGINT NOT NULL,
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_id TEXT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status_code TEXT NOT NULL,
        status_description TEXT,
        attributes TEXT NOT NULL,
        events TEXT NOT NULL,
        links TEXT NOT NULL,
        start_time BIGINT NOT NULL,
        end_time BIGINT NOT NULL,
        resource TEXT NOT NULL,
        input_tokens BIGINT NOT NULL DEFAULT 0,
        output_tokens BIGINT NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX agentrace_spans_identity ON agentrace_spans (trace_id, span_id);
    CREATE INDEX agentrace_spans_rollout ON agentrace_spans (rollout_id, sequence_id, id);
    CREATE INDEX agentrace_spans_span ON agentrace_spans (span_id);
    CREATE INDEX agentrace_spans_parent ON agentrace_spans (parent_id);
    CREATE INDEX agentrace_spans_start ON agentrace_spans (start_time);
    CREATE TABLE agentrace_rollouts (
        rollout_id TEXT PRIMARY KEY,
        last_sequence BIGINT NOT NULL
    );
    CREATE TABLE agentrace_attempts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rollout_id TEXT NOT NULL,
        attempt_id TEXT NOT NULL,
        UNIQUE (rollout_id, attempt_id)
    );
    CREATE TABLE agentrace_pruned (
        rollout_id TEXT PRIMARY KEY,
        pruned_at BIGINT NOT NULL
    );",
];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock key migrations take ("agentrac" in ASCII).
const MIGRATION_LOCK: i64 = 0x6167_656e_7472_6163;

/// Why the schema could not be brought up to date.
pub(crate) enum MigrateError {
    Sql(postgres::Error),
    TooNew(i64),
    Missing,
}

impl From<postgres::Error> for MigrateError {
    fn from(e: postgres::Error) -> Self {
        MigrateError::Sql(e)
    }
}

/// Brings the schema up to date (or, when `!create`, checks that it exists), in one
/// transaction holding an advisory lock: concurrent openers wait, then find it done.
pub(crate) fn migrate(client: &mut Client, create: bool) -> Result<(), MigrateError> {
    let current = version(client)?;
    if current == Some(SCHEMA_VERSION) {
        return Ok(());
    }
    if current.is_none() && !create {
        return Err(MigrateError::Missing);
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS agentrace_schema (version BIGINT NOT NULL)")?;
    let current: i64 = match tx.query_opt("SELECT version FROM agentrace_schema", &[])? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO agentrace_schema (version) VALUES (0)", &[])?;
            0
        }
    };
    if current > SCHEMA_VERSION {
        return Err(MigrateError::TooNew(current));
    }
    for migration in &MIGRATIONS[current as usize..] {
        tx.batch_execute(migration)?;
    }
    tx.execute(
        "UPDATE agentrace_schema SET version = $1",
        &[&SCHEMA_VERSION],
    )?;
    tx.commit()?;
    Ok(())
}

/// The schema version of the database, `None` when it holds no agentrace store.
fn version(client: &mut Client) -> Result<Option<i64>, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('agentrace_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(None);
    }
    Ok(client
        .query_opt("SELECT version FROM agentrace_schema", &[])?
        .map(|row| row.get(0)))
}
