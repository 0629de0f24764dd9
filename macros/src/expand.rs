//! Generates the traced function. One path for every macro kind: the kind only changes the
//! static data of the span (`SpanMeta`) and which options may appear.
//!
//! The generated body (1) starts the span, filling it only when it records, (2) runs the
//! original body with the span current, as a closure (sync) or an async block (async), with
//! a fake return edge that keeps type inference on the declared return type, and (3) ends the
//! span with the outcome read from the return value, or hands the span to the returned
//! future, stream or iterator, which ends it when it completes or is dropped.
//!
//! With tracing off, a function returning a plain value compiles to one atomic load, a branch
//! and its own body: starting the span (`start_active`), running the body in it
//! (`run_in_span`) and polling an async body in it (`TracedFuture`'s traced poll) are runtime
//! functions that are never inlined, so a sync traced function stays as small as the plain
//! one plus the check, and the compiler inlines it where it would inline the plain one. An
//! `async fn` awaits its body as it is when there is no span; its poll still holds the calls
//! of the traced arm, so the compiler inlines it where it has one caller.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Expr, ReturnType, Stmt, Type};

use crate::args::Options;
use crate::inputs::Inputs;
use crate::item::TracedFn;
use crate::kind::Kind;
use crate::shape::{self, Follow, Holder, Shape};

pub fn expand(kind: Kind, options: Options, item: TracedFn) -> syn::Result<TokenStream> {
    if let Some(constness) = &item.sig.constness {
        return Err(syn::Error::new(
            constness.span,
            format!(
                "#[{}] cannot trace a `const fn`: spans are made at run time",
                kind.macro_name()
            ),
        ));
    }
    let inputs = Inputs::of(&item.sig);
    for skipped in &options.skip {
        if !inputs.binds(skipped) {
            let names: Vec<String> = inputs.bindings.iter().map(|b| format!("`{b}`")).collect();
            let arguments = if names.is_empty() {
                "it has none".to_owned()
            } else {
                format!("its arguments are {}", names.join(", "))
            };
            return Err(syn::Error::new(
                skipped.span(),
                format!("`{skipped}` is not an argument of this function; {arguments}"),
            ));
        }
    }
    let mut shape = Shape::of(&item.sig.output);
    if item.sig.asyncness.is_some() && shape.follow == Follow::Future {
        shape.follow = Follow::Value;
    }
    match options.stream {
        Some(true) if !shape.is_stream() => match Shape::declared_stream(&item.sig.output) {
            Some(declared) => shape = declared,
            None => return Err(not_a_stream(&item.sig)),
        },
        Some(false) if shape.is_stream() => {
            shape = Shape {
                follow: Follow::Value,
                ..shape
            }
        }
        _ => {}
    }
    let generator = Generator {
        kind,
        options,
        item,
        inputs,
        shape,
    };
    Ok(generator.generate())
}

/// `stream` on a function whose return type is no stream: the error spans that type (or the
/// function's name when it returns `()`).
fn not_a_stream(sig: &syn::Signature) -> syn::Error {
    let message = "`stream` needs a function that returns a stream: `impl Stream`, `BoxStream`, \
                   `Pin<Box<dyn Stream>>`, or a `Result` of one (from a sync or async fn)";
    match &sig.output {
        ReturnType::Default => syn::Error::new(
            sig.ident.span(),
            format!("{message}; `{}` returns `()`", sig.ident),
        ),
        ReturnType::Type(_, ty) => syn::Error::new_spanned(ty, message),
    }
}

struct Generator {
    kind: Kind,
    options: Options,
    item: TracedFn,
    inputs: Inputs,
    shape: Shape,
}

impl Generator {
    fn krate(&self) -> TokenStream {
        match &self.options.krate {
            Some(path) => path.to_token_stream(),
            None => quote!(::agentrace),
        }
    }

    fn generate(&self) -> TokenStream {
        let TracedFn {
            attrs, vis, sig, ..
        } = &self.item;
        let meta = self.meta();
        let start = self.start();
        let body = match self.async_trait_future() {
            // The span starts at the first poll, as an `async fn`'s does: inside the box.
            Some((prelude, future)) => self.async_trait_body(prelude, &start, future),
            None => {
                let body = if sig.asyncness.is_some() {
                    self.async_body()
                } else {
                    self.sync_body()
                };
                quote!(#start #body)
            }
        };
        quote! {
            #(#attrs)*
            #vis #sig {
                #meta
                #body
            }
        }
    }

    /// `static __AGENTRACE_META: SpanMeta = ..`: everything known at compile time.
    fn meta(&self) -> TokenStream {
        let krate = self.krate();
        let options = &self.options;
        let function = self.item.sig.ident.to_string();
        let variant = self.kind.runtime_variant();
        let operation = self
            .kind
            .operation(options.operation.as_ref().map(|op| op.value()).as_deref());
        let subject = self.static_subject();
        let name = if self.kind.name_is_span_name() {
            options
                .name
                .as_ref()
                .map_or_else(|| function.clone(), |name| name.value())
        } else {
            let operation = operation.clone().unwrap_or_default();
            match subject
                .clone()
                .or_else(|| self.kind.default_subject(&function))
            {
                Some(subject) => format!("{operation} {subject}"),
                None => operation,
            }
        };
        let operation = option_str(operation.as_deref());
        let subject = option_str(subject.as_deref());
        let provider = option_str(options.provider.as_ref().map(|p| p.value()).as_deref());
        let description = option_str(options.description.as_ref().map(|d| d.value()).as_deref());
        let capture_input = option_bool(
            options
                .capture_input
                .filter(|_| !options.skip_all)
                .or(options.skip_all.then_some(false)),
        );
        let capture_output = option_bool(if self.shape.unit {
            Some(false)
        } else {
            options.capture_output
        });
        let streaming = matches!(self.shape.follow, Follow::Stream | Follow::Iterator);
        quote! {
            static __AGENTRACE_META: #krate::__private::SpanMeta = #krate::__private::SpanMeta {
                kind: #krate::__private::OperationKind::#variant,
                operation: #operation,
                name: #name,
                subject: #subject,
                function: ::core::concat!(::core::module_path!(), "::", #function),
                function_name: #function,
                provider: #provider,
                description: #description,
                capture_input: #capture_input,
                capture_output: #capture_output,
                streaming: #streaming,
            };
        }
    }

    /// The subject named at compile time: a `name` (or `target`) option, or a literal model.
    /// None when a model is given as an expression: the subject is then known at run time.
    fn static_subject(&self) -> Option<String> {
        let options = &self.options;
        if matches!(&options.model, Some(model) if !matches!(model, Expr::Lit(_))) {
            return None;
        }
        if let Some(target) = &options.target {
            return Some(target.value());
        }
        if let Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(model),
            ..
        })) = &options.model
        {
            return Some(model.value());
        }
        if self.kind.name_is_span_name() {
            return None;
        }
        options.name.as_ref().map(|name| name.value())
    }

    /// `let __agentrace_span = start(&META, |rec| ..)`.
    fn start(&self) -> TokenStream {
        let krate = self.krate();
        let options = &self.options;
        let mut fill = Vec::new();
        let self_type = if self.inputs.has_receiver {
            quote!(::core::option::Option::Some(#krate::__private::type_name_of::<Self>()))
        } else {
            quote!(::core::option::Option::None)
        };
        if let Some(model) = options
            .model
            .as_ref()
            .filter(|model| !matches!(model, Expr::Lit(_)))
        {
            let value = attribute_value(model);
            fill.push(quote! { __agentrace_rec.subject(#value); });
        }
        let keyed = [
            ("gen_ai.agent.id", &options.id),
            ("gen_ai.tool.call.id", &options.call_id),
        ];
        for (key, expr) in keyed {
            if let Some(expr) = expr {
                let value = attribute_value(expr);
                fill.push(quote! { __agentrace_rec.attribute(#key, #value); });
            }
        }
        for (key, expr) in &options.attributes {
            let value = attribute_value(expr);
            let key = syn::LitStr::new(&key.text, key.span);
            fill.push(quote! { __agentrace_rec.attribute(#key, #value); });
        }
        let captured: Vec<_> = if options.skip_all || options.capture_input == Some(false) {
            Vec::new()
        } else {
            self.inputs
                .bindings
                .iter()
                .filter(|binding| !options.skip.contains(binding))
                .filter(|binding| !self.inputs.clients.contains(binding))
                .collect()
        };
        for hook in self.kind.start_hooks() {
            let hook = syn::Ident::new(hook, Span::call_site());
            let receiver = self.inputs.has_receiver.then(|| quote!(self)).into_iter();
            let bindings = self.inputs.bindings.iter().map(ToTokens::to_token_stream);
            for value in receiver.chain(bindings) {
                fill.push(quote! { (&&&Wrap(&#value)).#hook(__agentrace_rec); });
            }
        }
        if !captured.is_empty() {
            let names = captured
                .iter()
                .map(|binding| binding.to_string().trim_start_matches("r#").to_owned());
            fill.push(quote! {
                if __agentrace_rec.capture_input() {
                    #(
                        __agentrace_rec.input(#names, |__agentrace_out| {
                            (&&&Wrap(&#captured)).__agentrace_capture(__agentrace_out)
                        });
                    )*
                }
            });
        }
        quote! {
            let __agentrace_span = #krate::__private::start(
                &__AGENTRACE_META,
                #self_type,
                #[allow(unused_variables)]
                |__agentrace_rec: &mut #krate::__private::Recorder<'_>| {
                    #[allow(unused_imports)]
                    use #krate::__private::spec::*;
                    #(#fill)*
                },
            );
        }
    }

    /// A sync fn: the body runs as a closure with the span current.
    fn sync_body(&self) -> TokenStream {
        let krate = self.krate();
        let fake = self.fake_return_edge();
        let body = self.body();
        let annotation = self.annotation();
        let consume = self.consume();
        if self.shape.follow != Follow::Value {
            return quote! {
                #[allow(clippy::let_unit_value, clippy::let_with_type_underscore)]
                let __agentrace_ret #annotation = {
                    let __agentrace_current = #krate::__private::attach(&__agentrace_span);
                    #[allow(clippy::redundant_closure_call)]
                    (move || { #fake #body })()
                };
                #consume
            };
        }
        // A plain value: with no span, the body runs right here; with one, out of line in
        // `run_in_span`, so that the disabled path is the switch's check and the body.
        let handler = self.handler();
        quote! {
            #[allow(unused_mut)]
            let mut __agentrace_body = move || { #fake #body };
            match __agentrace_span {
                ::core::option::Option::None => __agentrace_body(),
                ::core::option::Option::Some(__agentrace_span) => {
                    #krate::__private::run_in_span(__agentrace_span, __agentrace_body, #handler)
                }
            }
        }
    }

    /// An async fn: the body runs as an async block polled with the span current.
    fn async_body(&self) -> TokenStream {
        let krate = self.krate();
        let fake = self.fake_return_edge();
        let body = self.body();
        let annotation = self.annotation();
        let consume = self.consume();
        if self.shape.follow == Follow::Value {
            // With no span the body is awaited as it is; with one, inside a future that
            // keeps the span current and ends it with the output. Matching here, rather
            // than handing the `Option` to one future, keeps tracing off at the switch's
            // check and the body's own poll. Both arms move the `Option` out (`untraced`
            // takes the `None`), so that it is not kept across the `.await` nor dropped
            // after it.
            let handler = self.handler();
            return quote! {
                let __agentrace_body = async move { #fake #body };
                match __agentrace_span {
                    ::core::option::Option::None => {
                        #krate::__private::untraced(__agentrace_span);
                        __agentrace_body.await
                    }
                    __agentrace_span @ ::core::option::Option::Some(_) => {
                        #krate::__private::traced_future(
                            __agentrace_span,
                            __agentrace_body,
                            #handler,
                        ).await
                    }
                }
            };
        }
        quote! {
            #[allow(clippy::let_unit_value, clippy::let_with_type_underscore)]
            let __agentrace_ret #annotation =
                #krate::__private::in_span(&__agentrace_span, async move { #fake #body }).await;
            #consume
        }
    }

    /// An `#[async_trait]` method: the boxed future starts the span when first polled, then
    /// follows `#[async_trait]`'s async block with it. A future never polled makes no span,
    /// and the span's parent is the context of its first poll, as for a native `async fn`.
    fn async_trait_body(
        &self,
        prelude: &[Stmt],
        start: &TokenStream,
        future: &Expr,
    ) -> TokenStream {
        let krate = self.krate();
        let handler = self.handler();
        quote! {
            #(#prelude)*
            ::std::boxed::Box::pin(async move {
                #start
                #krate::__private::traced_future(__agentrace_span, #future, #handler).await
            })
        }
    }

    /// The last statements of a body generated by `#[async_trait]`:
    /// `Box::pin(async move { .. })`, returning the statements before it and the async block.
    fn async_trait_future(&self) -> Option<(&[Stmt], &Expr)> {
        if self.item.sig.asyncness.is_some()
            || self.shape.follow != Follow::Future
            || self.shape.holder != Holder::PinBox
        {
            return None;
        }
        let block = self.item.block.as_ref()?;
        let (last, prelude) = block.stmts.split_last()?;
        let Stmt::Expr(Expr::Call(call), None) = last else {
            return None;
        };
        let Expr::Path(callee) = &*call.func else {
            return None;
        };
        let segments: Vec<String> = callee
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if !segments.ends_with(&["Box".to_owned(), "pin".to_owned()]) || call.args.len() != 1 {
            return None;
        }
        match call.args.first()? {
            future @ Expr::Async(_) => Some((prelude, future)),
            _ => None,
        }
    }

    /// The function's statements, to be spliced into the closure or async block that runs
    /// them: not the body's own braces, which would make a one-expression body (`{ x }`) a
    /// block in a block, and `unused_braces` warn on the user's line. A body that does not
    /// parse (or has inner attributes) is kept as written.
    fn body(&self) -> TokenStream {
        match &self.item.block {
            Some(block) => {
                let stmts = &block.stmts;
                quote!(#(#stmts)*)
            }
            None => self.item.body.to_token_stream(),
        }
    }

    /// `: R` with `impl Trait` erased to `_`, or nothing for `()`.
    fn annotation(&self) -> TokenStream {
        match &self.item.sig.output {
            ReturnType::Type(_, ty) if !self.shape.unit => {
                let ty: Type = shape::annotation(ty);
                quote!(: #ty)
            }
            _ => TokenStream::new(),
        }
    }

    /// `if false { let x: R = loop {}; return x; }`: the first return edge of the closure or
    /// async block has the declared type, so later `return`s and `?` coerce and infer as in
    /// the original function.
    fn fake_return_edge(&self) -> TokenStream {
        match &self.item.sig.output {
            ReturnType::Type(_, ty) if !self.shape.unit => {
                let ty = shape::annotation(ty);
                quote_spanned! {Span::call_site()=>
                    #[allow(
                        unknown_lints, unreachable_code, clippy::diverging_sub_expression,
                        clippy::empty_loop, clippy::let_unit_value, clippy::let_with_type_underscore,
                        clippy::needless_return, clippy::unreachable
                    )]
                    if false {
                        let __agentrace_fake: #ty = loop {};
                        return __agentrace_fake;
                    }
                }
            }
            _ => TokenStream::new(),
        }
    }

    /// What happens to `__agentrace_ret`: the span ends with it, or follows it.
    fn consume(&self) -> TokenStream {
        let krate = self.krate();
        let handler = self.handler();
        let error_handler = error_handler(&krate);
        let pinned_item = shape::followed_item(&self.item.sig.output);
        let follow = |value: TokenStream| -> TokenStream {
            let value = match (&pinned_item, self.shape.follow) {
                (Some(item), Follow::Stream) => {
                    quote!(#krate::__private::stream_of::<#item, _>(#value))
                }
                (Some(item), Follow::Iterator) => {
                    quote!(#krate::__private::iter_of::<#item, _>(#value))
                }
                (Some(item), Follow::Future) => {
                    quote!(#krate::__private::future_of::<#item, _>(#value))
                }
                _ => value,
            };
            let traced = match (self.shape.follow, self.shape.holder) {
                (Follow::Stream, Holder::Probe) => {
                    return quote! {{
                        #[allow(unused_imports)]
                        use #krate::__private::follow::*;
                        (&&#krate::__private::follow::Probe::new(#value))
                            .__agentrace_follow(__agentrace_span, #handler)
                    }};
                }
                (Follow::Stream, Holder::Declared) => {
                    return quote! {
                        #krate::__private::follow::stream(__agentrace_span, #value, #handler)
                    };
                }
                (Follow::Stream, _) => {
                    quote!(#krate::__private::traced_stream(__agentrace_span, #value, #handler))
                }
                (Follow::Iterator, _) => {
                    quote!(#krate::__private::traced_iter(__agentrace_span, #value, #handler))
                }
                (Follow::Future, _) => {
                    quote!(#krate::__private::traced_future(__agentrace_span, #value, #handler))
                }
                (Follow::Value, _) => unreachable!("plain values are finished, not followed"),
            };
            match self.shape.holder {
                Holder::Bare | Holder::Probe | Holder::Declared => traced,
                Holder::PinBox => quote!(::std::boxed::Box::pin(#traced)),
                Holder::Box => quote!(::std::boxed::Box::new(#traced)),
            }
        };
        match self.shape {
            Shape {
                follow: Follow::Value,
                ..
            } => quote! {
                #krate::__private::finish(__agentrace_span, &__agentrace_ret, #handler);
                __agentrace_ret
            },
            Shape {
                in_result: true, ..
            } => {
                let traced = follow(quote!(__agentrace_followed));
                quote! {
                    match __agentrace_ret {
                        ::core::result::Result::Ok(__agentrace_followed) => ::core::result::Result::Ok(#traced),
                        ::core::result::Result::Err(__agentrace_error) => {
                            #krate::__private::finish(__agentrace_span, &__agentrace_error, #error_handler);
                            ::core::result::Result::Err(__agentrace_error)
                        }
                    }
                }
            }
            _ => follow(quote!(__agentrace_ret)),
        }
    }

    /// The closure that reads an outcome from a return value or an item: an `Err` marks the
    /// span as an error, anything else is captured as output.
    fn handler(&self) -> TokenStream {
        let krate = self.krate();
        if self.shape.unit {
            return quote!(|_: &mut #krate::__private::Outcome, _: &_| {});
        }
        let end_hooks = self.kind.end_hooks().iter().map(|hook| {
            let hook = syn::Ident::new(hook, Span::call_site());
            quote! { (&&&Wrap(__agentrace_ok)).#hook(__agentrace_outcome); }
        });
        quote! {
            |__agentrace_outcome: &mut #krate::__private::Outcome, __agentrace_value: &_| {
                #[allow(unused_imports)]
                use #krate::__private::spec::*;
                let (__agentrace_ok, __agentrace_err) = (&&Wrap(__agentrace_value)).__agentrace_split();
                if let ::core::option::Option::Some(__agentrace_err) = __agentrace_err {
                    __agentrace_outcome.error(
                        (&&Wrap(__agentrace_err)).__agentrace_error_type(),
                        (&&&Wrap(__agentrace_err)).__agentrace_error_message(),
                    );
                }
                if let ::core::option::Option::Some(__agentrace_ok) = __agentrace_ok {
                    #(#end_hooks)*
                    if __agentrace_outcome.capture_output() {
                        __agentrace_outcome.output(|__agentrace_out| {
                            (&&&Wrap(__agentrace_ok)).__agentrace_capture(__agentrace_out)
                        });
                    }
                }
            }
        }
    }
}

/// The closure that records an error value (the `Err` of a `Result` that would have held a
/// stream or iterator).
fn error_handler(krate: &TokenStream) -> TokenStream {
    quote! {
        |__agentrace_outcome: &mut #krate::__private::Outcome, __agentrace_err: &_| {
            #[allow(unused_imports)]
            use #krate::__private::spec::*;
            __agentrace_outcome.error(
                (&&Wrap(__agentrace_err)).__agentrace_error_type(),
                (&&&Wrap(__agentrace_err)).__agentrace_error_message(),
            );
        }
    }
}

/// `(&&&&Wrap(&(expr))).__agentrace_attribute()`: the expression as an attribute value.
fn attribute_value(expr: &Expr) -> TokenStream {
    quote_spanned! {syn::spanned::Spanned::span(expr)=>
        (&&&&Wrap(&(#expr))).__agentrace_attribute()
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn option_bool(value: Option<bool>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
