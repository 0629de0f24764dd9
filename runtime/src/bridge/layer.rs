//! The [`TracingLayer`]: each `tracing` span becomes a span of agentrace's pipeline, parented
//! in the current OpenTelemetry context, and made that context while it is entered.

use std::borrow::Cow;
use std::cell::RefCell;

use opentelemetry::trace::{
    Span as _, SpanBuilder, SpanKind, Status, TraceContextExt, Tracer as _,
};
use opentelemetry::{Context, ContextGuard, KeyValue};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::layer::{Context as LayerContext, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::fields::Fields;
use super::genai::GenAiFields;
use crate::{activation, pipeline, semconv};

/// A [`tracing_subscriber::Layer`] that records `tracing` spans and events through
/// agentrace's pipeline; made by [`tracing_layer`](crate::tracing_layer), where its
/// behaviour is described.
#[derive(Debug, Clone, Default)]
pub struct TracingLayer {
    _private: (),
}

impl TracingLayer {
    /// The layer; the same as [`tracing_layer`](crate::tracing_layer).
    pub fn new() -> Self {
        TracingLayer::default()
    }
}

/// What the layer keeps in a `tracing` span's extensions: the context holding its
/// OpenTelemetry span, and what its fields said so far.
struct Bridged {
    cx: Context,
    recording: bool,
    genai: GenAiFields,
    /// `otel.name`: a name the library chose.
    name: Option<String>,
    status_code: Option<String>,
    status_message: Option<String>,
    error: Option<String>,
    /// `true` once `error.type` was recorded by the library itself.
    error_type_set: bool,
}

impl Bridged {
    /// Takes in the steering fields of `fields` and notes its GenAI attributes.
    fn absorb(&mut self, fields: &mut Fields) {
        for attribute in &fields.attributes {
            self.genai.note(attribute);
            if attribute.key.as_str() == semconv::ERROR_TYPE {
                self.error_type_set = true;
            }
        }
        if let Some(name) = fields.name.take() {
            self.name = Some(name);
        }
        if let Some(code) = fields.status_code.take() {
            self.status_code = Some(code);
        }
        if let Some(message) = fields.status_message.take() {
            self.status_message = Some(message);
        }
        if let Some(error) = fields.error.take() {
            self.error.get_or_insert(error);
        }
    }
}

thread_local! {
    /// The contexts made current by entering bridged spans on this thread, with the id of
    /// the span that entered each one: exiting a span drops its guard, in any order.
    static ENTERED: RefCell<Vec<(Id, ContextGuard)>> = const { RefCell::new(Vec::new()) };
}

fn span_kind(kind: &str) -> Option<SpanKind> {
    Some(match kind {
        "client" => SpanKind::Client,
        "server" => SpanKind::Server,
        "producer" => SpanKind::Producer,
        "consumer" => SpanKind::Consumer,
        "internal" => SpanKind::Internal,
        _ => return None,
    })
}

impl TracingLayer {
    /// The context of a bridged span, if `id` is one.
    fn context_of<S>(id: &Id, ctx: &LayerContext<'_, S>) -> Option<Context>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let span = ctx.span(id)?;
        let extensions = span.extensions();
        extensions
            .get::<Bridged>()
            .map(|bridged| bridged.cx.clone())
    }

    /// The parent of a new span: its explicit `tracing` parent when that one is bridged,
    /// else the current OpenTelemetry context. Entered bridged spans are current there too,
    /// so this is the innermost of the `tracing` span and the agentrace span; a span a
    /// library opens as a root (`parent: None`) also joins the trace it runs in.
    fn parent<S>(attrs: &Attributes<'_>, ctx: &LayerContext<'_, S>) -> Context
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        attrs
            .parent()
            .and_then(|parent| Self::context_of(parent, ctx))
            .unwrap_or_else(Context::current)
    }
}

impl<S> Layer<S> for TracingLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: LayerContext<'_, S>) {
        if !activation::is_active() {
            return;
        }
        let parent = Self::parent(attrs, &ctx);
        let Some(tracer) = pipeline::tracer_for(&parent) else {
            return;
        };
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let mut bridged = Bridged {
            cx: Context::new(),
            recording: false,
            genai: GenAiFields::default(),
            name: None,
            status_code: None,
            status_message: None,
            error: None,
            error_type_set: false,
        };
        bridged.absorb(&mut fields);
        let kind = fields
            .kind
            .as_deref()
            .and_then(span_kind)
            .or_else(|| bridged.genai.span_kind())
            .unwrap_or(SpanKind::Internal);
        let name: Cow<'static, str> = match bridged
            .name
            .clone()
            .or_else(|| bridged.genai.conventional_name())
        {
            Some(name) => Cow::Owned(name),
            None => Cow::Borrowed(attrs.metadata().name()),
        };
        let builder = SpanBuilder::from_name(name)
            .with_kind(kind)
            .with_attributes(fields.attributes);
        let span = tracer.build_with_context(builder, &parent);
        bridged.recording = span.is_recording();
        bridged.cx = parent.with_span(span);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(bridged);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: LayerContext<'_, S>) {
        if !activation::is_active() {
            return;
        }
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        let Some(bridged) = extensions.get_mut::<Bridged>() else {
            return;
        };
        if !bridged.recording {
            return;
        }
        let mut fields = Fields::default();
        values.record(&mut fields);
        bridged.absorb(&mut fields);
        bridged.cx.span().set_attributes(fields.attributes);
    }

    fn on_event(&self, event: &Event<'_>, ctx: LayerContext<'_, S>) {
        if !activation::is_active() {
            return;
        }
        // The span the event belongs to: its explicit parent, else the innermost current
        // span, an agentrace span or an entered bridged one alike.
        let (cx, bridged_id) = match event.parent() {
            Some(parent) => match Self::context_of(parent, &ctx) {
                Some(cx) => (cx, Some(parent.clone())),
                None => return,
            },
            None if event.is_root() => return,
            None => (Context::current(), ctx.current_span().id().cloned()),
        };
        let span = cx.span();
        if !span.is_recording() {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let metadata = event.metadata();
        let mut attributes = fields.attributes;
        attributes.push(KeyValue::new("level", metadata.level().as_str()));
        attributes.push(KeyValue::new("target", metadata.target()));
        if let Some(error) = &fields.error {
            attributes.push(KeyValue::new(semconv::EXCEPTION_MESSAGE, error.clone()));
        }
        let name = fields.message.unwrap_or_else(|| metadata.name().to_owned());
        span.add_event(name, attributes);
        // An `error` field fails the bridged span the event is on (not an agentrace span:
        // those take their status from what the traced function returns).
        let (Some(error), Some(id)) = (fields.error, bridged_id) else {
            return;
        };
        let Some(owner) = ctx.span(&id) else { return };
        let mut extensions = owner.extensions_mut();
        if let Some(bridged) = extensions.get_mut::<Bridged>() {
            if bridged.cx.span().span_context() == span.span_context() {
                bridged.error.get_or_insert(error);
            }
        }
    }

    fn on_enter(&self, id: &Id, ctx: LayerContext<'_, S>) {
        if !activation::is_active() {
            return;
        }
        if let Some(cx) = Self::context_of(id, &ctx) {
            let guard = cx.attach();
            ENTERED.with(|entered| entered.borrow_mut().push((id.clone(), guard)));
        }
    }

    fn on_exit(&self, id: &Id, _ctx: LayerContext<'_, S>) {
        let guard = ENTERED.with(|entered| {
            let mut entered = entered.borrow_mut();
            let position = entered
                .iter()
                .rposition(|(entered_id, _)| entered_id == id)?;
            Some(entered.remove(position))
        });
        drop(guard);
    }

    fn on_close(&self, id: Id, ctx: LayerContext<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(bridged) = span.extensions_mut().remove::<Bridged>() else {
            return;
        };
        finish(bridged);
    }
}

/// Ends a bridged span: its final name, GenAI attributes and status.
fn finish(bridged: Bridged) {
    let span = bridged.cx.span();
    if !bridged.recording {
        span.end();
        return;
    }
    if let Some(name) = bridged
        .name
        .clone()
        .or_else(|| bridged.genai.conventional_name())
    {
        span.update_name(name);
    }
    let mut attributes = bridged.genai.closing_attributes();
    let failure = bridged.genai.failure().map(str::to_owned);
    let error = bridged
        .error
        .map(|message| {
            (
                failure.clone().unwrap_or_else(|| "_OTHER".to_owned()),
                message,
            )
        })
        .or_else(|| failure.map(|class| (class.clone(), class)));
    let status = if let Some((class, message)) = error {
        if !bridged.error_type_set {
            attributes.push(KeyValue::new(semconv::ERROR_TYPE, class.clone()));
        }
        crate::span::add_exception_event(&span, Cow::Owned(class), message.clone());
        Status::error(message)
    } else {
        match bridged.status_code.as_deref() {
            Some("error") => Status::error(bridged.status_message.unwrap_or_default()),
            Some("ok") => Status::Ok,
            _ if bridged.genai.succeeded() => Status::Ok,
            _ => Status::Unset,
        }
    };
    span.set_attributes(attributes);
    span.set_status(status);
    span.end();
}
