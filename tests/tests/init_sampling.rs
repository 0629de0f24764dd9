//! An unsampled span serializes nothing: with a sampler that drops the trace, a traced
//! call's arguments are never turned into JSON.

use std::sync::atomic::{AtomicUsize, Ordering};

use agentrace_tests::otlp_receiver::child;
use serde::{Serialize, Serializer};

static SERIALIZED: AtomicUsize = AtomicUsize::new(0);

struct Counted;

impl Serialize for Counted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SERIALIZED.fetch_add(1, Ordering::Relaxed);
        serializer.serialize_str("counted")
    }
}

#[agentrace::trace_tool]
fn tool(_input: Counted) -> usize {
    1
}

#[test]
fn an_unsampled_span_serializes_nothing() {
    const NAME: &str = "an_unsampled_span_serializes_nothing";
    if child::is_child(NAME) {
        let _guard = agentrace::builder().no_export().init().expect("init");
        for _ in 0..10 {
            tool(Counted);
        }
        println!("SERIALIZED {}", SERIALIZED.load(Ordering::Relaxed));
        return;
    }
    for (sampler, expected) in [
        ("always_off", "SERIALIZED 0"),
        ("always_on", "SERIALIZED 10"),
    ] {
        let output = child::run(NAME, &[("OTEL_TRACES_SAMPLER", sampler)]);
        assert!(output.status.success(), "{}", child::describe(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(expected), "{sampler}: {stdout}");
    }
}
