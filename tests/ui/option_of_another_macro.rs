use agentrace::trace_llm;

#[trace_llm(call_id = "c1")]
fn complete(prompt: &str) -> String {
    prompt.to_owned()
}

fn main() {}
