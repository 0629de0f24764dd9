//! How the OTLP exporter reaches its endpoint: compression, TLS certificate files, and the
//! gRPC `insecure` switch, from code (the [`Builder`](super::Builder) methods in
//! `transport_methods.rs`) or the standard variables
//! `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`, `..._CERTIFICATE`, `..._CLIENT_CERTIFICATE`,
//! `..._CLIENT_KEY` and `..._INSECURE` (the traces-specific one first).

use std::path::PathBuf;

use agentrace_export::{Compression, TlsFiles};

use super::env::Env;
use super::Protocol;
use crate::Error;

/// The transport settings made in code; each one left unset is read from the environment.
#[derive(Debug, Clone, Default)]
pub(super) struct Transport {
    pub(super) compression: Option<Compression>,
    pub(super) ca_certificate: Option<PathBuf>,
    pub(super) client_identity: Option<(PathBuf, PathBuf)>,
    pub(super) insecure: Option<bool>,
}

/// The first of the traces-specific variable and the general one that is set.
fn first(env: &Env<'_>, suffix: &str) -> Option<(String, String)> {
    let names = [
        format!("OTEL_EXPORTER_OTLP_TRACES_{suffix}"),
        format!("OTEL_EXPORTER_OTLP_{suffix}"),
    ];
    names
        .into_iter()
        .find_map(|name| env.var(&name).map(|value| (name, value)))
}

/// The resolved compression and certificate files.
pub(super) fn resolve(
    transport: &Transport,
    env: &Env<'_>,
) -> Result<(Compression, TlsFiles), Error> {
    let compression = match transport.compression {
        Some(compression) => compression,
        None => match first(env, "COMPRESSION") {
            Some((name, value)) => match value.to_ascii_lowercase().as_str() {
                "gzip" => Compression::Gzip,
                "none" => Compression::None,
                _ => return Err(Error::invalid(&name, &value, "expected gzip or none")),
            },
            None => Compression::None,
        },
    };
    let mut tls = TlsFiles::default();
    tls.ca_certificate = match &transport.ca_certificate {
        Some(path) => Some(path.clone()),
        None => first(env, "CERTIFICATE").map(|(_, path)| path.into()),
    };
    match &transport.client_identity {
        Some((certificate, key)) => {
            tls.client_certificate = Some(certificate.clone());
            tls.client_key = Some(key.clone());
        }
        None => {
            let certificate = first(env, "CLIENT_CERTIFICATE");
            let key = first(env, "CLIENT_KEY");
            match (&certificate, &key) {
                (Some((name, value)), None) => {
                    return Err(Error::invalid(
                        name,
                        value,
                        "mutual TLS needs OTEL_EXPORTER_OTLP_CLIENT_KEY too",
                    ))
                }
                // The key's path is named, never a key itself.
                (None, Some((name, value))) => {
                    return Err(Error::invalid(
                        name,
                        value,
                        "mutual TLS needs OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE too",
                    ))
                }
                _ => {}
            }
            tls.client_certificate = certificate.map(|(_, path)| path.into());
            tls.client_key = key.map(|(_, path)| path.into());
        }
    }
    Ok((compression, tls))
}

/// A gRPC endpoint without a scheme gets `https://`, or `http://` when insecure; any other
/// endpoint is returned as it is.
pub(super) fn with_scheme(
    transport: &Transport,
    env: &Env<'_>,
    protocol: Protocol,
    url: String,
) -> Result<String, Error> {
    let has_scheme = url
        .split_once("://")
        .is_some_and(|(scheme, _)| !scheme.contains(['/', '?', '#']));
    if has_scheme || url.is_empty() || protocol != Protocol::Grpc {
        return Ok(url);
    }
    let insecure = match transport.insecure {
        Some(insecure) => insecure,
        None => match first(env, "INSECURE") {
            Some((name, value)) => super::env::parse_bool(&name, &value)?,
            None => false,
        },
    };
    let scheme = if insecure { "http" } else { "https" };
    Ok(format!("{scheme}://{url}"))
}
