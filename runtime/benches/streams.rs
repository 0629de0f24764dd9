//! What tracing a stream or an iterator adds per item: the same 100-item (and 0-item)
//! stream and iterator, plain and traced (disabled, content off, content on), with the
//! project's batch processor and an exporter that discards. The added cost per item is
//! `((traced 100 - plain 100) - (traced 0 - plain 0)) / 100`: the span's own start and end
//! are in both and cancel out. Run with `cargo bench -p agentrace --bench streams`.

mod common;

use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use common::discard_provider;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use futures::Stream;

fn numbers(n: u64) -> impl Stream<Item = u64> {
    futures::stream::iter(0..n)
}

#[agentrace::trace]
fn numbers_traced(n: u64) -> impl Stream<Item = u64> {
    futures::stream::iter(0..n)
}

fn numbers_iter(n: u64) -> impl Iterator<Item = u64> {
    0..n
}

#[agentrace::trace]
fn numbers_iter_traced(n: u64) -> impl Iterator<Item = u64> {
    0..n
}

/// Drains a stream that never waits, polling it with a waker that does nothing.
fn drain<S: Stream<Item = u64>>(stream: S) -> u64 {
    let waker = futures::task::noop_waker();
    let mut task = Context::from_waker(&waker);
    let mut stream = pin!(stream);
    let mut sum = 0;
    while let Poll::Ready(Some(item)) = stream.as_mut().poll_next(&mut task) {
        sum += item;
    }
    sum
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(40);
}

/// Runs the traced call disabled, content off and content on. A macro so that criterion
/// inlines the call (given a `&mut impl FnMut`, it does not).
macro_rules! modes {
    ($group:expr, $n:expr, $call:expr) => {
        common::tracing().set_enabled(false);
        $group.bench_function(format!("{}/agentrace_disabled", $n), |b| b.iter(|| $call));
        common::tracing().set_enabled(true);
        common::tracing().set_capture_content(false);
        $group.bench_function(format!("{}/agentrace_content_off", $n), |b| {
            b.iter(|| $call)
        });
        common::tracing().set_capture_content(true);
        $group.bench_function(format!("{}/agentrace_content_on", $n), |b| b.iter(|| $call));
        common::tracing().set_capture_content(false);
        common::tracing().set_enabled(false);
    };
}

fn benches(c: &mut Criterion) {
    let (provider, _exporter) = discard_provider();
    common::install(&provider);

    eprintln!(
        "bytes: plain stream {}, traced {}; plain iterator {}, traced {}",
        std::mem::size_of_val(&numbers(0)),
        std::mem::size_of_val(&numbers_traced(0)),
        std::mem::size_of_val(&numbers_iter(0)),
        std::mem::size_of_val(&numbers_iter_traced(0)),
    );

    let mut group = c.benchmark_group("stream");
    configure(&mut group);
    for n in [0, 100] {
        group.bench_function(format!("{n}/plain"), |b| {
            b.iter(|| drain(numbers(black_box(n))))
        });
        modes!(group, n, drain(numbers_traced(black_box(n))));
    }
    group.finish();

    let mut group = c.benchmark_group("iterator");
    configure(&mut group);
    for n in [0, 100] {
        group.bench_function(format!("{n}/plain"), |b| {
            b.iter(|| numbers_iter(black_box(n)).sum::<u64>())
        });
        modes!(group, n, numbers_iter_traced(black_box(n)).sum::<u64>());
    }
    group.finish();
    let _ = provider.shutdown();
}

criterion_group!(streams, benches);
criterion_main!(streams);
