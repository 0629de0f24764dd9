//! Carrying a trace across processes: W3C `traceparent`, `tracestate` and `baggage` written
//! into and read from any [`Carrier`] (a `HashMap<String, String>`, an `http::HeaderMap`
//! with the `http` feature, or your own message type, by hand or with
//! `#[derive(Carrier)]`).
//!
//! Agent A injects the current context into the message it sends; agent B extracts it and
//! attaches it, so B's spans join A's trace under A's span:
//!
//! ```
//! use std::collections::HashMap;
//! use agentrace::propagation::{extract, inject};
//!
//! #[agentrace::trace_agent(name = "sender")]
//! fn send() -> HashMap<String, String> {
//!     let mut headers = HashMap::new();
//!     inject(&mut headers);
//!     headers
//! }
//!
//! #[agentrace::trace_agent(name = "receiver")]
//! fn receive() {}
//!
//! let (headers, sent) = agentrace::testing::capture(send);
//! let (_, received) = agentrace::testing::capture(|| {
//!     let _remote = extract(&headers).attach();
//!     receive()
//! });
//! assert_eq!(received[0].trace_id, sent[0].trace_id);
//! assert_eq!(received[0].parent_id.as_deref(), Some(sent[0].span_id.as_str()));
//! ```
//!
//! Extraction never fails: a malformed or hostile header (wrong length, bad hex, all-zero
//! ids, version `ff`, oversized baggage) is ignored and [`rejected_headers`] counts it. The
//! context is then left as it was, so a receiver with no span of its own starts a new trace.

mod baggage;
mod carrier;
mod traceparent;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::{TraceContextExt, TraceState};
use opentelemetry::Context;

pub use agentrace_macros::Carrier;
pub use carrier::Carrier;

/// The header that carries the trace id, parent span id and flags.
pub const TRACEPARENT: &str = "traceparent";
/// The header that carries vendor-specific trace state.
pub const TRACESTATE: &str = "tracestate";
/// The header that carries baggage: key-value pairs that travel with the trace.
pub const BAGGAGE: &str = "baggage";

/// The most of a `tracestate` header kept, in characters, as W3C Trace Context asks of
/// those that truncate (at least 512).
const MAX_TRACESTATE_CHARS: usize = 512;
/// The most list members a `tracestate` holds (W3C Trace Context).
const MAX_TRACESTATE_MEMBERS: usize = 32;
/// Members longer than this are the first dropped when a `tracestate` must be cut.
const LONG_TRACESTATE_MEMBER: usize = 128;
/// A `tracestate` header longer than this is refused whole, unread: no real one is.
const HOSTILE_TRACESTATE_BYTES: usize = 8 * 1024;

static REJECTED: AtomicU64 = AtomicU64::new(0);

/// How many propagation headers were refused in this process since it started: malformed
/// `traceparent`, `tracestate` that does not parse, or `baggage` that is oversized or holds
/// malformed members. Each refused header counts once.
///
/// ```
/// use std::collections::HashMap;
///
/// let before = agentrace::propagation::rejected_headers();
/// let hostile = HashMap::from([("traceparent".to_owned(), "00-zz".to_owned())]);
/// let cx = agentrace::propagation::extract(&hostile);
/// assert!(agentrace::propagation::rejected_headers() > before);
/// # use opentelemetry::trace::TraceContextExt;
/// assert!(!cx.has_active_span());
/// ```
pub fn rejected_headers() -> u64 {
    REJECTED.load(Ordering::Relaxed)
}

fn reject() {
    REJECTED.fetch_add(1, Ordering::Relaxed);
}

/// Writes the current context (span, trace state, baggage) into `carrier`.
///
/// Nothing is written for a part that is absent: no `traceparent` outside a span, no
/// `baggage` when the context has none.
pub fn inject(carrier: &mut (impl Carrier + ?Sized)) {
    Context::map_current(|cx| inject_context(cx, carrier));
}

/// Writes `cx` (span, trace state, baggage) into `carrier`.
pub fn inject_context(cx: &Context, carrier: &mut (impl Carrier + ?Sized)) {
    let span = cx.span();
    let span_context = span.span_context();
    if span_context.is_valid() {
        carrier.set(TRACEPARENT, traceparent::format(span_context));
        let state = span_context.trace_state().header();
        if !state.is_empty() {
            carrier.set(TRACESTATE, state);
        }
    }
    if let Some(header) = baggage::format(cx.baggage()) {
        carrier.set(BAGGAGE, header);
    }
}

/// The current context continued with what `carrier` holds: a remote parent span from a
/// valid `traceparent` (with its `tracestate`) and the `baggage` entries.
///
/// Attach the result ([`Context::attach`], or `FutureExt::with_context` for a future) around
/// the receiving work. Baggage entries `gen_ai.conversation.id`, `session.id` and `user.id`
/// also open a [`Conversation`](crate::conversation::Conversation) scope, so every span
/// made under the result carries them.
pub fn extract(carrier: &(impl Carrier + ?Sized)) -> Context {
    Context::map_current(|cx| extract_with_context(cx, carrier))
}

/// `cx` continued with what `carrier` holds; see [`extract`].
pub fn extract_with_context(cx: &Context, carrier: &(impl Carrier + ?Sized)) -> Context {
    let mut result = cx.clone();
    if let Some(value) = carrier.get(TRACEPARENT) {
        let state = carrier
            .get(TRACESTATE)
            .map_or_else(TraceState::default, read_state);
        match traceparent::parse(value, state) {
            Some(remote) => result = result.with_remote_span_context(remote),
            None => reject(),
        }
    }
    if let Some(value) = carrier.get(BAGGAGE) {
        let parsed = baggage::parse(value);
        if parsed.rejected {
            reject();
        }
        if !parsed.baggage.is_empty() {
            result = result.with_baggage(parsed.baggage);
            result = crate::conversation::from_baggage(&result);
        }
    }
    result
}

/// The trace state a `tracestate` header gives, cut to the W3C limits: when it holds more
/// than 512 characters or 32 members, members over 128 characters are dropped first, then
/// members from the end, until it fits. A header that does not parse is refused.
fn read_state(value: &str) -> TraceState {
    if value.len() > HOSTILE_TRACESTATE_BYTES {
        reject();
        return TraceState::default();
    }
    let members = state_members(value);
    TraceState::from_str(&members.join(",")).unwrap_or_else(|_| {
        reject();
        TraceState::default()
    })
}

/// The list members of a `tracestate` value that fit the W3C limits, in order.
fn state_members(value: &str) -> Vec<&str> {
    let mut members: Vec<&str> = value
        .split(',')
        .map(|member| member.trim_matches([' ', '\t']))
        .filter(|member| !member.is_empty())
        .collect();
    let chars = |members: &[&str]| {
        members.iter().map(|m| m.chars().count()).sum::<usize>() + members.len().saturating_sub(1)
    };
    let too_big = |members: &[&str]| {
        members.len() > MAX_TRACESTATE_MEMBERS || chars(members) > MAX_TRACESTATE_CHARS
    };
    if too_big(&members) {
        members.retain(|member| member.chars().count() <= LONG_TRACESTATE_MEMBER);
    }
    while too_big(&members) {
        members.pop();
    }
    members
}
