//! The `tracing` bridge next to tracing-opentelemetry's own layer (exporting elsewhere),
//! with that layer's context activation on and off: agentrace's trace stays one tree.

use agentrace::testing::{capture, capture_async, span};
use agentrace::{trace_agent, trace_tool, SpanRecord};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;

fn parent_name<'a>(spans: &'a [SpanRecord], child: &str) -> &'a str {
    let child = span(spans, child);
    let parent = child.parent_id.as_deref().expect("a parent");
    let parent = spans
        .iter()
        .find(|span| span.span_id == parent)
        .unwrap_or_else(|| panic!("the parent of {} was not recorded", child.name));
    assert_eq!(parent.trace_id, child.trace_id);
    &parent.name
}

#[trace_tool]
async fn search(query: &str) -> String {
    tokio::task::yield_now().await;
    format!("found {query}")
}

#[trace_agent(name = "researcher")]
async fn research() -> String {
    let chat = tracing::info_span!(parent: None, "chat", "gen_ai.operation.name" = "chat");
    let found = async { search("rust").await }.instrument(chat).await;
    let _step = tracing::info_span!("summarise").entered();
    tracing::info!("summarising");
    found
}

fn run_with_otel_layer(activation: bool) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("elsewhere"))
        .with_context_activation(activation);
    let subscriber = tracing_subscriber::registry()
        .with(otel)
        .with(agentrace::tracing_layer());
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (_, spans) = runtime.block_on(capture_async(research()));
    let names: Vec<&str> = spans.iter().map(|span| span.name.as_str()).collect();
    assert_eq!(spans.len(), 4, "{names:?}");
    assert_eq!(parent_name(&spans, "chat"), "invoke_agent researcher");
    assert_eq!(parent_name(&spans, "execute_tool search"), "chat");
    assert_eq!(parent_name(&spans, "summarise"), "invoke_agent researcher");
    assert!(span(&spans, "summarise").event("summarising").is_some());
    // The other layer still exported its own copies of the `tracing` spans.
    provider.force_flush().unwrap();
    assert!(!exporter.get_finished_spans().unwrap().is_empty());
}

#[test]
fn one_trace_next_to_tracing_opentelemetry_with_context_activation() {
    run_with_otel_layer(true);
}

#[test]
fn one_trace_next_to_tracing_opentelemetry_without_context_activation() {
    run_with_otel_layer(false);
}

#[test]
fn one_trace_with_the_bridge_alone_sync() {
    let subscriber = tracing_subscriber::registry().with(agentrace::tracing_layer());
    let _default = tracing::subscriber::set_default(subscriber);
    #[trace_tool]
    fn leaf() -> u8 {
        1
    }
    let (_, spans) = capture(|| {
        let _outer = tracing::info_span!("outer").entered();
        leaf()
    });
    assert_eq!(parent_name(&spans, "execute_tool leaf"), "outer");
}
