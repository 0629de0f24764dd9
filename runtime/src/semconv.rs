//! Attribute and event names written on spans.
//!
//! Stable names (`error.type`, `code.function.name`, `exception.*`, `service.*`) come from
//! `opentelemetry-semantic-conventions`. The OpenTelemetry GenAI names (`gen_ai.*`) are
//! defined here, since that crate's `gen_ai` constants are experimental or deprecated; a
//! test checks ours against theirs. The OpenInference names are those Arize Phoenix reads.

use opentelemetry_semantic_conventions::attribute as stable;

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
/// `gen_ai.conversation.id`.
pub const GEN_AI_CONVERSATION_ID: &str = "gen_ai.conversation.id";
/// `gen_ai.request.temperature`.
pub const GEN_AI_REQUEST_TEMPERATURE: &str = "gen_ai.request.temperature";
/// `gen_ai.request.top_p`.
pub const GEN_AI_REQUEST_TOP_P: &str = "gen_ai.request.top_p";
/// `gen_ai.request.top_k`.
pub const GEN_AI_REQUEST_TOP_K: &str = "gen_ai.request.top_k";
/// `gen_ai.request.max_tokens`.
pub const GEN_AI_REQUEST_MAX_TOKENS: &str = "gen_ai.request.max_tokens";
/// `gen_ai.request.presence_penalty`.
pub const GEN_AI_REQUEST_PRESENCE_PENALTY: &str = "gen_ai.request.presence_penalty";
/// `gen_ai.request.frequency_penalty`.
pub const GEN_AI_REQUEST_FREQUENCY_PENALTY: &str = "gen_ai.request.frequency_penalty";
/// `gen_ai.request.stop_sequences`.
pub const GEN_AI_REQUEST_STOP_SEQUENCES: &str = "gen_ai.request.stop_sequences";
/// `gen_ai.request.seed`.
pub const GEN_AI_REQUEST_SEED: &str = "gen_ai.request.seed";
/// `gen_ai.request.stream`: whether a streamed answer was asked for.
pub const GEN_AI_REQUEST_STREAM: &str = "gen_ai.request.stream";
/// `gen_ai.request.choice.count`.
pub const GEN_AI_REQUEST_CHOICE_COUNT: &str = "gen_ai.request.choice.count";
/// `gen_ai.response.id`.
pub const GEN_AI_RESPONSE_ID: &str = "gen_ai.response.id";
/// `gen_ai.response.model`: the model that answered.
pub const GEN_AI_RESPONSE_MODEL: &str = "gen_ai.response.model";
/// `gen_ai.response.finish_reasons`: one per choice.
pub const GEN_AI_RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
/// `gen_ai.usage.input_tokens`.
pub const GEN_AI_USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// `gen_ai.usage.output_tokens`.
pub const GEN_AI_USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
/// `gen_ai.usage.cache_read.input_tokens`.
pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
/// `gen_ai.usage.cache_creation.input_tokens`.
pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str =
    "gen_ai.usage.cache_creation.input_tokens";
/// `gen_ai.usage.reasoning.output_tokens`.
pub const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: &str = "gen_ai.usage.reasoning.output_tokens";
/// `gen_ai.input.messages`: the chat history sent, as JSON text.
pub const GEN_AI_INPUT_MESSAGES: &str = "gen_ai.input.messages";
/// `gen_ai.output.messages`: the messages the model returned, as JSON text.
pub const GEN_AI_OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
/// `gen_ai.system_instructions`: the system instructions, as JSON text.
pub const GEN_AI_SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
/// `gen_ai.tool.definitions`: the tools offered to the model, as JSON text.
pub const GEN_AI_TOOL_DEFINITIONS: &str = "gen_ai.tool.definitions";
/// `gen_ai.tool.call.arguments`: a tool call's arguments, as JSON text.
pub const GEN_AI_TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
/// `gen_ai.tool.call.result`: a tool call's result, as JSON text.
pub const GEN_AI_TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
/// `gen_ai.tool.type`: `function`, `extension` or `datastore`.
pub const GEN_AI_TOOL_TYPE: &str = "gen_ai.tool.type";
/// `gen_ai.embeddings.dimension.count`.
pub const GEN_AI_EMBEDDINGS_DIMENSION_COUNT: &str = "gen_ai.embeddings.dimension.count";
/// `gen_ai.output.type`: `text`, `json`, `image`, `speech`.
pub const GEN_AI_OUTPUT_TYPE: &str = "gen_ai.output.type";

/// `error.type`: a low-cardinality class of the error (`cancelled`, `panic`, a type name).
pub const ERROR_TYPE: &str = stable::ERROR_TYPE;
/// `code.function.name`: the traced function, with its module path.
pub const CODE_FUNCTION_NAME: &str = stable::CODE_FUNCTION_NAME;
/// The name of the event recorded for an error.
pub const EXCEPTION_EVENT: &str = "exception";
/// `exception.type` on the exception event.
pub const EXCEPTION_TYPE: &str = stable::EXCEPTION_TYPE;
/// `exception.message` on the exception event.
pub const EXCEPTION_MESSAGE: &str = stable::EXCEPTION_MESSAGE;

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

/// OpenInference `llm.model_name`.
pub const LLM_MODEL_NAME: &str = "llm.model_name";
/// OpenInference `llm.provider`.
pub const LLM_PROVIDER: &str = "llm.provider";
/// OpenInference `llm.token_count.prompt`.
pub const LLM_TOKEN_COUNT_PROMPT: &str = "llm.token_count.prompt";
/// OpenInference `llm.token_count.completion`.
pub const LLM_TOKEN_COUNT_COMPLETION: &str = "llm.token_count.completion";
/// OpenInference `llm.token_count.total`.
pub const LLM_TOKEN_COUNT_TOTAL: &str = "llm.token_count.total";
/// OpenInference `llm.invocation_parameters`: the request parameters as JSON text.
pub const LLM_INVOCATION_PARAMETERS: &str = "llm.invocation_parameters";
/// OpenInference `tool.name`.
pub const TOOL_NAME: &str = "tool.name";
/// OpenInference `session.id`.
pub const SESSION_ID: &str = "session.id";
/// OpenInference `user.id`.
pub const USER_ID: &str = "user.id";
/// Resource attribute naming the Arize Phoenix project.
pub const OPENINFERENCE_PROJECT_NAME: &str = "openinference.project.name";

/// `service.name`, on the resource.
pub const SERVICE_NAME: &str = stable::SERVICE_NAME;
/// `service.version`, on the resource.
pub const SERVICE_VERSION: &str = stable::SERVICE_VERSION;
/// How many messages a `#[trace_format]` function formatted.
pub const AGENTRACE_FORMAT_MESSAGE_COUNT: &str = "agentrace.format.message_count";
/// The target a `#[trace_format]` function formats for.
pub const AGENTRACE_FORMAT_TARGET: &str = "agentrace.format.target";
/// How many items a traced stream or iterator yielded.
pub const AGENTRACE_STREAM_ITEMS: &str = "agentrace.stream.items";
/// The JSON paths of captured values that were redacted, as a string array
/// (`["input.value.request.api_key"]`).
pub const AGENTRACE_REDACTED: &str = "agentrace.redacted";
/// The attributes whose captured value was cut to the length limit, as a string array
/// (`["output.value"]`).
pub const AGENTRACE_TRUNCATED: &str = "agentrace.truncated";

// Agent Lightning's names (`agentlightning.semconv` of the `agentlightning` package, 0.3).

/// `agentlightning.rollout_id`: the rollout a span belongs to, on every span of a rollout
/// scope.
pub const AGENTLIGHTNING_ROLLOUT_ID: &str = "agentlightning.rollout_id";
/// `agentlightning.attempt_id`: the attempt of the rollout, on every span of a rollout scope.
pub const AGENTLIGHTNING_ATTEMPT_ID: &str = "agentlightning.attempt_id";
/// `agentlightning.annotation`: the name of a reward (annotation) span.
pub const AGENTLIGHTNING_ANNOTATION: &str = "agentlightning.annotation";
/// `agentlightning.message`: the name of a message span.
pub const AGENTLIGHTNING_MESSAGE: &str = "agentlightning.message";
/// `agentlightning.object`: the name of an object span.
pub const AGENTLIGHTNING_OBJECT: &str = "agentlightning.object";
/// `agentlightning.exception`: the name of an exception span.
pub const AGENTLIGHTNING_EXCEPTION: &str = "agentlightning.exception";
/// `agentlightning.reward`: the prefix of `agentlightning.reward.{i}.name` and
/// `agentlightning.reward.{i}.value`, the primary reward at index 0.
pub const AGENTLIGHTNING_REWARD: &str = "agentlightning.reward";
/// `agentlightning.message.body`: a message span's text.
pub const AGENTLIGHTNING_MESSAGE_BODY: &str = "agentlightning.message.body";
/// `agentlightning.object.type`: an object span's type (`str`, `int`, `float`, `bool`, or
/// the Rust type's name).
pub const AGENTLIGHTNING_OBJECT_TYPE: &str = "agentlightning.object.type";
/// `agentlightning.object.literal`: a string, number or boolean object as text.
pub const AGENTLIGHTNING_OBJECT_LITERAL: &str = "agentlightning.object.literal";
/// `agentlightning.object.json`: any other object as JSON text.
pub const AGENTLIGHTNING_OBJECT_JSON: &str = "agentlightning.object.json";
/// `exception.stacktrace`: an error and its chain of sources, as text.
pub const EXCEPTION_STACKTRACE: &str = stable::EXCEPTION_STACKTRACE;
/// `exception.escaped`: written `true` on exception spans, as Agent Lightning does.
pub const EXCEPTION_ESCAPED: &str = "exception.escaped";
/// `prompt_token_ids`: the prompt's token ids, an integer array (what Agent Lightning's
/// triplet adapter reads).
pub const PROMPT_TOKEN_IDS: &str = "prompt_token_ids";
/// `response_token_ids`: the response's token ids, an integer array.
pub const RESPONSE_TOKEN_IDS: &str = "response_token_ids";
/// `logprobs.content`: the response tokens' log-probabilities, as JSON text
/// (`[{"logprob": -0.1}, ...]`, OpenAI's `logprobs.content` shape).
pub const LOGPROBS_CONTENT: &str = "logprobs.content";
/// `gen_ai.prompt`: the prefix of the flattened `gen_ai.prompt.{i}.role` and
/// `gen_ai.prompt.{i}.content` (with the Agent Lightning preset).
pub const GEN_AI_PROMPT: &str = "gen_ai.prompt";
/// `gen_ai.completion`: the prefix of the flattened `gen_ai.completion.{i}.role` and
/// `gen_ai.completion.{i}.content` (with the Agent Lightning preset).
pub const GEN_AI_COMPLETION: &str = "gen_ai.completion";
/// `agent.name`: the agent, as Agent Lightning's adapters find it (with the Agent Lightning
/// preset).
pub const AGENT_NAME: &str = "agent.name";
/// `gen_ai.token.type`: `input` or `output`, on `gen_ai.client.token.usage`.
pub const GEN_AI_TOKEN_TYPE: &str = "gen_ai.token.type";
/// `server.address`: the host a client call went to.
pub const SERVER_ADDRESS: &str = stable::SERVER_ADDRESS;
/// `server.port`: the port a client call went to.
pub const SERVER_PORT: &str = stable::SERVER_PORT;

/// The histogram of tokens per LLM or embedding call, by `gen_ai.token.type` (`{token}`).
pub const GEN_AI_CLIENT_TOKEN_USAGE: &str = "gen_ai.client.token.usage";
/// The histogram of LLM and embedding call durations (`s`).
pub const GEN_AI_CLIENT_OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
/// The histogram of the time to the first chunk of streamed LLM calls (`s`).
pub const GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK: &str =
    "gen_ai.client.operation.time_to_first_chunk";
