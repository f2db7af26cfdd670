//! Outbound queue of one connection and the writer task that drains it.
//!
//! Producers (the reader, handlers, event broadcasts) hand over whole
//! serialized lines; a single writer task owns the output stream, writes
//! through a 64 KiB buffer and flushes only when the queue has run empty.
//! Lines are therefore never interleaved, and bursts of small messages cost
//! one `write()` per buffer instead of one per message.
//!
//! Memory is bounded by a byte budget (a semaphore with one permit per
//! byte): a line may only be queued once its size is available, and the
//! writer gives the permits back once the line is written. Producers that
//! can wait (handlers, the reader) wait; broadcasts, which must not block,
//! are dropped and counted instead (see `events.rs`).

use std::io::{self, ErrorKind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::{oneshot, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::blocking::wait_blocking;
use crate::cancel::CancelToken;

const WRITE_BUFFER: usize = 64 * 1024;

enum Out {
    Line(Vec<u8>, u32),
    Flush(oneshot::Sender<()>),
    Close,
}

struct Shared {
    tx: UnboundedSender<Out>,
    budget: Arc<Semaphore>,
    max_permits: u32,
    closed: AtomicBool,
    /// Broadcast events dropped since the client last kept up, and in total.
    lagging: AtomicU64,
    dropped_total: AtomicU64,
}

/// The sending side of one connection's output. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Outbox {
    shared: Arc<Shared>,
}

/// The receiving side, consumed by [`Outbox::run_writer`].
pub(crate) struct Inbox {
    rx: UnboundedReceiver<Out>,
}

/// Why a broadcast line was not queued.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TryPush {
    Queued,
    /// The client is behind by the whole budget.
    Full,
    Closed,
}

impl Outbox {
    /// An outbox that holds at most `budget_bytes` of unwritten lines (a
    /// single longer line is still accepted once the queue is empty).
    pub(crate) fn new(budget_bytes: usize) -> (Outbox, Inbox) {
        let max_permits = budget_bytes.clamp(1, u32::MAX as usize >> 4) as u32;
        let (tx, rx) = unbounded_channel();
        let shared = Shared {
            tx,
            budget: Arc::new(Semaphore::new(max_permits as usize)),
            max_permits,
            closed: AtomicBool::new(false),
            lagging: AtomicU64::new(0),
            dropped_total: AtomicU64::new(0),
        };
        (Outbox { shared: Arc::new(shared) }, Inbox { rx })
    }

    fn permits_for(&self, line: &[u8]) -> u32 {
        (line.len().min(u32::MAX as usize) as u32).clamp(1, self.shared.max_permits)
    }

    fn send(&self, line: Vec<u8>, permits: u32) -> bool {
        if self.shared.closed.load(Ordering::Acquire) {
            self.shared.budget.add_permits(permits as usize);
            return false;
        }
        self.shared.tx.send(Out::Line(line, permits)).is_ok()
    }

    /// Queues one complete line (with its `\n`), waiting while the client
    /// is behind by the whole budget. False if the connection is closed or
    /// broken and the line was dropped.
    pub(crate) async fn push(&self, line: Vec<u8>) -> bool {
        let permits = self.permits_for(&line);
        if let Ok(p) = self.shared.budget.try_acquire_many(permits) {
            p.forget();
            return self.send(line, permits);
        }
        match self.shared.budget.acquire_many(permits).await {
            Ok(p) => p.forget(),
            Err(_) => return false,
        }
        self.send(line, permits)
    }

    /// [`push`](Self::push) that gives up (false) once `token` is cancelled.
    pub(crate) async fn push_unless(&self, line: Vec<u8>, token: &CancelToken) -> bool {
        tokio::select! {
            biased;
            ok = self.push(line) => ok,
            _ = token.cancelled() => false,
        }
    }

    /// [`push`](Self::push) for synchronous callers: blocks the thread.
    pub(crate) fn push_blocking(&self, line: Vec<u8>, token: Option<&CancelToken>) -> bool {
        // Fast path without building a waker.
        let permits = self.permits_for(&line);
        if let Ok(p) = self.shared.budget.try_acquire_many(permits) {
            p.forget();
            return self.send(line, permits);
        }
        let out = match token {
            Some(t) => wait_blocking(self.push_unless(line, t), None),
            None => wait_blocking(self.push(line), None),
        };
        out.unwrap_or(false)
    }

    /// Queues a line at once, outside the budget: for a final response that
    /// exists already and must keep its place before what its sender
    /// queues next. False if the connection is closed.
    pub(crate) fn push_now(&self, line: Vec<u8>) -> bool {
        self.send(line, 0)
    }

    /// Queues a line only if the budget has room right now.
    pub(crate) fn try_push(&self, line: Vec<u8>) -> TryPush {
        let permits = self.permits_for(&line);
        match self.shared.budget.try_acquire_many(permits) {
            Ok(p) => p.forget(),
            Err(tokio::sync::TryAcquireError::NoPermits) => return TryPush::Full,
            Err(tokio::sync::TryAcquireError::Closed) => return TryPush::Closed,
        }
        if self.send(line, permits) {
            TryPush::Queued
        } else {
            TryPush::Closed
        }
    }

    /// Counts a dropped broadcast; returns true for the first drop of a
    /// lagging spell (worth a log line).
    pub(crate) fn note_dropped(&self) -> bool {
        self.shared.dropped_total.fetch_add(1, Ordering::Relaxed);
        self.shared.lagging.fetch_add(1, Ordering::Relaxed) == 0
    }

    /// Ends a lagging spell; returns how many broadcasts it dropped.
    pub(crate) fn note_delivered(&self) -> u64 {
        if self.shared.lagging.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        self.shared.lagging.swap(0, Ordering::Relaxed)
    }

    /// Broadcast events dropped for this connection so far.
    pub(crate) fn dropped_total(&self) -> u64 {
        self.shared.dropped_total.load(Ordering::Relaxed)
    }

    /// Waits until everything queued before this call has been written and
    /// flushed; false if the connection ended first.
    pub(crate) async fn flush(&self) -> bool {
        let (tx, rx) = oneshot::channel();
        if self.shared.closed.load(Ordering::Acquire) || self.shared.tx.send(Out::Flush(tx)).is_err() {
            return false;
        }
        rx.await.is_ok()
    }

    /// [`flush`](Self::flush) for synchronous callers, for at most `timeout`.
    pub(crate) fn flush_blocking(&self, timeout: Duration) -> bool {
        wait_blocking(self.flush(), Some(timeout)).unwrap_or(false)
    }

    /// Stops accepting lines; the writer writes what is queued, flushes and
    /// returns.
    pub(crate) fn close(&self) {
        if !self.shared.closed.swap(true, Ordering::AcqRel) {
            let _ = self.shared.tx.send(Out::Close);
        }
    }

    /// Releases every producer still waiting for room (after the writer is
    /// gone): their lines are dropped.
    pub(crate) fn abandon(&self) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.budget.close();
    }

    /// The writer loop: runs until [`close`](Self::close) was called and the
    /// queue is drained, or until a write fails (then `failed` is
    /// cancelled and every later push is refused).
    pub(crate) async fn run_writer<W>(&self, inbox: Inbox, out: W, failed: CancellationToken)
    where
        W: AsyncWrite + Unpin,
    {
        let mut w = BufWriter::with_capacity(WRITE_BUFFER, out);
        let result = self.write_all(inbox, &mut w).await;
        let result = match result {
            Ok(()) => w.shutdown().await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            // A peer that went away is routine; anything else is worth a line.
            if !matches!(e.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::NotConnected) {
                log::warn!("output failed, dropping further messages on this connection: {}", e);
            }
            failed.cancel();
        }
        self.abandon();
    }

    async fn write_all<W: AsyncWrite + Unpin>(&self, mut inbox: Inbox, w: &mut BufWriter<W>) -> io::Result<()> {
        // Budget given back in bulk: each release takes the semaphore's lock.
        let mut written = 0usize;
        let mut yielded = false;
        loop {
            let msg = match inbox.rx.try_recv() {
                Ok(m) => {
                    yielded = false;
                    m
                }
                Err(TryRecvError::Empty) if !yielded && !w.buffer().is_empty() => {
                    // Handlers that are ready to run usually have responses
                    // coming: let them, and write those in the same batch.
                    yielded = true;
                    tokio::task::yield_now().await;
                    continue;
                }
                Err(TryRecvError::Empty) => {
                    yielded = false;
                    // Going idle: what was written so far goes out now.
                    self.shared.budget.add_permits(std::mem::take(&mut written));
                    w.flush().await?;
                    match inbox.rx.recv().await {
                        Some(m) => m,
                        None => return Ok(()),
                    }
                }
                Err(TryRecvError::Disconnected) => return Ok(()),
            };
            match msg {
                Out::Line(line, permits) => {
                    let result = w.write_all(&line).await;
                    drop(line);
                    written += permits as usize;
                    if written >= WRITE_BUFFER {
                        self.shared.budget.add_permits(std::mem::take(&mut written));
                    }
                    result?;
                }
                Out::Flush(done) => {
                    w.flush().await?;
                    let _ = done.send(());
                }
                Out::Close => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::task::{Context, Poll};

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl AsyncWrite for Sink {
        fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn lines_are_written_in_order_and_flushed() {
        let (ob, inbox) = Outbox::new(1024);
        let sink = Sink::default();
        let writer = {
            let (ob, sink) = (ob.clone(), sink.clone());
            tokio::spawn(async move { ob.run_writer(inbox, sink, CancellationToken::new()).await })
        };
        for i in 0..1000 {
            assert!(ob.push(format!("{}\n", i).into_bytes()).await);
        }
        assert!(ob.flush().await);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1000);
        assert!(text.lines().enumerate().all(|(i, l)| l == i.to_string()));
        ob.close();
        writer.await.unwrap();
        assert!(!ob.push(b"late\n".to_vec()).await);
    }

    #[tokio::test]
    async fn a_full_budget_refuses_broadcasts_and_makes_producers_wait() {
        let (ob, inbox) = Outbox::new(100);
        assert_eq!(ob.try_push(vec![b'x'; 60]), TryPush::Queued);
        assert_eq!(ob.try_push(vec![b'x'; 60]), TryPush::Full);
        // A line longer than the whole budget still goes, alone.
        let waiting = {
            let ob = ob.clone();
            tokio::spawn(async move { ob.push(vec![b'y'; 500]).await })
        };
        let sink = Sink::default();
        let writer = {
            let (ob, sink) = (ob.clone(), sink.clone());
            tokio::spawn(async move { ob.run_writer(inbox, sink, CancellationToken::new()).await })
        };
        assert!(waiting.await.unwrap());
        assert!(ob.flush().await);
        assert_eq!(sink.0.lock().unwrap().len(), 560);
        ob.close();
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn write_failure_cancels_and_refuses_later_pushes() {
        struct Broken;
        impl AsyncWrite for Broken {
            fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
                Poll::Ready(Err(io::Error::new(ErrorKind::BrokenPipe, "gone")))
            }
            fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Err(io::Error::new(ErrorKind::BrokenPipe, "gone")))
            }
            fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }
        }
        let (ob, inbox) = Outbox::new(16);
        let failed = CancellationToken::new();
        assert!(ob.push(b"x\n".to_vec()).await);
        ob.run_writer(inbox, Broken, failed.clone()).await;
        assert!(failed.is_cancelled());
        assert!(!ob.push(vec![b'y'; 10]).await);
        assert_eq!(ob.try_push(b"z\n".to_vec()), TryPush::Closed);
    }
}
