//! Applying what extractors produce to the span being recorded: at its start (arguments) and
//! at its end (return value, or a stream's folded chunks). The extractors themselves are
//! [`genai`](crate::genai)'s; [`hooks`] is how generated code reaches them.

pub(crate) mod hooks;

use opentelemetry::trace::Span as _;
use opentelemetry::Value;

use crate::genai::attributes::Extracted;
use crate::genai::{ChunkFold, GenAi};
use crate::span::{Outcome, Recorder};

impl Recorder<'_> {
    /// Runs an extractor on an argument and writes what it found to the span.
    pub(crate) fn extract(&mut self, extractor: impl FnOnce(&mut GenAi)) {
        let mut out = GenAi::new(self.meta().kind, self.capture_input());
        extractor(&mut out);
        let Extracted {
            attributes,
            subject,
            notes,
            ..
        } = out.finish();
        self.add_notes(notes);
        if let Some(subject) = subject {
            if !self.has_subject() && self.meta().subject.is_none() {
                self.subject(Some(Value::from(subject)));
            }
        }
        let provider_given = self.meta().provider.is_some();
        for attribute in attributes {
            if provider_given && attribute.key.as_str() == crate::semconv::GEN_AI_PROVIDER_NAME {
                continue;
            }
            self.span_mut().set_attribute(attribute);
        }
    }
}

impl Outcome {
    /// Runs an extractor on the return value; a failure it reports marks the span as an
    /// error.
    pub(crate) fn extract(&mut self, extractor: impl FnOnce(&mut GenAi)) {
        let mut out = GenAi::new(self.kind(), self.capture_output());
        extractor(&mut out);
        let Extracted {
            mut attributes,
            failure,
            notes,
            ..
        } = out.finish();
        self.add_notes(notes);
        self.attributes.append(&mut attributes);
        if let Some(message) = failure {
            self.error(std::borrow::Cow::Borrowed("tool_error"), message);
        }
    }

    /// Folds one stream chunk into the response being rebuilt.
    pub(crate) fn fold(&mut self, fold: impl FnOnce(&mut ChunkFold)) {
        fold(self.fold.get_or_insert_with(Default::default));
    }

    /// Writes the response rebuilt from a stream's chunks, if any.
    pub(crate) fn flush_fold(&mut self) {
        if let Some(folded) = self.fold.take() {
            self.extract(|out| folded.write_to(out));
        }
    }
}
