//! The lane synchronous handlers run in: up to `max` long-lived workers on
//! tokio's blocking pool, taking jobs from one queue.
//!
//! Spawning a blocking task per request costs several thread wake-ups per
//! call (measured: tens of microseconds on a loaded 2-core machine). Here a
//! busy worker takes the next job straight from the queue; a new worker is
//! started only when a job arrives and none is idle, and an idle worker
//! leaves after a while. No timing guesses decide anything.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::util::lock;

/// How long an idle worker waits for work before it leaves.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

#[derive(Default)]
struct State {
    /// Jobs waiting for a worker, with the id of the connection that queued them.
    queue: VecDeque<(u64, Job)>,
    workers: usize,
    idle: usize,
    /// No more jobs: idle workers leave at once (a runtime being dropped
    /// waits for its blocking threads).
    closed: bool,
}

struct Inner {
    state: Mutex<State>,
    work: Condvar,
    max: usize,
}

/// A bounded set of blocking workers with a shared queue.
#[derive(Clone)]
pub(crate) struct Lane {
    inner: Arc<Inner>,
}

impl Lane {
    pub(crate) fn new(max_workers: usize) -> Lane {
        Lane { inner: Arc::new(Inner { state: Mutex::default(), work: Condvar::new(), max: max_workers.max(1) }) }
    }

    /// Queues `job` for connection `owner`; starts a worker (on the
    /// current runtime's blocking pool) if none is idle and the bound allows.
    pub(crate) fn submit(&self, owner: u64, job: Job) {
        let mut st = lock(&self.inner.state);
        st.queue.push_back((owner, job));
        if st.idle > 0 {
            drop(st);
            self.inner.work.notify_one();
            return;
        }
        if st.workers < self.inner.max {
            st.workers += 1;
            drop(st);
            let inner = self.inner.clone();
            tokio::task::spawn_blocking(move || work(&inner));
        }
    }
}

impl Lane {
    /// Takes out the jobs of connection `owner` that no worker has started
    /// yet, in queue order: at shutdown its connection runs them itself
    /// (they see their cancelled token and only answer), instead of
    /// leaving them behind the jobs that block the workers.
    pub(crate) fn take_queued(&self, owner: u64) -> Vec<Job> {
        let mut st = lock(&self.inner.state);
        if !st.queue.iter().any(|(o, _)| *o == owner) {
            return Vec::new();
        }
        let mut mine = Vec::new();
        for (o, job) in std::mem::take(&mut st.queue) {
            if o == owner {
                mine.push(job);
            } else {
                st.queue.push_back((o, job));
            }
        }
        mine
    }

    /// Lets idle workers leave now; queued jobs still run.
    pub(crate) fn close(&self) {
        lock(&self.inner.state).closed = true;
        self.inner.work.notify_all();
    }
}

fn work(inner: &Inner) {
    loop {
        let job = {
            let mut st = lock(&inner.state);
            loop {
                if let Some((_, job)) = st.queue.pop_front() {
                    break job;
                }
                if st.closed {
                    st.workers -= 1;
                    return;
                }
                st.idle += 1;
                let (guard, timeout) = match inner.work.wait_timeout(st, KEEP_ALIVE) {
                    Ok(r) => r,
                    Err(p) => p.into_inner(),
                };
                st = guard;
                st.idle -= 1;
                if timeout.timed_out() && st.queue.is_empty() {
                    st.workers -= 1;
                    return;
                }
            }
        };
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_every_job_with_at_most_max_workers_at_once() {
        let lane = Lane::new(3);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for i in 0..50 {
            let (running, peak, tx) = (running.clone(), peak.clone(), tx.clone());
            lane.submit(1, Box::new(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2));
                running.fetch_sub(1, Ordering::SeqCst);
                tx.send(i).unwrap();
            }));
        }
        let mut done = Vec::new();
        while done.len() < 50 {
            done.push(rx.recv().await.unwrap());
        }
        done.sort_unstable();
        assert!(done.into_iter().eq(0..50));
        assert!(peak.load(Ordering::SeqCst) <= 3, "peak {}", peak.load(Ordering::SeqCst));
        lane.close();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn take_queued_returns_only_that_owners_unstarted_jobs_in_order() {
        let lane = Lane::new(1);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        lane.submit(1, Box::new(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv();
        }));
        started_rx.recv().unwrap();
        let ran = Arc::new(Mutex::new(Vec::new()));
        let (done_tx, done_rx) = tokio::sync::mpsc::unbounded_channel();
        for (owner, tag) in [(1, "a"), (2, "x"), (1, "b")] {
            let (ran, done) = (ran.clone(), done_tx.clone());
            lane.submit(
                owner,
                Box::new(move || {
                    lock(&ran).push(tag);
                    let _ = done.send(());
                }),
            );
        }
        let mine = lane.take_queued(1);
        assert_eq!(mine.len(), 2);
        assert!(lane.take_queued(1).is_empty());
        for job in mine {
            job();
        }
        assert_eq!(*lock(&ran), vec!["a", "b"]);
        // The other owner's job is still queued and runs once the worker is free.
        release_tx.send(()).unwrap();
        let mut done_rx = done_rx;
        for _ in 0..3 {
            done_rx.recv().await.unwrap();
        }
        assert_eq!(*lock(&ran), vec!["a", "b", "x"]);
        lane.close();
    }
}
