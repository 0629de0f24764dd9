//! The annotated function, parsed leniently: its signature must parse, but its body is kept
//! as raw tokens when it does not, so that an IDE still sees an expansion (and keeps
//! completion) while the user is typing inside the function.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser};
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
        let parsed: Lenient = match syn::parse2(tokens.clone()) {
            Ok(parsed) => parsed,
            Err(_) => {
                return Err(syn::Error::new(
                    item_keyword_span(tokens),
                    format!("#[{}] can only be applied to a function", kind.macro_name()),
                ))
            }
        };
        let Lenient {
            attrs,
            vis,
            sig,
            body,
        } = parsed;
        let body = body.ok_or_else(|| {
            syn::Error::new(
                sig.ident.span(),
                format!(
                    "#[{}] needs a function with a body, and `{}` has none; in a trait, put it on \
                     the method of each `impl` instead",
                    kind.macro_name(),
                    sig.ident
                ),
            )
        })?;
        let block = syn::parse2::<Block>(body.to_token_stream()).ok();
        Ok(TracedFn {
            attrs,
            vis,
            sig,
            body,
            block,
        })
    }
}

/// The span of the item's keyword (`struct`, `impl`, ..), past its attributes and visibility,
/// for the error on an item that is not a function.
fn item_keyword_span(tokens: TokenStream) -> Span {
    let keyword = |input: ParseStream| {
        input.call(Attribute::parse_outer)?;
        input.parse::<Visibility>()?;
        let span = input.span();
        input.parse::<TokenStream>()?;
        Ok(span)
    };
    keyword.parse2(tokens).unwrap_or_else(|_| Span::call_site())
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
        Ok(Lenient {
            attrs,
            vis,
            sig,
            body,
        })
    }
}
