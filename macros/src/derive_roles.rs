//! The extractor derives as data: for each derive, the trait it implements, the sink it
//! writes to, and the field roles it accepts with the setter each role calls.

/// One derivable extractor.
pub struct DeriveSpec {
    pub derive: &'static str,
    pub trait_name: &'static str,
    pub method: &'static str,
    pub sink: &'static str,
    /// `(role, setter)`: `#[agentrace(role)]` on a field calls `out.setter(&field)`.
    pub roles: &'static [(&'static str, &'static str)],
}

const USAGE_ROLES: &[(&str, &str)] = &[
    ("input_tokens", "input_tokens"),
    ("output_tokens", "output_tokens"),
    ("cache_read_input_tokens", "cache_read_input_tokens"),
    ("cache_creation_input_tokens", "cache_creation_input_tokens"),
    ("reasoning_output_tokens", "reasoning_output_tokens"),
];

pub const LLM_REQUEST: DeriveSpec = DeriveSpec {
    derive: "LlmRequest",
    trait_name: "LlmRequest",
    method: "extract_request",
    sink: "GenAi",
    roles: &[
        ("model", "request_model"),
        ("provider", "provider"),
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("top_k", "top_k"),
        ("max_tokens", "max_tokens"),
        ("presence_penalty", "presence_penalty"),
        ("frequency_penalty", "frequency_penalty"),
        ("stop_sequences", "stop_sequences"),
        ("seed", "seed"),
        ("stream", "stream"),
        ("choice_count", "choice_count"),
        ("messages", "input_messages"),
        ("system", "system_instructions"),
        ("tools", "tool_definitions"),
        ("prompt_token_ids", "prompt_token_ids"),
    ],
};

pub const LLM_RESPONSE: DeriveSpec = DeriveSpec {
    derive: "LlmResponse",
    trait_name: "LlmResponse",
    method: "extract_response",
    sink: "GenAi",
    roles: &[
        ("id", "response_id"),
        ("model", "response_model"),
        ("finish_reasons", "finish_reasons"),
        ("usage", "usage"),
        ("input_tokens", "input_tokens"),
        ("output_tokens", "output_tokens"),
        ("cache_read_input_tokens", "cache_read_input_tokens"),
        ("cache_creation_input_tokens", "cache_creation_input_tokens"),
        ("reasoning_output_tokens", "reasoning_output_tokens"),
        ("messages", "output_messages"),
        ("output_text", "output_text"),
        ("prompt_token_ids", "prompt_token_ids"),
        ("response_token_ids", "response_token_ids"),
        ("logprobs", "logprobs"),
    ],
};

pub const TOKEN_USAGE: DeriveSpec = DeriveSpec {
    derive: "TokenUsage",
    trait_name: "TokenUsage",
    method: "extract_usage",
    sink: "Usage",
    roles: USAGE_ROLES,
};

pub const STREAM_CHUNK: DeriveSpec = DeriveSpec {
    derive: "StreamChunk",
    trait_name: "StreamChunk",
    method: "fold_chunk",
    sink: "ChunkFold",
    roles: &[
        ("id", "id"),
        ("model", "model"),
        ("delta", "delta"),
        ("finish_reason", "finish_reason"),
        ("usage", "usage"),
        ("input_tokens", "input_tokens"),
        ("output_tokens", "output_tokens"),
        ("prompt_token_ids", "prompt_token_ids"),
        ("response_token_ids", "response_token_ids"),
        ("logprobs", "logprobs"),
    ],
};

pub const TOOL_CALL: DeriveSpec = DeriveSpec {
    derive: "ToolCall",
    trait_name: "ToolCall",
    method: "extract_tool_call",
    sink: "GenAi",
    roles: &[
        ("call_id", "tool_call_id"),
        ("name", "tool_name"),
        ("description", "tool_description"),
        ("arguments", "tool_arguments"),
    ],
};

pub const TOOL_RESULT: DeriveSpec = DeriveSpec {
    derive: "ToolResult",
    trait_name: "ToolResult",
    method: "extract_tool_result",
    sink: "GenAi",
    roles: &[
        ("call_id", "tool_call_id"),
        ("result", "tool_result"),
        ("error", "tool_error"),
        ("is_error", "tool_failed"),
    ],
};

pub const AGENT_INFO: DeriveSpec = DeriveSpec {
    derive: "AgentInfo",
    trait_name: "AgentInfo",
    method: "extract_agent",
    sink: "GenAi",
    roles: &[
        ("id", "agent_id"),
        ("name", "agent_name"),
        ("description", "agent_description"),
        ("messages", "input_messages"),
    ],
};

pub const EMBEDDING_REQUEST: DeriveSpec = DeriveSpec {
    derive: "EmbeddingRequest",
    trait_name: "EmbeddingRequest",
    method: "extract_embedding_request",
    sink: "GenAi",
    roles: &[("model", "request_model"), ("provider", "provider")],
};

pub const EMBEDDING_RESPONSE: DeriveSpec = DeriveSpec {
    derive: "EmbeddingResponse",
    trait_name: "EmbeddingResponse",
    method: "extract_embedding_response",
    sink: "GenAi",
    roles: &[
        ("dimensions", "dimension_count"),
        ("model", "response_model"),
        ("usage", "usage"),
    ],
};

pub const FORMAT_REQUEST: DeriveSpec = DeriveSpec {
    derive: "FormatRequest",
    trait_name: "FormatRequest",
    method: "extract_format",
    sink: "GenAi",
    roles: &[("target", "format_target"), ("messages", "message_count")],
};
