//! An in-process OTLP trace receiver for tests, over HTTP/protobuf or gRPC, listening on
//! 127.0.0.1 only. It decodes what arrives with the `opentelemetry-proto` types and keeps
//! it, so tests assert on the wire format itself. It can answer late, to play a slow
//! backend, serve TLS or mutual TLS ([`Receiver::start_tls`]) and takes gzip bodies; [`child`]
//! runs a test body in a fresh process (tracing is set up once per process).

pub mod agent;
pub mod child;
mod grpc;
mod http;
mod metrics;
mod tls;

pub use metrics::{point_attributes, ReceivedMetrics, WireMetric};
pub use tls::ServerTls;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;

/// One export request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request headers (HTTP) or metadata (gRPC), names lowercased; over HTTP, `:path` holds
    /// the request's path.
    pub headers: BTreeMap<String, String>,
    /// The decoded request.
    pub request: ExportTraceServiceRequest,
}

/// A span as it arrived, with the attributes of its resource.
#[derive(Debug, Clone)]
pub struct WireSpan {
    /// The resource attributes, rendered as text.
    pub resource: BTreeMap<String, String>,
    /// The span itself.
    pub span: Span,
}

impl WireSpan {
    /// The span's name.
    pub fn name(&self) -> &str {
        &self.span.name
    }

    /// A span attribute, rendered as text.
    pub fn attr(&self, key: &str) -> Option<String> {
        find(&self.span.attributes, key)
    }

    /// The span id as lowercase hex.
    pub fn span_id(&self) -> String {
        hex(&self.span.span_id)
    }

    /// The parent span id as lowercase hex (empty for a root).
    pub fn parent_id(&self) -> String {
        hex(&self.span.parent_span_id)
    }

    /// The trace id as lowercase hex.
    pub fn trace_id(&self) -> String {
        hex(&self.span.trace_id)
    }
}

/// Which protocol a receiver speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// OTLP/HTTP with protobuf bodies at `/v1/traces`.
    Http,
    /// OTLP/gRPC.
    Grpc,
}

/// A running receiver; it stops with the test process.
#[derive(Debug, Clone)]
pub struct Receiver {
    port: u16,
    wire: Wire,
    received: Arc<Mutex<Vec<Received>>>,
    https: bool,
    metrics: metrics::MetricsSink,
}

impl Receiver {
    /// A receiver that answers at once.
    pub fn start(wire: Wire) -> Receiver {
        Self::start_with_delay(wire, Duration::ZERO)
    }

    /// A receiver that keeps each request, then waits `delay` before answering.
    pub fn start_with_delay(wire: Wire, delay: Duration) -> Receiver {
        Self::start_with(wire, delay, None)
    }

    /// A receiver serving TLS with `tls`'s certificates (mutual TLS when it names a client
    /// CA); its [`endpoint`](Self::endpoint) is `https://127.0.0.1:port`.
    pub fn start_tls(wire: Wire, tls: ServerTls) -> Receiver {
        Self::start_with(wire, Duration::ZERO, Some(tls))
    }

    fn start_with(wire: Wire, delay: Duration, tls: Option<ServerTls>) -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let https = tls.is_some();
        let metrics = metrics::MetricsSink::default();
        let port = match wire {
            Wire::Http => http::serve(received.clone(), metrics.clone(), delay, tls),
            Wire::Grpc => grpc::serve(received.clone(), metrics.clone(), delay, tls),
        };
        Receiver {
            port,
            wire,
            received,
            https,
            metrics,
        }
    }

    /// The base endpoint, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it (`https://` with TLS).
    pub fn endpoint(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The protocol, as `OTEL_EXPORTER_OTLP_PROTOCOL` names it.
    pub fn protocol(&self) -> &'static str {
        match self.wire {
            Wire::Http => "http/protobuf",
            Wire::Grpc => "grpc",
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Every span so far, in arrival order.
    pub fn spans(&self) -> Vec<WireSpan> {
        let mut spans = Vec::new();
        for received in self.requests() {
            for resource_spans in &received.request.resource_spans {
                let resource: BTreeMap<String, String> = resource_spans
                    .resource
                    .iter()
                    .flat_map(|resource| resource.attributes.iter())
                    .map(|kv| {
                        (
                            kv.key.clone(),
                            kv.value.as_ref().map(render).unwrap_or_default(),
                        )
                    })
                    .collect();
                for scope in &resource_spans.scope_spans {
                    for span in &scope.spans {
                        spans.push(WireSpan {
                            resource: resource.clone(),
                            span: span.clone(),
                        });
                    }
                }
            }
        }
        spans
    }

    /// Every metrics export request so far.
    pub fn metric_requests(&self) -> Vec<ReceivedMetrics> {
        self.metrics.lock().unwrap().clone()
    }

    /// Every metric so far, in arrival order (a cumulative metric appears once per export).
    pub fn metrics(&self) -> Vec<WireMetric> {
        metrics::flatten(&self.metric_requests())
    }

    /// Waits until at least `count` spans arrived, at most `timeout`, and returns them.
    pub fn wait_for_spans(&self, count: usize, timeout: Duration) -> Vec<WireSpan> {
        let deadline = Instant::now() + timeout;
        loop {
            let spans = self.spans();
            if spans.len() >= count || Instant::now() >= deadline {
                return spans;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The one span named `name`; panics listing the names otherwise.
pub fn span<'a>(spans: &'a [WireSpan], name: &str) -> &'a WireSpan {
    let found: Vec<&WireSpan> = spans.iter().filter(|span| span.name() == name).collect();
    match found.as_slice() {
        [one] => one,
        _ => {
            let names: Vec<&str> = spans.iter().map(WireSpan::name).collect();
            panic!(
                "expected one span named {name:?}, found {} among {names:?}",
                found.len()
            )
        }
    }
}

/// The value of attribute `key` among `attributes`, rendered as text.
pub fn find(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| kv.value.as_ref().map(render).unwrap_or_default())
}

pub(crate) fn render(value: &AnyValue) -> String {
    match &value.value {
        Some(any_value::Value::StringValue(text)) => text.clone(),
        Some(any_value::Value::BoolValue(flag)) => flag.to_string(),
        Some(any_value::Value::IntValue(number)) => number.to_string(),
        Some(any_value::Value::DoubleValue(number)) => number.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
