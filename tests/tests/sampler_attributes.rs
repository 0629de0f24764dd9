//! The attributes known before a traced call runs (function, span kinds, operation,
//! provider, a model named in the macro, a description) are handed to the span builder, so
//! a sampler sees them and can decide on them, as the OpenTelemetry specification asks of
//! attributes known at span creation. What arguments or extractors give is written after
//! the sampler decided, and only on spans that record.

use std::sync::Mutex;

use agentrace::pipeline::CollectingProcessor;
use agentrace::{trace_llm, trace_tool};
use opentelemetry::trace::{Link, SpanKind, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{
    InMemorySpanExporter, SamplingDecision, SamplingResult, SdkTracerProvider, ShouldSample,
    SimpleSpanProcessor,
};

/// One question the sampler was asked: the span's name and the attributes it was given.
type Asked = (String, Vec<(String, String)>);

static SEEN: Mutex<Vec<Asked>> = Mutex::new(Vec::new());

/// Keeps only model calls: drops every span whose `gen_ai.operation.name` is not `chat`.
#[derive(Debug, Clone)]
struct ChatOnly;

impl ShouldSample for ChatOnly {
    fn should_sample(
        &self,
        _parent: Option<&Context>,
        _trace_id: TraceId,
        name: &str,
        _kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        let pairs: Vec<(String, String)> = attributes
            .iter()
            .map(|kv| (kv.key.to_string(), kv.value.as_str().into_owned()))
            .collect();
        let chat = pairs
            .iter()
            .any(|(key, value)| key == "gen_ai.operation.name" && value == "chat");
        SEEN.lock().unwrap().push((name.to_owned(), pairs));
        SamplingResult {
            decision: if chat {
                SamplingDecision::RecordAndSample
            } else {
                SamplingDecision::Drop
            },
            attributes: Vec::new(),
            trace_state: TraceState::default(),
        }
    }
}

#[trace_llm(provider = "openai", model = "gpt-4o")]
fn chat(prompt: &str) -> String {
    format!("re: {prompt}")
}

#[trace_tool(description = "Looks a word up")]
fn lookup(word: &str) -> usize {
    word.len()
}

#[test]
fn a_sampler_sees_the_start_attributes_and_decides_on_them() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_sampler(ChatOnly)
        .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(
            exporter.clone(),
        )))
        .build();
    let _tracing = agentrace::builder()
        .provider(provider.clone())
        .init()
        .expect("first init in this process");

    assert_eq!(chat("hi"), "re: hi");
    assert_eq!(lookup("word"), 4);

    let seen = SEEN.lock().unwrap().clone();
    let given = |name: &str, key: &str| {
        seen.iter()
            .find(|(span, _)| span == name)
            .unwrap_or_else(|| panic!("the sampler was not asked about `{name}`: {seen:?}"))
            .1
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.clone())
    };
    assert_eq!(
        given("chat gpt-4o", "code.function.name").as_deref(),
        Some("sampler_attributes::chat")
    );
    assert_eq!(
        given("chat gpt-4o", "openinference.span.kind").as_deref(),
        Some("LLM")
    );
    assert_eq!(
        given("chat gpt-4o", "gen_ai.provider.name").as_deref(),
        Some("openai")
    );
    assert_eq!(
        given("chat gpt-4o", "gen_ai.request.model").as_deref(),
        Some("gpt-4o")
    );
    assert_eq!(
        given("execute_tool lookup", "gen_ai.operation.name").as_deref(),
        Some("execute_tool")
    );
    // A tool or agent named after its function gets that name once the extractors ran (an
    // argument may name it): after sampling.
    assert_eq!(given("execute_tool lookup", "gen_ai.tool.name"), None);
    assert_eq!(
        given("execute_tool lookup", "gen_ai.tool.description").as_deref(),
        Some("Looks a word up")
    );

    // The sampler's decision holds: the tool span was dropped, the model call exported once,
    // with each start attribute written once.
    let exported = exporter.get_finished_spans().expect("finished spans");
    let names: Vec<_> = exported.iter().map(|span| span.name.as_ref()).collect();
    assert_eq!(names, ["chat gpt-4o"]);
    let models = exported[0]
        .attributes
        .iter()
        .filter(|kv| kv.key.as_str() == "gen_ai.request.model")
        .count();
    assert_eq!(models, 1);
    let _ = provider.shutdown();
}
