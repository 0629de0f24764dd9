//! [`current_span`]: adding to the span of the traced call running now, from inside it, for
//! what is learned mid-call (the model that answered, a response id, token usage, a business
//! attribute, an error the function recovers from). No OpenTelemetry import is needed, and
//! with tracing off each call is one atomic load: nothing is converted or allocated.

use std::borrow::Cow;
use std::fmt::Display;

use opentelemetry::trace::{SpanRef, Status, TraceContextExt};
use opentelemetry::{Context, Key, KeyValue};

use crate::genai::{CountValue, GenAi, LlmResponse, TokenIdsValue};
use crate::kind::OperationKind;
use crate::{activation, semconv, settings, ToAttribute};

/// The span current where it is called: the innermost traced call (or any recording
/// OpenTelemetry span current in this context).
///
/// ```
/// use agentrace::{current_span, trace_llm};
///
/// #[trace_llm(provider = "openai", model = "gpt-4o")]
/// fn ask(prompt: &str) -> String {
///     let answer = format!("re: {prompt}"); // ... call the model
///     let span = current_span();
///     span.set_response_model("gpt-4o-2024-08-06");
///     span.set_response_id("chatcmpl-42");
///     span.record_usage(12, 5);
///     span.set_attribute("app.cache_hit", false);
///     span.add_event("retry", [("attempt", 2)]);
///     answer
/// }
///
/// let (_, spans) = agentrace::testing::capture(|| ask("hi"));
/// let chat = agentrace::testing::span(&spans, "chat gpt-4o");
/// assert_eq!(chat.attr_str("gen_ai.response.model"), Some("gpt-4o-2024-08-06"));
/// assert_eq!(chat.attr_i64("gen_ai.usage.output_tokens"), Some(5));
/// assert_eq!(chat.attr_bool("app.cache_hit"), Some(false));
/// assert!(chat.event("retry").is_some());
/// ```
#[inline]
pub fn current_span() -> CurrentSpan {
    CurrentSpan {
        active: activation::is_active(),
    }
}

/// A handle on the span current where [`current_span`] was called; see there. Cheap to
/// copy; every method does nothing when tracing is off or no span records.
#[derive(Clone, Copy, Debug)]
#[must_use = "a handle does nothing until one of its methods is called"]
pub struct CurrentSpan {
    active: bool,
}

impl CurrentSpan {
    /// Runs `f` on the current span when it records. Not inlined: callers check `active`
    /// first, inline, so that with tracing off a call is that check alone.
    #[inline(never)]
    fn with_span(f: impl FnOnce(&SpanRef<'_>)) {
        Context::map_current(|cx| {
            let span = cx.span();
            if span.is_recording() {
                f(&span);
            }
        });
    }

    /// `true` when the current span records: what is added to it is kept.
    #[inline]
    pub fn is_recording(&self) -> bool {
        let mut recording = false;
        if self.active {
            Self::with_span(|_| recording = true);
        }
        recording
    }

    /// Sets an attribute: numbers, booleans and strings as they are (`None` sets nothing).
    #[inline]
    pub fn set_attribute(&self, key: impl Into<Key>, value: impl ToAttribute) {
        if !self.active {
            return;
        }
        Self::with_span(|span| {
            if let Some(value) = value.to_attribute() {
                span.set_attribute(KeyValue::new(key, value));
            }
        });
    }

    /// Adds an event named `name` with `attributes`, at this moment.
    #[inline]
    pub fn add_event<K, V>(
        &self,
        name: impl Into<Cow<'static, str>>,
        attributes: impl IntoIterator<Item = (K, V)>,
    ) where
        K: Into<Key>,
        V: ToAttribute,
    {
        if !self.active {
            return;
        }
        Self::with_span(|span| {
            let attributes = attributes
                .into_iter()
                .filter_map(|(key, value)| Some(KeyValue::new(key, value.to_attribute()?)))
                .collect();
            span.add_event(name, attributes);
        });
    }

    /// Records GenAI attributes with the setters extractors use ([`GenAi`]): models,
    /// parameters, usage, response fields, messages (content, kept only while content
    /// capture is on, redacted like everything captured).
    ///
    /// ```
    /// #[agentrace::trace_llm(model = "m")]
    /// fn ask() -> u8 {
    ///     agentrace::current_span().record(|out| {
    ///         out.finish_reasons(&["stop"]);
    ///         out.response_model("m-2");
    ///     });
    ///     1
    /// }
    /// let (_, spans) = agentrace::testing::capture(ask);
    /// assert_eq!(spans[0].attr_str("gen_ai.response.model"), Some("m-2"));
    /// ```
    #[inline]
    pub fn record(&self, f: impl FnOnce(&mut GenAi)) {
        if !self.active {
            return;
        }
        Self::with_span(|span| {
            let mut out = GenAi::new(OperationKind::Llm, settings::capture_content());
            f(&mut out);
            let extracted = out.finish();
            if let Some(model) = extracted.subject {
                span.set_attribute(KeyValue::new(semconv::GEN_AI_REQUEST_MODEL, model));
            }
            span.set_attributes(extracted.attributes);
            if let Some(message) = extracted.failure {
                mark_error(span, "tool_error", &message);
            }
        });
    }

    /// Applies a response extractor ([`LlmResponse`]) now, for a response that is not the
    /// function's return value.
    #[inline]
    pub fn record_response(&self, response: &(impl LlmResponse + ?Sized)) {
        self.record(|out| response.extract_response(out));
    }

    /// `gen_ai.usage.input_tokens` and `gen_ai.usage.output_tokens` (and their
    /// OpenInference mirrors): any integers, or `Option`s of them.
    #[inline]
    pub fn record_usage(&self, input_tokens: impl CountValue, output_tokens: impl CountValue) {
        self.record(|out| {
            out.input_tokens(&input_tokens);
            out.output_tokens(&output_tokens);
        });
    }

    /// `prompt_token_ids` and `response_token_ids`: the integer arrays Agent Lightning's
    /// triplet adapter trains on (content: kept only while content capture is on). Any
    /// integer lists, or `Option`s of them.
    ///
    /// ```
    /// #[agentrace::trace_llm(model = "m")]
    /// fn ask() -> &'static str {
    ///     agentrace::current_span().record_token_ids(&[101u32, 7592], &[2023u32, 102]);
    ///     "hi"
    /// }
    /// let (_, spans) = agentrace::testing::capture(ask);
    /// assert_eq!(spans[0].attr("response_token_ids"), Some(&serde_json::json!([2023, 102])));
    /// ```
    #[inline]
    pub fn record_token_ids(
        &self,
        prompt: &(impl TokenIdsValue + ?Sized),
        response: &(impl TokenIdsValue + ?Sized),
    ) {
        self.record(|out| {
            out.prompt_token_ids(prompt);
            out.response_token_ids(response);
        });
    }

    /// `gen_ai.response.model`: the model that answered.
    #[inline]
    pub fn set_response_model(&self, model: &str) {
        self.record(|out| out.response_model(model));
    }

    /// `gen_ai.response.id`.
    #[inline]
    pub fn set_response_id(&self, id: &str) {
        self.record(|out| out.response_id(id));
    }

    /// Marks the span as failed: status ERROR with `message`, `error.type` = `error_type`
    /// (a low-cardinality class such as `timeout`) and an `exception` event, kept when the
    /// function then returns normally. For an error the function handles itself (a retried
    /// call, a fallback); an `Err` it returns is recorded without this.
    #[inline]
    pub fn mark_error(&self, error_type: &str, message: impl Display) {
        if !self.active {
            return;
        }
        Self::with_span(|span| {
            let message = crate::capture::redact_str(&message.to_string()).into_owned();
            mark_error(span, error_type, &message);
        });
    }
}

fn mark_error(span: &SpanRef<'_>, error_type: &str, message: &str) {
    span.set_attribute(KeyValue::new(semconv::ERROR_TYPE, error_type.to_owned()));
    crate::span::add_exception_event(span, Cow::Owned(error_type.to_owned()), message.to_owned());
    span.set_status(Status::error(message.to_owned()));
    crate::marks::MARKED.insert(span.span_context().span_id());
}
