//! The `tracing` bridge (`agentrace::tracing_layer()`): `tracing` spans and agentrace spans
//! make one trace both ways, across `.await`, `.instrument()`, `.entered()` and spawned
//! tasks; events land on the innermost span; fields keep their types; GenAI spans of
//! libraries get agentrace's names, kinds, status and mirrors.

use std::sync::Once;

use agentrace::record::{RecordKind, StatusCode};
use agentrace::store::{MemoryStore, SpanStore};
use agentrace::testing::{capture, capture_async, span};
use agentrace::{trace_agent, trace_tool, SpanRecord};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;

/// Every test of this file runs under one global subscriber: the registry and the bridge
/// (global, so that tokio's worker threads see it too).
fn bridge() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(agentrace::tracing_layer());
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
    });
}

fn parent_of<'a>(spans: &'a [SpanRecord], child: &SpanRecord) -> &'a SpanRecord {
    let parent = child.parent_id.as_deref().expect("a parent");
    spans
        .iter()
        .find(|span| span.span_id == parent)
        .unwrap_or_else(|| panic!("the parent of {} was not recorded", child.name))
}

fn one_trace(spans: &[SpanRecord]) {
    let trace = &spans[0].trace_id;
    for span in spans {
        assert_eq!(&span.trace_id, trace, "{} is in another trace", span.name);
    }
    let roots: Vec<&str> = spans
        .iter()
        .filter(|span| span.is_root())
        .map(|span| span.name.as_str())
        .collect();
    assert_eq!(roots.len(), 1, "one root, found {roots:?}");
}

#[trace_tool]
fn lookup(city: &str) -> String {
    tracing::info!(city, "looking up");
    format!("sunny in {city}")
}

#[trace_tool]
async fn fetch(city: &str) -> String {
    tokio::task::yield_now().await;
    tracing::info!(city, "fetched");
    format!("rain in {city}")
}

#[test]
fn a_tracing_span_entered_inside_an_agentrace_span_is_its_child_and_parents_agentrace_spans() {
    bridge();
    #[trace_agent(name = "planner")]
    fn plan() -> String {
        tracing::info!(step = 1u64, "planning");
        let _step = tracing::info_span!("step", index = 2u64).entered();
        lookup("Paris")
    }
    let (_, spans) = capture(plan);
    one_trace(&spans);
    let agent = span(&spans, "invoke_agent planner");
    let step = span(&spans, "step");
    let tool = span(&spans, "execute_tool lookup");
    assert_eq!(parent_of(&spans, step).span_id, agent.span_id);
    assert_eq!(parent_of(&spans, tool).span_id, step.span_id);
    // Fields keep their types.
    assert_eq!(step.attr_i64("index"), Some(2));
    assert_eq!(step.attr_str("openinference.span.kind"), Some("CHAIN"));
    // Events land on the innermost span: the agent's own, and the tool's.
    let planning = agent.event("planning").expect("the agent's event");
    assert_eq!(planning.attributes.get("step"), Some(&serde_json::json!(1)));
    assert!(tool.event("looking up").is_some());
    assert!(step.event("looking up").is_none());
}

#[test]
fn a_root_span_opened_by_a_library_inside_an_agentrace_span_joins_its_trace() {
    bridge();
    #[trace_agent(name = "assistant")]
    fn turn() {
        // As rig does when it sees no `tracing` parent.
        let chat = tracing::info_span!(parent: None, "chat", "gen_ai.operation.name" = "chat");
        chat.in_scope(|| lookup("Rome"));
    }
    let (_, spans) = capture(turn);
    one_trace(&spans);
    let agent = span(&spans, "invoke_agent assistant");
    let chat = span(&spans, "chat");
    assert_eq!(parent_of(&spans, chat).span_id, agent.span_id);
    let tool = span(&spans, "execute_tool lookup");
    assert_eq!(parent_of(&spans, tool).span_id, chat.span_id);
}

#[test]
fn an_agentrace_span_inside_an_outer_tracing_span_takes_its_events_not_the_outer_span() {
    bridge();
    #[trace_agent(name = "inner")]
    fn inner() {
        tracing::warn!(attempt = 2i64, "retrying");
    }
    let (_, spans) = capture(|| {
        let _outer = tracing::info_span!("request").entered();
        inner();
    });
    one_trace(&spans);
    let outer = span(&spans, "request");
    let agent = span(&spans, "invoke_agent inner");
    assert_eq!(parent_of(&spans, agent).span_id, outer.span_id);
    let event = agent
        .event("retrying")
        .expect("the event on the agentrace span");
    assert_eq!(
        event.attributes.get("level"),
        Some(&serde_json::json!("WARN"))
    );
    assert!(outer.event("retrying").is_none());
}

#[tokio::test]
async fn instrumented_futures_nest_both_ways_across_awaits() {
    bridge();
    #[trace_agent(name = "async_agent")]
    async fn agent() -> String {
        let first = async {
            tokio::task::yield_now().await;
            fetch("Oslo").await
        }
        .instrument(tracing::info_span!("gather"))
        .await;
        tokio::task::yield_now().await;
        tracing::info!("gathered");
        first
    }
    let (_, spans) = capture_async(agent()).await;
    one_trace(&spans);
    let agent = span(&spans, "invoke_agent async_agent");
    let gather = span(&spans, "gather");
    let tool = span(&spans, "execute_tool fetch");
    assert_eq!(parent_of(&spans, gather).span_id, agent.span_id);
    assert_eq!(parent_of(&spans, tool).span_id, gather.span_id);
    assert!(tool.event("fetched").is_some());
    assert!(agent.event("gathered").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_tasks_carry_the_trace_through_instrumented_and_current_spans() {
    bridge();
    #[trace_agent(name = "fan_out")]
    async fn fan_out() -> Vec<String> {
        let worker =
            tokio::spawn(async { fetch("Lima").await }.instrument(tracing::info_span!("worker")));
        let entered = {
            let _batch = tracing::info_span!("batch").entered();
            tokio::spawn(async { fetch("Quito").await }.in_current_span())
        };
        vec![worker.await.unwrap(), entered.await.unwrap()]
    }
    let (_, spans) = capture_async(fan_out()).await;
    one_trace(&spans);
    let agent = span(&spans, "invoke_agent fan_out");
    let worker = span(&spans, "worker");
    let batch = span(&spans, "batch");
    assert_eq!(parent_of(&spans, worker).span_id, agent.span_id);
    assert_eq!(parent_of(&spans, batch).span_id, agent.span_id);
    let tools: Vec<&SpanRecord> = spans
        .iter()
        .filter(|span| span.name == "execute_tool fetch")
        .collect();
    assert_eq!(tools.len(), 2);
    let mut parents: Vec<&str> = tools
        .iter()
        .map(|tool| parent_of(&spans, tool).name.as_str())
        .collect();
    parents.sort_unstable();
    assert_eq!(parents, ["batch", "worker"]);
}

#[test]
fn genai_spans_of_libraries_look_like_agentrace_spans_and_count_in_the_store_totals() {
    bridge();
    #[trace_agent(name = "rig_like")]
    fn turn() {
        let chat = tracing::info_span!(
            "chat",
            "gen_ai.operation.name" = "chat",
            "gen_ai.provider.name" = "openai",
            "gen_ai.request.model" = "gpt-test",
            "gen_ai.usage.input_tokens" = tracing::field::Empty,
            "gen_ai.usage.output_tokens" = tracing::field::Empty,
            "gen_ai.input.messages" =
                r#"[{"role":"user","content":"key sk-proj-0123456789abcdefghij"}]"#,
        );
        chat.record("gen_ai.usage.input_tokens", 12u64);
        chat.record("gen_ai.usage.output_tokens", 5u64);
        chat.in_scope(|| {
            let tool = tracing::info_span!(
                "execute_tool",
                "gen_ai.operation.name" = "execute_tool",
                "gen_ai.tool.name" = "lookup",
            );
            tool.in_scope(|| {
                tracing::error!(error = "no such city", "tool failed");
            });
        });
    }
    let (_, spans) = capture(turn);
    one_trace(&spans);
    let chat = span(&spans, "chat gpt-test");
    assert_eq!(chat.kind, RecordKind::Client);
    assert_eq!(chat.status.status_code, StatusCode::Ok);
    assert_eq!(chat.attr_i64("gen_ai.usage.input_tokens"), Some(12));
    assert_eq!(chat.attr_i64("gen_ai.usage.output_tokens"), Some(5));
    assert_eq!(chat.attr_str("openinference.span.kind"), Some("LLM"));
    assert_eq!(chat.attr_str("llm.model_name"), Some("gpt-test"));
    assert_eq!(chat.attr_str("llm.provider"), Some("openai"));
    assert_eq!(chat.attr_i64("llm.token_count.total"), Some(17));
    let messages = chat.attr_str("gen_ai.input.messages").unwrap();
    assert!(
        !messages.contains("sk-proj-0123456789abcdefghij"),
        "{messages}"
    );
    assert!(messages.contains("[REDACTED"), "{messages}");
    let tool = span(&spans, "execute_tool lookup");
    assert_eq!(tool.kind, RecordKind::Internal);
    assert_eq!(tool.attr_str("openinference.span.kind"), Some("TOOL"));
    assert_eq!(tool.attr_str("tool.name"), Some("lookup"));
    assert_eq!(tool.status.status_code, StatusCode::Error);
    assert_eq!(tool.status.description.as_deref(), Some("no such city"));
    assert!(tool.event("exception").is_some());

    let store = MemoryStore::new(1 << 20);
    store.add_spans(spans.clone()).unwrap();
    let summary = &store.traces(10).unwrap()[0];
    assert_eq!((summary.input_tokens, summary.output_tokens), (12, 5));
    assert_eq!(summary.errors, 1);
}

#[test]
fn otel_fields_set_name_kind_and_status() {
    bridge();
    let (_, spans) = capture(|| {
        let span = tracing::info_span!(
            "call",
            "otel.name" = "GET /weather",
            "otel.kind" = "client",
            "otel.status_code" = tracing::field::Empty,
            "http.response.status_code" = 503u16,
        );
        span.record("otel.status_code", "ERROR");
    });
    let call = span(&spans, "GET /weather");
    assert_eq!(call.kind, RecordKind::Client);
    assert_eq!(call.status.status_code, StatusCode::Error);
    assert_eq!(call.attr_i64("http.response.status_code"), Some(503));
}

#[test]
fn with_no_scope_and_no_pipeline_tracing_spans_cost_nothing_and_record_nothing() {
    bridge();
    // Nothing installed, no scope: the span is not bridged, and code inside runs as usual.
    let value = tracing::info_span!("idle").in_scope(|| lookup("Bern"));
    assert_eq!(value, "sunny in Bern");
    let (_, spans) = capture(|| ());
    assert!(spans.is_empty());
}

#[test]
fn a_model_call_with_no_response_is_not_ok_and_a_tool_error_type_fails_the_tool() {
    bridge();
    let (_, spans) = capture(|| {
        let chat = tracing::info_span!(
            "chat",
            "gen_ai.operation.name" = "chat",
            "gen_ai.request.model" = "silent",
            "gen_ai.response.id" = tracing::field::Empty,
        );
        chat.in_scope(|| ());
        let tool = tracing::info_span!(
            "execute_tool",
            "gen_ai.operation.name" = "execute_tool",
            "gen_ai.tool.name" = "lookup",
            "gen_ai.tool.error.type" = tracing::field::Empty,
        );
        tool.record("gen_ai.tool.error.type", "invalid_arguments");
    });
    let chat = span(&spans, "chat silent");
    assert_eq!(chat.status.status_code, StatusCode::Unset);
    let tool = span(&spans, "execute_tool lookup");
    assert_eq!(tool.status.status_code, StatusCode::Error);
    assert_eq!(tool.attr_str("error.type"), Some("invalid_arguments"));
}
