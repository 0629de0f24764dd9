//! The one seam between the code the macros generate and the runtime. Not public API: names
//! here may change in any release.

pub use crate::future::{in_span, traced_future, InSpan, TracedFuture};
pub use crate::kind::{OperationKind, SpanMeta};
pub use crate::span::{attach, finish, start, Outcome, Recorder, SpanGuard};
pub use crate::stream::{traced_iter, traced_stream, TracedIter, TracedStream};
pub use opentelemetry::Value;

/// The autoref-specialization traits; generated code brings them into scope with a glob.
pub mod spec {
    pub use crate::specialize::*;
}

/// The short name of `Self` for methods, used to name agent spans.
#[inline(always)]
pub fn type_name_of<T: ?Sized>() -> &'static str {
    std::any::type_name::<T>()
}
