//! The SQLite span store: batched ingest rate (spans per second) and the time of a query by
//! rollout in a store of 1 million spans (built in the setup, reused when already built).
//! Run with `cargo bench -p agentrace-store --features sqlite --bench store`; under about 5 minutes on 2 cores.
//!
//! With feature `postgres` and `AGENTRACE_BENCH_POSTGRES_URL` set (a server where the user may
//! create databases), the same two measurements run on the PostgreSQL store in the same run
//! (groups `postgres_ingest`, `postgres_query_1m_spans`), in databases `agentrace_bench_*`:
//! `AGENTRACE_BENCH_POSTGRES_URL=postgres://agentrace@127.0.0.1:15432/postgres cargo bench -p agentrace-store --features sqlite,postgres --bench store`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use agentrace_store::SpanRecord;
use agentrace_store::{Query, Retention, SpanStore, SqliteStore};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const BATCH: u64 = 1_000;
const MILLION: u64 = 1_000_000;
const PER_ROLLOUT: u64 = 100;

/// A span as the macros make them: ids, a name, a few GenAI attributes, ~350 bytes of JSON.
fn span(rollout: u64, n: u64) -> SpanRecord {
    let mut record: SpanRecord = serde_json::from_value(serde_json::json!({
        "rollout_id": format!("r{rollout}"), "attempt_id": "a1",
        "trace_id": format!("{rollout:032x}"), "span_id": format!("{n:016x}"),
        "parent_id": format!("{:016x}", n - n % PER_ROLLOUT), "name": "chat gpt-4o", "kind": "client",
        "start_time": 1_700_000_000_000_000_000u64 + n * 1_000, "end_time": 1_700_000_000_000_000_000u64 + n * 1_000 + 500,
        "attributes": {
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 120,
            "gen_ai.usage.output_tokens": 40, "input.value": "{\"prompt\":\"What is the weather in Paris today?\"}",
        },
    }))
    .expect("record");
    record.sequence_id = 0;
    record
}

fn bench_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("agentrace-bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    dir
}

/// A fresh store at `name`, with `retention`.
fn fresh(name: &str, retention: Retention) -> SqliteStore {
    let path = bench_dir().join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    SqliteStore::open(&path)
        .expect("open")
        .with_retention(retention)
}

/// Ingest of batches of 1,000 spans, without retention and with a 20 MB size bound that the
/// store passes after a few dozen batches: then every batch is followed by the writer's
/// upkeep pruning about as many spans as it wrote (whole rollouts, oldest first).
fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("sqlite_ingest");
    group.throughput(Throughput::Elements(BATCH));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(15));
    for (label, retention) in [
        ("batch_of_1000_spans", Retention::none()),
        (
            "batch_of_1000_spans_retention_20mb",
            Retention::none().max_bytes(20_000_000),
        ),
    ] {
        let store = fresh(&format!("{label}.db"), retention);
        let mut next = 0u64;
        group.bench_function(label, |b| {
            b.iter_batched(
                || {
                    let spans: Vec<SpanRecord> = (0..BATCH)
                        .map(|i| span((next + i) / PER_ROLLOUT, next + i + 1))
                        .collect();
                    next += BATCH;
                    spans
                },
                |spans| {
                    // What the store writer's thread does for each batch.
                    store.add_spans(spans).expect("write");
                    store.maintain().expect("upkeep")
                },
                BatchSize::PerIteration,
            )
        });
        let size = store.size().expect("size");
        eprintln!(
            "{label}: the store ends at {} bytes, {} spans",
            size.bytes, size.spans
        );
    }
    group.finish();
}

/// The store of a million spans: 10,000 rollouts of 100 spans.
fn million() -> SqliteStore {
    let path = bench_dir().join("million.db");
    if let Ok(store) = SqliteStore::open_existing(&path) {
        if store.query(&Query::all().limit(0)).map(|p| p.total as u64) == Ok(MILLION) {
            return store;
        }
    }
    let _ = std::fs::remove_file(&path);
    let store = SqliteStore::open(&path).expect("open");
    let started = Instant::now();
    for batch in 0..MILLION / 10_000 {
        let spans = (0..10_000)
            .map(|i| batch * 10_000 + i)
            .map(|n| span(n / PER_ROLLOUT, n + 1))
            .collect();
        store.add_spans(spans).expect("write");
    }
    eprintln!(
        "built a store of 1,000,000 spans in {:.1?}",
        started.elapsed()
    );
    store
}

fn query_by_rollout(c: &mut Criterion) {
    let store = million();
    let mut group = c.benchmark_group("sqlite_query_1m_spans");
    group.sample_size(100);
    let mut rollout = 0u64;
    group.bench_function("by_rollout_100_spans", |b| {
        b.iter(|| {
            rollout = (rollout + 7_919) % (MILLION / PER_ROLLOUT);
            let page = store
                .query(&Query::rollout(format!("r{rollout}")))
                .expect("query");
            assert_eq!(page.spans.len(), PER_ROLLOUT as usize);
            black_box(page)
        })
    });
    group.bench_function("latest_attempt_name_contains", |b| {
        b.iter(|| {
            rollout = (rollout + 7_919) % (MILLION / PER_ROLLOUT);
            let query = Query::rollout(format!("r{rollout}"))
                .latest_attempt()
                .name_contains("gpt");
            black_box(store.query(&query).expect("query"))
        })
    });
    group.finish();
}

/// The PostgreSQL store's measurements: the same spans, batches and queries as SQLite's.
#[cfg(feature = "postgres")]
mod pg {
    use super::*;
    use agentrace_store::PostgresStore;

    const URL_ENV: &str = "AGENTRACE_BENCH_POSTGRES_URL";

    /// The URL of database `name` on the bench server, made fresh when `fresh`.
    fn database(name: &str, fresh: bool) -> Option<String> {
        let admin = std::env::var(URL_ENV).ok().filter(|url| !url.is_empty())?;
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("bench server");
        let exists = client
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .expect("pg_database")
            .is_some();
        if exists && fresh {
            client
                .batch_execute(&format!("DROP DATABASE {name}"))
                .expect("drop");
        }
        if !exists || fresh {
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create");
        }
        let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
        let base = base.rsplit_once('/').map_or(base, |(base, _)| base);
        Some(if query.is_empty() {
            format!("{base}/{name}")
        } else {
            format!("{base}/{name}?{query}")
        })
    }

    pub(super) fn ingest(c: &mut Criterion) {
        let Some(url) = database("agentrace_bench_ingest", true) else {
            eprintln!("postgres_ingest: skipped ({URL_ENV} not set)");
            return;
        };
        let store = PostgresStore::connect(&url).expect("connect");
        let mut group = c.benchmark_group("postgres_ingest");
        group.throughput(Throughput::Elements(BATCH));
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(15));
        let mut next = 0u64;
        group.bench_function("batch_of_1000_spans", |b| {
            b.iter_batched(
                || {
                    let spans: Vec<SpanRecord> = (0..BATCH)
                        .map(|i| span((next + i) / PER_ROLLOUT, next + i + 1))
                        .collect();
                    next += BATCH;
                    spans
                },
                |spans| {
                    store.add_spans(spans).expect("write");
                    store.maintain().expect("upkeep")
                },
                BatchSize::PerIteration,
            )
        });
        let size = store.size().expect("size");
        eprintln!(
            "postgres batch_of_1000_spans: the store ends at {} bytes, {} spans",
            size.bytes, size.spans
        );
        group.finish();
    }

    /// The PostgreSQL store of a million spans: 10,000 rollouts of 100 spans, written in
    /// batches of 10,000 (each one multi-row insert), reused when already built.
    fn million() -> Option<PostgresStore> {
        let url = database("agentrace_bench_million", false)?;
        let store = PostgresStore::connect(&url).expect("connect");
        if store.query(&Query::all().limit(0)).map(|p| p.total as u64) == Ok(MILLION) {
            return Some(store);
        }
        drop(store);
        let url = database("agentrace_bench_million", true)?;
        let store = PostgresStore::connect(&url).expect("connect");
        let started = Instant::now();
        for batch in 0..MILLION / 10_000 {
            let spans = (0..10_000)
                .map(|i| batch * 10_000 + i)
                .map(|n| span(n / PER_ROLLOUT, n + 1))
                .collect();
            store.add_spans(spans).expect("write");
        }
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        client.batch_execute("VACUUM ANALYZE").expect("vacuum");
        eprintln!(
            "built a PostgreSQL store of 1,000,000 spans in {:.1?}",
            started.elapsed()
        );
        Some(store)
    }

    pub(super) fn query_by_rollout(c: &mut Criterion) {
        let Some(store) = million() else {
            eprintln!("postgres_query_1m_spans: skipped ({URL_ENV} not set)");
            return;
        };
        let mut group = c.benchmark_group("postgres_query_1m_spans");
        group.sample_size(100);
        let mut rollout = 0u64;
        group.bench_function("by_rollout_100_spans", |b| {
            b.iter(|| {
                rollout = (rollout + 7_919) % (MILLION / PER_ROLLOUT);
                let page = store
                    .query(&Query::rollout(format!("r{rollout}")))
                    .expect("query");
                assert_eq!(page.spans.len(), PER_ROLLOUT as usize);
                black_box(page)
            })
        });
        group.bench_function("latest_attempt_name_contains", |b| {
            b.iter(|| {
                rollout = (rollout + 7_919) % (MILLION / PER_ROLLOUT);
                let query = Query::rollout(format!("r{rollout}"))
                    .latest_attempt()
                    .name_contains("gpt");
                black_box(store.query(&query).expect("query"))
            })
        });
        group.finish();
    }
}

#[cfg(feature = "postgres")]
criterion_group!(
    benches,
    ingest,
    query_by_rollout,
    pg::ingest,
    pg::query_by_rollout
);
#[cfg(not(feature = "postgres"))]
criterion_group!(benches, ingest, query_by_rollout);
criterion_main!(benches);
