//! Extractors and their derives: the exact GenAI attributes a traced call records from the
//! user's own request, response, chunk, tool, agent, embedding and formatter types.

use agentrace::genai::{
    AgentInfo, ChatMessage, EmbeddingRequest, EmbeddingResponse, FormatRequest, LlmRequest,
    LlmResponse, StreamChunk, TokenUsage, ToolCall, ToolResult,
};
use agentrace::record::StatusCode;
use agentrace::testing::{capture, capture_async, span};
use agentrace::{trace_agent, trace_embedding, trace_format, trace_llm, trace_tool};
use futures::stream::{self, Stream, StreamExt};
use serde::Serialize;

#[derive(ChatMessage, Serialize, Clone)]
struct Msg {
    #[agentrace(role)]
    role: String,
    #[agentrace(content)]
    content: String,
}

fn msg(role: &str, content: &str) -> Msg {
    Msg {
        role: role.into(),
        content: content.into(),
    }
}

#[derive(LlmRequest)]
struct ChatRequest {
    #[agentrace(model)]
    model: String,
    #[agentrace(temperature)]
    temperature: Option<f32>,
    #[agentrace(top_p)]
    top_p: Option<f64>,
    #[agentrace(max_tokens)]
    max_tokens: u32,
    #[agentrace(stop_sequences)]
    stop: Vec<String>,
    #[agentrace(seed)]
    seed: Option<i64>,
    #[agentrace(messages)]
    messages: Vec<Msg>,
    #[agentrace(system)]
    system: Option<String>,
    #[allow(dead_code)]
    api_key: String,
}

#[derive(TokenUsage, Clone)]
struct Usage {
    #[agentrace(input_tokens)]
    prompt_tokens: u32,
    #[agentrace(output_tokens)]
    completion_tokens: u32,
    #[agentrace(cache_read_input_tokens)]
    cached_tokens: Option<u32>,
}

#[derive(LlmResponse)]
struct ChatResponse {
    #[agentrace(id)]
    id: String,
    #[agentrace(model)]
    model: String,
    #[agentrace(finish_reasons)]
    finish_reason: String,
    #[agentrace(usage)]
    usage: Usage,
    #[agentrace(output_text)]
    text: String,
}

#[trace_llm(provider = "openai", skip(request))]
fn chat(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(ChatResponse {
        id: "resp-1".into(),
        model: format!("{}-2024", request.model),
        finish_reason: "stop".into(),
        usage: Usage {
            prompt_tokens: 10,
            completion_tokens: 20,
            cached_tokens: Some(4),
        },
        text: "Paris".into(),
    })
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "gpt-4o".into(),
        temperature: Some(0.5),
        top_p: None,
        max_tokens: 256,
        stop: vec!["END".into()],
        seed: Some(7),
        messages: vec![msg("user", "Capital of France?")],
        system: Some("Be brief.".into()),
        api_key: "never-recorded".into(),
    }
}

#[test]
fn a_chat_call_records_request_response_and_usage() {
    let (response, spans) = capture(|| chat(&request()));
    assert!(response.is_ok());
    let llm = span(&spans, "chat gpt-4o");
    assert_eq!(llm.attr_str("gen_ai.request.model"), Some("gpt-4o"));
    assert_eq!(llm.attr_str("gen_ai.provider.name"), Some("openai"));
    assert_eq!(llm.attr_f64("gen_ai.request.temperature"), Some(0.5));
    assert!(
        llm.attr("gen_ai.request.top_p").is_none(),
        "absent values are dropped"
    );
    assert_eq!(llm.attr_i64("gen_ai.request.max_tokens"), Some(256));
    assert_eq!(
        llm.attr("gen_ai.request.stop_sequences"),
        Some(&serde_json::json!(["END"]))
    );
    assert_eq!(llm.attr_i64("gen_ai.request.seed"), Some(7));
    assert_eq!(
        llm.attr_json("gen_ai.input.messages"),
        Some(
            serde_json::json!([{"role": "user", "parts": [{"type": "text", "content": "Capital of France?"}]}])
        )
    );
    assert_eq!(
        llm.attr_json("gen_ai.system_instructions"),
        Some(serde_json::json!([{"type": "text", "content": "Be brief."}]))
    );
    assert_eq!(llm.attr_str("gen_ai.response.id"), Some("resp-1"));
    assert_eq!(llm.attr_str("gen_ai.response.model"), Some("gpt-4o-2024"));
    assert_eq!(
        llm.attr("gen_ai.response.finish_reasons"),
        Some(&serde_json::json!(["stop"]))
    );
    assert_eq!(llm.attr_i64("gen_ai.usage.input_tokens"), Some(10));
    assert_eq!(llm.attr_i64("gen_ai.usage.output_tokens"), Some(20));
    assert_eq!(
        llm.attr_i64("gen_ai.usage.cache_read.input_tokens"),
        Some(4)
    );
    assert_eq!(
        llm.attr_json("gen_ai.output.messages"),
        Some(
            serde_json::json!([{"role": "assistant", "parts": [{"type": "text", "content": "Paris"}]}])
        )
    );
    // OpenInference mirrors for Phoenix.
    assert_eq!(llm.attr_str("llm.model_name"), Some("gpt-4o"));
    assert_eq!(llm.attr_i64("llm.token_count.prompt"), Some(10));
    assert_eq!(llm.attr_i64("llm.token_count.completion"), Some(20));
    assert_eq!(llm.attr_i64("llm.token_count.total"), Some(30));
    let text = serde_json::to_string(&llm.attributes).unwrap();
    assert!(
        !text.contains("never-recorded"),
        "unmarked fields are never recorded"
    );
}

#[derive(StreamChunk, Clone)]
struct Chunk {
    #[agentrace(id)]
    id: String,
    #[agentrace(delta)]
    delta: Option<String>,
    #[agentrace(finish_reason)]
    finish_reason: Option<String>,
    #[agentrace(usage)]
    usage: Option<Usage>,
}

#[trace_llm(model = "streamer", stream)]
async fn stream_chat(
    chunks: Vec<Chunk>,
) -> Result<impl Stream<Item = Result<Chunk, String>>, String> {
    Ok(stream::iter(chunks.into_iter().map(Ok)))
}

#[tokio::test]
async fn three_chunks_fold_into_one_response() {
    let chunks = vec![
        Chunk {
            id: "s-1".into(),
            delta: Some("Hel".into()),
            finish_reason: None,
            usage: None,
        },
        Chunk {
            id: "s-1".into(),
            delta: Some("lo".into()),
            finish_reason: None,
            usage: None,
        },
        Chunk {
            id: "s-1".into(),
            delta: Some("!".into()),
            finish_reason: Some("stop".into()),
            usage: Some(Usage {
                prompt_tokens: 10,
                completion_tokens: 3,
                cached_tokens: None,
            }),
        },
    ];
    let (_, spans) = capture_async(async {
        let stream = stream_chat(chunks).await.unwrap();
        stream.collect::<Vec<_>>().await
    })
    .await;
    let llm = span(&spans, "chat streamer");
    assert_eq!(llm.attr_str("gen_ai.response.id"), Some("s-1"));
    assert_eq!(
        llm.attr("gen_ai.response.finish_reasons"),
        Some(&serde_json::json!(["stop"]))
    );
    assert_eq!(llm.attr_i64("gen_ai.usage.input_tokens"), Some(10));
    assert_eq!(llm.attr_i64("gen_ai.usage.output_tokens"), Some(3));
    assert_eq!(
        llm.attr_json("gen_ai.output.messages"),
        Some(
            serde_json::json!([{"role": "assistant", "parts": [{"type": "text", "content": "Hello!"}], "finish_reason": "stop"}])
        )
    );
    assert_eq!(llm.attr_i64("agentrace.stream.items"), Some(3));
}

#[derive(ToolCall, Serialize)]
struct WeatherCall {
    #[agentrace(call_id)]
    #[serde(skip)]
    id: String,
    #[agentrace(arguments)]
    args: WeatherArgs,
}

#[derive(Serialize)]
struct WeatherArgs {
    city: String,
}

#[derive(ToolResult)]
struct WeatherResult {
    #[agentrace(result)]
    report: String,
    #[agentrace(error)]
    error: Option<String>,
}

#[trace_tool]
fn get_weather(call: WeatherCall) -> WeatherResult {
    if call.args.city == "Atlantis" {
        return WeatherResult {
            report: String::new(),
            error: Some("no such city".into()),
        };
    }
    WeatherResult {
        report: format!("sunny in {}", call.args.city),
        error: None,
    }
}

#[test]
fn a_tool_call_records_id_arguments_result_and_a_failure_returned_as_data() {
    let (_, spans) = capture(|| {
        get_weather(WeatherCall {
            id: "call_42".into(),
            args: WeatherArgs {
                city: "Paris".into(),
            },
        });
        get_weather(WeatherCall {
            id: "call_43".into(),
            args: WeatherArgs {
                city: "Atlantis".into(),
            },
        });
    });
    let calls: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "execute_tool get_weather")
        .collect();
    let ok = calls
        .iter()
        .find(|s| s.attr_str("gen_ai.tool.call.id") == Some("call_42"))
        .unwrap();
    assert_eq!(
        ok.attr_json("gen_ai.tool.call.arguments"),
        Some(serde_json::json!({"city": "Paris"}))
    );
    assert_eq!(
        ok.attr_json("gen_ai.tool.call.result"),
        Some(serde_json::json!("sunny in Paris"))
    );
    assert_eq!(ok.status.status_code, StatusCode::Ok);
    let failed = calls
        .iter()
        .find(|s| s.attr_str("gen_ai.tool.call.id") == Some("call_43"))
        .unwrap();
    assert_eq!(failed.status.status_code, StatusCode::Error);
    assert_eq!(failed.status.description.as_deref(), Some("no such city"));
    assert_eq!(failed.attr_str("error.type"), Some("tool_error"));
}

#[derive(AgentInfo)]
struct Researcher {
    #[agentrace(id)]
    id: String,
    #[agentrace(name)]
    name: &'static str,
    #[agentrace(description)]
    about: String,
}

impl Researcher {
    #[trace_agent]
    fn run(&self, topic: &str) -> String {
        format!("{} researched {topic}", self.name)
    }
}

#[test]
fn an_agent_records_id_and_name_and_is_named_after_it() {
    let agent = Researcher {
        id: "agent-7".into(),
        name: "researcher",
        about: "Finds sources".into(),
    };
    let (_, spans) = capture(|| agent.run("rust"));
    let run = span(&spans, "invoke_agent researcher");
    assert_eq!(run.attr_str("gen_ai.agent.id"), Some("agent-7"));
    assert_eq!(run.attr_str("gen_ai.agent.name"), Some("researcher"));
    assert_eq!(
        run.attr_str("gen_ai.agent.description"),
        Some("Finds sources")
    );
}

#[derive(EmbeddingRequest)]
struct EmbedRequest {
    #[agentrace(model)]
    model: String,
    #[allow(dead_code)]
    input: Vec<String>,
}

#[derive(EmbeddingResponse)]
struct EmbedResponse {
    #[agentrace(dimensions)]
    vector: Vec<f32>,
}

#[trace_embedding(provider = "mock")]
fn embed(request: EmbedRequest) -> EmbedResponse {
    let _ = request.input;
    EmbedResponse {
        vector: vec![0.0; 768],
    }
}

#[test]
fn an_embedding_records_model_and_dimension_count() {
    let (_, spans) = capture(|| {
        embed(EmbedRequest {
            model: "text-embed-3".into(),
            input: vec!["a".into()],
        })
    });
    let embedding = span(&spans, "embeddings text-embed-3");
    assert_eq!(
        embedding.attr_i64("gen_ai.embeddings.dimension.count"),
        Some(768)
    );
    assert_eq!(
        embedding.attr_str("gen_ai.request.model"),
        Some("text-embed-3")
    );
}

#[derive(FormatRequest)]
struct Prompt {
    #[agentrace(target)]
    target: String,
    #[agentrace(messages)]
    messages: Vec<Msg>,
}

#[trace_format]
fn render(prompt: &Prompt) -> String {
    prompt
        .messages
        .iter()
        .map(|m| m.content.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_formatter_records_target_and_message_count() {
    let prompt = Prompt {
        target: "anthropic".into(),
        messages: vec![msg("user", "a"), msg("assistant", "b")],
    };
    let (_, spans) = capture(|| render(&prompt));
    let format = span(&spans, "format anthropic");
    assert_eq!(
        format.attr_str("agentrace.format.target"),
        Some("anthropic")
    );
    assert_eq!(format.attr_i64("agentrace.format.message_count"), Some(2));
}

#[derive(LlmRequest)]
enum AnyRequest {
    Chat {
        #[agentrace(model)]
        model: String,
    },
    Legacy(
        #[agentrace(model)] &'static str,
        #[agentrace(max_tokens)] u16,
    ),
}

#[trace_llm]
fn any(request: AnyRequest) -> u8 {
    match request {
        AnyRequest::Chat { .. } => 1,
        AnyRequest::Legacy(..) => 2,
    }
}

#[test]
fn enums_derive_per_variant() {
    let (_, spans) = capture(|| {
        any(AnyRequest::Chat { model: "a".into() });
        any(AnyRequest::Legacy("b", 9));
    });
    span(&spans, "chat a");
    assert_eq!(
        span(&spans, "chat b").attr_i64("gen_ai.request.max_tokens"),
        Some(9)
    );
}

#[test]
fn content_attributes_follow_the_capture_switch_while_metadata_stays() {
    // Per-function override: no captured input, so no input messages either.
    #[trace_llm(capture_input = false, capture_output = false)]
    fn private_chat(request: &ChatRequest) -> Result<ChatResponse, String> {
        chat(request)
    }
    let (_, spans) = capture(|| private_chat(&request()));
    let llm = spans
        .iter()
        .find(|s| {
            s.attr_str("code.function.name")
                .is_some_and(|f| f.ends_with("private_chat"))
        })
        .unwrap();
    assert!(llm.attr("gen_ai.input.messages").is_none());
    assert!(llm.attr("gen_ai.system_instructions").is_none());
    assert!(llm.attr("gen_ai.output.messages").is_none());
    assert_eq!(llm.attr_i64("gen_ai.usage.output_tokens"), Some(20));
    assert_eq!(llm.attr_str("gen_ai.request.model"), Some("gpt-4o"));
}

#[test]
fn extracted_content_is_redacted_and_the_paths_are_listed() {
    let mut leaky = request();
    leaky.messages = vec![msg(
        "user",
        "my key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234",
    )];
    let (_, spans) = capture(|| chat(&leaky));
    let llm = span(&spans, "chat gpt-4o");
    let messages = llm.attr_str("gen_ai.input.messages").unwrap();
    assert!(
        !messages.contains("AbCdEfGhIjKlMnOpQrStUvWx1234"),
        "{messages}"
    );
    assert!(messages.contains("[REDACTED:"), "{messages}");
    let redacted = llm.attr("agentrace.redacted").expect("the redacted paths");
    assert!(
        redacted
            .as_array()
            .unwrap()
            .iter()
            .any(|path| path.as_str().unwrap().starts_with("gen_ai.input.messages")),
        "{redacted}"
    );
}
