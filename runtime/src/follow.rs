//! Following a returned stream whose type the macros cannot read as one from the signature:
//! a type alias (async-openai's `ChatCompletionResponseStream`), a named `...Stream` type,
//! or any type under the `stream` option. What it is gets decided where the type is known,
//! in the generated code:
//!
//! - A probe ([`Probe`]): a return type *named* like a stream. A boxed `dyn Stream` (`Send` or not) is
//!   followed to its end and handed back boxed again, as the same type; any other type
//!   ends the span with the call, as a plain value (autoref specialization).
//! - [`stream`]: the `stream` option. The type must be a boxed `dyn Stream`; any other type
//!   is a compile error naming the option ([`BoxedStream`]).

use std::cell::Cell;
use std::pin::Pin;

use futures_core::Stream;

use crate::span::{finish, Outcome, SpanGuard};
use crate::stream::traced_stream;

/// A boxed `dyn Stream`: the stream types a traced function can hand back traced, as the
/// same type.
#[diagnostic::on_unimplemented(
    message = "`stream` needs a function that returns a stream; `{Self}` is not a boxed `dyn Stream`",
    note = "`stream` follows `impl Stream`, `BoxStream`, `Pin<Box<dyn Stream>>` and type aliases of them (such as async-openai's `ChatCompletionResponseStream`)"
)]
pub trait BoxedStream<H>: Sized {
    /// `self`, followed by `span` to its last item, boxed again.
    fn traced(self, span: Option<SpanGuard>, handler: H) -> Self;
}

impl<'a, I: 'a, H> BoxedStream<H> for Pin<Box<dyn Stream<Item = I> + Send + 'a>>
where
    H: FnMut(&mut Outcome, &I) + Send + 'a,
{
    fn traced(self, span: Option<SpanGuard>, handler: H) -> Self {
        Box::pin(traced_stream(span, self, handler))
    }
}

impl<'a, I: 'a, H> BoxedStream<H> for Pin<Box<dyn Stream<Item = I> + 'a>>
where
    H: FnMut(&mut Outcome, &I) + 'a,
{
    fn traced(self, span: Option<SpanGuard>, handler: H) -> Self {
        Box::pin(traced_stream(span, self, handler))
    }
}

/// The `stream` option on a return type the macro cannot read: `value` must be a boxed
/// `dyn Stream`.
#[inline]
pub fn stream<S: BoxedStream<H>, H>(span: Option<SpanGuard>, value: S, handler: H) -> S {
    value.traced(span, handler)
}

/// A returned value whose type is named like a stream, for the autoref specialization that
/// follows it when it is a boxed `dyn Stream`.
pub struct Probe<T>(Cell<Option<T>>);

impl<T> Probe<T> {
    /// Holds `value` for one `__agentrace_follow` call.
    #[inline]
    pub fn new(value: T) -> Self {
        Probe(Cell::new(Some(value)))
    }

    fn take(&self) -> T {
        match self.0.take() {
            Some(value) => value,
            // `__agentrace_follow` is called once, by the generated code, right after `new`.
            None => unreachable!("a probe is followed once"),
        }
    }
}

/// A boxed `dyn Stream + Send`: followed to its end.
pub trait ProbeSendStream<'a, I, H> {
    /// The value, followed by `span`.
    fn __agentrace_follow(
        &self,
        span: Option<SpanGuard>,
        handler: H,
    ) -> Pin<Box<dyn Stream<Item = I> + Send + 'a>>;
}

impl<'a, I: 'a, H> ProbeSendStream<'a, I, H> for &&Probe<Pin<Box<dyn Stream<Item = I> + Send + 'a>>>
where
    H: FnMut(&mut Outcome, &I) + Send + 'a,
{
    #[inline]
    fn __agentrace_follow(
        &self,
        span: Option<SpanGuard>,
        handler: H,
    ) -> Pin<Box<dyn Stream<Item = I> + Send + 'a>> {
        Box::pin(traced_stream(span, self.take(), handler))
    }
}

/// A boxed `dyn Stream`: followed to its end.
pub trait ProbeLocalStream<'a, I, H> {
    /// The value, followed by `span`.
    fn __agentrace_follow(
        &self,
        span: Option<SpanGuard>,
        handler: H,
    ) -> Pin<Box<dyn Stream<Item = I> + 'a>>;
}

impl<'a, I: 'a, H> ProbeLocalStream<'a, I, H> for &&Probe<Pin<Box<dyn Stream<Item = I> + 'a>>>
where
    H: FnMut(&mut Outcome, &I) + 'a,
{
    #[inline]
    fn __agentrace_follow(
        &self,
        span: Option<SpanGuard>,
        handler: H,
    ) -> Pin<Box<dyn Stream<Item = I> + 'a>> {
        Box::pin(traced_stream(span, self.take(), handler))
    }
}

/// Any other type: the span ends with the call, the value read as a plain return value.
pub trait ProbeValue<T, H> {
    /// The value, unchanged, after its span ended.
    fn __agentrace_follow(&self, span: Option<SpanGuard>, handler: H) -> T;
}

impl<T, H> ProbeValue<T, H> for Probe<T>
where
    H: FnOnce(&mut Outcome, &T),
{
    #[inline]
    fn __agentrace_follow(&self, span: Option<SpanGuard>, handler: H) -> T {
        let value = self.take();
        finish(span, &value, handler);
        value
    }
}
