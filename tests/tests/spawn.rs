//! Carrying the context across tasks and threads: spans made in a tokio task, a
//! `spawn_blocking` closure, a std thread, a closure handed to another thread, or a future
//! polled elsewhere nest under the span that handed the work off when the helpers are used;
//! without them, the work starts a new trace (and leaves the collection scope).

use agentrace::spawn::{in_context, spawn, spawn_blocking, spawn_thread, with_current_context};
use agentrace::testing::{capture, capture_async, span};
use agentrace::SpanRecord;

#[agentrace::trace_tool]
fn work(n: u8) -> u8 {
    n + 1
}

#[agentrace::trace_agent(name = "boss")]
fn boss_threads(carry: bool) -> u8 {
    if carry {
        spawn_thread(|| work(1)).join().unwrap()
    } else {
        std::thread::spawn(|| work(1)).join().unwrap()
    }
}

#[agentrace::trace_agent(name = "boss")]
async fn boss_tasks(carry: bool) -> u8 {
    if carry {
        spawn(async { work(2) }).await.unwrap()
    } else {
        tokio::spawn(async { work(2) }).await.unwrap()
    }
}

fn assert_nested(spans: &[SpanRecord]) {
    let boss = span(spans, "invoke_agent boss");
    let tool = span(spans, "execute_tool work");
    assert_eq!(tool.trace_id, boss.trace_id);
    assert_eq!(tool.parent_id.as_deref(), Some(boss.span_id.as_str()));
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

#[test]
fn spans_in_a_thread_started_with_the_helper_nest_under_the_spawner() {
    let (_, spans) = capture(|| boss_threads(true));
    assert_eq!(spans.len(), 2);
    assert_nested(&spans);
}

#[test]
fn spans_in_a_plain_thread_start_a_new_trace_outside_the_scope() {
    // The plain thread has an empty context: its span is not even part of this scope.
    let (_, spans) = capture(|| boss_threads(false));
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["invoke_agent boss"]);
}

#[test]
fn spans_in_a_tokio_task_started_with_the_helper_nest_under_the_spawner() {
    let (_, spans) = runtime().block_on(capture_async(boss_tasks(true)));
    assert_eq!(spans.len(), 2);
    assert_nested(&spans);
}

#[test]
fn spans_in_a_plain_tokio_task_start_a_new_trace_outside_the_scope() {
    let (_, spans) = runtime().block_on(capture_async(boss_tasks(false)));
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["invoke_agent boss"]);
}

#[agentrace::trace_agent(name = "boss")]
async fn boss_with_uncarried_task() -> Vec<SpanRecord> {
    // The task opens a collection scope of its own, to see where its span went.
    tokio::spawn(capture_async(async { work(5) }))
        .await
        .unwrap()
        .1
}

#[agentrace::trace_agent(name = "boss")]
fn boss_with_uncarried_thread() -> Vec<SpanRecord> {
    std::thread::spawn(|| capture(|| work(5)).1).join().unwrap()
}

fn assert_new_trace(task: &[SpanRecord], outer: &[SpanRecord]) {
    let boss = span(outer, "invoke_agent boss");
    assert_eq!(task.len(), 1);
    assert!(task[0].parent_id.is_none(), "not a root");
    assert_ne!(task[0].trace_id, boss.trace_id);
}

#[test]
fn without_the_helper_a_tokio_task_starts_a_new_trace() {
    let (task, outer) = runtime().block_on(capture_async(boss_with_uncarried_task()));
    assert_new_trace(&task, &outer);
}

#[test]
fn without_the_helper_a_thread_starts_a_new_trace() {
    let (task, outer) = capture(boss_with_uncarried_thread);
    assert_new_trace(&task, &outer);
}

#[agentrace::trace_agent(name = "boss")]
async fn boss_blocking() -> u8 {
    spawn_blocking(|| work(3)).await.unwrap()
}

#[test]
fn spans_in_spawn_blocking_nest_under_the_spawner() {
    let (_, spans) = runtime().block_on(capture_async(boss_blocking()));
    assert_nested(&spans);
}

#[agentrace::trace_agent(name = "boss")]
fn boss_pool() -> u8 {
    // A stand-in for a thread pool: the job is built here and run on another thread.
    let job = in_context(|| work(4));
    std::thread::spawn(job).join().unwrap()
}

#[test]
fn a_closure_wrapped_with_in_context_nests_wherever_it_runs() {
    let (_, spans) = capture(boss_pool);
    assert_nested(&spans);
}

#[agentrace::trace_agent(name = "boss")]
async fn boss_any_executor() -> u8 {
    let task = with_current_context(async { work(6) });
    std::thread::spawn(move || futures::executor::block_on(task))
        .join()
        .unwrap()
}

#[test]
fn a_future_adapted_with_the_current_context_nests_on_any_executor() {
    let (_, spans) = futures::executor::block_on(capture_async(boss_any_executor()));
    assert_nested(&spans);
}

#[test]
fn nested_spawns_keep_the_whole_chain() {
    #[agentrace::trace_agent(name = "boss")]
    async fn boss_chain() -> u8 {
        spawn(async { spawn(async { work(7) }).await.unwrap() })
            .await
            .unwrap()
    }
    let (_, spans) = runtime().block_on(capture_async(boss_chain()));
    assert_nested(&spans);
}
