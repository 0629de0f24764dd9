//! `agentrace stats`: calls, errors, tokens in and out, and latency percentiles of the GenAI
//! operations in a time window, per operation and model, read from the span store through
//! the [`SpanStore`] trait alone (so every backend answers it the same way).
//!
//! A span counts when it has a `gen_ai.operation.name` and started in the window; its model
//! is `gen_ai.request.model`, else `gen_ai.response.model`, else (tools and agents) the tool
//! or agent name.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use agentrace_store::record::StatusCode;
use agentrace_store::{Query, SpanRecord, SpanStore, StoreError, TraceSummary};

use crate::style::{duration, paint, utc, BOLD, RED};
use crate::terminal::fit;

/// What `agentrace stats` found: one row per operation and model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// The start of the window, nanoseconds since the Unix epoch; `None`: everything stored.
    pub since: Option<u64>,
    /// How many traces had spans in the window.
    pub traces: usize,
    /// The rows, by operation then model.
    pub rows: Vec<StatsRow>,
}

/// The figures of one operation and model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatsRow {
    /// `gen_ai.operation.name`: `chat`, `embeddings`, `execute_tool`, ...
    pub operation: String,
    /// The model (or tool or agent name); `-` when the span names none.
    pub model: String,
    /// How many calls.
    pub calls: u64,
    /// How many of them ended with status ERROR.
    pub errors: u64,
    /// Sum of `gen_ai.usage.input_tokens`.
    pub input_tokens: u64,
    /// Sum of `gen_ai.usage.output_tokens`.
    pub output_tokens: u64,
    /// Median duration, nanoseconds (nearest rank).
    pub p50_nanos: u64,
    /// 90th percentile duration, nanoseconds (nearest rank).
    pub p90_nanos: u64,
    /// 99th percentile duration, nanoseconds (nearest rank).
    pub p99_nanos: u64,
}

/// Traces asked of the store at first; doubled while the oldest one returned is still in
/// the window.
const FIRST_BATCH: usize = 256;

/// Gathers the figures of the spans that started at or after `since` (nanoseconds since the
/// Unix epoch; `None`: every span), from any [`SpanStore`].
///
/// ```
/// use agentrace_store::{MemoryStore, SpanRecord, SpanStore};
/// let store = MemoryStore::new(1 << 20);
/// let span: SpanRecord = serde_json::from_str(r#"{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",
///   "span_id":"00f067aa0ba902b7","name":"chat gpt-4o","kind":"client","start_time":1000,
///   "end_time":3000000,"attributes":{"gen_ai.operation.name":"chat",
///   "gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":12}}"#).unwrap();
/// store.add_span(span).unwrap();
/// let stats = agentrace_viewer::stats(&store, None).unwrap();
/// assert_eq!(stats.rows[0].model, "gpt-4o");
/// assert_eq!((stats.rows[0].calls, stats.rows[0].input_tokens), (1, 12));
/// ```
pub fn stats(store: &dyn SpanStore, since: Option<u64>) -> Result<Stats, StoreError> {
    let from = since.unwrap_or(0);
    let mut traces = traces_in_window(store, from)?;
    traces.retain(|trace| trace.end_time >= from);
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    let mut traces_seen = 0;
    for trace in &traces {
        let spans = store.query(&Query::all().trace_id(trace.trace_id.clone()))?;
        let mut seen = false;
        for span in spans.spans.iter().filter(|span| span.start_time >= from) {
            let Some(operation) = span.attr_str("gen_ai.operation.name") else {
                continue;
            };
            seen = true;
            groups
                .entry((operation.to_owned(), model_of(span)))
                .or_default()
                .add(span);
        }
        traces_seen += usize::from(seen);
    }
    let rows = groups
        .into_iter()
        .map(|((operation, model), group)| group.row(operation, model))
        .collect();
    Ok(Stats {
        since,
        traces: traces_seen,
        rows,
    })
}

/// The traces, newest first, down to the first one that started before `from`.
fn traces_in_window(store: &dyn SpanStore, from: u64) -> Result<Vec<TraceSummary>, StoreError> {
    let mut limit = FIRST_BATCH;
    loop {
        let traces = store.traces(limit)?;
        let complete = traces.len() < limit;
        let past_window = traces.last().is_some_and(|oldest| oldest.start_time < from);
        if complete || past_window {
            return Ok(traces);
        }
        limit = limit.saturating_mul(2);
    }
}

fn model_of(span: &SpanRecord) -> String {
    [
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.tool.name",
        "gen_ai.agent.name",
    ]
    .iter()
    .find_map(|key| span.attr_str(key))
    .unwrap_or("-")
    .to_owned()
}

/// The spans of one operation and model.
#[derive(Default)]
struct Group {
    durations: Vec<u64>,
    errors: u64,
    input_tokens: u64,
    output_tokens: u64,
}

impl Group {
    fn add(&mut self, span: &SpanRecord) {
        self.durations.push(span.duration_nanos());
        if span.status.status_code == StatusCode::Error {
            self.errors += 1;
        }
        let tokens = |key: &str| {
            span.attr_i64(key)
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0)
        };
        self.input_tokens += tokens("gen_ai.usage.input_tokens");
        self.output_tokens += tokens("gen_ai.usage.output_tokens");
    }

    fn row(mut self, operation: String, model: String) -> StatsRow {
        self.durations.sort_unstable();
        StatsRow {
            operation,
            model,
            calls: self.durations.len() as u64,
            errors: self.errors,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            p50_nanos: percentile(&self.durations, 50),
            p90_nanos: percentile(&self.durations, 90),
            p99_nanos: percentile(&self.durations, 99),
        }
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p`% of
/// the values at or below it.
fn percentile(sorted: &[u64], p: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// Renders the figures as an aligned table, every name from the store made visible.
pub(crate) fn render(stats: &Stats, window: &str, color: bool) -> String {
    let mut out = String::new();
    let since = match stats.since {
        Some(since) => format!("since {} UTC ({window})", utc(since)),
        None => "all stored spans".to_owned(),
    };
    if stats.rows.is_empty() {
        let _ = writeln!(out, "no GenAI operations in the store, {since}");
        return out;
    }
    let calls: u64 = stats.rows.iter().map(|row| row.calls).sum();
    let _ = writeln!(
        out,
        "GenAI operations {since}: {calls} calls in {} traces\n",
        stats.traces
    );
    let operation_width = width(stats.rows.iter().map(|row| row.operation.as_str()), 9, 24);
    let model_width = width(stats.rows.iter().map(|row| row.model.as_str()), 5, 32);
    let heading = format!(
        "{:<operation_width$}  {:<model_width$}  {:>5}  {:>6}  {:>9}  {:>10}  {:>10}  {:>10}  {:>10}",
        "OPERATION", "MODEL", "CALLS", "ERRORS", "TOKENS IN", "TOKENS OUT", "P50", "P90", "P99"
    );
    let _ = writeln!(out, "{}", paint(&heading, BOLD, color));
    for row in &stats.rows {
        let errors = paint(&format!("{:>6}", row.errors), RED, color && row.errors > 0);
        let _ = writeln!(
            out,
            "{:<operation_width$}  {:<model_width$}  {:>5}  {errors}  {:>9}  {:>10}  {:>10}  {:>10}  {:>10}",
            fit(&row.operation, operation_width),
            fit(&row.model, model_width),
            row.calls,
            row.input_tokens,
            row.output_tokens,
            duration(row.p50_nanos),
            duration(row.p90_nanos),
            duration(row.p99_nanos),
        );
    }
    out
}

/// The column width for `values`: their longest visible length, within `min..=max`.
fn width<'a>(values: impl Iterator<Item = &'a str>, min: usize, max: usize) -> usize {
    values
        .map(|value| crate::terminal::visible(value).chars().count())
        .max()
        .unwrap_or(min)
        .clamp(min, max)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&values, 50), 5);
        assert_eq!(percentile(&values, 90), 9);
        assert_eq!(percentile(&values, 99), 10);
        assert_eq!(percentile(&[7], 50), 7);
        assert_eq!(percentile(&[], 99), 0);
    }
}
