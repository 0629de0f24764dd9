//! Agent Lightning's emitters make exactly its spans: `agentlightning.annotation` with
//! `agentlightning.reward.{i}.name/value` (the primary first), `agentlightning.message`,
//! `agentlightning.object` (literal or JSON), `agentlightning.exception`; each a child of the
//! current span, status OK, carrying the rollout's ids inside a rollout scope.

use agentrace::record::StatusCode;
use agentrace::rollout::RolloutScope;
use agentrace::testing::{capture, span};
use agentrace::{trace_agent, SpanRecord};
use serde_json::json;

fn attribute_keys(span: &SpanRecord) -> Vec<&str> {
    span.attributes.keys().map(String::as_str).collect()
}

#[test]
fn reward_is_an_annotation_span_with_one_primary_dimension() {
    let (_, spans) = capture(|| agentrace::reward(0.8));
    assert_eq!(spans.len(), 1);
    let reward = &spans[0];
    assert_eq!(reward.name, "agentlightning.annotation");
    assert_eq!(
        attribute_keys(reward),
        [
            "agentlightning.reward.0.name",
            "agentlightning.reward.0.value"
        ]
    );
    assert_eq!(
        reward.attr_str("agentlightning.reward.0.name"),
        Some("primary")
    );
    assert_eq!(
        reward.attr("agentlightning.reward.0.value"),
        Some(&json!(0.8))
    );
    assert_eq!(reward.status.status_code, StatusCode::Ok);
    assert!(reward.is_root());
}

#[test]
fn integer_and_f32_rewards_are_written_as_floats() {
    let (_, spans) = capture(|| {
        agentrace::reward(1);
        agentrace::reward(0.25f32);
    });
    let values: Vec<_> = spans
        .iter()
        .map(|s| s.attr("agentlightning.reward.0.value").cloned())
        .collect();
    assert_eq!(values, [Some(json!(1.0)), Some(json!(0.25))]);
    assert!(spans[0]
        .attr("agentlightning.reward.0.value")
        .unwrap()
        .is_f64());
}

#[test]
fn named_rewards_put_the_primary_first_then_the_others_in_order() {
    let (_, spans) = capture(|| {
        agentrace::rewards(
            ("task_completion", 1.0),
            [("efficiency", 0.75), ("safety", -0.5)],
        )
    });
    let reward = span(&spans, "agentlightning.annotation");
    let pairs: Vec<(&str, f64)> = (0..3)
        .map(|i| {
            (
                reward
                    .attr_str(&format!("agentlightning.reward.{i}.name"))
                    .unwrap(),
                reward
                    .attr_f64(&format!("agentlightning.reward.{i}.value"))
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("task_completion", 1.0),
            ("efficiency", 0.75),
            ("safety", -0.5)
        ]
    );
    assert_eq!(reward.attributes.len(), 6);
}

#[test]
fn message_span_carries_the_body() {
    let (_, spans) = capture(|| agentrace::emit_message("plan rejected, retrying"));
    let message = span(&spans, "agentlightning.message");
    assert_eq!(attribute_keys(message), ["agentlightning.message.body"]);
    assert_eq!(
        message.attr_str("agentlightning.message.body"),
        Some("plan rejected, retrying")
    );
    assert_eq!(message.status.status_code, StatusCode::Ok);
}

#[derive(serde::Serialize)]
struct Plan {
    steps: Vec<&'static str>,
    budget: u32,
}

#[test]
fn objects_are_literals_with_python_type_names_or_json_with_the_rust_type() {
    let (_, spans) = capture(|| {
        agentrace::emit_object("done");
        agentrace::emit_object(&42u64);
        agentrace::emit_object(&0.5);
        agentrace::emit_object(&true);
        agentrace::emit_object(&Plan {
            steps: vec!["search", "answer"],
            budget: 3,
        });
    });
    assert!(spans.iter().all(|s| s.name == "agentlightning.object"));
    let literal = |i: usize| {
        (
            spans[i].attr_str("agentlightning.object.type"),
            spans[i].attr_str("agentlightning.object.literal"),
            spans[i].attr("agentlightning.object.json"),
        )
    };
    assert_eq!(literal(0), (Some("str"), Some("done"), None));
    assert_eq!(literal(1), (Some("int"), Some("42"), None));
    assert_eq!(literal(2), (Some("float"), Some("0.5"), None));
    assert_eq!(literal(3), (Some("bool"), Some("True"), None));
    let object = &spans[4];
    assert_eq!(
        object.attr_str("agentlightning.object.type"),
        Some("agl_emitters::Plan")
    );
    assert_eq!(
        object.attr_json("agentlightning.object.json"),
        Some(json!({"steps": ["search", "answer"], "budget": 3}))
    );
    assert!(object.attr("agentlightning.object.literal").is_none());
}

#[derive(Debug)]
struct Timeout;

impl std::fmt::Display for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("socket timed out")
    }
}

impl std::error::Error for Timeout {}

#[derive(Debug)]
struct ModelFailure(Timeout);

impl std::fmt::Display for ModelFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the model call failed")
    }
}

impl std::error::Error for ModelFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[test]
fn exception_span_has_type_message_chain_and_escaped() {
    let (_, spans) = capture(|| agentrace::emit_exception(&ModelFailure(Timeout)));
    let exception = span(&spans, "agentlightning.exception");
    assert_eq!(
        attribute_keys(exception),
        [
            "exception.escaped",
            "exception.message",
            "exception.stacktrace",
            "exception.type"
        ]
    );
    assert_eq!(exception.attr_str("exception.type"), Some("ModelFailure"));
    assert_eq!(
        exception.attr_str("exception.message"),
        Some("the model call failed")
    );
    assert_eq!(
        exception.attr_str("exception.stacktrace"),
        Some("ModelFailure: the model call failed\n\nCaused by:\n    0: socket timed out")
    );
    assert_eq!(exception.attr_bool("exception.escaped"), Some(true));
    assert_eq!(exception.status.status_code, StatusCode::Ok);
}

#[test]
fn emitted_text_is_redacted_like_captured_content() {
    let (_, spans) =
        capture(|| agentrace::emit_message("key sk-abcdefghijklmnopqrstuvwx1234 leaked"));
    let body = spans[0].attr_str("agentlightning.message.body").unwrap();
    assert!(!body.contains("sk-abcdefghijklmnopqrstuvwx1234"), "{body}");
}

#[trace_agent(name = "solver")]
fn solve() -> u32 {
    agentrace::emit_message("thinking");
    agentrace::reward(0.5);
    7
}

#[test]
fn inside_a_traced_function_emitters_are_its_children() {
    let (_, spans) = capture(solve);
    let agent = span(&spans, "invoke_agent solver");
    for name in ["agentlightning.message", "agentlightning.annotation"] {
        let emitted = span(&spans, name);
        assert_eq!(emitted.parent_id.as_deref(), Some(agent.span_id.as_str()));
        assert_eq!(emitted.trace_id, agent.trace_id);
        assert!(emitted.start_time >= agent.start_time && emitted.end_time <= agent.end_time);
    }
}

#[test]
fn inside_a_rollout_scope_emitters_carry_the_rollout_and_attempt() {
    let scope = RolloutScope::for_rollout("episode", "ro-7", "at-2")
        .unwrap()
        .without_store();
    let (_, trace) = scope
        .run(|| {
            agentrace::reward(1.0);
            solve()
        })
        .unwrap();
    assert_eq!(trace.spans.len(), 4);
    for span in &trace.spans {
        assert_eq!(
            span.attr_str("agentlightning.rollout_id"),
            Some("ro-7"),
            "{}",
            span.name
        );
        assert_eq!(
            span.attr_str("agentlightning.attempt_id"),
            Some("at-2"),
            "{}",
            span.name
        );
        assert_eq!(span.rollout_id.as_deref(), Some("ro-7"));
    }
}

#[test]
fn a_scope_without_ids_adds_no_rollout_attributes() {
    let (_, trace) = RolloutScope::new("plain")
        .without_store()
        .run(solve)
        .unwrap();
    assert!(trace
        .spans
        .iter()
        .all(|s| s.attr("agentlightning.rollout_id").is_none()));
}
