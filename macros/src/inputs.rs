//! The names an annotated function binds from its arguments: `x` for `x: T`, `a` and `b` for
//! `(a, b): (A, B)`. Each is captured under its name unless skipped; the receiver is never
//! captured.

use syn::{FnArg, Ident, Pat, Signature};

/// The function's argument bindings and whether it has a receiver.
pub struct Inputs {
    pub bindings: Vec<Ident>,
    pub has_receiver: bool,
}

impl Inputs {
    pub fn of(sig: &Signature) -> Self {
        let mut inputs = Inputs {
            bindings: Vec::new(),
            has_receiver: false,
        };
        for arg in &sig.inputs {
            match arg {
                FnArg::Receiver(_) => inputs.has_receiver = true,
                FnArg::Typed(typed) => collect(&typed.pat, &mut inputs.bindings),
            }
        }
        inputs
    }

    pub fn binds(&self, name: &Ident) -> bool {
        name == "self" || self.bindings.iter().any(|binding| binding == name)
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
