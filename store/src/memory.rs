//! [`MemoryStore`]: spans kept in memory within a byte budget, the oldest rollouts evicted
//! first.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};

use crate::query::{Attempt, Order, Page, Query};
use crate::record::SpanRecord;
use crate::summary::TraceSummary;
use crate::{check_ids, SpanStore, StoreError};

/// A span store in memory, bounded by a byte budget.
///
/// A span's size is the length of its JSON form. When the spans held pass the budget, whole
/// rollouts are evicted, oldest first (by when their first span was stored), until they fit;
/// querying or writing to an evicted rollout is then [`StoreError::Evicted`]. Spans without a
/// rollout form one group that is evicted like a rollout and may fill again.
///
/// ```
/// use agentrace_store::{MemoryStore, Query, SpanStore, StoreError};
/// # use agentrace_store::SpanRecord;
/// # fn span(rollout: &str, id: &str) -> SpanRecord {
/// #     serde_json::from_value(serde_json::json!({"trace_id": "01", "span_id": id, "name": "x",
/// #         "start_time": 1, "end_time": 2, "rollout_id": rollout, "attempt_id": "a"})).unwrap()
/// # }
/// let store = MemoryStore::new(600);
/// for n in 0..10 {
///     store.add_span(span(&format!("r{n}"), &format!("{n}"))).unwrap();
/// }
/// assert!(matches!(store.query(&Query::rollout("r0")), Err(StoreError::Evicted { .. })));
/// assert_eq!(store.query(&Query::rollout("r9")).unwrap().total, 1);
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    groups: HashMap<String, Group>,
    /// Group keys, oldest first; `""` is the group of spans without a rollout.
    order: VecDeque<String>,
    /// Where each stored span is: (trace id, span id) to group key.
    index: HashMap<(String, String), String>,
    evicted: HashSet<String>,
    bytes: usize,
    stored: u64,
}

#[derive(Debug, Default)]
struct Group {
    /// The last sequence id issued.
    counter: u64,
    /// Stored spans with their storing order and size; `None` once moved to a rollout.
    spans: Vec<Option<Entry>>,
    positions: HashMap<(String, String), usize>,
    /// Attempt ids in the order their first span was stored.
    attempts: Vec<String>,
    bytes: usize,
}

#[derive(Debug)]
struct Entry {
    stored: u64,
    bytes: usize,
    record: SpanRecord,
}

impl MemoryStore {
    /// A store holding at most about `budget_bytes` of spans.
    pub fn new(budget_bytes: usize) -> Self {
        MemoryStore {
            budget: budget_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The bytes of spans held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn key_of(rollout: &Option<String>) -> String {
    rollout.clone().unwrap_or_default()
}

impl Inner {
    fn check_not_evicted(&self, key: &str) -> Result<(), StoreError> {
        if self.evicted.contains(key) {
            return Err(StoreError::Evicted {
                rollout_id: key.to_owned(),
            });
        }
        Ok(())
    }

    fn group(&mut self, key: &str) -> &mut Group {
        if !self.groups.contains_key(key) {
            self.order.push_back(key.to_owned());
        }
        self.groups.entry(key.to_owned()).or_default()
    }

    /// Stores one span, or returns `None` when it is stored already.
    fn add(&mut self, mut span: SpanRecord) -> Option<SpanRecord> {
        let id = (span.trace_id.clone(), span.span_id.clone());
        let key = key_of(&span.rollout_id);
        match self.index.get(&id) {
            Some(existing) if existing.is_empty() && !key.is_empty() => self.take_out("", &id),
            Some(_) => return None,
            None => {}
        }
        let bytes = serde_json::to_vec(&span).map_or(0, |json| json.len());
        self.stored += 1;
        let stored = self.stored;
        let group = self.group(&key);
        if span.sequence_id == 0 {
            span.sequence_id = group.counter + 1;
        }
        group.counter = group.counter.max(span.sequence_id);
        if let Some(attempt) = &span.attempt_id {
            if !group.attempts.contains(attempt) {
                group.attempts.push(attempt.clone());
            }
        }
        group.positions.insert(id.clone(), group.spans.len());
        group.spans.push(Some(Entry {
            stored,
            bytes,
            record: span.clone(),
        }));
        group.bytes += bytes;
        self.bytes += bytes;
        self.index.insert(id, key);
        Some(span)
    }

    fn take_out(&mut self, key: &str, id: &(String, String)) {
        let Some(group) = self.groups.get_mut(key) else {
            return;
        };
        let Some(position) = group.positions.remove(id) else {
            return;
        };
        if let Some(entry) = group.spans[position].take() {
            group.bytes -= entry.bytes;
            self.bytes -= entry.bytes;
        }
        self.index.remove(id);
    }

    fn evict_to(&mut self, budget: usize) {
        while self.bytes > budget {
            let Some(key) = self.order.pop_front() else {
                return;
            };
            if let Some(group) = self.groups.remove(&key) {
                self.bytes -= group.bytes;
                for id in group.positions.keys() {
                    self.index.remove(id);
                }
            }
            if !key.is_empty() {
                self.evicted.insert(key);
            }
        }
    }
}

impl SpanStore for MemoryStore {
    fn add_spans(&self, spans: Vec<SpanRecord>) -> Result<Vec<SpanRecord>, StoreError> {
        let mut inner = self.lock();
        for span in &spans {
            check_ids(span)?;
            inner.check_not_evicted(&key_of(&span.rollout_id))?;
        }
        let stored: Vec<SpanRecord> = spans.into_iter().filter_map(|s| inner.add(s)).collect();
        inner.evict_to(self.budget);
        Ok(stored)
    }

    fn next_sequence_id(&self, rollout_id: Option<&str>) -> Result<u64, StoreError> {
        let key = rollout_id.unwrap_or_default();
        let mut inner = self.lock();
        inner.check_not_evicted(key)?;
        let group = inner.group(key);
        group.counter += 1;
        Ok(group.counter)
    }

    fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let inner = self.lock();
        let groups: Vec<&Group> = match &query.rollout_id {
            Some(rollout) => {
                inner.check_not_evicted(rollout)?;
                inner.groups.get(rollout).into_iter().collect()
            }
            None if query.attempt.is_some() => {
                return Err(StoreError::Invalid(
                    "an attempt filter needs a rollout".into(),
                ))
            }
            None => inner.groups.values().collect(),
        };
        let mut matched: Vec<&Entry> = Vec::new();
        for group in groups {
            let attempt = match &query.attempt {
                None => None,
                Some(Attempt::Id(id)) => Some(id.as_str()),
                Some(Attempt::Latest) => match group.attempts.last() {
                    Some(latest) => Some(latest.as_str()),
                    None => continue,
                },
            };
            matched.extend(group.spans.iter().flatten().filter(|entry| {
                attempt.is_none_or(|id| entry.record.attempt_id.as_deref() == Some(id))
                    && query.filters_match(&entry.record)
            }));
        }
        matched.sort_by_key(|entry| (entry.record.sequence_id, entry.stored));
        if query.order == Order::Descending {
            matched.reverse();
        }
        let total = matched.len();
        let spans = matched
            .into_iter()
            .skip(query.offset)
            .take(query.limit.unwrap_or(usize::MAX))
            .map(|entry| entry.record.clone())
            .collect();
        Ok(Page { spans, total })
    }

    fn traces(&self, limit: usize) -> Result<Vec<TraceSummary>, StoreError> {
        let inner = self.lock();
        let mut entries: Vec<&Entry> = inner
            .groups
            .values()
            .flat_map(|group| group.spans.iter().flatten())
            .collect();
        entries.sort_by_key(|entry| entry.stored);
        let mut by_trace: HashMap<&str, (TraceSummary, Option<u64>)> = HashMap::new();
        for entry in entries {
            let span = &entry.record;
            let (summary, root_start) = by_trace
                .entry(span.trace_id.as_str())
                .or_insert_with(|| (TraceSummary::start(span), None));
            summary.add(span, root_start);
        }
        let mut summaries: Vec<TraceSummary> = by_trace.into_values().map(|(s, _)| s).collect();
        summaries.sort_by(|a, b| {
            b.start_time
                .cmp(&a.start_time)
                .then(a.trace_id.cmp(&b.trace_id))
        });
        summaries.truncate(limit);
        Ok(summaries)
    }
}
