use agentrace::trace_llm;

#[trace_llm(stream)]
async fn complete(prompt: String) -> Result<String, std::io::Error> {
    Ok(prompt)
}

#[trace_llm(stream)]
fn nothing() {}

fn main() {}
