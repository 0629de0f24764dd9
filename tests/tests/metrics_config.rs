//! The metric settings of `init()` from an injected environment and the builder: none by
//! default, OTLP next to the traces (same protocol, headers, timeout; `/v1/metrics` over
//! HTTP), the console, the export interval, and an error naming the variable and the value
//! for each invalid one.

use std::collections::HashMap;
use std::time::Duration;

use agentrace::config::{Config, Metrics, MetricsExporterConfig, OtlpConfig, Protocol};
use agentrace::{Builder, Error};

fn with_env(builder: Builder, pairs: &[(&str, &str)]) -> Result<Config, Error> {
    let env: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    builder
        .with_env(move |name| env.get(name).cloned())
        .build_config()
}

fn resolve(pairs: &[(&str, &str)]) -> Config {
    with_env(agentrace::builder(), pairs).unwrap_or_else(|error| panic!("{pairs:?}: {error}"))
}

fn error(pairs: &[(&str, &str)]) -> String {
    match with_env(agentrace::builder(), pairs) {
        Ok(config) => panic!("{pairs:?} was accepted: {:?}", config.metrics),
        Err(error) => error.to_string(),
    }
}

fn otlp(config: &Config) -> &OtlpConfig {
    match &config.metrics.exporter {
        MetricsExporterConfig::Otlp(otlp) => otlp,
        other => panic!("expected OTLP metrics, got {other:?}"),
    }
}

#[test]
fn no_metrics_unless_asked_for_even_with_an_otlp_endpoint() {
    let config = resolve(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")]);
    assert_eq!(config.metrics.exporter, MetricsExporterConfig::None);
    assert_eq!(config.metrics.interval, Duration::from_secs(60));
    let config = resolve(&[("OTEL_METRICS_EXPORTER", "none")]);
    assert_eq!(config.metrics.exporter, MetricsExporterConfig::None);
}

#[test]
fn otlp_metrics_follow_the_traces_settings_with_the_metrics_path() {
    let config = resolve(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x-team=agents"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
        ("OTEL_METRICS_EXPORTER", "otlp"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "15000"),
    ]);
    let metrics = otlp(&config);
    assert_eq!(metrics.endpoint, "http://collector:4318/v1/metrics");
    assert_eq!(metrics.protocol, Protocol::HttpProtobuf);
    assert_eq!(
        metrics.headers,
        [("x-team".to_string(), "agents".to_string())]
    );
    assert_eq!(metrics.timeout, Duration::from_millis(2500));
    assert_eq!(config.metrics.interval, Duration::from_secs(15));

    let traces_url = resolve(&[
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "https://cloud.example/api/otel/v1/traces",
        ),
        ("OTEL_METRICS_EXPORTER", "otlp"),
    ]);
    assert_eq!(
        otlp(&traces_url).endpoint,
        "https://cloud.example/api/otel/v1/metrics"
    );
}

#[test]
fn grpc_metrics_go_to_the_collector_address() {
    let config = resolve(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_METRICS_EXPORTER", "otlp"),
    ]);
    assert_eq!(otlp(&config).endpoint, "http://collector:4317");
    assert_eq!(otlp(&config).protocol, Protocol::Grpc);
}

#[test]
fn the_metrics_endpoint_variable_wins() {
    let config = resolve(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
        (
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            "http://metrics:9090/otlp/v1/metrics",
        ),
        ("OTEL_METRICS_EXPORTER", "otlp"),
    ]);
    assert_eq!(
        otlp(&config).endpoint,
        "http://metrics:9090/otlp/v1/metrics"
    );
}

#[test]
fn otlp_metrics_with_spans_in_the_store_use_the_otlp_variables() {
    let local = resolve(&[("OTEL_METRICS_EXPORTER", "otlp")]);
    assert_eq!(otlp(&local).endpoint, "http://localhost:4318/v1/metrics");
    let console_traces = resolve(&[
        ("OTEL_TRACES_EXPORTER", "console"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
        ("OTEL_METRICS_EXPORTER", "otlp"),
    ]);
    assert_eq!(
        otlp(&console_traces).endpoint,
        "http://collector:4318/v1/metrics"
    );
}

#[test]
fn the_builder_wins_over_the_environment() {
    let config = with_env(
        agentrace::builder()
            .otlp("http://collector:4318")
            .metrics(Metrics::Console)
            .metric_export_interval(Duration::from_secs(5)),
        &[
            ("OTEL_METRICS_EXPORTER", "otlp"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "1000"),
        ],
    )
    .unwrap();
    assert_eq!(config.metrics.exporter, MetricsExporterConfig::Console);
    assert_eq!(config.metrics.interval, Duration::from_secs(5));
}

#[test]
fn invalid_metric_settings_name_the_variable_and_the_value() {
    let message = error(&[("OTEL_METRICS_EXPORTER", "prometheus")]);
    assert!(message.contains("OTEL_METRICS_EXPORTER"), "{message}");
    assert!(message.contains("prometheus"), "{message}");
    let message = error(&[("OTEL_METRIC_EXPORT_INTERVAL", "soon")]);
    assert!(message.contains("OTEL_METRIC_EXPORT_INTERVAL"), "{message}");
    assert!(message.contains("soon"), "{message}");
    let message = error(&[
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://collector:4318/ingest",
        ),
        ("OTEL_METRICS_EXPORTER", "otlp"),
    ]);
    assert!(
        message.contains("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
        "{message}"
    );
    let zero = with_env(
        agentrace::builder().metric_export_interval(Duration::ZERO),
        &[],
    );
    let message = zero.unwrap_err().to_string();
    assert!(
        message.contains("builder.metric_export_interval"),
        "{message}"
    );
}

#[test]
fn a_meter_provider_of_your_own_excludes_the_builders_metric_settings() {
    let meters = opentelemetry_sdk::metrics::SdkMeterProvider::builder().build();
    let result = with_env(
        agentrace::builder()
            .meter_provider(meters)
            .metrics(Metrics::Otlp),
        &[],
    );
    let message = result.unwrap_err().to_string();
    assert!(message.contains("builder.meter_provider"), "{message}");
}
