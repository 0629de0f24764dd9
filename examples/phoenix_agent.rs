//! An agent turn exported to whatever backend the environment names: the model call
//! carries token counts, one tool works and one fails. `.ci/run` sends it to Arize Phoenix
//! over HTTP and over gRPC, then `scripts/phoenix_check.py` reads it back.
//!
//! ```sh
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:6006 PHOENIX_PROJECT_NAME=demo \
//!     cargo run --example phoenix_agent
//! OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 \
//!     PHOENIX_PROJECT_NAME=demo cargo run --features otlp-grpc --example phoenix_agent
//! ```

use agentrace::{trace_agent, trace_llm, trace_tool};

/// A failure of a tool.
#[derive(Debug)]
struct ToolError(String);

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolError {}

/// The mock model: 21 prompt tokens, 9 completion tokens.
#[trace_llm(
    provider = "mock",
    model = "mock-small",
    attributes(
        "gen_ai.usage.input_tokens" = 21,
        "gen_ai.usage.output_tokens" = 9,
        "llm.token_count.prompt" = 21,
        "llm.token_count.completion" = 9,
        "llm.token_count.total" = 30
    )
)]
fn plan(question: &str) -> Result<String, ToolError> {
    Ok(format!(
        "look up the weather, then the tides, for: {question}"
    ))
}

/// A tool that answers.
#[trace_tool(description = "Current weather for a city")]
fn weather(city: &str) -> Result<String, ToolError> {
    Ok(format!("sunny and 21°C in {city}"))
}

/// A tool that fails.
#[trace_tool(description = "Tide tables for a harbour")]
fn tides(city: &str) -> Result<String, ToolError> {
    Err(ToolError(format!("no tide station in {city}")))
}

/// One turn of the agent.
#[trace_agent(name = "weather-assistant", description = "Answers weather questions")]
fn turn(question: &str) -> Result<String, ToolError> {
    let _plan = plan(question)?;
    let report = weather("Paris")?;
    let tides = tides("Paris").unwrap_or_else(|error| format!("tides unavailable: {error}"));
    Ok(format!("{report}; {tides}"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tracing = agentrace::init()?;
    println!("agent: {}", turn("What is the weather in Paris?")?);
    let handle = tracing.handle();
    tracing.shutdown()?;
    let stats = handle.export_stats();
    println!(
        "exported {} spans, {} not delivered",
        stats.exported,
        stats.not_delivered()
    );
    Ok(())
}
