//! Per-request context handed to handlers.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::cancel::CancelToken;
use crate::client::ClientHandle;
use crate::wire;

/// What a handler knows about the request it is serving, and its way back
/// to the client.
///
/// Synchronous handlers get `&Context`, async handlers an owned `Context`
/// (it is a cheap clone of shared state). It is `Send + Sync`.
///
/// Methods come in two flavours: the plain ones (`send_chunk`,
/// `emit_event`, `flush`, `cancelled_wait`) block the calling thread while
/// they wait and are meant for synchronous handlers, which run on the
/// blocking pool; the `*_async` ones are for async handlers, which must not
/// block a runtime worker.
#[derive(Clone)]
pub struct Context {
    id: Arc<str>,
    method: Arc<str>,
    token: CancelToken,
    client: ClientHandle,
    streaming: bool,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("streaming", &self.streaming)
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Context {
    pub(crate) fn new(
        id: Arc<str>,
        method: Arc<str>,
        token: CancelToken,
        client: ClientHandle,
        streaming: bool,
    ) -> Context {
        Context { id, method, token, client, streaming }
    }

    /// The request id chosen by the client.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn shared_id(&self) -> Arc<str> {
        self.id.clone()
    }

    /// The client that made this request: who it is
    /// ([`ClientHandle::credentials`]) and a handle to send it events
    /// later, after this request is answered. Clone it to keep it.
    pub fn client(&self) -> &ClientHandle {
        &self.client
    }

    /// The method name this request was dispatched to.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// True once the request is cancelled: by the client (through the
    /// cancel method, see [`Server::cancel_method`](crate::Server::cancel_method)),
    /// because its connection broke or ended, or because shutdown began
    /// (a synchronous handler then has the grace period to return). The client ignores anything sent for a cancelled request,
    /// so a handler should stop early and return `Err("cancelled".into())`.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// The request's [`CancelToken`]: clone it into other threads or
    /// tasks, wait on it, or register a callback.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.token
    }

    /// A `tokio_util` [`CancellationToken`] cancelled with the request, for
    /// APIs that take one.
    pub fn cancellation_token(&self) -> CancellationToken {
        self.token.to_cancellation_token()
    }

    /// Completes once the request is cancelled (async handlers).
    pub async fn cancelled(&self) {
        self.token.cancelled().await
    }

    /// Sleeps for up to `timeout`, waking early when the request is
    /// cancelled. Returns true if the request was cancelled (at once if it
    /// already was), false if the full time elapsed. Use it instead of
    /// `std::thread::sleep` in synchronous handlers; async handlers use
    /// `tokio::select!` on [`cancelled`](Self::cancelled) instead (their
    /// future is also dropped on cancellation).
    pub fn cancelled_wait(&self, timeout: Duration) -> bool {
        self.token.wait(timeout)
    }

    fn chunk_line<T: Serialize>(&self, data: T) -> Option<Vec<u8>> {
        if !self.streaming {
            if self.token.first_chunk_warning() {
                log::warn!(
                    "send_chunk ignored: method \"{}\" is not registered as a stream handler",
                    self.method
                );
            }
            return None;
        }
        if self.is_cancelled() {
            return None;
        }
        match wire::chunk_line(&self.id, &data) {
            Ok(line) => Some(line),
            Err(e) => {
                log::error!("cannot serialize chunk for \"{}\": {}", self.method, e);
                None
            }
        }
    }

    /// Sends one stream chunk `{"id":..,"stream":true,"data":..}` for this
    /// request. Chunks arrive at the client in the order they were sent and
    /// always before the final response.
    ///
    /// Backpressure: while the client is behind by the whole output budget
    /// ([`Server::max_output_bytes`](crate::Server::max_output_bytes)), the
    /// call blocks until it catches up or the request is cancelled.
    ///
    /// Only stream handlers may send chunks; elsewhere the call is ignored
    /// (and logged once) because a client awaiting a plain result does not
    /// expect them. Returns true if the chunk was queued, false if it was
    /// dropped: not a stream handler, request cancelled, connection gone,
    /// or `data` failed to serialize.
    pub fn send_chunk<T: Serialize>(&self, data: T) -> bool {
        match self.chunk_line(data) {
            Some(line) => self.client.outbox().push_blocking(line, Some(&self.token)),
            None => false,
        }
    }

    /// [`send_chunk`](Self::send_chunk) for async handlers: waits instead
    /// of blocking.
    pub async fn send_chunk_async<T: Serialize>(&self, data: T) -> bool {
        match self.chunk_line(data) {
            Some(line) => self.client.outbox().push_unless(line, &self.token).await,
            None => false,
        }
    }

    /// Sends event `{"event":name,"data":data}` to the client that made this
    /// request only, in order with its responses and chunks. Blocks like
    /// [`send_chunk`](Self::send_chunk) while the client is far behind.
    /// Returns false if it was dropped (connection gone, request cancelled
    /// while waiting, or `data` failed to serialize).
    ///
    /// To reach every connected client, use an
    /// [`EventEmitter`](crate::EventEmitter) instead.
    pub fn emit_event<T: Serialize>(&self, name: &str, data: T) -> bool {
        match wire::event_line_or_log(name, &data) {
            Some(line) => self.client.outbox().push_blocking(line, Some(&self.token)),
            None => false,
        }
    }

    /// [`emit_event`](Self::emit_event) for async handlers.
    pub async fn emit_event_async<T: Serialize>(&self, name: &str, data: T) -> bool {
        match wire::event_line_or_log(name, &data) {
            Some(line) => self.client.outbox().push_unless(line, &self.token).await,
            None => false,
        }
    }

    /// Writes `line` to this client verbatim, as one line (any `\r` or `\n`
    /// inside it is replaced by a space). This breaks the protocol on
    /// purpose: it exists so that clients can be tested against stray
    /// non-JSON output, and is only compiled with the crate feature
    /// `test-hooks` (the demo backend enables it). Real handlers never need it.
    #[cfg(feature = "test-hooks")]
    #[doc(hidden)]
    pub fn write_raw_line(&self, line: &str) -> bool {
        let mut bytes: Vec<u8> = line.bytes().map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }).collect();
        bytes.push(b'\n');
        self.client.outbox().push_blocking(bytes, None)
    }

    /// Blocks until everything queued for this client so far (earlier
    /// responses, chunks, events) has been written and flushed, for at most
    /// five seconds. Returns true if it was. Useful right before ending the
    /// process from a handler with `std::process::exit`.
    pub fn flush(&self) -> bool {
        self.client.outbox().flush_blocking(Duration::from_secs(5))
    }

    /// [`flush`](Self::flush) for async handlers (no time limit: wrap it
    /// in `tokio::time::timeout` if needed).
    pub async fn flush_async(&self) -> bool {
        self.client.outbox().flush().await
    }
}
