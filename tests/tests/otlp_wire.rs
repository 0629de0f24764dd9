//! What arrives on the wire when `init()` is configured from the environment alone: for
//! OTLP/HTTP (no async runtime in the program) and OTLP/gRPC (a program running under
//! tokio), the in-process receiver decodes the resource attributes, span names, kinds,
//! parent links, attributes, status and events of one agent turn. Each program runs in a
//! child process, since tracing is set up once per process; the batch delay is a minute,
//! so the spans arrive only because dropping the guard flushes them.

use agentrace_tests::otlp_receiver::{agent, child, span, Receiver, Wire, WireSpan};

/// `opentelemetry.proto.trace.v1.Span.SpanKind` and `Status.StatusCode` values.
const KIND_INTERNAL: i32 = 1;
const KIND_CLIENT: i32 = 3;
const STATUS_OK: i32 = 1;
const STATUS_ERROR: i32 = 2;

fn traced_turn() {
    let guard = agentrace::init().expect("init from the environment");
    let answer = agent::turn("weather in Paris?").expect("the turn succeeds");
    assert!(answer.contains("no tide station"), "{answer}");
    drop(guard);
}

fn export_one_turn(test: &str, wire: Wire) -> Vec<WireSpan> {
    let receiver = Receiver::start(wire);
    let endpoint = receiver.endpoint();
    let output = child::run(
        test,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
            ("OTEL_SERVICE_NAME", "wire-test"),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "service.version=1.2.3,deployment.environment=ci",
            ),
            ("PHOENIX_PROJECT_NAME", "wire-project"),
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
        ],
    );
    assert!(output.status.success(), "{}", child::describe(&output));
    receiver.spans()
}

fn assert_turn_on_the_wire(spans: &[WireSpan]) {
    assert_eq!(
        spans.len(),
        4,
        "{:?}",
        spans.iter().map(WireSpan::name).collect::<Vec<_>>()
    );
    for wire_span in spans {
        let resource = &wire_span.resource;
        assert_eq!(
            resource.get("service.name").map(String::as_str),
            Some("wire-test")
        );
        assert_eq!(
            resource.get("service.version").map(String::as_str),
            Some("1.2.3")
        );
        assert_eq!(
            resource
                .get("openinference.project.name")
                .map(String::as_str),
            Some("wire-project")
        );
        assert_eq!(
            resource.get("deployment.environment").map(String::as_str),
            Some("ci")
        );
        assert_eq!(
            resource.get("telemetry.sdk.language").map(String::as_str),
            Some("rust")
        );
    }
    let agent = span(spans, "invoke_agent assistant");
    let chat = span(spans, "chat tiny-1");
    let weather = span(spans, "execute_tool weather");
    let tides = span(spans, "execute_tool tides");

    assert_eq!(agent.parent_id(), "", "the agent span is the root");
    for child in [chat, weather, tides] {
        assert_eq!(
            child.parent_id(),
            agent.span_id(),
            "{} nests under the agent",
            child.name()
        );
        assert_eq!(child.trace_id(), agent.trace_id());
    }

    assert_eq!(chat.span.kind, KIND_CLIENT);
    for internal in [agent, weather, tides] {
        assert_eq!(internal.span.kind, KIND_INTERNAL, "{}", internal.name());
    }
    assert_eq!(
        agent.attr("openinference.span.kind").as_deref(),
        Some("AGENT")
    );
    assert_eq!(chat.attr("openinference.span.kind").as_deref(), Some("LLM"));
    assert_eq!(
        weather.attr("openinference.span.kind").as_deref(),
        Some("TOOL")
    );
    assert_eq!(chat.attr("gen_ai.request.model").as_deref(), Some("tiny-1"));
    assert_eq!(chat.attr("llm.token_count.prompt").as_deref(), Some("12"));
    assert_eq!(
        chat.attr("gen_ai.usage.output_tokens").as_deref(),
        Some("7")
    );
    assert_eq!(weather.attr("gen_ai.tool.name").as_deref(), Some("weather"));
    assert!(chat
        .attr("input.value")
        .is_some_and(|input| input.contains("weather in Paris?")));

    let ok = weather.span.status.as_ref().expect("status");
    assert_eq!(ok.code, STATUS_OK);
    let failed = tides.span.status.as_ref().expect("status");
    assert_eq!(failed.code, STATUS_ERROR);
    assert!(
        failed.message.contains("no tide station in Paris"),
        "{}",
        failed.message
    );
    assert!(tides.attr("error.type").is_some());
    let exception = tides
        .span
        .events
        .iter()
        .find(|event| event.name == "exception")
        .expect("an exception event");
    assert!(
        agentrace_tests::otlp_receiver::find(&exception.attributes, "exception.message")
            .is_some_and(|message| message.contains("no tide station"))
    );
}

#[test]
fn http_protobuf_export_without_a_runtime_carries_the_whole_turn() {
    const NAME: &str = "http_protobuf_export_without_a_runtime_carries_the_whole_turn";
    if child::is_child(NAME) {
        return traced_turn();
    }
    assert_turn_on_the_wire(&export_one_turn(NAME, Wire::Http));
}

#[test]
fn grpc_export_under_tokio_carries_the_whole_turn() {
    const NAME: &str = "grpc_export_under_tokio_carries_the_whole_turn";
    if child::is_child(NAME) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        return runtime.block_on(async { traced_turn() });
    }
    assert_turn_on_the_wire(&export_one_turn(NAME, Wire::Grpc));
}
