//! Traced code as users write it today, in edition 2024, where rustc lints more of what a
//! macro expands to (a one-expression body once warned `unused_braces` on the user's line).
//! The crate denies every warning and every default clippy lint; it builds only while no
//! expansion warns. The same shapes are compiled in edition 2021 by `tests/tests/no_warnings.rs`.
#![deny(warnings)]
#![deny(clippy::all)]

#[rustfmt::skip]
pub mod shapes;
