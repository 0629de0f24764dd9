//! Each setting of `init()` read from an injected environment: the value takes effect in the
//! resolved `Config`, and each invalid value is an error naming the variable and the value.
//! (The wire effect of each variable is shown by `init_env.rs`, in child processes.)

use std::collections::HashMap;
use std::time::Duration;

use agentrace::config::{Config, ExporterConfig, OtlpConfig, Protocol, Sampling};
use agentrace::Error;

/// The settings the environment `pairs` gives, as `init()` would resolve them.
fn from_env(pairs: &[(&str, &str)]) -> Result<Config, Error> {
    let env: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    agentrace::builder()
        .with_env(move |name| env.get(name).cloned())
        .build_config()
}

fn config(pairs: &[(&str, &str)]) -> Config {
    from_env(pairs).unwrap_or_else(|error| panic!("{pairs:?}: {error}"))
}

fn error(pairs: &[(&str, &str)]) -> String {
    match from_env(pairs) {
        Ok(config) => panic!("{pairs:?} was accepted: {config:?}"),
        Err(error) => error.to_string(),
    }
}

fn otlp(config: &Config) -> &OtlpConfig {
    match &config.exporter {
        ExporterConfig::Otlp(otlp) => otlp,
        other => panic!("expected OTLP, got {other:?}"),
    }
}

const ENDPOINT: (&str, &str) = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");

#[test]
fn empty_environment_gives_the_documented_defaults() {
    let config = config(&[]);
    assert!(!config.disabled);
    assert!(
        config.service_name.starts_with("unknown_service:"),
        "{}",
        config.service_name
    );
    assert_eq!(
        config.exporter,
        ExporterConfig::Store,
        "the embedded store by default"
    );
    assert_eq!(
        config.sampler,
        Sampling::ParentBased(Box::new(Sampling::AlwaysOn))
    );
    assert_eq!(config.batch, agentrace::export::BatchConfig::default());
    assert_eq!(config.batch.max_queue_size, 2048);
    assert_eq!(config.capture_content, None);
}

#[test]
fn sdk_disabled_is_read_and_checked() {
    assert!(config(&[("OTEL_SDK_DISABLED", "true")]).disabled);
    assert!(config(&[("OTEL_SDK_DISABLED", "TRUE")]).disabled);
    assert!(!config(&[("OTEL_SDK_DISABLED", "false")]).disabled);
    assert_eq!(
        error(&[("OTEL_SDK_DISABLED", "yes")]),
        r#"invalid OTEL_SDK_DISABLED="yes": expected true or false"#
    );
}

#[test]
fn service_name_comes_from_its_variable_before_resource_attributes() {
    assert_eq!(config(&[("OTEL_SERVICE_NAME", "bot")]).service_name, "bot");
    let both = config(&[
        ("OTEL_SERVICE_NAME", "bot"),
        ("OTEL_RESOURCE_ATTRIBUTES", "service.name=other"),
    ]);
    assert_eq!(both.service_name, "bot");
    assert_eq!(
        config(&[("OTEL_RESOURCE_ATTRIBUTES", "service.name=other")]).service_name,
        "other"
    );
}

#[test]
fn resource_attributes_are_parsed_and_percent_decoded() {
    let config = config(&[(
        "OTEL_RESOURCE_ATTRIBUTES",
        "deployment.environment=prod, team=a%20b,service.version=1.2.3,openinference.project.name=p1",
    )]);
    assert_eq!(
        config.resource_attributes,
        [
            ("deployment.environment".to_string(), "prod".to_string()),
            ("team".to_string(), "a b".to_string())
        ]
    );
    assert_eq!(config.service_version.as_deref(), Some("1.2.3"));
    assert_eq!(config.project_name.as_deref(), Some("p1"));
}

#[test]
fn malformed_resource_attributes_are_errors() {
    assert_eq!(
        error(&[("OTEL_RESOURCE_ATTRIBUTES", "a=1,broken")]),
        r#"invalid OTEL_RESOURCE_ATTRIBUTES="a=1,broken": expected key=value,key=value; "broken" has no '='"#
    );
    assert!(error(&[("OTEL_RESOURCE_ATTRIBUTES", "=1")]).contains("empty key"));
    assert!(error(&[("OTEL_RESOURCE_ATTRIBUTES", "a=%zz")]).contains("bad %-escape"));
}

#[test]
fn phoenix_project_variable_sets_the_project() {
    assert_eq!(
        config(&[("PHOENIX_PROJECT_NAME", "agents")])
            .project_name
            .as_deref(),
        Some("agents")
    );
}

#[test]
fn generic_endpoint_gets_the_traces_path_and_signal_endpoint_is_used_as_is() {
    assert_eq!(
        otlp(&config(&[ENDPOINT])).endpoint,
        "http://collector:4318/v1/traces"
    );
    assert_eq!(
        otlp(&config(&[(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://collector:4318/"
        )]))
        .endpoint,
        "http://collector:4318/v1/traces"
    );
    let signal = config(&[
        ENDPOINT,
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://other:9999/custom",
        ),
    ]);
    assert_eq!(otlp(&signal).endpoint, "http://other:9999/custom");
}

#[test]
fn invalid_endpoints_are_errors_naming_the_variable() {
    assert_eq!(
        error(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]),
        r#"invalid OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318": expected an http:// or https:// URL with a host"#
    );
    assert!(error(&[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://")])
        .starts_with("invalid OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\"http://\""));
}

#[test]
fn protocol_selects_grpc_and_keeps_the_endpoint_as_given() {
    let grpc = config(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ]);
    assert_eq!(otlp(&grpc).protocol, Protocol::Grpc);
    assert_eq!(otlp(&grpc).endpoint, "http://collector:4317");
    let traces = config(&[
        ENDPOINT,
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"),
    ]);
    assert_eq!(otlp(&traces).protocol, Protocol::HttpProtobuf);
}

#[test]
fn unknown_protocol_is_an_error() {
    assert_eq!(
        error(&[ENDPOINT, ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]),
        r#"invalid OTEL_EXPORTER_OTLP_PROTOCOL="http/json": expected http/protobuf or grpc"#
    );
}

#[test]
fn headers_are_parsed_decoded_and_the_signal_variable_wins() {
    let config1 = config(&[
        ENDPOINT,
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "api-key=secret,x-tenant=a%20b",
        ),
    ]);
    assert_eq!(
        otlp(&config1).headers,
        [
            ("api-key".to_string(), "secret".to_string()),
            ("x-tenant".to_string(), "a b".to_string())
        ]
    );
    let config2 = config(&[
        ENDPOINT,
        ("OTEL_EXPORTER_OTLP_HEADERS", "a=1"),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2"),
    ]);
    assert_eq!(otlp(&config2).headers, [("b".to_string(), "2".to_string())]);
}

#[test]
fn malformed_header_lists_are_errors() {
    assert_eq!(
        error(&[ENDPOINT, ("OTEL_EXPORTER_OTLP_HEADERS", "api-key")]),
        r#"invalid OTEL_EXPORTER_OTLP_HEADERS="api-key": expected key=value,key=value; "api-key" has no '='"#
    );
    assert!(
        error(&[ENDPOINT, ("OTEL_EXPORTER_OTLP_HEADERS", "bad name=1")])
            .contains("not a valid header name")
    );
}

#[test]
fn timeout_is_read_in_milliseconds() {
    assert_eq!(otlp(&config(&[ENDPOINT])).timeout, Duration::from_secs(10));
    assert_eq!(
        otlp(&config(&[ENDPOINT, ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500")])).timeout,
        Duration::from_millis(2500)
    );
    let signal = config(&[
        ENDPOINT,
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
        ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "700"),
    ]);
    assert_eq!(otlp(&signal).timeout, Duration::from_millis(700));
    assert_eq!(
        error(&[ENDPOINT, ("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")]),
        r#"invalid OTEL_EXPORTER_OTLP_TIMEOUT="10s": expected a positive whole number"#
    );
}

#[test]
fn every_sampler_name_is_understood() {
    let cases = [
        ("always_on", None, Sampling::AlwaysOn),
        ("always_off", None, Sampling::AlwaysOff),
        ("traceidratio", Some("0.25"), Sampling::Ratio(0.25)),
        ("traceidratio", None, Sampling::Ratio(1.0)),
        (
            "parentbased_always_on",
            None,
            Sampling::ParentBased(Box::new(Sampling::AlwaysOn)),
        ),
        (
            "parentbased_always_off",
            None,
            Sampling::ParentBased(Box::new(Sampling::AlwaysOff)),
        ),
        (
            "parentbased_traceidratio",
            Some("0.5"),
            Sampling::ParentBased(Box::new(Sampling::Ratio(0.5))),
        ),
    ];
    for (name, arg, expected) in cases {
        let mut pairs = vec![("OTEL_TRACES_SAMPLER", name)];
        pairs.extend(arg.map(|arg| ("OTEL_TRACES_SAMPLER_ARG", arg)));
        assert_eq!(config(&pairs).sampler, expected, "{name} {arg:?}");
    }
}

#[test]
fn invalid_sampler_settings_are_errors() {
    assert_eq!(
        error(&[
            ("OTEL_TRACES_SAMPLER", "traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "abc")
        ]),
        r#"invalid OTEL_TRACES_SAMPLER_ARG="abc": expected a number between 0 and 1"#
    );
    assert!(error(&[
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "1.5")
    ])
    .starts_with(r#"invalid OTEL_TRACES_SAMPLER_ARG="1.5""#));
    assert!(error(&[("OTEL_TRACES_SAMPLER", "jaeger_remote")])
        .starts_with(r#"invalid OTEL_TRACES_SAMPLER="jaeger_remote": expected always_on"#));
}

#[test]
fn batch_settings_are_read_and_checked() {
    let config = config(&[
        ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
        ("OTEL_BSP_SCHEDULE_DELAY", "250"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "50"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "1500"),
    ]);
    assert_eq!(config.batch.max_queue_size, 100);
    assert_eq!(config.batch.scheduled_delay, Duration::from_millis(250));
    assert_eq!(config.batch.max_export_batch_size, 50);
    assert_eq!(config.batch.export_timeout, Duration::from_millis(1500));
    assert_eq!(
        error(&[("OTEL_BSP_MAX_QUEUE_SIZE", "0")]),
        r#"invalid OTEL_BSP_MAX_QUEUE_SIZE="0": expected a positive whole number"#
    );
    assert!(error(&[("OTEL_BSP_SCHEDULE_DELAY", "-5")])
        .starts_with(r#"invalid OTEL_BSP_SCHEDULE_DELAY="-5""#));
    assert!(error(&[("OTEL_BSP_EXPORT_TIMEOUT", "soon")])
        .starts_with(r#"invalid OTEL_BSP_EXPORT_TIMEOUT="soon""#));
    assert_eq!(
        error(&[
            ("OTEL_BSP_MAX_QUEUE_SIZE", "10"),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "20")
        ]),
        r#"invalid OTEL_BSP_MAX_EXPORT_BATCH_SIZE="20": must not exceed the queue size (10)"#
    );
}

#[test]
fn traces_exporter_variable_picks_console_store_none_or_otlp() {
    assert_eq!(
        config(&[ENDPOINT, ("OTEL_TRACES_EXPORTER", "console")]).exporter,
        ExporterConfig::Console
    );
    assert_eq!(
        config(&[ENDPOINT, ("OTEL_TRACES_EXPORTER", "store")]).exporter,
        ExporterConfig::Store
    );
    assert_eq!(
        config(&[ENDPOINT, ("OTEL_TRACES_EXPORTER", "none")]).exporter,
        ExporterConfig::None
    );
    let local = config(&[("OTEL_TRACES_EXPORTER", "otlp")]);
    assert_eq!(otlp(&local).endpoint, "http://localhost:4318/v1/traces");
    let local_grpc = config(&[
        ("OTEL_TRACES_EXPORTER", "otlp"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ]);
    assert_eq!(otlp(&local_grpc).endpoint, "http://localhost:4317");
    assert_eq!(
        error(&[("OTEL_TRACES_EXPORTER", "zipkin")]),
        r#"invalid OTEL_TRACES_EXPORTER="zipkin": expected otlp, console, store or none"#
    );
}

#[test]
fn content_capture_reads_agentrace_first_then_the_genai_switch() {
    assert_eq!(
        config(&[("AGENTRACE_CAPTURE_CONTENT", "false")]).capture_content,
        Some(false)
    );
    assert_eq!(
        config(&[(
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "NO_CONTENT"
        )])
        .capture_content,
        Some(false)
    );
    assert_eq!(
        config(&[(
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "false"
        )])
        .capture_content,
        Some(false)
    );
    assert_eq!(
        config(&[(
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "SPAN_ONLY"
        )])
        .capture_content,
        Some(true)
    );
    let both = config(&[
        ("AGENTRACE_CAPTURE_CONTENT", "true"),
        (
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "false",
        ),
    ]);
    assert_eq!(both.capture_content, Some(true));
    assert!(error(&[("AGENTRACE_CAPTURE_CONTENT", "maybe")])
        .starts_with(r#"invalid AGENTRACE_CAPTURE_CONTENT="maybe""#));
    assert!(
        error(&[("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "all")])
            .starts_with(r#"invalid OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT="all""#)
    );
}

#[test]
fn limits_are_read_and_checked() {
    let config = config(&[
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "16"),
        ("AGENTRACE_MAX_STREAM_OUTPUT_BYTES", "4096"),
    ]);
    assert_eq!(config.max_attributes_per_span, Some(16));
    assert_eq!(config.max_stream_output_bytes, Some(4096));
    assert!(error(&[("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "many")])
        .starts_with(r#"invalid OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT="many""#));
    assert!(error(&[("AGENTRACE_MAX_STREAM_OUTPUT_BYTES", "0")])
        .starts_with(r#"invalid AGENTRACE_MAX_STREAM_OUTPUT_BYTES="0""#));
}

#[test]
fn code_overrides_the_environment_and_skips_its_variable() {
    let env = HashMap::from([
        ("OTEL_SERVICE_NAME", "from-env"),
        ("OTEL_TRACES_SAMPLER_ARG", "abc"),
        ("OTEL_TRACES_SAMPLER", "traceidratio"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318"),
    ]);
    let lookup = move |name: &str| env.get(name).map(|value| value.to_string());
    let config = agentrace::builder()
        .with_env(lookup)
        .service_name("from-code")
        .sampler(Sampling::AlwaysOn)
        .otlp("http://code:4318")
        .timeout(Duration::from_millis(300))
        .build_config()
        .unwrap();
    assert_eq!(config.service_name, "from-code");
    assert_eq!(config.sampler, Sampling::AlwaysOn);
    assert_eq!(otlp(&config).endpoint, "http://code:4318/v1/traces");
    assert_eq!(otlp(&config).timeout, Duration::from_millis(300));
}

#[test]
fn invalid_builder_values_name_the_field() {
    let no_env = |_: &str| None;
    let err = agentrace::builder()
        .with_env(no_env)
        .sampler(Sampling::Ratio(2.0))
        .build_config()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid builder.sampler="2": expected a ratio between 0 and 1"#
    );
    let err = agentrace::builder()
        .with_env(no_env)
        .otlp("localhost:4318")
        .build_config()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { name, .. } if name == "builder.otlp"),
        "{err}"
    );
    let err = agentrace::builder()
        .with_env(no_env)
        .max_queue_size(0)
        .build_config()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid builder.max_queue_size="0": expected a positive whole number"#
    );
}

#[test]
fn presets_resolve_to_the_backends_endpoints() {
    let no_env = |_: &str| None;
    let phoenix = agentrace::builder()
        .with_env(no_env)
        .phoenix("http://localhost:6006", "agents")
        .build_config()
        .unwrap();
    assert_eq!(otlp(&phoenix).endpoint, "http://localhost:6006/v1/traces");
    assert_eq!(phoenix.project_name.as_deref(), Some("agents"));
    let phoenix_grpc = agentrace::builder()
        .with_env(no_env)
        .phoenix("http://localhost:4317", "agents")
        .protocol(Protocol::Grpc)
        .build_config()
        .unwrap();
    assert_eq!(otlp(&phoenix_grpc).endpoint, "http://localhost:4317");
    let langfuse = agentrace::builder()
        .with_env(no_env)
        .langfuse("https://cloud.langfuse.com/", "pk-lf-123", "sk-lf-456")
        .build_config()
        .unwrap();
    assert_eq!(
        otlp(&langfuse).endpoint,
        "https://cloud.langfuse.com/api/public/otel/v1/traces"
    );
    assert_eq!(otlp(&langfuse).protocol, Protocol::HttpProtobuf);
    // base64("pk-lf-123:sk-lf-456")
    assert_eq!(
        otlp(&langfuse).headers,
        [
            (
                "Authorization".to_string(),
                "Basic cGstbGYtMTIzOnNrLWxmLTQ1Ng==".to_string()
            ),
            ("x-langfuse-ingestion-version".to_string(), "4".to_string())
        ]
    );
    let jaeger = agentrace::builder()
        .with_env(no_env)
        .jaeger("http://jaeger:4318")
        .build_config()
        .unwrap();
    assert_eq!(otlp(&jaeger).endpoint, "http://jaeger:4318/v1/traces");
    let endpoint_set = |name: &str| {
        (name == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://ignored:1".to_string())
    };
    let console = agentrace::builder()
        .with_env(endpoint_set)
        .console()
        .build_config();
    assert_eq!(console.unwrap().exporter, ExporterConfig::Console);
}

#[test]
fn the_embedded_store_is_bounded_by_default_and_by_its_variables() {
    use agentrace::config::Retention;
    assert_eq!(config(&[]).store_retention, Retention::EMBEDDED_DEFAULT);
    let set = config(&[
        ("AGENTRACE_STORE_MAX_BYTES", "200MB"),
        ("AGENTRACE_STORE_RETENTION", "7d"),
    ]);
    assert_eq!(set.store_retention.max_bytes, Some(200_000_000));
    assert_eq!(
        set.store_retention.max_age,
        Some(Duration::from_secs(7 * 86_400))
    );
    let off = config(&[
        ("AGENTRACE_STORE_MAX_BYTES", "none"),
        ("AGENTRACE_STORE_RETENTION", "none"),
    ]);
    assert!(!off.store_retention.is_bounded());
    let message = error(&[("AGENTRACE_STORE_RETENTION", "a week")]);
    assert!(
        message.starts_with(r#"invalid AGENTRACE_STORE_RETENTION="a week": "#),
        "{message}"
    );
    let message = error(&[("AGENTRACE_STORE_MAX_BYTES", "lots")]);
    assert!(
        message.starts_with(r#"invalid AGENTRACE_STORE_MAX_BYTES="lots": "#),
        "{message}"
    );
    let coded = agentrace::builder()
        .with_env(|_| None)
        .store_retention(Retention::none())
        .build_config()
        .unwrap();
    assert_eq!(coded.store_retention, Retention::none());
}
