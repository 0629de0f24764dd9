//! Carrying the current context into other tasks and threads, so that spans made there nest
//! under the span that started them.
//!
//! The OpenTelemetry context lives in a thread-local: a task spawned on a tokio runtime or a
//! closure run on another thread starts from an empty context, so its spans begin a new
//! trace (and leave any collection scope or [`Conversation`](crate::conversation::Conversation)).
//! The helpers here capture the context where work is handed off and restore it where the
//! work runs:
//!
//! - [`spawn`] (feature `tokio`): `tokio::spawn` carrying the context;
//! - [`spawn_thread`]: `std::thread::spawn` carrying the context;
//! - [`in_context`]: wraps a closure for any thread pool;
//! - [`FutureExt::with_current_context`] / [`with_current_context`]: a future that carries
//!   the context into any executor (re-exported from `opentelemetry`).
//!
//! ```
//! use agentrace::spawn::spawn_thread;
//!
//! #[agentrace::trace_tool]
//! fn search() -> u8 { 1 }
//!
//! #[agentrace::trace_agent(name = "lead")]
//! fn lead() -> u8 {
//!     spawn_thread(search).join().unwrap()
//! }
//!
//! let (_, spans) = agentrace::testing::capture(lead);
//! let agent = agentrace::testing::span(&spans, "invoke_agent lead");
//! let tool = agentrace::testing::span(&spans, "execute_tool search");
//! assert_eq!(tool.parent_id.as_deref(), Some(agent.span_id.as_str()));
//! ```

use std::future::Future;
use std::thread::JoinHandle;

use opentelemetry::Context;

pub use opentelemetry::context::{FutureExt, WithContext};

/// `future`, made to run in the context current now, wherever and whenever it is polled:
/// the adapter for executors this crate has no helper for.
///
/// ```
/// #[agentrace::trace_tool]
/// fn fetch() -> u8 { 2 }
///
/// #[agentrace::trace_agent(name = "caller")]
/// async fn caller() -> u8 {
///     let task = agentrace::spawn::with_current_context(async { fetch() });
///     // Polled later, elsewhere: the tool span still nests under the agent.
///     std::thread::spawn(move || futures::executor::block_on(task)).join().unwrap()
/// }
///
/// let (_, spans) = futures::executor::block_on(agentrace::testing::capture_async(caller()));
/// let agent = agentrace::testing::span(&spans, "invoke_agent caller");
/// assert_eq!(agentrace::testing::span(&spans, "execute_tool fetch").parent_id.as_deref(), Some(agent.span_id.as_str()));
/// ```
pub fn with_current_context<F: Future>(future: F) -> WithContext<F> {
    FutureExt::with_current_context(future)
}

/// `f`, made to run in the context current now, on whichever thread calls it.
pub fn in_context<R>(f: impl FnOnce() -> R) -> impl FnOnce() -> R {
    let cx = Context::current();
    move || {
        let _guard = cx.attach();
        f()
    }
}

/// Like `std::thread::spawn`, with the current context attached on the new thread.
///
/// # Panics
/// Like `std::thread::spawn`, when the operating system cannot create a thread.
pub fn spawn_thread<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::spawn(in_context(f))
}

/// Like `tokio::spawn`, with the current context carried into the task (feature `tokio`).
///
/// ```
/// # #[cfg(feature = "tokio")] {
/// #[agentrace::trace_tool]
/// async fn lookup() -> u8 { 3 }
///
/// #[agentrace::trace_agent(name = "dispatcher")]
/// async fn dispatch() -> u8 {
///     agentrace::spawn::spawn(lookup()).await.unwrap()
/// }
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let (_, spans) = runtime.block_on(agentrace::testing::capture_async(dispatch()));
/// let agent = agentrace::testing::span(&spans, "invoke_agent dispatcher");
/// assert_eq!(agentrace::testing::span(&spans, "execute_tool lookup").parent_id.as_deref(), Some(agent.span_id.as_str()));
/// # }
/// ```
///
/// # Panics
/// Like `tokio::spawn`, when called outside a tokio runtime.
#[cfg(feature = "tokio")]
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(FutureExt::with_current_context(future))
}

/// Like `tokio::task::spawn_blocking`, with the current context attached on the blocking
/// thread (feature `tokio`).
///
/// # Panics
/// Like `tokio::task::spawn_blocking`, when called outside a tokio runtime.
#[cfg(feature = "tokio")]
pub fn spawn_blocking<F, R>(f: F) -> tokio::task::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    tokio::task::spawn_blocking(in_context(f))
}
