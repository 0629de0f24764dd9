//! Renders spans as an indented tree, one line per span with its duration, status and the
//! attributes a reader looks for first.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::record::{SpanRecord, StatusCode};

/// Renders `spans` as a tree: roots first (spans whose parent is not among them), children
/// indented under their parent in start order.
///
/// ```
/// use agentrace_store::{render_tree, SpanRecord};
///
/// let span = |id: &str, parent: Option<&str>, name: &str| -> SpanRecord {
///     serde_json::from_value(serde_json::json!({"trace_id": "01", "span_id": id,
///         "parent_id": parent, "name": name, "start_time": 1, "end_time": 2})).unwrap()
/// };
/// let tree = render_tree(&[span("2", Some("1"), "execute_tool ping"), span("1", None, "invoke_agent a")]);
/// assert!(tree.starts_with("invoke_agent a"), "{tree}");
/// assert!(tree.contains("\n  execute_tool ping"), "{tree}");
/// ```
pub fn render_tree(spans: &[SpanRecord]) -> String {
    let ids: HashSet<&str> = spans.iter().map(|span| span.span_id.as_str()).collect();
    let mut children: BTreeMap<Option<&str>, Vec<&SpanRecord>> = BTreeMap::new();
    for span in spans {
        let parent = span
            .parent_id
            .as_deref()
            .filter(|parent| ids.contains(parent));
        children.entry(parent).or_default().push(span);
    }
    for siblings in children.values_mut() {
        siblings.sort_by_key(|span| (span.start_time, span.sequence_id));
    }
    let mut out = String::new();
    let mut stack: Vec<(&SpanRecord, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|span| (*span, 0)).collect())
        .unwrap_or_default();
    while let Some((span, depth)) = stack.pop() {
        write_line(&mut out, span, depth);
        if let Some(kids) = children.get(&Some(span.span_id.as_str())) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    out
}

fn write_line(out: &mut String, span: &SpanRecord, depth: usize) {
    let micros = span.duration_nanos() / 1_000;
    let _ = write!(
        out,
        "{}{} ({}.{:03} ms)",
        "  ".repeat(depth),
        span.name,
        micros / 1_000,
        micros % 1_000
    );
    match span.status.status_code {
        StatusCode::Error => {
            let class = span.attr_str("error.type").unwrap_or("error");
            let _ = write!(out, " ERROR[{class}]");
            if let Some(description) = &span.status.description {
                let _ = write!(out, ": {description}");
            }
        }
        StatusCode::Ok | StatusCode::Unset => {}
    }
    if let Some(items) = span.attr_i64("agentrace.stream.items") {
        let _ = write!(out, " items={items}");
    }
    out.push('\n');
}
