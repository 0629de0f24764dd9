//! An agent trained with Agent Lightning: two rollouts in one process, each in its own
//! rollout scope, with a mock model whose request, response and stream chunks carry token
//! ids, and rewards. Only agentrace's API: the spans go to an Agent Lightning store
//! (`agl store`) through `AGENTRACE_AGENT_LIGHTNING`, each filed under its rollout by the
//! `agentlightning.rollout_id` / `agentlightning.attempt_id` the scope puts on it.
//!
//! `.ci/run` starts the store; `scripts/agl_check.py` creates the two rollouts through Agent
//! Lightning's client, runs this agent with their ids, reads the spans back and runs its
//! `TracerTraceToTriplet` adapter on them.
//!
//! ```sh
//! AGENTRACE_AGENT_LIGHTNING=http://127.0.0.1:4747 \
//!     cargo run --example agl_agent -- <rollout 1> <attempt 1> <rollout 2> <attempt 2>
//! ```

use agentrace::genai::{LlmRequest, LlmResponse, Message, StreamChunk};
use agentrace::rollout::RolloutScope;
use agentrace::{trace_agent, trace_llm, trace_tool};
use futures::stream::{self, Stream, StreamExt};

/// What the agent asks the model, with the prompt's token ids.
#[derive(LlmRequest)]
struct ChatRequest {
    #[agentrace(model)]
    model: String,
    #[agentrace(messages)]
    messages: Vec<Message>,
    #[agentrace(prompt_token_ids)]
    prompt_token_ids: Vec<u32>,
}

/// The model's whole answer, with the response's token ids.
#[derive(LlmResponse)]
struct ChatResponse {
    #[agentrace(id)]
    id: String,
    #[agentrace(output_text)]
    text: String,
    #[agentrace(response_token_ids)]
    token_ids: Vec<u32>,
    #[agentrace(logprobs)]
    logprobs: Vec<f32>,
}

/// One chunk of a streamed answer: a piece of text and its token ids, joined across chunks.
#[derive(StreamChunk)]
struct Chunk {
    #[agentrace(id)]
    id: String,
    #[agentrace(delta)]
    text: String,
    #[agentrace(response_token_ids)]
    token_ids: Vec<u32>,
}

/// A mock tokenizer: one id per word (its length and first letter), so that the ids are
/// stable and checkable.
fn tokenize(text: &str) -> Vec<u32> {
    text.split_whitespace()
        .map(|word| word.len() as u32 * 1000 + u32::from(word.as_bytes()[0]))
        .collect()
}

fn request(question: &str) -> ChatRequest {
    ChatRequest {
        model: "mock-tutor".into(),
        messages: vec![
            Message::text("system", "You are a math tutor."),
            Message::text("user", question),
        ],
        prompt_token_ids: tokenize(question),
    }
}

/// The mock model answering at once.
#[trace_llm(provider = "mock")]
fn ask(_request: &ChatRequest) -> Result<ChatResponse, std::io::Error> {
    let text = "two plus two is 4".to_owned();
    Ok(ChatResponse {
        id: "resp-1".into(),
        token_ids: tokenize(&text),
        logprobs: vec![-0.25; tokenize(&text).len()],
        text,
    })
}

/// The mock model streaming its answer word by word.
#[trace_llm(provider = "mock", stream)]
fn ask_streaming(_request: &ChatRequest) -> impl Stream<Item = Chunk> {
    let words = ["two ", "plus ", "two ", "is ", "four"];
    stream::iter(words.into_iter().map(|word| Chunk {
        id: "resp-2".into(),
        text: word.into(),
        token_ids: tokenize(word),
    }))
}

/// A tool.
#[trace_tool(description = "Checks an arithmetic answer")]
fn check(answer: &str) -> bool {
    answer.ends_with('4') || answer.ends_with("four")
}

/// The first task: one answer, one reward.
#[trace_agent(name = "math-tutor")]
fn solve(question: &str) -> Result<String, std::io::Error> {
    let answer = ask(&request(question))?.text;
    let correct = check(&answer);
    agentrace::reward(if correct { 1.0 } else { 0.0 });
    Ok(answer)
}

/// The second task: a streamed answer, then several named rewards with a primary one.
#[trace_agent(name = "math-tutor")]
async fn solve_streaming(question: &str) -> String {
    let answer: String = ask_streaming(&request(question))
        .map(|c| c.text)
        .collect()
        .await;
    agentrace::emit_message("streamed answer collected");
    let correct = check(&answer);
    agentrace::rewards(
        ("correctness", if correct { 0.5 } else { 0.0 }),
        [("brevity", 0.25)],
    );
    answer
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ids: Vec<String> = std::env::args().skip(1).collect();
    let [rollout_1, attempt_1, rollout_2, attempt_2] = ids.as_slice() else {
        return Err("usage: agl_agent <rollout 1> <attempt 1> <rollout 2> <attempt 2>".into());
    };
    let tracing = agentrace::init()?; // AGENTRACE_AGENT_LIGHTNING=http://127.0.0.1:4747

    let scope = RolloutScope::for_rollout("math", rollout_1, attempt_1)?;
    let (answer, trace) = scope.run(|| solve("what is 2 + 2?"))?;
    println!(
        "{rollout_1}: {} spans, answer {:?}",
        trace.spans.len(),
        answer?
    );

    let scope = RolloutScope::for_rollout("math", rollout_2, attempt_2)?;
    let (answer, trace) =
        futures::executor::block_on(scope.run_async(solve_streaming("2 + 2, briefly?")))?;
    println!(
        "{rollout_2}: {} spans, answer {answer:?}",
        trace.spans.len()
    );

    tracing.flush()?;
    let stats = tracing.export_stats();
    println!("{stats:?}");
    drop(tracing);
    Ok(())
}
