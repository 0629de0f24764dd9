use agentrace::genai::LlmRequest;

#[derive(LlmRequest)]
struct Request {
    #[agentrace(model)]
    model: String,
    #[agentrace(temperature)]
    temperature: String,
}

fn main() {}
