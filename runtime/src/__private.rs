//! The one seam between the code the macros generate and the runtime. Not public API: names
//! here may change in any release.

pub use crate::future::{in_span, traced_future, untraced, InSpan, TracedFuture};
pub use crate::kind::{OperationKind, SpanMeta};
pub use crate::span::{attach, finish, run_in_span, start, Outcome, Recorder, SpanGuard};
pub use crate::stream::{traced_iter, traced_stream, TracedIter, TracedStream};
pub use opentelemetry::Value;

/// Following a returned stream the signature does not show as one (type aliases, named
/// `...Stream` types, the `stream` option).
pub mod follow {
    pub use crate::follow::{
        stream, BoxedStream, Probe, ProbeLocalStream, ProbeSendStream, ProbeValue,
    };
}

/// The autoref-specialization traits; generated code brings them into scope with a glob.
pub mod spec {
    pub use crate::extract::hooks::*;
    pub use crate::specialize::*;
}

/// The short name of `Self` for methods, used to name agent spans.
#[inline(always)]
pub fn type_name_of<T: ?Sized>() -> &'static str {
    std::any::type_name::<T>()
}

/// Pins a stream's item type, so that the handlers generated for it can be type-checked
/// before the function's opaque return type is inferred.
#[inline(always)]
pub fn stream_of<I, S: futures_core::Stream<Item = I>>(stream: S) -> S {
    stream
}

/// Pins an iterator's item type (see [`stream_of`]).
#[inline(always)]
pub fn iter_of<I, T: Iterator<Item = I>>(iter: T) -> T {
    iter
}

/// Pins a future's output type (see [`stream_of`]).
#[inline(always)]
pub fn future_of<O, F: std::future::Future<Output = O>>(future: F) -> F {
    future
}
