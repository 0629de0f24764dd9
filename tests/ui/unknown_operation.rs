use agentrace::trace_llm;

#[trace_llm(operation = "bogus")]
fn complete(prompt: &str) -> String {
    prompt.to_owned()
}

fn main() {}
