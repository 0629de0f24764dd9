//! What is particular to the PostgreSQL store: writes survive lost connections (killed
//! backends, a restarted server) and fail visibly, counted, once the store's timeout is
//! past, losing nothing acknowledged; a versioned schema; passwords never shown; clear
//! errors for a missing store, a newer schema, TLS it cannot speak, and URL schemes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agentrace::store::{
    PostgresStore, Query, Retention, SpanStore, StoreError, StoreWriter, WriteAck,
};
use agentrace::SpanRecord;
use agentrace_tests::postgres_server::{fresh_database, PgServer};

fn span(rollout: &str, id: &str) -> SpanRecord {
    serde_json::from_value(serde_json::json!({
        "rollout_id": rollout, "attempt_id": "a1", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "span_id": id, "name": format!("work {id}"), "start_time": 1_000, "end_time": 2_000,
    }))
    .unwrap()
}

fn database_of(url: &str) -> String {
    url.rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// The outcome of one acknowledged write.
type Outcome = Result<Vec<SpanRecord>, StoreError>;

/// Sends each acknowledgement's outcome down a channel.
struct Ack(Mutex<mpsc::Sender<Outcome>>);

impl WriteAck for Ack {
    fn done(&self, result: Outcome) {
        let _ = self.0.lock().unwrap().send(result);
    }
}

fn ack() -> (Arc<dyn WriteAck>, mpsc::Receiver<Outcome>) {
    let (sender, receiver) = mpsc::channel();
    (Arc::new(Ack(Mutex::new(sender))), receiver)
}

#[test]
fn writes_survive_backends_killed_under_them() {
    let url = fresh_database("terminated");
    let store = Arc::new(PostgresStore::connect(&url).unwrap());
    let database = database_of(&url);
    let stop = Arc::new(AtomicBool::new(false));
    let killer = {
        let (url, stop) = (url.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let mut killed = 0;
            while !stop.load(Ordering::Relaxed) {
                let rows = admin
                    .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                         WHERE datname = $1 AND pid <> pg_backend_pid()",
                        &[&database],
                    )
                    .unwrap();
                killed += rows.len();
                std::thread::sleep(Duration::from_millis(100));
            }
            killed
        })
    };
    let writer = StoreWriter::spawn(store.clone()).unwrap();
    let (ack, outcomes) = ack();
    for batch in 0..100 {
        let spans = (0..20)
            .map(|i| span("r1", &format!("{batch}-{i}")))
            .collect();
        writer.write_with_ack(spans, Some(ack.clone())).unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    writer.flush(Duration::from_secs(60)).unwrap();
    stop.store(true, Ordering::Relaxed);
    let killed = killer.join().unwrap();
    assert!(killed > 0, "connections were terminated under the writer");
    let acked: usize = outcomes
        .try_iter()
        .map(|outcome| {
            outcome
                .expect("every write succeeds after reconnecting")
                .len()
        })
        .sum();
    assert_eq!(acked, 2_000);
    assert_eq!(writer.stats().failed, 0);
    let page = store.query(&Query::rollout("r1")).unwrap();
    let seqs: Vec<u64> = page.spans.iter().map(|s| s.sequence_id).collect();
    assert_eq!(
        seqs,
        (1..=2_000).collect::<Vec<_>>(),
        "no span lost or doubled"
    );
}

#[test]
fn a_stopped_server_fails_writes_visibly_within_the_timeout_and_loses_nothing_acknowledged() {
    let mut server = PgServer::start().expect("a throwaway PostgreSQL server");
    let url = server.url("postgres");
    let store = Arc::new(
        PostgresStore::connect(&url)
            .unwrap()
            .with_timeout(Duration::from_millis(1_500)),
    );
    let writer = StoreWriter::spawn(store.clone()).unwrap();
    let (ack, outcomes) = ack();
    writer
        .write_with_ack(vec![span("r1", "before")], Some(ack.clone()))
        .unwrap();
    assert_eq!(
        outcomes
            .recv_timeout(Duration::from_secs(10))
            .unwrap()
            .unwrap()[0]
            .sequence_id,
        1
    );

    server.stop().unwrap();
    // The traced side never waits: queuing returns at once while the store is down.
    let queued = Instant::now();
    writer
        .write_with_ack(vec![span("r1", "while-down")], Some(ack.clone()))
        .unwrap();
    assert!(queued.elapsed() < Duration::from_millis(100));
    let failed_at = Instant::now();
    let outcome = outcomes.recv_timeout(Duration::from_secs(30)).unwrap();
    let waited = failed_at.elapsed();
    let error = outcome.expect_err("the server is down");
    assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
    assert!(
        waited >= Duration::from_millis(1_000) && waited < Duration::from_secs(20),
        "retried for about the store's timeout, then failed: {waited:?}"
    );
    let stats = writer.stats();
    assert_eq!(stats.failed, 1, "counted: {stats:?}");
    assert!(stats.last_error.unwrap().contains("127.0.0.1"));

    server.start_again().unwrap();
    writer
        .write_with_ack(vec![span("r1", "after")], Some(ack.clone()))
        .unwrap();
    let after = outcomes
        .recv_timeout(Duration::from_secs(30))
        .unwrap()
        .expect("the store reconnects once the server is back");
    assert_eq!(after[0].sequence_id, 2, "the failed write issued no id");
    let ids: Vec<String> = store
        .query(&Query::rollout("r1"))
        .unwrap()
        .spans
        .into_iter()
        .map(|s| s.span_id)
        .collect();
    assert_eq!(ids, ["before", "after"], "everything acknowledged is there");
}

#[test]
fn the_schema_is_versioned_and_a_newer_one_is_refused() {
    let url = fresh_database("schema");
    let store = PostgresStore::connect(&url).unwrap();
    store.add_span(span("r1", "1")).unwrap();
    drop(store);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let version: i64 = admin
        .query_one("SELECT version FROM agentrace_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 1);
    // Opening again (as every process does) migrates nothing and keeps the data.
    let again = PostgresStore::connect_existing(&url).unwrap();
    assert_eq!(again.query(&Query::rollout("r1")).unwrap().total, 1);
    admin
        .execute("UPDATE agentrace_schema SET version = 99", &[])
        .unwrap();
    assert!(matches!(
        PostgresStore::connect(&url),
        Err(StoreError::SchemaTooNew {
            found: 99,
            supported: 1
        })
    ));
}

#[test]
fn concurrent_openers_of_a_new_database_migrate_it_once() {
    let url = fresh_database("openers");
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PostgresStore::connect(&url).map(|_| ()))
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().expect("every opener succeeds");
    }
}

#[test]
fn a_database_without_a_store_is_not_one_for_readers() {
    let url = fresh_database("empty");
    let error = PostgresStore::connect_existing(&url).unwrap_err();
    assert!(error.to_string().contains("no span store at"), "{error}");
    let via_open = agentrace::store::open_location(
        &agentrace::store::StoreLocation::parse(&url).unwrap(),
        agentrace::store::OpenOptions::existing(),
    )
    .unwrap_err();
    assert!(via_open.to_string().contains("no span store at"));
}

#[test]
fn passwords_never_appear_in_errors_or_debug_output() {
    let url = fresh_database("password");
    // Trust authentication on loopback: the password is taken and ignored by the server.
    let with_password = url.replacen("postgres://agentrace@", "postgres://agentrace:hunter2@", 1);
    let store = PostgresStore::connect(&with_password).unwrap();
    let shown = format!("{store:?} {}", store.url());
    assert!(
        !shown.contains("hunter2") && shown.contains("***"),
        "{shown}"
    );

    let refused =
        PostgresStore::connect("postgres://agentrace:hunter2@127.0.0.1:1/db?connect_timeout=2")
            .unwrap_err()
            .to_string();
    assert!(
        !refused.contains("hunter2") && refused.contains("127.0.0.1"),
        "{refused}"
    );
    let bad = PostgresStore::connect("postgres://agentrace:hunter2@127.0.0.1:notaport/db")
        .unwrap_err()
        .to_string();
    assert!(!bad.contains("hunter2"), "{bad}");
    let tls = PostgresStore::connect("postgres://agentrace:hunter2@127.0.0.1/db?sslmode=require")
        .unwrap_err()
        .to_string();
    assert!(
        tls.contains("sslmode=require") && !tls.contains("hunter2"),
        "{tls}"
    );
    let location = agentrace::store::StoreLocation::parse(&with_password).unwrap();
    assert!(!format!("{location} {location:?}").contains("hunter2"));
}

#[test]
fn urls_pick_the_backend_and_unknown_schemes_are_errors() {
    let url = fresh_database("open");
    for scheme_url in [url.clone(), url.replacen("postgres://", "postgresql://", 1)] {
        let store = agentrace::store::open(&scheme_url).unwrap();
        store.add_span(span("r1", &scheme_url)).unwrap();
    }
    let store = PostgresStore::connect_existing(&url).unwrap();
    assert_eq!(store.query(&Query::rollout("r1")).unwrap().total, 2);
    let error = agentrace::store::open("mysql://u:hunter2@h/db")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`mysql`") && !error.contains("hunter2"),
        "{error}"
    );
    assert!(!std::path::Path::new("mysql:").exists(), "no file was made");
}

#[test]
fn retention_prunes_by_age_and_a_size_bound_alone_is_refused() {
    let url = fresh_database("prune");
    let store = PostgresStore::connect(&url).unwrap();
    let mut old = span("old", "1");
    old.start_time = 1;
    old.end_time = 2;
    let mut orphan = span("x", "2");
    orphan.rollout_id = None;
    orphan.attempt_id = None;
    orphan.trace_id = "0af7651916cd43dd8448eb211c80319c".into();
    orphan.start_time = 1;
    orphan.end_time = 2;
    let mut fresh = span("fresh", "3");
    let now = std::time::SystemTime::now();
    let nanos = now
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    fresh.start_time = nanos - 1_000;
    fresh.end_time = nanos;
    store.add_spans(vec![old, orphan, fresh]).unwrap();
    let week = Retention::none().max_age(Duration::from_secs(7 * 86_400));
    let dry = store.prune_dry_run(&week, now).unwrap();
    assert_eq!((dry.rollouts, dry.traces, dry.spans), (1, 1, 2));
    assert_eq!(
        store.query(&Query::all()).unwrap().total,
        3,
        "a dry run removes nothing"
    );
    let report = store.prune(&week, now).unwrap();
    assert_eq!((report.rollouts, report.traces, report.spans), (1, 1, 2));
    assert!(matches!(
        store.query(&Query::rollout("old")),
        Err(StoreError::Pruned { .. })
    ));
    assert_eq!(store.query(&Query::rollout("fresh")).unwrap().total, 1);
    let size = store.size().unwrap();
    assert_eq!(size.spans, 1);
    assert!(size.bytes > 0);
    assert!(matches!(
        store.prune(&Retention::none().max_bytes(1_000), now),
        Err(StoreError::Invalid(_))
    ));
}
