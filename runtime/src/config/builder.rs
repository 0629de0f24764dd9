//! [`Builder`]: the settings of the pipeline from code, on top of the environment. Every
//! setting left unset in code is read from its environment variable; a setting made in code
//! wins, and its variable is not read at all.

use std::time::Duration;

use super::env::{self, Env};
use opentelemetry_sdk::trace::SdkTracerProvider;

use super::{BatchConfig, Config, ExporterConfig, OtlpConfig, Protocol, Retention, Sampling};
use crate::capture::Redaction;
use crate::Error;

/// A lookup of environment variables by name.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where spans go, as chosen in code.
#[derive(Debug, Clone)]
pub(super) enum Target {
    Console,
    Store,
    /// A store location given in code (`store_at`).
    StoreAt(String),
    Nothing,
    /// `url` is a base endpoint (`/v1/traces` is appended for HTTP) unless `full`;
    /// `http_only` names a backend with no gRPC endpoint (Langfuse).
    Otlp {
        url: String,
        full: bool,
        field: &'static str,
        http_only: Option<&'static str>,
    },
}

/// The settings of the tracing pipeline, from code; anything not set here comes from the
/// environment. Made by [`builder()`]; finished by [`init`](Builder::init).
///
/// ```no_run
/// let _guard = agentrace::builder()
///     .service_name("support-bot")
///     .phoenix("http://localhost:6006", "support-bot")
///     .init()
///     .expect("tracing settings");
/// ```
#[derive(Default)]
#[must_use = "a builder does nothing until `.init()`"]
pub struct Builder {
    pub(super) env: Option<EnvLookup>,
    pub(super) disabled: Option<bool>,
    pub(super) service_name: Option<String>,
    pub(super) service_version: Option<String>,
    pub(super) project_name: Option<String>,
    pub(super) resource_attributes: Vec<(String, String)>,
    pub(super) target: Option<Target>,
    pub(super) protocol: Option<Protocol>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) timeout: Option<Duration>,
    pub(super) transport: super::transport::Transport,
    pub(super) sampler: Option<Sampling>,
    pub(super) max_queue_size: Option<usize>,
    pub(super) scheduled_delay: Option<Duration>,
    pub(super) max_export_batch_size: Option<usize>,
    pub(super) export_timeout: Option<Duration>,
    pub(super) capture_content: Option<bool>,
    pub(super) max_attributes_per_span: Option<u32>,
    pub(super) max_stream_output_bytes: Option<usize>,
    pub(super) max_attribute_bytes: Option<usize>,
    pub(super) max_capture_depth: Option<usize>,
    pub(super) openinference: Option<bool>,
    pub(super) agent_lightning: bool,
    pub(super) store_retention: Option<Retention>,
    pub(crate) redaction: Option<Redaction>,
    pub(crate) provider: Option<SdkTracerProvider>,
    #[cfg(feature = "metrics")]
    pub(super) metrics: Option<super::Metrics>,
    #[cfg(feature = "metrics")]
    pub(super) metric_export_interval: Option<Duration>,
    #[cfg(feature = "metrics")]
    pub(crate) meter_provider: Option<opentelemetry_sdk::metrics::SdkMeterProvider>,
    #[cfg(feature = "tracing")]
    pub(crate) tracing_subscriber: bool,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("service_name", &self.service_name)
            .field("target", &self.target)
            .field("protocol", &self.protocol)
            .field("provider", &self.provider.is_some())
            .finish_non_exhaustive()
    }
}

/// Starts the settings of the tracing pipeline in code; see [`Builder`].
pub fn builder() -> Builder {
    Builder::default()
}

impl Builder {
    /// Reads environment variables through `lookup` instead of the process environment.
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Box::new(lookup));
        self
    }
    /// Switches tracing off entirely (as `OTEL_SDK_DISABLED=true`) or forces it on.
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }
    /// The `service.name` resource attribute.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }
    /// The `service.version` resource attribute, often `env!("CARGO_PKG_VERSION")`.
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.service_version = Some(version.into());
        self
    }
    /// The Phoenix project (`openinference.project.name`) the spans belong to.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project_name = Some(project.into());
        self
    }
    /// One more resource attribute.
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.resource_attributes.push((key.into(), value.into()));
        self
    }
    /// The OTLP protocol (default `http/protobuf`).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }
    /// A header (HTTP) or metadata entry (gRPC) sent with every export.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// How long one export request may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Which traces are recorded.
    pub fn sampler(mut self, sampler: Sampling) -> Self {
        self.sampler = Some(sampler);
        self
    }
    /// Spans waiting for export at most; more are dropped and counted.
    pub fn max_queue_size(mut self, spans: usize) -> Self {
        self.max_queue_size = Some(spans);
        self
    }
    /// Longest wait before a partial batch is sent.
    pub fn scheduled_delay(mut self, delay: Duration) -> Self {
        self.scheduled_delay = Some(delay);
        self
    }
    /// Spans per export request at most.
    pub fn max_export_batch_size(mut self, spans: usize) -> Self {
        self.max_export_batch_size = Some(spans);
        self
    }
    /// How long a flush, or the shutdown when the guard drops, waits for exports.
    pub fn export_timeout(mut self, timeout: Duration) -> Self {
        self.export_timeout = Some(timeout);
        self
    }
    /// Capture arguments and return values (`input.value`, `output.value`, GenAI content)
    /// for every traced function that does not say otherwise with `capture_input` or
    /// `capture_output`; on by default. With capture off, spans keep their names, kinds,
    /// status and the attributes given with `attributes(..)`. Switch it while running with
    /// [`TracingHandle::set_capture_content`](crate::TracingHandle::set_capture_content).
    pub fn capture_content(mut self, capture: bool) -> Self {
        self.capture_content = Some(capture);
        self
    }
    /// The redaction rules for captured values (on by default, with the built-in rules):
    /// see [`capture`](crate::capture). Replace them while running with
    /// [`TracingHandle::set_redaction`](crate::TracingHandle::set_redaction).
    ///
    /// ```no_run
    /// use agentrace::capture::{Mode, Redaction};
    /// let _tracing = agentrace::builder()
    ///     .redaction(Redaction::default().mode(Mode::Hash).key_pattern("tenant"))
    ///     .init()?;
    /// # Ok::<(), agentrace::Error>(())
    /// ```
    pub fn redaction(mut self, redaction: Redaction) -> Self {
        self.redaction = Some(redaction);
        self
    }
    /// The limit on the JSON text of one captured attribute
    /// ([`DEFAULT_MAX_ATTRIBUTE_BYTES`](crate::capture::DEFAULT_MAX_ATTRIBUTE_BYTES), 32 KiB),
    /// enforced while it is written. The text stays valid JSON: a string cut short ends with
    /// `…[+N bytes]`, an array or object whose elements no longer fit ends with a last
    /// element `"…[+N items]"` or entry `"…": "[+N entries]"`, and the span lists the
    /// attribute in `agentrace.truncated`. The limit can be passed by a few dozen bytes (the
    /// markers and closing brackets).
    pub fn max_attribute_bytes(mut self, bytes: usize) -> Self {
        self.max_attribute_bytes = Some(bytes);
        self
    }
    /// The nesting depth past which captured values are written as `"…[depth limit]"`
    /// ([`DEFAULT_MAX_CAPTURE_DEPTH`](crate::capture::DEFAULT_MAX_CAPTURE_DEPTH), 64), so
    /// that deeply nested values never exhaust the stack.
    pub fn max_capture_depth(mut self, depth: usize) -> Self {
        self.max_capture_depth = Some(depth);
        self
    }
    /// Mirrors GenAI attributes under their OpenInference names (`llm.model_name`,
    /// `llm.provider`, `llm.token_count.*`, `tool.name`), so that Arize Phoenix shows
    /// models and token counts; on by default. `openinference.span.kind` is always written.
    pub fn openinference(mut self, mirror: bool) -> Self {
        self.openinference = Some(mirror);
        self
    }
    /// The bounds of the embedded span store (1 GiB and 30 days by default,
    /// [`Retention::EMBEDDED_DEFAULT`]): its writer removes the oldest rollouts and traces
    /// past them. `Retention::none()` keeps everything.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use agentrace::config::Retention;
    /// let _tracing = agentrace::builder()
    ///     .store()
    ///     .store_retention(Retention::none().max_bytes(200 << 20).max_age(Duration::from_secs(7 * 86_400)))
    ///     .init()?;
    /// # Ok::<(), agentrace::Error>(())
    /// ```
    pub fn store_retention(mut self, retention: Retention) -> Self {
        self.store_retention = Some(retention);
        self
    }
    /// Adopts a tracer provider the application built, instead of the one the builder would
    /// build: the exporter, sampler, resource and queue settings are then the provider's,
    /// and setting them on the builder too is an error. Capture, redaction and the other
    /// settings of spans still apply. Wrap the provider's exporting processor in a
    /// [`CollectingProcessor`](crate::pipeline::CollectingProcessor) so that collection and
    /// rollout scopes see its spans.
    ///
    /// ```
    /// use agentrace::pipeline::CollectingProcessor;
    /// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
    ///
    /// let exporter = InMemorySpanExporter::default();
    /// let provider = SdkTracerProvider::builder()
    ///     .with_span_processor(CollectingProcessor::wrapping(SimpleSpanProcessor::new(exporter)))
    ///     .build();
    /// let tracing = agentrace::builder().provider(provider).init().unwrap();
    /// assert!(matches!(agentrace::init(), Err(agentrace::Error::AlreadyInitialized)));
    /// # drop(tracing);
    /// ```
    pub fn provider(mut self, provider: SdkTracerProvider) -> Self {
        self.provider = Some(provider);
        self
    }
    /// Also records the `tracing` spans and events of the process: [`init`](Builder::init)
    /// installs a global `tracing` subscriber made of the registry and
    /// [`tracing_layer`](crate::tracing_layer) (feature `tracing`). An application that
    /// builds its own subscriber (with a `fmt` layer, filters, ...) adds `tracing_layer()`
    /// to it instead; when one is set already, `init` fails naming `builder.tracing_subscriber`.
    ///
    /// ```no_run
    /// let _tracing = agentrace::builder().tracing_subscriber().init()?;
    /// tracing::info_span!("chat", "gen_ai.operation.name" = "chat").in_scope(|| {});
    /// # Ok::<(), agentrace::Error>(())
    /// ```
    #[cfg(feature = "tracing")]
    pub fn tracing_subscriber(mut self) -> Self {
        self.tracing_subscriber = true;
        self
    }

    /// The most attributes a span keeps.
    pub fn max_attributes_per_span(mut self, count: u32) -> Self {
        self.max_attributes_per_span = Some(count);
        self
    }
    /// The cap on the JSON text captured from the items of a traced stream or iterator
    /// ([`DEFAULT_MAX_STREAM_OUTPUT_BYTES`](crate::capture::DEFAULT_MAX_STREAM_OUTPUT_BYTES),
    /// 64 KiB; the per-attribute limit applies too: the smaller wins). Items past the cap
    /// are counted but not captured: the array ends with an element `"…[+N items]"` and the
    /// span lists `output.value` in `agentrace.truncated`.
    pub fn max_stream_output_bytes(mut self, bytes: usize) -> Self {
        self.max_stream_output_bytes = Some(bytes);
        self
    }

    /// `true` when code chose where spans go or how they are sampled: settings that belong
    /// to a provider of the application's own.
    pub(crate) fn target_set(&self) -> bool {
        self.target.is_some() || self.sampler.is_some()
    }

    /// Resolves the settings: code first, then the environment, then defaults.
    pub fn build_config(self) -> Result<Config, Error> {
        let process_env = |name: &str| std::env::var(name).ok();
        let lookup: &dyn Fn(&str) -> Option<String> = match &self.env {
            Some(lookup) => lookup.as_ref(),
            None => &process_env,
        };
        let env = Env(lookup);
        let disabled = match self.disabled {
            Some(disabled) => disabled,
            None => env.bool("OTEL_SDK_DISABLED")?.unwrap_or(false),
        };
        let mut resource = match env.var("OTEL_RESOURCE_ATTRIBUTES") {
            Some(value) => env::parse_key_values("OTEL_RESOURCE_ATTRIBUTES", &value)?,
            None => Vec::new(),
        };
        resource.extend(self.resource_attributes.iter().cloned());
        let mut take = |key: &str| {
            let value = resource
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone());
            resource.retain(|(k, _)| k != key);
            value
        };
        let (from_resource_name, from_resource_version, from_resource_project) = (
            take("service.name"),
            take("service.version"),
            take("openinference.project.name"),
        );
        let service_name = self
            .service_name
            .clone()
            .or_else(|| env.var("OTEL_SERVICE_NAME"))
            .or(from_resource_name)
            .unwrap_or_else(unknown_service);
        let service_version = self
            .service_version
            .clone()
            .or(from_resource_version)
            .or_else(|| env.var("CARGO_PKG_VERSION"));
        let project_name = self
            .project_name
            .clone()
            .or_else(|| env.var("PHOENIX_PROJECT_NAME"))
            .or(from_resource_project);
        let (exporter, agent_lightning) = match (&self.target, env.var(env::AGENT_LIGHTNING)) {
            (None, Some(url)) if !self.agent_lightning => {
                let preset = Builder {
                    target: Some(Target::Otlp {
                        url,
                        full: false,
                        field: env::AGENT_LIGHTNING,
                        http_only: Some("Agent Lightning's store"),
                    }),
                    protocol: Some(Protocol::HttpProtobuf),
                    headers: self.headers.clone(),
                    timeout: self.timeout,
                    ..Builder::default()
                };
                (preset.exporter(&env)?, true)
            }
            _ => (self.exporter(&env)?, self.agent_lightning),
        };
        #[cfg(feature = "metrics")]
        let metrics = self.metrics_config(&env, &exporter)?;
        let sampler = match &self.sampler {
            Some(sampler) => check_sampling(sampler)?,
            None => env::parse_sampler(&env)?
                .unwrap_or_else(|| Sampling::ParentBased(Box::new(Sampling::AlwaysOn))),
        };
        let batch = self.batch(&env)?;
        let capture_content = match self.capture_content {
            Some(capture) => Some(capture),
            None => env::parse_capture(&env)?,
        };
        let max_attributes_per_span = match self.max_attributes_per_span {
            Some(0) => {
                return Err(Error::invalid(
                    "builder.max_attributes_per_span",
                    "0",
                    "expected a positive whole number",
                ))
            }
            Some(count) => Some(count),
            None => env.number("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", true)?,
        };
        let max_stream_output_bytes = match self.max_stream_output_bytes {
            Some(bytes) => Some(bytes),
            None => env.number("AGENTRACE_MAX_STREAM_OUTPUT_BYTES", true)?,
        };
        Ok(Config {
            disabled,
            service_name,
            service_version,
            project_name,
            resource_attributes: resource,
            exporter,
            sampler,
            batch,
            capture_content,
            max_attributes_per_span,
            max_stream_output_bytes,
            max_attribute_bytes: self.max_attribute_bytes,
            max_capture_depth: self.max_capture_depth,
            openinference: self.openinference,
            agent_lightning,
            store_retention: match self.store_retention {
                Some(retention) => retention,
                None => env::parse_retention(&env)?,
            },
            #[cfg(feature = "metrics")]
            metrics,
        })
    }

    fn exporter(&self, env: &Env<'_>) -> Result<ExporterConfig, Error> {
        self.exporter_for(env, self.target.clone())
    }

    /// The exporter for `chosen` (or, if `None`, the one the environment asks for), with
    /// the OTLP settings of the builder and the environment.
    pub(super) fn exporter_for(
        &self,
        env: &Env<'_>,
        chosen: Option<Target>,
    ) -> Result<ExporterConfig, Error> {
        let (protocol_name, protocol) = match self.protocol {
            Some(protocol) => ("builder.protocol", protocol),
            None => match env.first(&[
                "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                "OTEL_EXPORTER_OTLP_PROTOCOL",
            ]) {
                Some((name, value)) => (name, env::parse_protocol(name, &value)?),
                None => ("OTEL_EXPORTER_OTLP_PROTOCOL", Protocol::HttpProtobuf),
            },
        };
        let target = match chosen {
            Some(target) => target,
            None => match target_from_env(env)? {
                Some(target) => target,
                None => {
                    let exporter = agentrace_export::default_exporter();
                    if exporter == ExporterConfig::Store {
                        check_store_env(env)?;
                    }
                    return Ok(exporter);
                }
            },
        };
        let (url, full, field, http_only) = match target {
            Target::Console => return Ok(ExporterConfig::Console),
            Target::Store => {
                check_store_env(env)?;
                return Ok(ExporterConfig::Store);
            }
            Target::StoreAt(location) => {
                return store_location("builder.store_at", &location).map(ExporterConfig::StoreAt)
            }
            Target::Nothing => return Ok(ExporterConfig::None),
            Target::Otlp {
                url,
                full,
                field,
                http_only,
            } => (url, full, field, http_only),
        };
        if let (Some(backend), Protocol::Grpc) = (http_only, protocol) {
            return Err(Error::invalid(
                protocol_name,
                "grpc",
                format!("{backend} has no gRPC endpoint; it takes OTLP over HTTP/protobuf only"),
            ));
        }
        check_protocol_feature(protocol_name, protocol)?;
        let url = super::transport::with_scheme(&self.transport, env, protocol, url)?;
        let url = match (url.is_empty(), protocol) {
            (false, _) => env::check_endpoint(field, &url)?,
            (true, Protocol::Grpc) => "http://localhost:4317".to_string(),
            (true, _) => "http://localhost:4318".to_string(),
        };
        let endpoint = match protocol {
            Protocol::HttpProtobuf if !full => env::http_traces_url(&url),
            _ => url,
        };
        let mut headers = match env.first(&[
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "OTEL_EXPORTER_OTLP_HEADERS",
        ]) {
            Some((name, value)) => {
                checked_headers(name, &value, env::parse_key_values(name, &value)?)?
            }
            None => Vec::new(),
        };
        for (name, value) in &self.headers {
            let pair = vec![(name.clone(), value.clone())];
            checked_headers("builder.header", &format!("{name}: {value}"), pair)?;
            headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
        let timeout = match self.timeout {
            Some(timeout) if timeout.is_zero() => {
                return Err(Error::invalid(
                    "builder.timeout",
                    "0s",
                    "expected a positive duration",
                ))
            }
            Some(timeout) => timeout,
            None => match env.first(&[
                "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
                "OTEL_EXPORTER_OTLP_TIMEOUT",
            ]) {
                Some((name, _)) => env.millis(name)?.unwrap_or_default(),
                None => Duration::from_secs(10),
            },
        };
        let (compression, tls) = super::transport::resolve(&self.transport, env)?;
        let mut otlp = OtlpConfig::new(endpoint, protocol);
        otlp.headers = headers;
        otlp.timeout = timeout;
        otlp.compression = compression;
        otlp.tls = tls;
        Ok(ExporterConfig::Otlp(otlp))
    }

    fn batch(&self, env: &Env<'_>) -> Result<BatchConfig, Error> {
        let defaults = BatchConfig::default();
        let positive = |name: &str, value: usize| match value {
            0 => Err(Error::invalid(
                name,
                "0",
                "expected a positive whole number",
            )),
            value => Ok(value),
        };
        let max_queue_size = match self.max_queue_size {
            Some(size) => positive("builder.max_queue_size", size)?,
            None => env
                .number("OTEL_BSP_MAX_QUEUE_SIZE", true)?
                .unwrap_or(defaults.max_queue_size),
        };
        let (batch_name, max_export_batch_size) = match self.max_export_batch_size {
            Some(size) => (
                "builder.max_export_batch_size",
                positive("builder.max_export_batch_size", size)?,
            ),
            None => (
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                env.number("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", true)?
                    .unwrap_or(defaults.max_export_batch_size.min(max_queue_size)),
            ),
        };
        if max_export_batch_size > max_queue_size {
            return Err(Error::invalid(
                batch_name,
                &max_export_batch_size.to_string(),
                format!("must not exceed the queue size ({max_queue_size})"),
            ));
        }
        let scheduled_delay = match self.scheduled_delay {
            Some(delay) => delay,
            None => env
                .millis("OTEL_BSP_SCHEDULE_DELAY")?
                .unwrap_or(defaults.scheduled_delay),
        };
        let export_timeout = match self.export_timeout {
            Some(timeout) => timeout,
            None => env
                .millis("OTEL_BSP_EXPORT_TIMEOUT")?
                .unwrap_or(defaults.export_timeout),
        };
        let mut batch = defaults;
        batch.max_queue_size = max_queue_size;
        batch.scheduled_delay = scheduled_delay;
        batch.max_export_batch_size = max_export_batch_size;
        batch.export_timeout = export_timeout;
        Ok(batch)
    }
}

/// The exporter the environment asks for, if it asks: `OTEL_TRACES_EXPORTER` and the
/// endpoint variables.
fn target_from_env(env: &Env<'_>) -> Result<Option<Target>, Error> {
    let endpoint = match env.var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
        Some(url) => Some(Target::Otlp {
            url,
            full: true,
            field: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            http_only: None,
        }),
        None => env
            .var("OTEL_EXPORTER_OTLP_ENDPOINT")
            .map(|url| Target::Otlp {
                url,
                full: false,
                field: "OTEL_EXPORTER_OTLP_ENDPOINT",
                http_only: None,
            }),
    };
    let Some(kind) = env.var("OTEL_TRACES_EXPORTER") else {
        return Ok(endpoint);
    };
    Ok(Some(match kind.as_str() {
        // With no endpoint, the local collector's default address for the protocol.
        "otlp" => endpoint.unwrap_or(Target::Otlp {
            url: String::new(),
            full: false,
            field: "OTEL_EXPORTER_OTLP_ENDPOINT",
            http_only: None,
        }),
        "console" => Target::Console,
        "store" => Target::Store,
        "none" => Target::Nothing,
        _ => {
            return Err(Error::invalid(
                "OTEL_TRACES_EXPORTER",
                &kind,
                "expected otlp, console, store or none",
            ))
        }
    }))
}

fn check_protocol_feature(name: &str, protocol: Protocol) -> Result<(), Error> {
    let (value, feature, built) = match protocol {
        Protocol::HttpProtobuf => ("http/protobuf", "otlp-http", cfg!(feature = "otlp-http")),
        Protocol::Grpc => ("grpc", "otlp-grpc", cfg!(feature = "otlp-grpc")),
        _ => ("unknown", "otlp-http", false),
    };
    if built {
        return Ok(());
    }
    Err(Error::invalid(
        name,
        value,
        format!("agentrace was built without its `{feature}` feature"),
    ))
}

fn checked_headers(
    name: &str,
    value: &str,
    headers: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Error> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    for (key, val) in &headers {
        if !key.chars().all(token) {
            return Err(Error::invalid(
                name,
                value,
                format!("{key:?} is not a valid header name"),
            ));
        }
        if val.chars().any(|c| c.is_control() || !c.is_ascii()) {
            return Err(Error::invalid(
                name,
                value,
                format!("the value of {key:?} has characters a header cannot carry"),
            ));
        }
    }
    Ok(headers)
}

fn check_sampling(sampling: &Sampling) -> Result<Sampling, Error> {
    match sampling {
        Sampling::Ratio(ratio) if !(0.0..=1.0).contains(ratio) => Err(Error::invalid(
            "builder.sampler",
            &ratio.to_string(),
            "expected a ratio between 0 and 1",
        )),
        Sampling::ParentBased(root) => check_sampling(root).map(|_| sampling.clone()),
        _ => Ok(sampling.clone()),
    }
}

fn unknown_service() -> String {
    let exe = std::env::current_exe().ok();
    let stem = exe
        .as_deref()
        .and_then(|path| path.file_stem())
        .and_then(|stem| stem.to_str());
    format!("unknown_service:{}", stem.unwrap_or("rust"))
}

/// `AGENTRACE_STORE`, when set, names a store this build can open (a file path, or a URL of
/// a scheme whose feature is on).
fn check_store_env(env: &Env<'_>) -> Result<(), Error> {
    match env.var(agentrace_store::STORE_ENV) {
        Some(value) if !value.is_empty() => {
            store_location(agentrace_store::STORE_ENV, &value).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// The store location `text`, or an error naming `name` and the value (its password hidden).
fn store_location(name: &str, text: &str) -> Result<agentrace_store::StoreLocation, Error> {
    agentrace_store::StoreLocation::parse(text).map_err(|error| {
        let shown = agentrace_store::redact_url(text);
        let reason = match error {
            agentrace_store::StoreError::Invalid(why) => why
                .strip_prefix(&format!("{shown}: "))
                .unwrap_or(&why)
                .to_owned(),
            other => other.to_string(),
        };
        Error::invalid(name, &shown, reason)
    })
}
