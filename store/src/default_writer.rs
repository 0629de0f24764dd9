//! The process's default store writer: where rollout scopes write when they are given no
//! writer of their own. The embedded store's exporter sets it when tracing starts, so that
//! spans exported and spans of rollouts reach the same file.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::StoreWriter;

static DEFAULT_WRITER: Mutex<Option<Arc<StoreWriter>>> = Mutex::new(None);

fn lock() -> MutexGuard<'static, Option<Arc<StoreWriter>>> {
    DEFAULT_WRITER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sets (or with `None` clears) the writer that rollout scopes write to by default.
///
/// ```
/// use std::sync::Arc;
/// use agentrace_store::{default_writer, set_default_writer, MemoryStore, StoreWriter};
///
/// let writer = StoreWriter::spawn(Arc::new(MemoryStore::new(1 << 20))).unwrap();
/// set_default_writer(Some(writer.clone()));
/// assert!(Arc::ptr_eq(&default_writer().unwrap(), &writer));
/// set_default_writer(None);
/// assert!(default_writer().is_none());
/// ```
pub fn set_default_writer(writer: Option<Arc<StoreWriter>>) {
    *lock() = writer;
}

/// Sets the default writer unless one is set already.
pub fn set_default_writer_if_unset(writer: Arc<StoreWriter>) {
    lock().get_or_insert(writer);
}

/// The writer rollout scopes write to by default, if one is set.
pub fn default_writer() -> Option<Arc<StoreWriter>> {
    lock().clone()
}
