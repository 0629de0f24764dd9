//! The test kit works without any `init`, under every executor and none, and follows the
//! futures a body awaits, including spawned tasks that carry the current context.

use std::time::Duration;

use agentrace::testing::{capture, capture_async, children, span};
use agentrace::{trace, trace_agent, trace_tool};
use opentelemetry::context::FutureExt as _;

#[trace_tool]
async fn step(n: u32) -> u32 {
    futures::future::ready(()).await;
    n + 1
}

#[trace_agent(name = "runner")]
async fn run(n: u32) -> u32 {
    let both = futures::future::join(step(n), step(n + 10)).await;
    both.0 + both.1
}

fn check(spans: &[agentrace::SpanRecord]) {
    assert_eq!(spans.len(), 3, "{spans:#?}");
    let agent = span(spans, "invoke_agent runner");
    assert_eq!(children(spans, agent).len(), 2);
}

#[test]
fn under_futures_block_on() {
    let (out, spans) = futures::executor::block_on(capture_async(run(1)));
    assert_eq!(out, 2 + 12);
    check(&spans);
}

#[tokio::test(flavor = "current_thread")]
async fn under_tokio_current_thread() {
    let (_, spans) = capture_async(run(1)).await;
    check(&spans);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_tokio_multi_thread_with_spawned_tasks() {
    let (out, spans) = capture_async(async {
        let handle = tokio::spawn(run(5).with_current_context());
        tokio::time::sleep(Duration::from_millis(1)).await;
        handle.await.unwrap()
    })
    .await;
    assert_eq!(out, 6 + 16);
    check(&spans);
}

#[trace]
fn sync_leaf(x: u8) -> u8 {
    x
}

#[test]
fn with_no_executor_at_all() {
    let (_, spans) = capture(|| {
        let thread_cx = opentelemetry::Context::current();
        std::thread::spawn(move || {
            let _attached = thread_cx.attach();
            sync_leaf(1)
        })
        .join()
        .unwrap();
        sync_leaf(2)
    });
    assert_eq!(
        spans.len(),
        2,
        "the thread that carries the context belongs to the scope"
    );
}

#[test]
fn spans_outside_any_scope_are_not_collected_and_cost_no_span() {
    let ((), spans) = capture(|| {});
    assert!(spans.is_empty());
    assert_eq!(sync_leaf(3), 3);
}
