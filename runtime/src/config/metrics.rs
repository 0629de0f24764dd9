//! The metric settings of [`Builder`]: where the GenAI metrics go (`OTEL_METRICS_EXPORTER`,
//! [`Builder::metrics`]), how often (`OTEL_METRIC_EXPORT_INTERVAL`,
//! [`Builder::metric_export_interval`]), or a meter provider of the application's own
//! ([`Builder::meter_provider`]). OTLP metrics go where the traces go, with the same
//! protocol, headers and timeout: `/v1/metrics` instead of `/v1/traces` over HTTP, unless
//! `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` names their URL.

use std::time::Duration;

use agentrace_export::{ExporterConfig, MetricsConfig, MetricsExporterConfig, OtlpConfig};
use opentelemetry_sdk::metrics::SdkMeterProvider;

use super::builder::{Builder, Target};
use super::env::{self, Env};
use super::Protocol;
use crate::Error;

/// Where the GenAI metrics go ([`Builder::metrics`], `OTEL_METRICS_EXPORTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Metrics {
    /// No metrics (`none`, the default): nothing is recorded.
    None,
    /// Printed on standard output at each export (`console`).
    Console,
    /// Over OTLP next to the traces (`otlp`): the traces' endpoint (or, when spans do not
    /// go over OTLP, `OTEL_EXPORTER_OTLP_ENDPOINT`, else the local collector), protocol,
    /// headers and timeout.
    Otlp,
}

impl Builder {
    /// Where the GenAI metrics of traced LLM and embedding calls go (see
    /// [`agentrace::metrics`](crate::metrics)); none unless asked for, here or with
    /// `OTEL_METRICS_EXPORTER`.
    ///
    /// ```
    /// use agentrace::config::{Metrics, MetricsExporterConfig};
    /// let config = agentrace::builder()
    ///     .otlp("http://collector:4318")
    ///     .metrics(Metrics::Otlp)
    ///     .build_config()
    ///     .unwrap();
    /// match &config.metrics.exporter {
    ///     MetricsExporterConfig::Otlp(otlp) => assert_eq!(otlp.endpoint, "http://collector:4318/v1/metrics"),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Time between two metric exports (`OTEL_METRIC_EXPORT_INTERVAL`, 60 s); the last
    /// export happens when the [`Tracing`](crate::Tracing) guard drops.
    pub fn metric_export_interval(mut self, interval: Duration) -> Self {
        self.metric_export_interval = Some(interval);
        self
    }

    /// Records the GenAI metrics into a meter provider the application built (its readers
    /// and exporters), instead of one the builder would build; setting
    /// [`metrics`](Self::metrics) too is an error. The guard flushes and shuts it down.
    pub fn meter_provider(mut self, provider: SdkMeterProvider) -> Self {
        self.meter_provider = Some(provider);
        self
    }

    /// Resolves the metric settings; `traces` is where spans go.
    pub(super) fn metrics_config(
        &self,
        env: &Env<'_>,
        traces: &ExporterConfig,
    ) -> Result<MetricsConfig, Error> {
        if self.meter_provider.is_some() {
            if self.metrics.is_some() || self.metric_export_interval.is_some() {
                return Err(Error::invalid(
                    "builder.meter_provider",
                    "a meter provider of your own",
                    "its readers decide where metrics go: drop the builder's metrics settings",
                ));
            }
            return Ok(MetricsConfig::default());
        }
        let interval = match self.metric_export_interval {
            Some(interval) if interval.is_zero() => {
                return Err(Error::invalid(
                    "builder.metric_export_interval",
                    "0s",
                    "expected a positive duration",
                ))
            }
            Some(interval) => interval,
            None => env
                .millis("OTEL_METRIC_EXPORT_INTERVAL")?
                .unwrap_or(agentrace_export::DEFAULT_METRIC_EXPORT_INTERVAL),
        };
        let metrics = match self.metrics {
            Some(metrics) => metrics,
            None => match env.var("OTEL_METRICS_EXPORTER").as_deref() {
                None | Some("none") => Metrics::None,
                Some("console") => Metrics::Console,
                Some("otlp") => Metrics::Otlp,
                Some(other) => {
                    return Err(Error::invalid(
                        "OTEL_METRICS_EXPORTER",
                        other,
                        "expected otlp, console or none",
                    ))
                }
            },
        };
        let exporter = match metrics {
            Metrics::None => MetricsExporterConfig::None,
            Metrics::Console => MetricsExporterConfig::Console,
            Metrics::Otlp => MetricsExporterConfig::Otlp(self.otlp_metrics(env, traces)?),
        };
        Ok(MetricsConfig::new(exporter, interval))
    }

    /// The OTLP destination of metrics: the traces' settings with the metrics' URL.
    fn otlp_metrics(&self, env: &Env<'_>, traces: &ExporterConfig) -> Result<OtlpConfig, Error> {
        let mut otlp = match traces {
            ExporterConfig::Otlp(otlp) => otlp.clone(),
            _ => {
                let field = "OTEL_EXPORTER_OTLP_ENDPOINT";
                let url = env.var(field).unwrap_or_default();
                let target = Target::Otlp {
                    url,
                    full: false,
                    field,
                    http_only: None,
                };
                match self.exporter_for(env, Some(target))? {
                    ExporterConfig::Otlp(otlp) => otlp,
                    other => {
                        return Err(Error::Exporter(format!(
                            "OTLP metrics: the OTLP settings resolved to {other:?}"
                        )))
                    }
                }
            }
        };
        const METRICS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
        otlp.endpoint = match env.var(METRICS_ENDPOINT) {
            Some(url) => env::check_endpoint(METRICS_ENDPOINT, &url)?,
            None if otlp.protocol != Protocol::HttpProtobuf => otlp.endpoint,
            None => match otlp
                .endpoint
                .trim_end_matches('/')
                .strip_suffix("/v1/traces")
            {
                Some(base) => format!("{base}/v1/metrics"),
                None => {
                    return Err(Error::invalid(
                        METRICS_ENDPOINT,
                        "",
                        format!(
                            "the traces URL {} does not end in /v1/traces: set the metrics URL",
                            otlp.endpoint
                        ),
                    ))
                }
            },
        };
        Ok(otlp)
    }
}
