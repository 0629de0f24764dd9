//! With content capture switched off, spans keep their names, kinds, model, status and
//! extra attributes, and carry no captured arguments or return values. (Its own test binary:
//! the switch is process-wide.)

use agentrace::genai::{LlmRequest, Message, ToolCall};
use agentrace::record::StatusCode;
use agentrace::testing::{capture, span};
use agentrace::{trace_llm, trace_tool};

#[derive(LlmRequest)]
struct Chat {
    #[agentrace(model)]
    model: &'static str,
    #[agentrace(max_tokens)]
    max_tokens: u32,
    #[agentrace(messages)]
    messages: Vec<Message>,
    #[agentrace(system)]
    system: &'static str,
}

#[derive(ToolCall)]
struct Call {
    #[agentrace(call_id)]
    id: &'static str,
    #[agentrace(arguments)]
    arguments: Vec<&'static str>,
}

#[trace_llm(provider = "mock")]
fn chat(request: &Chat) -> usize {
    request.messages.len()
}

#[trace_tool]
fn tool(call: Call) -> usize {
    call.arguments.len()
}

#[trace_llm(provider = "mock", model = "m", attributes(app.turn = 3))]
fn ask(prompt: &str) -> Result<String, String> {
    Err(format!("refused {prompt}"))
}

#[trace_tool(capture_input = true)]
fn forced(text: &str) -> usize {
    text.len()
}

#[test]
fn capture_off_keeps_metadata_and_drops_content_unless_a_macro_forces_it() {
    let tracing = agentrace::builder()
        .no_export()
        .init()
        .expect("tracing starts once per test binary");
    tracing.set_capture_content(false);
    let (_, spans) = capture(|| {
        let _ = ask("secret prompt");
        chat(&Chat {
            model: "m2",
            max_tokens: 9,
            messages: vec![Message::text("user", "private question")],
            system: "private instructions",
        });
        tool(Call {
            id: "call_1",
            arguments: vec!["private argument"],
        });
        forced("shown")
    });
    tracing.set_capture_content(true);
    let llm = span(&spans, "chat m");
    assert!(llm.attr("input.value").is_none());
    assert!(llm.attr("output.value").is_none());
    assert_eq!(llm.attr_str("gen_ai.request.model"), Some("m"));
    assert_eq!(llm.attr_str("gen_ai.provider.name"), Some("mock"));
    assert_eq!(llm.attr_i64("app.turn"), Some(3));
    assert_eq!(llm.status.status_code, StatusCode::Error);
    let extracted = span(&spans, "chat m2");
    assert_eq!(extracted.attr_i64("gen_ai.request.max_tokens"), Some(9));
    for key in [
        "gen_ai.input.messages",
        "gen_ai.system_instructions",
        "input.value",
        "output.value",
    ] {
        assert!(extracted.attr(key).is_none(), "{key} is content");
    }
    let call = span(&spans, "execute_tool tool");
    assert_eq!(call.attr_str("gen_ai.tool.call.id"), Some("call_1"));
    assert!(call.attr("gen_ai.tool.call.arguments").is_none());
    let everything = serde_json::to_string(&spans).unwrap();
    assert!(
        !everything.contains("private"),
        "no content anywhere: {everything}"
    );
    let tool = span(&spans, "execute_tool forced");
    assert_eq!(tool.attr_str("input.value"), Some(r#"{"text":"shown"}"#));
    assert!(tool.attr("output.value").is_none());
}
