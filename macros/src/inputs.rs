//! The names an annotated function binds from its arguments: `x` for `x: T`, `a` and `b` for
//! `(a, b): (A, B)`. Each is captured under its name unless skipped; the receiver is never
//! captured.

use syn::{FnArg, Ident, Pat, Signature, Type};

/// The function's argument bindings and whether it has a receiver.
pub struct Inputs {
    pub bindings: Vec<Ident>,
    pub has_receiver: bool,
    /// Bindings of clients (a type named `Client` or `...Client`, by value or reference):
    /// never captured, since a client's `Debug` text is its whole configuration.
    pub clients: Vec<Ident>,
}

impl Inputs {
    pub fn of(sig: &Signature) -> Self {
        let mut inputs = Inputs {
            bindings: Vec::new(),
            has_receiver: false,
            clients: Vec::new(),
        };
        for arg in &sig.inputs {
            match arg {
                FnArg::Receiver(_) => inputs.has_receiver = true,
                FnArg::Typed(typed) => {
                    if is_client(&typed.ty) {
                        collect(&typed.pat, &mut inputs.clients);
                    }
                    collect(&typed.pat, &mut inputs.bindings);
                }
            }
        }
        inputs
    }

    pub fn binds(&self, name: &Ident) -> bool {
        name == "self" || self.bindings.iter().any(|binding| binding == name)
    }
}

/// `true` for a client type: `Client<C>`, `&OpenAiClient`, `Arc<Client>`, ...
fn is_client(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) => is_client(&reference.elem),
        Type::Paren(inner) => is_client(&inner.elem),
        Type::Group(inner) => is_client(&inner.elem),
        Type::Path(path) => path.path.segments.last().is_some_and(|last| {
            let name = last.ident.to_string();
            if matches!(name.as_str(), "Arc" | "Rc" | "Box") {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    return args.args.iter().any(|arg| match arg {
                        syn::GenericArgument::Type(inner) => is_client(inner),
                        _ => false,
                    });
                }
            }
            name.ends_with("Client")
        }),
        _ => false,
    }
}

fn collect(pat: &Pat, out: &mut Vec<Ident>) {
    match pat {
        Pat::Ident(ident) => {
            if ident.ident == "self" {
                return;
            }
            out.push(ident.ident.clone());
            if let Some((_, sub)) = &ident.subpat {
                collect(sub, out);
            }
        }
        Pat::Tuple(tuple) => tuple.elems.iter().for_each(|p| collect(p, out)),
        Pat::TupleStruct(tuple) => tuple.elems.iter().for_each(|p| collect(p, out)),
        Pat::Struct(strukt) => strukt
            .fields
            .iter()
            .for_each(|field| collect(&field.pat, out)),
        Pat::Slice(slice) => slice.elems.iter().for_each(|p| collect(p, out)),
        Pat::Reference(reference) => collect(&reference.pat, out),
        Pat::Paren(paren) => collect(&paren.pat, out),
        Pat::Type(typed) => collect(&typed.pat, out),
        _ => {}
    }
}
