//! Real rig (rig-core 0.44 with rig-agent's loop), genai (feature `otel`) and async-openai
//! clients against the local OpenAI-compatible server (`MockOpenAi`), under
//! `#[trace_agent]` functions with `#[trace_tool]` tools, recorded through the `tracing`
//! bridge: one trace per run, agentrace agent span -> library spans -> agentrace tool spans,
//! conventional names and kinds, token counts as integers, status on errors.

use std::sync::Once;

use agentrace::record::{RecordKind, StatusCode};
use agentrace::testing::{capture_async, span};
use agentrace::{trace_agent, trace_llm, trace_tool, SpanRecord};
use agentrace_integration_tests::{
    MockOpenAi, ERROR_MODEL, INPUT_TOKENS, TEXT_OUTPUT_TOKENS, TOOL_CALL_OUTPUT_TOKENS,
};
use serde_json::{json, Value};
use tracing_subscriber::layer::SubscriberExt as _;

fn bridge() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(agentrace::tracing_layer());
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
    });
}

fn parent<'a>(spans: &'a [SpanRecord], child: &SpanRecord) -> &'a SpanRecord {
    let id = child.parent_id.as_deref().expect("a parent");
    spans
        .iter()
        .find(|span| span.span_id == id)
        .unwrap_or_else(|| panic!("the parent of {} was not recorded", child.name))
}

fn named<'a>(spans: &'a [SpanRecord], name: &str) -> Vec<&'a SpanRecord> {
    spans.iter().filter(|span| span.name == name).collect()
}

/// One trace id, one root: the agentrace agent span.
fn one_trace(spans: &[SpanRecord], root: &str) {
    let names: Vec<&str> = spans.iter().map(|span| span.name.as_str()).collect();
    let roots: Vec<&str> = spans
        .iter()
        .filter(|span| span.is_root())
        .map(|span| span.name.as_str())
        .collect();
    assert_eq!(roots, [root], "among {names:?}");
    for span in spans {
        assert_eq!(
            span.trace_id, spans[0].trace_id,
            "{} in another trace",
            span.name
        );
    }
}

#[trace_tool(description = "Current weather for a city")]
async fn weather(city: String) -> String {
    tokio::task::yield_now().await;
    format!("sunny in {city}")
}

fn assert_tool_span(spans: &[SpanRecord], tool: &SpanRecord) {
    assert_eq!(tool.attr_str("input.value"), Some(r#"{"city":"Paris"}"#));
    assert_eq!(tool.status.status_code, StatusCode::Ok);
    let _ = spans;
}

fn assert_chat(chat: &SpanRecord, output_tokens: i64) {
    assert_eq!(chat.kind, RecordKind::Client, "{}", chat.name);
    assert_eq!(chat.attr_str("openinference.span.kind"), Some("LLM"));
    assert_eq!(
        chat.attr_i64("gen_ai.usage.input_tokens"),
        Some(INPUT_TOKENS)
    );
    assert_eq!(
        chat.attr_i64("gen_ai.usage.output_tokens"),
        Some(output_tokens)
    );
}

mod rig {
    use super::*;
    use rig_agent::{Agent, AgentBuilder};
    use rig_core::providers::openai::{OpenAIConfig, Route};

    /// rig's tool, calling the agentrace-traced tool.
    pub struct Weather;

    #[derive(serde::Deserialize)]
    pub struct Args {
        city: String,
    }

    impl rig_core::tool::PortableTool for Weather {
        const NAME: &'static str = "get_weather";
        type Args = Args;
        type Output = String;
        type Error = std::io::Error;

        fn description(&self) -> String {
            "Current weather for a city".into()
        }

        fn parameters(&self) -> Value {
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
        }

        async fn call(&self, arguments: Args) -> Result<String, std::io::Error> {
            Ok(weather(arguments.city).await)
        }
    }

    pub fn agent(server: &MockOpenAi, model: &str) -> Agent {
        let model = OpenAIConfig::new("sk-test")
            .with_base_url(server.base_url.clone())
            .with_route(Route::Chat)
            .client()
            .completion(model);
        AgentBuilder::new(model)
            .name("forecaster")
            .preamble("Answer with the weather tool.")
            .default_max_turns(3)
            .tool(Weather)
            .build()
    }

    #[trace_agent(name = "rig_app")]
    pub async fn ask(agent: &Agent, question: &str) -> Result<String, String> {
        agent
            .prompt(question)
            .await
            .map(|response| response.output().to_string())
            .map_err(|error| error.to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rig_agent_loop_chat_and_tool_spans_join_the_agentrace_trace() {
    bridge();
    let server = MockOpenAi::start().await.unwrap();
    let agent = rig::agent(&server, "gpt-rig");
    let (answer, spans) = capture_async(rig::ask(&agent, "Weather in Paris?")).await;
    assert_eq!(answer.unwrap(), agentrace_integration_tests::ANSWER);
    one_trace(&spans, "invoke_agent rig_app");
    let app = span(&spans, "invoke_agent rig_app");
    // rig opens its own agent span as a root (it saw no `tracing` parent): it joins ours.
    let rig_agent = span(&spans, "invoke_agent forecaster");
    assert_eq!(parent(&spans, rig_agent).span_id, app.span_id);
    assert_eq!(rig_agent.attr_str("openinference.span.kind"), Some("AGENT"));
    let chats = named(&spans, "chat gpt-rig");
    assert_eq!(chats.len(), 2, "two model calls");
    let mut outputs: Vec<i64> = chats
        .iter()
        .map(|chat| chat.attr_i64("gen_ai.usage.output_tokens").unwrap())
        .collect();
    outputs.sort_unstable();
    assert_eq!(outputs, [TOOL_CALL_OUTPUT_TOKENS, TEXT_OUTPUT_TOKENS]);
    for chat in &chats {
        assert_chat(chat, chat.attr_i64("gen_ai.usage.output_tokens").unwrap());
        assert_eq!(chat.status.status_code, StatusCode::Ok);
        assert!(spans
            .iter()
            .any(|s| s.span_id == parent(&spans, chat).span_id));
    }
    let rig_tool = span(&spans, "execute_tool get_weather");
    assert_eq!(rig_tool.attr_str("openinference.span.kind"), Some("TOOL"));
    let tool = span(&spans, "execute_tool weather");
    assert_eq!(parent(&spans, tool).span_id, rig_tool.span_id);
    assert_tool_span(&spans, tool);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rig_error_status_fails_the_agent_and_leaves_the_chat_span_not_ok() {
    bridge();
    let server = MockOpenAi::start().await.unwrap();
    let agent = rig::agent(&server, ERROR_MODEL);
    let (answer, spans) = capture_async(rig::ask(&agent, "Weather?")).await;
    assert!(answer.is_err());
    one_trace(&spans, "invoke_agent rig_app");
    let app = span(&spans, "invoke_agent rig_app");
    assert_eq!(app.status.status_code, StatusCode::Error);
    // rig records no error on its chat span: with no response recorded it is not OK.
    let chats = named(&spans, &format!("chat {ERROR_MODEL}"));
    assert!(!chats.is_empty(), "rig's chat span is recorded");
    for chat in chats {
        assert_eq!(parent(&spans, chat).name, "invoke_agent forecaster");
        assert_ne!(chat.status.status_code, StatusCode::Ok);
    }
}

mod genai_client {
    use super::*;
    use genai::adapter::AdapterKind;
    use genai::chat::{ChatMessage, ChatRequest, Tool, ToolResponse};
    use genai::resolver::{AuthData, Endpoint, ServiceTargetResolver};
    use genai::{Client, ModelIden, ServiceTarget};

    pub fn client(server: &MockOpenAi) -> Client {
        let base = format!("{}/", server.base_url);
        let resolver = ServiceTargetResolver::from_resolver_fn(
            move |target: ServiceTarget| -> Result<ServiceTarget, genai::resolver::Error> {
                Ok(ServiceTarget {
                    endpoint: Endpoint::from_owned(base.clone()),
                    auth: AuthData::from_single("sk-test"),
                    model: ModelIden::new(AdapterKind::OpenAI, target.model.model_name),
                })
            },
        );
        Client::builder()
            .with_service_target_resolver(resolver)
            .build()
            .unwrap()
    }

    #[trace_agent(name = "genai_app")]
    pub async fn ask(client: &Client, model: &str) -> Result<String, genai::Error> {
        let tool = Tool::new("get_weather")
            .with_description("Current weather for a city")
            .with_schema(json!({"type": "object", "properties": {"city": {"type": "string"}}}));
        let request =
            ChatRequest::new(vec![ChatMessage::user("Weather in Paris?")]).with_tools(vec![tool]);
        let response = client.exec_chat(model, request.clone(), None).await?;
        let calls = response.into_tool_calls();
        let mut request = request;
        let mut results = Vec::new();
        for call in &calls {
            let city = call.fn_arguments["city"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            results.push(ToolResponse::new(call.call_id.clone(), weather(city).await));
        }
        request = request.append_message(calls);
        for result in results {
            request = request.append_message(result);
        }
        let response = client.exec_chat(model, request, None).await?;
        Ok(response.first_text().unwrap_or_default().to_owned())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genai_chat_spans_sit_between_the_agent_and_carry_integer_tokens() {
    bridge();
    let server = MockOpenAi::start().await.unwrap();
    let client = genai_client::client(&server);
    let (answer, spans) = capture_async(genai_client::ask(&client, "gpt-genai")).await;
    assert_eq!(answer.unwrap(), agentrace_integration_tests::ANSWER);
    one_trace(&spans, "invoke_agent genai_app");
    let app = span(&spans, "invoke_agent genai_app");
    let chats = named(&spans, "chat gpt-genai");
    assert_eq!(chats.len(), 2);
    for chat in &chats {
        assert_eq!(parent(&spans, chat).span_id, app.span_id);
        assert_eq!(chat.status.status_code, StatusCode::Ok);
    }
    assert_chat(chats[0], TOOL_CALL_OUTPUT_TOKENS);
    assert_chat(chats[1], TEXT_OUTPUT_TOKENS);
    let tool = span(&spans, "execute_tool weather");
    assert_eq!(parent(&spans, tool).span_id, app.span_id);
    assert_tool_span(&spans, tool);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genai_error_status_marks_its_chat_span_and_the_agent() {
    bridge();
    let server = MockOpenAi::start().await.unwrap();
    let client = genai_client::client(&server);
    let (answer, spans) = capture_async(genai_client::ask(&client, ERROR_MODEL)).await;
    assert!(answer.is_err());
    one_trace(&spans, "invoke_agent genai_app");
    let chat = span(&spans, &format!("chat {ERROR_MODEL}"));
    assert_eq!(chat.status.status_code, StatusCode::Error);
    assert_eq!(
        span(&spans, "invoke_agent genai_app").status.status_code,
        StatusCode::Error
    );
}

mod openai {
    use super::*;
    use async_openai::config::OpenAIConfig;
    use async_openai::error::OpenAIError;
    use async_openai::types::chat::{
        ChatCompletionResponseStream, CreateChatCompletionRequest, CreateChatCompletionResponse,
    };
    use async_openai::Client;
    use futures::StreamExt as _;

    pub fn client(server: &MockOpenAi) -> Client<OpenAIConfig> {
        Client::with_config(
            OpenAIConfig::new()
                .with_api_base(server.base_url.clone())
                .with_api_key("sk-test"),
        )
    }

    pub fn request(model: &str, messages: Value) -> CreateChatCompletionRequest {
        serde_json::from_value(json!({
            "model": model,
            "messages": messages,
            "tools": [{"type": "function", "function": {"name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
        }))
        .unwrap()
    }

    #[trace_llm(provider = "openai")]
    pub async fn chat(
        client: &Client<OpenAIConfig>,
        request: CreateChatCompletionRequest,
    ) -> Result<CreateChatCompletionResponse, OpenAIError> {
        client.chat().create(request).await
    }

    #[trace_llm(provider = "openai")]
    pub async fn chat_stream(
        client: &Client<OpenAIConfig>,
        request: CreateChatCompletionRequest,
    ) -> Result<ChatCompletionResponseStream, OpenAIError> {
        client.chat().create_stream(request).await
    }

    #[trace_agent(name = "openai_app")]
    pub async fn ask(client: &Client<OpenAIConfig>, model: &str) -> Result<String, OpenAIError> {
        let mut messages = json!([{"role": "user", "content": "Weather in Paris?"}]);
        // First turn streamed: the tool call comes in pieces.
        let mut stream = chat_stream(client, request(model, messages.clone())).await?;
        let mut calls: Vec<(String, String, String)> = Vec::new();
        while let Some(chunk) = stream.next().await {
            for choice in chunk?.choices {
                for call in choice.delta.tool_calls.into_iter().flatten() {
                    let index = call.index as usize;
                    if calls.len() <= index {
                        calls.resize(index + 1, Default::default());
                    }
                    let function = call.function.unwrap_or_default();
                    calls[index].0.push_str(&call.id.unwrap_or_default());
                    calls[index].1.push_str(&function.name.unwrap_or_default());
                    calls[index]
                        .2
                        .push_str(&function.arguments.unwrap_or_default());
                }
            }
        }
        let tool_calls: Vec<Value> = calls
            .iter()
            .map(|(id, name, arguments)| {
                json!({"id": id, "type": "function",
                "function": {"name": name, "arguments": arguments}})
            })
            .collect();
        let list = messages.as_array_mut().unwrap();
        list.push(json!({"role": "assistant", "tool_calls": tool_calls}));
        for (id, _, arguments) in &calls {
            let city: Value = serde_json::from_str(arguments).unwrap_or_default();
            let result = weather(city["city"].as_str().unwrap_or_default().to_owned()).await;
            list.push(json!({"role": "tool", "tool_call_id": id, "content": result}));
        }
        let response = chat(client, request(model, messages)).await?;
        Ok(response.choices[0]
            .message
            .content
            .clone()
            .unwrap_or_default())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_openai_streamed_tool_calls_and_plain_calls_under_one_agent() {
    bridge();
    let server = MockOpenAi::start().await.unwrap();
    let client = openai::client(&server);
    let (answer, spans) = capture_async(openai::ask(&client, "gpt-oai")).await;
    assert_eq!(answer.unwrap(), agentrace_integration_tests::ANSWER);
    one_trace(&spans, "invoke_agent openai_app");
    let app = span(&spans, "invoke_agent openai_app");
    let chats = named(&spans, "chat gpt-oai");
    assert_eq!(chats.len(), 2);
    let streamed = chats
        .iter()
        .find(|chat| chat.attr_bool("gen_ai.request.stream") == Some(true))
        .expect("the streamed call says so");
    assert_chat(streamed, TOOL_CALL_OUTPUT_TOKENS);
    assert_eq!(streamed.attr_i64("agentrace.stream.items"), Some(6));
    let output = streamed.attr_json("gen_ai.output.messages").unwrap();
    assert_eq!(
        output[0]["parts"],
        json!([{"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}}])
    );
    // The client argument is not captured: only the request is.
    let input = streamed.attr_json("input.value").unwrap();
    assert!(input.get("client").is_none(), "{input}");
    assert!(input.get("request").is_some(), "{input}");
    for chat in &chats {
        assert_eq!(parent(&spans, chat).span_id, app.span_id);
        assert_eq!(chat.status.status_code, StatusCode::Ok);
    }
    let tool = span(&spans, "execute_tool weather");
    assert_eq!(parent(&spans, tool).span_id, app.span_id);
    assert_tool_span(&spans, tool);
    // The server saw the stream flag the client set.
    assert_eq!(server.requests()[0]["stream"], json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_openai_error_status_marks_the_chat_span() {
    bridge();
    let server = MockOpenAi::start().await.unwrap();
    let client = openai::client(&server);
    let (result, spans) = capture_async(openai::chat(
        &client,
        openai::request(ERROR_MODEL, json!([{"role": "user", "content": "hi"}])),
    ))
    .await;
    assert!(result.is_err());
    let chat = span(&spans, &format!("chat {ERROR_MODEL}"));
    assert_eq!(chat.kind, RecordKind::Client);
    assert_eq!(chat.status.status_code, StatusCode::Error);
    assert!(chat.attr_str("error.type").is_some());
}
