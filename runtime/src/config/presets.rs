//! Presets of [`Builder`] for the backends users name: Arize Phoenix (local and Cloud),
//! Langfuse, Jaeger, any OTLP collector, and the console.

use super::builder::{Builder, Target};
use super::Protocol;

impl Builder {
    /// Sends spans over OTLP to `endpoint`, the collector's base address
    /// (`http://localhost:4318`; `/v1/traces` is added for HTTP) or, with
    /// [`Protocol::Grpc`](crate::config::Protocol::Grpc), its gRPC address (`http://localhost:4317`).
    ///
    /// ```
    /// let config = agentrace::builder().otlp("http://collector:4318").build_config().unwrap();
    /// # let _ = config;
    /// ```
    pub fn otlp(mut self, endpoint: impl Into<String>) -> Self {
        self.target = Some(Target::Otlp {
            url: endpoint.into(),
            full: false,
            field: "builder.otlp",
            http_only: None,
        });
        self
    }

    /// Sends spans to this exact OTLP traces URL, used as given (no path added).
    pub fn otlp_traces_url(mut self, url: impl Into<String>) -> Self {
        self.target = Some(Target::Otlp {
            url: url.into(),
            full: true,
            field: "builder.otlp_traces_url",
            http_only: None,
        });
        self
    }

    /// Sends spans to Jaeger's OTLP receiver: `http://localhost:4318` over HTTP, or
    /// `http://localhost:4317` with [`Protocol::Grpc`](crate::config::Protocol::Grpc).
    pub fn jaeger(self, endpoint: impl Into<String>) -> Self {
        self.otlp(endpoint)
    }

    /// Sends spans to Arize Phoenix at `endpoint` (`http://localhost:6006` over HTTP, or its
    /// gRPC port `http://localhost:4317` with [`Protocol::Grpc`](crate::config::Protocol::Grpc)) under `project`.
    ///
    /// ```
    /// use agentrace::config::{ExporterConfig, Protocol};
    /// let config = agentrace::builder()
    ///     .phoenix("http://localhost:6006", "my-agent")
    ///     .build_config()
    ///     .unwrap();
    /// assert_eq!(config.project_name.as_deref(), Some("my-agent"));
    /// let ExporterConfig::Otlp(otlp) = config.exporter else { unreachable!() };
    /// assert_eq!(otlp.endpoint, "http://localhost:6006/v1/traces");
    /// assert_eq!(otlp.protocol, Protocol::HttpProtobuf);
    /// ```
    pub fn phoenix(self, endpoint: impl Into<String>, project: impl Into<String>) -> Self {
        self.otlp(endpoint).project(project)
    }

    /// Sends spans to Langfuse at `host` (`https://cloud.langfuse.com`,
    /// `https://us.cloud.langfuse.com`, or your own), as Langfuse documents its OTLP
    /// endpoint: `{host}/api/public/otel/v1/traces` over HTTP/protobuf (Langfuse has no
    /// gRPC endpoint: asking for gRPC is a configuration error), authenticated with the
    /// project's public and secret keys (`Authorization: Basic base64(public:secret)`), with
    /// `x-langfuse-ingestion-version: 4` so that spans show at once. The ids of a
    /// [`Conversation`](crate::conversation::Conversation) scope (`session.id`, `user.id`,
    /// on every span started inside it) are Langfuse's sessions and users.
    ///
    /// ```
    /// use agentrace::config::{ExporterConfig, Protocol};
    /// let config = agentrace::builder()
    ///     .langfuse("http://localhost:3000", "pk-lf-1", "sk-lf-2")
    ///     .build_config()
    ///     .unwrap();
    /// let ExporterConfig::Otlp(otlp) = config.exporter else { unreachable!() };
    /// assert_eq!(otlp.endpoint, "http://localhost:3000/api/public/otel/v1/traces");
    /// assert_eq!(otlp.headers, [
    ///     ("Authorization".to_string(), "Basic cGstbGYtMTpzay1sZi0y".to_string()),
    ///     ("x-langfuse-ingestion-version".to_string(), "4".to_string()),
    /// ]);
    ///
    /// let grpc = agentrace::builder()
    ///     .langfuse("https://cloud.langfuse.com", "pk-lf-1", "sk-lf-2")
    ///     .protocol(Protocol::Grpc)
    ///     .build_config()
    ///     .unwrap_err();
    /// assert!(grpc.to_string().contains("Langfuse has no gRPC endpoint"), "{grpc}");
    /// ```
    pub fn langfuse(
        mut self,
        host: impl Into<String>,
        public_key: impl AsRef<str>,
        secret_key: impl AsRef<str>,
    ) -> Self {
        let host = host.into();
        let url = format!("{}/api/public/otel/v1/traces", host.trim_end_matches('/'));
        let credentials = format!("{}:{}", public_key.as_ref(), secret_key.as_ref());
        self.target = Some(Target::Otlp {
            url,
            full: true,
            field: "builder.langfuse",
            http_only: Some("Langfuse"),
        });
        self.header(
            "Authorization",
            format!("Basic {}", base64(credentials.as_bytes())),
        )
        .header("x-langfuse-ingestion-version", "4")
    }

    /// Sends spans to Phoenix Cloud (or any Phoenix with authentication on) at `endpoint`,
    /// the space's address as its settings page shows it
    /// (`https://app.phoenix.arize.com/s/your-space`; `/v1/traces` is added), over
    /// HTTP/protobuf with the API key as Phoenix expects it (`Authorization: Bearer
    /// {api_key}`), under `project`: the same as Phoenix's `PHOENIX_COLLECTOR_ENDPOINT` and
    /// `PHOENIX_API_KEY`.
    ///
    /// ```
    /// use agentrace::config::ExporterConfig;
    /// let config = agentrace::builder()
    ///     .phoenix_cloud("https://app.phoenix.arize.com/s/my-space", "px-key", "my-agent")
    ///     .build_config()
    ///     .unwrap();
    /// let ExporterConfig::Otlp(otlp) = config.exporter else { unreachable!() };
    /// assert_eq!(otlp.endpoint, "https://app.phoenix.arize.com/s/my-space/v1/traces");
    /// assert_eq!(otlp.headers, [("authorization".to_string(), "Bearer px-key".to_string())]);
    /// assert_eq!(config.project_name.as_deref(), Some("my-agent"));
    /// ```
    pub fn phoenix_cloud(
        self,
        endpoint: impl Into<String>,
        api_key: impl AsRef<str>,
        project: impl Into<String>,
    ) -> Self {
        self.otlp(endpoint)
            .project(project)
            .header("authorization", format!("Bearer {}", api_key.as_ref()))
    }

    /// Sends spans to an Agent Lightning store (`agl store`, version 0.3) at `store_url`
    /// (`http://127.0.0.1:4747`), over OTLP/HTTP with protobuf at `{store_url}/v1/traces`,
    /// and writes the attributes its adapters read besides the GenAI ones: flattened
    /// `gen_ai.prompt.{i}.role/content` and `gen_ai.completion.{i}.role/content` (with
    /// content capture on), and `agent.name` on agent spans. Other presets leave those out.
    /// The environment form is `AGENTRACE_AGENT_LIGHTNING=http://127.0.0.1:4747`.
    ///
    /// The store files each span under the rollout and attempt of its
    /// [rollout scope](crate::rollout::RolloutScope) (the span attributes
    /// `agentlightning.rollout_id` and `agentlightning.attempt_id`); the rollout must exist
    /// in the store (made by its client's `start_rollout` or a runner's dequeue).
    ///
    /// ```
    /// use agentrace::config::{ExporterConfig, Protocol};
    /// let config = agentrace::builder()
    ///     .agent_lightning("http://127.0.0.1:4747")
    ///     .build_config()
    ///     .unwrap();
    /// let ExporterConfig::Otlp(otlp) = &config.exporter else { unreachable!() };
    /// assert_eq!(otlp.endpoint, "http://127.0.0.1:4747/v1/traces");
    /// assert_eq!(otlp.protocol, Protocol::HttpProtobuf);
    /// assert!(config.agent_lightning);
    /// ```
    pub fn agent_lightning(mut self, store_url: impl Into<String>) -> Self {
        self.target = Some(Target::Otlp {
            url: store_url.into(),
            full: false,
            field: "builder.agent_lightning",
            http_only: Some("Agent Lightning's store"),
        });
        self.protocol = Some(Protocol::HttpProtobuf);
        self.agent_lightning = true;
        self
    }

    /// Prints each finished trace as a tree on standard output, when its root span ends.
    pub fn console(mut self) -> Self {
        self.target = Some(Target::Console);
        self
    }

    /// Writes spans to the embedded SQLite store (`$AGENTRACE_STORE`, else
    /// `.agentrace/traces.db`), where `agentrace traces` and `agentrace show` find them.
    pub fn store(mut self) -> Self {
        self.target = Some(Target::Store);
        self
    }

    /// Writes spans to the store at `location`: a SQLite file path, or a PostgreSQL database
    /// URL (`postgres://user:password@host:5432/db`, feature `postgres`). Rollout scopes
    /// write there too unless given a writer of their own. A location this build has no
    /// backend for is an error of [`build_config`](Self::build_config) naming
    /// `builder.store_at` and the feature that adds it (a password is never shown).
    ///
    /// ```
    /// let err = agentrace::builder().store_at("mysql://me:pw@db/traces").build_config().unwrap_err();
    /// assert!(err.to_string().contains("builder.store_at") && !err.to_string().contains("pw@"));
    /// ```
    pub fn store_at(mut self, location: impl Into<String>) -> Self {
        self.target = Some(Target::StoreAt(location.into()));
        self
    }

    /// Exports nothing; collection scopes ([`testing::capture`](crate::testing::capture),
    /// rollout scopes) still see every span.
    pub fn no_export(mut self) -> Self {
        self.target = Some(Target::Nothing);
        self
    }
}

/// Standard base64 with padding (RFC 4648), for the Basic authorization header.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(super::base64(input.as_bytes()), expected);
        }
    }
}
