//! [`Query`]: which spans to read from a store, in which order and which page of them; and
//! [`Page`], the answer.

use crate::record::SpanRecord;

/// Which attempt of a rollout a query reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt with this id.
    Id(String),
    /// The rollout's latest attempt: the one whose first span was stored last.
    Latest,
}

/// How a span name is matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMatch {
    /// The name equals the text.
    Exact(String),
    /// The name contains the text (case-sensitive).
    Contains(String),
}

/// How the span filters (trace, span, parent, name) combine. The rollout and attempt always
/// narrow the query, whatever the logic, so an OR query never crosses rollouts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Logic {
    /// Every filter must match (the default).
    #[default]
    All,
    /// At least one filter must match.
    Any,
}

/// Sort order by sequence id (ties in the order spans were stored).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Lowest sequence id first (the default).
    #[default]
    Ascending,
    /// Highest sequence id first.
    Descending,
}

/// A query over a store, built step by step.
///
/// ```
/// use agentrace_store::{Order, Query};
/// let query = Query::rollout("r1")
///     .latest_attempt()
///     .name_contains("chat")
///     .parent_id("00f067aa0ba902b7")
///     .any()
///     .order(Order::Descending)
///     .limit(10)
///     .offset(20);
/// # let _ = query;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub(crate) rollout_id: Option<String>,
    pub(crate) attempt: Option<Attempt>,
    pub(crate) trace_id: Option<String>,
    pub(crate) span_id: Option<String>,
    pub(crate) parent_id: Option<String>,
    pub(crate) name: Option<NameMatch>,
    pub(crate) logic: Logic,
    pub(crate) order: Order,
    pub(crate) limit: Option<usize>,
    pub(crate) offset: usize,
}

impl Query {
    /// Every span of the store.
    pub fn all() -> Self {
        Query::default()
    }

    /// The spans of one rollout.
    pub fn rollout(rollout_id: impl Into<String>) -> Self {
        Query {
            rollout_id: Some(rollout_id.into()),
            ..Query::default()
        }
    }

    /// Only the spans of this attempt (needs a rollout).
    pub fn attempt(mut self, attempt_id: impl Into<String>) -> Self {
        self.attempt = Some(Attempt::Id(attempt_id.into()));
        self
    }

    /// Only the spans of the rollout's latest attempt (needs a rollout).
    pub fn latest_attempt(mut self) -> Self {
        self.attempt = Some(Attempt::Latest);
        self
    }

    /// Filter: spans of this trace (32 hex digits).
    pub fn trace_id(mut self, trace_id: impl Into<String>) -> Self {
        self.trace_id = Some(trace_id.into());
        self
    }

    /// Filter: the span with this id.
    pub fn span_id(mut self, span_id: impl Into<String>) -> Self {
        self.span_id = Some(span_id.into());
        self
    }

    /// Filter: the children of this span.
    pub fn parent_id(mut self, parent_id: impl Into<String>) -> Self {
        self.parent_id = Some(parent_id.into());
        self
    }

    /// Filter: spans named exactly `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(NameMatch::Exact(name.into()));
        self
    }

    /// Filter: spans whose name contains `text`.
    pub fn name_contains(mut self, text: impl Into<String>) -> Self {
        self.name = Some(NameMatch::Contains(text.into()));
        self
    }

    /// Combine the filters with OR instead of AND.
    pub fn any(mut self) -> Self {
        self.logic = Logic::Any;
        self
    }

    /// Sort order by sequence id.
    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// At most `limit` spans.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip the first `offset` matching spans.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// `true` when `span` passes the span filters (not rollout or attempt).
    pub(crate) fn filters_match(&self, span: &SpanRecord) -> bool {
        let checks = [
            self.trace_id.as_ref().map(|id| &span.trace_id == id),
            self.span_id.as_ref().map(|id| &span.span_id == id),
            self.parent_id
                .as_ref()
                .map(|id| span.parent_id.as_ref() == Some(id)),
            self.name.as_ref().map(|name| match name {
                NameMatch::Exact(text) => &span.name == text,
                NameMatch::Contains(text) => span.name.contains(text.as_str()),
            }),
        ];
        let mut given = checks.iter().flatten().peekable();
        if given.peek().is_none() {
            return true;
        }
        match self.logic {
            Logic::All => given.all(|ok| *ok),
            Logic::Any => given.any(|ok| *ok),
        }
    }
}

/// The answer to a [`Query`]: one page of spans and how many matched in all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The spans of the page, in the query's order.
    pub spans: Vec<SpanRecord>,
    /// How many spans matched, before limit and offset.
    pub total: usize,
}

/// The `WHERE` clause of an SQL backend's query: the scope conditions (rollout, attempt,
/// trace) all hold, and the filters are joined as `logic` says. Empty when there are none.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn sql_where<S: std::borrow::Borrow<str>>(
    mut scope: Vec<String>,
    filters: &[S],
    logic: Logic,
) -> String {
    if !filters.is_empty() {
        let joiner = if logic == Logic::Any { " OR " } else { " AND " };
        scope.push(format!("({})", filters.join(joiner)));
    }
    if scope.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", scope.join(" AND "))
    }
}
