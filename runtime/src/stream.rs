//! Streams and iterators that keep a traced call's span open until they end.
//!
//! The span is current during every poll (or `next`), so spans made while an item is
//! produced nest under it. It records how many items came and the time to the first one,
//! captures the items (up to a cap) as a JSON array in `output.value`, and marks the span
//! as an error when an item is an `Err`. It ends when the stream ends; dropped earlier, it
//! ends as cancelled.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_core::Stream;
use opentelemetry::KeyValue;
use pin_project_lite::pin_project;

use crate::semconv;
use crate::span::{Outcome, SpanGuard};

/// The span of a stream or iterator and what it has seen so far.
#[derive(Debug)]
struct ItemsSpan {
    span: SpanGuard,
    outcome: Outcome,
    items: u64,
    first_item_seconds: Option<f64>,
}

impl ItemsSpan {
    /// Boxed, so that a traced stream or iterator stays small when tracing is off: it is
    /// moved with the value it wraps (the outcome alone is a few hundred bytes).
    fn boxed(span: SpanGuard) -> Box<Self> {
        Box::new(ItemsSpan {
            outcome: span.new_outcome(true),
            span,
            items: 0,
            first_item_seconds: None,
        })
    }

    /// Produces the next item with the span current.
    #[inline]
    fn produce<T>(&mut self, next: impl FnOnce() -> T) -> T {
        self.span.step(next)
    }

    #[inline]
    fn item<I>(&mut self, item: &I, handler: &mut impl FnMut(&mut Outcome, &I)) {
        self.items += 1;
        if self.items == 1 {
            self.first_item_seconds = Some(self.span.started().elapsed().as_secs_f64());
        }
        if self.span.is_recording() {
            handler(&mut self.outcome, item);
        }
    }

    fn attributes(&self) -> Vec<KeyValue> {
        let mut attributes = vec![KeyValue::new(
            semconv::AGENTRACE_STREAM_ITEMS,
            i64::try_from(self.items).unwrap_or(i64::MAX),
        )];
        if let Some(seconds) = self.first_item_seconds {
            attributes.push(KeyValue::new(
                semconv::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                seconds,
            ));
        }
        attributes
    }

    fn complete(mut self) {
        self.outcome.flush_fold();
        let attributes = self.attributes();
        let mut outcome = std::mem::replace(&mut self.outcome, self.span.new_outcome(true));
        outcome.attributes.extend(attributes);
        self.span.end(outcome);
    }
}

impl Drop for ItemsSpan {
    fn drop(&mut self) {
        if self.span.is_ended() {
            return;
        }
        self.outcome.flush_fold();
        let attributes = self.attributes();
        let mut outcome = std::mem::replace(&mut self.outcome, self.span.new_outcome(true));
        outcome.attributes.extend(attributes);
        self.span.end_abandoned(outcome);
    }
}

pin_project! {
    /// A stream that keeps a traced call's span open until it ends.
    #[derive(Debug)]
    pub struct TracedStream<S, H> {
        #[pin]
        inner: S,
        span: Option<Box<ItemsSpan>>,
        handler: H,
    }
}

/// Follows `inner` with `span`; `handler` reads each item.
#[inline]
pub fn traced_stream<S, H>(span: Option<SpanGuard>, inner: S, handler: H) -> TracedStream<S, H>
where
    S: Stream,
    H: FnMut(&mut Outcome, &S::Item),
{
    if let Some(span) = &span {
        span.mark_streamed();
    }
    TracedStream {
        inner,
        span: span.map(ItemsSpan::boxed),
        handler,
    }
}

impl<S, H> Stream for TracedStream<S, H>
where
    S: Stream,
    H: FnMut(&mut Outcome, &S::Item),
{
    type Item = S::Item;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        let Some(span) = this.span.as_mut() else {
            return this.inner.poll_next(task);
        };
        let inner = this.inner;
        let polled = span.produce(|| inner.poll_next(task));
        match &polled {
            Poll::Ready(Some(item)) => span.item(item, this.handler),
            Poll::Ready(None) => {
                if let Some(span) = this.span.take() {
                    (*span).complete();
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// An iterator that keeps a traced call's span open until it ends.
#[derive(Debug)]
pub struct TracedIter<I, H> {
    inner: I,
    span: Option<Box<ItemsSpan>>,
    handler: H,
}

/// Follows `inner` with `span`; `handler` reads each item.
#[inline]
pub fn traced_iter<I, H>(span: Option<SpanGuard>, inner: I, handler: H) -> TracedIter<I, H>
where
    I: Iterator,
    H: FnMut(&mut Outcome, &I::Item),
{
    TracedIter {
        inner,
        span: span.map(ItemsSpan::boxed),
        handler,
    }
}

impl<I, H> Iterator for TracedIter<I, H>
where
    I: Iterator,
    H: FnMut(&mut Outcome, &I::Item),
{
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        let Some(span) = self.span.as_mut() else {
            return self.inner.next();
        };
        let inner = &mut self.inner;
        let next = span.produce(|| inner.next());
        match &next {
            Some(item) => span.item(item, &mut self.handler),
            None => {
                if let Some(span) = self.span.take() {
                    (*span).complete();
                }
            }
        }
        next
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
