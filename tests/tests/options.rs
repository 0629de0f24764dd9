//! Macro options: names and subjects, skipping and capture overrides, extra attributes,
//! per-kind options, and `crate = path` for crates that re-export agentrace.

use agentrace::testing::{capture, span};
use agentrace::{trace, trace_agent, trace_embedding, trace_format, trace_llm, trace_tool};
use serde::Serialize;

#[derive(Serialize)]
struct Request {
    model: String,
    prompt: String,
}

#[trace_llm(provider = "openai", model = request.model, operation = "text_completion")]
fn complete(request: &Request, api_key: &str) -> String {
    let _ = api_key;
    format!("{} done", request.prompt)
}

#[test]
fn llm_model_expression_names_the_span_and_operation_is_kept() {
    let request = Request {
        model: "gpt-x".into(),
        prompt: "p".into(),
    };
    let (_, spans) = capture(|| complete(&request, "secret"));
    let llm = span(&spans, "text_completion gpt-x");
    assert_eq!(
        llm.attr_str("gen_ai.operation.name"),
        Some("text_completion")
    );
    assert_eq!(llm.attr_str("gen_ai.request.model"), Some("gpt-x"));
    assert_eq!(llm.attr_str("gen_ai.provider.name"), Some("openai"));
    assert_eq!(llm.attr_str("openinference.span.kind"), Some("LLM"));
    let input = llm.attr_json("input.value").unwrap();
    assert_eq!(input["request"]["model"], "gpt-x");
    assert_eq!(
        input["api_key"], "[REDACTED:api_key]",
        "an argument named like a secret is redacted"
    );
}

#[trace_llm(skip(api_key), provider = "openai")]
fn skips_key(prompt: &str, api_key: &str) -> usize {
    prompt.len() + api_key.len()
}

#[trace_tool(skip_all, capture_output = false)]
fn nothing_captured(secret: &str) -> String {
    secret.to_uppercase()
}

#[trace(capture_input = false)]
fn output_only(secret: &str) -> usize {
    secret.len()
}

#[test]
fn skip_skip_all_and_capture_overrides() {
    let (_, spans) = capture(|| {
        skips_key("hello", "sk-123");
        nothing_captured("abc");
        output_only("abc");
    });
    let llm = span(&spans, "chat");
    assert_eq!(
        llm.attr_str("input.value"),
        Some(r#"{"prompt":"hello"}"#),
        "the placeholder name is the operation"
    );
    let tool = span(&spans, "execute_tool nothing_captured");
    assert!(tool.attr("input.value").is_none());
    assert!(tool.attr("output.value").is_none());
    let output = span(&spans, "output_only");
    assert!(output.attr("input.value").is_none());
    assert_eq!(output.attr_str("output.value"), Some("3"));
}

struct Session {
    user: String,
}

#[trace(name = "handle request", attributes(user.id = session.user.as_str(), "app.retries" = retries, app.ratio = 0.5, app.flag = true, app.tags = vec!["a", "b"]))]
fn handle(session: &Session, retries: u8) -> u8 {
    let _ = session;
    retries
}

impl Session {
    #[trace(attributes(user.id = self.user.as_str()))]
    fn whoami(&self) -> &str {
        &self.user
    }
}

#[test]
fn attributes_take_expressions_over_arguments_and_self() {
    let session = Session { user: "u-1".into() };
    let (_, spans) = capture(|| {
        session.whoami();
    });
    assert_eq!(span(&spans, "whoami").attr_str("user.id"), Some("u-1"));
    let (_, spans) = capture(|| handle(&session, 2));
    let handled = span(&spans, "handle request");
    assert_eq!(handled.attr_i64("app.retries"), Some(2));
    assert_eq!(handled.attr_f64("app.ratio"), Some(0.5));
    assert_eq!(handled.attr_bool("app.flag"), Some(true));
    assert_eq!(
        handled.attr("app.tags"),
        Some(&serde_json::json!(["a", "b"])),
        "a list of strings is an array attribute (issue 16: it was JSON text)"
    );
    assert_eq!(handled.attr_str("openinference.span.kind"), Some("CHAIN"));
    assert!(handled.attr("gen_ai.operation.name").is_none());
}

#[trace_tool(name = "search", call_id = call, description = "Web search")]
fn search_tool(call: &str, query: &str) -> Vec<String> {
    vec![query.to_owned()]
}

#[trace_agent(name = "planner", id = format!("agent-{}", 7), description = "Plans steps")]
fn plan() -> u8 {
    search_tool("call_1", "rust");
    1
}

#[trace_embedding(provider = "mock", model = "embed-3")]
fn embed(text: &str) -> Vec<f32> {
    vec![0.0; text.len()]
}

#[trace_format(target = "openai")]
fn format_messages(messages: &[&str]) -> String {
    messages.join("\n")
}

#[test]
fn per_kind_options_land_on_their_attributes() {
    let (_, spans) = capture(|| {
        plan();
        embed("abc");
        format_messages(&["a", "b"]);
    });
    let agent = span(&spans, "invoke_agent planner");
    assert_eq!(agent.attr_str("gen_ai.agent.id"), Some("agent-7"));
    assert_eq!(agent.attr_str("gen_ai.agent.name"), Some("planner"));
    assert_eq!(
        agent.attr_str("gen_ai.agent.description"),
        Some("Plans steps")
    );
    assert_eq!(agent.attr_str("openinference.span.kind"), Some("AGENT"));
    let tool = span(&spans, "execute_tool search");
    assert_eq!(tool.attr_str("gen_ai.tool.call.id"), Some("call_1"));
    assert_eq!(tool.attr_str("gen_ai.tool.name"), Some("search"));
    assert_eq!(tool.attr_str("gen_ai.tool.description"), Some("Web search"));
    assert_eq!(tool.parent_id.as_deref(), Some(agent.span_id.as_str()));
    let embedding = span(&spans, "embeddings embed-3");
    assert_eq!(embedding.kind, agentrace::record::RecordKind::Client);
    assert_eq!(
        embedding.attr_str("openinference.span.kind"),
        Some("EMBEDDING")
    );
    let format = span(&spans, "format openai");
    assert_eq!(format.attr_str("gen_ai.operation.name"), Some("format"));
    assert_eq!(format.attr_str("agentrace.format.target"), Some("openai"));
}

mod reexport {
    pub use agentrace as tracing_core_of_my_sdk;
}

#[trace(crate = reexport::tracing_core_of_my_sdk)]
fn through_a_reexport() -> u8 {
    3
}

#[test]
fn crate_option_points_the_generated_code_elsewhere() {
    let (_, spans) = capture(through_a_reexport);
    assert_eq!(
        span(&spans, "through_a_reexport").attr_str("output.value"),
        Some("3")
    );
}
