//! With content capture switched off, spans keep their names, kinds, model, status and
//! extra attributes, and carry no captured arguments or return values. (Its own test binary:
//! the switch is process-wide.)

use agentrace::testing::{capture, span};
use agentrace::{trace_llm, trace_tool, StatusCode};

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
    agentrace::set_capture_content(false);
    let (_, spans) = capture(|| {
        let _ = ask("secret prompt");
        forced("shown")
    });
    agentrace::set_capture_content(true);
    let llm = span(&spans, "chat m");
    assert!(llm.attr("input.value").is_none());
    assert!(llm.attr("output.value").is_none());
    assert_eq!(llm.attr_str("gen_ai.request.model"), Some("m"));
    assert_eq!(llm.attr_str("gen_ai.provider.name"), Some("mock"));
    assert_eq!(llm.attr_i64("app.turn"), Some(3));
    assert_eq!(llm.status.status_code, StatusCode::Error);
    let tool = span(&spans, "execute_tool forced");
    assert_eq!(tool.attr_str("input.value"), Some(r#"{"text":"shown"}"#));
    assert!(tool.attr("output.value").is_none());
}
