//! Agent B of the two-process propagation test: listens on 127.0.0.1 (an ephemeral port,
//! printed as `PORT <n>` on stdout), answers one HTTP/1.1 request by extracting the trace
//! context from its headers and running its own `#[trace_agent]` under it, and replies
//! with JSON: the answer, B's spans (`SpanRecord`s) and B's count of rejected headers.
//! Exits after that request, or after 60 s without one.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

#[agentrace::trace_tool]
fn look_up(topic: &str) -> String {
    format!("notes on {topic}")
}

#[agentrace::trace_agent(name = "agent_b")]
fn answer(question: &str) -> String {
    look_up(question)
}

/// The request's headers (lowercase names) and body.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<(HashMap<String, String>, String)> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = HashMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length = headers
        .get("content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0usize)
        .min(1 << 20);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((headers, String::from_utf8_lossy(&body).into_owned()))
}

fn main() -> std::io::Result<()> {
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(60));
        std::process::exit(2);
    });
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("PORT {}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    let (stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let (headers, question) = read_request(&mut BufReader::new(stream.try_clone()?))?;
    let (reply, spans) = agentrace::testing::capture(|| {
        let _remote = agentrace::propagation::extract(&headers).attach();
        answer(&question)
    });
    let body = serde_json::json!({
        "reply": reply,
        "spans": spans,
        "rejected": agentrace::propagation::rejected_headers(),
    })
    .to_string();
    write!(
        &stream,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )?;
    Ok(())
}
