//! `agentrace stats` on a store with known spans: calls, errors, tokens in and out and the
//! p50/p90/p99 latencies per operation and model, only for spans in the window, with every
//! name from the store made safe to print; the same figures from the SQLite store through the
//! command and from the memory store through the library (the figures come from the
//! `SpanStore` trait, whatever the backend).

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agentrace_store::{MemoryStore, SpanRecord, SpanStore, SqliteStore};
use serde_json::{json, Value};

const CLI: &str = env!("CARGO_BIN_EXE_agentrace_cli");
const MS: u64 = 1_000_000;
const HOSTILE_MODEL: &str = "evil\u{1b}]0;pwned\u{7}";

fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

struct Spans {
    records: Vec<SpanRecord>,
    next_id: u64,
}

impl Spans {
    fn add(&mut self, trace: u8, start: u64, millis: u64, error: bool, attributes: Value) {
        self.next_id += 1;
        let record = json!({
            "trace_id": format!("{trace:032x}"),
            "span_id": format!("{:016x}", self.next_id),
            "name": "span",
            "kind": "client",
            "start_time": start,
            "end_time": start + millis * MS,
            "status": {"status_code": if error { "ERROR" } else { "OK" }},
            "attributes": attributes,
        });
        self.records.push(serde_json::from_value(record).unwrap());
    }
}

/// Ten chats of 10..100 ms (two failed), an embedding, a failed tool call, an agent turn and
/// a plain span in the last ten minutes; one expensive chat two hours ago, in its own trace.
fn known_spans() -> Vec<SpanRecord> {
    let recent = now_nanos() - 10 * 60 * 1_000_000_000;
    let old = now_nanos() - 2 * 3600 * 1_000_000_000;
    let mut spans = Spans {
        records: Vec::new(),
        next_id: 0,
    };
    for i in 1..=10u64 {
        let chat = json!({
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.response.model": "gpt-4o-2024-08-06",
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 2,
        });
        spans.add(1, recent + i * MS, i * 10, i == 3 || i == 7, chat);
    }
    let embedding = json!({
        "gen_ai.operation.name": "embeddings",
        "gen_ai.request.model": "text-embedding-3-small",
        "gen_ai.usage.input_tokens": 8,
    });
    spans.add(1, recent, 5, false, embedding);
    let tool = json!({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search"});
    spans.add(1, recent, 7, true, tool);
    let agent = json!({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "helper"});
    spans.add(1, recent, 150, false, agent);
    spans.add(1, recent, 1, false, json!({"app.step": "plain"}));
    let hostile = json!({"gen_ai.operation.name": "chat", "gen_ai.request.model": HOSTILE_MODEL});
    spans.add(1, recent, 3, false, hostile);
    let old_chat = json!({
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 500,
    });
    spans.add(2, old, 999, true, old_chat);
    spans.records
}

fn sqlite_store() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("agentrace-stats-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("traces.db");
    let store = SqliteStore::open(&path).unwrap();
    store.add_spans(known_spans()).unwrap();
    path
}

fn stats(db: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(CLI)
        .arg("--db")
        .arg(db)
        .arg("stats")
        .args(args)
        .env_remove("AGENTRACE_STORE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The table's rows, each split into its words.
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut lines = text
        .lines()
        .skip_while(|line| !line.starts_with("OPERATION"));
    assert!(lines.next().is_some(), "no heading in {text}");
    lines
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn row(words: &str) -> Vec<String> {
    words.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn stats_sums_up_the_window_per_operation_and_model() {
    let db = sqlite_store();
    let text = stats(&db, &["--since", "1h"]);
    assert!(
        text.starts_with("GenAI operations since ") && text.contains("(1h): 14 calls in 1 traces"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "escape sequences printed: {text:?}"
    );
    assert_eq!(
        rows(&text),
        [
            row("chat evil\\u{1b}]0;pwned\\u{7} 1 0 0 0 3.000 ms 3.000 ms 3.000 ms"),
            row("chat gpt-4o 10 2 100 20 50.000 ms 90.000 ms 100.000 ms"),
            row("embeddings text-embedding-3-small 1 0 8 0 5.000 ms 5.000 ms 5.000 ms"),
            row("execute_tool search 1 1 0 0 7.000 ms 7.000 ms 7.000 ms"),
            row("invoke_agent helper 1 0 0 0 150.000 ms 150.000 ms 150.000 ms"),
        ],
        "{text}"
    );
}

#[test]
fn stats_over_everything_stored_includes_older_calls() {
    let db = sqlite_store();
    let text = stats(&db, &["--since", "all"]);
    assert!(text.starts_with("GenAI operations all stored spans: 15 calls in 2 traces"));
    let chat = rows(&text)
        .into_iter()
        .find(|words| words[..2] == ["chat", "gpt-4o"])
        .unwrap();
    // Eleven calls: the old one adds an error, 1000/500 tokens and the slowest latency.
    assert_eq!(
        chat,
        row("chat gpt-4o 11 3 1100 520 60.000 ms 100.000 ms 999.000 ms")
    );
}

#[test]
fn stats_of_an_empty_window_says_so_and_a_bad_age_is_a_usage_error() {
    let db = sqlite_store();
    let text = stats(&db, &["--since", "1m"]);
    assert!(
        text.starts_with("no GenAI operations in the store, since "),
        "{text}"
    );
    let out = Command::new(CLI)
        .arg("--db")
        .arg(&db)
        .args(["stats", "--since", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("--since \"yesterday\""), "{stderr}");
}

#[test]
fn the_memory_store_gives_the_same_figures() {
    let store = MemoryStore::new(1 << 24);
    store.add_spans(known_spans()).unwrap();
    let since = now_nanos() - Duration::from_secs(3600).as_nanos() as u64;
    let figures = agentrace_viewer::stats(&store, Some(since)).unwrap();
    assert_eq!(figures.traces, 1);
    let chat = figures
        .rows
        .iter()
        .find(|row| row.operation == "chat" && row.model == "gpt-4o")
        .unwrap();
    assert_eq!(
        (
            chat.calls,
            chat.errors,
            chat.input_tokens,
            chat.output_tokens
        ),
        (10, 2, 100, 20)
    );
    assert_eq!(
        (chat.p50_nanos, chat.p90_nanos, chat.p99_nanos),
        (50 * MS, 90 * MS, 100 * MS)
    );
    assert_eq!(figures.rows.len(), 5);
}
