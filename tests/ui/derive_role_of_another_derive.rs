use agentrace::genai::ToolCall;

#[derive(ToolCall)]
struct Call {
    #[agentrace(call_id)]
    id: String,
    #[agentrace(temperature)]
    temperature: f32,
}

fn main() {}
