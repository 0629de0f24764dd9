//! What the overhead benches share: the pipeline every contender uses (the project's batch
//! processor exporting to an exporter that discards), the typical `#[trace_llm]` call shape,
//! and a single-poll executor for async variants.

#![allow(dead_code)]

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use agentrace::export::{BatchConfig, BatchProcessor};
use agentrace::pipeline::CollectingProcessor;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use serde::Serialize;

/// An exporter that drops every batch, counting the spans it was handed.
#[derive(Debug, Clone, Default)]
pub struct DiscardExporter {
    pub exported: Arc<AtomicU64>,
}

impl SpanExporter for DiscardExporter {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        self.exported
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        drop(batch);
        std::future::ready(Ok(()))
    }
}

/// The process's one tracing set-up, kept for the whole run.
static TRACING: OnceLock<agentrace::Tracing> = OnceLock::new();

/// Hands `provider` to agentrace (`builder().provider(..).init()`, once per process) and
/// keeps the guard for the whole run; its handle switches tracing and capture.
pub fn install(provider: &SdkTracerProvider) -> &'static agentrace::Tracing {
    TRACING.get_or_init(|| {
        agentrace::builder()
            .provider(provider.clone())
            .init()
            .expect("first init in this process")
    })
}

/// The handle of [`install`]'s set-up.
pub fn tracing() -> &'static agentrace::Tracing {
    TRACING.get().expect("install() first")
}

/// A provider with the project's batch processor (default settings) in front of an exporter
/// that discards, wrapped in the `CollectingProcessor` every agentrace pipeline has.
pub fn discard_provider() -> (SdkTracerProvider, DiscardExporter) {
    let exporter = DiscardExporter::default();
    let batch = BatchProcessor::new(exporter.clone(), BatchConfig::default())
        .expect("the export thread starts");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(CollectingProcessor::wrapping(batch))
        .build();
    (provider, exporter)
}

/// Polls a future once with a waker that does nothing (every future here is ready at once).
/// Always inlined: the future is built in the measuring loop's frame and polled there, as a
/// parent future's `.await` does, rather than copied into this function's frame on every
/// call (a copy that only the larger, traced futures paid).
#[inline(always)]
pub fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    pin!(future).poll(&mut Context::from_waker(&waker))
}

/// One chat message of a request.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

/// The request of the typical LLM call.
#[derive(Debug, Clone, Serialize)]
pub struct ChatRequest {
    pub model: &'static str,
    pub messages: Vec<Message>,
    pub temperature: f64,
    pub max_tokens: u32,
}

/// The response of the typical LLM call.
#[derive(Debug, Clone, Serialize)]
pub struct ChatResponse {
    pub text: &'static str,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// A request whose JSON text is about `bytes` long (system prompt, user turn, history).
pub fn request_of(bytes: usize) -> ChatRequest {
    let sentence = "The agent reads the ticket, plans a fix and calls the tools it needs. ";
    let mut history = String::new();
    while history.len() + 200 < bytes {
        history.push_str(sentence);
    }
    let request = ChatRequest {
        model: "gpt-4o",
        messages: vec![
            Message {
                role: "system",
                content: "You are a careful coding agent.".into(),
            },
            Message {
                role: "user",
                content: history,
            },
            Message {
                role: "user",
                content: "Fix the failing test.".into(),
            },
        ],
        temperature: 0.2,
        max_tokens: 512,
    };
    debug_assert!(serde_json::to_string(&request).unwrap().len() <= bytes + 100);
    request
}

/// What the mock model answers.
#[inline]
pub fn answer(request: &ChatRequest) -> ChatResponse {
    ChatResponse {
        text: "Done: the test passes.",
        input_tokens: request.messages.len() as u64 * 100,
        output_tokens: 7,
    }
}
