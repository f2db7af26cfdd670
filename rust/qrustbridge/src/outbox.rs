//! Outbound line queue of one connection and the writer loop that drains it.
//!
//! Producers (the reader thread, handler threads, event emitters) push whole
//! serialized lines; a single writer thread owns the output stream, takes
//! everything queued in one go, writes it through a `BufWriter` and flushes
//! only when the queue has run empty. Lines are therefore never interleaved,
//! and bursts of small messages cost one `write()` per buffer instead of one
//! per message.

use std::io::{BufWriter, ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::util::{lock, log};

const WRITE_BUFFER: usize = 64 * 1024;

/// Queued bytes above which [`Outbox::wait_for_space`] blocks.
pub(crate) const HIGH_WATER: usize = 16 * 1024 * 1024;

#[derive(Default)]
struct OutState {
    queue: Vec<Vec<u8>>,
    writer_waiting: bool,
    /// No more lines are accepted; the writer drains the queue and exits.
    closed: bool,
    /// Writing failed; everything queued or pushed later is dropped.
    failed: bool,
    /// The writer loop has returned.
    finished: bool,
    pushed: u64,
    flushed: u64,
    flush_waiters: usize,
    /// Bytes queued and not yet taken by the writer.
    queued_bytes: usize,
    space_waiters: usize,
}

/// The outbound queue of one connection.
#[derive(Default)]
pub(crate) struct Outbox {
    state: Mutex<OutState>,
    wake_writer: Condvar,
    flushed_cv: Condvar,
    space_cv: Condvar,
    /// Mirror of `OutState::failed`, readable without the lock.
    failed: AtomicBool,
}

impl Outbox {
    /// Queues one complete line (including its `\n`). Returns false if the
    /// connection is closed or broken and the line was dropped.
    pub(crate) fn push(&self, line: Vec<u8>) -> bool {
        let mut st = lock(&self.state);
        if st.closed || st.failed {
            return false;
        }
        st.queued_bytes += line.len();
        st.queue.push(line);
        st.pushed += 1;
        let wake = st.writer_waiting;
        st.writer_waiting = false;
        drop(st);
        if wake {
            self.wake_writer.notify_one();
        }
        true
    }

    /// Stops accepting lines; the writer writes what is queued, flushes and
    /// returns.
    pub(crate) fn close(&self) {
        let mut st = lock(&self.state);
        st.closed = true;
        drop(st);
        self.wake_writer.notify_one();
    }

    /// Blocks while more than [`HIGH_WATER`] bytes wait for the writer
    /// (a handler producing output faster than the client reads it), until
    /// there is room, the connection is closed or broken, or `give_up`
    /// returns true (checked every 50 ms).
    pub(crate) fn wait_for_space(&self, give_up: impl Fn() -> bool) {
        let mut st = lock(&self.state);
        if st.queued_bytes <= HIGH_WATER {
            return;
        }
        st.space_waiters += 1;
        while st.queued_bytes > HIGH_WATER && !st.closed && !st.failed && !give_up() {
            st = match self.space_cv.wait_timeout(st, Duration::from_millis(50)) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        st.space_waiters -= 1;
    }

    /// True once a write to the peer has failed.
    pub(crate) fn is_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// True once the writer loop has returned.
    #[cfg(test)]
    pub(crate) fn is_finished(&self) -> bool {
        lock(&self.state).finished
    }

    /// Blocks until every line pushed before this call has been written and
    /// flushed, the connection failed, or `timeout` passed. Returns true if
    /// everything was flushed.
    pub(crate) fn wait_flushed(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = lock(&self.state);
        let target = st.pushed;
        st.flush_waiters += 1;
        while st.flushed < target && !st.failed && !st.finished {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = match self.flushed_cv.wait_timeout(st, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        st.flush_waiters -= 1;
        st.flushed >= target
    }

    /// Blocks until the writer loop has returned or `timeout` passed.
    pub(crate) fn wait_finished(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = lock(&self.state);
        st.flush_waiters += 1;
        while !st.finished {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = match self.flushed_cv.wait_timeout(st, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        st.flush_waiters -= 1;
        st.finished
    }

    fn mark_flushed(&self, target: u64, finished: bool, failed: bool) {
        let mut st = lock(&self.state);
        if st.flushed < target {
            st.flushed = target;
        }
        if failed {
            st.failed = true;
            self.failed.store(true, Ordering::Relaxed);
            st.queue = Vec::new();
            st.queued_bytes = 0;
            self.space_cv.notify_all();
        }
        if finished {
            st.finished = true;
        }
        let notify = st.flush_waiters > 0;
        drop(st);
        if notify {
            self.flushed_cv.notify_all();
        }
    }

    /// The writer loop: runs until [`close`](Self::close) was called and the
    /// queue is drained, or until a write fails (then `on_fail` runs).
    pub(crate) fn run_writer<W: Write>(&self, out: W, on_fail: impl FnOnce()) {
        let mut w = BufWriter::with_capacity(WRITE_BUFFER, out);
        let mut batch: Vec<Vec<u8>> = Vec::new();
        let result = (|| -> std::io::Result<()> {
            loop {
                let mut st = lock(&self.state);
                if st.queue.is_empty() && !st.closed {
                    // Going idle: flush what has been written so far.
                    let target = st.pushed;
                    drop(st);
                    w.flush()?;
                    self.mark_flushed(target, false, false);
                    st = lock(&self.state);
                    while st.queue.is_empty() && !st.closed {
                        st.writer_waiting = true;
                        st = match self.wake_writer.wait(st) {
                            Ok(g) => g,
                            Err(p) => p.into_inner(),
                        };
                    }
                    st.writer_waiting = false;
                }
                if st.queue.is_empty() {
                    // Closed and drained.
                    return Ok(());
                }
                std::mem::swap(&mut st.queue, &mut batch);
                st.queued_bytes = 0;
                let space = st.space_waiters > 0;
                drop(st);
                if space {
                    self.space_cv.notify_all();
                }
                for line in batch.drain(..) {
                    w.write_all(&line)?;
                }
                if batch.capacity() > 4096 {
                    batch.shrink_to(256);
                }
            }
        })();
        match result.and_then(|_| w.flush()) {
            Ok(()) => {
                let target = lock(&self.state).pushed;
                self.mark_flushed(target, true, false);
            }
            Err(e) => {
                // A peer that went away is routine; anything else is worth a line.
                if !matches!(e.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset) {
                    log(&format!("output failed, dropping further messages on this connection: {}", e));
                }
                self.mark_flushed(0, true, true);
                on_fail();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::Arc;

    #[test]
    fn lines_are_written_in_order_and_flushed() {
        let ob = Arc::new(Outbox::default());
        let sink = crate::util::tests::SharedBuf::default();
        let writer = {
            let ob = ob.clone();
            let sink = sink.clone();
            std::thread::spawn(move || ob.run_writer(sink, || ()))
        };
        for i in 0..1000 {
            assert!(ob.push(format!("{}\n", i).into_bytes()));
        }
        assert!(ob.wait_flushed(Duration::from_secs(5)));
        let text = sink.text();
        assert_eq!(text.lines().count(), 1000);
        assert!(text.lines().enumerate().all(|(i, l)| l == i.to_string()));
        ob.close();
        assert!(!ob.push(b"late\n".to_vec()));
        writer.join().unwrap();
        assert!(ob.is_finished());
    }

    #[test]
    fn producers_wait_for_space_until_the_writer_catches_up() {
        let ob = Arc::new(Outbox::default());
        let big = vec![b'x'; HIGH_WATER / 4];
        for _ in 0..5 {
            ob.push(big.clone());
        }
        // Over the mark and no writer: waits until told to give up.
        let start = std::time::Instant::now();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        ob.wait_for_space(|| calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 2);
        assert!(start.elapsed() >= Duration::from_millis(90));
        // A writer draining the queue releases the waiter.
        let writer = {
            let ob = ob.clone();
            std::thread::spawn(move || ob.run_writer(io::sink(), || ()))
        };
        ob.wait_for_space(|| false);
        ob.close();
        writer.join().unwrap();
    }

    #[test]
    fn write_failure_is_reported_and_later_pushes_dropped() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"))
            }
        }
        let ob = Arc::new(Outbox::default());
        let failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        ob.push(b"x\n".to_vec());
        let (ob2, failed2) = (ob.clone(), failed.clone());
        let t = std::thread::spawn(move || {
            ob2.run_writer(Broken, move || failed2.store(true, std::sync::atomic::Ordering::SeqCst))
        });
        t.join().unwrap();
        assert!(failed.load(std::sync::atomic::Ordering::SeqCst));
        assert!(ob.is_failed());
        assert!(!ob.push(b"y\n".to_vec()));
        assert!(!ob.wait_flushed(Duration::from_millis(10)));
    }
}
