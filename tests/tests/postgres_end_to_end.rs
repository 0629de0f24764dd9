//! A PostgreSQL store named by URL everywhere a store is named: `AGENTRACE_STORE` for
//! `init()` (the exporter and the rollout scopes' default writer), `builder().store_at`, and
//! the viewer's `--db` and `$AGENTRACE_STORE` for `traces`, `show`, `export` and `prune`. A URL
//! scheme this build has no backend for is an error naming it, never a file.

use std::process::{Command, Output};

use agentrace::rollout::RolloutScope;
use agentrace::store::{PostgresStore, Query, SpanStore};
use agentrace_tests::otlp_receiver::{agent, child};
use agentrace_tests::postgres_server::fresh_database;

const CLI: &str = env!("CARGO_BIN_EXE_agentrace_cli");

/// The traced work of the child processes: a turn outside any rollout, one inside.
fn traced_work() {
    agent::turn("weather?").expect("turn");
    let scope = RolloutScope::for_rollout("episode", "rollout-1", "attempt-1").unwrap();
    let (_, trace) = scope
        .run(|| agent::turn("tides?").expect("turn"))
        .expect("scope");
    assert!(trace.store_error.is_none(), "{:?}", trace.store_error);
    assert!(trace.spans.iter().all(|span| span.sequence_id > 0));
}

fn check_store(url: &str) {
    let store = PostgresStore::connect_existing(url).expect("the store the program wrote");
    let all = store.query(&Query::all()).unwrap();
    let names: Vec<&str> = all.spans.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"invoke_agent assistant"), "{names:?}");
    let rollout = store.query(&Query::rollout("rollout-1")).unwrap();
    assert!(rollout.total >= 3, "the rollout's spans: {}", rollout.total);
    let seqs: Vec<u64> = rollout.spans.iter().map(|s| s.sequence_id).collect();
    assert_eq!(seqs, (1..=rollout.total as u64).collect::<Vec<_>>());
    assert_eq!(
        all.total,
        all.spans
            .iter()
            .map(|s| (&s.trace_id, &s.span_id))
            .collect::<std::collections::HashSet<_>>()
            .len(),
        "a span exported and written by its rollout scope is kept once"
    );
}

#[test]
fn init_writes_to_the_postgres_store_agentrace_store_names() {
    const NAME: &str = "init_writes_to_the_postgres_store_agentrace_store_names";
    if child::is_child(NAME) {
        let _guard = agentrace::init().expect("init");
        traced_work();
        return;
    }
    let url = fresh_database("init_env");
    let output = child::run(NAME, &[("AGENTRACE_STORE", &url)]);
    assert!(output.status.success(), "{}", child::describe(&output));
    check_store(&url);
}

#[test]
fn the_builder_selects_a_postgres_store_by_url() {
    const NAME: &str = "the_builder_selects_a_postgres_store_by_url";
    if child::is_child(NAME) {
        let url = std::env::var("TEST_STORE_URL").unwrap();
        let _guard = agentrace::builder().store_at(url).init().expect("init");
        traced_work();
        return;
    }
    let url = fresh_database("builder");
    let output = child::run(NAME, &[("TEST_STORE_URL", &url)]);
    assert!(output.status.success(), "{}", child::describe(&output));
    check_store(&url);
}

#[test]
fn an_unsupported_scheme_in_agentrace_store_is_a_config_error_not_a_file() {
    let error = agentrace::builder()
        .with_env(|name| (name == "AGENTRACE_STORE").then(|| "mysql://me:hunter2@db/x".into()))
        .build_config()
        .unwrap_err()
        .to_string();
    assert!(error.contains("AGENTRACE_STORE"), "{error}");
    assert!(
        error.contains("`mysql`") && !error.contains("hunter2"),
        "{error}"
    );
}

fn cli(args: &[&str], store_env: Option<&str>) -> Output {
    let mut command = Command::new(CLI);
    command.args(args).env_remove("AGENTRACE_STORE");
    if let Some(url) = store_env {
        command.env("AGENTRACE_STORE", url);
    }
    command.output().unwrap()
}

fn ok(args: &[&str], store_env: Option<&str>) -> String {
    let output = cli(args, store_env);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_viewer_reads_a_postgres_store_from_db_or_the_variable() {
    let url = fresh_database("viewer");
    let store = PostgresStore::connect(&url).unwrap();
    let span = |id: &str, parent: Option<&str>, name: &str| -> agentrace::SpanRecord {
        serde_json::from_value(serde_json::json!({
            "rollout_id": "rollout-9", "attempt_id": "a1",
            "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": id, "parent_id": parent,
            "name": name, "start_time": 1_700_000_000_000_000_000u64,
            "end_time": 1_700_000_000_500_000_000u64,
        }))
        .unwrap()
    };
    store
        .add_spans(vec![
            span("00f067aa0ba902b7", None, "invoke_agent planner"),
            span("00f067aa0ba902b8", Some("00f067aa0ba902b7"), "chat gpt-4o"),
        ])
        .unwrap();
    let with_password = url.replacen("postgres://agentrace@", "postgres://agentrace:hunter2@", 1);

    let traces = ok(&["--db", &with_password, "traces"], None);
    assert!(
        traces.contains("4bf92f3577b34da6a3ce929d0e0e4736"),
        "{traces}"
    );
    assert!(traces.contains("invoke_agent planner"), "{traces}");
    assert!(
        !traces.contains("hunter2") && traces.contains("***"),
        "{traces}"
    );
    let show = ok(&["show", "rollout-9"], Some(&url));
    assert!(show.contains("chat gpt-4o"), "{show}");
    let json = ok(
        &["--db", &url, "export", "--format", "json", "rollout-9"],
        None,
    );
    let spans: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(spans.len(), 2);
    let dry = ok(&["prune", "--older-than", "1d", "--dry-run"], Some(&url));
    assert!(dry.contains("would prune 1 rollouts"), "{dry}");
    let refused = cli(&["--db", &url, "prune", "--max-bytes", "1MB"], None);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("by age only"));
    assert_eq!(
        store.query(&Query::all()).unwrap().total,
        2,
        "nothing pruned"
    );

    let unknown = cli(&["--db", "mysql://me:hunter2@db/x", "traces"], None);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr.contains("`mysql`") && !stderr.contains("hunter2"),
        "{stderr}"
    );
    let missing = cli(&["--db", &fresh_database("viewer_empty"), "traces"], None);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no span store at"));
}

#[test]
fn a_rollout_scope_writes_to_the_store_its_writer_opened_by_url() {
    let url = fresh_database("scope");
    let writer = agentrace::store::StoreWriter::open(&url).unwrap();
    let scope = RolloutScope::for_rollout("episode", "rollout-3", "attempt-1")
        .unwrap()
        .store(writer);
    let (_, trace) = scope
        .run(|| agent::turn("tides?").expect("turn"))
        .expect("scope");
    assert!(trace.store_error.is_none(), "{:?}", trace.store_error);
    let store = PostgresStore::connect_existing(&url).unwrap();
    let page = store.query(&Query::rollout("rollout-3")).unwrap();
    assert_eq!(page.total, trace.spans.len());
    let stored: Vec<u64> = page.spans.iter().map(|s| s.sequence_id).collect();
    let handed_back: Vec<u64> = trace.spans.iter().map(|s| s.sequence_id).collect();
    assert_eq!(stored, handed_back, "the scope hands back the store's ids");
}
