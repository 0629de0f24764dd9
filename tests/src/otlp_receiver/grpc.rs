//! The OTLP/gRPC side of the receiver: tonic's generated `TraceService` and `MetricsService`
//! servers on their own tokio runtime thread, accepting gzip-compressed requests, over TLS
//! (tonic's rustls) when given certificates.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};

use super::metrics::{self, MetricsSink};
use super::{Received, ServerTls};

struct Service {
    received: Arc<Mutex<Vec<Received>>>,
    delay: Duration,
}

#[tonic::async_trait]
impl TraceService for Service {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let headers = metadata_headers(request.metadata());
        let request = request.into_inner();
        self.received
            .lock()
            .unwrap()
            .push(Received { headers, request });
        tokio::time::sleep(self.delay).await;
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

/// Starts serving on 127.0.0.1; returns the port.
pub(super) fn serve(
    received: Arc<Mutex<Vec<Received>>>,
    metrics: MetricsSink,
    delay: Duration,
    tls: Option<ServerTls>,
) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the OTLP/gRPC receiver");
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let incoming = tonic::transport::server::TcpIncoming::from(listener);
            let service = TraceServiceServer::new(Service { received, delay })
                .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
            let mut server = tonic::transport::Server::builder();
            if let Some(tls) = tls {
                use tonic::transport::{Certificate, Identity, ServerTlsConfig};
                let mut config =
                    ServerTlsConfig::new().identity(Identity::from_pem(tls.cert_pem, tls.key_pem));
                if let Some(ca) = tls.client_ca_pem {
                    config = config.client_ca_root(Certificate::from_pem(ca));
                }
                server = server
                    .tls_config(config)
                    .expect("the receiver's TLS settings");
            }
            let _ = server
                .add_service(service)
                .add_service(metrics::grpc_service(metrics))
                .serve_with_incoming(incoming)
                .await;
        });
    });
    port
}

/// A gRPC request's metadata as the receiver keeps headers: names lowercased, values as text.
pub(super) fn metadata_headers(
    metadata: &tonic::metadata::MetadataMap,
) -> BTreeMap<String, String> {
    metadata
        .clone()
        .into_headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                value.to_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
