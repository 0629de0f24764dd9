//! What a traced call costs with tracing off (nothing installed): the same function, plain
//! and traced, sync and async. Run with `cargo bench -p agentrace --bench disabled`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll};

use criterion::{criterion_group, criterion_main, Criterion};

fn plain(prompt: &str, retries: u64) -> Result<u64, String> {
    Ok(prompt.len() as u64 + retries)
}

#[agentrace::trace_llm(provider = "mock", model = "m")]
fn traced(prompt: &str, retries: u64) -> Result<u64, String> {
    Ok(prompt.len() as u64 + retries)
}

async fn plain_async(x: u64) -> u64 {
    x * 2
}

#[agentrace::trace]
async fn traced_async(x: u64) -> u64 {
    x * 2
}

fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    pin!(future).poll(&mut Context::from_waker(&waker))
}

fn disabled(c: &mut Criterion) {
    let mut group = c.benchmark_group("disabled");
    group.bench_function("sync/plain", |b| {
        b.iter(|| plain(black_box("hello"), black_box(1)))
    });
    group.bench_function("sync/traced", |b| {
        b.iter(|| traced(black_box("hello"), black_box(1)))
    });
    group.bench_function("async/plain", |b| {
        b.iter(|| poll_once(plain_async(black_box(2))))
    });
    group.bench_function("async/traced", |b| {
        b.iter(|| poll_once(traced_async(black_box(2))))
    });
    group.finish();
}

criterion_group!(benches, disabled);
criterion_main!(benches);
