//! The test kit: run code, get back the spans it produced, assert on them.
//!
//! [`capture`] and [`capture_async`] work without any `init` call, under any executor or
//! none, and are scoped: tests running in parallel never see each other's spans.
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

use crate::record::SpanRecord;

pub use crate::collect::{collect_spans as capture, collect_spans_async as capture_async};

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
