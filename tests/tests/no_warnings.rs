//! The shapes of `tests/compile-pass` (every function shape, one-expression bodies) in this
//! edition-2021 crate, denying every rustc warning and every default clippy lint.
#![deny(warnings)]
#![deny(clippy::all)]

#[rustfmt::skip]
#[path = "../compile-pass/src/shapes.rs"]
mod shapes;
