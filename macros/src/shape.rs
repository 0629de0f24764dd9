//! What a function returns, read from its declared return type: a plain value, or a future,
//! stream or iterator whose completion the span must wait for (boxed or not, bare or inside
//! a `Result`). The syntax is all a macro can see; the `stream` option settles the rest.

use syn::visit_mut::{self, VisitMut};
use syn::{GenericArgument, PathArguments, ReturnType, Type, TypeParamBound};

/// What the span follows after the function body returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    /// Nothing: the span ends with the call (or, for an `async fn`, its future).
    Value,
    /// A future, ending with its output.
    Future,
    /// A stream, ending after its last item.
    Stream,
    /// An iterator, ending after its last item.
    Iterator,
}

/// How the followed value is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// Returned as is (`impl Stream`).
    Bare,
    /// Returned in a `Pin<Box<dyn ..>>` (`BoxStream`, `Pin<Box<dyn Future>>`).
    PinBox,
    /// Returned in a `Box<dyn ..>` (iterators).
    Box,
    /// A type the signature does not show as a stream, but named like one (a type alias such
    /// as `ChatCompletionResponseStream`): the generated code follows it when it is a boxed
    /// `dyn Stream`, else ends the span with it as a plain value.
    Probe,
    /// A type under the `stream` option that the signature does not show as a stream: it
    /// must be a boxed `dyn Stream` (a compile error naming the option otherwise).
    Declared,
}

/// The shape of a return type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub follow: Follow,
    pub holder: Holder,
    /// The followed value is the `Ok` of a `Result`.
    pub in_result: bool,
    /// The function returns `()`.
    pub unit: bool,
}

impl Shape {
    const VALUE: Shape = Shape {
        follow: Follow::Value,
        holder: Holder::Bare,
        in_result: false,
        unit: false,
    };

    pub fn of(output: &ReturnType) -> Shape {
        match output {
            ReturnType::Default => Shape {
                unit: true,
                ..Shape::VALUE
            },
            ReturnType::Type(_, ty) => match &**ty {
                Type::Tuple(tuple) if tuple.elems.is_empty() => Shape {
                    unit: true,
                    ..Shape::VALUE
                },
                ty => classify(ty),
            },
        }
    }

    pub fn is_stream(self) -> bool {
        self.follow == Follow::Stream
    }

    /// The shape under the `stream` option of a return type not seen as a stream: a type
    /// path (bare or the `Ok` of a `Result`) that is not a well-known plain value is
    /// declared a stream, to be checked where its type is known. `None` for anything else.
    pub fn declared_stream(output: &ReturnType) -> Option<Shape> {
        let ReturnType::Type(_, ty) = output else {
            return None;
        };
        let (ty, in_result) = match result_ok(ty) {
            Some(ok) => (ok, true),
            None => (&**ty, false),
        };
        let Type::Path(path) = ty else { return None };
        let last = path.path.segments.last()?;
        if PLAIN_VALUES.contains(&last.ident.to_string().as_str()) {
            return None;
        }
        Some(Shape {
            follow: Follow::Stream,
            holder: Holder::Declared,
            in_result,
            unit: false,
        })
    }
}

/// Types that are never streams: `stream` on them is a compile error from the macro.
const PLAIN_VALUES: &[&str] = &[
    "String", "str", "Vec", "Option", "Box", "bool", "char", "u8", "u16", "u32", "u64", "u128",
    "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64", "HashMap", "BTreeMap",
    "Value",
];

/// The `Ok` type of a `Result<T, E>`.
fn result_ok(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    (last.ident == "Result")
        .then(|| first_type_argument(&last.arguments))
        .flatten()
}

fn classify(ty: &Type) -> Shape {
    match ty {
        Type::Paren(inner) => classify(&inner.elem),
        Type::Group(inner) => classify(&inner.elem),
        Type::ImplTrait(imp) => bare(follow_of_bounds(imp.bounds.iter())),
        Type::Path(path) => {
            let Some(last) = path.path.segments.last() else {
                return Shape::VALUE;
            };
            let name = last.ident.to_string();
            match name.as_str() {
                "BoxStream" | "LocalBoxStream" => boxed(Follow::Stream, Holder::PinBox),
                "BoxFuture" | "LocalBoxFuture" => boxed(Follow::Future, Holder::PinBox),
                "Pin" => match first_type_argument(&last.arguments).and_then(boxed_dyn) {
                    Some(follow) => boxed(follow, Holder::PinBox),
                    None => Shape::VALUE,
                },
                "Box" => match boxed_dyn_inner(&last.arguments) {
                    Some(Follow::Iterator) => boxed(Follow::Iterator, Holder::Box),
                    _ => Shape::VALUE,
                },
                "Result" => match first_type_argument(&last.arguments).map(classify) {
                    Some(inner) if matches!(inner.follow, Follow::Stream | Follow::Iterator) => {
                        Shape {
                            in_result: true,
                            ..inner
                        }
                    }
                    _ => Shape::VALUE,
                },
                // A stream type the signature names without showing it (a type alias such
                // as async-openai's `ChatCompletionResponseStream`, a named stream type).
                name if name.ends_with("Stream") && name != "TcpStream" && name != "UnixStream" => {
                    boxed(Follow::Stream, Holder::Probe)
                }
                _ => Shape::VALUE,
            }
        }
        _ => Shape::VALUE,
    }
}

fn bare(follow: Follow) -> Shape {
    Shape {
        follow,
        ..Shape::VALUE
    }
}

fn boxed(follow: Follow, holder: Holder) -> Shape {
    Shape {
        follow,
        holder,
        ..Shape::VALUE
    }
}

fn follow_of_bounds<'a>(bounds: impl Iterator<Item = &'a TypeParamBound>) -> Follow {
    for bound in bounds {
        if let TypeParamBound::Trait(bound) = bound {
            if let Some(last) = bound.path.segments.last() {
                match last.ident.to_string().as_str() {
                    "Stream" | "TryStream" | "FusedStream" => return Follow::Stream,
                    "Iterator" | "DoubleEndedIterator" | "ExactSizeIterator" | "FusedIterator" => {
                        return Follow::Iterator
                    }
                    "Future" => return Follow::Future,
                    _ => {}
                }
            }
        }
    }
    Follow::Value
}

fn first_type_argument(arguments: &PathArguments) -> Option<&Type> {
    match arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

/// `Box<dyn Stream ..>` inside a `Pin`.
fn boxed_dyn(ty: &Type) -> Option<Follow> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    (last.ident == "Box")
        .then(|| boxed_dyn_inner(&last.arguments))
        .flatten()
}

/// The followed kind of the `dyn` type in `Box<dyn ..>`'s arguments.
fn boxed_dyn_inner(arguments: &PathArguments) -> Option<Follow> {
    match first_type_argument(arguments)? {
        Type::TraitObject(object) => match follow_of_bounds(object.bounds.iter()) {
            Follow::Value => None,
            follow => Some(follow),
        },
        _ => None,
    }
}

/// The return type with every `impl Trait` replaced by `_`, usable as a `let` annotation.
pub fn annotation(ty: &Type) -> Type {
    struct Erase;
    impl VisitMut for Erase {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::ImplTrait(imp) = ty {
                *ty = Type::Infer(syn::TypeInfer {
                    underscore_token: syn::Token![_](imp.impl_token.span),
                });
            } else {
                visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    let mut ty = ty.clone();
    Erase.visit_type_mut(&mut ty);
    ty
}

/// The `Item` (or `Output`) named by an `impl Stream<Item = X>` / `impl Iterator<Item = X>`
/// / `impl Future<Output = X>` return type, bare or as the `Ok` of a `Result`. The generated
/// code pins the followed value to it, so that handlers see its type before the opaque
/// return type is inferred.
pub fn followed_item(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    item_of(ty)
}

fn item_of(ty: &Type) -> Option<Type> {
    match ty {
        Type::Paren(inner) => item_of(&inner.elem),
        Type::Group(inner) => item_of(&inner.elem),
        Type::Path(path) => {
            let last = path.path.segments.last()?;
            (last.ident == "Result")
                .then(|| first_type_argument(&last.arguments).and_then(item_of))
                .flatten()
        }
        Type::ImplTrait(imp) => imp.bounds.iter().find_map(|bound| {
            let TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let PathArguments::AngleBracketed(args) = &bound.path.segments.last()?.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                GenericArgument::AssocType(assoc)
                    if assoc.ident == "Item" || assoc.ident == "Output" =>
                {
                    Some(annotation(&assoc.ty))
                }
                _ => None,
            })
        }),
        _ => None,
    }
}
