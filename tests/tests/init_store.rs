//! With no endpoint configured, `init()` writes every span to the embedded store, at the
//! path `AGENTRACE_STORE` names, and the guard's drop leaves them there for the viewer.

use agentrace::store::{Query, SpanStore, SqliteStore};
use agentrace_tests::otlp_receiver::{agent, child};

#[test]
fn the_default_exporter_is_the_embedded_store() {
    const NAME: &str = "the_default_exporter_is_the_embedded_store";
    if child::is_child(NAME) {
        let _guard = agentrace::init().expect("init");
        agent::turn("weather?").expect("turn");
        return;
    }
    let dir = std::env::temp_dir().join(format!("agentrace-init-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("traces.db");
    let output = child::run(NAME, &[("AGENTRACE_STORE", path.to_str().unwrap())]);
    assert!(output.status.success(), "{}", child::describe(&output));
    let store = SqliteStore::open(&path).expect("the store the program wrote");
    let page = store.query(&Query::all()).expect("query");
    let names: Vec<&str> = page.spans.iter().map(|span| span.name.as_str()).collect();
    assert!(names.contains(&"invoke_agent assistant"), "{names:?}");
    assert!(names.contains(&"chat tiny-1"), "{names:?}");
    let root = page
        .spans
        .iter()
        .find(|span| span.name == "invoke_agent assistant")
        .unwrap();
    assert!(page
        .spans
        .iter()
        .filter(|span| span.name != root.name)
        .all(|span| span.trace_id == root.trace_id));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_embedded_store_keeps_within_the_bytes_its_variable_sets() {
    const NAME: &str = "the_embedded_store_keeps_within_the_bytes_its_variable_sets";
    if child::is_child(NAME) {
        let guard = agentrace::builder()
            .max_export_batch_size(100)
            .scheduled_delay(std::time::Duration::from_millis(10))
            .init()
            .expect("init");
        // About 1 MB of spans, each a trace of its own.
        for n in 0..2_000 {
            agent::ping(n);
            if n % 100 == 0 {
                guard.flush().expect("flush");
            }
        }
        return;
    }
    let dir = std::env::temp_dir().join(format!("agentrace-init-retention-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("traces.db");
    let output = child::run(
        NAME,
        &[
            ("AGENTRACE_STORE", path.to_str().unwrap()),
            ("AGENTRACE_STORE_MAX_BYTES", "200KB"),
        ],
    );
    assert!(output.status.success(), "{}", child::describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("agentrace: span store: pruned "),
        "{stderr}"
    );
    let store = SqliteStore::open(&path).expect("the store the program wrote");
    let size = store.size().unwrap();
    let (bytes, spans) = (size.bytes, size.spans);
    assert!(bytes <= 200_000, "{bytes} bytes, {spans} spans");
    assert!(spans > 0 && spans < 2_000, "{spans} spans kept");
    std::fs::remove_dir_all(&dir).ok();
}
