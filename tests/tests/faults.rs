//! A backend that is down, or answers only after 10 s: traced calls keep their speed (export
//! is off the call path), shutdown ends within its timeout, and every span that was not
//! delivered is counted and reported once on standard error (after one line at the first
//! failed export, naming the endpoint and the reason). Each program runs in a child
//! process that prints its own measurements; the timing bounds here are generous sanity
//! checks (a call that waited for the backend would take seconds), not benchmarks.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use agentrace_tests::otlp_receiver::{agent, child, Receiver, Wire};

const CALLS: u32 = 2000;

/// Times `CALLS` traced calls; returns (mean ns, slowest ns).
fn time_calls() -> (u128, u128) {
    let mut slowest = 0;
    let started = Instant::now();
    for n in 0..CALLS {
        let call = Instant::now();
        std::hint::black_box(agent::ping(std::hint::black_box(n)));
        slowest = slowest.max(call.elapsed().as_nanos());
    }
    (started.elapsed().as_nanos() / u128::from(CALLS), slowest)
}

/// The child: times calls with tracing off, sets up from the environment, times them
/// again, shuts down, prints one `RESULT` line.
fn measured_program() {
    let (off_mean, _) = time_calls();
    let guard = agentrace::init().expect("init");
    let (on_mean, on_max) = time_calls();
    let timeout = guard.shutdown_timeout();
    let handle = guard.handle();
    let shutdown = Instant::now();
    drop(guard);
    let shutdown_ms = shutdown.elapsed().as_millis();
    let stats = handle.export_stats();
    println!(
        "RESULT off_mean_ns={off_mean} on_mean_ns={on_mean} on_max_ns={on_max} shutdown_ms={shutdown_ms} \
         timeout_ms={} exported={} dropped={} failed={} abandoned={} not_delivered={}",
        timeout.as_millis(),
        stats.exported,
        stats.dropped,
        stats.failed,
        stats.abandoned,
        stats.not_delivered(),
    );
}

/// Runs the measured program in a child with `env`; returns its `RESULT` numbers and its
/// standard error.
fn measure(test: &str, env: &[(&str, &str)]) -> (BTreeMap<String, u128>, String) {
    let started = Instant::now();
    let output = child::run(test, env);
    assert!(output.status.success(), "{}", child::describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.find("RESULT ").map(|at| &line[at..]))
        .unwrap_or_else(|| panic!("{}", child::describe(&output)));
    let numbers = line
        .split_whitespace()
        .skip(1)
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_string(), value.parse().unwrap()))
        .collect();
    eprintln!(
        "{test} {env:?}: {line} (child ran {} ms)",
        started.elapsed().as_millis()
    );
    (
        numbers,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_all_counted_and_reported_once(numbers: &BTreeMap<String, u128>, stderr: &str) {
    assert_eq!(numbers["exported"], 0, "{numbers:?}");
    assert_eq!(numbers["not_delivered"], u128::from(CALLS), "{numbers:?}");
    // The first failed export is said at once, in one line naming the endpoint; the
    // summary comes once, at shutdown.
    let (first_failures, reports): (Vec<&str>, Vec<&str>) = stderr
        .lines()
        .filter(|line| line.starts_with("agentrace:"))
        .partition(|line| line.starts_with("agentrace: export to http://127.0.0.1:"));
    if numbers["failed"] > 0 {
        assert_eq!(first_failures.len(), 1, "first failure said once: {stderr}");
    } else {
        assert!(
            first_failures.len() <= 1,
            "first failure said once: {stderr}"
        );
    }
    assert_eq!(reports.len(), 1, "reported once: {stderr}");
    assert!(
        reports[0].starts_with(&format!(
            "agentrace: {CALLS} of {CALLS} spans were not delivered"
        )),
        "{}",
        reports[0]
    );
}

fn assert_calls_never_waited_for_the_backend(numbers: &BTreeMap<String, u128>) {
    // A call that exported on its own thread would wait for a connection error or a 10 s
    // answer; one second is far above any traced call on a loaded machine.
    assert!(numbers["on_max_ns"] < 1_000_000_000, "{numbers:?}");
}

#[test]
fn unreachable_backend_costs_no_call_time_and_its_spans_are_counted() {
    const NAME: &str = "unreachable_backend_costs_no_call_time_and_its_spans_are_counted";
    if child::is_child(NAME) {
        return measured_program();
    }
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    for protocol in ["http/protobuf", "grpc"] {
        let env = [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
            ("OTEL_BSP_EXPORT_TIMEOUT", "3000"),
        ];
        let (numbers, stderr) = measure(NAME, &env);
        assert_calls_never_waited_for_the_backend(&numbers);
        assert!(
            numbers["shutdown_ms"] < numbers["timeout_ms"] + 2000,
            "{numbers:?}"
        );
        assert_all_counted_and_reported_once(&numbers, &stderr);
    }
}

#[test]
fn slow_backend_costs_no_call_time_and_shutdown_gives_up_in_time() {
    const NAME: &str = "slow_backend_costs_no_call_time_and_shutdown_gives_up_in_time";
    if child::is_child(NAME) {
        return measured_program();
    }
    for wire in [Wire::Http, Wire::Grpc] {
        let receiver = Receiver::start_with_delay(wire, Duration::from_secs(10));
        let endpoint = receiver.endpoint();
        // The request timeout (10 s by default) outlasts the shutdown timeout: shutdown must
        // give up on its own and count what it leaves behind.
        let env = [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
            ("OTEL_BSP_EXPORT_TIMEOUT", "1500"),
        ];
        let (numbers, stderr) = measure(NAME, &env);
        assert_calls_never_waited_for_the_backend(&numbers);
        assert!(
            numbers["shutdown_ms"] < numbers["timeout_ms"] + 2000,
            "{wire:?} {numbers:?}"
        );
        assert!(numbers["abandoned"] > 0, "{wire:?} {numbers:?}");
        assert_all_counted_and_reported_once(&numbers, &stderr);
        assert!(
            !receiver.requests().is_empty(),
            "{wire:?}: the export was attempted"
        );
    }
}

#[test]
fn slow_backend_with_a_short_request_timeout_counts_failed_exports() {
    const NAME: &str = "slow_backend_with_a_short_request_timeout_counts_failed_exports";
    if child::is_child(NAME) {
        return measured_program();
    }
    let receiver = Receiver::start_with_delay(Wire::Http, Duration::from_secs(10));
    let endpoint = receiver.endpoint();
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "300"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "20000"),
    ];
    let (numbers, stderr) = measure(NAME, &env);
    assert_calls_never_waited_for_the_backend(&numbers);
    assert!(numbers["failed"] > 0, "{numbers:?}");
    assert!(stderr.contains("failed to export"), "{stderr}");
    assert_all_counted_and_reported_once(&numbers, &stderr);
}

#[test]
fn a_full_queue_drops_spans_and_counts_them() {
    const NAME: &str = "a_full_queue_drops_spans_and_counts_them";
    if child::is_child(NAME) {
        return measured_program();
    }
    let receiver = Receiver::start_with_delay(Wire::Http, Duration::from_secs(10));
    let endpoint = receiver.endpoint();
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "10"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "1000"),
    ];
    let (numbers, stderr) = measure(NAME, &env);
    // The export thread is stuck on the first batch, the queue holds 10 more: the rest drop.
    assert!(numbers["dropped"] >= u128::from(CALLS) - 40, "{numbers:?}");
    assert!(
        stderr.contains("dropped because the export queue was full"),
        "{stderr}"
    );
    assert_all_counted_and_reported_once(&numbers, &stderr);
}

#[test]
fn healthy_backend_gets_every_span_for_comparison() {
    const NAME: &str = "healthy_backend_gets_every_span_for_comparison";
    if child::is_child(NAME) {
        return measured_program();
    }
    let receiver = Receiver::start(Wire::Http);
    let endpoint = receiver.endpoint();
    let (numbers, stderr) = measure(NAME, &[("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str())]);
    assert_eq!(numbers["exported"], u128::from(CALLS), "{numbers:?}");
    assert_eq!(numbers["not_delivered"], 0, "{numbers:?}");
    assert!(
        !stderr.contains("agentrace:"),
        "nothing to report: {stderr}"
    );
    assert_eq!(receiver.spans().len(), CALLS as usize);
}
