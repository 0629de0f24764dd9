//! The spans marked failed from inside ([`CurrentSpan::mark_error`](crate::CurrentSpan::mark_error)),
//! so that their end does not set status OK over the error.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use opentelemetry::trace::SpanId;

/// Spans marked failed from inside, whose end must not set
/// status OK over the error. Read at every traced call's end: one load while empty.
pub(crate) static MARKED: Marked = Marked {
    count: AtomicUsize::new(0),
    ids: Mutex::new(None),
};

/// A set of span ids with a count that can be read without the lock.
pub(crate) struct Marked {
    count: AtomicUsize,
    ids: Mutex<Option<HashSet<SpanId>>>,
}

impl Marked {
    pub(crate) fn insert(&self, id: SpanId) {
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if ids.get_or_insert_with(HashSet::new).insert(id) {
            self.count.fetch_add(1, Ordering::Release);
        }
    }

    /// `true` (once) when `id` was marked failed; removes the mark.
    #[inline]
    pub(crate) fn take(&self, id: SpanId) -> bool {
        if self.count.load(Ordering::Acquire) == 0 {
            return false;
        }
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let removed = ids.as_mut().is_some_and(|ids| ids.remove(&id));
        if removed {
            self.count.fetch_sub(1, Ordering::Release);
        }
        removed
    }
}
