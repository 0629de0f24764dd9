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
