//! Several processes on one SQLite file: four writers lose nothing and keep sequence ids
//! unique and increasing; a writer killed with SIGKILL mid-write leaves a database that opens
//! and holds every batch it reported committed.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use agentrace::store::{Query, SpanStore, SqliteStore};

const WRITER: &str = env!("CARGO_BIN_EXE_store_writer");

fn temp(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("agentrace-procs-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("traces.db")
}

#[test]
fn four_processes_writing_one_file_lose_nothing_and_keep_sequence_ids_unique() {
    let db = temp("four");
    let (batches, size) = (25, 20);
    let children: Vec<_> = (0..4)
        .map(|n| {
            Command::new(WRITER)
                .args([
                    db.to_str().unwrap(),
                    "shared",
                    &format!("w{n}"),
                    &batches.to_string(),
                    &size.to_string(),
                ])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let store = SqliteStore::open_existing(&db).unwrap();
    let page = store.query(&Query::rollout("shared")).unwrap();
    let total = 4 * batches * size;
    assert_eq!(page.total, total);
    let seqs: Vec<u64> = page.spans.iter().map(|s| s.sequence_id).collect();
    assert_eq!(
        seqs,
        (1..=total as u64).collect::<Vec<_>>(),
        "unique, no gaps"
    );
    for n in 0..4 {
        let mine: Vec<u64> = store
            .query(&Query::rollout("shared").attempt(format!("w{n}")))
            .unwrap()
            .spans
            .iter()
            .map(|s| s.name.rsplit(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(
            mine,
            (0..(batches * size) as u64).collect::<Vec<_>>(),
            "w{n}'s spans in its own order"
        );
    }
}

#[test]
fn a_writer_killed_mid_write_leaves_every_committed_batch() {
    let db = temp("kill");
    let mut child = Command::new(WRITER)
        .args([db.to_str().unwrap(), "r1", "w", "1000000", "50"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = 0;
    while committed < 2_000 {
        let line = lines.next().expect("writer still running").unwrap();
        committed = line.trim_start_matches("committed ").parse().unwrap();
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished: {status:?}");
    let store = SqliteStore::open(&db).unwrap();
    let page = store.query(&Query::rollout("r1")).unwrap();
    assert!(
        page.total >= committed,
        "{} stored, {committed} reported committed",
        page.total
    );
    assert_eq!(page.total % 50, 0, "batches are all or nothing");
    let seqs: Vec<u64> = page.spans.iter().map(|s| s.sequence_id).collect();
    assert_eq!(seqs, (1..=page.total as u64).collect::<Vec<_>>());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(
        store
            .add_span(
                serde_json::from_value(serde_json::json!({"rollout_id": "r1",
        "attempt_id": "w2", "trace_id": "ff", "span_id": "after", "name": "after",
        "start_time": 1, "end_time": 2}))
                .unwrap()
            )
            .unwrap()
            .unwrap()
            .sequence_id,
        page.total as u64 + 1
    );
}
