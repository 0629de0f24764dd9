//! Trace contexts: each collects exactly its own spans, in sequence order, and writes them to
//! the store under its rollout and attempt; nesting and half-given ids are errors; a failing
//! or slow store never costs the agent its spans.

use std::sync::Arc;
use std::time::Duration;

use agentrace::rollout::{RolloutError, RolloutScope, Trace};
use agentrace::store::{
    MemoryStore, Page, Query, SpanStore, StoreError, StoreWriter, TraceSummary,
};
use agentrace::testing::span;
use agentrace::{trace_agent, trace_llm, trace_tool, SpanRecord};
use futures::StreamExt;
use opentelemetry::context::FutureExt as _;

#[trace_llm(provider = "mock", model = "tiny")]
async fn ask_model(prompt: String) -> Result<String, std::io::Error> {
    tokio::task::yield_now().await;
    Ok(format!("plan for {prompt}"))
}

#[trace_tool]
async fn weather(city: String) -> String {
    tokio::time::sleep(Duration::from_millis(1)).await;
    format!("sunny in {city}")
}

#[trace_tool]
fn lookup(city: &str) -> String {
    format!("found {city}")
}

#[trace_agent(name = "assistant")]
async fn turn(question: String) -> Result<String, std::io::Error> {
    let plan = ask_model(question.clone()).await?;
    let tool_answer = weather(question).await;
    Ok(format!("{plan}; {tool_answer}"))
}

fn writer_to(store: Arc<dyn SpanStore>) -> Arc<StoreWriter> {
    StoreWriter::spawn(store).unwrap()
}

fn names(spans: &[SpanRecord]) -> Vec<&str> {
    spans.iter().map(|s| s.name.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_contexts_each_get_exactly_their_own_spans() {
    let store = Arc::new(MemoryStore::new(64 << 20));
    let writer = writer_to(store.clone());
    let tasks: Vec<_> = (0..100)
        .map(|n| {
            let writer = writer.clone();
            tokio::spawn(async move {
                let context = RolloutScope::for_rollout("episode", format!("r{n}"), "a1").unwrap();
                context
                    .store(writer)
                    .run_async(turn(format!("city{n}")))
                    .await
                    .unwrap()
            })
        })
        .collect();
    for (n, task) in tasks.into_iter().enumerate() {
        let (answer, trace): (_, Trace) = task.await.unwrap();
        assert_eq!(
            answer.unwrap(),
            format!("plan for city{n}; sunny in city{n}")
        );
        assert_eq!(trace.store_error, None);
        assert_eq!(
            names(&trace.spans),
            [
                "chat tiny",
                "execute_tool weather",
                "invoke_agent assistant"
            ]
        );
        assert_eq!(
            trace
                .spans
                .iter()
                .map(|s| s.sequence_id)
                .collect::<Vec<_>>(),
            [1, 2, 3]
        );
        let rollout = format!("r{n}");
        for s in &trace.spans {
            assert_eq!(s.rollout_id.as_deref(), Some(rollout.as_str()));
            assert_eq!(s.attempt_id.as_deref(), Some("a1"));
            assert!(
                s.attr_str("input.value")
                    .unwrap()
                    .contains(&format!("city{n}")),
                "{s:?}"
            );
        }
        let agent = span(&trace.spans, "invoke_agent assistant");
        assert!(agent.is_root());
        assert_eq!(
            span(&trace.spans, "chat tiny").parent_id.as_deref(),
            Some(agent.span_id.as_str())
        );
        let stored: Page = store.query(&Query::rollout(&rollout)).unwrap();
        assert_eq!(
            stored.spans, trace.spans,
            "the store holds what the context handed back"
        );
    }
    assert_eq!(store.query(&Query::all()).unwrap().total, 300);
}

#[tokio::test]
async fn spawned_tasks_carrying_the_context_and_streams_polled_inside_are_collected() {
    let context = RolloutScope::for_rollout("t", "r1", "a1")
        .unwrap()
        .without_store();
    let (_, trace) = context
        .run_async(async {
            let task = tokio::spawn(weather("Oslo".into()).with_current_context());
            task.await.unwrap();
            let stream = reply(2);
            tokio::task::yield_now().await;
            stream.collect::<Vec<_>>().await
        })
        .await
        .unwrap();
    assert_eq!(
        names(&trace.spans),
        [
            "execute_tool weather",
            "chat tiny",
            "chat tiny",
            "stream reply"
        ]
    );
    assert_eq!(
        trace
            .spans
            .iter()
            .map(|s| s.sequence_id)
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
}

#[agentrace::trace(name = "stream reply")]
fn reply(n: usize) -> impl futures::Stream<Item = String> {
    futures::stream::iter(0..n)
        .then(|i| async move { ask_model(format!("chunk {i}")).await.unwrap() })
}

#[tokio::test]
async fn a_stream_returned_from_a_context_and_polled_later_still_reaches_the_store() {
    let store = Arc::new(MemoryStore::new(1 << 20));
    let writer = writer_to(store.clone());
    let context = RolloutScope::for_rollout("t", "r1", "a1")
        .unwrap()
        .store(writer.clone());
    let (stream, trace) = context.run_async(async { reply(1) }).await.unwrap();
    assert!(
        trace.spans.is_empty(),
        "nothing ended inside: {:?}",
        names(&trace.spans)
    );
    assert_eq!(stream.collect::<Vec<_>>().await.len(), 1);
    writer.flush(Duration::from_secs(5)).unwrap();
    let stored = store.query(&Query::rollout("r1").attempt("a1")).unwrap();
    assert_eq!(names(&stored.spans), ["chat tiny", "stream reply"]);
}

#[test]
fn attempts_of_a_rollout_continue_its_sequence() {
    let store = Arc::new(MemoryStore::new(1 << 20));
    let writer = writer_to(store.clone());
    for (attempt, expected) in [("a1", [1, 2]), ("a2", [3, 4])] {
        let context = RolloutScope::for_rollout("t", "r1", attempt)
            .unwrap()
            .store(writer.clone());
        let (_, trace) = context
            .run(|| {
                futures::executor::block_on(async {
                    ask_model("x".into()).await.unwrap();
                    ask_model("y".into()).await.unwrap();
                })
            })
            .unwrap();
        assert_eq!(
            trace
                .spans
                .iter()
                .map(|s| s.sequence_id)
                .collect::<Vec<_>>(),
            expected
        );
    }
    let latest = store.query(&Query::rollout("r1").latest_attempt()).unwrap();
    assert_eq!(
        latest
            .spans
            .iter()
            .map(|s| s.sequence_id)
            .collect::<Vec<_>>(),
        [3, 4]
    );
}

#[test]
fn opening_a_context_inside_another_is_an_error() {
    let outer = RolloutScope::new("outer").without_store();
    let (inner, trace) = outer
        .run(|| RolloutScope::new("inner").without_store().run(|| 1))
        .unwrap();
    assert_eq!(
        inner.unwrap_err(),
        RolloutError::Nested {
            name: "inner".into()
        }
    );
    assert!(trace.spans.is_empty(), "the scope adds no span of its own");
    assert!(RolloutScope::new("after")
        .without_store()
        .run(|| ())
        .is_ok());
}

#[tokio::test]
async fn opening_an_async_context_inside_another_is_an_error() {
    let outer = RolloutScope::for_rollout("outer", "r1", "a1")
        .unwrap()
        .without_store();
    let (inner, _) = outer
        .run_async(async {
            let inner = RolloutScope::for_rollout("inner", "r2", "a1").unwrap();
            inner.without_store().run_async(async { 1 }).await
        })
        .await
        .unwrap();
    let error = inner.unwrap_err();
    assert!(
        error.to_string().contains("inside another rollout scope"),
        "{error}"
    );
}

#[test]
fn rollout_and_attempt_ids_come_together() {
    assert_eq!(
        RolloutScope::with_ids("t", None, Some("a1")).unwrap_err(),
        RolloutError::HalfIds
    );
    assert_eq!(
        RolloutScope::with_ids("t", Some("r1"), None).unwrap_err(),
        RolloutError::HalfIds
    );
    assert_eq!(
        RolloutScope::for_rollout("t", "", "a1").unwrap_err(),
        RolloutError::EmptyId
    );
    let context = RolloutScope::with_ids("t", Some("r1"), Some("a1"))
        .unwrap()
        .without_store();
    let (_, trace) = context.run(|| ()).unwrap();
    assert_eq!(
        (trace.rollout_id.as_deref(), trace.attempt_id.as_deref()),
        (Some("r1"), Some("a1"))
    );
}

/// A store that refuses every write, or takes `delay` per write.
#[derive(Debug)]
struct BadStore {
    delay: Option<Duration>,
}

impl SpanStore for BadStore {
    fn add_spans(&self, spans: Vec<SpanRecord>) -> Result<Vec<SpanRecord>, StoreError> {
        match self.delay {
            Some(delay) => {
                std::thread::sleep(delay);
                Ok(spans)
            }
            None => Err(StoreError::Backend("disk on fire".into())),
        }
    }
    fn next_sequence_id(&self, _: Option<&str>) -> Result<u64, StoreError> {
        Err(StoreError::Backend("disk on fire".into()))
    }
    fn query(&self, _: &Query) -> Result<Page, StoreError> {
        Ok(Page::default())
    }
    fn traces(&self, _: usize) -> Result<Vec<TraceSummary>, StoreError> {
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn a_failing_store_reports_the_failure_and_the_spans_still_come_back() {
    let writer = writer_to(Arc::new(BadStore { delay: None }));
    let context = RolloutScope::for_rollout("t", "r1", "a1")
        .unwrap()
        .store(writer.clone());
    let (answer, trace) = context.run_async(turn("Rome".into())).await.unwrap();
    assert_eq!(answer.unwrap(), "plan for Rome; sunny in Rome");
    assert_eq!(
        names(&trace.spans),
        [
            "chat tiny",
            "execute_tool weather",
            "invoke_agent assistant"
        ]
    );
    assert_eq!(
        trace
            .spans
            .iter()
            .map(|s| s.sequence_id)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let error = trace.store_error.expect("the failure is reported");
    assert!(error.to_string().contains("disk on fire"), "{error}");
    assert_eq!(writer.stats().failed, 3);
}

#[tokio::test]
async fn a_slow_store_does_not_hold_the_spans_past_the_timeout() {
    let writer = writer_to(Arc::new(BadStore {
        delay: Some(Duration::from_secs(3)),
    }));
    let context = RolloutScope::for_rollout("t", "r1", "a1")
        .unwrap()
        .store(writer)
        .store_timeout(Duration::from_millis(50));
    let (_, trace) = context.run_async(turn("Lima".into())).await.unwrap();
    assert_eq!(trace.spans.len(), 3);
    let error = trace.store_error.expect("the timeout is reported");
    assert!(error.to_string().contains("did not confirm"), "{error}");
}

#[test]
fn a_full_store_queue_drops_and_counts_instead_of_blocking() {
    let options = agentrace::store::WriterOptions {
        queue_capacity: 1,
        max_batch: 1,
    };
    let writer = StoreWriter::with_options(
        Arc::new(BadStore {
            delay: Some(Duration::from_secs(2)),
        }),
        options,
    )
    .unwrap();
    let context = RolloutScope::for_rollout("t", "r1", "a1")
        .unwrap()
        .store(writer.clone())
        .store_timeout(Duration::from_millis(10));
    let (_, trace) = context
        .run(|| {
            for city in ["a", "b", "c", "d", "e"] {
                lookup(city);
            }
        })
        .unwrap();
    assert_eq!(trace.spans.len(), 5);
    assert!(trace.store_error.is_some());
    assert!(writer.stats().dropped >= 1, "{:?}", writer.stats());
}
