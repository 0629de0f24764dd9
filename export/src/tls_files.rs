//! The PEM files of the TLS settings ([`TlsFiles`](crate::TlsFiles)), read and checked before
//! the first connection, so that a missing or wrong file fails `init()` with one line naming
//! the endpoint and the file (never its contents). Both transports build their TLS
//! configuration from the [`Loaded`] contents.

use std::path::Path;

use crate::OtlpConfig;

/// The PEM contents of the files of a [`TlsFiles`], checked.
#[cfg_attr(
    not(any(feature = "otlp-http", feature = "otlp-grpc")),
    allow(dead_code)
)]
pub(crate) struct Loaded {
    pub(crate) ca: Option<Vec<u8>>,
    /// Certificate chain and private key.
    pub(crate) identity: Option<(Vec<u8>, Vec<u8>)>,
}

/// Reads and checks the files of `config.tls`; an error names the endpoint, the file and
/// what is wrong with it, never the file's contents.
#[cfg_attr(
    not(any(feature = "otlp-http", feature = "otlp-grpc")),
    allow(dead_code)
)]
pub(crate) fn load(config: &OtlpConfig) -> Result<Loaded, String> {
    let endpoint = &config.endpoint;
    let fail = |what: &str, path: &Path, why: String| {
        format!(
            "OTLP exporter for {endpoint}: the {what} file {}: {why}",
            path.display()
        )
    };
    let read = |what: &str, path: &Path| {
        std::fs::read(path).map_err(|error| fail(what, path, format!("cannot be read ({error})")))
    };
    let ca = match &config.tls.ca_certificate {
        Some(path) => {
            let pem = read("CA certificate", path)?;
            if count_certificates(&pem) == 0 {
                return Err(fail(
                    "CA certificate",
                    path,
                    "holds no PEM certificate".into(),
                ));
            }
            Some(pem)
        }
        None => None,
    };
    let identity = match (&config.tls.client_certificate, &config.tls.client_key) {
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => {
            return Err(format!(
                "OTLP exporter for {endpoint}: mutual TLS needs both a client certificate and \
                 a client key file, only one is given"
            ))
        }
        (Some(cert_path), Some(key_path)) => {
            let cert = read("client certificate", cert_path)?;
            if count_certificates(&cert) == 0 {
                return Err(fail(
                    "client certificate",
                    cert_path,
                    "holds no PEM certificate".into(),
                ));
            }
            let key = read("client key", key_path)?;
            if !has_private_key(&key) {
                return Err(fail(
                    "client key",
                    key_path,
                    "holds no PEM private key".into(),
                ));
            }
            Some((cert, key))
        }
    };
    Ok(Loaded { ca, identity })
}

#[cfg_attr(
    not(any(feature = "otlp-http", feature = "otlp-grpc")),
    allow(dead_code)
)]
fn count_certificates(pem: &[u8]) -> usize {
    use rustls_pki_types::pem::PemObject;
    rustls_pki_types::CertificateDer::pem_slice_iter(pem)
        .take_while(Result::is_ok)
        .count()
}

#[cfg_attr(
    not(any(feature = "otlp-http", feature = "otlp-grpc")),
    allow(dead_code)
)]
fn has_private_key(pem: &[u8]) -> bool {
    use rustls_pki_types::pem::PemObject;
    rustls_pki_types::PrivateKeyDer::from_pem_slice(pem).is_ok()
}
