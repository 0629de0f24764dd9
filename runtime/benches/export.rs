//! Export throughput over OTLP/HTTP to a local receiver: `agentrace::builder().otlp(..)` at
//! default batch settings, `#[trace_llm]` spans (content off) made at a steady 20,000 per
//! second for 30 seconds, then at the highest rate the loop reaches. The receiver (a
//! minimal HTTP/1.1 server on 127.0.0.1) reads each request and answers 200; what was
//! delivered, dropped and failed comes from the handle's `export_stats()`.
//!
//! Run with `cargo bench -p agentrace --bench export` (about 45 s).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{answer, request_of, ChatRequest, ChatResponse};

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
fn chat(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

/// Serves one keep-alive connection: reads requests, counts their bytes, answers 200.
fn serve(stream: TcpStream, requests: &AtomicU64, bytes: &AtomicU64) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        requests.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(length as u64, Ordering::Relaxed);
        writer.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n",
        )?;
    }
}

/// Makes spans at `rate` per second for `seconds`, or as fast as it can with `rate` 0.
fn produce(request: &ChatRequest, rate: u64, seconds: u64) -> (u64, Duration) {
    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let mut made = 0u64;
    while Instant::now() < end {
        for _ in 0..100 {
            std::hint::black_box(chat(request).ok());
        }
        made += 100;
        if rate > 0 {
            let due = started + Duration::from_secs_f64(made as f64 / rate as f64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
    }
    (made, started.elapsed())
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("bound").port();
    let requests = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let (r, b) = (requests.clone(), bytes.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (r, b) = (r.clone(), b.clone());
            std::thread::spawn(move || serve(stream, &r, &b));
        }
    });
    let guard = agentrace::builder()
        .with_env(|_| None)
        .otlp(format!("http://127.0.0.1:{port}"))
        .capture_content(false)
        .init()
        .expect("the pipeline starts");
    let request = request_of(2048);
    for (label, rate, seconds) in [
        ("steady 20,000/s", 20_000, 30),
        ("as fast as possible", 0, 10),
    ] {
        let before = guard.export_stats();
        let (made, took) = produce(&request, rate, seconds);
        let _ = guard.flush();
        let after = guard.export_stats();
        println!(
            "{label}: {made} spans in {took:.1?} ({:.0}/s made); exported {}, dropped {}, \
             failed {}; {} requests, {} KB received",
            made as f64 / took.as_secs_f64(),
            after.exported - before.exported,
            after.dropped - before.dropped,
            after.failed - before.failed,
            requests.load(Ordering::Relaxed),
            bytes.load(Ordering::Relaxed) / 1024,
        );
    }
    drop(guard);
}
