//! Attribute and event names written on spans.
//!
//! The OpenTelemetry GenAI names (`gen_ai.*`) are defined here rather than taken from
//! `opentelemetry-semantic-conventions`, whose `gen_ai` constants are deprecated; the
//! OpenInference names are those Arize Phoenix reads.

/// `gen_ai.operation.name`: `chat`, `invoke_agent`, `execute_tool`, ...
pub const GEN_AI_OPERATION_NAME: &str = "gen_ai.operation.name";
/// `gen_ai.provider.name`: `openai`, `anthropic`, ...
pub const GEN_AI_PROVIDER_NAME: &str = "gen_ai.provider.name";
/// `gen_ai.request.model`: the model asked for.
pub const GEN_AI_REQUEST_MODEL: &str = "gen_ai.request.model";
/// `gen_ai.agent.id`.
pub const GEN_AI_AGENT_ID: &str = "gen_ai.agent.id";
/// `gen_ai.agent.name`.
pub const GEN_AI_AGENT_NAME: &str = "gen_ai.agent.name";
/// `gen_ai.agent.description`.
pub const GEN_AI_AGENT_DESCRIPTION: &str = "gen_ai.agent.description";
/// `gen_ai.tool.name`.
pub const GEN_AI_TOOL_NAME: &str = "gen_ai.tool.name";
/// `gen_ai.tool.call.id`.
pub const GEN_AI_TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
/// `gen_ai.tool.description`.
pub const GEN_AI_TOOL_DESCRIPTION: &str = "gen_ai.tool.description";
/// `gen_ai.response.time_to_first_chunk`: seconds from the span's start to the first item.
pub const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: &str = "gen_ai.response.time_to_first_chunk";

/// `error.type`: a low-cardinality class of the error (`cancelled`, `panic`, a type name).
pub const ERROR_TYPE: &str = "error.type";
/// `code.function.name`: the traced function, with its module path.
pub const CODE_FUNCTION_NAME: &str = "code.function.name";
/// The name of the event recorded for an error.
pub const EXCEPTION_EVENT: &str = "exception";
/// `exception.type` on the exception event.
pub const EXCEPTION_TYPE: &str = "exception.type";
/// `exception.message` on the exception event.
pub const EXCEPTION_MESSAGE: &str = "exception.message";

/// OpenInference `openinference.span.kind`: LLM, AGENT, TOOL, EMBEDDING, CHAIN.
pub const OPENINFERENCE_SPAN_KIND: &str = "openinference.span.kind";
/// OpenInference `input.value`: the captured arguments, as JSON text.
pub const INPUT_VALUE: &str = "input.value";
/// OpenInference `input.mime_type`.
pub const INPUT_MIME_TYPE: &str = "input.mime_type";
/// OpenInference `output.value`: the captured return value, as JSON text.
pub const OUTPUT_VALUE: &str = "output.value";
/// OpenInference `output.mime_type`.
pub const OUTPUT_MIME_TYPE: &str = "output.mime_type";
/// The MIME type of captured values.
pub const MIME_JSON: &str = "application/json";

/// The target a `#[trace_format]` function formats for.
pub const AGENTRACE_FORMAT_TARGET: &str = "agentrace.format.target";
/// How many items a traced stream or iterator yielded.
pub const AGENTRACE_STREAM_ITEMS: &str = "agentrace.stream.items";
/// Set to `true` when a captured value was cut to the length limit.
pub const AGENTRACE_OUTPUT_TRUNCATED: &str = "agentrace.output.truncated";
