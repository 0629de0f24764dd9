//! What a traced call costs with tracing off: the same function plain, under agentrace with
//! nothing installed, under `tracing`'s `#[instrument]` with no subscriber, and under
//! fastrace's `#[trace]` with no root span, sync and async. Run with
//! `cargo bench -p agentrace --bench disabled`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll};

use criterion::{criterion_group, criterion_main, Criterion};

fn plain(prompt: &str, retries: u64) -> Result<u64, String> {
    Ok(prompt.len() as u64 + retries)
}

/// Adds to its span from inside, as a user who learns the model and usage mid-call does.
#[agentrace::trace_llm(provider = "mock", model = "m")]
fn traced_current_span(prompt: &str, retries: u64) -> Result<u64, String> {
    let span = agentrace::current_span();
    span.set_response_model("m-2");
    span.record_usage(prompt.len() as u64, retries);
    span.set_attribute("app.retries", retries);
    Ok(prompt.len() as u64 + retries)
}

#[agentrace::trace_llm(provider = "mock", model = "m")]
fn traced(prompt: &str, retries: u64) -> Result<u64, String> {
    Ok(prompt.len() as u64 + retries)
}

#[tracing::instrument(skip_all)]
fn traced_tracing(prompt: &str, retries: u64) -> Result<u64, String> {
    Ok(prompt.len() as u64 + retries)
}

#[fastrace::trace]
fn traced_fastrace(prompt: &str, retries: u64) -> Result<u64, String> {
    Ok(prompt.len() as u64 + retries)
}

async fn plain_async(x: u64) -> u64 {
    x * 2
}

#[agentrace::trace]
async fn traced_async(x: u64) -> u64 {
    x * 2
}

#[tracing::instrument(skip_all)]
async fn traced_async_tracing(x: u64) -> u64 {
    x * 2
}

#[fastrace::trace]
async fn traced_async_fastrace(x: u64) -> u64 {
    x * 2
}

/// Polls a future once with a waker that does nothing. Always inlined, as in the overhead
/// bench: the future is built in the measuring loop's frame and polled there, as a parent
/// future's `.await` does, rather than copied into this function's frame on every call.
#[inline(always)]
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    pin!(future).poll(&mut Context::from_waker(&waker))
}

fn disabled(c: &mut Criterion) {
    let mut group = c.benchmark_group("disabled");
    group.bench_function("sync/plain", |b| {
        b.iter(|| plain(black_box("hello"), black_box(1)))
    });
    group.bench_function("sync/agentrace", |b| {
        b.iter(|| traced(black_box("hello"), black_box(1)))
    });
    group.bench_function("sync/agentrace_current_span", |b| {
        b.iter(|| traced_current_span(black_box("hello"), black_box(1)))
    });
    group.bench_function("sync/tracing", |b| {
        b.iter(|| traced_tracing(black_box("hello"), black_box(1)))
    });
    group.bench_function("sync/fastrace", |b| {
        b.iter(|| traced_fastrace(black_box("hello"), black_box(1)))
    });
    group.bench_function("async/plain", |b| {
        b.iter(|| poll_once(plain_async(black_box(2))))
    });
    group.bench_function("async/agentrace", |b| {
        b.iter(|| poll_once(traced_async(black_box(2))))
    });
    group.bench_function("async/tracing", |b| {
        b.iter(|| poll_once(traced_async_tracing(black_box(2))))
    });
    group.bench_function("async/fastrace", |b| {
        b.iter(|| poll_once(traced_async_fastrace(black_box(2))))
    });
    group.finish();
}

criterion_group!(benches, disabled);
criterion_main!(benches);
