//! TLS that cannot work: a server certificate from a CA the exporter does not trust, one
//! that expired, one for another host, a receiver requiring a client certificate the
//! exporter lacks, and a client key file that is missing. Each gives one clear line naming
//! the endpoint and what failed (never a key's contents); the spans are counted as not
//! delivered; the traced calls return what they return untraced, quickly (the bounds here
//! are generous sanity checks, not benchmarks).

mod tls;

use agentrace_tests::otlp_receiver::{child, Receiver, ServerTls, Wire};
use tls::{Authority, Outcome};

/// Which way the TLS setup is broken.
#[derive(Clone, Copy, Debug)]
enum Fault {
    UnknownCa,
    Expired,
    WrongHost,
    NoClientCertificate,
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

/// Runs one turn against a receiver broken by `fault`; returns the child's outcome and the
/// endpoint.
fn export_with(test: &str, wire: Wire, fault: Fault) -> (Outcome, String, Receiver) {
    let trusted = Authority::new("agentrace trusted CA");
    let other = Authority::new("agentrace other CA");
    let dir = tls::dir(test);
    let ca = tls::write(&dir, "ca.pem", &trusted.pem);
    let server: ServerTls = match fault {
        Fault::UnknownCa => other.server(&["127.0.0.1"], false),
        Fault::Expired => trusted.server(&["127.0.0.1"], true),
        Fault::WrongHost => trusted.server(&["collector.example"], false),
        Fault::NoClientCertificate => {
            let mut server = trusted.server(&["127.0.0.1"], false);
            server.client_ca_pem = Some(trusted.pem.clone());
            server
        }
    };
    let receiver = Receiver::start_tls(wire, server);
    let endpoint = receiver.endpoint();
    let outcome = tls::run(
        test,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca),
        ],
    );
    (outcome, endpoint, receiver)
}

/// The failure is counted, said once on standard error naming the endpoint and `reason`,
/// and the traced calls were unaffected.
fn assert_failed_cleanly(outcome: &Outcome, endpoint: &str, wire: Wire, reasons: &[&str]) {
    assert_eq!(outcome.init_error, None);
    let numbers = &outcome.numbers;
    assert_eq!(numbers["exported"], 0, "{}", outcome.stderr);
    assert_eq!(numbers["failed"], 4, "{}", outcome.stderr);
    assert_eq!(numbers["not_delivered"], 4, "{}", outcome.stderr);
    assert!(numbers["call_ms"] < 1000, "{numbers:?}");
    assert!(numbers["shutdown_ms"] < 30_000, "{numbers:?}");
    let url = match wire {
        Wire::Http => format!("{endpoint}/v1/traces"),
        Wire::Grpc => endpoint.to_string(),
    };
    let first: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|line| line.starts_with(&format!("agentrace: export to {url} failed: ")))
        .collect();
    assert_eq!(first.len(), 1, "{}", outcome.stderr);
    assert!(
        reasons.iter().any(|reason| first[0].contains(reason)),
        "expected one of {reasons:?} in {:?}",
        first[0]
    );
    let summary: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|line| line.contains("4 of 4 spans were not delivered"))
        .collect();
    assert_eq!(summary.len(), 1, "{}", outcome.stderr);
}

macro_rules! fault_test {
    ($name:ident, $wire:expr, $fault:expr, $($reason:expr),+) => {
        #[test]
        fn $name() {
            const NAME: &str = stringify!($name);
            if child_or(NAME, $wire) {
                return;
            }
            let (outcome, endpoint, receiver) = export_with(NAME, $wire, $fault);
            assert_failed_cleanly(&outcome, &endpoint, $wire, &[$($reason),+]);
            assert!(receiver.spans().is_empty());
        }
    };
}

fault_test!(
    unknown_ca_over_http_is_a_counted_clear_failure,
    Wire::Http,
    Fault::UnknownCa,
    "UnknownIssuer"
);
fault_test!(
    unknown_ca_over_grpc_is_a_counted_clear_failure,
    Wire::Grpc,
    Fault::UnknownCa,
    "UnknownIssuer"
);
fault_test!(
    expired_certificate_over_http_is_a_counted_clear_failure,
    Wire::Http,
    Fault::Expired,
    "expired"
);
fault_test!(
    expired_certificate_over_grpc_is_a_counted_clear_failure,
    Wire::Grpc,
    Fault::Expired,
    "expired"
);
fault_test!(
    wrong_host_over_http_is_a_counted_clear_failure,
    Wire::Http,
    Fault::WrongHost,
    "not valid for name"
);
fault_test!(
    wrong_host_over_grpc_is_a_counted_clear_failure,
    Wire::Grpc,
    Fault::WrongHost,
    "not valid for name"
);
// With TLS 1.3 the client's handshake ends before the server checks the client's
// certificate: the refusal arrives as the server's alert or as the closed connection,
// whichever the client reads first.
fault_test!(
    missing_client_certificate_over_http_is_a_counted_clear_failure,
    Wire::Http,
    Fault::NoClientCertificate,
    "CertificateRequired",
    "roken pipe",
    "onnection reset"
);
// With TLS 1.3 the client's handshake ends before the server checks the client's
// certificate: the refusal arrives as the server's alert or as the closed connection,
// whichever the client reads first.
fault_test!(
    missing_client_certificate_over_grpc_is_a_counted_clear_failure,
    Wire::Grpc,
    Fault::NoClientCertificate,
    "CertificateRequired",
    "roken pipe",
    "onnection reset"
);

/// A client key file that is not there: `init()` says so, naming the endpoint and the
/// file; the program goes on untraced.
fn missing_key_file(test: &str, wire: Wire) {
    let authority = Authority::new("agentrace test CA");
    let dir = tls::dir(test);
    let (cert, _key) = authority.issue(&["agentrace-client"], true, false);
    let cert = tls::write(&dir, "client.pem", &cert);
    let key = dir.join("no-such-key.pem");
    let receiver = Receiver::start_tls(wire, authority.server(&["127.0.0.1"], false));
    let endpoint = receiver.endpoint();
    let outcome = tls::run(
        test,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", receiver.protocol()),
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", &cert),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY", key.to_str().unwrap()),
        ],
    );
    let error = outcome.init_error.expect("init fails");
    assert!(
        error.contains(&format!("OTLP exporter for {endpoint}")),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "the client key file {}: cannot be read",
            key.display()
        )),
        "{error}"
    );
    assert!(outcome.numbers.is_empty());
}

#[test]
fn missing_client_key_file_fails_init_over_http() {
    const NAME: &str = "missing_client_key_file_fails_init_over_http";
    if child_or(NAME, Wire::Http) {
        return;
    }
    missing_key_file(NAME, Wire::Http);
}

#[test]
fn missing_client_key_file_fails_init_over_grpc() {
    const NAME: &str = "missing_client_key_file_fails_init_over_grpc";
    if child_or(NAME, Wire::Grpc) {
        return;
    }
    missing_key_file(NAME, Wire::Grpc);
}
