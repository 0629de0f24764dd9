//! Parses the options of an attribute macro: `#[trace_llm(provider = "openai", model = req.model)]`.
//!
//! Every option is parsed the same way for every macro; whether the macro accepts it is then
//! checked against its [`Kind`]. Each error is spanned on the user's tokens.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitBool, LitStr, Path, Token};

use crate::kind::{Kind, LLM_OPERATIONS};

/// A key of `attributes(..)`: a dotted name (`user.id`) or a string literal.
pub struct AttributeKey {
    pub text: String,
    pub span: Span,
}

/// The options of one macro invocation.
#[derive(Default)]
pub struct Options {
    pub krate: Option<Path>,
    pub name: Option<LitStr>,
    pub skip: Vec<Ident>,
    pub skip_all: bool,
    pub capture_input: Option<bool>,
    pub capture_output: Option<bool>,
    pub attributes: Vec<(AttributeKey, Expr)>,
    pub provider: Option<LitStr>,
    pub model: Option<Expr>,
    pub operation: Option<LitStr>,
    pub stream: Option<bool>,
    pub id: Option<Expr>,
    pub description: Option<LitStr>,
    pub call_id: Option<Expr>,
    pub target: Option<LitStr>,
    seen: Vec<String>,
}

impl Options {
    pub fn parse(kind: Kind, input: ParseStream) -> syn::Result<Self> {
        let mut options = Options::default();
        while !input.is_empty() {
            options.parse_one(kind, input)?;
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(options)
    }

    fn parse_one(&mut self, kind: Kind, input: ParseStream) -> syn::Result<()> {
        let key: Ident = if input.peek(Token![crate]) {
            let token: Token![crate] = input.parse()?;
            Ident::new("crate", token.span)
        } else {
            input.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("expected an option of #[{}]", kind.macro_name()),
                )
            })?
        };
        let name = key.to_string();
        self.check_accepted(kind, &key, &name)?;
        if self.seen.contains(&name) {
            return Err(syn::Error::new(
                key.span(),
                format!("duplicate option `{name}`"),
            ));
        }
        self.seen.push(name.clone());
        match name.as_str() {
            "crate" => self.krate = Some(value(input, &key)?),
            "name" => self.name = Some(string(input, &key)?),
            "skip" => {
                let content;
                syn::parenthesized!(content in input);
                self.skip = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?
                    .into_iter()
                    .collect();
            }
            "skip_all" => self.skip_all = true,
            "capture_input" => self.capture_input = Some(boolean(input, &key)?.value),
            "capture_output" => self.capture_output = Some(boolean(input, &key)?.value),
            "attributes" => {
                let content;
                syn::parenthesized!(content in input);
                self.attributes = Punctuated::<KeyValue, Token![,]>::parse_terminated(&content)?
                    .into_iter()
                    .map(|KeyValue(key, expr)| (key, expr))
                    .collect();
            }
            "provider" => self.provider = Some(string(input, &key)?),
            "model" => self.model = Some(value(input, &key)?),
            "operation" => {
                let operation = string(input, &key)?;
                if !LLM_OPERATIONS.contains(&operation.value().as_str()) {
                    return Err(syn::Error::new(
                        operation.span(),
                        format!(
                            "unknown operation {:?}; expected one of: {}",
                            operation.value(),
                            LLM_OPERATIONS.join(", ")
                        ),
                    ));
                }
                self.operation = Some(operation);
            }
            "stream" => {
                self.stream = Some(if input.peek(Token![=]) {
                    boolean(input, &key)?.value
                } else {
                    true
                });
            }
            "id" => self.id = Some(value(input, &key)?),
            "description" => self.description = Some(string(input, &key)?),
            "call_id" => self.call_id = Some(value(input, &key)?),
            "target" => self.target = Some(string(input, &key)?),
            _ => unreachable!("accepted options are all handled"),
        }
        Ok(())
    }

    fn check_accepted(&self, kind: Kind, key: &Ident, name: &str) -> syn::Result<()> {
        if kind.accepts(name) {
            return Ok(());
        }
        let accepting = Kind::macros_accepting(name);
        let message = if accepting.is_empty() {
            let accepted = kind.accepted_options();
            let suggestion = accepted
                .iter()
                .map(|option| (edit_distance(option, name), option))
                .filter(|(distance, _)| *distance <= 2 && *distance < name.len())
                .min_by_key(|(distance, _)| *distance)
                .map_or_else(String::new, |(_, option)| {
                    format!(" (did you mean `{option}`?)")
                });
            format!(
                "unknown option `{name}`{suggestion}; #[{}] accepts: {}",
                kind.macro_name(),
                accepted.join(", ")
            )
        } else {
            let macros: Vec<String> = accepting.iter().map(|m| format!("#[{m}]")).collect();
            format!(
                "`{name}` is an option of {}, not of #[{}]",
                macros.join(", "),
                kind.macro_name()
            )
        };
        Err(syn::Error::new(key.span(), message))
    }
}

/// Levenshtein distance, for suggesting the option a typo meant.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

struct KeyValue(AttributeKey, Expr);

impl Parse for KeyValue {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            AttributeKey {
                text: literal.value(),
                span: literal.span(),
            }
        } else {
            let parts = Punctuated::<Ident, Token![.]>::parse_separated_nonempty(input)?;
            let span = parts.first().map_or_else(Span::call_site, Ident::span);
            let text = parts
                .iter()
                .map(Ident::to_string)
                .collect::<Vec<_>>()
                .join(".");
            AttributeKey { text, span }
        };
        input.parse::<Token![=]>()?;
        Ok(KeyValue(key, input.parse()?))
    }
}

fn value<T: Parse>(input: ParseStream, key: &Ident) -> syn::Result<T> {
    input.parse::<Token![=]>().map_err(|_| {
        syn::Error::new(key.span(), format!("`{key}` takes a value: `{key} = ...`"))
    })?;
    input.parse()
}

fn string(input: ParseStream, key: &Ident) -> syn::Result<LitStr> {
    let expr: Expr = value(input, key)?;
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(literal),
            ..
        }) => Ok(literal),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a string literal, like `{key} = \"...\"`"),
        )),
    }
}

fn boolean(input: ParseStream, key: &Ident) -> syn::Result<LitBool> {
    let expr: Expr = value(input, key)?;
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(literal),
            ..
        }) => Ok(literal),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes `true` or `false`"),
        )),
    }
}
