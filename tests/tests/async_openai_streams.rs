//! async-openai streams whatever their type is called: a type alias of a boxed stream (as
//! async-openai's own `ChatCompletionResponseStream`), the `stream` option on an alias the
//! macro cannot read, streamed tool calls folded into the output message,
//! `gen_ai.request.stream` for streamed calls, and client arguments never captured. The
//! same with a real async-openai client and server: `tests/integrations`.

use std::pin::Pin;

use agentrace::record::StatusCode;
use agentrace::testing::{capture, capture_async, span};
use agentrace::trace_llm;
use async_openai::types::chat::{CreateChatCompletionRequest, CreateChatCompletionStreamResponse};
use futures::stream::{self, Stream, StreamExt};
use serde_json::json;

/// The shape of async-openai's `ChatCompletionResponseStream` (whose alias needs the HTTP
/// client feature), under a name of the same kind.
type ChatCompletionResponseStream =
    Pin<Box<dyn Stream<Item = Result<CreateChatCompletionStreamResponse, String>> + Send>>;

/// The same type under a name that does not say "stream".
type Replies = ChatCompletionResponseStream;

fn chunk(
    delta: serde_json::Value,
    finish: Option<&str>,
    usage: bool,
) -> CreateChatCompletionStreamResponse {
    let mut chunk = json!({
        "id": "chatcmpl-t", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
    });
    if usage {
        chunk["usage"] = json!({"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15});
    }
    serde_json::from_value(chunk).expect("a valid chunk")
}

fn request() -> CreateChatCompletionRequest {
    serde_json::from_value(json!({
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Weather in Paris?"}]
    }))
    .unwrap()
}

/// Two tool calls streamed in pieces (OpenAI's shape: id and name first, arguments after),
/// after an empty text delta; usage in the last chunk.
fn tool_call_chunks() -> Vec<Result<CreateChatCompletionStreamResponse, String>> {
    vec![
        Ok(chunk(
            json!({"role": "assistant", "content": ""}),
            None,
            false,
        )),
        Ok(chunk(
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
            "function": {"name": "weather", "arguments": ""}}]}),
            None,
            false,
        )),
        Ok(chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
            None,
            false,
        )),
        Ok(chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
            None,
            false,
        )),
        Ok(chunk(
            json!({"tool_calls": [{"index": 1, "id": "call_2", "type": "function",
            "function": {"name": "time", "arguments": "{}"}}]}),
            None,
            false,
        )),
        Ok(chunk(json!({}), Some("tool_calls"), true)),
    ]
}

#[trace_llm(provider = "openai")]
async fn create_stream(
    request: CreateChatCompletionRequest,
) -> Result<ChatCompletionResponseStream, String> {
    let _ = request;
    Ok(Box::pin(stream::iter(tool_call_chunks())))
}

#[tokio::test]
async fn a_type_alias_stream_is_followed_and_streamed_tool_calls_fold_into_the_output() {
    let (items, spans) = capture_async(async {
        let stream = create_stream(request()).await.unwrap();
        stream.collect::<Vec<_>>().await
    })
    .await;
    assert_eq!(items.len(), 6, "the items pass through unchanged");
    let chat = span(&spans, "chat gpt-4o-mini");
    assert_eq!(chat.status.status_code, StatusCode::Ok);
    assert_eq!(chat.attr_i64("agentrace.stream.items"), Some(6));
    assert_eq!(chat.attr_bool("gen_ai.request.stream"), Some(true));
    assert_eq!(chat.attr_i64("gen_ai.usage.input_tokens"), Some(11));
    assert_eq!(chat.attr_i64("gen_ai.usage.output_tokens"), Some(4));
    let output = chat
        .attr_json("gen_ai.output.messages")
        .expect("output messages");
    assert_eq!(
        output,
        json!([{
            "role": "assistant",
            "parts": [
                {"type": "tool_call", "id": "call_1", "name": "weather", "arguments": {"city": "Paris"}},
                {"type": "tool_call", "id": "call_2", "name": "time", "arguments": {}}
            ],
            "finish_reason": "tool_calls"
        }])
    );
}

#[trace_llm(provider = "openai", model = "gpt-4o-mini", stream)]
fn replies() -> Result<Replies, String> {
    Ok(Box::pin(stream::iter(vec![
        Ok(chunk(json!({"content": "Sun"}), None, false)),
        Ok(chunk(json!({"content": "ny."}), Some("stop"), true)),
    ])))
}

#[tokio::test]
async fn the_stream_option_accepts_an_alias_the_signature_does_not_show() {
    let (items, spans) =
        capture_async(async { replies().unwrap().collect::<Vec<_>>().await }).await;
    assert_eq!(items.len(), 2);
    let chat = span(&spans, "chat gpt-4o-mini");
    assert_eq!(chat.attr_i64("agentrace.stream.items"), Some(2));
    assert_eq!(chat.attr_bool("gen_ai.request.stream"), Some(true));
    let output = chat.attr_json("gen_ai.output.messages").unwrap();
    assert_eq!(
        output[0]["parts"],
        json!([{"type": "text", "content": "Sunny."}])
    );
}

#[tokio::test]
async fn a_stream_dropped_early_ends_its_span_as_cancelled() {
    let (_, spans) = capture_async(async {
        let mut stream = create_stream(request()).await.unwrap();
        stream.next().await
    })
    .await;
    let chat = span(&spans, "chat gpt-4o-mini");
    assert_eq!(chat.status.status_code, StatusCode::Error);
    assert_eq!(chat.attr_str("error.type"), Some("cancelled"));
}

/// A type named like a stream that is no boxed stream: the call is traced as a plain value.
#[derive(Debug)]
struct LineStream(Vec<&'static str>);

#[trace_llm(model = "m")]
fn lines() -> LineStream {
    LineStream(vec!["a", "b"])
}

#[test]
fn a_named_type_that_is_no_boxed_stream_is_a_plain_value() {
    let (value, spans) = capture(lines);
    assert_eq!(value.0, ["a", "b"]);
    let chat = span(&spans, "chat m");
    assert_eq!(chat.attr_i64("agentrace.stream.items"), None);
    assert!(chat
        .attr_str("output.value")
        .unwrap()
        .contains("LineStream"));
}

/// A client: its `Debug` text is its configuration.
#[derive(Debug)]
struct OpenAiClient {
    api_base: String,
}

#[trace_llm(model = "m")]
fn ask(client: &OpenAiClient, shared: std::sync::Arc<OpenAiClient>, prompt: &str) -> usize {
    client.api_base.len() + shared.api_base.len() + prompt.len()
}

#[test]
fn client_arguments_are_never_captured() {
    let client = OpenAiClient {
        api_base: "http://internal.example:8080/v1".into(),
    };
    let shared = std::sync::Arc::new(OpenAiClient {
        api_base: "http://other".into(),
    });
    let (_, spans) = capture(|| ask(&client, shared, "hi"));
    let chat = span(&spans, "chat m");
    assert_eq!(chat.attr_str("input.value"), Some(r#"{"prompt":"hi"}"#));
}
