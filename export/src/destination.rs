//! Where finished spans go ([`ExporterConfig`]) and, for OTLP, how they get there
//! ([`OtlpConfig`], [`Protocol`]).

use std::time::Duration;

use crate::tls::{Compression, TlsFiles};

/// Where finished spans go.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExporterConfig {
    /// Print each finished trace as a tree on standard output.
    Console,
    /// Write spans to the embedded SQLite store (`$AGENTRACE_STORE`, else
    /// `.agentrace/traces.db` under the current directory), read by the `agentrace` viewer.
    /// The default when no OTLP endpoint is configured ([`default_exporter`](crate::default_exporter)).
    Store,
    /// Write spans to the store at this location: a SQLite file or a PostgreSQL database
    /// (`agentrace::builder().store_at("postgres://...")`).
    StoreAt(agentrace_store::StoreLocation),
    /// Send spans over OTLP.
    Otlp(OtlpConfig),
    /// Export nothing (`OTEL_TRACES_EXPORTER=none`); collection scopes still see spans.
    None,
}

/// An OTLP destination.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OtlpConfig {
    /// The URL spans are sent to: for HTTP the full traces URL (`.../v1/traces`), for gRPC
    /// the collector's address.
    pub endpoint: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// Headers (HTTP) or metadata (gRPC) sent with every export, such as authorization.
    pub headers: Vec<(String, String)>,
    /// How long one export request may take (`OTEL_EXPORTER_OTLP_TIMEOUT`, 10 s).
    pub timeout: Duration,
    /// How request bodies are compressed (`OTEL_EXPORTER_OTLP_COMPRESSION`, none).
    pub compression: Compression,
    /// The CA and client certificate files of an `https://` endpoint
    /// (`OTEL_EXPORTER_OTLP_CERTIFICATE`, `..._CLIENT_CERTIFICATE`, `..._CLIENT_KEY`); without
    /// a CA file the bundled Mozilla roots are trusted.
    pub tls: TlsFiles,
}

impl OtlpConfig {
    /// A destination at `endpoint` over `protocol`, with no headers, the standard 10 s
    /// request timeout, no compression and the bundled TLS roots.
    ///
    /// ```
    /// use agentrace_export::{OtlpConfig, Protocol};
    /// let mut otlp = OtlpConfig::new("http://localhost:4318/v1/traces", Protocol::HttpProtobuf);
    /// otlp.headers.push(("x-team".into(), "agents".into()));
    /// assert_eq!(otlp.timeout.as_secs(), 10);
    /// ```
    pub fn new(endpoint: impl Into<String>, protocol: Protocol) -> Self {
        OtlpConfig {
            endpoint: endpoint.into(),
            protocol,
            headers: Vec::new(),
            timeout: Duration::from_secs(10),
            compression: Compression::None,
            tls: TlsFiles::default(),
        }
    }
}

/// The OTLP wire protocol (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// `http/protobuf`, the default: works with no async runtime (feature `otlp-http`).
    #[default]
    HttpProtobuf,
    /// `grpc` (feature `otlp-grpc`).
    Grpc,
}
