//! Bridges between the async core and synchronous code: waiting for a
//! future on a plain thread, and catching panics of async handlers.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `fut` on the calling thread, parking between wake-ups, until it
/// completes (`Some`) or `timeout` passes (`None`).
///
/// The futures used with it (tokio's semaphores, channels and
/// `CancellationToken`) need no runtime, so this works on tokio's blocking
/// pool, on threads of the backend's own, and never panics the way
/// `Handle::block_on` does inside a runtime.
pub(crate) fn wait_blocking<F: Future>(fut: F, timeout: Option<Duration>) -> Option<F::Output> {
    let mut fut = Box::pin(fut);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = TaskContext::from_waker(&waker);
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return Some(v);
        }
        match (timeout, deadline) {
            (None, _) | (Some(_), None) => thread::park(),
            (Some(_), Some(d)) => {
                let now = Instant::now();
                if now >= d {
                    return None;
                }
                thread::park_timeout(d - now);
            }
        }
    }
}

/// A boxed future whose panics become `Err(message)`.
pub(crate) struct CatchUnwind<T> {
    inner: Pin<Box<dyn Future<Output = T> + Send>>,
}

impl<T> CatchUnwind<T> {
    pub(crate) fn new(inner: Pin<Box<dyn Future<Output = T> + Send>>) -> Self {
        CatchUnwind { inner }
    }
}

impl<T> Future for CatchUnwind<T> {
    type Output = Result<T, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let inner = &mut self.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(crate::util::panic_message(payload.as_ref()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_util::sync::CancellationToken;

    #[test]
    fn waits_for_a_token_cancelled_by_another_thread() {
        let token = CancellationToken::new();
        let t2 = token.clone();
        let canceller = thread::spawn(move || t2.cancel());
        assert_eq!(wait_blocking(token.cancelled(), Some(Duration::from_secs(30))), Some(()));
        canceller.join().unwrap();
    }

    #[test]
    fn times_out() {
        let token = CancellationToken::new();
        let start = Instant::now();
        assert_eq!(wait_blocking(token.cancelled(), Some(Duration::from_millis(20))), None);
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert_eq!(wait_blocking(token.cancelled(), Some(Duration::ZERO)), None);
    }

    #[test]
    fn catches_panics_of_futures() {
        let fut: Pin<Box<dyn Future<Output = i32> + Send>> = Box::pin(async { panic!("inside") });
        let r = wait_blocking(CatchUnwind::new(fut), None);
        assert_eq!(r, Some(Err("inside".to_owned())));
    }
}
