#![allow(dead_code)] // each test file uses part of it
//! Shared by the TLS tests: certificates made with rcgen (a CA, server certificates that are
//! good, expired or for another host, a client certificate), written as PEM files, and the
//! traced program the child processes run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use agentrace_tests::otlp_receiver::{agent, ServerTls};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// A certificate authority that signs test certificates.
pub struct Authority {
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    pub fn new(name: &str) -> Authority {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let pem = params.self_signed(&key).unwrap().pem();
        Authority {
            pem,
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for `names` (host names or IP addresses); `expired` makes one whose
    /// validity ended in 2020. Returns (certificate PEM, key PEM).
    pub fn issue(&self, names: &[&str], client: bool, expired: bool) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "agentrace test");
        params.extended_key_usages = vec![if client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        if expired {
            params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    /// Server TLS for 127.0.0.1 signed by this CA.
    pub fn server(&self, names: &[&str], expired: bool) -> ServerTls {
        let (cert_pem, key_pem) = self.issue(names, false, expired);
        ServerTls {
            cert_pem,
            key_pem,
            client_ca_pem: None,
        }
    }
}

/// A fresh directory for one test's files.
pub fn dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("agentrace-tls-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` to `dir/name`; returns the path as text.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// The child: sets up from the environment, runs one agent turn (whose answer must be what
/// it is untraced), shuts down, and prints one `RESULT` line, or `INIT_ERROR` and the error.
pub fn traced_program() {
    let guard = match agentrace::init() {
        Ok(guard) => guard,
        Err(error) => {
            println!("INIT_ERROR {error}");
            return;
        }
    };
    let started = Instant::now();
    let answer = agent::turn("weather in Paris?");
    let call_ms = started.elapsed().as_millis();
    assert_eq!(
        answer.expect("the turn succeeds"),
        "sunny in Paris; no tide station in Paris"
    );
    let handle = guard.handle();
    let shutdown = Instant::now();
    drop(guard);
    let stats = handle.export_stats();
    println!(
        "RESULT exported={} failed={} not_delivered={} call_ms={call_ms} shutdown_ms={}",
        stats.exported,
        stats.failed,
        stats.not_delivered(),
        shutdown.elapsed().as_millis()
    );
}

/// What a child printed: its `RESULT` numbers (empty when init failed), its init error, and
/// its standard error.
pub struct Outcome {
    pub numbers: std::collections::BTreeMap<String, u128>,
    pub init_error: Option<String>,
    pub stderr: String,
}

pub fn run(test: &str, env: &[(&str, &str)]) -> Outcome {
    use agentrace_tests::otlp_receiver::child;
    let mut env = env.to_vec();
    env.extend([
        ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "3000"),
        ("OTEL_SERVICE_NAME", "tls-test"),
    ]);
    let output = child::run(test, &env);
    assert!(output.status.success(), "{}", child::describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let result = stdout
        .lines()
        .find_map(|line| line.find("RESULT ").map(|at| line[at..].to_string()));
    let init_error = stdout.lines().find_map(|line| {
        line.find("INIT_ERROR ")
            .map(|at| line[at + 11..].to_string())
    });
    let numbers = result
        .iter()
        .flat_map(|line| line.split_whitespace().skip(1))
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_string(), value.parse().unwrap()))
        .collect();
    let outcome = Outcome {
        numbers,
        init_error,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    eprintln!(
        "{test}: {:?} init_error={:?}\n{}",
        outcome.numbers, outcome.init_error, outcome.stderr
    );
    outcome
}
