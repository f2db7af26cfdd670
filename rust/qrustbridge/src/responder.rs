//! [`Responder`]: a reply that outlives its handler.
//!
//! Exactly once: the responder, the watcher task (cancellation, a dropped
//! responder) and the handler's panic path all race for one flag; only
//! the winner writes a response line.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::oneshot;

use crate::cancel::CancelToken;
use crate::context::Context;
use crate::error::Error;
use crate::handler::result_line;
use crate::wire;

/// The error a client gets when a [`Responder`] is dropped unanswered.
pub(crate) const DROPPED: &str = "no reply: the handler dropped its Responder without answering";

/// What the responder, the handler wrapper and the watcher share.
pub(crate) struct Claim {
    answered: AtomicBool,
}

impl Claim {
    /// True for the one caller that gets to answer.
    pub(crate) fn take(&self) -> bool {
        !self.answered.swap(true, Ordering::AcqRel)
    }
}

/// Alive while a [`Responder`] (or the handler call that got it) exists;
/// the watcher learns that it is gone when `_gone` is dropped.
pub(crate) struct Slot {
    pub claim: Arc<Claim>,
    _gone: oneshot::Sender<()>,
}

/// The answer to one request, to be given later, from anywhere.
///
/// A handler registered with
/// [`Server::deferred_handler`](crate::Server::deferred_handler) gets one
/// and may move it into another thread or task (it is `Send + 'static`),
/// then answer with [`ok`](Self::ok), [`err`](Self::err) or
/// [`respond`](Self::respond). None of them blocks or waits; they work
/// from synchronous threads and async tasks alike.
///
/// The client gets exactly one response, whatever happens:
/// * answered: that answer;
/// * cancelled first (by the client, at shutdown, or because the
///   connection broke or ended): `cancelled`, at once; a
///   later answer is dropped and the answering call returns `false`;
/// * dropped without answering (also when the thread holding it panics):
///   the error `no reply: the handler dropped its Responder without
///   answering`, never silence.
///
/// Until it is answered the request counts as running (toward
/// [`Server::max_in_flight`](crate::Server::max_in_flight)), stays
/// cancellable; shutdown answers it at once and does not wait for it.
///
/// The final response is queued at once, without waiting for room in the
/// client's output budget (the line exists already; waiting would only
/// move it elsewhere in memory), so an answer keeps its order with events
/// sent afterwards from the same thread.
pub struct Responder {
    ctx: Context,
    slot: Arc<Slot>,
}

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder")
            .field("id", &self.ctx.id())
            .field("method", &self.ctx.method())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Responder {
    /// A responder for `ctx`'s request, the handler wrapper's copy of the
    /// slot, and what the watcher waits for.
    pub(crate) fn new(ctx: Context) -> (Responder, Arc<Slot>, oneshot::Receiver<()>) {
        let (gone_tx, gone_rx) = oneshot::channel();
        let slot = Arc::new(Slot { claim: Arc::new(Claim { answered: AtomicBool::new(false) }), _gone: gone_tx });
        (Responder { ctx, slot: slot.clone() }, slot, gone_rx)
    }

    /// The request id.
    pub fn id(&self) -> &str {
        self.ctx.id()
    }

    /// The request's [`Context`]: its id, cancellation, the client
    /// ([`Context::client`]), events to the client.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// True once the request is cancelled; answering is then pointless.
    pub fn is_cancelled(&self) -> bool {
        self.ctx.is_cancelled()
    }

    /// The request's [`CancelToken`], to wait on (`wait`, `cancelled()`)
    /// or to register a callback with (`on_cancel`).
    pub fn cancel_token(&self) -> &CancelToken {
        self.ctx.cancel_token()
    }

    /// Answers with `result` (`Ok` as the result, serialized straight from
    /// `T`; `Err` as the error response). Returns true if the response was
    /// queued for the client, false if the request was cancelled first or
    /// the client is gone.
    pub fn respond<T: Serialize>(self, result: Result<T, Error>) -> bool {
        let line = match result {
            Ok(value) => result_line(self.ctx.id(), &value),
            Err(e) => Err(e),
        };
        let line = line.unwrap_or_else(|e| wire::error_line(self.ctx.id(), &e));
        send(&self.slot.claim, &self.ctx, line)
    }

    /// Answers with a result; see [`respond`](Self::respond).
    pub fn ok<T: Serialize>(self, value: T) -> bool {
        self.respond(Ok(value))
    }

    /// Answers with an error; see [`respond`](Self::respond).
    pub fn err(self, error: impl Into<Error>) -> bool {
        self.respond::<()>(Err(error.into()))
    }
}

/// Queues `line` if `claim` is still open.
pub(crate) fn send(claim: &Claim, ctx: &Context, line: Vec<u8>) -> bool {
    if ctx.is_cancelled() || !claim.take() {
        return false;
    }
    ctx.client().outbox().push_now(line)
}
