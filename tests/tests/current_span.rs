//! Adding to the current span from inside a traced call, with no OpenTelemetry import:
//! attributes, events, GenAI response fields and usage, and an error the function recovers
//! from, which the span keeps when the call then returns normally.

use agentrace::record::StatusCode;
use agentrace::testing::{capture, capture_async, span};
use agentrace::{current_span, trace, trace_llm, trace_tool};

#[trace_llm(provider = "openai", model = "gpt-4o")]
fn ask(prompt: &str) -> String {
    let current = current_span();
    assert!(current.is_recording());
    current.set_response_model("gpt-4o-2024-08-06");
    current.set_response_id("chatcmpl-1");
    current.record_usage(12u32, Some(5u64));
    current.set_attribute("app.tenant", "acme");
    current.set_attribute("app.attempt", 2u32);
    current.set_attribute("app.absent", None::<&str>);
    current.set_attribute("app.tags", vec!["a", "b"]);
    current.set_attribute("app.scores", [0.5, 2.0]);
    current.set_attribute("app.ids", vec![7u64, 8]);
    current.add_event("cache.miss", [("key", prompt)]);
    current.record(|out| out.finish_reasons(&["stop"]));
    format!("re: {prompt}")
}

#[test]
fn attributes_events_response_fields_and_usage_land_on_the_traced_calls_span() {
    let (_, spans) = capture(|| ask("hi"));
    let chat = span(&spans, "chat gpt-4o");
    assert_eq!(
        chat.attr_str("gen_ai.response.model"),
        Some("gpt-4o-2024-08-06")
    );
    assert_eq!(chat.attr_str("gen_ai.response.id"), Some("chatcmpl-1"));
    assert_eq!(chat.attr_i64("gen_ai.usage.input_tokens"), Some(12));
    assert_eq!(chat.attr_i64("gen_ai.usage.output_tokens"), Some(5));
    assert_eq!(chat.attr_i64("llm.token_count.total"), Some(17));
    assert_eq!(
        chat.attr("gen_ai.response.finish_reasons"),
        Some(&serde_json::json!(["stop"]))
    );
    assert_eq!(chat.attr_str("app.tenant"), Some("acme"));
    assert_eq!(chat.attr_i64("app.attempt"), Some(2));
    assert!(chat.attr("app.absent").is_none());
    assert_eq!(chat.attr("app.tags"), Some(&serde_json::json!(["a", "b"])));
    assert_eq!(
        chat.attr("app.scores"),
        Some(&serde_json::json!([0.5, 2.0]))
    );
    let event = chat.event("cache.miss").expect("the event");
    assert_eq!(event.attributes["key"], "hi");
    assert_eq!(chat.status.status_code, StatusCode::Ok);
}

#[trace_tool]
fn with_fallback(query: &str) -> String {
    // The primary source failed; the tool answers from a fallback, but the span says so.
    current_span().mark_error("timeout", format!("primary source timed out for {query}"));
    "from cache".to_owned()
}

#[trace]
fn outer() -> String {
    with_fallback("q")
}

#[test]
fn an_error_marked_from_inside_is_kept_when_the_call_returns_normally() {
    let (out, spans) = capture(outer);
    assert_eq!(out, "from cache");
    let tool = span(&spans, "execute_tool with_fallback");
    assert_eq!(tool.status.status_code, StatusCode::Error);
    assert_eq!(
        tool.status.description.as_deref(),
        Some("primary source timed out for q")
    );
    assert_eq!(tool.attr_str("error.type"), Some("timeout"));
    assert!(tool.event("exception").is_some());
    let outer = span(&spans, "outer");
    assert_eq!(
        outer.status.status_code,
        StatusCode::Ok,
        "only the innermost span"
    );
}

#[trace]
async fn async_work() -> u8 {
    current_span().set_attribute("app.step", "async");
    7
}

#[tokio::test]
async fn it_follows_the_span_of_an_async_call_across_awaits() {
    let (_, spans) = capture_async(async {
        tokio::task::yield_now().await;
        async_work().await
    })
    .await;
    assert_eq!(
        span(&spans, "async_work").attr_str("app.step"),
        Some("async")
    );
}

#[test]
fn with_no_span_it_does_nothing() {
    let current = current_span();
    assert!(!current.is_recording());
    current.set_attribute("k", 1);
    current.record_usage(1, 2);
    current.mark_error("x", "y");
    let (_, spans) = capture(|| ());
    assert!(spans.is_empty());
}
