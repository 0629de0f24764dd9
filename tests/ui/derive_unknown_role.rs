use agentrace::genai::LlmRequest;

#[derive(LlmRequest)]
struct Request {
    #[agentrace(modle)]
    model: String,
}

fn main() {}
