//! Capturing values as span attributes: JSON text that never fails, cut to the length
//! limits, with secrets redacted while it is written.
//!
//! Arguments go to `input.value`, return values and stream items to `output.value`, GenAI
//! content to its `gen_ai.*` attribute, all through one writer ([`to_json`] shows what it
//! writes). A value with `Serialize` is serialized, one with only `Debug` is formatted, one
//! with neither is written as its type name; a failing or panicking impl leaves
//! `"<unserializable: reason>"`. Text over the limit is cut on a character boundary and the
//! JSON stays valid; the span lists cut attributes in `agentrace.truncated`.
//!
//! ## Redaction
//!
//! Redaction is on by default. Every value a span captures (arguments in `input.value`,
//! return values and stream items in `output.value`, `Debug` text, GenAI message content)
//! passes through the redactor while it is written, before any exporter sees it. Two kinds
//! of rules apply:
//!
//! - **Key patterns**: a map key, struct field, enum variant or argument named like a secret
//!   (`password`, `api_key`, `apiKey`, `Authorization`, `session`, `cookie`, `csrf`, ...:
//!   Pydantic Logfire's list) has its whole value replaced. The same names followed by `=`
//!   or `:` inside text (`password=hunter2`, `api_key: "..."` in `Debug` output) hide what
//!   follows. `max_tokens`, `total_tokens`, `tokenizer`, `author` and `authority` are not
//!   secrets.
//! - **Value detectors**: provider API keys (`sk-...`, `sk-ant-...`, `AIza...`, ...),
//!   `Bearer`/`Basic` credentials, AWS access key ids, GitHub tokens, JWTs, PEM private keys
//!   and card numbers passing the Luhn check are hidden wherever they appear in text.
//!
//! A hidden value becomes a marker naming the rule, never any part of the value unless the
//! mode says so ([`Mode`]), and the span lists the JSON paths that were redacted in
//! `agentrace.redacted` (for example `["input.value.request.api_key"]`).
//!
//! Rules are set once on the builder ([`Builder::redaction`](crate::Builder::redaction)) and
//! can be replaced while running ([`TracingHandle::set_redaction`](crate::TracingHandle::set_redaction)).
//!
//! ```
//! use agentrace::capture::{redact_str, redact_str_with, Mode, Redaction};
//!
//! assert_eq!(redact_str("call with Bearer abc123XYZ789"), "call with Bearer [REDACTED:bearer_token]");
//! assert_eq!(redact_str("max_tokens=512"), "max_tokens=512");
//!
//! let rules = Redaction::default().mode(Mode::Partial).key_pattern("tenant");
//! assert_eq!(redact_str_with("tenant=acme-corporation", &rules), "tenant=[REDACTED:tenant:...tion]");
//! ```

mod blocks;
mod card;
mod compound;
mod detect;
mod keys;
mod notes;
mod rules;
mod serializer;
mod text;
mod value;
mod writer;

pub(crate) use notes::Notes;
pub(crate) use rules::configure;
#[cfg(feature = "http-client")]
pub(crate) use rules::current;
pub use rules::{Callback, Mode, Redaction};
pub use text::{redact_str, redact_str_with};
pub use value::to_json;
pub(crate) use value::{
    capture_json, into_string, write_debug, write_serialize, write_type_name, Capture,
};
#[cfg(feature = "http-client")]
pub(crate) use writer::floor_char_boundary;

pub use crate::settings::{
    DEFAULT_MAX_ATTRIBUTE_BYTES, DEFAULT_MAX_CAPTURE_DEPTH, DEFAULT_MAX_STREAM_OUTPUT_BYTES,
};
