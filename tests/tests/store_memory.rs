//! What is particular to the memory store: a byte budget, the oldest rollouts evicted first,
//! and a clear error for an evicted rollout.

use agentrace::store::{MemoryStore, Query, SpanStore, StoreError};
use agentrace::SpanRecord;

fn span(rollout: &str, id: &str) -> SpanRecord {
    serde_json::from_value(serde_json::json!({
        "rollout_id": rollout, "attempt_id": "a1", "trace_id": "01", "span_id": id, "name": "x",
        "start_time": 1, "end_time": 2, "attributes": {"output.value": "y".repeat(200)},
    }))
    .unwrap()
}

#[test]
fn the_oldest_rollouts_are_evicted_to_stay_within_the_budget() {
    let one = serde_json::to_vec(&span("r0", "0")).unwrap().len();
    let store = MemoryStore::new(one * 10);
    for rollout in 0..5 {
        for n in 0..3 {
            store
                .add_span(span(&format!("r{rollout}"), &format!("{rollout}-{n}")))
                .unwrap();
        }
    }
    assert!(store.bytes() <= one * 10, "{} bytes held", store.bytes());
    for rollout in ["r0", "r1"] {
        let error = store.query(&Query::rollout(rollout)).unwrap_err();
        assert_eq!(
            error,
            StoreError::Evicted {
                rollout_id: rollout.into()
            }
        );
        assert!(error.to_string().contains("evicted"));
    }
    for rollout in ["r2", "r3", "r4"] {
        assert_eq!(
            store.query(&Query::rollout(rollout)).unwrap().total,
            3,
            "{rollout} kept"
        );
    }
    assert_eq!(store.query(&Query::all()).unwrap().total, 9);
    let late = store.add_span(span("r0", "late")).unwrap_err();
    assert!(
        matches!(late, StoreError::Evicted { .. }),
        "no writing into an evicted rollout"
    );
    assert!(matches!(
        store.next_sequence_id(Some("r1")),
        Err(StoreError::Evicted { .. })
    ));
}
