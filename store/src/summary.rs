//! [`TraceSummary`]: one line of the trace list, and how to build it from a trace's spans.

use crate::record::{SpanRecord, StatusCode};

/// The summary of one stored trace, as `agentrace traces` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceSummary {
    /// The trace id.
    pub trace_id: String,
    /// The rollout of the root span, if any.
    pub rollout_id: Option<String>,
    /// The name of the root span (the earliest span without a parent among those stored),
    /// else of the earliest span.
    pub root_name: String,
    /// Earliest start, nanoseconds since the Unix epoch.
    pub start_time: u64,
    /// Latest end, nanoseconds since the Unix epoch.
    pub end_time: u64,
    /// How many spans are stored for the trace.
    pub span_count: u64,
    /// Sum of `gen_ai.usage.input_tokens` over the trace's spans.
    pub input_tokens: u64,
    /// Sum of `gen_ai.usage.output_tokens` over the trace's spans.
    pub output_tokens: u64,
    /// How many spans have status ERROR.
    pub errors: u64,
}

/// The attribute holding a span's input tokens.
pub(crate) const INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// The attribute holding a span's output tokens.
pub(crate) const OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";

impl TraceSummary {
    /// Starts a summary from the first span seen of a trace.
    pub(crate) fn start(span: &SpanRecord) -> Self {
        TraceSummary {
            trace_id: span.trace_id.clone(),
            rollout_id: span.rollout_id.clone(),
            root_name: span.name.clone(),
            start_time: span.start_time,
            end_time: span.end_time,
            ..TraceSummary::default()
        }
    }

    /// Adds one span of the trace. `root_start` tracks the start of the chosen root.
    pub(crate) fn add(&mut self, span: &SpanRecord, root_start: &mut Option<u64>) {
        if span.is_root() && root_start.is_none_or(|start| span.start_time < start) {
            *root_start = Some(span.start_time);
            self.root_name = span.name.clone();
            self.rollout_id = span.rollout_id.clone();
        } else if root_start.is_none() && span.start_time < self.start_time {
            self.root_name = span.name.clone();
            self.rollout_id = span.rollout_id.clone();
        }
        self.start_time = self.start_time.min(span.start_time);
        self.end_time = self.end_time.max(span.end_time);
        self.span_count += 1;
        self.input_tokens += tokens(span, INPUT_TOKENS);
        self.output_tokens += tokens(span, OUTPUT_TOKENS);
        if span.status.status_code == StatusCode::Error {
            self.errors += 1;
        }
    }

    /// The trace's duration in nanoseconds.
    pub fn duration_nanos(&self) -> u64 {
        self.end_time.saturating_sub(self.start_time)
    }
}

fn tokens(span: &SpanRecord, key: &str) -> u64 {
    span.attr_i64(key)
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}
