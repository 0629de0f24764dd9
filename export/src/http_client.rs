//! The HTTP client of the OTLP/HTTP exporters: ureq's blocking agent with rustls (ring),
//! adapted to `opentelemetry-http`'s `HttpClient`. Blocking is right here: exports run on
//! the export thread (or a metrics reader's thread), never on the application's executor.

use std::io;
use std::sync::{Arc, Mutex};

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use crate::tls_files::Loaded;
use crate::OtlpConfig;

/// The largest response body read back (a collector answers with a few bytes).
const MAX_RESPONSE_BYTES: u64 = 4 << 20;

/// The last transport error of a client, as text: `opentelemetry-otlp` reports every one
/// as "network error", so the exporter's reports read the reason here.
pub(crate) type LastError = Arc<Mutex<Option<String>>>;

/// A blocking HTTP client for one OTLP endpoint.
#[derive(Debug)]
pub(crate) struct UreqClient {
    agent: ureq::Agent,
    last_error: LastError,
}

impl UreqClient {
    /// A client with `config`'s timeout and the TLS settings `loaded` from its files.
    pub(crate) fn new(
        config: &OtlpConfig,
        loaded: &Loaded,
        last_error: LastError,
    ) -> Result<Self, String> {
        use ureq::tls::{parse_pem, ClientCert, PemItem, RootCerts, TlsConfig};
        let endpoint = &config.endpoint;
        let mut tls = TlsConfig::builder();
        if let Some(ca) = &loaded.ca {
            let certificates: Vec<_> = parse_pem(ca)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(certificate)) => Some(certificate),
                    _ => None,
                })
                .collect();
            tls = tls.root_certs(RootCerts::new_with_certs(&certificates));
        }
        if let Some((chain, key)) = &loaded.identity {
            let chain: Vec<_> = parse_pem(chain)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(certificate)) => Some(certificate),
                    _ => None,
                })
                .collect();
            let key = ureq::tls::PrivateKey::from_pem(key).map_err(|_| {
                format!(
                    "OTLP exporter for {endpoint}: the client key file holds no usable private key"
                )
            })?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .tls_config(tls.build())
            .build()
            .new_agent();
        Ok(UreqClient { agent, last_error })
    }
}

#[async_trait::async_trait]
impl HttpClient for UreqClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let request = request.map(|body| body.to_vec());
        let response = self
            .agent
            .run(request)
            .map_err(|error| self.failed(error))?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|error| self.failed(error))?;
        Ok(Response::from_parts(parts, Bytes::from(bytes)))
    }
}

impl UreqClient {
    /// ureq's error as one line (with what rustls said about a refused certificate), kept
    /// as the last error.
    fn failed(&self, error: ureq::Error) -> HttpError {
        let text = match &error {
            ureq::Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
                format!("timed out: {io}")
            }
            _ => error.to_string(),
        };
        *self
            .last_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(text.clone());
        Box::new(io::Error::other(text))
    }
}
