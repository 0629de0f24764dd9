//! How the export thread runs an exporter's futures: by parking the thread (HTTP's blocking
//! client needs no runtime), or on a tokio runtime of its own (gRPC). Either way the caller's
//! executor, if any, is never involved.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Which way the export thread drives exports.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Driver {
    /// Poll on the export thread, parking it while the future waits.
    Plain,
    /// A current-thread tokio runtime owned by the export thread.
    #[cfg(feature = "otlp-grpc")]
    Tokio,
}

/// A started [`Driver`], owned by the export thread.
pub(crate) enum Runner {
    Plain,
    #[cfg(feature = "otlp-grpc")]
    Tokio(tokio::runtime::Runtime),
}

impl Driver {
    pub(crate) fn start(self) -> Result<Runner, String> {
        match self {
            Driver::Plain => Ok(Runner::Plain),
            #[cfg(feature = "otlp-grpc")]
            Driver::Tokio => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(Runner::Tokio)
                .map_err(|error| format!("cannot start the export runtime: {error}")),
        }
    }
}

impl Runner {
    /// Runs `f` with the runtime as the current one (gRPC channels are made inside it).
    pub(crate) fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        match self {
            Runner::Plain => f(),
            #[cfg(feature = "otlp-grpc")]
            Runner::Tokio(runtime) => {
                let _entered = runtime.enter();
                f()
            }
        }
    }

    /// Runs `future` to completion on the export thread.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        match self {
            Runner::Plain => park_on(future),
            #[cfg(feature = "otlp-grpc")]
            Runner::Tokio(runtime) => runtime.block_on(future),
        }
    }
}

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on this thread, parking between polls.
pub(crate) fn park_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}
