//! A small agent traced with agentrace: a mock model (no network), a tool, and a streamed
//! reply. It prints the tree of spans it produced, and `agentrace::init()` sends them where
//! the environment says: with nothing configured, to the embedded store that
//! `cargo run --bin agentrace -- traces` reads; with `OTEL_EXPORTER_OTLP_ENDPOINT` set, to
//! any OTLP backend (Phoenix, Langfuse, Jaeger, a collector).
//!
//! ```sh
//! cargo run --example quickstart
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:6006 cargo run --example quickstart
//! ```

use std::time::Duration;

use agentrace::genai::{LlmRequest, LlmResponse, TokenUsage};
use agentrace::{trace_agent, trace_llm, trace_tool};
use futures::stream::{self, Stream, StreamExt};
use serde::Serialize;

/// What the agent sends to its model. The derive tells spans which field is the model.
#[derive(Debug, Serialize, LlmRequest)]
struct ChatRequest {
    #[agentrace(model)]
    model: String,
    messages: Vec<String>,
}

/// Token counts, as a model API reports them.
#[derive(Debug, Serialize, TokenUsage)]
struct Usage {
    #[agentrace(input_tokens)]
    prompt_tokens: u32,
    #[agentrace(output_tokens)]
    completion_tokens: u32,
}

/// The model's answer: its text, why it stopped, and what it cost.
#[derive(Debug, Serialize, LlmResponse)]
struct ModelReply {
    #[agentrace(output_text)]
    text: String,
    #[agentrace(finish_reasons)]
    finish_reason: &'static str,
    #[agentrace(usage)]
    usage: Usage,
}

/// A failure of the mock model.
#[derive(Debug)]
struct ModelError(String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

/// The mock model decides which tool to call.
#[trace_llm(provider = "mock")]
async fn plan(request: &ChatRequest) -> Result<ModelReply, ModelError> {
    futures_timer(Duration::from_millis(3)).await;
    let question = request
        .messages
        .last()
        .ok_or_else(|| ModelError("no message".into()))?;
    Ok(ModelReply {
        text: format!("weather:{}", question.rsplit(' ').next().unwrap_or("Paris")),
        finish_reason: "tool_calls",
        usage: Usage {
            prompt_tokens: 12 * request.messages.len() as u32,
            completion_tokens: 5,
        },
    })
}

/// A tool the agent can call.
#[trace_tool(description = "Current weather for a city")]
async fn weather(city: &str) -> Result<String, ModelError> {
    futures_timer(Duration::from_millis(2)).await;
    match city {
        "Atlantis" => Err(ModelError(format!("no weather station in {city}"))),
        _ => Ok(format!("sunny and 21°C in {city}")),
    }
}

/// The mock model streams its final answer word by word.
#[trace_llm(provider = "mock", stream)]
async fn answer(request: &ChatRequest) -> Result<impl Stream<Item = String>, ModelError> {
    let text = request.messages.join(" / ");
    let words: Vec<String> = text.split(' ').map(|word| format!("{word} ")).collect();
    Ok(stream::iter(words))
}

/// One turn of the agent: plan, call the tool, stream the reply.
#[trace_agent(name = "weather-assistant", description = "Answers weather questions")]
async fn turn(question: &str) -> Result<String, ModelError> {
    let mut request = ChatRequest {
        model: "mock-small".into(),
        messages: vec![question.to_owned()],
    };
    let decision = plan(&request).await?;
    let city = decision.text.trim_start_matches("weather:");
    let observation = match weather(city).await {
        Ok(report) => report,
        Err(error) => format!("tool failed: {error}"),
    };
    request.messages.push(observation);
    let reply: String = answer(&request).await?.collect().await;
    Ok(reply.trim_end().to_owned())
}

/// A stand-in for an async timer that needs no runtime.
async fn futures_timer(duration: Duration) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    std::thread::spawn(move || {
        std::thread::sleep(duration);
        let _ = done.send(());
    });
    let _ = wait.await;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Configure once from the environment; dropping the guard flushes every span.
    let _tracing = agentrace::init()?;
    let (replies, spans) = futures::executor::block_on(agentrace::testing::capture_async(async {
        vec![
            turn("What is the weather in Paris").await,
            turn("And in Atlantis").await,
        ]
    }));
    for reply in replies {
        match reply {
            Ok(text) => println!("agent: {text}"),
            Err(error) => println!("agent failed: {error}"),
        }
    }
    println!(
        "\n{} spans:\n{}",
        spans.len(),
        agentrace::store::render_tree(&spans)
    );
    if let Some(root) = spans.iter().find(|span| span.is_root()) {
        println!("first trace id: {}", root.trace_id);
    }
    Ok(())
}
