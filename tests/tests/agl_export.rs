//! `agentrace export --format agentlightning` writes Agent Lightning's `Span` shape (checked
//! against the real pydantic model in `.ci/run`), and `--format triplets` finds the LLM
//! calls and rewards with its `TracerTraceToTriplet` rules: a reward goes to the latest call
//! that ended before it started, a repeated response id counts once, agents filter by
//! `--agent-match`. The reward shows in `traces`, `show` and the HTML export.

use std::path::PathBuf;
use std::sync::Arc;

use agentrace::genai::{LlmRequest, LlmResponse};
use agentrace::rollout::RolloutScope;
use agentrace::store::{SqliteStore, StoreWriter};
use agentrace::{trace_agent, trace_llm};
use serde_json::{json, Value};

#[derive(LlmRequest)]
struct Request {
    #[agentrace(model)]
    model: &'static str,
    #[agentrace(prompt_token_ids)]
    ids: Vec<u32>,
}

#[derive(LlmResponse)]
struct Response {
    #[agentrace(id)]
    id: &'static str,
    #[agentrace(output_text)]
    text: &'static str,
    #[agentrace(response_token_ids)]
    ids: Vec<u32>,
}

#[trace_llm(provider = "mock")]
fn chat(request: &Request, id: &'static str, reward_inside: Option<f64>) -> Response {
    if let Some(value) = reward_inside {
        agentrace::reward(value);
    }
    Response {
        id,
        text: "ok",
        ids: vec![request.ids[0] + 1],
    }
}

fn ask(first_id: u32, id: &'static str) -> Response {
    chat(
        &Request {
            model: "tiny",
            ids: vec![first_id],
        },
        id,
        None,
    )
}

/// Two calls, a reward after each.
#[trace_agent(name = "tutor")]
fn two_calls_two_rewards() {
    ask(10, "resp-1");
    agentrace::reward(0.5);
    ask(20, "resp-2");
    agentrace::rewards(("correct", 1.0), [("short", 0.25)]);
}

/// A reward emitted while the second call runs goes to the first; the second gets none. A
/// repeated response id is one call.
#[trace_agent(name = "tutor")]
fn reward_during_a_call_and_a_repeated_response() {
    ask(10, "resp-1");
    chat(
        &Request {
            model: "tiny",
            ids: vec![20],
        },
        "resp-2",
        Some(0.75),
    );
    ask(30, "resp-2");
}

struct Fixture {
    db: PathBuf,
}

/// The store, filled once for every test of this file.
fn fixture() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(fill)
}

fn fill() -> Fixture {
    let dir = std::env::temp_dir().join(format!("agentrace-agl-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("traces.db");
    let writer = StoreWriter::spawn(Arc::new(SqliteStore::open(&db).unwrap())).unwrap();
    let scope = |rollout: &str| {
        RolloutScope::for_rollout("episode", rollout, "at-1")
            .unwrap()
            .store(writer.clone())
    };
    let (_, trace) = scope("ro-rewards").run(two_calls_two_rewards).unwrap();
    assert!(trace.store_error.is_none(), "{:?}", trace.store_error);
    let (_, trace) = scope("ro-during")
        .run(reward_during_a_call_and_a_repeated_response)
        .unwrap();
    assert!(trace.store_error.is_none(), "{:?}", trace.store_error);
    Fixture { db }
}

fn cli(fixture: &Fixture, args: &[&str]) -> String {
    let mut all = vec!["--db".to_string(), fixture.db.to_str().unwrap().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = agentrace_viewer::run(&all, &mut out, &mut err, false);
    assert_eq!(code, 0, "{args:?}: {}", String::from_utf8_lossy(&err));
    String::from_utf8(out).unwrap()
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn agentlightning_format_has_contexts_float_seconds_and_a_schema_url() {
    let fixture = fixture();
    let spans = lines(&cli(
        fixture,
        &["export", "--format", "agentlightning", "ro-rewards"],
    ));
    assert_eq!(spans.len(), 5);
    for span in &spans {
        // Sorted here: with serde_json's `preserve_order` (turned on in the workspace by the
        // integration crates' dependencies) the map keeps the writer's order.
        let mut keys: Vec<&str> = span
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "attempt_id",
                "attributes",
                "context",
                "end_time",
                "events",
                "links",
                "name",
                "parent",
                "parent_id",
                "resource",
                "rollout_id",
                "sequence_id",
                "span_id",
                "start_time",
                "status",
                "trace_id"
            ]
        );
        assert_eq!(span["rollout_id"], "ro-rewards");
        assert_eq!(span["attempt_id"], "at-1");
        assert!(span["sequence_id"].as_u64().unwrap() >= 1);
        let (start, end) = (
            span["start_time"].as_f64().unwrap(),
            span["end_time"].as_f64().unwrap(),
        );
        assert!(
            start > 1.7e9 && start < 1e11 && end >= start,
            "{start} {end}"
        );
        assert_eq!(
            span["context"],
            json!({"trace_id": span["trace_id"], "span_id": span["span_id"], "is_remote": false, "trace_state": {}})
        );
        match span["parent_id"].as_str() {
            Some(parent) => assert_eq!(span["parent"]["span_id"], parent),
            None => assert!(span["parent"].is_null()),
        }
        assert!(span["resource"]["schema_url"].is_string());
        assert!(span["resource"]["attributes"].is_object());
        assert!(["UNSET", "OK", "ERROR"].contains(&span["status"]["status_code"].as_str().unwrap()));
    }
    let chat = spans.iter().find(|s| s["name"] == "chat tiny").unwrap();
    assert_eq!(chat["attributes"]["prompt_token_ids"], json!([10]));
}

#[test]
fn triplets_give_each_reward_to_the_latest_call_that_ended_before_it() {
    let fixture = fixture();
    let triplets = lines(&cli(
        fixture,
        &["export", "--format", "triplets", "ro-rewards"],
    ));
    assert_eq!(triplets.len(), 2);
    assert_eq!(triplets[0]["prompt"]["token_ids"], json!([10]));
    assert_eq!(triplets[0]["response"]["token_ids"], json!([11]));
    assert_eq!(triplets[0]["reward"], json!(0.5));
    assert_eq!(triplets[1]["prompt"]["token_ids"], json!([20]));
    assert_eq!(triplets[1]["reward"], json!(1.0), "the primary reward");
    assert_eq!(triplets[0]["metadata"]["response_id"], "resp-1");
    assert_eq!(triplets[0]["metadata"]["agent_name"], "tutor");
    assert_eq!(triplets[0]["metadata"]["rollout_id"], "ro-rewards");
    assert_eq!(
        triplets[0]["response"]["raw_content"],
        json!([{"role": "assistant", "content": "ok"}])
    );
}

#[test]
fn triplets_skip_a_reward_that_started_before_the_call_ended_and_repeated_responses() {
    let fixture = fixture();
    let triplets = lines(&cli(
        fixture,
        &["export", "--format", "triplets", "ro-during"],
    ));
    let ids: Vec<&str> = triplets
        .iter()
        .map(|t| t["metadata"]["response_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["resp-1", "resp-2"], "resp-2 twice is one call");
    assert_eq!(triplets[0]["reward"], json!(0.75));
    assert_eq!(triplets[1]["reward"], Value::Null);
}

#[test]
fn triplets_filter_by_agent_and_call_patterns() {
    let fixture = fixture();
    let none = cli(
        fixture,
        &[
            "export",
            "--format",
            "triplets",
            "--agent-match",
            "^planner$",
            "ro-rewards",
        ],
    );
    assert_eq!(none, "");
    let tutor = cli(
        fixture,
        &[
            "export",
            "--format",
            "triplets",
            "--agent-match",
            "^tut",
            "ro-rewards",
        ],
    );
    assert_eq!(lines(&tutor).len(), 2);
    let embeddings = cli(
        fixture,
        &[
            "export",
            "--format",
            "triplets",
            "--llm-call-match",
            "^embeddings ",
            "ro-rewards",
        ],
    );
    assert_eq!(embeddings, "");
}

#[test]
fn a_bad_pattern_is_a_usage_error_naming_it() {
    let fixture = fixture();
    let args: Vec<String> = [
        "--db",
        fixture.db.to_str().unwrap(),
        "export",
        "--format",
        "triplets",
        "--llm-call-match",
        "(",
        "ro-rewards",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(agentrace_viewer::run(&args, &mut out, &mut err, false), 2);
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("--llm-call-match \"(\""), "{err}");
}

#[test]
fn rewards_show_in_traces_show_and_the_html() {
    let fixture = fixture();
    let list = cli(fixture, &["traces"]);
    let header = list.lines().next().unwrap();
    assert!(header.contains("REWARD"), "{header}");
    let rewarded = list
        .lines()
        .find(|l| l.contains("ro-rewards"))
        .expect("the rollout's trace");
    let columns: Vec<&str> = rewarded.split_whitespace().collect();
    // ... TOKENS IN/OUT, REWARD, ERRORS, ROLLOUT: the trace's last reward.
    assert_eq!(columns[columns.len() - 3], "1", "{rewarded}");
    let tree = cli(fixture, &["show", "ro-rewards"]);
    assert!(
        tree.contains("agentlightning.annotation  [internal]"),
        "{tree}"
    );
    assert!(tree.contains("reward=0.5"), "{tree}");
    assert!(tree.contains("reward=1 short=0.25"), "{tree}");
    let page = cli(fixture, &["export", "--format", "html", "ro-rewards"]);
    assert!(page.contains(r#"text("span", "reward", "reward " + reward)"#));
    assert!(page.contains(r#""agentlightning.reward.0.value":0.5"#));
}
