//! A process that writes spans to a PostgreSQL store through a `StoreWriter`, for the
//! multi-process and SIGKILL tests (`tests/tests/store_postgres_processes.rs`):
//! `pg_writer <url> <writer name> <spans> <rollouts> <batch size>`.
//!
//! Batch `b` holds spans `b * size ..`, spread over the rollouts `r0`..`r{rollouts - 1}`
//! (attempt = the writer's name). Each batch is written with an acknowledgement; when the
//! store confirms a batch committed, one line per span goes to stdout,
//! `acked <rollout> <sequence id> <span id>`, flushed at once: the parent knows exactly what
//! the store told this process was committed. At most 8 batches are in flight.

use std::io::Write;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentrace::store::{PostgresStore, StoreError, StoreWriter, WriteAck, WriterOptions};
use agentrace::SpanRecord;

struct Ack {
    done: Mutex<mpsc::Sender<bool>>,
}

impl WriteAck for Ack {
    fn done(&self, result: Result<Vec<SpanRecord>, StoreError>) {
        let ok = match result {
            Ok(stored) => {
                let mut out = std::io::stdout().lock();
                for span in &stored {
                    let _ = writeln!(
                        out,
                        "acked {} {} {}",
                        span.rollout_id.as_deref().unwrap_or(""),
                        span.sequence_id,
                        span.span_id
                    );
                }
                let _ = out.flush();
                true
            }
            Err(error) => {
                eprintln!("pg_writer: write failed: {error}");
                false
            }
        };
        let _ = self.done.lock().map(|sender| sender.send(ok));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, name, spans, rollouts, size] = args.as_slice() else {
        eprintln!("usage: pg_writer <url> <writer name> <spans> <rollouts> <batch size>");
        std::process::exit(2);
    };
    let (spans, rollouts, size): (u64, u64, u64) = (
        spans.parse().expect("spans"),
        rollouts.parse().expect("rollouts"),
        size.parse().expect("size"),
    );
    let store = PostgresStore::connect(url).expect("connect");
    let writer = StoreWriter::with_options(
        Arc::new(store),
        WriterOptions {
            queue_capacity: 64,
            max_batch: size as usize,
        },
    )
    .expect("writer");
    let (done, finished) = mpsc::channel();
    let ack: Arc<dyn WriteAck> = Arc::new(Ack {
        done: Mutex::new(done),
    });
    let payload = "x".repeat(256);
    let batches = spans.div_ceil(size);
    let mut in_flight = 0;
    let mut failed = false;
    for batch in 0..batches {
        let records: Vec<SpanRecord> = (batch * size..((batch + 1) * size).min(spans))
            .map(|n| {
                serde_json::from_value(serde_json::json!({
                    "rollout_id": format!("r{}", n % rollouts), "attempt_id": name,
                    "trace_id": format!("{:032x}", batch + 1),
                    "span_id": format!("{name}-{n:010}"),
                    "name": format!("{name} {n}"),
                    "start_time": n, "end_time": n + 1,
                    "attributes": {"payload": payload},
                }))
                .expect("record")
            })
            .collect();
        if in_flight == 8 {
            failed |= !finished.recv().expect("ack");
            in_flight -= 1;
        }
        writer
            .write_with_ack(records, Some(ack.clone()))
            .expect("queue");
        in_flight += 1;
    }
    for _ in 0..in_flight {
        failed |= !finished
            .recv_timeout(Duration::from_secs(120))
            .expect("ack");
    }
    if failed || writer.stats().failed > 0 {
        std::process::exit(1);
    }
}
