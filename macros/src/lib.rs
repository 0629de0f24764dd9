//! Attribute macros of [agentrace](https://docs.rs/agentrace). They parse and generate only;
//! all behaviour lives in the `agentrace` crate, which re-exports them. Depend on
//! `agentrace`, not on this crate.
//!
//! The files: `args.rs` parses options, `kind.rs` holds what differs between the macros as
//! data, `item.rs` parses the function, `inputs.rs` finds its argument bindings, `shape.rs`
//! reads its return type, and `expand.rs` generates the traced function for every kind.

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
    let expanded = Parser::parse(|input: syn::parse::ParseStream| Options::parse(kind, input), args)
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

/// Traces any function as a span named after it (or the `name` option).
///
/// Options: `name = "..."`, `skip(arg, ..)`, `skip_all`, `capture_input = bool`,
/// `capture_output = bool`, `attributes(key = expr, ..)`, `crate = path`.
/// See the `agentrace` crate for the full reference.
#[proc_macro_attribute]
pub fn trace(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Generic, args, item)
}

/// Traces a call to a model: span `{operation} {model}`, kind CLIENT.
///
/// Options, besides the shared ones: `provider = "..."`, `model = expr`,
/// `operation = "chat" | "text_completion" | "generate_content"`, `stream`.
#[proc_macro_attribute]
pub fn trace_llm(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Llm, args, item)
}

/// Traces one turn of an agent: span `invoke_agent {name}`.
///
/// Options, besides the shared ones: `name = "..."` (the agent's name), `id = expr`,
/// `description = "..."`.
#[proc_macro_attribute]
pub fn trace_agent(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Agent, args, item)
}

/// Traces a tool execution: span `execute_tool {name}`, the tool named after the function
/// unless `name` says otherwise.
///
/// Options, besides the shared ones: `name = "..."`, `description = "..."`, `call_id = expr`.
#[proc_macro_attribute]
pub fn trace_tool(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Tool, args, item)
}

/// Traces an embeddings request: span `embeddings {model}`, kind CLIENT.
///
/// Options, besides the shared ones: `provider = "..."`, `model = expr`.
#[proc_macro_attribute]
pub fn trace_embedding(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Embedding, args, item)
}

/// Traces formatting of messages for a model: span `format {target}`.
///
/// Options, besides the shared ones: `target = "..."`.
#[proc_macro_attribute]
pub fn trace_format(args: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Format, args, item)
}
