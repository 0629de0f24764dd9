//! The test kit: run code, get back the spans it produced, assert on them.
//!
//! [`capture`] and [`capture_async`] work without any `init` call, under any executor or
//! none, and are scoped: tests running in parallel never see each other's spans. They are
//! not only for tests: any code that wants the spans a piece of work made can use them
//! (for a rollout of an agent, with a store behind it, see [`rollout`](crate::rollout)).
//!
//! ```
//! use agentrace::testing::capture;
//!
//! #[agentrace::trace_agent(name = "planner")]
//! fn plan(goal: &str) -> Vec<String> {
//!     lookup(goal)
//! }
//!
//! #[agentrace::trace_tool]
//! fn lookup(query: &str) -> Vec<String> {
//!     vec![format!("step for {query}")]
//! }
//!
//! let (_, spans) = capture(|| plan("ship"));
//! let agent = agentrace::testing::span(&spans, "invoke_agent planner");
//! let tool = agentrace::testing::span(&spans, "execute_tool lookup");
//! assert_eq!(tool.parent_id.as_deref(), Some(agent.span_id.as_str()));
//! ```

use agentrace_store::SpanRecord;

use crate::collect::Scope;

/// Runs `f` and returns its result with the records of every span that started and ended
/// inside it, in the order they ended.
///
/// Works whether or not a pipeline is installed: with none, spans made inside are recorded
/// for the scope only and exported nowhere. Scopes on different threads or tasks never see
/// each other's spans; a scope opened inside another takes the spans made inside it.
///
/// ```
/// #[agentrace::trace_tool]
/// fn add(a: i32, b: i32) -> i32 { a + b }
///
/// let (sum, spans) = agentrace::testing::capture(|| add(2, 3));
/// assert_eq!(sum, 5);
/// assert_eq!(spans[0].name, "execute_tool add");
/// assert_eq!(spans[0].attr_str("input.value"), Some(r#"{"a":2,"b":3}"#));
/// ```
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<SpanRecord>) {
    let scope = Scope::open();
    let result = {
        let _current = scope.context.clone().attach();
        f()
    };
    (result, scope.collector.take())
}

/// Awaits `future` and returns its output with the records of every span that started and
/// ended while it ran, in the order they ended: the async form of [`capture`].
///
/// The scope follows the future across threads and executors. Tasks spawned from inside
/// belong to it when they carry the current context, e.g. with
/// `opentelemetry::context::FutureExt::with_current_context`.
///
/// ```
/// #[agentrace::trace_llm(provider = "mock", model = "tiny")]
/// async fn complete(prompt: &str) -> String { prompt.to_uppercase() }
///
/// let (text, spans) = futures::executor::block_on(agentrace::testing::capture_async(complete("hi")));
/// assert_eq!(text, "HI");
/// assert_eq!(spans[0].name, "chat tiny");
/// ```
pub async fn capture_async<F: std::future::Future>(future: F) -> (F::Output, Vec<SpanRecord>) {
    use opentelemetry::context::FutureExt as _;
    let scope = Scope::open();
    let output = future.with_context(scope.context.clone()).await;
    (output, scope.collector.take())
}

/// The one span named `name`.
///
/// # Panics
/// When no span or more than one span has that name, listing the names there are: this is
/// an assertion helper for tests.
pub fn span<'a>(spans: &'a [SpanRecord], name: &str) -> &'a SpanRecord {
    let mut found = spans.iter().filter(|span| span.name == name);
    match (found.next(), found.next()) {
        (Some(span), None) => span,
        (first, _) => {
            let names: Vec<&str> = spans.iter().map(|span| span.name.as_str()).collect();
            let problem = if first.is_none() {
                "no span"
            } else {
                "more than one span"
            };
            panic!("{problem} named {name:?} among {names:?}")
        }
    }
}

/// The spans whose parent is `parent`, in the order they ended.
pub fn children<'a>(spans: &'a [SpanRecord], parent: &SpanRecord) -> Vec<&'a SpanRecord> {
    spans
        .iter()
        .filter(|span| span.parent_id.as_deref() == Some(parent.span_id.as_str()))
        .collect()
}
