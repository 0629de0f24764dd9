//! The extractor derives: `#[derive(LlmRequest)]` and the others generate the trait's one
//! method from field attributes (`#[agentrace(model)]`), calling the sink's setter for each
//! marked field. Fields without an attribute are never read. A role that is unknown, used
//! twice, or put on a field of the wrong type is a compile error on that field.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Path, Token};

use crate::derive_roles::DeriveSpec;

/// A field marked with roles.
struct Marked {
    /// How the field is reached: `self.name` in a struct, a binding in an enum arm.
    access: TokenStream,
    /// Its roles, each with the span of the role's name.
    roles: Vec<(String, Span)>,
    /// Where a type error on the field should point.
    ty_span: Span,
}

pub fn derive(spec: &DeriveSpec, input: DeriveInput) -> syn::Result<TokenStream> {
    let krate = crate_path(&input)?;
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let trait_name = format_ident!("{}", spec.trait_name);
    let method = format_ident!("{}", spec.method);
    let sink = format_ident!("{}", spec.sink);
    let body = match &input.data {
        Data::Struct(data) => {
            let marked = marked_fields(spec, &data.fields, self_access)?;
            calls(spec, &marked)
        }
        Data::Enum(data) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let binding = |index: usize, field: &syn::Field| {
                    let ident = field
                        .ident
                        .clone()
                        .unwrap_or_else(|| format_ident!("__agentrace_{}", index));
                    quote_spanned!(field.ty.span()=> #ident)
                };
                let marked = marked_fields(spec, &variant.fields, binding)?;
                let calls = calls(spec, &marked);
                let variant_name = &variant.ident;
                let pattern = match &variant.fields {
                    Fields::Named(fields) => {
                        let names = fields.named.iter().map(|f| f.ident.clone());
                        quote!(Self::#variant_name { #(#names),* })
                    }
                    Fields::Unnamed(fields) => {
                        let names =
                            (0..fields.unnamed.len()).map(|i| format_ident!("__agentrace_{}", i));
                        quote!(Self::#variant_name ( #(#names),* ))
                    }
                    Fields::Unit => quote!(Self::#variant_name),
                };
                arms.push(quote! {
                    #[allow(unused_variables)]
                    #pattern => { #calls }
                });
            }
            quote! {
                match self {
                    #(#arms)*
                    #[allow(unreachable_patterns)]
                    _ => {}
                }
            }
        }
        Data::Union(union) => {
            return Err(syn::Error::new(
                union.union_token.span,
                format!(
                    "#[derive({})] is for structs and enums, not unions",
                    spec.derive
                ),
            ))
        }
    };
    Ok(quote! {
        impl #impl_generics #krate::genai::#trait_name for #name #ty_generics #where_clause {
            fn #method(&self, __agentrace_out: &mut #krate::genai::#sink) {
                #body
            }
        }
    })
}

/// `&self.field`, spanned on the field's type so that a type error points there.
fn self_access(index: usize, field: &syn::Field) -> TokenStream {
    let span = field.ty.span();
    match &field.ident {
        Some(ident) => quote_spanned!(span=> &self.#ident),
        None => {
            let index = syn::Index {
                index: index as u32,
                span,
            };
            quote_spanned!(span=> &self.#index)
        }
    }
}

fn calls(spec: &DeriveSpec, marked: &[Marked]) -> TokenStream {
    let mut calls = Vec::new();
    for field in marked {
        for (role, _) in &field.roles {
            let setter = spec
                .roles
                .iter()
                .find(|(name, _)| name == role)
                .map(|(_, setter)| *setter)
                .expect("roles are checked");
            let setter = Ident::new(setter, field.ty_span);
            let access = &field.access;
            calls.push(quote_spanned! {field.ty_span=> __agentrace_out.#setter(#access); });
        }
    }
    quote!(#(#calls)*)
}

fn marked_fields(
    spec: &DeriveSpec,
    fields: &Fields,
    access: impl Fn(usize, &syn::Field) -> TokenStream,
) -> syn::Result<Vec<Marked>> {
    let mut marked = Vec::new();
    let mut taken: Vec<(String, String)> = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let mut roles = Vec::new();
        for attribute in field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("agentrace"))
        {
            let names = attribute.parse_args_with(
                syn::punctuated::Punctuated::<Ident, Token![,]>::parse_terminated,
            )?;
            for role in names {
                let role_name = role.to_string();
                if !spec.roles.iter().any(|(name, _)| *name == role_name) {
                    let known: Vec<&str> = spec.roles.iter().map(|(name, _)| *name).collect();
                    return Err(syn::Error::new(
                        role.span(),
                        format!(
                            "unknown role `{role_name}` for #[derive({})]; its roles are: {}",
                            spec.derive,
                            known.join(", ")
                        ),
                    ));
                }
                let field_name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| index.to_string(), Ident::to_string);
                if let Some((_, other)) = taken
                    .iter()
                    .find(|(taken_role, _)| *taken_role == role_name)
                {
                    return Err(syn::Error::new(
                        role.span(),
                        format!(
                            "two fields for the role `{role_name}`: field `{other}` already has it"
                        ),
                    ));
                }
                taken.push((role_name.clone(), field_name));
                roles.push((role_name, role.span()));
            }
        }
        if !roles.is_empty() {
            marked.push(Marked {
                access: access(index, field),
                roles,
                ty_span: field.ty.span(),
            });
        }
    }
    Ok(marked)
}

/// `#[agentrace(crate = path)]` on the type, else `::agentrace`.
fn crate_path(input: &DeriveInput) -> syn::Result<TokenStream> {
    for attribute in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("agentrace"))
    {
        let mut path: Option<Path> = None;
        attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                path = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("the only option on the type is `crate = path`"))
            }
        })?;
        if let Some(path) = path {
            return Ok(quote!(#path));
        }
    }
    Ok(quote!(::agentrace))
}

/// `#[derive(ChatMessage)]`: a `ToMessage` impl from `role`, `content` and `name` fields.
pub fn derive_chat_message(input: DeriveInput) -> syn::Result<TokenStream> {
    let krate = crate_path(&input)?;
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(ChatMessage)] is for structs",
        ));
    };
    const SPEC: DeriveSpec = DeriveSpec {
        derive: "ChatMessage",
        trait_name: "ToMessage",
        method: "to_message",
        sink: "",
        roles: &[("role", ""), ("content", ""), ("name", "")],
    };
    let marked = marked_fields(&SPEC, &data.fields, self_access)?;
    let field_for = |role: &str| {
        marked
            .iter()
            .find(|m| m.roles.iter().any(|(r, _)| r == role))
    };
    let text = |role: &str| -> TokenStream {
        match field_for(role) {
            Some(field) => {
                let access = &field.access;
                quote_spanned! {field.ty_span=> #krate::genai::TextValue::text(#access).map(|text| text.into_owned()) }
            }
            None => quote!(::core::option::Option::None::<::std::string::String>),
        }
    };
    let (role, content, name_field) = (text("role"), text("content"), text("name"));
    if field_for("role").is_none() || field_for("content").is_none() {
        return Err(syn::Error::new(name.span(), "#[derive(ChatMessage)] needs a field marked #[agentrace(role)] and one marked #[agentrace(content)]"));
    }
    Ok(quote! {
        impl #impl_generics #krate::genai::ToMessage for #name #ty_generics #where_clause {
            fn to_message(&self) -> #krate::genai::Message {
                let mut message = #krate::genai::Message::text(#role.unwrap_or_default(), #content.unwrap_or_default());
                message.name = #name_field;
                message
            }
        }
    })
}
