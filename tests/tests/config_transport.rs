//! The transport settings of the OTLP exporter read from an injected environment and from
//! the builder (code wins): compression, the TLS certificate files, the gRPC `insecure`
//! switch for an endpoint without a scheme, and the presets that fix the protocol (Langfuse
//! has no gRPC endpoint). Each invalid value is an error naming the variable and the value.

use std::collections::HashMap;
use std::path::Path;

use agentrace::config::{Builder, Compression, Config, ExporterConfig, OtlpConfig, Protocol};
use agentrace::Error;

fn with_env(builder: Builder, pairs: &[(&str, &str)]) -> Result<Config, Error> {
    let env: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    builder
        .with_env(move |name| env.get(name).cloned())
        .build_config()
}

fn otlp(result: Result<Config, Error>) -> OtlpConfig {
    match result.map(|config| config.exporter) {
        Ok(ExporterConfig::Otlp(otlp)) => otlp,
        other => panic!("expected OTLP, got {other:?}"),
    }
}

fn error(result: Result<Config, Error>) -> String {
    match result {
        Ok(config) => panic!("accepted: {config:?}"),
        Err(error) => error.to_string(),
    }
}

const HTTPS: (&str, &str) = ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318");

#[test]
fn gzip_compression_comes_from_either_variable_and_the_traces_one_wins() {
    let general = otlp(with_env(
        agentrace::builder(),
        &[HTTPS, ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")],
    ));
    assert_eq!(general.compression, Compression::Gzip);
    let traces = otlp(with_env(
        agentrace::builder(),
        &[
            HTTPS,
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
            ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "none"),
        ],
    ));
    assert_eq!(traces.compression, Compression::None);
    let default = otlp(with_env(agentrace::builder(), &[HTTPS]));
    assert_eq!(default.compression, Compression::None);
}

#[test]
fn the_builder_compression_wins_over_the_environment() {
    let config = otlp(with_env(
        agentrace::builder().compression(Compression::Gzip),
        &[HTTPS, ("OTEL_EXPORTER_OTLP_COMPRESSION", "none")],
    ));
    assert_eq!(config.compression, Compression::Gzip);
}

#[test]
fn an_unknown_compression_names_the_variable_and_value() {
    let message = error(with_env(
        agentrace::builder(),
        &[HTTPS, ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "brotli")],
    ));
    assert_eq!(
        message,
        "invalid OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=\"brotli\": expected gzip or none"
    );
}

#[test]
fn certificate_files_come_from_the_standard_variables() {
    let config = otlp(with_env(
        agentrace::builder(),
        &[
            HTTPS,
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/otel/ca.pem"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
                "/etc/otel/traces-ca.pem",
            ),
            (
                "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
                "/etc/otel/client.pem",
            ),
            (
                "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
                "/etc/otel/client-key.pem",
            ),
        ],
    ));
    assert_eq!(
        config.tls.ca_certificate.as_deref(),
        Some(Path::new("/etc/otel/traces-ca.pem"))
    );
    assert_eq!(
        config.tls.client_certificate.as_deref(),
        Some(Path::new("/etc/otel/client.pem"))
    );
    assert_eq!(
        config.tls.client_key.as_deref(),
        Some(Path::new("/etc/otel/client-key.pem"))
    );
}

#[test]
fn builder_certificates_win_over_the_environment() {
    let config = otlp(with_env(
        agentrace::builder()
            .ca_certificate("code-ca.pem")
            .client_certificate("code-client.pem", "code-key.pem"),
        &[
            HTTPS,
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", "env-ca.pem"),
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "env-client.pem"),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY", "env-key.pem"),
        ],
    ));
    assert_eq!(
        config.tls.ca_certificate.as_deref(),
        Some(Path::new("code-ca.pem"))
    );
    assert_eq!(
        config.tls.client_key.as_deref(),
        Some(Path::new("code-key.pem"))
    );
}

#[test]
fn a_client_key_without_a_certificate_is_an_error_naming_the_variable() {
    let message = error(with_env(
        agentrace::builder(),
        &[HTTPS, ("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/secret/key.pem")],
    ));
    assert_eq!(
        message,
        "invalid OTEL_EXPORTER_OTLP_CLIENT_KEY=\"/secret/key.pem\": mutual TLS needs \
         OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE too"
    );
}

#[test]
fn a_grpc_endpoint_without_a_scheme_uses_tls_unless_insecure() {
    let grpc = ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    let bare = ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317");
    let secure = otlp(with_env(agentrace::builder(), &[grpc, bare]));
    assert_eq!(secure.endpoint, "https://collector:4317");
    let insecure = otlp(with_env(
        agentrace::builder(),
        &[grpc, bare, ("OTEL_EXPORTER_OTLP_INSECURE", "true")],
    ));
    assert_eq!(insecure.endpoint, "http://collector:4317");
    let traces = otlp(with_env(
        agentrace::builder(),
        &[
            grpc,
            bare,
            ("OTEL_EXPORTER_OTLP_INSECURE", "true"),
            ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "false"),
        ],
    ));
    assert_eq!(traces.endpoint, "https://collector:4317");
    let code = otlp(with_env(
        agentrace::builder().insecure(true),
        &[grpc, bare, ("OTEL_EXPORTER_OTLP_INSECURE", "false")],
    ));
    assert_eq!(code.endpoint, "http://collector:4317");
}

#[test]
fn insecure_does_not_change_an_endpoint_with_a_scheme() {
    let config = otlp(with_env(
        agentrace::builder(),
        &[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4317"),
            ("OTEL_EXPORTER_OTLP_INSECURE", "true"),
        ],
    ));
    assert_eq!(config.endpoint, "https://collector:4317");
}

#[test]
fn a_bad_insecure_value_names_the_variable() {
    let message = error(with_env(
        agentrace::builder(),
        &[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"),
            ("OTEL_EXPORTER_OTLP_INSECURE", "yes"),
        ],
    ));
    assert_eq!(
        message,
        "invalid OTEL_EXPORTER_OTLP_INSECURE=\"yes\": expected true or false"
    );
}

#[test]
fn an_http_endpoint_without_a_scheme_stays_an_error() {
    let message = error(with_env(
        agentrace::builder(),
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")],
    ));
    assert!(
        message.contains("expected an http:// or https:// URL"),
        "{message}"
    );
}

#[test]
fn langfuse_over_grpc_is_an_error_whether_asked_in_code_or_the_environment() {
    let langfuse = || agentrace::builder().langfuse("https://cloud.langfuse.com", "pk", "sk");
    let from_env = error(with_env(
        langfuse(),
        &[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")],
    ));
    assert_eq!(
        from_env,
        "invalid OTEL_EXPORTER_OTLP_PROTOCOL=\"grpc\": Langfuse has no gRPC endpoint; it takes \
         OTLP over HTTP/protobuf only"
    );
    let from_code = error(with_env(langfuse().protocol(Protocol::Grpc), &[]));
    assert!(from_code.starts_with("invalid builder.protocol=\"grpc\": Langfuse has no gRPC"));
    let http = otlp(with_env(langfuse(), &[]));
    assert_eq!(http.protocol, Protocol::HttpProtobuf);
    assert_eq!(
        http.endpoint,
        "https://cloud.langfuse.com/api/public/otel/v1/traces"
    );
}

#[test]
fn phoenix_cloud_sends_the_api_key_as_a_bearer_token() {
    let config = with_env(
        agentrace::builder().phoenix_cloud("https://app.phoenix.arize.com/s/team", "key-1", "bot"),
        &[],
    )
    .unwrap();
    assert_eq!(config.project_name.as_deref(), Some("bot"));
    let otlp = otlp(Ok(config));
    assert_eq!(
        otlp.endpoint,
        "https://app.phoenix.arize.com/s/team/v1/traces"
    );
    assert_eq!(
        otlp.headers,
        [("authorization".to_string(), "Bearer key-1".to_string())]
    );
}
