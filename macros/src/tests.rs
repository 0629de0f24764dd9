//! Unit tests of the expansion: return shapes, the `#[async_trait]` form, and the lenient
//! parse that keeps an IDE's completion inside a function whose body does not parse yet.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;

use crate::args::Options;
use crate::item::TracedFn;
use crate::kind::Kind;
use crate::shape::{Follow, Holder, Shape};

fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> String {
    let options = Parser::parse2(
        |input: syn::parse::ParseStream| Options::parse(kind, input),
        args,
    )
    .unwrap();
    let function = TracedFn::parse(kind, item).unwrap();
    crate::expand::expand(kind, options, function)
        .unwrap()
        .to_string()
}

fn shape(output: TokenStream) -> Shape {
    let sig: syn::Signature = syn::parse2(quote!(fn f() -> #output)).unwrap();
    Shape::of(&sig.output)
}

#[test]
fn return_shapes_are_read_from_the_declared_type() {
    let cases = [
        (quote!(u32), Follow::Value, Holder::Bare, false),
        (
            quote!(impl Stream<Item = u8> + Send),
            Follow::Stream,
            Holder::Bare,
            false,
        ),
        (
            quote!(BoxStream<'static, u8>),
            Follow::Stream,
            Holder::PinBox,
            false,
        ),
        (
            quote!(Pin<Box<dyn Stream<Item = u8> + Send>>),
            Follow::Stream,
            Holder::PinBox,
            false,
        ),
        (
            quote!(impl Iterator<Item = u8>),
            Follow::Iterator,
            Holder::Bare,
            false,
        ),
        (
            quote!(Box<dyn Iterator<Item = u8>>),
            Follow::Iterator,
            Holder::Box,
            false,
        ),
        (
            quote!(impl Future<Output = u8>),
            Follow::Future,
            Holder::Bare,
            false,
        ),
        (
            quote!(Pin<Box<dyn Future<Output = u8> + Send + 'a>>),
            Follow::Future,
            Holder::PinBox,
            false,
        ),
        (
            quote!(Result<impl Stream<Item = u8>, E>),
            Follow::Stream,
            Holder::Bare,
            true,
        ),
        (
            quote!(Result<Vec<u8>, E>),
            Follow::Value,
            Holder::Bare,
            false,
        ),
        (quote!(Box<dyn Fn()>), Follow::Value, Holder::Bare, false),
        // Named like a stream: decided where the type is known.
        (
            quote!(Result<ChatCompletionResponseStream, OpenAIError>),
            Follow::Stream,
            Holder::Probe,
            true,
        ),
        (quote!(MyStream), Follow::Stream, Holder::Probe, false),
        (quote!(TcpStream), Follow::Value, Holder::Bare, false),
    ];
    for (ty, follow, holder, in_result) in cases {
        let found = shape(ty.clone());
        assert_eq!(
            (found.follow, found.holder, found.in_result),
            (follow, holder, in_result),
            "{ty}"
        );
    }
    assert!(shape(quote!(())).unit);
}

#[test]
fn async_trait_output_is_instrumented_inside_its_box() {
    let item = quote! {
        fn call<'life0, 'async_trait>(&'life0 self, x: u8)
            -> ::core::pin::Pin<Box<dyn ::core::future::Future<Output = u8> + ::core::marker::Send + 'async_trait>>
        {
            Box::pin(async move { let __self = self; let x = x; let __ret: u8 = { x }; __ret })
        }
    };
    let expanded = expand(Kind::Tool, TokenStream::new(), item);
    assert_eq!(
        expanded.matches("Box :: pin").count(),
        1,
        "one box, not a box around a box: {expanded}"
    );
    assert!(
        expanded.contains("traced_future (__agentrace_span , async move"),
        "{expanded}"
    );
}

#[test]
fn a_body_that_does_not_parse_is_still_expanded_around_its_tokens() {
    let item = quote! {
        fn typing(x: u8) -> u8 { let y = x. ; y }
    };
    let expanded = expand(Kind::Generic, TokenStream::new(), item);
    assert!(
        expanded.contains("let y = x . ;"),
        "the raw body is kept: {expanded}"
    );
    assert!(
        expanded.contains("__agentrace_span"),
        "and still instrumented: {expanded}"
    );
}

#[test]
fn static_names_follow_the_kind() {
    let name = |kind, args: TokenStream| {
        let expanded = expand(
            kind,
            args,
            quote!(
                fn lookup(q: &str) -> u8 {
                    1
                }
            ),
        );
        let start = expanded.find("name : \"").unwrap() + 8;
        expanded[start..start + expanded[start..].find('"').unwrap()].to_owned()
    };
    assert_eq!(name(Kind::Generic, quote!()), "lookup");
    assert_eq!(name(Kind::Generic, quote!(name = "custom")), "custom");
    assert_eq!(name(Kind::Tool, quote!()), "execute_tool lookup");
    assert_eq!(
        name(Kind::Tool, quote!(name = "search")),
        "execute_tool search"
    );
    assert_eq!(name(Kind::Llm, quote!()), "chat");
    assert_eq!(
        name(
            Kind::Llm,
            quote!(model = "gpt", operation = "text_completion")
        ),
        "text_completion gpt"
    );
    assert_eq!(
        name(Kind::Agent, quote!(name = "planner")),
        "invoke_agent planner"
    );
    assert_eq!(name(Kind::Embedding, quote!(model = "e5")), "embeddings e5");
    assert_eq!(
        name(Kind::Format, quote!(target = "openai")),
        "format openai"
    );
}

#[test]
fn the_stream_option_declares_a_stream_of_a_type_path_but_not_of_a_plain_value() {
    let declared = |output: TokenStream| {
        let sig: syn::Signature = syn::parse2(quote!(fn f() -> #output)).unwrap();
        Shape::declared_stream(&sig.output).map(|shape| (shape.holder, shape.in_result))
    };
    assert_eq!(declared(quote!(Replies)), Some((Holder::Declared, false)));
    assert_eq!(
        declared(quote!(Result<Replies, Error>)),
        Some((Holder::Declared, true))
    );
    assert_eq!(declared(quote!(Result<String, Error>)), None);
    assert_eq!(declared(quote!(u32)), None);
    assert_eq!(declared(quote!((u8, u8))), None);
}
