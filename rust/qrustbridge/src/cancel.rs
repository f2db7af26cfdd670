//! [`CancelToken`]: the cancellation state of one request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::blocking::wait_blocking;
use crate::util::lock;

type Callback = Box<dyn FnOnce() + Send + 'static>;

#[derive(Default)]
struct State {
    cancelled: AtomicBool,
    notify: Notify,
    callbacks: Mutex<Vec<Callback>>,
    /// Set once a `send_chunk` outside a stream handler was logged.
    warned_chunk: AtomicBool,
}

/// Whether a request is cancelled, with ways to wait for it. Cheap to
/// clone; all clones share one state.
///
/// A request is cancelled by the client (the cancel method), when its
/// connection's output breaks or the connection ends, or when shutdown
/// begins.
/// Checking is a single atomic load, so the hot path of a quick request
/// pays nothing for it (a `tokio_util` token, made on demand by
/// [`to_cancellation_token`](Self::to_cancellation_token), costs locks).
#[derive(Clone, Default)]
pub struct CancelToken {
    state: Arc<State>,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels: wakes every waiter and runs the callbacks (once).
    pub fn cancel(&self) {
        if self.state.cancelled.swap(true, Ordering::AcqRel) {
            return;
        }
        self.state.notify.notify_waiters();
        let callbacks = std::mem::take(&mut *lock(&self.state.callbacks));
        for callback in callbacks {
            callback();
        }
    }

    /// True once cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.state.cancelled.load(Ordering::Acquire)
    }

    /// Completes once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.state.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Blocks the thread until cancelled or `timeout` passed; true if
    /// cancelled (at once if it already was).
    pub fn wait(&self, timeout: Duration) -> bool {
        if self.is_cancelled() {
            return true;
        }
        wait_blocking(self.cancelled(), Some(timeout)).is_some()
    }

    /// Runs `callback` when the token is cancelled, on the thread that
    /// cancels it; at once if it already is. Keep it short (set a flag,
    /// kill a child process, close a file descriptor).
    pub fn on_cancel(&self, callback: impl FnOnce() + Send + 'static) {
        {
            let mut callbacks = lock(&self.state.callbacks);
            if !self.is_cancelled() {
                callbacks.push(Box::new(callback));
                return;
            }
        }
        callback();
    }

    /// A `tokio_util` token that is cancelled together with this one, for
    /// APIs that take one. (Cancelling it does not cancel the request.)
    pub fn to_cancellation_token(&self) -> CancellationToken {
        let token = CancellationToken::new();
        let t = token.clone();
        self.on_cancel(move || t.cancel());
        token
    }

    /// Marks that a misplaced `send_chunk` was logged; true the first time.
    pub(crate) fn first_chunk_warning(&self) -> bool {
        !self.state.warned_chunk.swap(true, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn wait_wakes_on_cancel_from_another_thread() {
        let token = CancelToken::new();
        let t = token.clone();
        let canceller = std::thread::spawn(move || t.cancel());
        assert!(token.wait(Duration::from_secs(30)));
        canceller.join().unwrap();
        assert!(!CancelToken::new().wait(Duration::from_millis(10)));
    }

    #[test]
    fn callbacks_run_once_and_late_ones_at_once() {
        let token = CancelToken::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let r = runs.clone();
        token.on_cancel(move || {
            r.fetch_add(1, Ordering::SeqCst);
        });
        let tokio_token = token.to_cancellation_token();
        token.cancel();
        token.cancel();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(tokio_token.is_cancelled());
        let r = runs.clone();
        token.on_cancel(move || {
            r.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
