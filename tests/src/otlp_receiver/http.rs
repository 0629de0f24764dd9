//! The OTLP/HTTP side of the receiver: a small HTTP/1.1 server on a std listener that
//! decodes protobuf bodies (gzip-encoded or not) posted to a path ending in `/v1/traces` or
//! `/v1/metrics` (keep-alive connections included), over TLS (rustls) when given certificates.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use super::metrics::{self, MetricsSink};
use super::{Received, ServerTls};

/// Starts serving on 127.0.0.1; returns the port.
pub(super) fn serve(
    received: Arc<Mutex<Vec<Received>>>,
    metrics: MetricsSink,
    delay: Duration,
    tls: Option<ServerTls>,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the OTLP/HTTP receiver");
    let port = listener.local_addr().unwrap().port();
    let tls = tls.map(|tls| tls.rustls_config());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let received = received.clone();
            let metrics = metrics.clone();
            let tls = tls.clone();
            std::thread::spawn(move || {
                let _ = match tls {
                    Some(config) => match rustls::ServerConnection::new(config) {
                        Ok(server) => connection(
                            rustls::StreamOwned::new(server, stream),
                            &received,
                            &metrics,
                            delay,
                        ),
                        Err(_) => Ok(()),
                    },
                    None => connection(stream, &received, &metrics, delay),
                };
            });
        }
    });
    port
}

fn connection<S: Read + Write>(
    stream: S,
    received: &Mutex<Vec<Received>>,
    metrics_sink: &MetricsSink,
    delay: Duration,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut headers = BTreeMap::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_string();
        let path_ok = path.ends_with("/v1/traces");
        headers.insert(":path".into(), path.clone());
        if headers.get("content-encoding").map(String::as_str) == Some("gzip") {
            let mut decoded = Vec::new();
            flate2::read::GzDecoder::new(body.as_slice()).read_to_end(&mut decoded)?;
            body = decoded;
        }
        let status = match ExportTraceServiceRequest::decode(body.as_slice()) {
            _ if path.ends_with("/v1/metrics") => {
                metrics::accept_http(&body, headers, metrics_sink)
            }
            Ok(request) if path_ok => {
                received.lock().unwrap().push(Received { headers, request });
                "200 OK"
            }
            Ok(_) => "404 Not Found",
            Err(_) => "400 Bad Request",
        };
        std::thread::sleep(delay);
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n"
        );
        let writer = reader.get_mut();
        writer.write_all(response.as_bytes())?;
        writer.flush()?;
    }
}
