//! Writes one trace whose every field a user can see holds text an attacker could shape
//! through a prompt injection: terminal escapes (CSI, OSC title and clipboard, BEL, NUL,
//! backspace, DEL, C1), HTML and script payloads, a JSON lone surrogate and bytes that are
//! not UTF-8. For the viewer's tests and its headless-Chromium check:
//! `hostile_store <db>` prints the trace id, then the span id of the child span.

use agentrace::store::{SpanStore, SqliteStore};
use agentrace::SpanRecord;

/// Terminal escapes: retitle (OSC 0), write the clipboard (OSC 52), clear the screen (CSI),
/// move the cursor, ring the bell, NUL, backspace, DEL and a C1 CSI.
const TERMINAL: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{1b}[1;1H\u{0}\u{8}\u{7f}\u{9b}31m";
/// Markup that would run or inject if a page used it as HTML.
const HTML: &str = "<img src=x onerror=\"document.body.dataset.pwned='img'\"></script><script>document.body.dataset.pwned='script'</script>";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db] = args.as_slice() else {
        eprintln!("usage: hostile_store <db>");
        std::process::exit(2);
    };
    let trace_id = "0af7651916cd43dd8448eb211c80319c";
    let text = |visible: &str| format!("{visible} {TERMINAL} {HTML} end");
    let root: SpanRecord = serde_json::from_value(serde_json::json!({
        "trace_id": trace_id, "span_id": "00f067aa0ba902b7",
        "name": text("invoke_agent evil"), "kind": "internal",
        "start_time": 1_700_000_000_000_000_000u64, "end_time": 1_700_000_000_002_000_000u64,
        "status": {"status_code": "ERROR", "description": text("agent failed")},
        "attributes": {"gen_ai.agent.name": text("agent name"), "input.value": text("input")},
        "resource": {"attributes": {"service.name": text("service")}},
    }))
    .expect("root record");
    let child: SpanRecord = serde_json::from_value(serde_json::json!({
        "trace_id": trace_id, "span_id": "b7ad6b7169203331", "parent_id": "00f067aa0ba902b7",
        "name": text("chat evil-model"), "kind": "client",
        "start_time": 1_700_000_000_000_500_000u64, "end_time": 1_700_000_000_001_500_000u64,
        "status": {"status_code": "ERROR", "description": text("model failed")},
        "attributes": {
            "gen_ai.request.model": text("model"),
            "error.type": text("error type"),
            "gen_ai.usage.input_tokens": 3,
            "output.value": text("output"),
        },
        "events": [{"name": text("exception"), "timestamp": 1_700_000_000_001_000_000u64,
            "attributes": {"exception.message": text("event message")}}],
    }))
    .expect("child record");
    let store = SqliteStore::open(db).expect("open the store");
    store.add_spans(vec![root, child]).expect("write the spans");
    drop(store);
    // What no SpanRecord can hold, written the way another program could: a JSON escape of
    // a lone surrogate, and a name whose bytes are not UTF-8.
    let connection = rusqlite::Connection::open(db).expect("open with SQLite");
    connection
        .execute(
            "UPDATE spans SET attributes = json_set(attributes, '$.\"lone\"', 'x')
             WHERE span_id = 'b7ad6b7169203331'",
            [],
        )
        .expect("add an attribute");
    connection
        .execute(
            "UPDATE spans SET attributes = replace(attributes, '\"lone\":\"x\"',
                 '\"lone\":\"half \\ud800 of a pair\"'),
               name = CAST(X'6c6f6e65206279746573ff1b5d303b78070a' AS TEXT) || name
             WHERE span_id = 'b7ad6b7169203331'",
            [],
        )
        .expect("write what a record cannot hold");
    println!("{trace_id}");
    println!("b7ad6b7169203331");
}
