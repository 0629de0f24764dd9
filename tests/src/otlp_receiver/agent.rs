//! A small traced agent for the export tests: an agent turn that asks a model (with token
//! counts), calls a tool that works and one that fails.

use agentrace::{trace_agent, trace_llm, trace_tool};

/// The error of the failing tool.
#[derive(Debug)]
pub struct ToolError(pub String);

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolError {}

/// The mock model: 12 prompt tokens, 7 completion tokens.
#[trace_llm(
    provider = "mock",
    model = "tiny-1",
    attributes(
        "gen_ai.usage.input_tokens" = 12,
        "gen_ai.usage.output_tokens" = 7,
        "llm.token_count.prompt" = 12,
        "llm.token_count.completion" = 7,
        "llm.token_count.total" = 19
    )
)]
pub fn ask_model(prompt: &str) -> Result<String, ToolError> {
    Ok(format!("call weather for {prompt}"))
}

/// A tool that answers.
#[trace_tool(description = "Current weather for a city")]
pub fn weather(city: &str) -> Result<String, ToolError> {
    Ok(format!("sunny in {city}"))
}

/// A tool that always fails.
#[trace_tool(description = "Tide tables")]
pub fn tides(city: &str) -> Result<String, ToolError> {
    Err(ToolError(format!("no tide station in {city}")))
}

/// One agent turn, four spans: the agent, the model call, a working tool, a failing tool.
#[trace_agent(name = "assistant")]
pub fn turn(question: &str) -> Result<String, ToolError> {
    let _plan = ask_model(question)?;
    let report = weather("Paris")?;
    let tides = tides("Paris").unwrap_or_else(|error| error.to_string());
    Ok(format!("{report}; {tides}"))
}

/// Many root spans, for the flush tests.
#[trace_tool]
pub fn ping(n: u32) -> u32 {
    n
}

/// A traced iterator: its span ends when the iterator is used up.
#[agentrace::trace]
pub fn numbers(count: u32) -> impl Iterator<Item = u32> {
    0..count
}
