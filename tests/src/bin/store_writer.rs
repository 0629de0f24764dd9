//! A process that writes spans to one SQLite store, for the multi-process and SIGKILL tests:
//! `store_writer <db> <rollout> <writer name> <batches> <batch size>`. After each committed
//! batch it prints `committed <n>` (n = spans committed so far) and flushes stdout.

use std::io::Write;

use agentrace::store::{SpanStore, SqliteStore};
use agentrace::SpanRecord;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, rollout, name, batches, size] = args.as_slice() else {
        eprintln!("usage: store_writer <db> <rollout> <writer name> <batches> <batch size>");
        std::process::exit(2);
    };
    let (batches, size): (u64, u64) = (
        batches.parse().expect("batches"),
        size.parse().expect("size"),
    );
    let store = SqliteStore::open(db).expect("open");
    let mut stdout = std::io::stdout();
    let payload = "x".repeat(512);
    for batch in 0..batches {
        let spans: Vec<SpanRecord> = (0..size)
            .map(|i| {
                let n = batch * size + i;
                serde_json::from_value(serde_json::json!({
                    "rollout_id": rollout, "attempt_id": name,
                    "trace_id": format!("{:032x}", batch + 1),
                    "span_id": format!("{name}-{n:010}"),
                    "name": format!("{name} {n}"),
                    "start_time": n, "end_time": n + 1,
                    "attributes": {"payload": payload},
                }))
                .expect("record")
            })
            .collect();
        store.add_spans(spans).expect("write");
        writeln!(stdout, "committed {}", (batch + 1) * size).expect("stdout");
        stdout.flush().expect("flush");
    }
}
