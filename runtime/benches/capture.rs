//! Capture plus redaction of a 10 KB chat request, against `serde_json::to_string` of the
//! same value, in the same run: `cargo bench -p agentrace --bench capture`.
//!
//! After criterion's two measurements (one after the other), the bench also times the two
//! in alternating rounds of 20 calls and prints the medians and their ratio: on a shared
//! machine whose speed drifts over seconds, that ratio moves far less than the ratio of two
//! criterion medians taken ten seconds apart.

use std::time::Instant;

use criterion::{black_box, criterion_group, Criterion};
use serde::Serialize;

#[derive(Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    description: &'static str,
    parameters: serde_json::Value,
}

#[derive(Serialize)]
struct ChatRequest {
    model: &'static str,
    temperature: f32,
    max_tokens: u32,
    stream: bool,
    messages: Vec<Message>,
    tools: Vec<Tool>,
}

/// About 10 KB of JSON: a system prompt, a conversation of ordinary prose, two tools.
fn chat_request() -> ChatRequest {
    let prose = "The assistant reads the user's question, checks the weather tool for the city, \
        and answers in two short sentences with the temperature in Celsius and a hint about \
        what to wear. Keep answers friendly; never invent data the tools did not return. ";
    let mut messages = vec![Message {
        role: "system",
        content: prose.repeat(2),
    }];
    for turn in 0..34 {
        let role = if turn % 2 == 0 { "user" } else { "assistant" };
        messages.push(Message {
            role,
            content: format!("Turn {turn}: {prose}"),
        });
    }
    let parameters = serde_json::json!({
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"]
    });
    ChatRequest {
        model: "gpt-4o-mini",
        temperature: 0.2,
        max_tokens: 512,
        stream: true,
        messages,
        tools: vec![
            Tool {
                name: "weather",
                description: "Current weather for a city",
                parameters: parameters.clone(),
            },
            Tool {
                name: "forecast",
                description: "Three-day forecast for a city",
                parameters,
            },
        ],
    }
}

fn capture(c: &mut Criterion) {
    let request = chat_request();
    let size = serde_json::to_string(&request).unwrap().len();
    assert!((9_000..12_000).contains(&size), "request is {size} bytes");
    let _tracing = agentrace::builder()
        .no_export()
        .max_attribute_bytes(64 * 1024)
        .init()
        .expect("first init in this process");
    assert_eq!(
        agentrace::capture::to_json(&request),
        serde_json::to_string(&request).unwrap()
    );
    let mut group = c.benchmark_group("capture");
    group.bench_function("serde_json_to_string_10kb", |b| {
        b.iter(|| serde_json::to_string(black_box(&request)).unwrap())
    });
    group.bench_function("capture_redacted_10kb", |b| {
        b.iter(|| agentrace::capture::to_json(black_box(&request)))
    });
    group.finish();
}

/// Alternating rounds of 20 calls each; prints the median time per call of each and the
/// ratio of the medians.
fn interleaved() {
    let request = chat_request();
    let mut redacted = Vec::new();
    let mut plain = Vec::new();
    let per_call = |run: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..20 {
            run();
        }
        start.elapsed().as_nanos() as f64 / 20.0
    };
    for _ in 0..400 {
        redacted.push(per_call(&|| {
            black_box(agentrace::capture::to_json(black_box(&request)));
        }));
        plain.push(per_call(&|| {
            black_box(serde_json::to_string(black_box(&request)).unwrap());
        }));
    }
    let median = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let (redacted, plain) = (median(&mut redacted), median(&mut plain));
    println!(
        "capture/interleaved: capture_redacted_10kb {:.2} us, serde_json_to_string_10kb {:.2} us, ratio {:.2}",
        redacted / 1000.0,
        plain / 1000.0,
        redacted / plain
    );
}

criterion_group!(benches, capture);

fn main() {
    benches();
    if !std::env::args().any(|argument| argument == "--list" || argument == "--test") {
        interleaved();
    }
    Criterion::default().configure_from_args().final_summary();
}
