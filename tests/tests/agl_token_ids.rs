//! Token ids for training: the roles `prompt_token_ids`, `response_token_ids` and `logprobs`
//! on requests, responses and stream chunks (joined across chunks) write the integer arrays
//! Agent Lightning's triplet adapter reads; `current_span().record_token_ids` writes them
//! too. Without the Agent Lightning preset, no flattened prompt or completion attributes and
//! no `agent.name` are written.

use agentrace::genai::{LlmRequest, LlmResponse, Message, StreamChunk};
use agentrace::testing::{capture, span};
use agentrace::{trace_agent, trace_llm};
use futures::stream::{self, Stream, StreamExt};
use serde_json::json;

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
    #[agentrace(output_text)]
    text: String,
    #[agentrace(prompt_token_ids)]
    prompt_ids: Option<Vec<i64>>,
    #[agentrace(response_token_ids)]
    ids: Vec<u32>,
    #[agentrace(logprobs)]
    logprobs: Vec<f64>,
}

#[derive(StreamChunk)]
struct Chunk {
    #[agentrace(delta)]
    text: &'static str,
    #[agentrace(prompt_token_ids)]
    prompt_ids: Option<Vec<u32>>,
    #[agentrace(response_token_ids)]
    ids: &'static [u32],
    #[agentrace(logprobs)]
    logprobs: &'static [f32],
}

fn request() -> Request {
    Request {
        model: "tiny",
        messages: vec![Message::text("user", "hi")],
        ids: vec![1, 2, 3],
    }
}

#[trace_llm(provider = "mock")]
fn complete(_request: &Request) -> Response {
    Response {
        text: "hello".into(),
        prompt_ids: None,
        ids: vec![40, 41],
        logprobs: vec![-0.5, -1.25],
    }
}

#[trace_llm(provider = "mock", stream)]
fn stream_reply(_request: &Request) -> impl Stream<Item = Chunk> {
    stream::iter([
        Chunk {
            text: "he",
            prompt_ids: Some(vec![9, 9]),
            ids: &[40],
            logprobs: &[-0.5],
        },
        Chunk {
            text: "ll",
            prompt_ids: None,
            ids: &[],
            logprobs: &[],
        },
        Chunk {
            text: "o",
            prompt_ids: None,
            ids: &[41, 42],
            logprobs: &[-0.25, -2.0],
        },
    ])
}

#[test]
fn request_and_response_roles_write_integer_arrays() {
    let (_, spans) = capture(|| complete(&request()));
    let chat = span(&spans, "chat tiny");
    assert_eq!(chat.attr("prompt_token_ids"), Some(&json!([1, 2, 3])));
    assert_eq!(chat.attr("response_token_ids"), Some(&json!([40, 41])));
    assert_eq!(
        chat.attr_json("logprobs.content"),
        Some(json!([{"logprob": -0.5}, {"logprob": -1.25}]))
    );
}

#[test]
fn stream_chunks_join_response_ids_and_logprobs_and_keep_the_prompt_ids() {
    let (text, spans) = capture(|| {
        futures::executor::block_on(stream_reply(&request()).map(|c| c.text).collect::<String>())
    });
    assert_eq!(text, "hello");
    let chat = span(&spans, "chat tiny");
    assert_eq!(chat.attr("response_token_ids"), Some(&json!([40, 41, 42])));
    // The request's ids are written when the call starts; a chunk's, when the stream ends.
    assert_eq!(chat.attr("prompt_token_ids"), Some(&json!([9, 9])));
    assert_eq!(
        chat.attr_json("logprobs.content"),
        Some(json!([{"logprob": -0.5}, {"logprob": -0.25}, {"logprob": -2.0}]))
    );
}

#[trace_llm(model = "m")]
fn set_by_hand() -> &'static str {
    agentrace::current_span().record_token_ids(&[7u64, 8], &vec![9i32]);
    "ok"
}

#[test]
fn current_span_records_token_ids() {
    let (_, spans) = capture(set_by_hand);
    assert_eq!(spans[0].attr("prompt_token_ids"), Some(&json!([7, 8])));
    assert_eq!(spans[0].attr("response_token_ids"), Some(&json!([9])));
}

#[trace_llm(model = "m")]
fn negative_or_huge() -> &'static str {
    agentrace::current_span().record_token_ids(&[u64::MAX], &[-1i64]);
    "ok"
}

#[test]
fn ids_past_i64_are_left_out_whole_and_negative_ids_kept() {
    let (_, spans) = capture(negative_or_huge);
    assert_eq!(spans[0].attr("prompt_token_ids"), None);
    assert_eq!(spans[0].attr("response_token_ids"), Some(&json!([-1])));
}

#[trace_agent(name = "tutor")]
fn tutor() -> Response {
    complete(&request())
}

#[test]
fn without_the_preset_no_flattened_messages_and_no_agent_name() {
    let (_, spans) = capture(tutor);
    let chat = span(&spans, "chat tiny");
    assert!(chat.attr("gen_ai.input.messages").is_some());
    assert!(
        chat.attributes
            .keys()
            .all(|k| !k.starts_with("gen_ai.prompt.") && !k.starts_with("gen_ai.completion.")),
        "{:?}",
        chat.attributes.keys()
    );
    let agent = span(&spans, "invoke_agent tutor");
    assert_eq!(agent.attr_str("gen_ai.agent.name"), Some("tutor"));
    assert!(agent.attr("agent.name").is_none());
}
