//! What a traced call costs, side by side in one run: a plain function, agentrace (disabled,
//! enabled with content capture off, on with a 2 KB request), the raw OpenTelemetry SDK with
//! the same attributes, `tracing` `#[instrument]` + `tracing-opentelemetry`, and fastrace
//! `#[trace]` under a root span. Two call shapes (a trivial function and a typical
//! `#[trace_llm]` call), sync and async. Every OpenTelemetry contender uses the same
//! provider: the project's `BatchProcessor` (default settings) in front of an exporter that
//! discards. Run with `cargo bench -p agentrace --bench overhead`; see BENCHMARKS.md.

mod common;

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{answer, discard_provider, poll_once, request_of, ChatRequest, ChatResponse};
use criterion::measurement::WallTime;
use criterion::{criterion_group, BenchmarkGroup, Criterion};
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing_subscriber::layer::SubscriberExt as _;

// ---- the trivial function -------------------------------------------------------------

fn add(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[agentrace::trace]
fn add_agentrace(x: u64) -> u64 {
    x.wrapping_mul(3)
}

/// The same with `#[inline]` kept on the generated function: the macro's proposed default
/// (BENCHMARKS.md, "disabled").
#[inline]
#[agentrace::trace]
fn add_agentrace_inline(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[tracing::instrument(skip_all, fields(
    code.function.name = "overhead::add_tracing",
    openinference.span.kind = "CHAIN",
    otel.status_code = "OK",
))]
fn add_tracing(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[fastrace::trace(properties = {
    "code.function.name": "overhead::add_fastrace",
    "openinference.span.kind": "CHAIN",
})]
fn add_fastrace(x: u64) -> u64 {
    x.wrapping_mul(3)
}

/// The raw SDK with the attributes agentrace records for `add_agentrace` (content off).
fn add_sdk(tracer: &SdkTracer, x: u64) -> u64 {
    in_span_with(
        tracer,
        "add_sdk",
        SpanKind::Internal,
        vec![
            KeyValue::new("code.function.name", "overhead::add_sdk"),
            KeyValue::new("openinference.span.kind", "CHAIN"),
        ],
        || x.wrapping_mul(3),
    )
}

async fn add_async(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[agentrace::trace]
async fn add_async_agentrace(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[tracing::instrument(skip_all, fields(
    code.function.name = "overhead::add_async_tracing",
    openinference.span.kind = "CHAIN",
    otel.status_code = "OK",
))]
async fn add_async_tracing(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[fastrace::trace(properties = {
    "code.function.name": "overhead::add_async_fastrace",
    "openinference.span.kind": "CHAIN",
})]
async fn add_async_fastrace(x: u64) -> u64 {
    x.wrapping_mul(3)
}

async fn add_async_sdk(tracer: &SdkTracer, x: u64) -> u64 {
    let attributes = vec![
        KeyValue::new("code.function.name", "overhead::add_async_sdk"),
        KeyValue::new("openinference.span.kind", "CHAIN"),
    ];
    future_in_span(
        tracer,
        "add_async_sdk",
        SpanKind::Internal,
        attributes,
        add_async(x),
    )
    .await
}

// ---- the typical LLM call -------------------------------------------------------------

fn chat(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
fn chat_agentrace(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[inline]
#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
fn chat_agentrace_inline(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[tracing::instrument(name = "chat gpt-4o", skip_all, fields(
    otel.kind = "client",
    code.function.name = "overhead::chat_tracing",
    openinference.span.kind = "LLM",
    gen_ai.operation.name = "chat",
    gen_ai.provider.name = "openai",
    gen_ai.request.model = "gpt-4o",
    otel.status_code = "OK",
))]
fn chat_tracing(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[fastrace::trace(name = "chat gpt-4o", properties = {
    "code.function.name": "overhead::chat_fastrace",
    "openinference.span.kind": "LLM",
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o",
})]
fn chat_fastrace(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

fn llm_attributes(function: &'static str) -> Vec<KeyValue> {
    vec![
        KeyValue::new("code.function.name", function),
        KeyValue::new("openinference.span.kind", "LLM"),
        KeyValue::new("gen_ai.operation.name", "chat"),
        KeyValue::new("gen_ai.provider.name", "openai"),
        KeyValue::new("gen_ai.request.model", "gpt-4o"),
    ]
}

fn chat_sdk(tracer: &SdkTracer, request: &ChatRequest) -> Result<ChatResponse, String> {
    let attributes = llm_attributes("overhead::chat_sdk");
    in_span_with(tracer, "chat gpt-4o", SpanKind::Client, attributes, || {
        Ok(answer(request))
    })
}

async fn chat_async(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
async fn chat_async_agentrace(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[tracing::instrument(name = "chat gpt-4o", skip_all, fields(
    otel.kind = "client",
    code.function.name = "overhead::chat_async_tracing",
    openinference.span.kind = "LLM",
    gen_ai.operation.name = "chat",
    gen_ai.provider.name = "openai",
    gen_ai.request.model = "gpt-4o",
    otel.status_code = "OK",
))]
async fn chat_async_tracing(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

#[fastrace::trace(name = "chat gpt-4o", properties = {
    "code.function.name": "overhead::chat_async_fastrace",
    "openinference.span.kind": "LLM",
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o",
})]
async fn chat_async_fastrace(request: &ChatRequest) -> Result<ChatResponse, String> {
    Ok(answer(request))
}

async fn chat_async_sdk(tracer: &SdkTracer, request: &ChatRequest) -> Result<ChatResponse, String> {
    let attributes = llm_attributes("overhead::chat_async_sdk");
    future_in_span(
        tracer,
        "chat gpt-4o",
        SpanKind::Client,
        attributes,
        chat_async(request),
    )
    .await
}

// ---- the raw SDK: `Tracer::in_span`, with the attributes given at start ----------------

/// What `Tracer::in_span` does, with a span kind and the attributes in the builder (the
/// cheapest way to give them), then status OK as agentrace records.
#[inline]
fn in_span_with<T>(
    tracer: &SdkTracer,
    name: &'static str,
    kind: SpanKind,
    attributes: Vec<KeyValue>,
    f: impl FnOnce() -> T,
) -> T {
    let span = tracer
        .span_builder(name)
        .with_kind(kind)
        .with_attributes(attributes)
        .start(tracer);
    let cx = Context::current_with_span(span);
    let value = {
        let _current = cx.clone().attach();
        f()
    };
    let span = cx.span();
    span.set_status(Status::Ok);
    span.end();
    value
}

async fn future_in_span<F: std::future::Future>(
    tracer: &SdkTracer,
    name: &'static str,
    kind: SpanKind,
    attributes: Vec<KeyValue>,
    future: F,
) -> F::Output {
    let span = tracer
        .span_builder(name)
        .with_kind(kind)
        .with_attributes(attributes)
        .start(tracer);
    let cx = Context::current_with_span(span);
    let value = future.with_context(cx.clone()).await;
    let span = cx.span();
    span.set_status(Status::Ok);
    span.end();
    value
}

// ---- fastrace: child spans under a root, the root reported every 1,000 calls -------------

fn under_fastrace_root<T>(iters: u64, mut call: impl FnMut() -> T) -> Duration {
    let started = Instant::now();
    let mut left = iters;
    while left > 0 {
        let batch = left.min(1_000);
        let root = fastrace::Span::root("root", fastrace::prelude::SpanContext::random());
        {
            let _parent = root.set_local_parent();
            for _ in 0..batch {
                black_box(call());
            }
        }
        drop(root);
        left -= batch;
    }
    started.elapsed()
}

struct DiscardReporter;

impl fastrace::collector::Reporter for DiscardReporter {
    fn report(&mut self, spans: Vec<fastrace::prelude::SpanRecord>) {
        black_box(spans);
    }
}

// ---- the benches -------------------------------------------------------------------------

/// Lets the export thread and fastrace's collector drain what the previous contender left,
/// so that their work is not timed against the next one (the machine has 2 cores).
fn settle(provider: &SdkTracerProvider) {
    fastrace::flush();
    let _ = provider.force_flush();
    std::thread::sleep(Duration::from_millis(300));
}

/// Runs agentrace disabled, enabled with content off, and (with `content_on`) content on.
/// A macro, not a function taking the call as a closure: criterion's `iter` given a
/// `&mut impl FnMut` does not inline it, which adds 3-4 ns to every call measured.
macro_rules! agentrace_modes {
    ($group:expr, $provider:expr, $call:expr) => {
        common::tracing().set_enabled(false);
        $group.bench_function("agentrace_disabled", |b| b.iter(|| $call));
        common::tracing().set_enabled(true);
        common::tracing().set_capture_content(false);
        $group.bench_function("agentrace_content_off", |b| b.iter(|| $call));
        settle($provider);
        common::tracing().set_enabled(false);
    };
    ($group:expr, $provider:expr, $call:expr, content_on) => {
        agentrace_modes!($group, $provider, $call);
        common::tracing().set_enabled(true);
        common::tracing().set_capture_content(true);
        $group.bench_function("agentrace_content_on_2kb", |b| b.iter(|| $call));
        common::tracing().set_capture_content(false);
        settle($provider);
        common::tracing().set_enabled(false);
    };
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(40);
}

/// What every contender shares, made once for the criterion run and the interleaved one.
struct Setup {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
    request: ChatRequest,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let (provider, _exporter) = discard_provider();
        common::install(&provider);
        common::tracing().set_enabled(false);
        let tracer = provider.tracer("bench-sdk");
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("bench-tracing"));
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("first subscriber in this process");
        fastrace::set_reporter(DiscardReporter, fastrace::collector::Config::default());
        Setup {
            provider,
            tracer,
            request: request_of(2048),
        }
    })
}

fn benches(c: &mut Criterion) {
    let Setup {
        provider,
        tracer,
        request,
    } = setup();
    let (provider, tracer) = (provider.clone(), tracer.clone());
    eprintln!(
        "request JSON: {} bytes",
        serde_json::to_string(&request).expect("serializes").len()
    );

    show_attributes(request);

    let mut group = c.benchmark_group("trivial_sync");
    configure(&mut group);
    group.bench_function("plain", |b| b.iter(|| add(black_box(7))));
    agentrace_modes!(group, &provider, add_agentrace(black_box(7)));
    group.bench_function("agentrace_disabled_inline", |b| {
        b.iter(|| add_agentrace_inline(black_box(7)))
    });
    group.bench_function("otel_sdk", |b| b.iter(|| add_sdk(&tracer, black_box(7))));
    settle(&provider);
    group.bench_function("tracing_otel", |b| b.iter(|| add_tracing(black_box(7))));
    settle(&provider);
    group.bench_function("fastrace", |b| {
        b.iter_custom(|iters| under_fastrace_root(iters, || add_fastrace(black_box(7))))
    });
    group.finish();
    settle(&provider);

    let mut group = c.benchmark_group("trivial_async");
    configure(&mut group);
    group.bench_function("plain", |b| b.iter(|| poll_once(add_async(black_box(7)))));
    agentrace_modes!(
        group,
        &provider,
        poll_once(add_async_agentrace(black_box(7)))
    );
    group.bench_function("otel_sdk", |b| {
        b.iter(|| poll_once(add_async_sdk(&tracer, black_box(7))))
    });
    settle(&provider);
    group.bench_function("tracing_otel", |b| {
        b.iter(|| poll_once(add_async_tracing(black_box(7))))
    });
    settle(&provider);
    group.bench_function("fastrace", |b| {
        b.iter_custom(|iters| {
            under_fastrace_root(iters, || poll_once(add_async_fastrace(black_box(7))))
        })
    });
    group.finish();
    settle(&provider);

    let mut group = c.benchmark_group("llm_sync");
    configure(&mut group);
    let request = black_box(&request);
    group.bench_function("plain", |b| b.iter(|| chat(request)));
    let response = answer(request);
    group.bench_function("serde_json_request_and_response", |b| {
        b.iter(|| {
            (
                serde_json::to_string(black_box(request)),
                serde_json::to_string(black_box(&response)),
            )
        })
    });
    agentrace_modes!(group, &provider, chat_agentrace(request), content_on);
    group.bench_function("agentrace_disabled_inline", |b| {
        b.iter(|| chat_agentrace_inline(request))
    });
    group.bench_function("otel_sdk", |b| b.iter(|| chat_sdk(&tracer, request)));
    settle(&provider);
    group.bench_function("tracing_otel", |b| b.iter(|| chat_tracing(request)));
    settle(&provider);
    group.bench_function("fastrace", |b| {
        b.iter_custom(|iters| under_fastrace_root(iters, || chat_fastrace(request)))
    });
    group.finish();
    settle(&provider);

    let mut group = c.benchmark_group("llm_async");
    configure(&mut group);
    group.bench_function("plain", |b| b.iter(|| poll_once(chat_async(request))));
    agentrace_modes!(
        group,
        &provider,
        poll_once(chat_async_agentrace(request)),
        content_on
    );
    group.bench_function("otel_sdk", |b| {
        b.iter(|| poll_once(chat_async_sdk(&tracer, request)))
    });
    settle(&provider);
    group.bench_function("tracing_otel", |b| {
        b.iter(|| poll_once(chat_async_tracing(request)))
    });
    settle(&provider);
    group.bench_function("fastrace", |b| {
        b.iter_custom(|iters| {
            under_fastrace_root(iters, || poll_once(chat_async_fastrace(request)))
        })
    });
    group.finish();
    settle(&provider);

    fastrace::flush();
}

/// Prints the attributes agentrace records for both shapes, content off and on, so the
/// baselines above can be checked to record the same ones.
fn show_attributes(request: &ChatRequest) {
    for content in [false, true] {
        common::tracing().set_capture_content(content);
        let (_, spans) = agentrace::testing::capture(|| {
            add_agentrace(7);
            chat_agentrace(request)
        });
        for span in spans {
            let keys: Vec<_> = span.attributes.keys().collect();
            eprintln!("content {content}: {} {:?} {keys:?}", span.name, span.kind);
        }
    }
    common::tracing().set_capture_content(false);
}

// ---- interleaved: the contenders alternate, batch by batch -------------------------------

/// Nanoseconds per evaluation of `$call`, over `$n` evaluations in place (a macro, so that
/// the call is inlined as in the criterion benches).
macro_rules! per_call {
    ($n:expr, $call:expr) => {{
        let started = Instant::now();
        for _ in 0..$n {
            let _ = black_box($call);
        }
        started.elapsed().as_nanos() as f64 / $n as f64
    }};
}

/// The median of some timings.
fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// One shape's interleaved timings: disabled against plain in batches of 1,000 calls, then
/// content off against the raw SDK and tracing + tracing-opentelemetry in batches of 50,
/// the order turning every round. criterion measures one contender after the other, seconds
/// apart, while this machine's speed and the batch queue's state (full: spans dropped; not
/// full: queued, the export thread woken) drift; alternating small batches gives every
/// contender the same conditions.
macro_rules! interleaved_shape {
    ($shape:expr, $provider:expr, plain: $plain:expr, agentrace: $agentrace:expr,
     sdk: $sdk:expr, tracing: $tracing:expr) => {{
        let (mut plain, mut disabled) = (Vec::new(), Vec::new());
        common::tracing().set_enabled(false);
        for _ in 0..200 {
            plain.push(per_call!(1_000, $plain));
            disabled.push(per_call!(1_000, $agentrace));
        }
        let (mut agentrace, mut sdk, mut tracing) = (Vec::new(), Vec::new(), Vec::new());
        common::tracing().set_enabled(true);
        common::tracing().set_capture_content(false);
        for round in 0..600 {
            for turn in 0..3 {
                match (round + turn) % 3 {
                    0 => agentrace.push(per_call!(50, $agentrace)),
                    1 => sdk.push(per_call!(50, $sdk)),
                    _ => tracing.push(per_call!(50, $tracing)),
                }
            }
        }
        common::tracing().set_enabled(false);
        settle($provider);
        let (plain, disabled) = (median(plain), median(disabled));
        let (agentrace, sdk, tracing) = (median(agentrace), median(sdk), median(tracing));
        println!(
            "overhead/interleaved {:<13} plain {plain:7.2} ns  disabled {disabled:7.2} ns  \
             ratio {:5.2} (<= 1.5) | content off {agentrace:7.0} ns  raw SDK {sdk:7.0} ns  \
             tracing-otel {tracing:7.0} ns  vs SDK {:5.2} (<= 1.1)  vs tracing {:5.2} (<= 0.35)",
            $shape,
            disabled / plain,
            agentrace / sdk,
            agentrace / tracing,
        );
    }};
}

/// The interleaved run of all four shapes, printed after criterion's.
fn interleaved() {
    let Setup {
        provider,
        tracer,
        request,
    } = setup();
    let (provider, tracer) = (provider.clone(), tracer.clone());
    let request = black_box(request);
    interleaved_shape!("trivial sync", &provider,
        plain: add(black_box(7)),
        agentrace: add_agentrace(black_box(7)),
        sdk: add_sdk(&tracer, black_box(7)),
        tracing: add_tracing(black_box(7)));
    interleaved_shape!("trivial async", &provider,
        plain: poll_once(add_async(black_box(7))),
        agentrace: poll_once(add_async_agentrace(black_box(7))),
        sdk: poll_once(add_async_sdk(&tracer, black_box(7))),
        tracing: poll_once(add_async_tracing(black_box(7))));
    interleaved_shape!("LLM sync", &provider,
        plain: chat(request),
        agentrace: chat_agentrace(request),
        sdk: chat_sdk(&tracer, request),
        tracing: chat_tracing(request));
    interleaved_shape!("LLM async", &provider,
        plain: poll_once(chat_async(request)),
        agentrace: poll_once(chat_async_agentrace(request)),
        sdk: poll_once(chat_async_sdk(&tracer, request)),
        tracing: poll_once(chat_async_tracing(request)));
}

criterion_group!(overhead, benches);

fn main() {
    let listing = std::env::args().any(|argument| argument == "--list" || argument == "--test");
    let interleaved_only = std::env::var_os("AGENTRACE_BENCH_INTERLEAVED_ONLY").is_some();
    if !interleaved_only {
        overhead();
    }
    if !listing {
        interleaved();
    }
    let _ = setup().provider.shutdown();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
