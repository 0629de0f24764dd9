//! Process-wide settings read while spans record: content capture and value size limits.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Every setting, read by each span that records and written only when the application
/// configures. Alone on its cache line(s): a static that another thread writes often (an
/// export counter, a lock) sharing the line would make each of these reads a cache miss.
#[repr(align(64))]
struct Settings {
    capture_content: AtomicBool,
    openinference: AtomicBool,
    max_output_bytes: AtomicUsize,
    max_attribute_bytes: AtomicUsize,
    max_capture_depth: AtomicUsize,
}

static SETTINGS: Settings = Settings {
    capture_content: AtomicBool::new(true),
    openinference: AtomicBool::new(true),
    max_output_bytes: AtomicUsize::new(DEFAULT_MAX_OUTPUT_BYTES),
    max_attribute_bytes: AtomicUsize::new(DEFAULT_MAX_ATTRIBUTE_BYTES),
    max_capture_depth: AtomicUsize::new(DEFAULT_MAX_CAPTURE_DEPTH),
};

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
    SETTINGS.capture_content.store(capture, Ordering::Relaxed);
}

/// `true` when arguments and return values are captured by default.
pub fn capture_content() -> bool {
    SETTINGS.capture_content.load(Ordering::Relaxed)
}

/// Sets the cap on the JSON text captured from the items of a traced stream or iterator
/// (the per-attribute limit, [`set_max_attribute_bytes`], applies too: the smaller wins).
/// Items past the cap are counted but not captured: the array ends with an element
/// `"…[+N items]"` and the span lists `output.value` in `agentrace.truncated`.
pub fn set_max_stream_output_bytes(bytes: usize) {
    SETTINGS.max_output_bytes.store(bytes, Ordering::Relaxed);
}

pub(crate) fn max_stream_output_bytes() -> usize {
    SETTINGS.max_output_bytes.load(Ordering::Relaxed)
}

/// Switches the OpenInference mirrors (`llm.model_name`, `llm.provider`,
/// `llm.token_count.*`, `tool.name`) on or off; on by default, so that Arize Phoenix shows
/// models and token counts. `openinference.span.kind` is always written.
pub fn set_openinference(mirror: bool) {
    SETTINGS.openinference.store(mirror, Ordering::Relaxed);
}

/// `true` when GenAI attributes are mirrored under their OpenInference names.
pub fn openinference() -> bool {
    SETTINGS.openinference.load(Ordering::Relaxed)
}

/// The default limit on the JSON text of one captured attribute (`input.value`,
/// `output.value`, GenAI content): 32 KiB.
pub const DEFAULT_MAX_ATTRIBUTE_BYTES: usize = 32 * 1024;

/// The default nesting depth past which captured values are cut: 64.
pub const DEFAULT_MAX_CAPTURE_DEPTH: usize = 64;

/// Sets the limit on the JSON text of one captured attribute, enforced while it is
/// written. The text stays valid JSON: a string cut short ends with `…[+N bytes]`, an array
/// or object whose elements no longer fit ends with a last element `"…[+N items]"` or entry
/// `"…": "[+N entries]"`, and the span lists the attribute in `agentrace.truncated`. The
/// limit can be passed by a few dozen bytes (the markers and closing brackets).
///
/// ```
/// agentrace::set_max_attribute_bytes(1024);
/// assert_eq!(agentrace::max_attribute_bytes(), 1024);
/// agentrace::set_max_attribute_bytes(agentrace::DEFAULT_MAX_ATTRIBUTE_BYTES);
/// ```
pub fn set_max_attribute_bytes(bytes: usize) {
    SETTINGS.max_attribute_bytes.store(bytes, Ordering::Relaxed);
}

/// The limit on the JSON text of one captured attribute.
pub fn max_attribute_bytes() -> usize {
    SETTINGS.max_attribute_bytes.load(Ordering::Relaxed)
}

/// Sets the nesting depth past which captured values are written as `"…[depth limit]"`
/// (so that deeply nested values never exhaust the stack).
pub fn set_max_capture_depth(depth: usize) {
    SETTINGS.max_capture_depth.store(depth, Ordering::Relaxed);
}

/// The nesting depth past which captured values are cut.
pub fn max_capture_depth() -> usize {
    SETTINGS.max_capture_depth.load(Ordering::Relaxed)
}
