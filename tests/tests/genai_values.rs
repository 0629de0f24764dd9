//! How values land on spans: absent or empty GenAI values are not written, lists are array
//! attributes, `f32` values keep the decimal the user wrote, and agent spans record the chat
//! messages they take and return.

use agentrace::genai::{ChatMessage, LlmRequest, Message};
use agentrace::testing::{capture, span};
use agentrace::{trace, trace_agent, trace_llm};
use opentelemetry::Value;
use serde::Serialize;
use serde_json::json;

#[derive(Serialize, Clone)]
struct Tool {
    name: String,
}

#[derive(LlmRequest)]
struct Request {
    #[agentrace(model)]
    model: String,
    #[agentrace(temperature)]
    temperature: f32,
    #[agentrace(tools)]
    tools: Option<Vec<Tool>>,
    #[agentrace(system)]
    system: Option<String>,
}

#[trace_llm(provider = "mock")]
fn chat(request: &Request) -> String {
    request.model.clone()
}

fn request(tools: Option<Vec<Tool>>) -> Request {
    Request {
        model: "m".into(),
        temperature: 0.2,
        tools,
        system: Some(String::new()),
    }
}

#[test]
fn absent_and_empty_values_are_not_written() {
    let (_, spans) = capture(|| {
        chat(&request(None));
        chat(&request(Some(Vec::new())));
    });
    for span in &spans {
        assert!(span.attr("gen_ai.tool.definitions").is_none(), "{span:?}");
        assert!(
            span.attr("gen_ai.system_instructions").is_none(),
            "{span:?}"
        );
    }
    let (_, spans) = capture(|| chat(&request(Some(vec![Tool { name: "t".into() }]))));
    assert_eq!(
        span(&spans, "chat m").attr_json("gen_ai.tool.definitions"),
        Some(json!([{"name": "t"}]))
    );
}

#[test]
fn an_f32_is_recorded_as_the_decimal_written() {
    let (_, spans) = capture(|| chat(&request(None)));
    assert_eq!(
        span(&spans, "chat m").attr_f64("gen_ai.request.temperature"),
        Some(0.2)
    );
    assert_eq!(
        agentrace::ToAttribute::to_attribute(&0.1_f32),
        Some(Value::F64(0.1))
    );
}

#[trace(attributes(
    tags = vec!["a", "b"],
    ids = [3, 4, 5],
    weights = vec![0.5, 1.5],
    flags = vec![true, false],
    mixed = json!(["a", 1]),
    nothing = Vec::<String>::new(),
    object = json!({"k": "v"})
))]
fn tagged() -> u8 {
    1
}

#[test]
fn homogeneous_lists_are_array_attributes_and_mixed_ones_json_text() {
    let (_, spans) = capture(tagged);
    let tagged = span(&spans, "tagged");
    assert_eq!(
        tagged.attr("tags"),
        Some(&json!(["a", "b"])),
        "an array, not JSON text"
    );
    assert_eq!(tagged.attr("ids"), Some(&json!([3, 4, 5])));
    assert_eq!(tagged.attr("weights"), Some(&json!([0.5, 1.5])));
    assert_eq!(tagged.attr("flags"), Some(&json!([true, false])));
    assert_eq!(tagged.attr_str("mixed"), Some(r#"["a",1]"#));
    assert!(
        tagged.attr("nothing").is_none(),
        "an empty list is no attribute"
    );
    assert_eq!(tagged.attr_str("object"), Some(r#"{"k":"v"}"#));
}

#[derive(ChatMessage, Clone)]
struct Turn {
    #[agentrace(role)]
    role: String,
    #[agentrace(content)]
    content: String,
}

fn turn(role: &str, content: &str) -> Turn {
    Turn {
        role: role.into(),
        content: content.into(),
    }
}

#[trace_agent(name = "one")]
fn one_message(message: &Turn) -> Turn {
    turn("assistant", &format!("re: {}", message.content))
}

#[trace_agent(name = "many")]
fn many_messages(history: Vec<Turn>) -> Vec<Turn> {
    history
}

#[trace_agent(name = "slice")]
fn slice_of_messages(history: &[Message]) -> Option<Message> {
    history.last().cloned()
}

#[trace_agent(name = "maybe")]
fn maybe_message(message: Option<Turn>) -> Result<Option<Turn>, String> {
    Ok(message)
}

#[test]
fn agent_spans_record_the_messages_they_take_and_return() {
    let (_, spans) = capture(|| {
        one_message(&turn("user", "hi"));
        many_messages(vec![turn("user", "a"), turn("assistant", "b")]);
        slice_of_messages(&[Message::text("user", "c")]);
        maybe_message(Some(turn("user", "d"))).unwrap();
        maybe_message(None).unwrap();
    });
    let text = |role: &str, content: &str| json!({"role": role, "parts": [{"type": "text", "content": content}]});
    let one = span(&spans, "invoke_agent one");
    assert_eq!(
        one.attr_json("gen_ai.input.messages"),
        Some(json!([text("user", "hi")]))
    );
    assert_eq!(
        one.attr_json("gen_ai.output.messages"),
        Some(json!([text("assistant", "re: hi")]))
    );
    let many = span(&spans, "invoke_agent many");
    let both = json!([text("user", "a"), text("assistant", "b")]);
    assert_eq!(many.attr_json("gen_ai.input.messages"), Some(both.clone()));
    assert_eq!(many.attr_json("gen_ai.output.messages"), Some(both));
    let slice = span(&spans, "invoke_agent slice");
    assert_eq!(
        slice.attr_json("gen_ai.input.messages"),
        Some(json!([text("user", "c")]))
    );
    assert_eq!(
        slice.attr_json("gen_ai.output.messages"),
        Some(json!([text("user", "c")]))
    );
    let maybes: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "invoke_agent maybe")
        .collect();
    assert_eq!(maybes.len(), 2);
    assert_eq!(
        maybes[0].attr_json("gen_ai.input.messages"),
        Some(json!([text("user", "d")]))
    );
    assert_eq!(
        maybes[0].attr_json("gen_ai.output.messages"),
        Some(json!([text("user", "d")]))
    );
    assert!(maybes[1].attr("gen_ai.input.messages").is_none());
    assert!(maybes[1].attr("gen_ai.output.messages").is_none());
}

#[derive(agentrace::genai::AgentInfo)]
struct Planner {
    #[agentrace(name)]
    name: String,
    #[agentrace(messages)]
    memory: Vec<Turn>,
}

impl Planner {
    #[trace_agent]
    fn plan(&self) -> usize {
        self.memory.len()
    }
}

#[test]
fn agent_info_has_a_messages_role() {
    let planner = Planner {
        name: "planner".into(),
        memory: vec![turn("system", "be brief")],
    };
    let (_, spans) = capture(|| planner.plan());
    let plan = span(&spans, "invoke_agent planner");
    assert_eq!(
        plan.attr_json("gen_ai.input.messages"),
        Some(json!([{"role": "system", "parts": [{"type": "text", "content": "be brief"}]}]))
    );
}
