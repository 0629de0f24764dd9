//! Memory held by spans waiting for export, counted by a global allocator that tracks the
//! bytes in use.
//!
//! 1. Bytes per buffered span at the default queue size: the project's batch processor
//!    (default settings) in front of an exporter that blocks (a backend that does not
//!    answer), with `#[trace_llm]` spans (content off, then on with a 2 KB request) filling
//!    the queue.
//! 2. The exporter down: `agentrace::builder().otlp(..)` to a closed local port, 1 million
//!    spans in a loop; the heap in use is sampled every 100,000 spans, and the spans that
//!    could not be delivered are read from the handle's `export_stats()`. This part runs in a
//!    child process (one pipeline per process).
//!
//! Run with `cargo bench -p agentrace --bench memory`.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agentrace::export::{BatchConfig, BatchProcessor};
use agentrace::pipeline::CollectingProcessor;
use common::{answer, request_of, ChatRequest, ChatResponse};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

struct Counting;

static IN_USE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        IN_USE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn in_use() -> isize {
    IN_USE.load(Ordering::Relaxed)
}

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
fn chat(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

/// A backend that does not answer: each export holds its batch until released.
#[derive(Debug, Clone, Default)]
struct StuckExporter {
    held: Arc<AtomicU64>,
    release: Arc<AtomicBool>,
}

impl SpanExporter for StuckExporter {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        self.held.fetch_add(batch.len() as u64, Ordering::Relaxed);
        while !self.release.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.held.fetch_sub(batch.len() as u64, Ordering::Relaxed);
        drop(batch);
        std::future::ready(Ok(()))
    }
}

fn per_buffered_span() {
    let before_processor = in_use();
    let exporter = StuckExporter::default();
    let batch = BatchProcessor::new(exporter.clone(), BatchConfig::default()).expect("starts");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(CollectingProcessor::wrapping(batch))
        .build();
    common::install(&provider);
    let fixed = in_use() - before_processor;
    let queue = BatchConfig::default().max_queue_size as isize;
    println!("default queue: {queue} spans; heap of the pipeline before any span: {fixed} bytes");
    let request = request_of(2048);
    for (label, content) in [("content off", false), ("content on, 2 KB request", true)] {
        common::tracing().set_capture_content(content);
        exporter.release.store(false, Ordering::Relaxed);
        let base = in_use();
        for _ in 0..(queue * 3) {
            std::hint::black_box(chat(&request).ok());
        }
        std::thread::sleep(Duration::from_millis(200));
        let held = exporter.held.load(Ordering::Relaxed) as isize;
        let buffered = queue + held;
        let grown = in_use() - base;
        println!(
            "{label}: {buffered} spans buffered ({queue} queued + {held} in the stuck export), \
             heap +{grown} bytes: {} bytes per buffered span (+{} bytes of queue slots each)",
            grown / buffered,
            fixed / queue,
        );
        exporter.release.store(true, Ordering::Relaxed);
        let _ = provider.force_flush();
    }
    common::tracing().set_capture_content(false);
    let _ = provider.shutdown();
}

fn exporter_down() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = closed.local_addr().expect("bound").port();
    drop(closed);
    let guard = agentrace::builder()
        .with_env(|_| None)
        .otlp(format!("http://127.0.0.1:{port}"))
        .timeout(Duration::from_millis(200))
        .capture_content(false)
        .init()
        .expect("the pipeline starts");
    let request = request_of(2048);
    let started = Instant::now();
    let base = in_use();
    let (mut low, mut high) = (isize::MAX, isize::MIN);
    for step in 1..=10 {
        for _ in 0..100_000 {
            std::hint::black_box(chat(&request).ok());
        }
        let grown = in_use() - base;
        low = low.min(grown);
        high = high.max(grown);
        println!("after {} spans: heap {grown:+} bytes", step * 100_000);
    }
    let stats = guard.export_stats();
    println!(
        "exporter down, 1,000,000 spans in {:.1?}: heap between {low:+} and {high:+} bytes \
         from the start; exported {}, dropped {}, failed {}",
        started.elapsed(),
        stats.exported,
        stats.dropped,
        stats.failed
    );
}

fn main() {
    if std::env::var_os("AGENTRACE_MEMORY_CHILD").is_some() {
        exporter_down();
        return;
    }
    per_buffered_span();
    let status = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env("AGENTRACE_MEMORY_CHILD", "1")
        .status()
        .expect("the child runs");
    assert!(status.success(), "the exporter-down run failed");
}
