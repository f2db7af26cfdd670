//! A cached thread pool: every job starts at once, on an idle thread if
//! there is one, else on a new thread (up to `max_threads`; beyond that,
//! jobs wait for a thread to become free). Threads idle for
//! `idle_timeout` exit.
//!
//! The server only submits a job here when a connection needs a new reader
//! because its current one is stuck in a slow handler (see
//! `watchdog.rs`), so the number of threads follows the number of slow
//! requests running at the same time, never the request rate.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use crate::util::{lock, log};

/// A unit of work.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// Most threads the pool runs at once.
const MAX_THREADS: usize = 1024;
/// How long an idle thread waits for work before it exits.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    total: usize,
    idle: usize,
    shutdown: bool,
    peak: usize,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    work: Condvar,
}

/// See the module docs. Dropping the pool lets its threads finish their
/// current and queued jobs and exit.
#[derive(Default)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

impl Pool {
    /// Runs `job` on an idle or a new thread.
    pub(crate) fn submit(&self, job: Job) {
        let mut st = lock(&self.inner.state);
        st.queue.push_back(job);
        // Idle threads that were already notified still count as idle until
        // they wake, but each of them also takes one queued job, so compare
        // with the queue length.
        if st.idle >= st.queue.len() {
            drop(st);
            self.inner.work.notify_one();
            return;
        }
        if st.total >= MAX_THREADS {
            return;
        }
        st.total += 1;
        st.peak = st.peak.max(st.total);
        drop(st);
        let inner = self.inner.clone();
        let spawned = thread::Builder::new().name("qrustbridge-worker".into()).spawn(move || work(&inner));
        if let Err(e) = spawned {
            log(&format!("cannot start a thread: {}", e));
            lock(&self.inner.state).total -= 1;
        }
    }

    /// Highest number of threads alive at the same time.
    #[cfg(test)]
    pub(crate) fn peak_threads(&self) -> usize {
        lock(&self.inner.state).peak
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        lock(&self.inner.state).shutdown = true;
        self.inner.work.notify_all();
    }
}

fn work(inner: &Inner) {
    let mut st = lock(&inner.state);
    loop {
        if let Some(job) = st.queue.pop_front() {
            drop(st);
            if catch_unwind(AssertUnwindSafe(job)).is_err() {
                log("a pool job panicked");
            }
            st = lock(&inner.state);
            continue;
        }
        if st.shutdown {
            break;
        }
        st.idle += 1;
        let (guard, timeout) = match inner.work.wait_timeout(st, IDLE_TIMEOUT) {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        st = guard;
        st.idle -= 1;
        if timeout.timed_out() && st.queue.is_empty() {
            break;
        }
    }
    st.total -= 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Instant;

    #[test]
    fn idle_threads_are_reused() {
        let pool = Pool::default();
        let (tx, rx) = mpsc::channel();
        for i in 0..200 {
            let tx = tx.clone();
            pool.submit(Box::new(move || tx.send(i).unwrap()));
            assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), i);
            // Give the thread time to go back to waiting.
            while lock(&pool.inner.state).idle == 0 {
                thread::yield_now();
            }
        }
        assert_eq!(pool.peak_threads(), 1);
    }

    #[test]
    fn blocking_jobs_run_concurrently() {
        let pool = Pool::default();
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        for _ in 0..50 {
            let tx = tx.clone();
            pool.submit(Box::new(move || {
                thread::sleep(Duration::from_millis(200));
                tx.send(()).unwrap();
            }));
        }
        for _ in 0..50 {
            rx.recv_timeout(Duration::from_secs(5)).unwrap();
        }
        let took = start.elapsed();
        assert!(took < Duration::from_millis(800), "took {:?}", took);
        assert_eq!(pool.peak_threads(), 50);
    }

    #[test]
    fn panicking_job_does_not_kill_the_thread() {
        let pool = Pool::default();
        let (tx, rx) = mpsc::channel();
        pool.submit(Box::new(|| panic!("boom")));
        while lock(&pool.inner.state).idle == 0 {
            thread::yield_now();
        }
        pool.submit(Box::new(move || tx.send(7).unwrap()));
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 7);
        assert_eq!(pool.peak_threads(), 1);
    }
}
