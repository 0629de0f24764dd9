//! The middleware leaves the OTLP endpoint named in the environment alone: a request there
//! gets no span and no injected `traceparent`, while a request elsewhere on the same server
//! is traced. (One test in its own binary: it sets a process-wide variable.)

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use agentrace::http_client::HttpTracing;
use agentrace::testing::capture_async;
use reqwest_middleware::ClientBuilder;

/// Serves `count` requests, sending whether each carried a `traceparent`.
fn server(count: usize) -> (String, mpsc::Receiver<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count).flatten() {
            let mut reader = BufReader::new(&stream);
            let mut traced = false;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && !line.trim_end().is_empty() {
                traced |= line.to_ascii_lowercase().starts_with("traceparent:");
                line.clear();
            }
            let _ = (&stream).write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
            let _ = sender.send(traced);
        }
    });
    (base, receiver)
}

#[test]
fn requests_to_the_configured_otlp_endpoint_are_not_traced() {
    let (base, traced) = server(2);
    std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", format!("{base}/otlp/"));
    let inner = reqwest::Client::builder().no_proxy().build().unwrap();
    let client = ClientBuilder::new(inner).with(HttpTracing::new()).build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ((), spans) = runtime.block_on(capture_async(async {
        client
            .post(format!("{base}/otlp/v1/logs"))
            .send()
            .await
            .unwrap();
        client.post(format!("{base}/api")).send().await.unwrap();
    }));
    assert!(
        !traced.recv().unwrap(),
        "the exporter's request carried a traceparent"
    );
    assert!(traced.recv().unwrap());
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(
        spans[0].attr_str("url.full"),
        Some(format!("{base}/api").as_str())
    );
}
