//! The OTLP exporter for an [`OtlpConfig`]: HTTP/protobuf with a blocking client (no async
//! runtime needed) or gRPC with tonic, each behind its feature, with TLS and compression
//! from [`tls`](crate::tls).

#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
use opentelemetry_otlp::WithExportConfig;

use crate::driver::Driver;
#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
use crate::OtlpConfig;
use crate::Protocol;

/// How the export thread must drive the exporter for `protocol`.
pub(crate) fn driver_for(protocol: Protocol) -> Driver {
    match protocol {
        #[cfg(feature = "otlp-grpc")]
        Protocol::Grpc => Driver::Tokio,
        _ => Driver::Plain,
    }
}

/// Builds the exporter; called on the export thread, inside its runtime when it has one.
#[cfg(any(feature = "otlp-http", feature = "otlp-grpc"))]
pub(crate) fn build(
    config: &OtlpConfig,
) -> Result<crate::reporting::Reporting<opentelemetry_otlp::SpanExporter>, String> {
    #[cfg(feature = "otlp-http")]
    let detail = crate::http_client::LastError::default();
    let built = match config.protocol {
        #[cfg(feature = "otlp-http")]
        Protocol::HttpProtobuf => {
            use opentelemetry_otlp::WithHttpConfig;
            let builder = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_endpoint(config.endpoint.clone())
                .with_timeout(config.timeout)
                .with_headers(config.headers.iter().cloned().collect());
            crate::tls::apply_http_transport_with(builder, config, detail.clone())?.build()
        }
        #[cfg(feature = "otlp-grpc")]
        Protocol::Grpc => {
            use opentelemetry_otlp::WithTonicConfig;
            let mut metadata = tonic::metadata::MetadataMap::new();
            for (name, value) in &config.headers {
                let key = tonic::metadata::AsciiMetadataKey::from_bytes(
                    name.to_ascii_lowercase().as_bytes(),
                )
                .map_err(|error| format!("header {name:?}: {error}"))?;
                let value = value
                    .parse()
                    .map_err(|error| format!("header {name:?}: {error}"))?;
                metadata.insert(key, value);
            }
            let builder = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_protocol(opentelemetry_otlp::Protocol::Grpc)
                .with_endpoint(config.endpoint.clone())
                .with_timeout(config.timeout)
                .with_metadata(metadata);
            crate::tls::apply_grpc_transport(builder, config)?.build()
        }
        #[allow(unreachable_patterns)]
        other => return Err(format!("agentrace was built without support for {other:?}")),
    };
    built
        .map(|exporter| {
            let reporting = crate::reporting::Reporting::new(exporter, &config.endpoint);
            #[cfg(feature = "otlp-http")]
            let reporting = reporting.with_detail(detail);
            reporting
        })
        .map_err(|error| format!("OTLP exporter for {}: {error}", config.endpoint))
}
