use agentrace::genai::LlmResponse;

#[derive(LlmResponse)]
struct Response {
    #[agentrace(id)]
    id: String,
    #[agentrace(id)]
    request_id: String,
}

fn main() {}
