//! 200 concurrent agent -> llm -> tool chains: every span lands in its own scope, under its
//! own parent, none missing and none twice.

use std::collections::{HashMap, HashSet};

use agentrace::testing::capture_async;
use agentrace::{trace_agent, trace_llm, trace_tool, SpanRecord};
use opentelemetry::context::FutureExt as _;

#[trace_tool]
async fn lookup(chain: u32) -> u32 {
    tokio::task::yield_now().await;
    chain
}

#[trace_llm(model = "m")]
async fn think(chain: u32) -> u32 {
    tokio::task::yield_now().await;
    lookup(chain).await
}

#[trace_agent(name = "worker")]
async fn agent(chain: u32) -> u32 {
    tokio::task::yield_now().await;
    think(chain).await
}

fn chain_of(span: &SpanRecord) -> u64 {
    span.attr_json("input.value").unwrap()["chain"]
        .as_u64()
        .unwrap()
}

/// Checks that the spans form `count` chains agent -> llm -> tool, each span under the
/// parent of its own chain.
fn assert_chains(spans: &[SpanRecord], count: usize) {
    assert_eq!(spans.len(), count * 3);
    let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    assert_eq!(ids.len(), spans.len(), "no span delivered twice");
    let by_id: HashMap<&str, &SpanRecord> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    for span in spans {
        let expected_parent = match span.name.as_str() {
            "invoke_agent worker" => {
                assert!(span.is_root());
                continue;
            }
            "chat m" => "invoke_agent worker",
            "execute_tool lookup" => "chat m",
            other => panic!("unexpected span {other}"),
        };
        let parent = by_id[span.parent_id.as_deref().expect("a parent")];
        assert_eq!(parent.name, expected_parent);
        assert_eq!(
            chain_of(parent),
            chain_of(span),
            "the parent is in the same chain"
        );
        assert_eq!(parent.trace_id, span.trace_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_scopes_on_concurrent_tasks_see_only_their_own_spans() {
    let tasks: Vec<_> = (0..200)
        .map(|chain| tokio::spawn(async move { capture_async(agent(chain)).await }))
        .collect();
    for (chain, task) in tasks.into_iter().enumerate() {
        let (out, spans) = task.await.unwrap();
        assert_eq!(out, chain as u32);
        assert_chains(&spans, 1);
        assert!(spans.iter().all(|span| chain_of(span) == chain as u64));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_tasks_inside_one_scope_form_two_hundred_trees() {
    let (outs, spans) = capture_async(async {
        let tasks: Vec<_> = (0..200)
            .map(|chain| tokio::spawn(agent(chain).with_current_context()))
            .collect();
        let mut outs = Vec::new();
        for task in tasks {
            outs.push(task.await.unwrap());
        }
        outs
    })
    .await;
    assert_eq!(outs, (0..200).collect::<Vec<_>>());
    assert_chains(&spans, 200);
}
