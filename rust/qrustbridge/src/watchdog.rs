//! Keeps connections responsive while a handler is slow.
//!
//! Each connection has one *driver*: the thread that reads its input. The
//! driver runs every handler itself, inline, which makes quick requests
//! cheap (no hand-off between threads, no wake-up, responses in request
//! order). While a handler runs, the connection's `busy_since` is set.
//!
//! The watchdog thread looks at the busy connections every `PERIOD`. A
//! driver that has been inside one handler for longer than
//! `BLOCKED_LIMIT` while its thread is blocked (sleeping, waiting for I/O
//! or a lock), or for longer than `RUNNING_LIMIT` while it is on the CPU
//! (or waiting for one: a thread the OS merely paused is not slow), loses
//! its role: the watchdog bumps the connection's epoch and starts a new
//! driver on the pool, which goes on reading. The old thread finishes its
//! handler, sends the response, sees that the epoch moved and returns to
//! the pool. If the handler was blocked, its method is remembered as slow
//! and its next calls start on pool threads right away (see
//! `connection.rs`). So a slow
//! request holds up the requests behind it by about a millisecond at most,
//! and threads are only created for slow requests.
//!
//! When no handler runs anywhere, the watchdog sleeps until a driver
//! starts one (one wake-up per idle-to-busy transition, not per request).

use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

use crate::connection::{drive, Conn, Shared};
use crate::util::{lock, log};

/// How often busy connections are checked.
pub(crate) const PERIOD: Duration = Duration::from_millis(1);
/// How long a handler may block before reading moves to another thread.
pub(crate) const BLOCKED_LIMIT: Duration = Duration::from_millis(1);
/// How long a handler may compute (or be kept off the CPU) before reading
/// moves to another thread.
pub(crate) const RUNNING_LIMIT: Duration = Duration::from_millis(20);

#[derive(Default)]
struct State {
    conns: Vec<Arc<Conn>>,
    started: bool,
    shutdown: bool,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    cv: Condvar,
    /// True while the watchdog sleeps without a timeout.
    parked: AtomicBool,
}

/// Handle owned by [`Shared`]; dropping it stops the thread.
pub(crate) struct Watchdog {
    inner: Arc<Inner>,
    shared: Weak<Shared>,
}

impl Watchdog {
    pub(crate) fn new(shared: Weak<Shared>) -> Watchdog {
        Watchdog { inner: Arc::new(Inner::default()), shared }
    }

    /// Starts watching `conn` (and the thread, on first use).
    pub(crate) fn register(&self, conn: &Arc<Conn>) {
        let mut st = lock(&self.inner.state);
        st.conns.push(conn.clone());
        if !st.started {
            st.started = true;
            let inner = self.inner.clone();
            let shared = self.shared.clone();
            let spawned = thread::Builder::new()
                .name("qrustbridge-watchdog".into())
                .spawn(move || watch(&inner, &shared));
            if let Err(e) = spawned {
                st.started = false;
                log(&format!("cannot start watchdog thread (slow requests will block others): {}", e));
            }
        }
    }

    pub(crate) fn unregister(&self, conn: &Arc<Conn>) {
        lock(&self.inner.state).conns.retain(|c| !Arc::ptr_eq(c, conn));
    }

    /// Called by a driver right after it marked its connection busy.
    pub(crate) fn busy(&self) {
        // Pairs with the fence in `watch`: either the watchdog sees our
        // busy mark while scanning, or we see that it parked.
        fence(Ordering::SeqCst);
        if self.inner.parked.load(Ordering::SeqCst) && self.inner.parked.swap(false, Ordering::SeqCst) {
            let _guard = lock(&self.inner.state);
            self.inner.cv.notify_one();
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        lock(&self.inner.state).shutdown = true;
        self.inner.parked.store(false, Ordering::SeqCst);
        self.inner.cv.notify_all();
    }
}

fn watch(inner: &Inner, shared: &Weak<Shared>) {
    let mut st = lock(&inner.state);
    loop {
        if st.shutdown {
            return;
        }
        inner.parked.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let now = Instant::now();
        let mut any_busy = false;
        let mut stalled = Vec::new();
        for conn in &st.conns {
            if let Some(epoch) = conn.take_over_if_stalled(now, &mut any_busy) {
                stalled.push((conn.clone(), epoch));
            }
        }
        if any_busy || !stalled.is_empty() {
            inner.parked.store(false, Ordering::SeqCst);
        }
        if !stalled.is_empty() {
            drop(st);
            match shared.upgrade() {
                Some(shared) => {
                    for (conn, epoch) in stalled {
                        let s = shared.clone();
                        shared.pool.submit(Box::new(move || drive(&s, &conn, epoch)));
                    }
                }
                None => return,
            }
            st = lock(&inner.state);
            continue;
        }
        if any_busy {
            st = match inner.cv.wait_timeout(st, PERIOD) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        } else {
            while inner.parked.load(Ordering::SeqCst) && !st.shutdown {
                st = match inner.cv.wait(st) {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
            }
        }
    }
}

/// Id of the calling thread, as the kernel knows it (0 where unsupported).
pub(crate) fn current_tid() -> i64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid has no preconditions.
        unsafe { libc::syscall(libc::SYS_gettid) as i64 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Whether thread `tid` of this process is blocked rather than running or
/// runnable. `None` when unknown (non-Linux, /proc unavailable).
pub(crate) fn thread_blocked(tid: i64) -> Option<bool> {
    if tid <= 0 {
        return None;
    }
    let stat = std::fs::read(format!("/proc/self/task/{}/stat", tid)).ok()?;
    // "tid (comm) S ...": the state follows the last ')'.
    let close = stat.iter().rposition(|&b| b == b')')?;
    let state = *stat[close + 1..].iter().find(|b| !b.is_ascii_whitespace())?;
    Some(state != b'R')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_blocked_from_running_threads() {
        let me = current_tid();
        if thread_blocked(me).is_none() {
            return; // no /proc here
        }
        assert_eq!(thread_blocked(me), Some(false), "the calling thread is running");
        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::spawn(move || {
            tx.send(current_tid()).unwrap();
            let _ = done_rx.recv();
        });
        let tid = rx.recv().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while thread_blocked(tid) != Some(true) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(thread_blocked(tid), Some(true), "a thread waiting on a channel is blocked");
        done_tx.send(()).unwrap();
        t.join().unwrap();
    }
}
