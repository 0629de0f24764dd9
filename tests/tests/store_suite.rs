//! The behaviour suite every span store passes, run against the memory, the SQLite and the
//! PostgreSQL backends (each PostgreSQL case in a fresh database of the test server, see
//! `agentrace_tests::postgres_server`): sequence ids, duplicates, attempts, filters, OR logic, order, paging, totals.
//! The upstream cases are those of Agent Lightning's store tests.

use std::sync::Arc;

use agentrace::store::{
    MemoryStore, Order, PostgresStore, Query, SpanStore, SqliteStore, StoreError,
};
use agentrace::SpanRecord;
use agentrace_tests::postgres_server::fresh_database;

/// A span of `rollout`/`attempt` with the given id, name and parent.
fn span(rollout: Option<&str>, attempt: Option<&str>, id: &str, name: &str) -> SpanRecord {
    serde_json::from_value(serde_json::json!({
        "rollout_id": rollout, "attempt_id": attempt,
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": id, "name": name,
        "start_time": 1_000, "end_time": 2_000,
    }))
    .unwrap()
}

fn in_attempt(rollout: &str, attempt: &str, id: &str) -> SpanRecord {
    span(Some(rollout), Some(attempt), id, &format!("span {id}"))
}

fn seqs(page: &agentrace::store::Page) -> Vec<u64> {
    page.spans.iter().map(|s| s.sequence_id).collect()
}

fn ids(page: &agentrace::store::Page) -> Vec<&str> {
    page.spans.iter().map(|s| s.span_id.as_str()).collect()
}

fn sequence_ids_count_up_per_rollout_across_attempts(store: Arc<dyn SpanStore>) {
    store.add_span(in_attempt("r1", "a1", "1")).unwrap();
    store.add_span(in_attempt("r1", "a1", "2")).unwrap();
    let third = store
        .add_span(in_attempt("r1", "a2", "3"))
        .unwrap()
        .unwrap();
    assert_eq!(
        third.sequence_id, 3,
        "the counter is shared by the rollout's attempts"
    );
    let other = store
        .add_span(in_attempt("r2", "a1", "4"))
        .unwrap()
        .unwrap();
    assert_eq!(other.sequence_id, 1, "each rollout counts from 1");
    assert_eq!(
        seqs(&store.query(&Query::rollout("r1")).unwrap()),
        [1, 2, 3]
    );
    assert_eq!(store.next_sequence_id(Some("r1")).unwrap(), 4);
    let next = store
        .add_span(in_attempt("r1", "a2", "5"))
        .unwrap()
        .unwrap();
    assert_eq!(next.sequence_id, 5, "a reserved id is not issued again");
}

fn explicit_sequence_id_is_kept_and_the_counter_moves_past_it(store: Arc<dyn SpanStore>) {
    let mut explicit = in_attempt("r1", "a1", "1");
    explicit.sequence_id = 100;
    assert_eq!(store.add_span(explicit).unwrap().unwrap().sequence_id, 100);
    let next = store
        .add_span(in_attempt("r1", "a1", "2"))
        .unwrap()
        .unwrap();
    assert_eq!(next.sequence_id, 101);
}

fn concurrent_adds_get_exactly_one_to_thirty(store: Arc<dyn SpanStore>) {
    let threads: Vec<_> = (0..30)
        .map(|n| {
            let store = store.clone();
            std::thread::spawn(move || {
                store
                    .add_span(in_attempt("r1", "a1", &format!("{n}")))
                    .unwrap()
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let page = store.query(&Query::rollout("r1")).unwrap();
    assert_eq!(seqs(&page), (1..=30).collect::<Vec<u64>>());
}

fn duplicate_span_id_is_skipped(store: Arc<dyn SpanStore>) {
    assert!(store
        .add_span(in_attempt("r1", "a1", "1"))
        .unwrap()
        .is_some());
    assert!(store
        .add_span(in_attempt("r1", "a1", "1"))
        .unwrap()
        .is_none());
    let batch = store
        .add_spans(vec![
            in_attempt("r1", "a1", "2"),
            in_attempt("r1", "a1", "2"),
        ])
        .unwrap();
    assert_eq!(
        batch.len(),
        1,
        "a duplicate inside one batch is skipped too"
    );
    let page = store.query(&Query::rollout("r1")).unwrap();
    assert_eq!((page.total, seqs(&page)), (2, vec![1, 2]));
}

fn span_stored_without_rollout_moves_under_the_rollout(store: Arc<dyn SpanStore>) {
    store.add_span(span(None, None, "1", "exported")).unwrap();
    let moved = store
        .add_span(in_attempt("r1", "a1", "1"))
        .unwrap()
        .unwrap();
    assert_eq!(moved.sequence_id, 1);
    assert!(store
        .add_span(span(None, None, "1", "exported"))
        .unwrap()
        .is_none());
    assert_eq!(store.query(&Query::all()).unwrap().total, 1, "kept once");
    assert_eq!(store.query(&Query::rollout("r1")).unwrap().total, 1);
}

fn attempt_queries(store: Arc<dyn SpanStore>) {
    store
        .add_spans(vec![in_attempt("r1", "1", "a"), in_attempt("r1", "1", "b")])
        .unwrap();
    store
        .add_spans(vec![
            in_attempt("r1", "2", "c"),
            in_attempt("r1", "2", "d"),
            in_attempt("r1", "2", "e"),
        ])
        .unwrap();
    assert_eq!(store.query(&Query::rollout("r1")).unwrap().spans.len(), 5);
    assert_eq!(
        store
            .query(&Query::rollout("r1").attempt("1"))
            .unwrap()
            .spans
            .len(),
        2
    );
    let latest = store.query(&Query::rollout("r1").latest_attempt()).unwrap();
    assert_eq!(ids(&latest), ["c", "d", "e"]);
    assert_eq!(
        store
            .query(&Query::rollout("r1").attempt("9"))
            .unwrap()
            .total,
        0
    );
    let unknown = store.query(&Query::rollout("nope")).unwrap();
    assert!(unknown.spans.is_empty() && unknown.total == 0);
    assert!(store
        .query(&Query::rollout("nope").latest_attempt())
        .unwrap()
        .spans
        .is_empty());
    assert!(matches!(
        store.query(&Query::all().attempt("1")),
        Err(StoreError::Invalid(_))
    ));
}

fn filled(store: &Arc<dyn SpanStore>) {
    let mut spans = vec![
        span(Some("r1"), Some("a"), "root", "invoke_agent planner"),
        span(Some("r1"), Some("a"), "llm1", "chat gpt-4o"),
        span(Some("r1"), Some("a"), "tool", "execute_tool search"),
        span(Some("r1"), Some("a"), "llm2", "chat gpt-4o-mini"),
        span(Some("r2"), Some("a"), "other", "chat gpt-4o"),
    ];
    for child in &mut spans[1..4] {
        child.parent_id = Some("root".into());
    }
    spans[4].trace_id = "0af7651916cd43dd8448eb211c80319c".into();
    store.add_spans(spans).unwrap();
}

fn filters_match_exact_and_contained_names_ids_and_parents(store: Arc<dyn SpanStore>) {
    filled(&store);
    let exact = store
        .query(&Query::rollout("r1").name("chat gpt-4o"))
        .unwrap();
    assert_eq!(ids(&exact), ["llm1"]);
    let contains = store
        .query(&Query::rollout("r1").name_contains("chat"))
        .unwrap();
    assert_eq!(ids(&contains), ["llm1", "llm2"]);
    let children = store
        .query(&Query::rollout("r1").parent_id("root"))
        .unwrap();
    assert_eq!(ids(&children), ["llm1", "tool", "llm2"]);
    let both = store
        .query(&Query::rollout("r1").parent_id("root").name_contains("tool"))
        .unwrap();
    assert_eq!(ids(&both), ["tool"], "filters AND by default");
    let by_span = store.query(&Query::all().span_id("other")).unwrap();
    assert_eq!(by_span.spans[0].rollout_id.as_deref(), Some("r2"));
    let by_trace = store
        .query(&Query::all().trace_id("0af7651916cd43dd8448eb211c80319c"))
        .unwrap();
    assert_eq!(ids(&by_trace), ["other"]);
    let across = store.query(&Query::all().name("chat gpt-4o")).unwrap();
    assert_eq!(
        across.total, 2,
        "without a rollout a query reads every rollout"
    );
}

fn or_logic_matches_any_filter_but_never_crosses_rollouts(store: Arc<dyn SpanStore>) {
    filled(&store);
    let any = store
        .query(
            &Query::rollout("r1")
                .name("execute_tool search")
                .span_id("root")
                .any(),
        )
        .unwrap();
    assert_eq!(ids(&any), ["root", "tool"]);
    let any = store
        .query(
            &Query::rollout("r2")
                .name("execute_tool search")
                .name_contains("gpt")
                .any(),
        )
        .unwrap();
    assert_eq!(ids(&any), ["other"], "r1's tool span is not read from r2");
}

fn order_paging_and_totals(store: Arc<dyn SpanStore>) {
    filled(&store);
    let descending = store
        .query(&Query::rollout("r1").order(Order::Descending))
        .unwrap();
    assert_eq!(seqs(&descending), [4, 3, 2, 1]);
    let page = store
        .query(&Query::rollout("r1").limit(2).offset(1))
        .unwrap();
    assert_eq!((seqs(&page), page.total), (vec![2, 3], 4));
    let last = store
        .query(
            &Query::rollout("r1")
                .order(Order::Descending)
                .limit(3)
                .offset(3),
        )
        .unwrap();
    assert_eq!((seqs(&last), last.total), (vec![1], 4));
    let past = store.query(&Query::rollout("r1").offset(10)).unwrap();
    assert_eq!((past.spans.len(), past.total), (0, 4));
}

fn round_trips_every_field_and_summarises_traces(store: Arc<dyn SpanStore>) {
    let mut llm = span(Some("r1"), Some("a"), "llm", "chat m");
    llm.parent_id = Some("root".into());
    llm.kind = agentrace::record::RecordKind::Client;
    llm.attributes
        .insert("gen_ai.usage.input_tokens".into(), 12.into());
    llm.attributes
        .insert("gen_ai.usage.output_tokens".into(), 5.into());
    llm.status.status_code = agentrace::record::StatusCode::Error;
    llm.status.description = Some("boom".into());
    llm.events
        .push(agentrace::record::RecordEvent::new("exception", 1_500));
    llm.resource
        .attributes
        .insert("service.name".into(), "svc".into());
    let mut root = span(Some("r1"), Some("a"), "root", "invoke_agent a");
    root.start_time = 500;
    root.end_time = 3_000;
    store.add_spans(vec![llm.clone(), root]).unwrap();
    let back = store
        .query(&Query::all().span_id("llm"))
        .unwrap()
        .spans
        .remove(0);
    let mut expected = llm.clone();
    expected.sequence_id = 1;
    assert_eq!(back, expected);
    let traces = store.traces(10).unwrap();
    assert_eq!(traces.len(), 1);
    let trace = &traces[0];
    assert_eq!(trace.root_name, "invoke_agent a");
    assert_eq!(trace.rollout_id.as_deref(), Some("r1"));
    assert_eq!((trace.span_count, trace.errors), (2, 1));
    assert_eq!((trace.input_tokens, trace.output_tokens), (12, 5));
    assert_eq!((trace.start_time, trace.end_time), (500, 3_000));
}

fn invalid_ids_are_refused(store: Arc<dyn SpanStore>) {
    let no_rollout = span(None, Some("a"), "1", "x");
    assert!(matches!(
        store.add_span(no_rollout),
        Err(StoreError::Invalid(_))
    ));
    let empty = span(Some(""), Some("a"), "1", "x");
    assert!(matches!(store.add_span(empty), Err(StoreError::Invalid(_))));
    assert_eq!(store.query(&Query::all()).unwrap().total, 0);
}

/// Runs every case of the suite against a fresh store from `$make` for each.
macro_rules! suite {
    ($backend:ident, $make:expr) => {
        mod $backend {
            use super::*;
            suite!(@cases $make;
                sequence_ids_count_up_per_rollout_across_attempts,
                explicit_sequence_id_is_kept_and_the_counter_moves_past_it,
                concurrent_adds_get_exactly_one_to_thirty,
                duplicate_span_id_is_skipped,
                span_stored_without_rollout_moves_under_the_rollout,
                attempt_queries,
                filters_match_exact_and_contained_names_ids_and_parents,
                or_logic_matches_any_filter_but_never_crosses_rollouts,
                order_paging_and_totals,
                round_trips_every_field_and_summarises_traces,
                invalid_ids_are_refused);
        }
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[test]
            fn $case() {
                let make: fn(&str) -> Arc<dyn SpanStore> = $make;
                super::$case(make(stringify!($case)));
            }
        )*
    };
}

suite!(memory, |_| Arc::new(MemoryStore::new(64 << 20)));
suite!(sqlite, |case| {
    let dir = std::env::temp_dir().join(format!("agentrace-suite-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Arc::new(SqliteStore::open(dir.join("traces.db")).unwrap())
});
suite!(postgres, |case| {
    Arc::new(PostgresStore::connect(&fresh_database(case)).unwrap())
});
