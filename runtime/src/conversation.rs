//! Conversation, session and user ids: a scope that stamps `gen_ai.conversation.id`,
//! `session.id` and `user.id` on every span started inside it (in child tasks and threads
//! that carry the context too), and puts them in baggage so they cross processes.
//!
//! The pipeline's processor reads the scope from each span's parent context when the span
//! starts (`CollectingProcessor::on_start`), so spans of any tracer built on an agentrace
//! provider get the ids, not only those of the macros.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::baggage::{Baggage, BaggageExt};
use opentelemetry::trace::Span as _;
use opentelemetry::{Context, ContextGuard, KeyValue};

use crate::semconv;

/// The longest id taken from incoming baggage, in bytes; longer ones are ignored.
const MAX_ID_BYTES: usize = 256;

/// A conversation scope: the ids stamped on every span started inside it. A scope opened
/// inside another replaces the ids it gives and keeps the outer scope's other ids.
///
/// ```
/// use agentrace::conversation::Conversation;
///
/// #[agentrace::trace_agent(name = "support")]
/// fn answer() -> &'static str { "hello" }
///
/// let chat = Conversation::new("conv-42").session("sess-7").user("ada");
/// let (_, spans) = agentrace::testing::capture(|| chat.run(answer));
/// assert_eq!(spans[0].attr_str("gen_ai.conversation.id"), Some("conv-42"));
/// assert_eq!(spans[0].attr_str("session.id"), Some("sess-7"));
/// assert_eq!(spans[0].attr_str("user.id"), Some("ada"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversation {
    conversation_id: Option<String>,
    session_id: Option<String>,
    user_id: Option<String>,
}

/// The context value naming the open conversation scope.
#[derive(Debug)]
struct Scope(Arc<Conversation>);

impl Conversation {
    /// A scope for the conversation `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Conversation {
            conversation_id: Some(id.into()),
            ..Self::default()
        }
    }

    /// Adds the session id (`session.id`).
    pub fn session(mut self, id: impl Into<String>) -> Self {
        self.session_id = Some(id.into());
        self
    }

    /// Adds the user id (`user.id`).
    pub fn user(mut self, id: impl Into<String>) -> Self {
        self.user_id = Some(id.into());
        self
    }

    /// The conversation id, if set.
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation_id.as_deref()
    }

    /// The session id, if set.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The user id, if set.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The scope open in the current context, if any.
    pub fn current() -> Option<Conversation> {
        Context::map_current(|cx| cx.get::<Scope>().map(|scope| (*scope.0).clone()))
    }

    /// The current context with this scope open: the ids as a context value and as baggage
    /// entries (`gen_ai.conversation.id`, `session.id`, `user.id`).
    pub fn context(&self) -> Context {
        Context::map_current(|cx| self.context_from(cx))
    }

    fn context_from(&self, cx: &Context) -> Context {
        let conversation = match cx.get::<Scope>() {
            Some(Scope(outer)) => self.inheriting(outer),
            None => self.clone(),
        };
        let mut baggage: Baggage = cx
            .baggage()
            .iter()
            .map(|(key, (value, metadata))| (key.clone(), (value.clone(), metadata.clone())))
            .collect();
        for (key, value) in conversation.entries() {
            baggage.insert(key, value.to_owned());
        }
        cx.with_baggage(baggage)
            .with_value(Scope(Arc::new(conversation)))
    }

    /// These ids, with those not given here taken from `outer`.
    fn inheriting(&self, outer: &Conversation) -> Conversation {
        let pick = |inner: &Option<String>, outer: &Option<String>| {
            inner.clone().or_else(|| outer.clone())
        };
        Conversation {
            conversation_id: pick(&self.conversation_id, &outer.conversation_id),
            session_id: pick(&self.session_id, &outer.session_id),
            user_id: pick(&self.user_id, &outer.user_id),
        }
    }

    /// Opens the scope on this thread until the guard is dropped.
    pub fn attach(&self) -> ContextGuard {
        self.context().attach()
    }

    /// Runs `f` inside the scope.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let _scope = self.attach();
        f()
    }

    /// `future` running inside the scope wherever it is polled. The scope is layered onto
    /// the context current when the future is first polled, so it composes with scopes
    /// opened around it later (such as a collection scope).
    ///
    /// ```
    /// use agentrace::conversation::Conversation;
    ///
    /// #[agentrace::trace_agent(name = "async_support")]
    /// async fn answer() -> u8 { 1 }
    ///
    /// let chat = Conversation::new("conv-9");
    /// let (_, spans) = futures::executor::block_on(agentrace::testing::capture_async(chat.scope(answer())));
    /// assert_eq!(spans[0].attr_str("gen_ai.conversation.id"), Some("conv-9"));
    /// ```
    pub fn scope<F: Future>(&self, future: F) -> Scoped<F> {
        Scoped {
            future,
            conversation: Some(self.clone()),
            cx: None,
        }
    }

    fn entries(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            (semconv::GEN_AI_CONVERSATION_ID, &self.conversation_id),
            (semconv::SESSION_ID, &self.session_id),
            (semconv::USER_ID, &self.user_id),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_deref().map(|value| (key, value)))
    }
}

pin_project_lite::pin_project! {
    /// A future running inside a conversation scope: see [`Conversation::scope`].
    #[must_use = "futures do nothing unless polled"]
    pub struct Scoped<F> {
        #[pin]
        future: F,
        conversation: Option<Conversation>,
        cx: Option<Context>,
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        if let Some(conversation) = this.conversation.take() {
            *this.cx = Some(Context::map_current(|cx| conversation.context_from(cx)));
        }
        let _scope = this.cx.clone().map(Context::attach);
        this.future.poll(task)
    }
}

/// `cx` with a conversation scope opened from its baggage entries, when it has any; used
/// when a context is extracted from an incoming message.
pub(crate) fn from_baggage(cx: &Context) -> Context {
    let baggage = cx.baggage();
    let read = |key: &str| {
        baggage
            .get(key)
            .map(|value| value.as_str())
            .filter(|value| !value.is_empty() && value.len() <= MAX_ID_BYTES)
            .map(str::to_owned)
    };
    let conversation = Conversation {
        conversation_id: read(semconv::GEN_AI_CONVERSATION_ID),
        session_id: read(semconv::SESSION_ID),
        user_id: read(semconv::USER_ID),
    };
    if conversation == Conversation::default() {
        return cx.clone();
    }
    cx.with_value(Scope(Arc::new(conversation)))
}

/// Stamps the ids of the scope open in `parent`, if any, on a span that is starting.
#[inline]
pub(crate) fn stamp(span: &mut opentelemetry_sdk::trace::Span, parent: &Context) {
    let Some(Scope(conversation)) = parent.get::<Scope>() else {
        return;
    };
    for (key, value) in conversation.entries() {
        span.set_attribute(KeyValue::new(key, value.to_owned()));
    }
}
