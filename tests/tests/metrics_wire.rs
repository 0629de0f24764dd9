//! The GenAI client metrics on the wire: a program configured from the environment alone
//! (`OTEL_METRICS_EXPORTER=otlp`, a one-minute export interval, so the metrics arrive only
//! because dropping the guard exports them) makes a chat call, a streamed call and a failed
//! call; the in-process receiver decodes `gen_ai.client.token.usage`,
//! `gen_ai.client.operation.duration` and `gen_ai.client.operation.time_to_first_chunk`
//! with their exact units, attributes and bucket boundaries, over OTLP/HTTP and OTLP/gRPC.

use std::collections::BTreeMap;
use std::time::Duration;

use agentrace::ErrorType;
use agentrace_tests::otlp_receiver::{child, point_attributes, Receiver, Wire, WireMetric};
use futures::stream::{self, Stream, StreamExt};
use opentelemetry_proto::tonic::metrics::v1::HistogramDataPoint;

const TOKEN_BOUNDARIES: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];
const SECOND_BOUNDARIES: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/// `AggregationTemporality::Cumulative`, the OTLP exporter's default.
const CUMULATIVE: i32 = 2;

#[derive(Debug)]
struct RateLimited;

impl std::fmt::Display for RateLimited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rate limited, retry in 3 s")
    }
}

impl ErrorType for RateLimited {
    fn error_type(&self) -> &str {
        "rate_limited"
    }
}

#[agentrace::trace_llm(
    provider = "openai",
    model = "gpt-4o",
    attributes("server.address" = "api.openai.com", "server.port" = 443)
)]
async fn chat(prompt: &str) -> Result<String, RateLimited> {
    let span = agentrace::current_span();
    span.set_response_model("gpt-4o-2024-08-06");
    span.record_usage(12, 5);
    Ok(format!("echo {prompt}"))
}

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o-mini", stream)]
async fn stream_chat(prompt: &str) -> Result<impl Stream<Item = String>, RateLimited> {
    let words: Vec<String> = prompt.split(' ').map(str::to_owned).collect();
    let first = stream::once(async {
        // The model thinks before its first chunk.
        std::thread::sleep(Duration::from_millis(30));
        "Sure:".to_owned()
    });
    let rest = stream::iter(words).map(|word| {
        agentrace::current_span().record_usage(20, 300);
        word
    });
    Ok(first.chain(rest))
}

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
async fn failing_chat(_prompt: &str) -> Result<String, RateLimited> {
    Err(RateLimited)
}

async fn three_calls() {
    chat("hello").await.expect("the chat call succeeds");
    let words: Vec<String> = stream_chat("two words")
        .await
        .expect("the stream starts")
        .collect()
        .await;
    assert_eq!(words, ["Sure:", "two", "words"]);
    assert!(failing_chat("hello").await.is_err());
}

fn run_child(test: &str, wire: Wire) -> Vec<WireMetric> {
    let receiver = Receiver::start(wire);
    let endpoint = receiver.endpoint();
    let output = child::run(
        test,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
            ("OTEL_SERVICE_NAME", "metrics-test"),
            ("OTEL_METRICS_EXPORTER", "otlp"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "60000"),
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
        ],
    );
    assert!(output.status.success(), "{}", child::describe(&output));
    assert!(
        receiver.spans().len() >= 3,
        "the spans arrive next to the metrics"
    );
    receiver.metrics()
}

/// The one metric named `name` (a single export at shutdown), checked for unit, kind,
/// temporality, resource and scope.
fn histogram<'a>(metrics: &'a [WireMetric], name: &str, unit: &str) -> &'a WireMetric {
    let found: Vec<&WireMetric> = metrics.iter().filter(|m| m.metric.name == name).collect();
    let names: Vec<&str> = metrics.iter().map(|m| m.metric.name.as_str()).collect();
    assert_eq!(found.len(), 1, "{name} among {names:?}");
    let metric = found[0];
    assert_eq!(metric.metric.unit, unit, "{name}");
    assert_eq!(metric.scope, "agentrace");
    assert_eq!(
        metric.resource.get("service.name").map(String::as_str),
        Some("metrics-test")
    );
    match &metric.metric.data {
        Some(opentelemetry_proto::tonic::metrics::v1::metric::Data::Histogram(histogram)) => {
            assert_eq!(histogram.aggregation_temporality, CUMULATIVE, "{name}");
        }
        other => panic!("{name} is not a histogram: {other:?}"),
    }
    metric
}

fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// The one data point with exactly these attributes.
fn point(metric: &WireMetric, expected: &BTreeMap<String, String>) -> HistogramDataPoint {
    let points = metric.histogram_points();
    let all: Vec<_> = points.iter().map(point_attributes).collect();
    let found: Vec<_> = points
        .iter()
        .filter(|point| &point_attributes(point) == expected)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{}: {expected:?} among {all:#?}",
        metric.metric.name
    );
    found[0].clone()
}

/// Index of the bucket `value` falls in (upper bounds inclusive).
fn bucket(bounds: &[f64], value: f64) -> usize {
    bounds
        .iter()
        .position(|bound| value <= *bound)
        .unwrap_or(bounds.len())
}

fn assert_single_value(point: &HistogramDataPoint, bounds: &[f64], value: f64) {
    assert_eq!(point.count, 1);
    assert_eq!(point.explicit_bounds, bounds);
    assert_eq!(point.bucket_counts.len(), bounds.len() + 1);
    let mut expected = vec![0; bounds.len() + 1];
    expected[bucket(bounds, value)] = 1;
    assert_eq!(point.bucket_counts, expected, "value {value}");
}

fn assert_metrics(metrics: &[WireMetric]) {
    let chat = [
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-4o"),
        ("gen_ai.response.model", "gpt-4o-2024-08-06"),
        ("server.address", "api.openai.com"),
        ("server.port", "443"),
    ];
    let streamed = [
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-4o-mini"),
    ];
    let failed = [
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-4o"),
        ("error.type", "rate_limited"),
    ];
    let with = |base: &[(&'static str, &'static str)], extra: (&'static str, &'static str)| {
        let mut all = base.to_vec();
        all.push(extra);
        attrs(&all)
    };

    let tokens = histogram(metrics, "gen_ai.client.token.usage", "{token}");
    assert_eq!(
        tokens.histogram_points().len(),
        4,
        "two calls reported usage"
    );
    for (base, kind, count) in [
        (&chat[..], "input", 12),
        (&chat[..], "output", 5),
        (&streamed[..], "input", 20),
        (&streamed[..], "output", 300),
    ] {
        let point = point(tokens, &with(base, ("gen_ai.token.type", kind)));
        assert_eq!(point.sum, Some(count as f64), "{kind} tokens");
        assert_single_value(&point, &TOKEN_BOUNDARIES, count as f64);
    }

    let duration = histogram(metrics, "gen_ai.client.operation.duration", "s");
    assert_eq!(duration.histogram_points().len(), 3, "three calls");
    let chat_seconds = point(duration, &attrs(&chat));
    let streamed_seconds = point(duration, &attrs(&streamed));
    let failed_seconds = point(duration, &attrs(&failed));
    for point in [&chat_seconds, &streamed_seconds, &failed_seconds] {
        assert_single_value(point, &SECOND_BOUNDARIES, point.sum.unwrap());
    }
    let streamed_total = streamed_seconds.sum.unwrap();
    assert!(streamed_total >= 0.03, "{streamed_total}");

    let first_chunk = histogram(metrics, "gen_ai.client.operation.time_to_first_chunk", "s");
    assert_eq!(
        first_chunk.histogram_points().len(),
        1,
        "only the streamed call"
    );
    let first = point(first_chunk, &attrs(&streamed));
    let seconds = first.sum.unwrap();
    assert!(
        (0.03..=streamed_total).contains(&seconds),
        "{seconds} s to the first chunk of a {streamed_total} s call"
    );
    assert_single_value(&first, &SECOND_BOUNDARIES, seconds);
}

#[test]
fn genai_metrics_arrive_over_http() {
    const TEST: &str = "genai_metrics_arrive_over_http";
    if child::is_child(TEST) {
        let guard = agentrace::init().expect("init from the environment");
        futures::executor::block_on(three_calls());
        drop(guard);
        return;
    }
    assert_metrics(&run_child(TEST, Wire::Http));
}

#[test]
fn genai_metrics_arrive_over_grpc_from_a_tokio_program() {
    const TEST: &str = "genai_metrics_arrive_over_grpc_from_a_tokio_program";
    if child::is_child(TEST) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let guard = agentrace::init().expect("init from the environment");
            three_calls().await;
            drop(guard);
        });
        return;
    }
    assert_metrics(&run_child(TEST, Wire::Grpc));
}
