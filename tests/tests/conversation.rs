//! Conversation scopes: `gen_ai.conversation.id`, `session.id` and `user.id` land on every
//! span started inside the scope (nested spans, spans of child tasks and threads that carry
//! the context, spans of any tracer built on an agentrace provider), on none outside it,
//! and travel in baggage to the receiving side of a message.

use std::collections::HashMap;

use agentrace::conversation::Conversation;
use agentrace::pipeline::CollectingProcessor;
use agentrace::propagation::{extract, inject};
use agentrace::testing::{capture, capture_async, span};
use agentrace::SpanRecord;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};

#[agentrace::trace_tool]
fn note(text: &str) -> usize {
    text.len()
}

#[agentrace::trace_agent(name = "helper")]
fn helper() -> usize {
    note("a")
        + agentrace::spawn::spawn_thread(|| note("bb"))
            .join()
            .unwrap()
}

fn assert_ids(spans: &[SpanRecord], conversation: &str, session: Option<&str>, user: Option<&str>) {
    assert!(!spans.is_empty());
    for span in spans {
        assert_eq!(
            span.attr_str("gen_ai.conversation.id"),
            Some(conversation),
            "{}",
            span.name
        );
        assert_eq!(span.attr_str("session.id"), session, "{}", span.name);
        assert_eq!(span.attr_str("user.id"), user, "{}", span.name);
    }
}

#[test]
fn every_span_inside_the_scope_carries_the_ids() {
    let chat = Conversation::new("conv-1").session("sess-1").user("ada");
    let (_, spans) = capture(|| chat.run(helper));
    assert_eq!(spans.len(), 3);
    assert_ids(&spans, "conv-1", Some("sess-1"), Some("ada"));
}

#[test]
fn only_the_ids_given_are_set() {
    let (_, spans) = capture(|| Conversation::new("conv-2").run(helper));
    assert_ids(&spans, "conv-2", None, None);
}

#[test]
fn spans_outside_the_scope_carry_no_ids() {
    let (_, spans) = capture(|| {
        Conversation::new("conv-3").run(|| note("in"));
        note("out")
    });
    assert_eq!(spans[0].attr_str("gen_ai.conversation.id"), Some("conv-3"));
    assert_eq!(spans[1].attr_str("gen_ai.conversation.id"), None);
    assert!(Conversation::current().is_none());
}

#[agentrace::trace_agent(name = "async_helper")]
async fn async_helper() -> usize {
    agentrace::spawn::spawn(async { note("task") })
        .await
        .unwrap()
}

#[test]
fn spans_of_child_tokio_tasks_carry_the_ids() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let chat = Conversation::new("conv-4").user("grace");
    let (_, spans) = runtime.block_on(capture_async(chat.scope(async_helper())));
    assert_eq!(spans.len(), 2);
    assert_ids(&spans, "conv-4", None, Some("grace"));
}

#[test]
fn spans_of_other_tracers_on_an_agentrace_provider_carry_the_ids() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(
            exporter.clone(),
        )))
        .build();
    let tracer = provider.tracer("someone-else");
    Conversation::new("conv-5").session("s5").run(|| {
        tracer.in_span("plain otel span", |_| {});
    });
    let finished = exporter.get_finished_spans().unwrap();
    let attribute = |key: &str| {
        finished[0]
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.as_str().into_owned())
    };
    assert_eq!(
        attribute("gen_ai.conversation.id").as_deref(),
        Some("conv-5")
    );
    assert_eq!(attribute("session.id").as_deref(), Some("s5"));
    assert_eq!(attribute("user.id"), None);
}

#[test]
fn the_ids_travel_in_baggage_to_the_receiver() {
    let chat = Conversation::new("conv-6").session("sess-6").user("linus");
    let (headers, sent) = capture(|| {
        chat.run(|| {
            #[agentrace::trace_agent(name = "sender")]
            fn send() -> HashMap<String, String> {
                let mut headers = HashMap::new();
                inject(&mut headers);
                headers
            }
            send()
        })
    });
    let baggage = &headers["baggage"];
    for member in [
        "gen_ai.conversation.id=conv-6",
        "session.id=sess-6",
        "user.id=linus",
    ] {
        assert!(
            baggage.split(',').any(|m| m == member),
            "{member} not in {baggage}"
        );
    }
    // The receiver is another thread with an empty context: only the headers link them.
    let received = std::thread::spawn(move || {
        capture(|| {
            let _remote = extract(&headers).attach();
            assert_eq!(
                Conversation::current(),
                Some(Conversation::new("conv-6").session("sess-6").user("linus"))
            );
            helper()
        })
        .1
    })
    .join()
    .unwrap();
    assert_ids(&received, "conv-6", Some("sess-6"), Some("linus"));
    let agent = span(&received, "invoke_agent helper");
    assert_eq!(agent.trace_id, sent[0].trace_id);
}

#[test]
fn an_inner_scope_overrides_the_ids_it_gives_and_inherits_the_rest() {
    let (_, spans) = capture(|| {
        Conversation::new("outer")
            .user("u1")
            .run(|| Conversation::new("inner").run(|| note("x")))
    });
    assert_eq!(spans[0].attr_str("gen_ai.conversation.id"), Some("inner"));
    assert_eq!(spans[0].attr_str("user.id"), Some("u1"));
}
