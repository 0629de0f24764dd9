//! The attribute macros and derives of [agentrace](https://docs.rs/agentrace). Use them
//! through the `agentrace` crate, which re-exports them (`use agentrace::trace_llm;`,
//! `agentrace::genai::LlmRequest`, `agentrace::propagation::Carrier`), and depend on
//! `agentrace`, not on this crate: the code they generate calls into it.
//!
//! Each attribute macro's page is its full reference, with examples: the span it makes,
//! every option it accepts, what a call records (arguments, return value, GenAI attributes,
//! status on error, panic and cancellation) and the function shapes it supports.
//!
//! | macro | traces | span |
//! |---|---|---|
//! | [`#[trace]`](macro@trace) | any function | the function's name |
//! | [`#[trace_llm]`](macro@trace_llm) | a call to a model | `{operation} {model}`, CLIENT |
//! | [`#[trace_agent]`](macro@trace_agent) | an agent's turn | `invoke_agent {agent}` |
//! | [`#[trace_tool]`](macro@trace_tool) | a tool execution | `execute_tool {tool}` |
//! | [`#[trace_embedding]`](macro@trace_embedding) | an embeddings request | `embeddings {model}`, CLIENT |
//! | [`#[trace_format]`](macro@trace_format) | formatting messages for a model | `format {target}` |
//!
//! The derives implement the extractor traits of `agentrace::genai` from fields marked with
//! their role (`#[agentrace(model)]`), and `agentrace::propagation::Carrier`.

// The files: `args.rs` parses options, `kind.rs` holds what differs between the macros as
// data, `item.rs` parses the function, `inputs.rs` finds its argument bindings, `shape.rs`
// reads its return type, and `expand.rs` generates the traced function for every kind. The
// reference of each attribute macro is in `../docs/`, one file per macro plus the parts
// they share (`shared_options.md`, `recording.md`, `shapes.md`).

mod args;
mod expand;
mod inputs;
mod item;
mod kind;
mod shape;

use proc_macro::TokenStream;
use syn::parse::Parser;

use crate::args::Options;
use crate::item::TracedFn;
use crate::kind::Kind;

fn run(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let expanded = Parser::parse(
        |input: syn::parse::ParseStream| Options::parse(kind, input),
        args,
    )
    .and_then(|options| Ok((options, TracedFn::parse(kind, item.clone())?)))
    .and_then(|(options, function)| expand::expand(kind, options, function));
    match expanded {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            // The function stays as written, so the only error is the macro's own.
            let error = error.to_compile_error();
            quote::quote!(#error #item).into()
        }
    }
}

#[doc = include_str!("../docs/trace.md")]
#[doc = include_str!("../docs/shared_options.md")]
#[doc = include_str!("../docs/recording.md")]
#[doc = include_str!("../docs/shapes.md")]
#[proc_macro_attribute]
pub fn trace(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Generic, args, item)
}

#[doc = include_str!("../docs/trace_llm.md")]
#[doc = include_str!("../docs/shared_options.md")]
#[doc = include_str!("../docs/recording.md")]
#[doc = include_str!("../docs/shapes.md")]
#[proc_macro_attribute]
pub fn trace_llm(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Llm, args, item)
}

#[doc = include_str!("../docs/trace_agent.md")]
#[doc = include_str!("../docs/shared_options.md")]
#[doc = include_str!("../docs/recording.md")]
#[doc = include_str!("../docs/shapes.md")]
#[proc_macro_attribute]
pub fn trace_agent(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Agent, args, item)
}

#[doc = include_str!("../docs/trace_tool.md")]
#[doc = include_str!("../docs/shared_options.md")]
#[doc = include_str!("../docs/recording.md")]
#[doc = include_str!("../docs/shapes.md")]
#[proc_macro_attribute]
pub fn trace_tool(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Tool, args, item)
}

#[doc = include_str!("../docs/trace_embedding.md")]
#[doc = include_str!("../docs/shared_options.md")]
#[doc = include_str!("../docs/recording.md")]
#[doc = include_str!("../docs/shapes.md")]
#[proc_macro_attribute]
pub fn trace_embedding(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Embedding, args, item)
}

#[doc = include_str!("../docs/trace_format.md")]
#[doc = include_str!("../docs/shared_options.md")]
#[doc = include_str!("../docs/recording.md")]
#[doc = include_str!("../docs/shapes.md")]
#[proc_macro_attribute]
pub fn trace_format(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Format, args, item)
}

mod derive;
mod derive_roles;

fn run_derive(spec: &derive_roles::DeriveSpec, input: TokenStream) -> TokenStream {
    syn::parse::<syn::DeriveInput>(input)
        .and_then(|input| derive::derive(spec, input))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `agentrace::genai::LlmRequest` from fields marked `#[agentrace(role)]`. Roles:
/// model, provider, temperature, top_p, top_k, max_tokens, presence_penalty,
/// frequency_penalty, stop_sequences, seed, stream, choice_count, messages, system, tools,
/// prompt_token_ids.
#[proc_macro_derive(LlmRequest, attributes(agentrace))]
pub fn derive_llm_request(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::LLM_REQUEST, input)
}

/// Derives `agentrace::genai::LlmResponse`. Roles: id, model, finish_reasons, usage,
/// input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens,
/// reasoning_output_tokens, messages, output_text, prompt_token_ids, response_token_ids,
/// logprobs.
#[proc_macro_derive(LlmResponse, attributes(agentrace))]
pub fn derive_llm_response(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::LLM_RESPONSE, input)
}

/// Derives `agentrace::genai::TokenUsage`. Roles: input_tokens, output_tokens,
/// cache_read_input_tokens, cache_creation_input_tokens, reasoning_output_tokens.
#[proc_macro_derive(TokenUsage, attributes(agentrace))]
pub fn derive_token_usage(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::TOKEN_USAGE, input)
}

/// Derives `agentrace::genai::StreamChunk`. Roles: id, model, delta, finish_reason, usage,
/// input_tokens, output_tokens, prompt_token_ids, response_token_ids, logprobs (response
/// token ids and log-probabilities are joined across chunks).
#[proc_macro_derive(StreamChunk, attributes(agentrace))]
pub fn derive_stream_chunk(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::STREAM_CHUNK, input)
}

/// Derives `agentrace::genai::ToolCall`. Roles: call_id, name, description, arguments.
#[proc_macro_derive(ToolCall, attributes(agentrace))]
pub fn derive_tool_call(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::TOOL_CALL, input)
}

/// Derives `agentrace::genai::ToolResult`. Roles: call_id, result, error (text: present
/// means failed), is_error (flag).
#[proc_macro_derive(ToolResult, attributes(agentrace))]
pub fn derive_tool_result(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::TOOL_RESULT, input)
}

/// Derives `agentrace::genai::AgentInfo`. Roles: id, name, description, messages (the agent's input messages).
#[proc_macro_derive(AgentInfo, attributes(agentrace))]
pub fn derive_agent_info(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::AGENT_INFO, input)
}

/// Derives `agentrace::genai::EmbeddingRequest`. Roles: model, provider.
#[proc_macro_derive(EmbeddingRequest, attributes(agentrace))]
pub fn derive_embedding_request(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::EMBEDDING_REQUEST, input)
}

/// Derives `agentrace::genai::EmbeddingResponse`. Roles: dimensions (a count, or the
/// embedding vector itself), model, usage.
#[proc_macro_derive(EmbeddingResponse, attributes(agentrace))]
pub fn derive_embedding_response(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::EMBEDDING_RESPONSE, input)
}

/// Derives `agentrace::genai::FormatRequest`. Roles: target, messages (a count, or the
/// messages whose number is counted).
#[proc_macro_derive(FormatRequest, attributes(agentrace))]
pub fn derive_format_request(input: TokenStream) -> TokenStream {
    run_derive(&derive_roles::FORMAT_REQUEST, input)
}

/// Derives `agentrace::genai::ToMessage` for a chat message type. Roles: role, content,
/// name.
#[proc_macro_derive(ChatMessage, attributes(agentrace))]
pub fn derive_chat_message(input: TokenStream) -> TokenStream {
    syn::parse::<syn::DeriveInput>(input)
        .and_then(derive::derive_chat_message)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[cfg(test)]
mod tests;

mod derive_carrier;

/// Derives `agentrace::propagation::Carrier`: from one field marked `#[agentrace(carrier)]`
/// (a map or another `Carrier`), or from `Option<String>` fields named `traceparent`,
/// `tracestate` and `baggage`.
#[proc_macro_derive(Carrier, attributes(agentrace))]
pub fn derive_carrier(input: TokenStream) -> TokenStream {
    syn::parse::<syn::DeriveInput>(input)
        .and_then(derive_carrier::derive_carrier)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
