//! `https://` endpoints over both protocols, configured from the standard variables alone:
//! the in-process receiver serves TLS (and mutual TLS) with certificates made here; the
//! exporter trusts the test CA through `OTEL_EXPORTER_OTLP_CERTIFICATE`, presents its client
//! certificate through `..._CLIENT_CERTIFICATE`/`..._CLIENT_KEY`, and compresses with
//! `OTEL_EXPORTER_OTLP_COMPRESSION=gzip`, which the receiver decodes and records.

mod tls;

use agentrace_tests::otlp_receiver::{child, span, Receiver, ServerTls, Wire};
use tls::Authority;

/// Exports one agent turn to a TLS receiver; returns it after the child is done.
fn export_over_tls(test: &str, wire: Wire, mutual: bool, gzip: bool) -> Receiver {
    let authority = Authority::new("agentrace test CA");
    let dir = tls::dir(test);
    let ca = tls::write(&dir, "ca.pem", &authority.pem);
    let mut server: ServerTls = authority.server(&["127.0.0.1", "localhost"], false);
    let (client_cert, client_key) = authority.issue(&["agentrace-client"], true, false);
    let client_cert = tls::write(&dir, "client.pem", &client_cert);
    let client_key = tls::write(&dir, "client-key.pem", &client_key);
    if mutual {
        server.client_ca_pem = Some(authority.pem.clone());
    }
    let receiver = Receiver::start_tls(wire, server);
    let endpoint = receiver.endpoint();
    assert!(endpoint.starts_with("https://"), "{endpoint}");
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
        ("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", ca.as_str()),
    ];
    if mutual {
        env.push(("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", &client_cert));
        env.push(("OTEL_EXPORTER_OTLP_CLIENT_KEY", &client_key));
    }
    if gzip {
        env.push(("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"));
    }
    let outcome = tls::run(test, &env);
    assert_eq!(outcome.init_error, None);
    assert_eq!(outcome.numbers["exported"], 4, "{}", outcome.stderr);
    assert_eq!(outcome.numbers["not_delivered"], 0, "{}", outcome.stderr);
    let spans = receiver.spans();
    assert_eq!(spans.len(), 4);
    let agent = span(&spans, "invoke_agent assistant");
    assert_eq!(span(&spans, "chat tiny-1").parent_id(), agent.span_id());
    assert_eq!(agent.resource.get("service.name").unwrap(), "tls-test");
    receiver
}

/// The header that says how each request body was encoded.
fn encodings(receiver: &Receiver, header: &str) -> Vec<Option<String>> {
    receiver
        .requests()
        .iter()
        .map(|request| request.headers.get(header).cloned())
        .collect()
}

fn child_or(test: &str, wire: Wire) -> bool {
    if !child::is_child(test) {
        return false;
    }
    if wire == Wire::Grpc {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async { tls::traced_program() });
    } else {
        tls::traced_program();
    }
    true
}

#[test]
fn https_with_gzip_over_http_protobuf() {
    const NAME: &str = "https_with_gzip_over_http_protobuf";
    if child_or(NAME, Wire::Http) {
        return;
    }
    let receiver = export_over_tls(NAME, Wire::Http, false, true);
    assert_eq!(
        encodings(&receiver, "content-encoding"),
        [Some("gzip".to_string())]
    );
}

#[test]
fn https_with_gzip_over_grpc() {
    const NAME: &str = "https_with_gzip_over_grpc";
    if child_or(NAME, Wire::Grpc) {
        return;
    }
    let receiver = export_over_tls(NAME, Wire::Grpc, false, true);
    assert_eq!(
        encodings(&receiver, "grpc-encoding"),
        [Some("gzip".to_string())]
    );
}

#[test]
fn mutual_tls_over_http_protobuf() {
    const NAME: &str = "mutual_tls_over_http_protobuf";
    if child_or(NAME, Wire::Http) {
        return;
    }
    let receiver = export_over_tls(NAME, Wire::Http, true, false);
    assert_eq!(encodings(&receiver, "content-encoding"), [None]);
}

#[test]
fn mutual_tls_over_grpc_with_gzip() {
    const NAME: &str = "mutual_tls_over_grpc_with_gzip";
    if child_or(NAME, Wire::Grpc) {
        return;
    }
    let receiver = export_over_tls(NAME, Wire::Grpc, true, true);
    assert_eq!(
        encodings(&receiver, "grpc-encoding"),
        [Some("gzip".to_string())]
    );
}
