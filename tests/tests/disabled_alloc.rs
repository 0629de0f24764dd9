//! Off means free: with tracing not initialised, or switched off at run time, a traced call
//! allocates nothing and starts no span. A counting allocator (per thread) proves it. (Its
//! own test binary: it installs the process pipeline and uses the process-wide switch.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use agentrace::pipeline::CollectingProcessor;
use agentrace::{trace, trace_llm};
use futures::stream::{self, Stream, StreamExt};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[trace_llm(provider = "mock", model = "m")]
fn traced_sync(prompt: &str, retries: u64) -> Result<u64, String> {
    // The current-span API, used as a user would mid-call: free when off too.
    let span = agentrace::current_span();
    span.set_attribute("app.retries", retries);
    span.set_response_model("m-2");
    span.record_usage(3, 4);
    span.add_event("retry", [("attempt", retries)]);
    span.record(|out| out.finish_reasons(&["stop"]));
    if retries > 5 {
        span.mark_error("retried", "gave up");
    }
    Ok(prompt.len() as u64 + retries)
}

#[trace]
async fn traced_async(x: u64) -> u64 {
    x * 2
}

#[trace]
fn traced_stream(n: u64) -> impl Stream<Item = u64> {
    stream::iter(0..n)
}

#[trace]
fn traced_iter(n: u64) -> impl Iterator<Item = u64> {
    0..n
}

fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    pin!(future).poll(&mut Context::from_waker(&waker))
}

/// Runs every traced shape once and returns how many allocations that took.
fn exercise() -> usize {
    allocations_in(|| {
        assert_eq!(traced_sync("abc", 1), Ok(4));
        assert_eq!(poll_once(traced_async(2)), Poll::Ready(4));
        let mut stream = pin!(traced_stream(3));
        let mut sum = 0;
        while let Poll::Ready(Some(item)) = poll_once(stream.next()) {
            sum += item;
        }
        assert_eq!(sum, 3);
        assert_eq!(traced_iter(4).sum::<u64>(), 6);
    })
}

#[test]
fn the_disabled_path_allocates_nothing_and_records_nothing() {
    // Warm up thread-locals and lazy statics so that only the calls are counted.
    exercise();
    assert_eq!(exercise(), 0, "nothing installed: no allocation");

    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(
            exporter.clone(),
        )))
        .build();
    let tracing = agentrace::builder().provider(provider).init().unwrap();

    tracing.set_enabled(false);
    assert_eq!(exercise(), 0, "switched off at run time: no allocation");
    assert!(
        exporter.get_finished_spans().unwrap().is_empty(),
        "and no span"
    );

    tracing.set_enabled(true);
    assert!(
        exercise() > 0,
        "enabled, spans cost allocations (the counter works)"
    );
    let names: Vec<String> = exporter
        .get_finished_spans()
        .unwrap()
        .into_iter()
        .map(|s| s.name.into_owned())
        .collect();
    assert_eq!(
        names,
        ["chat m", "traced_async", "traced_stream", "traced_iter"]
    );
}
