//! The pipeline traced calls use: the tracer of the installed provider, and the
//! [`CollectingProcessor`] every agentrace pipeline runs, which hands spans to open
//! collection scopes before passing them on. Where spans then go is
//! [`export`](crate::export)'s concern.

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry::{Context, InstrumentationScope};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    Sampler, SdkTracer, SdkTracerProvider, Span, SpanData, SpanProcessor,
};
use opentelemetry_sdk::Resource;

use crate::collect::{self, CollectorHandle};

/// The instrumentation scope name of every span agentrace starts.
pub const INSTRUMENTATION_NAME: &str = "agentrace";

/// A span processor that delivers spans to open collection scopes
/// ([`testing::capture`](crate::testing::capture), [rollout scopes](crate::rollout)), then
/// passes each span on to the processor it wraps, if any.
///
/// Every pipeline agentrace builds has exactly one of these. An application that builds its
/// own `SdkTracerProvider` ([`Builder::provider`](crate::Builder::provider)) adds one,
/// wrapping its exporting processor, so that collection scopes see its spans:
///
/// ```
/// use agentrace::pipeline::CollectingProcessor;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(exporter)))
///     .build();
/// # drop(provider);
/// ```
#[derive(Debug, Default)]
pub struct CollectingProcessor {
    next: Option<Box<dyn SpanProcessor>>,
    resource: Option<Resource>,
}

impl CollectingProcessor {
    /// A processor that only delivers spans to collection scopes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A processor that delivers spans to collection scopes, then to `next`.
    pub fn wrapping(next: impl SpanProcessor + 'static) -> Self {
        CollectingProcessor {
            next: Some(Box::new(next)),
            resource: None,
        }
    }
}

impl SpanProcessor for CollectingProcessor {
    fn on_start(&self, span: &mut Span, parent: &Context) {
        crate::conversation::stamp(span, parent);
        if let Some(CollectorHandle(collector)) = parent.get::<CollectorHandle>() {
            use opentelemetry::trace::Span as _;
            // A span recorded but not sampled (kept for its metrics) is not collected.
            if span.span_context().is_sampled() {
                collect::register(span.span_context().span_id(), collector);
                collect::stamp_rollout(span, collector);
            }
        }
        if let Some(next) = &self.next {
            next.on_start(span, parent);
        }
    }

    fn on_end(&self, mut span: SpanData) {
        #[cfg(feature = "metrics")]
        crate::metrics::record(&span);
        add_agent_name(&mut span);
        collect::deliver(&span, self.resource.as_ref());
        if let Some(next) = &self.next {
            next.on_end(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.next.as_ref().map_or(Ok(()), |next| next.force_flush())
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.next
            .as_ref()
            .map_or(Ok(()), |next| next.shutdown_with_timeout(timeout))
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = Some(resource.clone());
        if let Some(next) = &mut self.next {
            next.set_resource(resource);
        }
    }
}

/// Copies `gen_ai.agent.name` to `agent.name`, where Agent Lightning's adapters look for the
/// agent, on a finished span: only with its preset
/// ([`Builder::agent_lightning`](crate::Builder::agent_lightning)).
fn add_agent_name(span: &mut SpanData) {
    if !crate::settings::agent_lightning() {
        return;
    }
    let name = span
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == crate::semconv::GEN_AI_AGENT_NAME)
        .map(|kv| kv.value.clone());
    if let Some(name) = name {
        span.attributes.push(opentelemetry::KeyValue::new(
            crate::semconv::AGENT_NAME,
            name,
        ));
    }
}

/// The tracer of the pipeline installed for the whole process, if any.
static INSTALLED: OnceLock<SdkTracer> = OnceLock::new();

/// The tracer used by collection scopes when no pipeline is installed: it records every span
/// and exports nothing.
static SCOPES_ONLY: OnceLock<(SdkTracerProvider, SdkTracer)> = OnceLock::new();

/// Makes `provider` the pipeline of every traced call in this process; `Err` when one was
/// installed already ([`Builder::init`](crate::Builder::init) is the only caller).
pub(crate) fn install(provider: &SdkTracerProvider) -> Result<(), ()> {
    INSTALLED.set(tracer_of(provider)).map_err(|_| ())?;
    crate::activation::set_installed(true);
    Ok(())
}

/// `true` once a pipeline was installed in this process.
pub(crate) fn is_installed() -> bool {
    INSTALLED.get().is_some()
}

/// The tracer a traced call under `parent` should use, or `None` when nothing would record
/// its span.
#[inline]
pub(crate) fn tracer_for(parent: &Context) -> Option<&'static SdkTracer> {
    if let Some(tracer) = INSTALLED.get() {
        return Some(tracer);
    }
    parent.get::<CollectorHandle>()?;
    Some(&SCOPES_ONLY.get_or_init(scopes_only_pipeline).1)
}

fn scopes_only_pipeline() -> (SdkTracerProvider, SdkTracer) {
    let provider = SdkTracerProvider::builder()
        .with_sampler(Sampler::AlwaysOn)
        .with_span_processor(CollectingProcessor::new())
        .build();
    let tracer = tracer_of(&provider);
    (provider, tracer)
}

fn tracer_of(provider: &SdkTracerProvider) -> SdkTracer {
    provider.tracer_with_scope(
        InstrumentationScope::builder(INSTRUMENTATION_NAME)
            .with_version(env!("CARGO_PKG_VERSION"))
            .build(),
    )
}
