//! The `async-openai` feature: async-openai's chat request, response and stream chunk types
//! need no code of the user's to land on spans. Values are built by hand; no network.

use agentrace::testing::{capture, capture_async, span};
use agentrace::trace_llm;
use async_openai::types::chat::{
    CreateChatCompletionRequest, CreateChatCompletionResponse, CreateChatCompletionStreamResponse,
};
use futures::stream::{self, Stream, StreamExt};
use serde_json::json;

fn request() -> CreateChatCompletionRequest {
    serde_json::from_value(json!({
        "model": "gpt-4o-mini",
        "temperature": 0.3,
        "max_completion_tokens": 128,
        "stop": ["\n\n"],
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
            {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"sky\":\"clear\"}"}
        ],
        "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]
    }))
    .expect("a valid request")
}

fn response() -> CreateChatCompletionResponse {
    serde_json::from_value(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                     "message": {"role": "assistant", "content": "Clear skies."}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30,
                  "prompt_tokens_details": {"cached_tokens": 2}}
    }))
    .expect("a valid response")
}

#[trace_llm(provider = "openai")]
fn chat(request: &CreateChatCompletionRequest) -> Result<CreateChatCompletionResponse, String> {
    assert!(!request.messages.is_empty());
    Ok(response())
}

#[test]
fn request_and_response_attributes_come_from_the_types() {
    let (_, spans) = capture(|| chat(&request()));
    let llm = span(&spans, "chat gpt-4o-mini");
    assert_eq!(
        llm.attr_f64("gen_ai.request.temperature")
            .map(|t| (t * 10.0).round()),
        Some(3.0)
    );
    assert_eq!(llm.attr_i64("gen_ai.request.max_tokens"), Some(128));
    assert_eq!(
        llm.attr("gen_ai.request.stop_sequences"),
        Some(&json!(["\n\n"]))
    );
    assert_eq!(llm.attr_str("gen_ai.response.id"), Some("chatcmpl-1"));
    assert_eq!(
        llm.attr_str("gen_ai.response.model"),
        Some("gpt-4o-mini-2024-07-18")
    );
    assert_eq!(
        llm.attr("gen_ai.response.finish_reasons"),
        Some(&json!(["stop"]))
    );
    assert_eq!(llm.attr_i64("gen_ai.usage.input_tokens"), Some(10));
    assert_eq!(llm.attr_i64("gen_ai.usage.output_tokens"), Some(20));
    assert_eq!(
        llm.attr_i64("gen_ai.usage.cache_read.input_tokens"),
        Some(2)
    );
    assert_eq!(
        llm.attr_json("gen_ai.system_instructions"),
        Some(json!([{"type": "text", "content": "You are terse."}]))
    );
    assert_eq!(
        llm.attr_json("gen_ai.input.messages"),
        Some(json!([
            {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]},
            {"role": "assistant", "parts": [{"type": "tool_call", "id": "call_1", "name": "weather", "arguments": {"city": "Paris"}}]},
            {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": {"sky": "clear"}}]}
        ]))
    );
    assert_eq!(
        llm.attr_json("gen_ai.output.messages"),
        Some(
            json!([{"role": "assistant", "parts": [{"type": "text", "content": "Clear skies."}], "finish_reason": "stop"}])
        )
    );
    assert_eq!(
        llm.attr_json("gen_ai.tool.definitions").unwrap()[0]["function"]["name"],
        "weather"
    );
}

fn chunk(
    content: Option<&str>,
    finish: Option<&str>,
    usage: bool,
) -> CreateChatCompletionStreamResponse {
    let mut chunk = json!({
        "id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]
    });
    if usage {
        chunk["usage"] = json!({"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10});
    }
    serde_json::from_value(chunk).expect("a valid chunk")
}

#[trace_llm(provider = "openai", model = "gpt-4o-mini")]
fn stream_chat() -> impl Stream<Item = Result<CreateChatCompletionStreamResponse, String>> {
    stream::iter(vec![
        Ok(chunk(Some("Clear"), None, false)),
        Ok(chunk(Some(" skies."), None, false)),
        Ok(chunk(None, Some("stop"), true)),
    ])
}

#[tokio::test]
async fn stream_chunks_fold_into_the_response() {
    let (items, spans) = capture_async(async { stream_chat().collect::<Vec<_>>().await }).await;
    assert_eq!(items.len(), 3);
    let llm = span(&spans, "chat gpt-4o-mini");
    assert_eq!(llm.attr_str("gen_ai.response.id"), Some("chatcmpl-s"));
    assert_eq!(
        llm.attr("gen_ai.response.finish_reasons"),
        Some(&json!(["stop"]))
    );
    assert_eq!(llm.attr_i64("gen_ai.usage.input_tokens"), Some(7));
    assert_eq!(llm.attr_i64("gen_ai.usage.output_tokens"), Some(3));
    assert_eq!(
        llm.attr_json("gen_ai.output.messages"),
        Some(
            json!([{"role": "assistant", "parts": [{"type": "text", "content": "Clear skies."}], "finish_reason": "stop"}])
        )
    );
}
