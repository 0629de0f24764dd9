//! Process-wide settings read while spans record: content capture and value size limits.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static CAPTURE_CONTENT: AtomicBool = AtomicBool::new(true);
static MAX_OUTPUT_BYTES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_OUTPUT_BYTES);

/// The default cap on the JSON text captured from a stream's or iterator's items: 64 KiB.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// Switches capture of arguments and return values (`input.value`, `output.value`) on or
/// off for every traced function that does not say otherwise with `capture_input` or
/// `capture_output`. On by default. With capture off, spans keep their names, kinds,
/// status and the attributes given with `attributes(..)`.
///
/// ```
/// agentrace::set_capture_content(false);
/// assert!(!agentrace::capture_content());
/// agentrace::set_capture_content(true);
/// ```
pub fn set_capture_content(capture: bool) {
    CAPTURE_CONTENT.store(capture, Ordering::Relaxed);
}

/// `true` when arguments and return values are captured by default.
pub fn capture_content() -> bool {
    CAPTURE_CONTENT.load(Ordering::Relaxed)
}

/// Sets the cap on the JSON text captured from the items of a traced stream or iterator.
/// Items past the cap are counted but not captured, and the span gets
/// `agentrace.output.truncated = true`.
pub fn set_max_stream_output_bytes(bytes: usize) {
    MAX_OUTPUT_BYTES.store(bytes, Ordering::Relaxed);
}

pub(crate) fn max_stream_output_bytes() -> usize {
    MAX_OUTPUT_BYTES.load(Ordering::Relaxed)
}
