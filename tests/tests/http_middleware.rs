//! The reqwest middleware against a local HTTP/1.1 server on 127.0.0.1: the CLIENT span's
//! attributes, `traceparent` injected under that span, headers and bodies recorded only
//! when asked and then redacted, `url.full` without credentials or secret query values,
//! exporter traffic neither traced nor injected, and an error answer and a connection
//! failure each marked.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use agentrace::http_client::HttpTracing;
use agentrace::record::StatusCode;
use agentrace::testing::{capture_async, span};
use agentrace::SpanRecord;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};

/// What the server received: path and query, headers (lowercase names), body.
#[derive(Clone, Debug)]
struct Received {
    target: String,
    headers: HashMap<String, String>,
}

/// A server answering each connection once, by path: `/fail` 500, anything else 200 with a
/// JSON body holding a secret and a `set-cookie` header.
struct Server {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &log);
            }
        });
        Server { base, received }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn last(&self) -> Received {
        self.received.lock().unwrap().last().cloned().unwrap()
    }
}

/// Reads one request, logs it, then answers: logged first, so that a test reading the log
/// after its response came back always finds the request there.
fn serve(stream: TcpStream, log: &Mutex<Vec<Received>>) -> Option<()> {
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers
        .get("content-length")
        .map_or(Ok(0), |v| v.parse())
        .ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (status, text) = if target.starts_with("/fail") {
        ("500 Internal Server Error", "boom".to_owned())
    } else {
        let secret = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX0123";
        (
            "200 OK",
            format!(
                r#"{{"answer":"fine","api_key":"{secret}","pad":"{}"}}"#,
                "x".repeat(200)
            ),
        )
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nset-cookie: session=s3cr3t\r\n\
         x-request-id: r-1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    log.lock().unwrap().push(Received { target, headers });
    (&stream).write_all(response.as_bytes()).ok()
}

fn client(tracing: HttpTracing) -> ClientWithMiddleware {
    let inner = reqwest::Client::builder().no_proxy().build().unwrap();
    ClientBuilder::new(inner).with(tracing).build()
}

#[agentrace::trace_agent(name = "caller")]
async fn call(client: &ClientWithMiddleware, url: &str) -> Result<u16, String> {
    let response = client
        .post(url)
        .header("authorization", "Bearer abc.def.ghi-secret-token")
        .header("x-trace-me", "visible")
        .body(r#"{"question":"weather?","password":"hunter2"}"#)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let _ = response.text().await;
    Ok(status)
}

fn run(tracing: HttpTracing, url: &str) -> (Result<u16, String>, Vec<SpanRecord>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(tracing);
    runtime.block_on(capture_async(call(&client, url)))
}

fn attr<'a>(span: &'a SpanRecord, key: &str) -> Option<&'a serde_json::Value> {
    span.attributes.get(key)
}

#[test]
fn a_request_gets_a_client_span_with_the_http_attributes() {
    let server = Server::start();
    let (status, spans) = run(HttpTracing::new(), &server.url("/chat?model=tiny"));
    assert_eq!(status, Ok(200));
    let agent = span(&spans, "invoke_agent caller");
    let http = span(&spans, "POST");
    assert_eq!(http.kind, agentrace::record::RecordKind::Client);
    assert_eq!(http.parent_id.as_deref(), Some(agent.span_id.as_str()));
    assert_eq!(http.attr_str("http.request.method"), Some("POST"));
    assert_eq!(
        http.attr_str("url.full"),
        Some(server.url("/chat?model=tiny").as_str())
    );
    assert_eq!(http.attr_str("server.address"), Some("127.0.0.1"));
    let port = server
        .base
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    assert_eq!(attr(http, "server.port"), Some(&serde_json::json!(port)));
    assert_eq!(
        attr(http, "http.response.status_code"),
        Some(&serde_json::json!(200))
    );
    assert_eq!(http.status.status_code, StatusCode::Unset);
    assert!(attr(http, "error.type").is_none());
}

#[test]
fn traceparent_is_injected_under_the_client_span() {
    let server = Server::start();
    let (_, spans) = run(HttpTracing::new(), &server.url("/chat"));
    let http = span(&spans, "POST");
    let sent = server.last().headers["traceparent"].clone();
    assert_eq!(sent, format!("00-{}-{}-01", http.trace_id, http.span_id));
}

#[test]
fn headers_and_bodies_are_not_recorded_by_default() {
    let server = Server::start();
    let (_, spans) = run(HttpTracing::new(), &server.url("/chat"));
    let http = span(&spans, "POST");
    let recorded: Vec<&String> = http
        .attributes
        .keys()
        .filter(|key| key.contains(".header.") || key.contains(".body."))
        .collect();
    assert!(recorded.is_empty(), "{recorded:?}");
}

#[test]
fn recorded_headers_hide_sensitive_values() {
    let server = Server::start();
    let (_, spans) = run(
        HttpTracing::new().include_headers(true),
        &server.url("/chat"),
    );
    let http = span(&spans, "POST");
    let header = |key: &str| attr(http, key).cloned();
    assert_eq!(
        header("http.request.header.x-trace-me"),
        Some(serde_json::json!(["visible"]))
    );
    assert_eq!(
        header("http.response.header.x-request-id"),
        Some(serde_json::json!(["r-1"]))
    );
    let auth = header("http.request.header.authorization")
        .unwrap()
        .to_string();
    assert!(
        auth.contains("REDACTED") && !auth.contains("secret-token"),
        "{auth}"
    );
    let cookie = header("http.response.header.set-cookie")
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("REDACTED") && !cookie.contains("s3cr3t"),
        "{cookie}"
    );
    // The server still got the real credential: redaction is for the span only.
    assert_eq!(
        server.last().headers["authorization"],
        "Bearer abc.def.ghi-secret-token"
    );
}

#[test]
fn recorded_bodies_are_redacted_and_cut() {
    let server = Server::start();
    let tracing = HttpTracing::new().include_body(true).max_body_bytes(64);
    let (status, spans) = run(tracing, &server.url("/chat"));
    assert_eq!(status, Ok(200), "the caller still reads the whole answer");
    let http = span(&spans, "POST");
    let request = http.attr_str("http.request.body.text").unwrap();
    assert!(
        request.contains("weather?") && !request.contains("hunter2"),
        "{request}"
    );
    let response = http.attr_str("http.response.body.text").unwrap();
    assert!(!response.contains("sk-proj"), "{response}");
    assert!(
        response.ends_with('…') && response.len() <= 64 + '…'.len_utf8(),
        "{response}"
    );
    assert!(
        attr(http, "http.response.body.size")
            .unwrap()
            .as_i64()
            .unwrap()
            > 200
    );
}

#[test]
fn url_credentials_and_secret_query_values_are_redacted() {
    let server = Server::start();
    let url = server
        .url("/chat?api_key=live-123&model=tiny&token=t0k")
        .replace("http://", "http://user:pa55@");
    let (_, spans) = run(HttpTracing::new().include_headers(true), &url);
    let http = span(&spans, "POST");
    // reqwest moves URL credentials into an Authorization header, which is redacted too.
    assert_eq!(
        http.attr_str("url.full"),
        Some(
            server
                .url("/chat?api_key=REDACTED&model=tiny&token=REDACTED")
                .as_str()
        )
    );
    let auth = attr(http, "http.request.header.authorization")
        .unwrap()
        .to_string();
    assert!(auth.contains("REDACTED"), "{auth}");
    assert_eq!(
        server.last().target,
        "/chat?api_key=live-123&model=tiny&token=t0k"
    );
}

#[test]
fn credentials_left_in_a_request_url_are_redacted() {
    let server = Server::start();
    let url = server
        .url("/raw?sig=abc")
        .replace("http://", "http://user:pa55@");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(HttpTracing::new());
    let request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
    let (_, spans) = runtime.block_on(capture_async(async {
        client.execute(request).await.unwrap();
    }));
    let full = span(&spans, "GET").attr_str("url.full").unwrap().to_owned();
    assert!(
        !full.contains("pa55") && !full.contains("user") && !full.contains("abc"),
        "{full}"
    );
    assert!(full.ends_with("/raw?sig=REDACTED"), "{full}");
}

#[test]
fn exporter_traffic_is_neither_traced_nor_injected() {
    let server = Server::start();
    let (_, spans) = run(HttpTracing::new(), &server.url("/v1/traces"));
    assert_eq!(spans.len(), 1, "only the agent span: {spans:?}");
    assert!(!server.last().headers.contains_key("traceparent"));

    let tracing = HttpTracing::new().skip_url_prefix(server.url("/collector"));
    let (_, spans) = run(tracing, &server.url("/collector/ingest"));
    assert_eq!(spans.len(), 1);
    assert!(!server.last().headers.contains_key("traceparent"));
}

#[test]
fn requests_made_while_telemetry_is_suppressed_are_not_traced() {
    let server = Server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(HttpTracing::new());
    let url = server.url("/export");
    let ((), spans) = runtime.block_on(capture_async(async {
        let _suppressed = opentelemetry::Context::enter_telemetry_suppressed_scope();
        client.get(&url).send().await.unwrap();
    }));
    assert!(spans.is_empty(), "{spans:?}");
    assert!(!server.last().headers.contains_key("traceparent"));
}

#[test]
fn an_error_answer_marks_the_span() {
    let server = Server::start();
    let (status, spans) = run(HttpTracing::new(), &server.url("/fail"));
    assert_eq!(status, Ok(500));
    let http = span(&spans, "POST");
    assert_eq!(http.status.status_code, StatusCode::Error);
    assert_eq!(http.attr_str("error.type"), Some("500"));
    assert_eq!(
        attr(http, "http.response.status_code"),
        Some(&serde_json::json!(500))
    );
}

#[test]
fn a_connection_failure_marks_the_span() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/chat?api_key=live-456");
    let (status, spans) = run(HttpTracing::new(), &url);
    assert!(status.is_err());
    let http = span(&spans, "POST");
    assert_eq!(http.status.status_code, StatusCode::Error);
    assert_eq!(http.attr_str("error.type"), Some("connect"));
    assert!(attr(http, "http.response.status_code").is_none());
    let description = http.status.description.clone().unwrap_or_default();
    assert!(!description.contains("live-456"), "{description}");
}

#[test]
fn outside_any_trace_the_request_is_sent_untouched() {
    let server = Server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(HttpTracing::new());
    runtime.block_on(async { client.get(server.url("/plain")).send().await.unwrap() });
    assert!(!server.last().headers.contains_key("traceparent"));
}
