//! Metrics count every call, sampled or not: with a sampler that drops every trace, the LLM
//! and embedding calls still record their metrics (with the usage their extractors read),
//! while no span reaches the exporter or a collection scope. (One test: `init` once per
//! process.)

use std::time::Duration;

use agentrace::config::Sampling;
use agentrace_tests::otlp_receiver::{Receiver, Wire};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
fn chat(prompt: &str) -> Result<String, std::fmt::Error> {
    agentrace::current_span().record_usage(prompt.len(), 4);
    Ok(prompt.to_uppercase())
}

#[agentrace::trace_tool]
fn lookup(city: &str) -> String {
    format!("sunny in {city}")
}

#[agentrace::trace_agent(name = "assistant")]
fn turn(question: &str) -> String {
    let answer = chat(question).unwrap();
    format!("{answer} {}", lookup("Paris"))
}

/// The count of the histogram `name`'s data points, each point's count summed.
fn calls(exporter: &InMemoryMetricExporter, name: &str) -> u64 {
    let exported = exporter.get_finished_metrics().unwrap();
    let last = exported.last().expect("one export at least");
    let metric = last
        .scope_metrics()
        .flat_map(|scope| scope.metrics())
        .find(|metric| metric.name() == name)
        .unwrap_or_else(|| panic!("no {name}"));
    match metric.data() {
        AggregatedMetrics::F64(MetricData::Histogram(histogram)) => {
            histogram.data_points().map(|point| point.count()).sum()
        }
        AggregatedMetrics::U64(MetricData::Histogram(histogram)) => {
            histogram.data_points().map(|point| point.sum()).sum()
        }
        _ => panic!("{name} is not a histogram"),
    }
}

#[test]
fn calls_dropped_by_the_sampler_still_count_in_the_metrics() {
    let receiver = Receiver::start(Wire::Http);
    let exporter = InMemoryMetricExporter::default();
    let meters = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    let tracing = agentrace::builder()
        .otlp(receiver.endpoint())
        .sampler(Sampling::AlwaysOff)
        .meter_provider(meters)
        .init()
        .unwrap();

    let ((), collected) = agentrace::testing::capture(|| {
        turn("hello");
        turn("hi");
    });
    tracing.flush().unwrap();

    assert!(collected.is_empty(), "collected {collected:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(receiver.spans().is_empty(), "no span is exported");
    assert_eq!(calls(&exporter, "gen_ai.client.operation.duration"), 2);
    // Token usage (a u64 histogram: summed values) read by the unsampled spans: 5+4 and 2+4.
    assert_eq!(calls(&exporter, "gen_ai.client.token.usage"), 15);
    drop(tracing);
}
