use agentrace::genai::LlmRequest;

// A request has prompt token ids only: the response's belong on the response.
#[derive(LlmRequest)]
struct Request {
    #[agentrace(prompt_token_ids)]
    ids: Vec<u32>,
    #[agentrace(response_token_ids)]
    response_ids: Vec<u32>,
}

fn main() {}
