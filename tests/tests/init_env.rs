//! Each environment variable `init()` reads takes effect on what reaches the backend. Every
//! test runs its traced program in a child process with the variable set, against the
//! in-process receiver. (Resource, service name, endpoint and protocol: `otlp_wire.rs`;
//! timeouts and queue size: `faults.rs`; parsing and error messages: `config_env.rs`.)

use std::time::Duration;

use agentrace_tests::otlp_receiver::{agent, child, span, Receiver, Wire, WireSpan};

/// Runs `test`'s child with the receiver's endpoint and `env`; returns what arrived.
fn run_with(test: &str, receiver: &Receiver, env: &[(&str, &str)]) -> Vec<WireSpan> {
    let endpoint = receiver.endpoint();
    let mut all = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
    ];
    all.extend_from_slice(env);
    let output = child::run(test, &all);
    assert!(output.status.success(), "{}", child::describe(&output));
    receiver.spans()
}

fn traced_turn() {
    let _guard = agentrace::init().expect("init");
    agent::turn("weather?").expect("turn");
}

fn traced_pings(count: u32) {
    let _guard = agentrace::init().expect("init");
    for n in 0..count {
        agent::ping(n);
    }
}

#[test]
fn traces_endpoint_variable_is_used_as_given() {
    const NAME: &str = "traces_endpoint_variable_is_used_as_given";
    if child::is_child(NAME) {
        return traced_turn();
    }
    let receiver = Receiver::start(Wire::Http);
    let url = format!("{}/v1/traces", receiver.endpoint());
    let output = child::run(NAME, &[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &url)]);
    assert!(output.status.success(), "{}", child::describe(&output));
    assert_eq!(receiver.spans().len(), 4);
}

#[test]
fn headers_variable_reaches_the_backend_over_both_protocols() {
    const NAME: &str = "headers_variable_reaches_the_backend_over_both_protocols";
    if child::is_child(NAME) {
        return traced_turn();
    }
    for wire in [Wire::Http, Wire::Grpc] {
        let receiver = Receiver::start(wire);
        let env = [(
            "OTEL_EXPORTER_OTLP_HEADERS",
            "x-api-key=secret-1,x-tenant=a%20b",
        )];
        assert_eq!(run_with(NAME, &receiver, &env).len(), 4);
        for request in receiver.requests() {
            assert_eq!(
                request.headers.get("x-api-key").map(String::as_str),
                Some("secret-1"),
                "{wire:?}"
            );
            assert_eq!(
                request.headers.get("x-tenant").map(String::as_str),
                Some("a b"),
                "{wire:?}"
            );
        }
    }
}

#[test]
fn always_off_sampler_sends_nothing() {
    const NAME: &str = "always_off_sampler_sends_nothing";
    if child::is_child(NAME) {
        return traced_turn();
    }
    let receiver = Receiver::start(Wire::Http);
    assert!(run_with(NAME, &receiver, &[("OTEL_TRACES_SAMPLER", "always_off")]).is_empty());
    let receiver = Receiver::start(Wire::Http);
    assert!(run_with(
        NAME,
        &receiver,
        &[("OTEL_TRACES_SAMPLER", "parentbased_always_off")]
    )
    .is_empty());
}

#[test]
fn ratio_samplers_keep_about_that_fraction_of_traces() {
    const NAME: &str = "ratio_samplers_keep_about_that_fraction_of_traces";
    if child::is_child(NAME) {
        return traced_pings(400);
    }
    for sampler in ["traceidratio", "parentbased_traceidratio"] {
        let receiver = Receiver::start(Wire::Http);
        let env = [
            ("OTEL_TRACES_SAMPLER", sampler),
            ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
        ];
        let kept = run_with(NAME, &receiver, &env).len();
        // 400 independent traces at 1/4: expected 100, standard deviation about 9.
        assert!((40..=170).contains(&kept), "{sampler}: kept {kept} of 400");
    }
}

#[test]
fn sampled_traces_keep_their_children_with_a_parent_based_ratio() {
    const NAME: &str = "sampled_traces_keep_their_children_with_a_parent_based_ratio";
    if child::is_child(NAME) {
        let _guard = agentrace::init().expect("init");
        for _ in 0..40 {
            agent::turn("weather?").expect("turn");
        }
        return;
    }
    let receiver = Receiver::start(Wire::Http);
    let env = [
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
    ];
    let spans = run_with(NAME, &receiver, &env);
    assert!(
        !spans.is_empty() && spans.len() < 160,
        "{} spans",
        spans.len()
    );
    assert_eq!(
        spans.len() % 4,
        0,
        "whole traces only: {} spans",
        spans.len()
    );
}

#[test]
fn sdk_disabled_initializes_and_traces_nothing() {
    const NAME: &str = "sdk_disabled_initializes_and_traces_nothing";
    if child::is_child(NAME) {
        return traced_turn();
    }
    let receiver = Receiver::start(Wire::Http);
    assert!(run_with(NAME, &receiver, &[("OTEL_SDK_DISABLED", "true")]).is_empty());
}

#[test]
fn traces_exporter_none_sends_nothing() {
    const NAME: &str = "traces_exporter_none_sends_nothing";
    if child::is_child(NAME) {
        return traced_turn();
    }
    let receiver = Receiver::start(Wire::Http);
    assert!(run_with(NAME, &receiver, &[("OTEL_TRACES_EXPORTER", "none")]).is_empty());
}

#[test]
fn content_capture_switches_keep_values_off_the_wire() {
    const NAME: &str = "content_capture_switches_keep_values_off_the_wire";
    if child::is_child(NAME) {
        return traced_turn();
    }
    for switch in [
        ("AGENTRACE_CAPTURE_CONTENT", "false"),
        (
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "NO_CONTENT",
        ),
    ] {
        let receiver = Receiver::start(Wire::Http);
        let spans = run_with(NAME, &receiver, &[switch]);
        let chat = span(&spans, "chat tiny-1");
        assert_eq!(chat.attr("input.value"), None, "{switch:?}");
        assert_eq!(chat.attr("output.value"), None, "{switch:?}");
        assert_eq!(chat.attr("gen_ai.request.model").as_deref(), Some("tiny-1"));
    }
    let receiver = Receiver::start(Wire::Http);
    let spans = run_with(NAME, &receiver, &[]);
    assert!(
        span(&spans, "chat tiny-1").attr("input.value").is_some(),
        "captured by default"
    );
}

#[test]
fn attribute_count_limit_caps_every_span() {
    const NAME: &str = "attribute_count_limit_caps_every_span";
    if child::is_child(NAME) {
        return traced_turn();
    }
    let receiver = Receiver::start(Wire::Http);
    let spans = run_with(NAME, &receiver, &[("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "3")]);
    assert_eq!(spans.len(), 4);
    for wire_span in &spans {
        assert!(
            wire_span.span.attributes.len() <= 3,
            "{}: {:?}",
            wire_span.name(),
            wire_span.span.attributes
        );
    }
    assert!(span(&spans, "chat tiny-1").span.dropped_attributes_count > 0);
}

#[test]
fn stream_output_limit_truncates_captured_items() {
    const NAME: &str = "stream_output_limit_truncates_captured_items";
    if child::is_child(NAME) {
        let _guard = agentrace::init().expect("init");
        assert_eq!(agent::numbers(500).count(), 500);
        return;
    }
    let receiver = Receiver::start(Wire::Http);
    let spans = run_with(
        NAME,
        &receiver,
        &[("AGENTRACE_MAX_STREAM_OUTPUT_BYTES", "16")],
    );
    let numbers = span(&spans, "numbers");
    // 500 items are about 2 KB of JSON; the cap keeps only a few of them.
    let output = numbers.attr("output.value").unwrap_or_default();
    assert!(
        output.len() <= 64,
        "{output:?} {:?}",
        numbers.span.attributes
    );
}

#[test]
fn batch_size_variable_caps_each_export_request() {
    const NAME: &str = "batch_size_variable_caps_each_export_request";
    if child::is_child(NAME) {
        return traced_pings(30);
    }
    let receiver = Receiver::start(Wire::Http);
    assert_eq!(
        run_with(NAME, &receiver, &[("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "7")]).len(),
        30
    );
    let sizes: Vec<usize> = receiver
        .requests()
        .iter()
        .map(|received| {
            received
                .request
                .resource_spans
                .iter()
                .flat_map(|rs| &rs.scope_spans)
                .map(|ss| ss.spans.len())
                .sum()
        })
        .collect();
    assert!(
        sizes.len() >= 5 && sizes.iter().all(|size| *size <= 7),
        "{sizes:?}"
    );
}

#[test]
fn schedule_delay_sends_partial_batches_without_a_flush() {
    const NAME: &str = "schedule_delay_sends_partial_batches_without_a_flush";
    if child::is_child(NAME) {
        // Never drops the guard: only the scheduled export can deliver the span.
        let guard = agentrace::init().expect("init");
        agent::ping(1);
        std::thread::sleep(Duration::from_millis(1500));
        std::mem::forget(guard);
        std::process::exit(0);
    }
    let receiver = Receiver::start(Wire::Http);
    assert_eq!(
        run_with(NAME, &receiver, &[("OTEL_BSP_SCHEDULE_DELAY", "100")]).len(),
        1
    );
    let receiver = Receiver::start(Wire::Http);
    assert!(run_with(NAME, &receiver, &[("OTEL_BSP_SCHEDULE_DELAY", "60000")]).is_empty());
}
