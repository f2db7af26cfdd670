//! The handler thread pool.
//!
//! A small set of core workers takes jobs from a shared FIFO queue. That
//! alone is enough for a flood of quick requests (pipelined echoes): the
//! core workers keep picking up jobs and no thread is ever added.
//!
//! Slow handlers (sleeps, file walks, anything blocking) would starve such a
//! fixed pool, so a supervisor thread watches for a *stall*: work is queued,
//! no worker is idle, and no worker has picked up a job for `stall` (2 ms).
//! Every worker is then stuck in a long job, and the supervisor spawns as
//! many extra workers as there are queued jobs (up to `max_threads`). Extra
//! workers that stay idle for `idle_timeout` exit again.
//!
//! The effect: quick requests never cause thread growth, and a quick request
//! queued behind slow ones waits at most about `stall` before a thread is
//! created for it.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::{lock, log};

/// A unit of work.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// Tuning knobs; see the module docs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PoolConfig {
    pub core: usize,
    pub max_threads: usize,
    pub stall: Duration,
    pub idle_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        let cpus = thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PoolConfig {
            core: cpus.clamp(2, 8),
            max_threads: 512,
            stall: Duration::from_millis(2),
            idle_timeout: Duration::from_secs(10),
        }
    }
}

struct State {
    queue: VecDeque<(Job, Instant)>,
    /// Live worker threads (including ones being spawned).
    total: usize,
    /// Workers blocked waiting for a job.
    idle: usize,
    last_pickup: Instant,
    supervisor_started: bool,
    supervisor_parked: bool,
    shutdown: bool,
    peak: usize,
}

struct Inner {
    cfg: PoolConfig,
    state: Mutex<State>,
    work: Condvar,
    supervisor: Condvar,
}

/// A growing thread pool. Dropping it lets the workers finish what is
/// queued and exit.
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

impl Pool {
    pub(crate) fn new(cfg: PoolConfig) -> Pool {
        Pool {
            inner: Arc::new(Inner {
                cfg,
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    total: 0,
                    idle: 0,
                    last_pickup: Instant::now(),
                    supervisor_started: false,
                    supervisor_parked: false,
                    shutdown: false,
                    peak: 0,
                }),
                work: Condvar::new(),
                supervisor: Condvar::new(),
            }),
        }
    }

    /// Queues a job.
    pub(crate) fn submit(&self, job: Job) {
        let inner = &self.inner;
        let mut st = lock(&inner.state);
        st.queue.push_back((job, Instant::now()));
        if st.idle > 0 {
            drop(st);
            inner.work.notify_one();
            return;
        }
        let spawn_core = st.total < inner.cfg.core;
        if spawn_core {
            st.total += 1;
            st.peak = st.peak.max(st.total);
        }
        let start_supervisor = !st.supervisor_started;
        st.supervisor_started = true;
        let wake_supervisor = st.supervisor_parked;
        st.supervisor_parked = false;
        drop(st);
        if spawn_core {
            spawn_workers(inner, 1);
        }
        if start_supervisor {
            let inner2 = inner.clone();
            let spawned = thread::Builder::new()
                .name("qrustbridge-supervisor".into())
                .spawn(move || supervise(&inner2));
            if let Err(e) = spawned {
                log(&format!("cannot start pool supervisor: {}", e));
            }
        } else if wake_supervisor {
            inner.supervisor.notify_one();
        }
    }

    /// Highest number of worker threads alive at the same time.
    #[cfg(test)]
    pub(crate) fn peak_threads(&self) -> usize {
        lock(&self.inner.state).peak
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        lock(&self.inner.state).shutdown = true;
        self.inner.work.notify_all();
        self.inner.supervisor.notify_all();
    }
}

/// Starts `n` workers whose slots were already counted in `total`.
fn spawn_workers(inner: &Arc<Inner>, n: usize) {
    for _ in 0..n {
        let inner2 = inner.clone();
        let spawned = thread::Builder::new()
            .name("qrustbridge-worker".into())
            .spawn(move || work(&inner2));
        if let Err(e) = spawned {
            log(&format!("cannot start worker thread: {}", e));
            lock(&inner.state).total -= 1;
        }
    }
}

fn work(inner: &Inner) {
    let mut st = lock(&inner.state);
    loop {
        if let Some((job, _)) = st.queue.pop_front() {
            st.last_pickup = Instant::now();
            drop(st);
            // Jobs catch handler panics themselves; this keeps the worker
            // alive even if something else in a job panics.
            if catch_unwind(AssertUnwindSafe(job)).is_err() {
                log("a job panicked outside its handler");
            }
            st = lock(&inner.state);
            continue;
        }
        if st.shutdown {
            break;
        }
        st.idle += 1;
        let (guard, timeout) = match inner.work.wait_timeout(st, inner.cfg.idle_timeout) {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        st = guard;
        st.idle -= 1;
        if timeout.timed_out() && st.queue.is_empty() && st.total > inner.cfg.core {
            break;
        }
    }
    st.total -= 1;
}

fn supervise(inner: &Arc<Inner>) {
    let stall = inner.cfg.stall;
    let mut st = lock(&inner.state);
    loop {
        if st.shutdown {
            return;
        }
        if st.total == st.idle && st.queue.is_empty() {
            // Nothing running, nothing queued: sleep until a submit finds no
            // idle worker.
            st.supervisor_parked = true;
            st = match inner.supervisor.wait(st) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            continue;
        }
        if st.idle == 0 && st.total < inner.cfg.max_threads {
            if let Some(&(_, queued_at)) = st.queue.front() {
                let now = Instant::now();
                if now.duration_since(queued_at) >= stall && now.duration_since(st.last_pickup) >= stall {
                    let n = st.queue.len().min(inner.cfg.max_threads - st.total);
                    st.total += n;
                    st.peak = st.peak.max(st.total);
                    // Count the new workers as a pickup so the next check
                    // gives them time to start.
                    st.last_pickup = now;
                    drop(st);
                    spawn_workers(inner, n);
                    st = lock(&inner.state);
                    continue;
                }
            }
        }
        st = match inner.supervisor.wait_timeout(st, stall) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    #[test]
    fn quick_jobs_do_not_grow_the_pool() {
        let pool = Pool::new(PoolConfig { core: 2, ..PoolConfig::default() });
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let n = 100_000;
        for _ in 0..n {
            let done = done.clone();
            let tx = tx.clone();
            pool.submit(Box::new(move || {
                if done.fetch_add(1, Ordering::SeqCst) + 1 == n {
                    let _ = tx.send(());
                }
            }));
        }
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(pool.peak_threads() <= 4, "peak {}", pool.peak_threads());
    }

    #[test]
    fn blocking_jobs_get_their_own_threads() {
        let pool = Pool::new(PoolConfig { core: 2, ..PoolConfig::default() });
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        for _ in 0..50 {
            let tx = tx.clone();
            pool.submit(Box::new(move || {
                thread::sleep(Duration::from_millis(200));
                let _ = tx.send(());
            }));
        }
        for _ in 0..50 {
            rx.recv_timeout(Duration::from_secs(5)).unwrap();
        }
        let took = start.elapsed();
        assert!(took < Duration::from_millis(1000), "took {:?}", took);
        assert!(pool.peak_threads() <= 50, "peak {}", pool.peak_threads());
    }

    #[test]
    fn panicking_job_does_not_kill_the_worker() {
        let pool = Pool::new(PoolConfig { core: 1, max_threads: 1, ..PoolConfig::default() });
        let (tx, rx) = mpsc::channel();
        pool.submit(Box::new(|| panic!("boom")));
        pool.submit(Box::new(move || {
            let _ = tx.send(7);
        }));
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 7);
    }
}
