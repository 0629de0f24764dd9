//! Presets of [`Builder`] for the backends users name: Arize Phoenix, Langfuse, Jaeger, any
//! OTLP collector, and the console.

use super::builder::{Builder, Target};
use super::Protocol;

impl Builder {
    /// Sends spans over OTLP to `endpoint`, the collector's base address
    /// (`http://localhost:4318`; `/v1/traces` is added for HTTP) or, with
    /// [`Protocol::Grpc`], its gRPC address (`http://localhost:4317`).
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
        });
        self
    }

    /// Sends spans to this exact OTLP traces URL, used as given (no path added).
    pub fn otlp_traces_url(mut self, url: impl Into<String>) -> Self {
        self.target = Some(Target::Otlp {
            url: url.into(),
            full: true,
            field: "builder.otlp_traces_url",
        });
        self
    }

    /// Sends spans to Jaeger's OTLP receiver: `http://localhost:4318` over HTTP, or
    /// `http://localhost:4317` with [`Protocol::Grpc`].
    pub fn jaeger(self, endpoint: impl Into<String>) -> Self {
        self.otlp(endpoint)
    }

    /// Sends spans to Arize Phoenix at `endpoint` (`http://localhost:6006` over HTTP, or its
    /// gRPC port `http://localhost:4317` with [`Protocol::Grpc`]) under `project`.
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

    /// Sends spans to Langfuse at `host` (`https://cloud.langfuse.com` or your own), at
    /// `{host}/api/public/otel/v1/traces` over HTTP/protobuf, authenticated with the
    /// project's public and secret keys as Langfuse expects (`Authorization: Basic
    /// base64(public:secret)`).
    ///
    /// ```
    /// use agentrace::config::ExporterConfig;
    /// let config = agentrace::builder()
    ///     .langfuse("http://localhost:3000", "pk-lf-1", "sk-lf-2")
    ///     .build_config()
    ///     .unwrap();
    /// let ExporterConfig::Otlp(otlp) = config.exporter else { unreachable!() };
    /// assert_eq!(otlp.endpoint, "http://localhost:3000/api/public/otel/v1/traces");
    /// assert_eq!(otlp.headers, [("Authorization".to_string(), "Basic cGstbGYtMTpzay1sZi0y".to_string())]);
    /// ```
    pub fn langfuse(
        self,
        host: impl Into<String>,
        public_key: impl AsRef<str>,
        secret_key: impl AsRef<str>,
    ) -> Self {
        let host = host.into();
        let url = format!("{}/api/public/otel/v1/traces", host.trim_end_matches('/'));
        let credentials = format!("{}:{}", public_key.as_ref(), secret_key.as_ref());
        self.otlp_traces_url(url)
            .protocol(Protocol::HttpProtobuf)
            .header(
                "Authorization",
                format!("Basic {}", base64(credentials.as_bytes())),
            )
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
