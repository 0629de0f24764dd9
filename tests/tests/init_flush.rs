//! Spans from a short-lived program all arrive: dropping the guard exports what is queued
//! before the program exits, and the handle's `flush()` exports on demand. The batch delay is
//! a minute, so nothing would be sent on schedule.

use agentrace_tests::otlp_receiver::{agent, child, Receiver, Wire};

const SPANS: u32 = 1500;

fn run(test: &str, receiver: &Receiver) {
    let endpoint = receiver.endpoint();
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
        ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
    ];
    let output = child::run(test, &env);
    assert!(output.status.success(), "{}", child::describe(&output));
}

#[test]
fn dropping_the_guard_delivers_every_span_of_a_short_program() {
    const NAME: &str = "dropping_the_guard_delivers_every_span_of_a_short_program";
    if child::is_child(NAME) {
        let _guard = agentrace::init().expect("init");
        for n in 0..SPANS {
            agent::ping(n);
        }
        return; // the guard drops here, then the process exits
    }
    for wire in [Wire::Http, Wire::Grpc] {
        let receiver = Receiver::start(wire);
        run(NAME, &receiver);
        let mut seen: Vec<String> = receiver.spans().iter().map(|span| span.span_id()).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), SPANS as usize, "{wire:?}");
    }
}

#[test]
fn flush_delivers_queued_spans_on_demand() {
    const NAME: &str = "flush_delivers_queued_spans_on_demand";
    if child::is_child(NAME) {
        let guard = agentrace::init().expect("init");
        for n in 0..100 {
            agent::ping(n);
        }
        guard.flush().expect("flush");
        // Leave without the guard's shutdown: only the flush can have sent the spans.
        std::mem::forget(guard);
        std::process::exit(0);
    }
    let receiver = Receiver::start(Wire::Http);
    run(NAME, &receiver);
    assert_eq!(receiver.spans().len(), 100);
}
