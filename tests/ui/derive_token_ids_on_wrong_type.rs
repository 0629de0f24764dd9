use agentrace::genai::{LlmResponse, StreamChunk};

#[derive(LlmResponse)]
struct Response {
    #[agentrace(response_token_ids)]
    tokens: String,
    #[agentrace(logprobs)]
    logprobs: Vec<u32>,
}

#[derive(StreamChunk)]
struct Chunk {
    #[agentrace(prompt_token_ids)]
    ids: Vec<f32>,
}

fn main() {}
