//! What is particular to the SQLite store: an owner-only file in WAL mode, a versioned
//! schema migrated on open, clear errors for newer or corrupt files, and the default path.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use agentrace::store::{default_store_path, Query, SpanStore, SqliteStore, StoreError};
use agentrace::SpanRecord;

fn temp(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("agentrace-sqlite-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn span(id: &str) -> SpanRecord {
    serde_json::from_value(serde_json::json!({
        "rollout_id": "r1", "attempt_id": "a1", "trace_id": "01", "span_id": id, "name": "x",
        "start_time": 1, "end_time": 2, "attributes": {"input.value": "secret prompt"},
    }))
    .unwrap()
}

#[test]
fn the_file_is_readable_by_its_owner_only_and_in_wal_mode() {
    let path = temp("mode").join("nested/traces.db");
    let store = SqliteStore::open(&path).unwrap();
    store.add_span(span("1")).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let wal = std::fs::metadata(path.with_extension("db-wal")).unwrap();
    assert_eq!(
        wal.permissions().mode() & 0o077,
        0,
        "the WAL is not readable by others"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn spans_survive_reopening() {
    let path = temp("reopen").join("traces.db");
    SqliteStore::open(&path)
        .unwrap()
        .add_spans(vec![span("1"), span("2")])
        .unwrap();
    let store = SqliteStore::open_existing(&path).unwrap();
    assert_eq!(store.query(&Query::rollout("r1")).unwrap().total, 2);
    assert_eq!(store.add_span(span("3")).unwrap().unwrap().sequence_id, 3);
}

#[test]
fn an_older_schema_is_migrated_on_open() {
    let path = temp("migrate").join("traces.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP INDEX spans_start; DROP TABLE pruned; PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    SqliteStore::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let index: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'spans_start'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, 1, "migration 2 ran again");
    let pruned: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'pruned'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pruned, 1, "migration 3 ran");
}

#[test]
fn a_newer_schema_is_refused_clearly() {
    let path = temp("newer").join("traces.db");
    drop(SqliteStore::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    let error = SqliteStore::open(&path).unwrap_err();
    assert_eq!(
        error,
        StoreError::SchemaTooNew {
            found: 99,
            supported: 3
        }
    );
}

#[test]
fn a_corrupt_or_missing_file_is_an_error_not_a_panic() {
    let dir = temp("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("traces.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(&error, StoreError::Backend(m) if m.contains("not a database")),
        "{error}"
    );
    let missing = SqliteStore::open_existing(dir.join("missing.db")).unwrap_err();
    assert!(missing.to_string().contains("no span store"), "{missing}");
}

#[test]
fn the_default_path_is_under_the_current_folder_unless_the_variable_says_otherwise() {
    std::env::remove_var("AGENTRACE_STORE");
    assert_eq!(default_store_path(), PathBuf::from(".agentrace/traces.db"));
    std::env::set_var("AGENTRACE_STORE", "/tmp/elsewhere.db");
    assert_eq!(default_store_path(), PathBuf::from("/tmp/elsewhere.db"));
    std::env::remove_var("AGENTRACE_STORE");
}
