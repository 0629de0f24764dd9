//! An application that built its own tracer provider hands it to agentrace: traced calls use
//! it, and the guard shuts it down.

use agentrace::pipeline::CollectingProcessor;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};

#[agentrace::trace_tool]
fn lookup(key: &str) -> String {
    key.to_uppercase()
}

#[test]
fn an_application_provider_receives_the_spans_and_is_shut_down_by_the_guard() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(
            exporter.clone(),
        )))
        .build();
    let guard = agentrace::builder()
        .provider(provider.clone())
        .init()
        .expect("hand the provider over");
    assert_eq!(lookup("a"), "A");
    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].name, "execute_tool lookup");
    assert!(agentrace::init().is_err());
    drop(guard);
    assert!(
        provider.shutdown().is_err(),
        "the guard shut the provider down already"
    );
}
