//! What the GenAI metrics cost a traced `#[trace_llm]` call (response model and usage set
//! from inside, content capture off) on a pipeline that exports nothing (the
//! `CollectingProcessor` alone, as `no_export()` builds: no export thread competes for the
//! cores, so the difference is the metrics' own), with tracing on and switched off. Tracing is set up once per process, so
//! the bench runs twice:
//!
//! ```sh
//! AGENTRACE_BENCH_METRICS=off cargo bench -p agentrace --bench metrics   # no meter
//! AGENTRACE_BENCH_METRICS=on cargo bench -p agentrace --bench metrics    # a meter provider
//! ```
//!
//! Off, a span's end checks one `OnceLock` and records nothing; on, it reads the span's
//! attributes and records the duration and two token counts into the SDK's histograms (a
//! reader exporting hourly, so never during the run, so no export competes for the cores).

use std::hint::black_box;

use agentrace::pipeline::CollectingProcessor;
use criterion::{criterion_group, criterion_main, Criterion};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;

#[agentrace::trace_llm(provider = "openai", model = "gpt-4o")]
fn chat(prompt: &str, retries: u64) -> Result<u64, String> {
    let span = agentrace::current_span();
    span.set_response_model("gpt-4o-2024-08-06");
    span.record_usage(prompt.len() as u64, retries);
    Ok(prompt.len() as u64 + retries)
}

fn metrics(c: &mut Criterion) {
    let on = std::env::var("AGENTRACE_BENCH_METRICS").as_deref() != Ok("off");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(CollectingProcessor::new())
        .build();
    let mut builder = agentrace::builder().provider(provider);
    if on {
        let meters = SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(InMemoryMetricExporter::default())
                    .with_interval(std::time::Duration::from_secs(3600))
                    .build(),
            )
            .build();
        builder = builder.meter_provider(meters);
    }
    let tracing = builder.init().expect("first init in this process");
    tracing.set_capture_content(false);
    let mode = if on { "metrics_on" } else { "metrics_off" };
    let mut group = c.benchmark_group("genai_metrics");
    group.bench_function(format!("{mode}/trace_llm_enabled"), |b| {
        b.iter(|| chat(black_box("hello"), black_box(1)))
    });
    tracing.set_enabled(false);
    group.bench_function(format!("{mode}/trace_llm_disabled"), |b| {
        b.iter(|| chat(black_box("hello"), black_box(1)))
    });
    group.finish();
}

criterion_group!(benches, metrics);
criterion_main!(benches);
