//! Per-request context handed to handlers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::connection::Conn;
use crate::util::{lock, log};
use crate::wire;

/// Cancellation flag of one request, with a way to sleep until it is set.
#[derive(Default)]
pub(crate) struct CancelToken {
    flag: AtomicBool,
    lock: Mutex<()>,
    cv: Condvar,
}

impl CancelToken {
    pub(crate) fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        let _guard = lock(&self.lock);
        self.cv.notify_all();
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Waits until cancelled or `timeout` elapsed; true if cancelled.
    pub(crate) fn wait(&self, timeout: Duration) -> bool {
        if self.is_cancelled() || timeout.is_zero() {
            return self.is_cancelled();
        }
        let deadline = Instant::now().checked_add(timeout);
        let mut guard = lock(&self.lock);
        loop {
            if self.is_cancelled() {
                return true;
            }
            let wait_for = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return false;
                    }
                    d - now
                }
                // Timeout too large to represent: wait in big steps.
                None => Duration::from_secs(3600),
            };
            guard = match self.cv.wait_timeout(guard, wait_for) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }
}

/// What a handler knows about the request it is serving, and its way back
/// to the client.
///
/// A `Context` is passed by reference to every handler. It is `Send` and
/// `Sync`, so a handler may share it with scoped threads
/// (`std::thread::scope`), but it cannot outlive the handler call. To emit
/// events from threads that outlive a request, use an
/// [`EventEmitter`](crate::EventEmitter).
pub struct Context {
    pub(crate) id: String,
    pub(crate) method: Arc<str>,
    pub(crate) token: Arc<CancelToken>,
    pub(crate) conn: Arc<Conn>,
    pub(crate) streaming: bool,
    pub(crate) warned_chunk: AtomicBool,
}

impl Context {
    /// The request id chosen by the client.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The method name this request was dispatched to.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// True once the client cancelled this request (through the cancel
    /// method, see [`Server::cancel_method`](crate::Server::cancel_method))
    /// or the connection is gone. The client ignores anything sent for a
    /// cancelled request, so a handler should stop early and return
    /// `Err("cancelled".into())`.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Sleeps for up to `timeout`, waking early when the request is
    /// cancelled. Returns true if the request was cancelled (at once if it
    /// already was), false if the full time elapsed. Use it instead of
    /// `std::thread::sleep` in handlers that wait.
    pub fn cancelled_wait(&self, timeout: Duration) -> bool {
        self.token.wait(timeout)
    }

    /// Sends one stream chunk `{"id":..,"stream":true,"data":..}` for this
    /// request. Chunks arrive at the client in the order they were sent and
    /// always before the final response.
    ///
    /// Backpressure: while more than 16 MiB of output wait to be written to
    /// this client, the call blocks until the client catches up (or the
    /// request is cancelled), so a fast producer cannot exhaust memory.
    ///
    /// Only handlers registered with
    /// [`Server::stream_handler`](crate::Server::stream_handler) may send
    /// chunks; elsewhere the call is ignored (and logged once) because a
    /// client awaiting a plain result does not expect them. Returns true if
    /// the chunk was queued, false if it was dropped: not a stream handler,
    /// request cancelled, connection gone, or `data` failed to serialize.
    pub fn send_chunk<T: Serialize>(&self, data: T) -> bool {
        if !self.streaming {
            if !self.warned_chunk.swap(true, Ordering::Relaxed) {
                log(&format!(
                    "send_chunk ignored: method \"{}\" is not registered with stream_handler",
                    self.method
                ));
            }
            return false;
        }
        if self.is_cancelled() {
            return false;
        }
        self.conn.outbox.wait_for_space(|| self.is_cancelled());
        match wire::chunk_line(&self.id, &data) {
            Ok(line) => self.conn.outbox.push(line),
            Err(e) => {
                log(&format!("cannot serialize chunk for \"{}\": {}", self.method, e));
                false
            }
        }
    }

    /// Sends event `{"event":name,"data":data}` to the client that made this
    /// request only. Events are delivered in order with this client's
    /// responses and chunks. Blocks like [`send_chunk`](Self::send_chunk)
    /// while the client is far behind. Returns false if it was dropped
    /// (connection gone, or `data` failed to serialize).
    ///
    /// To reach every connected client, use an
    /// [`EventEmitter`](crate::EventEmitter) instead.
    pub fn emit_event<T: Serialize>(&self, name: &str, data: T) -> bool {
        self.conn.outbox.wait_for_space(|| self.is_cancelled());
        match wire::event_line(name, &data) {
            Ok(line) => self.conn.outbox.push(line),
            Err(e) => {
                log(&format!("cannot serialize event \"{}\": {}", name, e));
                false
            }
        }
    }

    /// Writes `line` to this client verbatim, as one line (any `\r` or `\n`
    /// inside it is replaced by a space). This breaks the protocol on
    /// purpose: it exists so that clients can be tested against stray
    /// non-JSON output. Real handlers never need it.
    pub fn write_raw_line(&self, line: &str) -> bool {
        let mut bytes: Vec<u8> = line
            .bytes()
            .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b })
            .collect();
        bytes.push(b'\n');
        self.conn.outbox.push(bytes)
    }

    /// Blocks until everything queued for this client so far (earlier
    /// responses, chunks, events) has been written and flushed, for at most
    /// five seconds. Returns true if it was. Useful right before ending the
    /// process from a handler with `std::process::exit`.
    pub fn flush(&self) -> bool {
        self.conn.outbox.wait_flushed(Duration::from_secs(5))
    }
}
