//! The life of one traced call's span: started by [`start`], filled at start by a
//! [`Recorder`], ended exactly once by [`SpanGuard::finish_with`] or, if the call never
//! completes, by the guard's `Drop` (status ERROR with `error.type` `cancelled` or `panic`).

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use opentelemetry::trace::{Span as _, SpanBuilder, Status, TraceContextExt, Tracer as _};
use opentelemetry::{Context, ContextGuard, KeyValue, Value};
use opentelemetry_sdk::trace::Span;

use crate::capture::{Capture, Notes};
use crate::kind::{OperationKind, SpanMeta};
use crate::{activation, pipeline, semconv, settings};

/// Starts the span of a traced call, or returns `None` at the cost of one atomic load when
/// tracing is off. `self_type` is `Self` for a method; `fill` runs only when the span
/// records.
#[inline(always)]
pub fn start(
    meta: &'static SpanMeta,
    self_type: Option<&'static str>,
    fill: impl FnOnce(&mut Recorder<'_>),
) -> Option<SpanGuard> {
    if !activation::is_active() {
        return None;
    }
    start_active(meta, self_type, fill)
}

/// The part of [`start`] that runs when tracing is on. Never inlined: the traced function
/// keeps only the check of the switch, so that it stays small enough to be inlined where
/// the plain function would be.
#[inline(never)]
fn start_active(
    meta: &'static SpanMeta,
    self_type: Option<&'static str>,
    fill: impl FnOnce(&mut Recorder<'_>),
) -> Option<SpanGuard> {
    let parent = Context::current();
    let tracer = pipeline::tracer_for(&parent)?;
    // What is known before the call goes to the builder, as the raw SDK is given it: one
    // vector, seen by the sampler, instead of one `set_attribute` each.
    let mut attributes = Vec::with_capacity(static_attribute_count(meta));
    write_static_attributes(meta, self_type, &mut attributes);
    let mut builder =
        SpanBuilder::from_name(default_name(meta, self_type)).with_kind(meta.kind.span_kind());
    builder.attributes = Some(attributes);
    let mut span = tracer.build_with_context(builder, &parent);
    let recording = span.is_recording();
    let mut notes = None;
    if recording {
        let mut recorder = Recorder {
            span: &mut span,
            meta,
            self_type,
            subject_set: meta.subject.is_some(),
            input: None,
        };
        fill(&mut recorder);
        recorder.write_filled_attributes();
        notes = recorder.take_notes();
    }
    Some(SpanGuard {
        cx: parent.with_span(span),
        kind: meta.kind,
        recording,
        notes,
        ended: AtomicBool::new(false),
        started: meta.streaming.then(Instant::now),
        capture_output: meta
            .capture_output
            .unwrap_or_else(settings::capture_content),
    })
}

/// How many attributes [`write_static_attributes`] writes. The vector is made that size
/// exactly: it becomes the span's own, and a larger one costs more to allocate and to free
/// (on the export thread) than growing it once for the span that gets more.
fn static_attribute_count(meta: &SpanMeta) -> usize {
    let subject = meta.subject.is_some() && meta.kind.subject_attribute().is_some();
    2 + usize::from(meta.operation.is_some())
        + usize::from(meta.provider.is_some())
        + usize::from(subject)
        + usize::from(meta.description.is_some())
}

/// The attributes known from the function alone (and its `Self` type).
fn write_static_attributes(
    meta: &'static SpanMeta,
    self_type: Option<&'static str>,
    attributes: &mut Vec<KeyValue>,
) {
    let function = match self_type {
        Some(type_name) => Value::from(format!("{type_name}::{}", meta.function_name)),
        None => Value::from(meta.function),
    };
    attributes.push(KeyValue::new(semconv::CODE_FUNCTION_NAME, function));
    attributes.push(KeyValue::new(
        semconv::OPENINFERENCE_SPAN_KIND,
        meta.kind.openinference_kind(),
    ));
    if let Some(operation) = meta.operation {
        attributes.push(KeyValue::new(semconv::GEN_AI_OPERATION_NAME, operation));
    }
    if let Some(provider) = meta.provider {
        attributes.push(KeyValue::new(semconv::GEN_AI_PROVIDER_NAME, provider));
    }
    if let (Some(subject), Some(key)) = (meta.subject, meta.kind.subject_attribute()) {
        attributes.push(KeyValue::new(key, subject));
    }
    if let Some(description) = meta.description {
        let key = match meta.kind {
            OperationKind::Tool => semconv::GEN_AI_TOOL_DESCRIPTION,
            _ => semconv::GEN_AI_AGENT_DESCRIPTION,
        };
        attributes.push(KeyValue::new(key, description));
    }
    debug_assert_eq!(attributes.len(), static_attribute_count(meta));
}

/// The span's name before `fill` runs: an agent method with no subject named at compile
/// time is named after its `Self` type.
#[inline]
fn default_name(meta: &'static SpanMeta, self_type: Option<&'static str>) -> Cow<'static, str> {
    match (meta.subject, meta.kind, self_type) {
        (None, OperationKind::Agent, Some(type_name)) => {
            Cow::Owned(format!("invoke_agent {}", short_type_name(type_name)))
        }
        _ => Cow::Borrowed(meta.name),
    }
}

/// Makes the span current on this thread until the returned guard is dropped.
#[inline]
pub fn attach(span: &Option<SpanGuard>) -> Option<ContextGuard> {
    span.as_ref().map(SpanGuard::attach)
}

/// Ends the span with the outcome `handler` reads from the call's return value.
#[inline]
pub fn finish<T: ?Sized>(
    span: Option<SpanGuard>,
    value: &T,
    handler: impl FnOnce(&mut Outcome, &T),
) {
    if let Some(span) = span {
        span.finish_with(|outcome| handler(outcome, value));
    }
}

/// Runs a sync function's body with its span current, then ends the span with the outcome
/// `handler` reads from the return value. Never inlined, like `start_active`: the traced
/// function's own code is the check of the switch and the body.
#[inline(never)]
pub fn run_in_span<T>(
    span: SpanGuard,
    body: impl FnOnce() -> T,
    handler: impl FnOnce(&mut Outcome, &T),
) -> T {
    let value = {
        let _current = span.attach();
        body()
    };
    span.finish_with(|outcome| handler(outcome, &value));
    value
}

/// Writes what is known when a span starts: the dynamic parts given by the macro options
/// and the captured arguments.
pub struct Recorder<'a> {
    span: &'a mut Span,
    meta: &'static SpanMeta,
    self_type: Option<&'static str>,
    subject_set: bool,
    /// The arguments' JSON object, made by the first one captured.
    input: Option<Capture>,
}

impl Recorder<'_> {
    /// The span being started, for extractors that add attributes.
    pub(crate) fn span_mut(&mut self) -> &mut Span {
        self.span
    }

    /// The static data of the traced function.
    pub(crate) fn meta(&self) -> &'static SpanMeta {
        self.meta
    }

    /// `true` once the span's subject (model, agent or tool name) was set.
    pub(crate) fn has_subject(&self) -> bool {
        self.subject_set
    }

    /// `true` when the arguments should be captured into `input.value`.
    #[inline]
    pub fn capture_input(&self) -> bool {
        self.meta
            .capture_input
            .unwrap_or_else(settings::capture_content)
    }

    fn input_capture(&mut self) -> &mut Capture {
        self.input
            .get_or_insert_with(|| Capture::object(semconv::INPUT_VALUE))
    }

    /// Captures one argument: `write` writes its JSON text (redacted, within the length
    /// limit).
    pub fn input(&mut self, name: &str, write: impl FnOnce(&mut Capture)) {
        self.input_capture().entry(name, write);
    }

    /// Adds what another captured attribute of this span redacted or cut (see
    /// `capture::capture_json`), for `agentrace.redacted` / `agentrace.truncated`.
    pub(crate) fn add_notes(&mut self, notes: Notes) {
        if !notes.is_empty() {
            self.input_capture().add_notes(notes);
        }
    }

    #[inline]
    fn take_notes(&mut self) -> Option<Box<Notes>> {
        let notes = self.input.as_mut()?.take_notes();
        (!notes.is_empty()).then(|| Box::new(notes))
    }

    /// Sets the span's subject (model, agent name, tool name or format target) from a value
    /// known only at run time, renaming the span `{operation} {subject}`.
    pub fn subject(&mut self, subject: Option<Value>) {
        let Some(subject) = subject else { return };
        let text = subject.as_str();
        if let Some(operation) = self.meta.operation {
            self.span.update_name(format!("{operation} {text}"));
        }
        if let Some(key) = self.meta.kind.subject_attribute() {
            self.span.set_attribute(KeyValue::new(key, subject));
        }
        self.subject_set = true;
    }

    /// Sets an attribute; `None` leaves it out.
    pub fn attribute(&mut self, key: &'static str, value: Option<Value>) {
        if let Some(value) = value {
            self.span.set_attribute(KeyValue::new(key, value));
        }
    }

    /// What is known once `fill` ran: the default subject when none was found, and the
    /// captured arguments.
    fn write_filled_attributes(&mut self) {
        if !self.subject_set {
            self.write_default_subject();
        }
        if let Some(input) = self.input.as_mut().and_then(Capture::finish) {
            self.span
                .set_attribute(KeyValue::new(semconv::INPUT_VALUE, input));
            self.span
                .set_attribute(KeyValue::new(semconv::INPUT_MIME_TYPE, semconv::MIME_JSON));
        }
    }

    /// With no subject named at compile time or found by `fill`, an agent method is named
    /// after its `Self` type (the span already is, see [`default_name`]), and other agents
    /// and tools after their function.
    fn write_default_subject(&mut self) {
        let meta = self.meta;
        let subject = match (meta.kind, self.self_type) {
            (OperationKind::Agent, Some(type_name)) => short_type_name(type_name),
            (OperationKind::Agent | OperationKind::Tool, _) => meta.function_name,
            _ => return,
        };
        if let Some(key) = meta.kind.subject_attribute() {
            self.span.set_attribute(KeyValue::new(key, subject));
        }
    }
}

/// `my_crate::agents::Planner<T>` becomes `Planner`.
fn short_type_name(type_name: &'static str) -> &'static str {
    let path = type_name.split('<').next().unwrap_or(type_name);
    path.rsplit("::").next().unwrap_or(path)
}

/// An error as recorded on a span.
#[derive(Debug)]
pub struct ErrorInfo {
    /// `error.type`.
    pub class: Cow<'static, str>,
    /// The status description and `exception.message`.
    pub message: String,
}

/// What a call produced, read from its return value (or a stream's items) by the handler
/// the macro generates.
#[derive(Debug)]
pub struct Outcome {
    kind: OperationKind,
    capture_output: bool,
    sequence: bool,
    /// The output's JSON text, made by the first value captured.
    output: Option<Capture>,
    error: Option<ErrorInfo>,
    /// Attributes read from the return value by extractors, written when the span ends.
    pub(crate) attributes: Vec<KeyValue>,
    /// A streamed response being rebuilt from its chunks.
    pub(crate) fold: Option<Box<crate::genai::ChunkFold>>,
}

impl Outcome {
    fn new(kind: OperationKind, capture_output: bool, sequence: bool) -> Self {
        Outcome {
            kind,
            capture_output,
            sequence,
            output: None,
            error: None,
            attributes: Vec::new(),
            fold: None,
        }
    }

    /// The operation kind of the span.
    pub(crate) fn kind(&self) -> OperationKind {
        self.kind
    }

    /// `true` when the return value should be captured into `output.value`.
    pub fn capture_output(&self) -> bool {
        self.capture_output
    }

    /// Captures the output: `write` writes its JSON text (redacted, within the length
    /// limit). For streams and iterators each call adds one item to a JSON array; items past
    /// the limit are counted, and the array ends with `"…[+N items]"`.
    pub fn output(&mut self, write: impl FnOnce(&mut Capture)) {
        let sequence = self.sequence;
        let output = self.output_capture();
        if sequence {
            output.item(write);
        } else {
            output.set(write);
        }
    }

    fn output_capture(&mut self) -> &mut Capture {
        let sequence = self.sequence;
        self.output.get_or_insert_with(|| {
            if sequence {
                Capture::array(semconv::OUTPUT_VALUE, settings::max_stream_output_bytes())
            } else {
                Capture::single(semconv::OUTPUT_VALUE)
            }
        })
    }

    /// Adds what another captured attribute of this span redacted or cut (see
    /// `capture::capture_json`), for `agentrace.redacted` / `agentrace.truncated`.
    pub(crate) fn add_notes(&mut self, notes: Notes) {
        if !notes.is_empty() {
            self.output_capture().add_notes(notes);
        }
    }

    /// Records an error, its message redacted; the first one recorded is kept.
    pub fn error(&mut self, class: Cow<'static, str>, message: String) {
        if self.error.is_none() {
            let message = match crate::capture::redact_str(&message) {
                Cow::Borrowed(_) => message,
                Cow::Owned(redacted) => redacted,
            };
            self.error = Some(ErrorInfo { class, message });
        }
    }

    fn output_text(&mut self) -> Option<String> {
        if !self.capture_output {
            return None;
        }
        if self.sequence {
            // A stream's output is an array even with no items: `[]`.
            return self.output_capture().finish();
        }
        self.output.as_mut()?.finish()
    }
}

/// An open span of a traced call. Ends exactly once: through [`SpanGuard::finish_with`], or
/// on drop as cancelled (or panicked, when dropped while unwinding).
#[derive(Debug)]
pub struct SpanGuard {
    cx: Context,
    kind: OperationKind,
    recording: bool,
    /// What capturing the arguments redacted or cut.
    notes: Option<Box<Notes>>,
    ended: AtomicBool,
    started: Option<Instant>,
    capture_output: bool,
}

impl SpanGuard {
    /// Makes the span current on this thread until the returned guard is dropped.
    #[inline]
    pub fn attach(&self) -> ContextGuard {
        self.cx.clone().attach()
    }

    /// The context holding the span.
    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// `true` when the span records (it is sampled and a pipeline is listening).
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// Notes on a model call's span that its response is streamed
    /// (`gen_ai.request.stream`): a client may set the request's flag only after the span
    /// read the request, as async-openai's `create_stream` does.
    pub(crate) fn mark_streamed(&self) {
        if self.recording && self.kind == OperationKind::Llm {
            self.cx
                .span()
                .set_attribute(KeyValue::new(semconv::GEN_AI_REQUEST_STREAM, true));
        }
    }

    pub(crate) fn started(&self) -> Instant {
        self.started.unwrap_or_else(Instant::now)
    }

    pub(crate) fn new_outcome(&self, sequence: bool) -> Outcome {
        Outcome::new(self.kind, self.capture_output, sequence)
    }

    /// Ends the span with the outcome `read` records.
    pub fn finish_with(self, read: impl FnOnce(&mut Outcome)) {
        let mut outcome = self.new_outcome(false);
        if self.recording {
            read(&mut outcome);
        }
        self.end(outcome);
    }

    /// Ends the span as failed without a return value: cancelled, or panicked when called
    /// while unwinding. An error recorded already (an `Err` item a consumer stopped at, as
    /// `try_collect` or `?` do) wins: the span keeps its type and message.
    pub(crate) fn end_abandoned(&self, mut outcome: Outcome) {
        if outcome.error.is_none() {
            let (class, message) = if std::thread::panicking() {
                ("panic", "the traced call panicked")
            } else {
                ("cancelled", "dropped before completion")
            };
            outcome.error = Some(ErrorInfo {
                class: Cow::Borrowed(class),
                message: message.to_owned(),
            });
        }
        self.end(outcome);
    }

    /// Ends the span once; later calls do nothing.
    pub(crate) fn end(&self, mut outcome: Outcome) {
        // A load and a store, not a swap: the guard is ended by its owner, on the thread
        // that holds it (a `&SpanGuard` is only lent to the poll or step running on that
        // thread), so no two threads race here, and a locked read-modify-write would cost
        // more than the rest of this check.
        if self.ended.load(Ordering::Acquire) {
            return;
        }
        self.ended.store(true, Ordering::Release);
        let span = self.cx.span();
        if !self.recording {
            span.end();
            return;
        }
        let mut attributes = std::mem::take(&mut outcome.attributes);
        if let Some(output) = outcome.output_text() {
            attributes.push(KeyValue::new(semconv::OUTPUT_VALUE, output));
            attributes.push(KeyValue::new(semconv::OUTPUT_MIME_TYPE, semconv::MIME_JSON));
        }
        let output_notes = outcome
            .output
            .as_mut()
            .map(Capture::take_notes)
            .filter(|notes| !notes.is_empty());
        if self.notes.is_some() || output_notes.is_some() {
            let mut notes = self.notes.as_deref().cloned().unwrap_or_default();
            notes.merge(output_notes.unwrap_or_default());
            notes.write(&mut attributes);
        }
        let status = match outcome.error {
            None => Status::Ok,
            Some(ErrorInfo { class, message }) => {
                attributes.push(KeyValue::new(semconv::ERROR_TYPE, class.clone()));
                add_exception_event(&span, class, message.clone());
                Status::error(message)
            }
        };
        if !attributes.is_empty() {
            span.set_attributes(attributes);
        }
        // A span marked failed from inside keeps that error over the OK of a normal return.
        let marked = crate::marks::MARKED.take(span.span_context().span_id());
        if !(marked && status == Status::Ok) {
            span.set_status(status);
        }
        span.end();
    }

    pub(crate) fn is_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }
}

/// Adds the `exception` event of a failure: its class (`error.type`) and message.
pub(crate) fn add_exception_event(
    span: &opentelemetry::trace::SpanRef<'_>,
    class: Cow<'static, str>,
    message: String,
) {
    span.add_event(
        semconv::EXCEPTION_EVENT,
        vec![
            KeyValue::new(semconv::EXCEPTION_TYPE, class),
            KeyValue::new(semconv::EXCEPTION_MESSAGE, message),
        ],
    );
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        if !self.is_ended() {
            let outcome = self.new_outcome(false);
            self.end_abandoned(outcome);
        }
    }
}

impl SpanGuard {
    /// Runs one step of a future, stream or iterator (a poll, a `next`) with the span
    /// current; a panic inside ends the span as panicked before it unwinds further.
    #[inline]
    pub(crate) fn step<T>(&self, step: impl FnOnce() -> T) -> T {
        let _current = self.attach();
        let watch = PanicWatch(self);
        let stepped = step();
        std::mem::forget(watch);
        stepped
    }
}

/// Ends a span as panicked if dropped while unwinding; forgotten when the step returns.
struct PanicWatch<'a>(&'a SpanGuard);

impl Drop for PanicWatch<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.0.is_ended() {
            let outcome = self.0.new_outcome(false);
            self.0.end_abandoned(outcome);
        }
    }
}
