//! Our attribute names agree with `opentelemetry-semantic-conventions` wherever both define
//! one.
#![allow(deprecated)]

use agentrace::semconv as ours;
use opentelemetry_semantic_conventions::attribute as theirs;

#[test]
fn names_match_the_semantic_conventions_crate() {
    let pairs = [
        (ours::GEN_AI_OPERATION_NAME, theirs::GEN_AI_OPERATION_NAME),
        (ours::GEN_AI_PROVIDER_NAME, theirs::GEN_AI_PROVIDER_NAME),
        (ours::GEN_AI_REQUEST_MODEL, theirs::GEN_AI_REQUEST_MODEL),
        (
            ours::GEN_AI_REQUEST_TEMPERATURE,
            theirs::GEN_AI_REQUEST_TEMPERATURE,
        ),
        (ours::GEN_AI_REQUEST_TOP_P, theirs::GEN_AI_REQUEST_TOP_P),
        (ours::GEN_AI_REQUEST_TOP_K, theirs::GEN_AI_REQUEST_TOP_K),
        (
            ours::GEN_AI_REQUEST_MAX_TOKENS,
            theirs::GEN_AI_REQUEST_MAX_TOKENS,
        ),
        (
            ours::GEN_AI_REQUEST_PRESENCE_PENALTY,
            theirs::GEN_AI_REQUEST_PRESENCE_PENALTY,
        ),
        (
            ours::GEN_AI_REQUEST_FREQUENCY_PENALTY,
            theirs::GEN_AI_REQUEST_FREQUENCY_PENALTY,
        ),
        (
            ours::GEN_AI_REQUEST_STOP_SEQUENCES,
            theirs::GEN_AI_REQUEST_STOP_SEQUENCES,
        ),
        (ours::GEN_AI_REQUEST_SEED, theirs::GEN_AI_REQUEST_SEED),
        (ours::GEN_AI_REQUEST_STREAM, theirs::GEN_AI_REQUEST_STREAM),
        (
            ours::GEN_AI_REQUEST_CHOICE_COUNT,
            theirs::GEN_AI_REQUEST_CHOICE_COUNT,
        ),
        (ours::GEN_AI_RESPONSE_ID, theirs::GEN_AI_RESPONSE_ID),
        (ours::GEN_AI_RESPONSE_MODEL, theirs::GEN_AI_RESPONSE_MODEL),
        (
            ours::GEN_AI_RESPONSE_FINISH_REASONS,
            theirs::GEN_AI_RESPONSE_FINISH_REASONS,
        ),
        (
            ours::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
            theirs::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
        ),
        (
            ours::GEN_AI_USAGE_INPUT_TOKENS,
            theirs::GEN_AI_USAGE_INPUT_TOKENS,
        ),
        (
            ours::GEN_AI_USAGE_OUTPUT_TOKENS,
            theirs::GEN_AI_USAGE_OUTPUT_TOKENS,
        ),
        (
            ours::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
            theirs::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        ),
        (
            ours::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
            theirs::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
        ),
        (
            ours::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
            theirs::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
        ),
        (ours::GEN_AI_AGENT_ID, theirs::GEN_AI_AGENT_ID),
        (ours::GEN_AI_AGENT_NAME, theirs::GEN_AI_AGENT_NAME),
        (
            ours::GEN_AI_AGENT_DESCRIPTION,
            theirs::GEN_AI_AGENT_DESCRIPTION,
        ),
        (ours::GEN_AI_TOOL_NAME, theirs::GEN_AI_TOOL_NAME),
        (ours::GEN_AI_TOOL_CALL_ID, theirs::GEN_AI_TOOL_CALL_ID),
        (
            ours::GEN_AI_TOOL_CALL_ARGUMENTS,
            theirs::GEN_AI_TOOL_CALL_ARGUMENTS,
        ),
        (
            ours::GEN_AI_TOOL_CALL_RESULT,
            theirs::GEN_AI_TOOL_CALL_RESULT,
        ),
        (
            ours::GEN_AI_TOOL_DESCRIPTION,
            theirs::GEN_AI_TOOL_DESCRIPTION,
        ),
        (
            ours::GEN_AI_TOOL_DEFINITIONS,
            theirs::GEN_AI_TOOL_DEFINITIONS,
        ),
        (ours::GEN_AI_TOOL_TYPE, theirs::GEN_AI_TOOL_TYPE),
        (ours::GEN_AI_CONVERSATION_ID, theirs::GEN_AI_CONVERSATION_ID),
        (ours::GEN_AI_INPUT_MESSAGES, theirs::GEN_AI_INPUT_MESSAGES),
        (ours::GEN_AI_OUTPUT_MESSAGES, theirs::GEN_AI_OUTPUT_MESSAGES),
        (
            ours::GEN_AI_SYSTEM_INSTRUCTIONS,
            theirs::GEN_AI_SYSTEM_INSTRUCTIONS,
        ),
        (
            ours::GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
            theirs::GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
        ),
        (ours::GEN_AI_OUTPUT_TYPE, theirs::GEN_AI_OUTPUT_TYPE),
        (ours::ERROR_TYPE, theirs::ERROR_TYPE),
        (ours::CODE_FUNCTION_NAME, theirs::CODE_FUNCTION_NAME),
        (ours::EXCEPTION_TYPE, theirs::EXCEPTION_TYPE),
        (ours::EXCEPTION_MESSAGE, theirs::EXCEPTION_MESSAGE),
        (ours::SESSION_ID, theirs::SESSION_ID),
        (ours::USER_ID, theirs::USER_ID),
        (ours::SERVICE_NAME, theirs::SERVICE_NAME),
        (ours::SERVICE_VERSION, theirs::SERVICE_VERSION),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours, theirs);
    }
}

#[test]
fn metric_names_match_the_semantic_conventions_crate() {
    use opentelemetry_semantic_conventions::metric as metrics;
    let pairs = [
        (
            ours::GEN_AI_CLIENT_TOKEN_USAGE,
            metrics::GEN_AI_CLIENT_TOKEN_USAGE,
        ),
        (
            ours::GEN_AI_CLIENT_OPERATION_DURATION,
            metrics::GEN_AI_CLIENT_OPERATION_DURATION,
        ),
        (
            ours::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
            metrics::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
        ),
        (ours::GEN_AI_TOKEN_TYPE, theirs::GEN_AI_TOKEN_TYPE),
        (ours::SERVER_ADDRESS, theirs::SERVER_ADDRESS),
        (ours::SERVER_PORT, theirs::SERVER_PORT),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours, theirs);
    }
}
