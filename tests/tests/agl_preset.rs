//! The Agent Lightning preset: `builder().agent_lightning(url)` and
//! `AGENTRACE_AGENT_LIGHTNING=url` send OTLP/HTTP to `{url}/v1/traces` and add the flattened
//! `gen_ai.prompt.{i}.*` / `gen_ai.completion.{i}.*` and `agent.name`; concurrent rollouts on
//! different tasks reach the backend each with their own `agentlightning.rollout_id` and
//! `agentlightning.attempt_id` on every span. Traced programs run in child processes against
//! the in-process OTLP receiver.

use std::collections::BTreeMap;

use agentrace::config::{ExporterConfig, Protocol};
use agentrace::genai::{LlmRequest, LlmResponse, Message};
use agentrace::rollout::RolloutScope;
use agentrace::{trace_agent, trace_llm, trace_tool};
use agentrace_tests::otlp_receiver::{child, span, Receiver, Wire, WireSpan};
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;

#[test]
fn builder_preset_sends_otlp_http_to_the_store_and_turns_the_extra_attributes_on() {
    let config = agentrace::builder()
        .with_env(|_| None)
        .agent_lightning("http://127.0.0.1:4747")
        .build_config()
        .unwrap();
    let ExporterConfig::Otlp(otlp) = &config.exporter else {
        panic!("{:?}", config.exporter)
    };
    assert_eq!(otlp.endpoint, "http://127.0.0.1:4747/v1/traces");
    assert_eq!(otlp.protocol, Protocol::HttpProtobuf);
    assert!(config.agent_lightning);
    let plain = agentrace::builder()
        .with_env(|_| None)
        .otlp("http://127.0.0.1:4747")
        .build_config()
        .unwrap();
    assert!(!plain.agent_lightning, "other backends get no duplicates");
}

#[test]
fn environment_form_is_the_same_preset_and_code_wins() {
    let env = |name: &str| {
        (name == "AGENTRACE_AGENT_LIGHTNING").then(|| "http://127.0.0.1:4747/".to_string())
    };
    let config = agentrace::builder().with_env(env).build_config().unwrap();
    let ExporterConfig::Otlp(otlp) = &config.exporter else {
        panic!("{:?}", config.exporter)
    };
    assert_eq!(otlp.endpoint, "http://127.0.0.1:4747/v1/traces");
    assert!(config.agent_lightning);
    let coded = agentrace::builder()
        .with_env(env)
        .console()
        .build_config()
        .unwrap();
    assert_eq!(coded.exporter, ExporterConfig::Console);
    assert!(!coded.agent_lightning);
}

#[test]
fn a_bad_store_address_is_an_error_naming_the_variable_and_value() {
    let env =
        |name: &str| (name == "AGENTRACE_AGENT_LIGHTNING").then(|| "localhost:4747".to_string());
    let error = agentrace::builder()
        .with_env(env)
        .build_config()
        .unwrap_err()
        .to_string();
    assert!(error.contains("AGENTRACE_AGENT_LIGHTNING"), "{error}");
    assert!(error.contains("localhost:4747"), "{error}");
}

#[derive(LlmRequest)]
struct Request {
    #[agentrace(model)]
    model: &'static str,
    #[agentrace(messages)]
    messages: Vec<Message>,
    #[agentrace(prompt_token_ids)]
    ids: Vec<u32>,
}

#[derive(LlmResponse)]
struct Response {
    #[agentrace(id)]
    id: String,
    #[agentrace(output_text)]
    text: String,
    #[agentrace(response_token_ids)]
    ids: Vec<u32>,
}

#[trace_llm(provider = "mock")]
async fn chat(request: &Request, n: u32) -> Response {
    tokio::task::yield_now().await;
    Response {
        id: format!("resp-{n}"),
        text: format!("answer {n}"),
        ids: vec![n, n + 1],
    }
}

#[trace_tool]
async fn check(n: u32) -> bool {
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    n.is_multiple_of(2)
}

#[trace_agent(name = "tutor")]
async fn solve(n: u32) -> String {
    let request = Request {
        model: "tiny",
        messages: vec![
            Message::text("system", "be brief"),
            Message::text("user", format!("question {n}")),
        ],
        ids: vec![100 + n],
    };
    let answer = chat(&request, n).await.text;
    let correct = check(n).await;
    agentrace::reward(if correct { 1.0 } else { 0.0 });
    answer
}

const ROLLOUTS: u32 = 8;

/// Eight rollouts at once on a multi-threaded runtime, each on its own task.
fn concurrent_rollouts() {
    let tracing = agentrace::init().expect("init");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..ROLLOUTS)
            .map(|n| {
                tokio::spawn(async move {
                    RolloutScope::for_rollout("episode", format!("ro-{n}"), format!("at-{n}"))
                        .unwrap()
                        .without_store()
                        .run_async(solve(n))
                        .await
                        .unwrap()
                })
            })
            .collect();
        for task in tasks {
            let (_, trace) = task.await.unwrap();
            assert_eq!(trace.spans.len(), 4);
        }
    });
    tracing.flush().expect("flush");
}

fn int_array(span: &WireSpan, key: &str) -> Option<Vec<i64>> {
    let kv = span.span.attributes.iter().find(|kv| kv.key == key)?;
    match kv.value.as_ref()?.value.as_ref()? {
        Any::ArrayValue(array) => array
            .values
            .iter()
            .map(|v| match v.value {
                Some(Any::IntValue(i)) => Some(i),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

#[test]
fn concurrent_rollouts_reach_the_store_each_span_with_its_own_ids_and_the_extra_attributes() {
    const NAME: &str =
        "concurrent_rollouts_reach_the_store_each_span_with_its_own_ids_and_the_extra_attributes";
    if child::is_child(NAME) {
        return concurrent_rollouts();
    }
    let receiver = Receiver::start(Wire::Http);
    let output = child::run(NAME, &[("AGENTRACE_AGENT_LIGHTNING", &receiver.endpoint())]);
    assert!(output.status.success(), "{}", child::describe(&output));
    let spans = receiver.spans();
    assert_eq!(spans.len(), 4 * ROLLOUTS as usize);
    let mut by_rollout: BTreeMap<String, Vec<&WireSpan>> = BTreeMap::new();
    for wire in &spans {
        let rollout = wire
            .attr("agentlightning.rollout_id")
            .expect("a rollout id");
        let attempt = wire
            .attr("agentlightning.attempt_id")
            .expect("an attempt id");
        assert_eq!(attempt.replace("at-", ""), rollout.replace("ro-", ""));
        by_rollout.entry(rollout).or_default().push(wire);
    }
    assert_eq!(by_rollout.len(), ROLLOUTS as usize);
    for (rollout, spans) in &by_rollout {
        let n: u32 = rollout.trim_start_matches("ro-").parse().unwrap();
        let owned: Vec<WireSpan> = spans.iter().map(|s| (*s).clone()).collect();
        let agent = span(&owned, "invoke_agent tutor");
        // One trace per rollout: every span of it hangs under its agent.
        for other in &owned {
            assert_eq!(other.trace_id(), agent.trace_id());
            if other.name() != "invoke_agent tutor" {
                assert_eq!(other.parent_id(), agent.span_id(), "{}", other.name());
            }
        }
        assert_eq!(agent.attr("agent.name").as_deref(), Some("tutor"));
        let chat = span(&owned, "chat tiny");
        assert_eq!(
            int_array(chat, "prompt_token_ids"),
            Some(vec![100 + i64::from(n)])
        );
        assert_eq!(
            int_array(chat, "response_token_ids"),
            Some(vec![i64::from(n), i64::from(n) + 1])
        );
        assert_eq!(chat.attr("gen_ai.prompt.0.role").as_deref(), Some("system"));
        assert_eq!(chat.attr("gen_ai.prompt.1.role").as_deref(), Some("user"));
        assert_eq!(
            chat.attr("gen_ai.prompt.1.content"),
            Some(format!("question {n}"))
        );
        assert_eq!(
            chat.attr("gen_ai.completion.0.role").as_deref(),
            Some("assistant")
        );
        assert_eq!(
            chat.attr("gen_ai.completion.0.content"),
            Some(format!("answer {n}"))
        );
        let reward = span(&owned, "agentlightning.annotation");
        let expected = if n.is_multiple_of(2) { "1" } else { "0" };
        assert_eq!(
            reward.attr("agentlightning.reward.0.value").as_deref(),
            Some(expected)
        );
    }
}

#[test]
fn with_content_capture_off_no_token_ids_and_no_text_are_sent() {
    const NAME: &str = "with_content_capture_off_no_token_ids_and_no_text_are_sent";
    if child::is_child(NAME) {
        return concurrent_rollouts();
    }
    let receiver = Receiver::start(Wire::Http);
    let output = child::run(
        NAME,
        &[
            ("AGENTRACE_AGENT_LIGHTNING", &receiver.endpoint()),
            ("AGENTRACE_CAPTURE_CONTENT", "false"),
        ],
    );
    assert!(output.status.success(), "{}", child::describe(&output));
    let spans = receiver.spans();
    assert_eq!(spans.len(), 4 * ROLLOUTS as usize);
    for wire in &spans {
        assert!(wire.attr("agentlightning.rollout_id").is_some());
        for key in [
            "prompt_token_ids",
            "response_token_ids",
            "gen_ai.prompt.1.content",
        ] {
            assert!(wire.attr(key).is_none(), "{key} on {}", wire.name());
        }
    }
    let agents: Vec<&WireSpan> = spans
        .iter()
        .filter(|s| s.name() == "invoke_agent tutor")
        .collect();
    assert!(agents
        .iter()
        .all(|a| a.attr("agent.name").as_deref() == Some("tutor")));
}
