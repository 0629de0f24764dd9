//! `agentrace traces`: recent traces with root name, start, duration, span count, tokens and
//! errors.

use std::fmt::Write as _;

use agentrace_store::TraceSummary;

use crate::style::{duration, paint, utc, BOLD, GREEN, RED};
use crate::terminal::{fit, visible};

/// The line under the trace list: the store's file, size, span count and oldest span.
pub(crate) fn footer(
    location: &agentrace_store::StoreLocation,
    size: agentrace_store::StoreSize,
) -> String {
    let oldest = size
        .oldest_start
        .map_or_else(|| "none".to_owned(), |start| format!("{} UTC", utc(start)));
    format!(
        "\nstore {}: {}, {} spans, oldest span {oldest}\n",
        visible(&location.to_string()),
        agentrace_store::human_bytes(size.bytes),
        size.spans,
    )
}

/// Renders the trace list as an aligned table; `rewards` holds each trace's last reward
/// (the primary value of its latest `agentlightning.annotation` span), if any.
pub(crate) fn render(traces: &[TraceSummary], rewards: &[Option<f64>], color: bool) -> String {
    if traces.is_empty() {
        return "no traces in the store\n".into();
    }
    let name_width = traces
        .iter()
        .map(|t| visible(&t.root_name).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40);
    let mut out = String::new();
    let heading = format!(
        "{:<32}  {:<name_width$}  {:<19}  {:>10}  {:>5}  {:>13}  {:>8}  {:>6}  ROLLOUT",
        "TRACE", "ROOT", "START (UTC)", "DURATION", "SPANS", "TOKENS IN/OUT", "REWARD", "ERRORS"
    );
    let _ = writeln!(out, "{}", paint(&heading, BOLD, color));
    for (n, trace) in traces.iter().enumerate() {
        let reward = rewards
            .get(n)
            .copied()
            .flatten()
            .map_or_else(|| "-".to_owned(), format_reward);
        let reward = paint(&format!("{reward:>8}"), GREEN, color && reward != "-");
        let name = fit(&trace.root_name, name_width);
        let errors = paint(
            &format!("{:>6}", trace.errors),
            RED,
            color && trace.errors > 0,
        );
        let _ = writeln!(
            out,
            "{:<32}  {name:<name_width$}  {:<19}  {:>10}  {:>5}  {:>13}  {reward}  {errors}  {}",
            fit(&trace.trace_id, 32),
            utc(trace.start_time),
            duration(trace.duration_nanos()),
            trace.span_count,
            format!("{}/{}", trace.input_tokens, trace.output_tokens),
            trace.rollout_id.as_deref().map_or("-".into(), visible),
        );
    }
    out
}

/// A reward as the list and the tree show it: at most four decimals, no trailing zeros.
pub(crate) fn format_reward(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" => "0".to_owned(),
        text => text.to_owned(),
    }
}
