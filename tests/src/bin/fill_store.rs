//! Fills the default span store (`$AGENTRACE_STORE`) with the quickstart agent: a mock model,
//! a weather tool and a streamed reply, run as two attempts of rollout `rollout-1` (the first
//! fails in its tool) and once outside any rollout. Used by the viewer tests and `.ci/run`.

use std::time::Duration;

use agentrace::rollout::RolloutScope;
use agentrace::store::{SqliteStore, StoreWriter};
use agentrace::{trace, trace_agent, trace_llm, trace_tool};

#[derive(Debug)]
struct ToolError(String);

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolError {}

#[trace_llm(provider = "mock", model = "tiny-1", attributes("gen_ai.usage.input_tokens" = 12, "gen_ai.usage.output_tokens" = 7))]
fn ask_model(prompt: &str) -> Result<String, ToolError> {
    std::thread::sleep(Duration::from_millis(2));
    Ok(format!("use the weather tool for: {prompt}"))
}

#[trace_tool(description = "Current weather for a city")]
fn weather(city: &str) -> Result<String, ToolError> {
    std::thread::sleep(Duration::from_millis(1));
    if city.is_empty() {
        return Err(ToolError("no city given".into()));
    }
    Ok(format!("sunny in {city}"))
}

#[trace(name = "stream reply")]
fn reply(text: String) -> impl Iterator<Item = String> {
    text.split(' ')
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

#[trace_agent(name = "assistant")]
fn turn(question: &str, city: &str) -> Result<String, ToolError> {
    let _plan = ask_model(question)?;
    let answer = weather(city)?;
    Ok(reply(answer).collect::<Vec<_>>().join(" "))
}

fn main() {
    let store = SqliteStore::open_default().unwrap_or_else(|e| {
        eprintln!("fill_store: {e}");
        std::process::exit(1)
    });
    let writer = StoreWriter::spawn(std::sync::Arc::new(store)).expect("writer");
    let runs = [
        (Some(("rollout-1", "attempt-1")), ""),
        (Some(("rollout-1", "attempt-2")), "Paris"),
        (None, "Oslo"),
    ];
    for (ids, city) in runs {
        let context = match ids {
            Some((rollout, attempt)) => {
                RolloutScope::for_rollout("quickstart", rollout, attempt).expect("ids")
            }
            None => RolloutScope::new("quickstart"),
        };
        let (_, trace) = context
            .store(writer.clone())
            .run(|| turn("What is the weather?", city))
            .expect("not nested");
        if let Some(error) = trace.store_error {
            eprintln!("fill_store: {error}");
            std::process::exit(1);
        }
        println!("{} {}", trace.spans[0].trace_id, trace.spans.len());
    }
}
