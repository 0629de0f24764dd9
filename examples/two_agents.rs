//! Two agents in two processes, one trace: agent A sends a question over HTTP on 127.0.0.1
//! to agent B (this same program, started again with `--agent-b`), carrying the trace
//! context and the conversation and user ids in `traceparent` and `baggage` headers. B
//! continues the trace under A's span and sends its spans back; A prints both trees and
//! checks that they share the trace id. Plain `std::net`, no features needed.
//!
//! ```sh
//! cargo run --example two_agents
//! ```

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};

use agentrace::conversation::Conversation;
use agentrace::propagation::{extract, inject};
use agentrace::store::render_tree;
use agentrace::{trace_agent, trace_tool, SpanRecord};

#[trace_tool(description = "Looks up a city's forecast")]
fn forecast(city: &str) -> String {
    format!("sunny in {city}")
}

#[trace_agent(name = "weather_agent")]
fn agent_b(question: &str) -> String {
    forecast(question.trim_end_matches('?'))
}

#[trace_agent(name = "planner")]
fn agent_a(port: u16, question: &str) -> std::io::Result<String> {
    let mut headers = HashMap::new();
    inject(&mut headers);
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(stream, "POST /ask HTTP/1.1\r\nhost: 127.0.0.1\r\n")?;
    for (name, value) in &headers {
        write!(stream, "{name}: {value}\r\n")?;
    }
    write!(
        stream,
        "content-length: {}\r\n\r\n{question}",
        question.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned())
}

/// Process B: serve one request, answering with B's spans as JSON.
fn serve_one() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("{}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    let (stream, _) = listener.accept()?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut headers = HashMap::new();
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        match line.trim_end().split_once(':') {
            Some((name, value)) => {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned())
            }
            None => break,
        };
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut question = vec![0; length.min(4096)];
    reader.read_exact(&mut question)?;
    let (_, spans) = agentrace::testing::capture(|| {
        let _remote = extract(&headers).attach();
        agent_b(&String::from_utf8_lossy(&question))
    });
    let body = serde_json::to_string(&spans).unwrap_or_default();
    write!(
        &stream,
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn main() -> std::io::Result<()> {
    if std::env::args().any(|arg| arg == "--agent-b") {
        return serve_one();
    }
    let mut b = Command::new(std::env::current_exe()?)
        .arg("--agent-b")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut port = String::new();
    BufReader::new(b.stdout.as_mut().expect("piped")).read_line(&mut port)?;
    let port: u16 = port.trim().parse().expect("agent B prints its port");

    let chat = Conversation::new("conv-1").user("ada");
    let (reply, a_spans) = agentrace::testing::capture(|| chat.run(|| agent_a(port, "Paris?")));
    b.wait()?;
    let b_spans: Vec<SpanRecord> = serde_json::from_str(&reply?).expect("agent B's spans");

    println!(
        "process A ({}):\n{}",
        std::process::id(),
        render_tree(&a_spans)
    );
    println!("process B:\n{}", render_tree(&b_spans));
    let (a, b) = (&a_spans[0], &b_spans[b_spans.len() - 1]);
    assert_eq!(b.trace_id, a.trace_id, "one trace across both processes");
    assert_eq!(b.parent_id.as_deref(), Some(a.span_id.as_str()));
    assert_eq!(b.attr_str("user.id"), Some("ada"));
    println!(
        "trace {}: B's agent hangs under A's agent, with user.id=ada",
        a.trace_id
    );
    Ok(())
}
