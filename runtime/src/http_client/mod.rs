//! Tracing outgoing HTTP calls (feature `http-client`): a `reqwest-middleware` middleware that
//! gives each request a CLIENT span after the HTTP semantic conventions and injects the
//! trace context (`traceparent`, `tracestate`, `baggage`) into the request's headers.
//!
//! The span is named after the method and carries `http.request.method`, `url.full` (user,
//! password and secret query values replaced with `REDACTED`), `url.scheme`,
//! `server.address`, `server.port` and, once answered, `http.response.status_code`. A 4xx or
//! 5xx answer sets status ERROR with `error.type` the status code; a request that fails
//! (connection refused, timeout, ...) sets status ERROR with `error.type` `connect`,
//! `timeout`, `redirect`, `body`, `decode`, `request`, `middleware` or `_OTHER`.
//!
//! Off by default: [`HttpTracing::include_headers`] records headers
//! (`http.request.header.<name>`, `http.response.header.<name>`) with sensitive ones
//! (`Authorization`, cookies, API keys, ...) redacted; [`HttpTracing::include_body`] records
//! bodies (`http.request.body.text`, `http.response.body.text`) redacted and cut to
//! [`HttpTracing::max_body_bytes`]. Response bodies of `text/event-stream` answers are never
//! read, so streams stay streams; other answers are read whole when bodies are recorded.
//!
//! The exporter's own requests are never traced: nothing is recorded or injected while
//! telemetry is suppressed in the current context (as exporters do), for URLs under the
//! configured OTLP endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
//! `OTEL_EXPORTER_OTLP_ENDPOINT`, or [`HttpTracing::skip_url_prefix`]), or for any URL whose
//! path ends in `/v1/traces`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = agentrace::http_client::client(reqwest::Client::new());
//! let answer = client.get("http://127.0.0.1:8080/health").send().await?;
//! # drop(answer); Ok(()) }
//! ```

mod scrub;

use std::borrow::Cow;

use async_trait::async_trait;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{SpanBuilder, SpanKind, SpanRef, Status, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue, Value};
use reqwest_middleware::{ClientWithMiddleware, Middleware, Next};

/// The default of [`HttpTracing::max_body_bytes`].
pub const DEFAULT_MAX_BODY_BYTES: usize = 4096;

/// The middleware; add it to a `reqwest_middleware::ClientBuilder`, or use [`client`].
///
/// ```
/// use agentrace::http_client::HttpTracing;
/// use reqwest_middleware::ClientBuilder;
///
/// let client = ClientBuilder::new(reqwest::Client::new())
///     .with(HttpTracing::new().include_headers(true).include_body(true).max_body_bytes(1024))
///     .build();
/// # drop(client);
/// ```
#[derive(Clone, Debug)]
pub struct HttpTracing {
    include_headers: bool,
    include_body: bool,
    max_body_bytes: usize,
    skip_prefixes: Vec<String>,
}

impl Default for HttpTracing {
    fn default() -> Self {
        let skip_prefixes = [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
        ]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().trim_end_matches('/').to_owned())
        .filter(|value| !value.is_empty())
        .collect();
        HttpTracing {
            include_headers: false,
            include_body: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            skip_prefixes,
        }
    }
}

/// `client` with [`HttpTracing`] in its default settings.
pub fn client(client: reqwest::Client) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(client)
        .with(HttpTracing::new())
        .build()
}

impl HttpTracing {
    /// The middleware with headers and bodies off, skipping the OTLP endpoint named in the
    /// environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records request and response headers, sensitive ones redacted (off by default).
    pub fn include_headers(mut self, include: bool) -> Self {
        self.include_headers = include;
        self
    }

    /// Records request and response bodies, redacted and cut (off by default).
    pub fn include_body(mut self, include: bool) -> Self {
        self.include_body = include;
        self
    }

    /// The longest body text recorded, in bytes ([`DEFAULT_MAX_BODY_BYTES`] by default).
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Leaves requests to URLs starting with `prefix` untraced and without injected headers:
    /// for a telemetry endpoint the environment does not name.
    pub fn skip_url_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.skip_prefixes.push(prefix.into());
        self
    }

    fn skips(&self, url: &reqwest::Url) -> bool {
        let text = url.as_str();
        Context::is_current_telemetry_suppressed()
            || url.path().ends_with("/v1/traces")
            || self
                .skip_prefixes
                .iter()
                .any(|prefix| text.starts_with(prefix.as_str()))
    }

    fn start(&self, request: &reqwest::Request, parent: &Context) -> Option<Context> {
        if !crate::activation::is_active() {
            return None;
        }
        let tracer = crate::pipeline::tracer_for(parent)?;
        let url = request.url();
        let method = request.method().as_str();
        let known = KNOWN_METHODS.contains(&method);
        let mut attributes = vec![
            KeyValue::new(
                "http.request.method",
                if known { method } else { "_OTHER" }.to_owned(),
            ),
            KeyValue::new("url.full", scrub::url(url)),
            KeyValue::new("url.scheme", url.scheme().to_owned()),
        ];
        if !known {
            attributes.push(KeyValue::new(
                "http.request.method_original",
                method.to_owned(),
            ));
        }
        if let Some(host) = url.host_str() {
            attributes.push(KeyValue::new("server.address", host.to_owned()));
        }
        if let Some(port) = url.port_or_known_default() {
            attributes.push(KeyValue::new("server.port", i64::from(port)));
        }
        if self.include_headers {
            headers(&mut attributes, "http.request.header.", request.headers());
        }
        if self.include_body {
            if let Some(bytes) = request.body().and_then(|body| body.as_bytes()) {
                attributes.push(KeyValue::new("http.request.body.size", bytes.len() as i64));
                attributes.push(KeyValue::new(
                    "http.request.body.text",
                    scrub::body(bytes, self.max_body_bytes),
                ));
            }
        }
        let name = if known {
            method.to_owned()
        } else {
            "HTTP".to_owned()
        };
        let builder = SpanBuilder::from_name(name)
            .with_kind(SpanKind::Client)
            .with_attributes(attributes);
        Some(parent.with_span(tracer.build_with_context(builder, parent)))
    }

    /// Records the answer; reads the body when bodies are recorded.
    async fn answered(
        &self,
        span: &SpanRef<'_>,
        response: reqwest::Response,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let status = response.status();
        span.set_attribute(KeyValue::new(
            "http.response.status_code",
            i64::from(status.as_u16()),
        ));
        if status.is_client_error() || status.is_server_error() {
            span.set_attribute(KeyValue::new("error.type", status.as_str().to_owned()));
            span.set_status(Status::error(status.to_string()));
        }
        if self.include_headers {
            let mut attributes = Vec::new();
            headers(&mut attributes, "http.response.header.", response.headers());
            span.set_attributes(attributes);
        }
        let streaming = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/event-stream"));
        if !self.include_body || streaming {
            return Ok(response);
        }
        let url = response.url().clone();
        let version = response.version();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        span.set_attribute(KeyValue::new("http.response.body.size", bytes.len() as i64));
        span.set_attribute(KeyValue::new(
            "http.response.body.text",
            scrub::body(&bytes, self.max_body_bytes),
        ));
        let mut rebuilt = http::Response::builder().status(status).version(version);
        if let Some(map) = rebuilt.headers_mut() {
            *map = headers;
        }
        let rebuilt = reqwest::ResponseBuilderExt::url(rebuilt, url)
            .body(bytes)
            .map_err(reqwest_middleware::Error::middleware)?;
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// The methods the HTTP conventions name; others are recorded as `_OTHER`.
const KNOWN_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY",
];

fn headers(attributes: &mut Vec<KeyValue>, prefix: &str, map: &http::HeaderMap) {
    for name in map.keys() {
        let values: Vec<opentelemetry::StringValue> = map
            .get_all(name)
            .iter()
            .map(|value| scrub::header_value(name.as_str(), value.as_bytes()).into())
            .collect();
        attributes.push(KeyValue::new(
            format!("{prefix}{}", name.as_str()),
            Value::Array(values.into()),
        ));
    }
}

/// The `error.type` of a request that got no answer.
fn error_type(error: &reqwest_middleware::Error) -> &'static str {
    let reqwest_middleware::Error::Reqwest(error) = error else {
        return "middleware";
    };
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_redirect() {
        "redirect"
    } else if error.is_body() {
        "body"
    } else if error.is_decode() {
        "decode"
    } else if error.is_request() {
        "request"
    } else {
        "_OTHER"
    }
}

/// Ends the span when the request's future is dropped before an answer: status ERROR,
/// `error.type` `cancelled`.
struct EndOnDrop(Option<Context>);

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        if let Some(cx) = self.0.take() {
            let span = cx.span();
            span.set_attribute(KeyValue::new("error.type", "cancelled"));
            span.set_status(Status::error("cancelled"));
            span.end();
        }
    }
}

#[async_trait]
impl Middleware for HttpTracing {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        if self.skips(request.url()) {
            return next.run(request, extensions).await;
        }
        let parent = Context::current();
        let Some(cx) = self.start(&request, &parent) else {
            crate::propagation::inject_context(&parent, request.headers_mut());
            return next.run(request, extensions).await;
        };
        crate::propagation::inject_context(&cx, request.headers_mut());
        let raw_url = request.url().to_string();
        let clean_url = scrub::url(request.url());
        let mut guard = EndOnDrop(Some(cx.clone()));
        let result = next.run(request, extensions).with_context(cx.clone()).await;
        guard.0 = None;
        let span = cx.span();
        let result = match result {
            Ok(response) => self.answered(&span, response).await,
            Err(error) => Err(error),
        };
        if let Err(error) = &result {
            span.set_attribute(KeyValue::new("error.type", error_type(error)));
            let message = error.to_string().replace(&raw_url, &clean_url);
            let message: Cow<'_, str> = crate::capture::redact_str(&message);
            span.set_status(Status::error(message.into_owned()));
        }
        span.end();
        result
    }
}
