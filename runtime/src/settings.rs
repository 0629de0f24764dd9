//! Process-wide settings read while spans record: the content switch, the OpenInference
//! mirrors and the capture limits. Written by the builder when tracing starts and by the
//! [`TracingHandle`](crate::TracingHandle) while it runs; read with relaxed loads.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The default cap on the JSON text captured from a stream's or iterator's items: 64 KiB
/// ([`Builder::max_stream_output_bytes`](crate::Builder::max_stream_output_bytes)).
pub const DEFAULT_MAX_STREAM_OUTPUT_BYTES: usize = 64 * 1024;

/// The default limit on the JSON text of one captured attribute (`input.value`,
/// `output.value`, GenAI content): 32 KiB
/// ([`Builder::max_attribute_bytes`](crate::Builder::max_attribute_bytes)).
pub const DEFAULT_MAX_ATTRIBUTE_BYTES: usize = 32 * 1024;

/// The default nesting depth past which captured values are cut: 64
/// ([`Builder::max_capture_depth`](crate::Builder::max_capture_depth)).
pub const DEFAULT_MAX_CAPTURE_DEPTH: usize = 64;

/// Every setting, read by each span that records and written only when the application
/// configures. Alone on its cache line(s): a static that another thread writes often (an
/// export counter, a lock) sharing the line would make each of these reads a cache miss.
#[repr(align(64))]
struct Settings {
    capture_content: AtomicBool,
    openinference: AtomicBool,
    agent_lightning: AtomicBool,
    max_stream_output_bytes: AtomicUsize,
    max_attribute_bytes: AtomicUsize,
    max_capture_depth: AtomicUsize,
}

static SETTINGS: Settings = Settings {
    capture_content: AtomicBool::new(true),
    openinference: AtomicBool::new(true),
    agent_lightning: AtomicBool::new(false),
    max_stream_output_bytes: AtomicUsize::new(DEFAULT_MAX_STREAM_OUTPUT_BYTES),
    max_attribute_bytes: AtomicUsize::new(DEFAULT_MAX_ATTRIBUTE_BYTES),
    max_capture_depth: AtomicUsize::new(DEFAULT_MAX_CAPTURE_DEPTH),
};

/// Capture of arguments and return values for functions that do not say otherwise.
pub(crate) fn set_capture_content(capture: bool) {
    SETTINGS.capture_content.store(capture, Ordering::Relaxed);
}

pub(crate) fn capture_content() -> bool {
    SETTINGS.capture_content.load(Ordering::Relaxed)
}

pub(crate) fn set_max_stream_output_bytes(bytes: usize) {
    SETTINGS
        .max_stream_output_bytes
        .store(bytes, Ordering::Relaxed);
}

pub(crate) fn max_stream_output_bytes() -> usize {
    SETTINGS.max_stream_output_bytes.load(Ordering::Relaxed)
}

pub(crate) fn set_openinference(mirror: bool) {
    SETTINGS.openinference.store(mirror, Ordering::Relaxed);
}

pub(crate) fn openinference() -> bool {
    SETTINGS.openinference.load(Ordering::Relaxed)
}

/// The attributes Agent Lightning's adapters read besides the GenAI ones (flattened
/// `gen_ai.prompt.{i}.*` and `gen_ai.completion.{i}.*`, `agent.name`): written only with its
/// preset, so that other backends get no duplicates.
pub(crate) fn set_agent_lightning(on: bool) {
    SETTINGS.agent_lightning.store(on, Ordering::Relaxed);
}

pub(crate) fn agent_lightning() -> bool {
    SETTINGS.agent_lightning.load(Ordering::Relaxed)
}

pub(crate) fn set_max_attribute_bytes(bytes: usize) {
    SETTINGS.max_attribute_bytes.store(bytes, Ordering::Relaxed);
}

pub(crate) fn max_attribute_bytes() -> usize {
    SETTINGS.max_attribute_bytes.load(Ordering::Relaxed)
}

pub(crate) fn set_max_capture_depth(depth: usize) {
    SETTINGS.max_capture_depth.store(depth, Ordering::Relaxed);
}

pub(crate) fn max_capture_depth() -> usize {
    SETTINGS.max_capture_depth.load(Ordering::Relaxed)
}
