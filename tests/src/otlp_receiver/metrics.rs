//! The metrics side of the receiver: OTLP/HTTP bodies posted to `/v1/metrics` and tonic's
//! generated `MetricsService`, both decoded with the `opentelemetry-proto` metrics messages
//! and kept for the tests to read.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::metrics::v1::{metric, HistogramDataPoint, Metric};
use prost::Message;

use super::{find, render};

/// One metrics export request as it arrived.
#[derive(Debug, Clone)]
pub struct ReceivedMetrics {
    /// Request headers (HTTP) or metadata (gRPC), names lowercased.
    pub headers: BTreeMap<String, String>,
    /// The decoded request.
    pub request: ExportMetricsServiceRequest,
}

/// Where the receiver keeps the metrics requests.
pub(super) type MetricsSink = Arc<Mutex<Vec<ReceivedMetrics>>>;

/// A metric as it arrived, with its resource attributes and scope name.
#[derive(Debug, Clone)]
pub struct WireMetric {
    /// The resource attributes, rendered as text.
    pub resource: BTreeMap<String, String>,
    /// The instrumentation scope's name.
    pub scope: String,
    /// The metric itself.
    pub metric: Metric,
}

impl WireMetric {
    /// The data points of a histogram metric (none for another kind).
    pub fn histogram_points(&self) -> Vec<HistogramDataPoint> {
        match &self.metric.data {
            Some(metric::Data::Histogram(histogram)) => histogram.data_points.clone(),
            _ => Vec::new(),
        }
    }
}

/// A data point's attributes, rendered as text.
pub fn point_attributes(point: &HistogramDataPoint) -> BTreeMap<String, String> {
    point
        .attributes
        .iter()
        .map(|kv| {
            let value = find(std::slice::from_ref(kv), &kv.key).unwrap_or_default();
            (kv.key.clone(), value)
        })
        .collect()
}

/// Every metric in `requests`, in arrival order.
pub(super) fn flatten(requests: &[ReceivedMetrics]) -> Vec<WireMetric> {
    let mut metrics = Vec::new();
    for received in requests {
        for resource_metrics in &received.request.resource_metrics {
            let resource: BTreeMap<String, String> = resource_metrics
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
            for scope in &resource_metrics.scope_metrics {
                let scope_name = scope
                    .scope
                    .as_ref()
                    .map(|scope| scope.name.clone())
                    .unwrap_or_default();
                for metric in &scope.metrics {
                    metrics.push(WireMetric {
                        resource: resource.clone(),
                        scope: scope_name.clone(),
                        metric: metric.clone(),
                    });
                }
            }
        }
    }
    metrics
}

/// Keeps an OTLP/HTTP metrics body; the status line to answer with.
pub(super) fn accept_http(
    body: &[u8],
    headers: BTreeMap<String, String>,
    sink: &MetricsSink,
) -> &'static str {
    match ExportMetricsServiceRequest::decode(body) {
        Ok(request) => {
            sink.lock()
                .unwrap()
                .push(ReceivedMetrics { headers, request });
            "200 OK"
        }
        Err(_) => "400 Bad Request",
    }
}

/// The gRPC `MetricsService`, for the receiver's tonic server.
pub(super) fn grpc_service(sink: MetricsSink) -> MetricsServiceServer<GrpcMetrics> {
    MetricsServiceServer::new(GrpcMetrics { sink })
}

/// Keeps every gRPC metrics export.
pub(super) struct GrpcMetrics {
    sink: MetricsSink,
}

#[tonic::async_trait]
impl MetricsService for GrpcMetrics {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let headers = super::grpc::metadata_headers(request.metadata());
        let request = request.into_inner();
        self.sink
            .lock()
            .unwrap()
            .push(ReceivedMetrics { headers, request });
        Ok(tonic::Response::new(ExportMetricsServiceResponse {
            partial_success: None,
        }))
    }
}
