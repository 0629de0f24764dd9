//! Futures that keep a traced call's span current while they are polled.
//!
//! [`InSpan`] borrows the span (an `async fn` body, which finishes the span itself after
//! the `.await`); [`TracedFuture`] owns it and ends it when the future completes, reading
//! the output with the handler the macro generates. Either one dropped before completion
//! leaves the span to end as cancelled; a panic while polling ends it as panicked.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context as TaskContext, Poll};

use pin_project_lite::pin_project;

use crate::span::{Outcome, SpanGuard};

pin_project! {
    /// Polls a future with a borrowed span current.
    #[derive(Debug)]
    pub struct InSpan<'a, F> {
        span: Option<&'a SpanGuard>,
        #[pin]
        inner: F,
    }
}

/// Polls `inner` with `span` current; does nothing more when `span` is `None`.
#[inline]
pub fn in_span<F: Future>(span: &Option<SpanGuard>, inner: F) -> InSpan<'_, F> {
    InSpan {
        span: span.as_ref(),
        inner,
    }
}

impl<F: Future> Future for InSpan<'_, F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        match this.span {
            None => this.inner.poll(task),
            Some(span) => {
                let inner = this.inner;
                span.step(|| inner.poll(task))
            }
        }
    }
}

/// Takes the `None` a call's start returned with tracing off, so that the `async fn` keeps
/// no span in its state across the body's `.await` and drops none after it. The `Some`
/// check is written out here, inline, so that the compiler folds it against the caller's
/// match; dropping the whole `Option` would call its drop glue out of line.
#[inline(always)]
pub fn untraced(span: Option<SpanGuard>) {
    if let Some(span) = span {
        drop(span);
    }
}

pin_project! {
    /// A future that owns a traced call's span and ends it on completion.
    #[derive(Debug)]
    pub struct TracedFuture<F, H> {
        #[pin]
        inner: F,
        span: Option<SpanGuard>,
        handler: Option<H>,
    }
}

/// Follows `inner` with `span`, ending it with the outcome `handler` reads from the output.
#[inline]
pub fn traced_future<F, H>(span: Option<SpanGuard>, inner: F, handler: H) -> TracedFuture<F, H>
where
    F: Future,
    H: FnOnce(&mut Outcome, &F::Output),
{
    TracedFuture {
        inner,
        span,
        handler: Some(handler),
    }
}

impl<F, H> Future for TracedFuture<F, H>
where
    F: Future,
    H: FnOnce(&mut Outcome, &F::Output),
{
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        if this.span.is_none() {
            return this.inner.poll(task);
        }
        poll_in_span(this.inner, this.span, this.handler, task)
    }
}

/// A poll of a [`TracedFuture`] with a span. Never inlined: a traced `async fn` polled with
/// tracing off then compiles to the check and the body's own poll, small enough to be
/// inlined where the plain `async fn` would be.
#[inline(never)]
fn poll_in_span<F, H>(
    inner: Pin<&mut F>,
    span: &mut Option<SpanGuard>,
    handler: &mut Option<H>,
    task: &mut TaskContext<'_>,
) -> Poll<F::Output>
where
    F: Future,
    H: FnOnce(&mut Outcome, &F::Output),
{
    let Some(guard) = span.as_ref() else {
        return inner.poll(task);
    };
    let output = ready!(guard.step(|| inner.poll(task)));
    if let (Some(span), Some(handler)) = (span.take(), handler.take()) {
        span.finish_with(|outcome| handler(outcome, &output));
    }
    Poll::Ready(output)
}
