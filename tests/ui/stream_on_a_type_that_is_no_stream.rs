use agentrace::trace_llm;

struct Answer;

#[trace_llm(stream)]
fn complete() -> Answer {
    Answer
}

fn main() {}
