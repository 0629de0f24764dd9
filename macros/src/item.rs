//! The annotated function, parsed leniently: its signature must parse, but its body is kept
//! as raw tokens when it does not, so that an IDE still sees an expansion (and keeps
//! completion) while the user is typing inside the function.

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Block, Signature, Visibility};

use crate::kind::Kind;

/// A function with a body.
pub struct TracedFn {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub sig: Signature,
    /// The body's brace group, as written.
    pub body: Group,
    /// The body parsed, when it parses.
    pub block: Option<Block>,
}

impl TracedFn {
    pub fn parse(kind: Kind, tokens: TokenStream) -> syn::Result<Self> {
        let not_a_function = |span| {
            syn::Error::new(
                span,
                format!(
                    "#[{}] can only be applied to a function with a body",
                    kind.macro_name()
                ),
            )
        };
        let first = tokens
            .clone()
            .into_iter()
            .find(|token| !matches!(token, TokenTree::Punct(p) if p.as_char() == '#'))
            .map_or_else(proc_macro2::Span::call_site, |token| token.span());
        let parsed: Lenient = syn::parse2(tokens).map_err(|_| not_a_function(first))?;
        let Lenient { attrs, vis, sig, body } = parsed;
        let body = body.ok_or_else(|| not_a_function(sig.ident.span()))?;
        let block = syn::parse2::<Block>(body.to_token_stream()).ok();
        Ok(TracedFn { attrs, vis, sig, body, block })
    }
}

struct Lenient {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    body: Option<Group>,
}

impl Parse for Lenient {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body = if input.peek(syn::token::Brace) {
            match input.parse::<TokenTree>()? {
                TokenTree::Group(group) => Some(group),
                _ => None,
            }
        } else {
            input.parse::<TokenStream>()?;
            None
        };
        Ok(Lenient { attrs, vis, sig, body })
    }
}
