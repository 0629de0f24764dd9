//! TLS and compression of the OTLP connections, applied to an `opentelemetry-otlp` exporter
//! builder: the span exporter uses it, and so can a metrics or logs exporter built from the
//! same [`OtlpConfig`] ([`apply_http_transport`], [`apply_grpc_transport`]).
//!
//! Both protocols use rustls with the *ring* crypto provider (unless the application
//! installed a process-wide default provider, which is then used) and trust the bundled
//! Mozilla roots (`webpki-roots`), or only the CA file given in [`TlsFiles::ca_certificate`].
//! Nothing needs OpenSSL or cmake at build time, and a minimal container without a system
//! certificate store still reaches a hosted backend.

use std::path::PathBuf;

#[cfg(any(feature = "otlp-http", feature = "otlp-grpc", test))]
use crate::tls_files::load;
use crate::OtlpConfig;

/// How OTLP request bodies are compressed (`OTEL_EXPORTER_OTLP_COMPRESSION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Compression {
    /// Sent as they are (the default).
    #[default]
    None,
    /// gzip (`Content-Encoding: gzip` over HTTP, `grpc-encoding: gzip` over gRPC).
    Gzip,
}

/// The certificate files of a TLS connection to an OTLP endpoint: PEM files, read when the
/// exporter is built. They apply to `https://` endpoints; a plain `http://` endpoint only
/// checks that they can be read.
///
/// ```
/// use agentrace_export::{OtlpConfig, Protocol, TlsFiles};
/// let mut otlp = OtlpConfig::new("https://collector.internal:4318/v1/traces", Protocol::HttpProtobuf);
/// otlp.tls = TlsFiles::default().ca_certificate("/etc/otel/ca.pem");
/// assert!(otlp.tls.client_certificate.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TlsFiles {
    /// The CA certificate(s) to trust instead of the bundled roots
    /// (`OTEL_EXPORTER_OTLP_CERTIFICATE`).
    pub ca_certificate: Option<PathBuf>,
    /// The client's certificate chain, for mutual TLS (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`).
    pub client_certificate: Option<PathBuf>,
    /// The client's private key, for mutual TLS (`OTEL_EXPORTER_OTLP_CLIENT_KEY`).
    pub client_key: Option<PathBuf>,
}

impl TlsFiles {
    /// Trusts the CA certificate(s) in `path` instead of the bundled roots.
    pub fn ca_certificate(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_certificate = Some(path.into());
        self
    }

    /// Presents the certificate chain in `certificate` with the private key in `key`
    /// (mutual TLS).
    pub fn client_identity(
        mut self,
        certificate: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
    ) -> Self {
        self.client_certificate = Some(certificate.into());
        self.client_key = Some(key.into());
        self
    }
}

/// `true` for an `https://` endpoint.
#[cfg_attr(not(feature = "otlp-grpc"), allow(dead_code))]
pub(crate) fn is_https(endpoint: &str) -> bool {
    endpoint
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// Applies the TLS settings and compression of `config` to an OTLP/HTTP exporter builder
/// (`SpanExporter::builder().with_http()`, or the metrics or logs equivalent): requests go
/// through a blocking ureq client with rustls (ring, bundled roots, or the CA file; the
/// client identity for mutual TLS) and `config.timeout`, compressed when asked. Endpoint and
/// headers are left to the caller. `Err` names the endpoint and the file that failed.
///
/// ```
/// use agentrace_export::{apply_http_transport, Compression, OtlpConfig, Protocol};
/// use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
///
/// let mut config = OtlpConfig::new("https://collector.example:4318/v1/traces", Protocol::HttpProtobuf);
/// config.compression = Compression::Gzip;
/// let builder = opentelemetry_otlp::SpanExporter::builder()
///     .with_http()
///     .with_endpoint(config.endpoint.clone());
/// let exporter = apply_http_transport(builder, &config).unwrap().build().unwrap();
/// # drop(exporter);
/// ```
#[cfg(feature = "otlp-http")]
pub fn apply_http_transport<B>(builder: B, config: &OtlpConfig) -> Result<B, String>
where
    B: opentelemetry_otlp::WithHttpConfig,
{
    apply_http_transport_with(builder, config, Default::default())
}

/// [`apply_http_transport`], keeping the client's last transport error in `last_error`.
#[cfg(feature = "otlp-http")]
pub(crate) fn apply_http_transport_with<B>(
    builder: B,
    config: &OtlpConfig,
    last_error: crate::http_client::LastError,
) -> Result<B, String>
where
    B: opentelemetry_otlp::WithHttpConfig,
{
    let loaded = load(config)?;
    let client = crate::http_client::UreqClient::new(config, &loaded, last_error)?;
    let builder = builder.with_http_client(client);
    Ok(match config.compression {
        Compression::Gzip => builder.with_compression(opentelemetry_otlp::Compression::Gzip),
        _ => builder,
    })
}

/// Applies the TLS settings and compression of `config` to an OTLP/gRPC exporter builder
/// (`SpanExporter::builder().with_tonic()`, or the metrics or logs equivalent): an
/// `https://` endpoint gets tonic's rustls (ring) with the bundled roots, or only the CA
/// file, and the client identity for mutual TLS; requests are compressed when asked.
/// Endpoint, timeout and metadata are left to the caller. Call it inside the tokio runtime
/// that will drive the exporter. `Err` names the endpoint and the file that failed.
///
/// ```
/// use agentrace_export::{apply_grpc_transport, OtlpConfig, Protocol};
/// use opentelemetry_otlp::{WithExportConfig, WithTonicConfig};
///
/// let config = OtlpConfig::new("https://collector.example:4317", Protocol::Grpc);
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let _entered = runtime.enter();
/// let builder = opentelemetry_otlp::SpanExporter::builder()
///     .with_tonic()
///     .with_endpoint(config.endpoint.clone());
/// let exporter = apply_grpc_transport(builder, &config).unwrap().build().unwrap();
/// # drop(exporter);
/// ```
#[cfg(feature = "otlp-grpc")]
pub fn apply_grpc_transport<B>(builder: B, config: &OtlpConfig) -> Result<B, String>
where
    B: opentelemetry_otlp::WithTonicConfig,
{
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let loaded = load(config)?;
    let mut builder = builder;
    if is_https(&config.endpoint) {
        let mut tls = ClientTlsConfig::new();
        tls = match loaded.ca {
            Some(ca) => tls.ca_certificate(Certificate::from_pem(ca)),
            None => tls.with_webpki_roots(),
        };
        if let Some((cert, key)) = loaded.identity {
            tls = tls.identity(Identity::from_pem(cert, key));
        }
        builder = builder.with_tls_config(tls);
    }
    Ok(match config.compression {
        Compression::Gzip => builder.with_compression(opentelemetry_otlp::Compression::Gzip),
        _ => builder,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Protocol;

    fn config_with(tls: TlsFiles) -> OtlpConfig {
        let mut config = OtlpConfig::new(
            "https://otel.example:4318/v1/traces",
            Protocol::HttpProtobuf,
        );
        config.tls = tls;
        config
    }

    #[test]
    fn a_missing_key_file_is_named_with_the_endpoint() {
        let dir = std::env::temp_dir().join(format!("agentrace-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cert = dir.join("client.pem");
        std::fs::write(
            &cert,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let key = dir.join("absent-key.pem");
        let error = load(&config_with(
            TlsFiles::default().client_identity(&cert, &key),
        ))
        .err()
        .unwrap();
        assert!(
            error.starts_with(
                "OTLP exporter for https://otel.example:4318/v1/traces: the client key file"
            ),
            "{error}"
        );
        assert!(error.contains("absent-key.pem: cannot be read"), "{error}");
    }

    #[test]
    fn a_key_file_without_a_key_is_refused_without_its_contents() {
        let dir = std::env::temp_dir().join(format!("agentrace-tls-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cert = dir.join("client.pem");
        std::fs::write(
            &cert,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let key = dir.join("key.pem");
        std::fs::write(&key, "hunter2-secret-material").unwrap();
        let error = load(&config_with(
            TlsFiles::default().client_identity(&cert, &key),
        ))
        .err()
        .unwrap();
        assert!(
            error.ends_with("key.pem: holds no PEM private key"),
            "{error}"
        );
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn a_certificate_without_a_key_is_refused() {
        let tls = TlsFiles {
            client_certificate: Some("cert.pem".into()),
            ..TlsFiles::default()
        };
        let error = load(&config_with(tls)).err().unwrap();
        assert!(
            error.contains("needs both a client certificate and a client key"),
            "{error}"
        );
    }

    #[test]
    fn https_is_recognised_in_any_case() {
        assert!(is_https("https://a"));
        assert!(is_https("HTTPS://a"));
        assert!(!is_https("http://a"));
    }
}
