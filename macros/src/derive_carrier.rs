//! `#[derive(Carrier)]`: lets a message type carry propagation headers. Either one field
//! marked `#[agentrace(carrier)]` (any `Carrier`, such as a header map) receives every
//! header, or `Option<String>` fields named `traceparent`, `tracestate` and `baggage` each
//! hold their own (`traceparent` is required; the others are optional).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

/// The header fields a struct may have, by name.
const HEADER_FIELDS: [&str; 3] = ["traceparent", "tracestate", "baggage"];

pub fn derive_carrier(input: DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Carrier)] is for structs",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Carrier)] needs a struct with named fields",
        ));
    };
    let mut delegate = None;
    for field in &fields.named {
        for attribute in field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("agentrace"))
        {
            attribute.parse_nested_meta(|meta| {
                if !meta.path.is_ident("carrier") {
                    return Err(
                        meta.error("the only field option of #[derive(Carrier)] is `carrier`")
                    );
                }
                if delegate.is_some() {
                    return Err(meta.error("only one field can be the carrier"));
                }
                delegate = Some(field);
                Ok(())
            })?;
        }
    }
    let (get, set) = match delegate {
        Some(field) => {
            let ident = &field.ident;
            let ty = &field.ty;
            let bound = quote_spanned!(ty.span()=> <#ty as ::agentrace::propagation::Carrier>);
            (
                quote!(#bound::get(&self.#ident, key)),
                quote!(#bound::set(&mut self.#ident, key, value)),
            )
        }
        None => header_fields(name, fields)?,
    };
    Ok(quote! {
        impl #impl_generics ::agentrace::propagation::Carrier for #name #ty_generics #where_clause {
            fn get(&self, key: &str) -> ::core::option::Option<&str> {
                #get
            }

            fn set(&mut self, key: &str, value: ::std::string::String) {
                #set
            }
        }
    })
}

/// `get` and `set` bodies over the fields named after the headers.
fn header_fields(
    name: &syn::Ident,
    fields: &syn::FieldsNamed,
) -> syn::Result<(TokenStream, TokenStream)> {
    let found: Vec<_> = fields
        .named
        .iter()
        .filter(|field| {
            field
                .ident
                .as_ref()
                .is_some_and(|ident| HEADER_FIELDS.iter().any(|header| ident == header))
        })
        .collect();
    if !found
        .iter()
        .any(|field| field.ident.as_ref().is_some_and(|i| i == "traceparent"))
    {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Carrier)] needs a field marked #[agentrace(carrier)] or an \
             `Option<String>` field named `traceparent`",
        ));
    }
    let mut get_arms = Vec::new();
    let mut set_arms = Vec::new();
    for field in found {
        let ident = field.ident.as_ref().expect("named field");
        let header = ident.to_string();
        let ty = &field.ty;
        // Spanned on the field's type, so a field that is not `Option<String>` is an error there.
        get_arms.push(quote_spanned! {ty.span()=>
            #header => ::core::option::Option::<::std::string::String>::as_deref(&self.#ident),
        });
        set_arms.push(quote_spanned! {ty.span()=>
            #header => {
                let slot: &mut ::core::option::Option<::std::string::String> = &mut self.#ident;
                *slot = ::core::option::Option::Some(value);
            }
        });
    }
    Ok((
        quote!(match key { #(#get_arms)* _ => ::core::option::Option::None }),
        quote!(match key { #(#set_arms)* _ => {} }),
    ))
}
