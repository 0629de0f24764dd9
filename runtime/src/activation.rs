//! The one switch the hot path reads: is any span worth starting?
//!
//! A traced call first loads [`ACTIVE`]. It is `true` while a pipeline is installed and not
//! switched off, or while at least one span collection scope (such as
//! [`testing::capture`](crate::testing::capture)) is open. Everything else is derived from
//! those inputs under a lock, so the hot path stays a single relaxed atomic load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Read on every traced call: `false` means call the function straight through. Alone on
/// its cache line, so that no other static written by another thread (a collector's
/// counter, a lock) makes this read miss the cache.
static ACTIVE: CacheLine = CacheLine(AtomicBool::new(false));

/// An atomic flag aligned to (and so alone on) a 64-byte cache line.
#[repr(align(64))]
struct CacheLine(AtomicBool);

/// The inputs [`ACTIVE`] is derived from.
struct Inputs {
    installed: bool,
    switched_off: bool,
    open_scopes: usize,
}

static INPUTS: Mutex<Inputs> = Mutex::new(Inputs {
    installed: false,
    switched_off: false,
    open_scopes: 0,
});

fn update(change: impl FnOnce(&mut Inputs)) {
    let mut inputs = INPUTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    change(&mut inputs);
    let active = (inputs.installed && !inputs.switched_off) || inputs.open_scopes > 0;
    ACTIVE.0.store(active, Ordering::Release);
}

/// `true` when a traced call should try to start a span.
#[inline(always)]
pub(crate) fn is_active() -> bool {
    ACTIVE.0.load(Ordering::Relaxed)
}

/// Marks a pipeline as installed (or removed) for the whole process.
pub(crate) fn set_installed(installed: bool) {
    update(|inputs| inputs.installed = installed);
}

/// Switches tracing off or back on at run time
/// ([`TracingHandle::set_enabled`](crate::TracingHandle::set_enabled)), without touching the installed pipeline.
pub(crate) fn set_switched_off(off: bool) {
    update(|inputs| inputs.switched_off = off);
}

/// `true` while tracing is switched off.
pub(crate) fn is_switched_off() -> bool {
    INPUTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .switched_off
}

/// Keeps traced calls active while a collection scope is open.
#[must_use]
pub(crate) struct ScopeHold(());

impl ScopeHold {
    pub(crate) fn open() -> Self {
        update(|inputs| inputs.open_scopes += 1);
        ScopeHold(())
    }
}

impl Drop for ScopeHold {
    fn drop(&mut self) {
        update(|inputs| inputs.open_scopes -= 1);
    }
}
