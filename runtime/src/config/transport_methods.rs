//! The [`Builder`] methods of the OTLP transport (compression, TLS certificate files, the
//! gRPC `insecure` switch); `transport.rs` holds the settings and resolves them against the
//! environment.

use std::path::PathBuf;

use agentrace_export::Compression;

use super::builder::Builder;

impl Builder {
    /// Compresses export requests (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`): gzip on both
    /// protocols, or [`Compression::None`] (the default).
    ///
    /// ```
    /// use agentrace::config::{Compression, ExporterConfig};
    /// let config = agentrace::builder()
    ///     .otlp("https://collector.example:4318")
    ///     .compression(Compression::Gzip)
    ///     .build_config()
    ///     .unwrap();
    /// let ExporterConfig::Otlp(otlp) = config.exporter else { unreachable!() };
    /// assert_eq!(otlp.compression, Compression::Gzip);
    /// ```
    pub fn compression(mut self, compression: Compression) -> Self {
        self.transport.compression = Some(compression);
        self
    }

    /// Trusts the CA certificate(s) in this PEM file, instead of the bundled Mozilla roots,
    /// for an `https://` endpoint (`OTEL_EXPORTER_OTLP_CERTIFICATE`): a collector with a
    /// private CA.
    ///
    /// ```
    /// use agentrace::config::ExporterConfig;
    /// let config = agentrace::builder()
    ///     .otlp("https://collector.internal:4318")
    ///     .ca_certificate("/etc/otel/ca.pem")
    ///     .build_config()
    ///     .unwrap();
    /// let ExporterConfig::Otlp(otlp) = config.exporter else { unreachable!() };
    /// assert_eq!(otlp.tls.ca_certificate.as_deref(), Some(std::path::Path::new("/etc/otel/ca.pem")));
    /// ```
    pub fn ca_certificate(mut self, path: impl Into<PathBuf>) -> Self {
        self.transport.ca_certificate = Some(path.into());
        self
    }

    /// Mutual TLS: presents the certificate chain and private key in these PEM files
    /// (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_KEY`).
    pub fn client_certificate(
        mut self,
        certificate: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
    ) -> Self {
        self.transport.client_identity = Some((certificate.into(), key.into()));
        self
    }

    /// For a gRPC endpoint given without a scheme (`collector:4317`): `true` connects in
    /// plaintext, `false` (the default) with TLS (`OTEL_EXPORTER_OTLP_INSECURE`, as the
    /// specification defines it). An endpoint with `http://` or `https://` says it itself.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.transport.insecure = Some(insecure);
        self
    }
}
