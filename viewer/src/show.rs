//! `agentrace show`: the span tree of a trace or rollout, with durations, kinds, models,
//! tokens and errors.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use agentrace_store::record::{RecordKind, StatusCode};
use agentrace_store::SpanRecord;

use crate::style::{duration, paint, utc, BOLD, CYAN, DIM, GREEN, RED, YELLOW};
use crate::terminal::fit;

/// The widest a span name, a model or an error class is shown, in characters.
const NAME_WIDTH: usize = 120;
/// The widest an error message is shown, in characters.
const MESSAGE_WIDTH: usize = 240;

/// Renders `spans` (of one or more traces) as trees, one block per trace.
pub(crate) fn render(spans: &[SpanRecord], color: bool) -> String {
    let mut traces: Vec<&str> = Vec::new();
    for span in spans {
        if !traces.contains(&span.trace_id.as_str()) {
            traces.push(&span.trace_id);
        }
    }
    let mut out = String::new();
    for (n, trace_id) in traces.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let trace: Vec<&SpanRecord> = spans.iter().filter(|s| s.trace_id == *trace_id).collect();
        header(&mut out, trace_id, &trace, color);
        tree(&mut out, &trace, color);
    }
    out
}

fn header(out: &mut String, trace_id: &str, spans: &[&SpanRecord], color: bool) {
    let start = spans.iter().map(|s| s.start_time).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end_time).max().unwrap_or(0);
    let mut line = format!("trace {}", fit(trace_id, NAME_WIDTH));
    if let Some(first) = spans.first() {
        if let (Some(rollout), Some(attempt)) = (&first.rollout_id, &first.attempt_id) {
            let (rollout, attempt) = (fit(rollout, NAME_WIDTH), fit(attempt, NAME_WIDTH));
            let _ = write!(line, "  rollout {rollout}  attempt {attempt}");
        }
    }
    let _ = writeln!(
        out,
        "{}  {}  {} spans  {}",
        paint(&line, BOLD, color),
        utc(start),
        spans.len(),
        duration(end.saturating_sub(start))
    );
}

fn tree(out: &mut String, spans: &[&SpanRecord], color: bool) {
    let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let mut children: BTreeMap<Option<&str>, Vec<&SpanRecord>> = BTreeMap::new();
    for span in spans {
        let parent = span.parent_id.as_deref().filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(span);
    }
    for siblings in children.values_mut() {
        siblings.sort_by_key(|s| (s.start_time, s.sequence_id));
    }
    // (span, prefix for its children, its own branch)
    let mut stack: Vec<(&SpanRecord, String, String)> = Vec::new();
    if let Some(roots) = children.get(&None) {
        stack.extend(
            roots
                .iter()
                .rev()
                .map(|s| (*s, String::new(), String::new())),
        );
    }
    while let Some((span, prefix, branch)) = stack.pop() {
        let _ = writeln!(out, "{branch}{}", line(span, color));
        if let Some(kids) = children.get(&Some(span.span_id.as_str())) {
            for (i, kid) in kids.iter().enumerate().rev() {
                let last = i == kids.len() - 1;
                let branch = format!("{prefix}{}", if last { "└─ " } else { "├─ " });
                let next = format!("{prefix}{}", if last { "   " } else { "│  " });
                stack.push((kid, next, branch));
            }
        }
    }
}

fn kind(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Internal => "internal",
        RecordKind::Client => "client",
        RecordKind::Server => "server",
        RecordKind::Producer => "producer",
        RecordKind::Consumer => "consumer",
    }
}

/// One span: name, kind, duration, model, tokens, error.
pub(crate) fn line(span: &SpanRecord, color: bool) -> String {
    let mut text = format!(
        "{}  {}  {}",
        paint(&fit(&span.name, NAME_WIDTH), BOLD, color),
        paint(&format!("[{}]", kind(span.kind)), CYAN, color),
        paint(&duration(span.duration_nanos()), DIM, color)
    );
    let model = span
        .attr_str("gen_ai.response.model")
        .or_else(|| span.attr_str("gen_ai.request.model"));
    if let Some(model) = model {
        let _ = write!(text, "  model={}", fit(model, NAME_WIDTH));
    }
    let input = span.attr_i64("gen_ai.usage.input_tokens");
    let output = span.attr_i64("gen_ai.usage.output_tokens");
    if input.is_some() || output.is_some() {
        let tokens = format!("tokens={}/{}", input.unwrap_or(0), output.unwrap_or(0));
        let _ = write!(text, "  {}", paint(&tokens, YELLOW, color));
    }
    let rewards = crate::triplets::reward_dimensions(span);
    if let Some(((_, primary), others)) = rewards.split_first() {
        let mut mark = format!("reward={}", crate::list::format_reward(*primary));
        for (name, value) in others {
            let _ = write!(
                mark,
                " {}={}",
                fit(name, NAME_WIDTH),
                crate::list::format_reward(*value)
            );
        }
        let _ = write!(text, "  {}", paint(&mark, GREEN, color));
    }
    if span.status.status_code == StatusCode::Error {
        let class = span.attr_str("error.type").unwrap_or("error");
        let mut error = format!("ERROR[{}]", fit(class, NAME_WIDTH));
        if let Some(description) = &span.status.description {
            let first_line = description.lines().next().unwrap_or_default();
            let _ = write!(error, ": {}", fit(first_line, MESSAGE_WIDTH));
        }
        let _ = write!(text, "  {}", paint(&error, RED, color));
    }
    text
}
