//! A small tool-using agent on a real async-openai client, traced by agentrace: it asks the
//! model, runs the tools the model calls (the first turn streamed), and answers.
//!
//! Runs against any OpenAI-compatible endpoint:
//!
//! ```sh
//! OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_API_KEY=ollama OPENAI_MODEL=llama3.2 \
//!   cargo run -p agentrace-integration-tests --example openai_agent
//! ```
//!
//! `OPENAI_BASE_URL` defaults to `https://api.openai.com/v1`, `OPENAI_MODEL` to
//! `gpt-4o-mini`. Spans go where `agentrace::init()` sends them (the embedded store, read
//! with `agentrace traces`, or `OTEL_EXPORTER_OTLP_ENDPOINT`).

use agentrace::{trace_agent, trace_llm, trace_tool};
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionResponseStream, CreateChatCompletionRequest, CreateChatCompletionResponse,
};
use async_openai::Client;
use futures::StreamExt as _;
use serde_json::{json, Value};

#[trace_tool(description = "Current weather for a city")]
async fn get_weather(city: String) -> String {
    format!("sunny, 22 °C in {city}")
}

#[trace_llm(provider = "openai")]
async fn chat(
    client: &Client<OpenAIConfig>,
    request: CreateChatCompletionRequest,
) -> Result<CreateChatCompletionResponse, OpenAIError> {
    client.chat().create(request).await
}

#[trace_llm(provider = "openai")]
async fn chat_stream(
    client: &Client<OpenAIConfig>,
    request: CreateChatCompletionRequest,
) -> Result<ChatCompletionResponseStream, OpenAIError> {
    client.chat().create_stream(request).await
}

fn request(model: &str, messages: &[Value]) -> Result<CreateChatCompletionRequest, OpenAIError> {
    serde_json::from_value(json!({
        "model": model,
        "messages": messages,
        "tools": [{"type": "function", "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}
        }}],
    }))
    .map_err(|error| OpenAIError::InvalidArgument(format!("the request: {error}")))
}

/// One turn: a streamed call that may request tools, the tools, then a plain call.
#[trace_agent(name = "weather_agent")]
async fn answer(
    client: &Client<OpenAIConfig>,
    model: &str,
    question: &str,
) -> Result<String, OpenAIError> {
    let mut messages = vec![json!({"role": "user", "content": question})];
    let mut stream = chat_stream(client, request(model, &messages)?).await?;
    let (mut text, mut calls) = (String::new(), Vec::<(String, String, String)>::new());
    while let Some(chunk) = stream.next().await {
        for choice in chunk?.choices {
            text.push_str(choice.delta.content.as_deref().unwrap_or_default());
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
    if calls.is_empty() {
        return Ok(text);
    }
    let tool_calls: Vec<Value> = calls
        .iter()
        .map(|(id, name, arguments)| {
            json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}})
        })
        .collect();
    messages.push(json!({"role": "assistant", "tool_calls": tool_calls}));
    for (id, _name, arguments) in &calls {
        let arguments: Value = serde_json::from_str(arguments).unwrap_or_default();
        let city = arguments["city"].as_str().unwrap_or("Paris").to_owned();
        let result = get_weather(city).await;
        messages.push(json!({"role": "tool", "tool_call_id": id, "content": result}));
    }
    let response = chat(client, request(model, &messages)?).await?;
    Ok(response
        .choices
        .first()
        .and_then(|choice| choice.message.content.clone())
        .unwrap_or_default())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tracing = agentrace::builder().tracing_subscriber().init()?;
    let base =
        std::env::var("OPENAI_BASE_URL").unwrap_or_else(|_| "https://api.openai.com/v1".into());
    let key = std::env::var("OPENAI_API_KEY").unwrap_or_default();
    let model = std::env::var("OPENAI_MODEL").unwrap_or_else(|_| "gpt-4o-mini".into());
    let client = Client::with_config(OpenAIConfig::new().with_api_base(base).with_api_key(key));
    let reply = answer(&client, &model, "What is the weather in Paris?").await?;
    println!("{reply}");
    tracing.shutdown()?;
    Ok(())
}
