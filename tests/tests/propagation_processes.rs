//! Two agents in two processes over HTTP on 127.0.0.1: agent A (this test) calls agent B
//! (the `agent_b` binary) through the traced reqwest client; B's spans share A's trace id,
//! hang under A's HTTP span (itself under A's agent span), and carry the conversation and
//! user ids A set. A malformed `traceparent` sent to B makes B start a new trace and count
//! the rejection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use agentrace::conversation::Conversation;
use agentrace::testing::{capture_async, span};
use agentrace::SpanRecord;
use reqwest_middleware::ClientWithMiddleware;

const AGENT_B: &str = env!("CARGO_BIN_EXE_agent_b");

/// Starts agent B; returns the process and its port.
fn start_b() -> (Child, u16) {
    let mut child = Command::new(AGENT_B)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().strip_prefix("PORT ").unwrap().parse().unwrap();
    (child, port)
}

/// B's reply: its spans and its rejected-header count.
fn parse_reply(text: &str) -> (Vec<SpanRecord>, u64) {
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    let spans = serde_json::from_value(json["spans"].clone()).unwrap();
    (spans, json["rejected"].as_u64().unwrap())
}

#[agentrace::trace_agent(name = "agent_a")]
async fn ask_b(client: &ClientWithMiddleware, url: &str) -> String {
    let response = client.post(url).body("weather").send().await.unwrap();
    response.text().await.unwrap()
}

#[test]
fn agent_b_in_another_process_continues_agent_a_trace_with_its_ids() {
    let (mut child, port) = start_b();
    let client =
        agentrace::http_client::client(reqwest::Client::builder().no_proxy().build().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let chat = Conversation::new("conv-77").user("ada");
    let url = format!("http://127.0.0.1:{port}/ask");
    let (reply, a_spans) = runtime.block_on(capture_async(chat.scope(ask_b(&client, &url))));
    assert!(child.wait().unwrap().success());
    let (b_spans, rejected) = parse_reply(&reply);
    assert_eq!(rejected, 0);

    let a_agent = span(&a_spans, "invoke_agent agent_a");
    let a_http = span(&a_spans, "POST");
    assert_eq!(a_http.parent_id.as_deref(), Some(a_agent.span_id.as_str()));
    let b_agent = span(&b_spans, "invoke_agent agent_b");
    let b_tool = span(&b_spans, "execute_tool look_up");
    assert_eq!(b_agent.trace_id, a_agent.trace_id);
    assert_eq!(b_tool.trace_id, a_agent.trace_id);
    assert_eq!(b_agent.parent_id.as_deref(), Some(a_http.span_id.as_str()));
    assert_eq!(b_tool.parent_id.as_deref(), Some(b_agent.span_id.as_str()));
    for b_span in &b_spans {
        assert_eq!(b_span.attr_str("gen_ai.conversation.id"), Some("conv-77"));
        assert_eq!(b_span.attr_str("user.id"), Some("ada"));
        assert_eq!(b_span.attr_str("session.id"), None);
    }
}

#[test]
fn a_malformed_traceparent_makes_agent_b_start_a_new_trace() {
    let (mut child, port) = start_b();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /ask HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         traceparent: 00-00000000000000000000000000000000-00f067aa0ba902b7-01\r\n\
         baggage: {}\r\ncontent-length: 5\r\n\r\nhello",
        "k=v,".repeat(3000)
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(child.wait().unwrap().success());
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let (b_spans, rejected) = parse_reply(body);
    assert_eq!(rejected, 2, "the traceparent and the oversized baggage");
    let b_agent = span(&b_spans, "invoke_agent agent_b");
    assert!(b_agent.parent_id.is_none());
    assert_ne!(b_agent.trace_id, "00000000000000000000000000000000");
    assert_eq!(b_agent.attr_str("gen_ai.conversation.id"), None);
}
