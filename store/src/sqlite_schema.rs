//! Opening a SQLite span store: the file (owner-only), the connection settings (WAL, busy
//! timeout) and the versioned schema with its migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::StoreError;

/// The schema, one migration per version: `MIGRATIONS[n]` takes a database from version `n`
/// to `n + 1`. The version is kept in SQLite's `user_version`.
const MIGRATIONS: &[&str] = &[
    // 1: spans, per-rollout sequence counters, attempts in the order they appeared.
    "CREATE TABLE spans (
        id INTEGER PRIMARY KEY,
        rollout_id TEXT NOT NULL,
        attempt_id TEXT,
        sequence_id INTEGER NOT NULL,
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
        start_time INTEGER NOT NULL,
        end_time INTEGER NOT NULL,
        resource TEXT NOT NULL
    );
    CREATE UNIQUE INDEX spans_identity ON spans (trace_id, span_id);
    CREATE INDEX spans_rollout ON spans (rollout_id, sequence_id);
    CREATE INDEX spans_span ON spans (span_id);
    CREATE INDEX spans_parent ON spans (parent_id);
    CREATE TABLE rollouts (
        rollout_id TEXT PRIMARY KEY,
        last_sequence INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        rollout_id TEXT NOT NULL,
        attempt_id TEXT NOT NULL,
        UNIQUE (rollout_id, attempt_id)
    );",
    // 2: recent traces first, for the trace list.
    "CREATE INDEX spans_start ON spans (start_time);",
    // 3: rollouts removed by retention, so that a query says so.
    "CREATE TABLE pruned (
        rollout_id TEXT PRIMARY KEY,
        pruned_at INTEGER NOT NULL
    ) WITHOUT ROWID;",
];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a write waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens (creating when `create`) the store at `path` and brings its schema up to date.
pub(crate) fn open(path: &Path, create: bool) -> Result<Connection, StoreError> {
    let flags = if create {
        create_owner_only(path)?;
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } else {
        if !path.exists() {
            return Err(StoreError::Backend(format!(
                "no span store at {}",
                path.display()
            )));
        }
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let fail = |e: rusqlite::Error| StoreError::Backend(format!("{}: {e}", path.display()));
    let mut conn = Connection::open_with_flags(path, flags).map_err(fail)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend(format!(
            "{}: could not switch to WAL (journal mode {mode})",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(fail)?;
    // A new file gives pruned space back without a full VACUUM; this only takes before the
    // first table is made (an older file is switched by its first pruning).
    let tables: i64 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(fail)?;
    if tables == 0 {
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")
            .map_err(fail)?;
    }
    migrate(&mut conn).map_err(|e| match e {
        MigrateError::Sql(e) => fail(e),
        MigrateError::TooNew(found) => StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        },
    })?;
    Ok(conn)
}

enum MigrateError {
    Sql(rusqlite::Error),
    TooNew(i64),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}

/// Applies the missing migrations in one write transaction, so that processes opening the
/// same new file at once migrate it once.
fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(MigrateError::TooNew(current));
    }
    for migration in &MIGRATIONS[current as usize..] {
        tx.execute_batch(migration)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Creates the file (and its folder) readable and writable by its owner only, since traces
/// may hold prompts and answers. SQLite gives its `-wal` and `-shm` files the same mode.
fn create_owner_only(path: &Path) -> Result<(), StoreError> {
    let fail = |e: std::io::Error| StoreError::Backend(format!("{}: {e}", path.display()));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(parent).map_err(fail)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(e)),
    }
}
