//! Server-wide events: the [`EventEmitter`] handle and the registry of
//! connections it broadcasts to.
//!
//! A broadcast never waits for a client. When a client is so far behind
//! that its output budget is used up, the event is dropped for that client
//! only, counted, and logged once per lagging spell (and once more with the
//! count when the client catches up). Requests and their responses are not
//! affected: they wait instead (see `outbox.rs`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::outbox::{Outbox, TryPush};
use crate::util::lock;
use crate::wire;

/// Registry of the connections that receive broadcast events.
#[derive(Default)]
pub(crate) struct Hub {
    conns: Mutex<Vec<(u64, Outbox)>>,
    next_id: AtomicU64,
    dropped: AtomicU64,
}

/// Removes its connection from the hub when dropped.
pub(crate) struct Registration {
    hub: Arc<Hub>,
    id: u64,
    outbox: Outbox,
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.hub.conns).retain(|(id, _)| *id != self.id);
        let dropped = self.outbox.dropped_total();
        if dropped > 0 {
            log::warn!("client {} disconnected; {} broadcast event(s) were dropped for it", self.id, dropped);
        }
    }
}

impl Hub {
    /// A number for a new connection (see `ClientHandle::id`).
    pub(crate) fn next_client_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn register(self: &Arc<Self>, id: u64, outbox: Outbox) -> Registration {
        lock(&self.conns).push((id, outbox.clone()));
        Registration { hub: self.clone(), id, outbox }
    }

    fn broadcast(&self, line: Vec<u8>) -> usize {
        let conns = lock(&self.conns).clone();
        let mut reached = 0;
        for (id, outbox) in conns.iter() {
            match outbox.try_push(line.clone()) {
                TryPush::Queued => {
                    reached += 1;
                    let missed = outbox.note_delivered();
                    if missed > 0 {
                        log::warn!("client {} caught up; {} broadcast event(s) were dropped meanwhile", id, missed);
                    }
                }
                TryPush::Full => {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    if outbox.note_dropped() {
                        log::warn!("client {} is not reading its output; dropping broadcast events for it", id);
                    }
                }
                TryPush::Closed => {}
            }
        }
        reached
    }
}

/// A handle for sending events from anywhere: other threads, timers,
/// tasks, handlers of other clients.
///
/// Obtain it with [`Server::event_emitter`](crate::Server::event_emitter)
/// before calling one of the `serve_*` methods, and clone it freely; it is
/// `Send + Sync` and never blocks.
///
/// Where events go:
/// * stdio ([`Server::serve_stdio`](crate::Server::serve_stdio),
///   [`Server::serve_io`](crate::Server::serve_io)): to the one client.
/// * Unix socket and TCP: broadcast to **every** connected client (each
///   one that has received its ready event). To reach only the client
///   that made a request, use [`Context::emit_event`](crate::Context::emit_event).
///
/// Events emitted while no client is connected (before serving, between
/// socket clients, after shutdown) are dropped. So are events for a client
/// that has not read its output for a while (its whole output budget,
/// [`Server::max_output_bytes`](crate::Server::max_output_bytes), is
/// queued): they are counted ([`dropped`](Self::dropped)) and logged, and
/// the client still gets every response.
#[derive(Clone)]
pub struct EventEmitter {
    pub(crate) hub: Arc<Hub>,
}

impl std::fmt::Debug for EventEmitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventEmitter")
            .field("clients", &lock(&self.hub.conns).len())
            .field("dropped", &self.dropped())
            .finish()
    }
}

impl EventEmitter {
    /// Sends event `{"event":name,"data":data}` and returns the number of
    /// clients it was queued for (0 if none is connected or `data` failed
    /// to serialize).
    pub fn emit_event<T: Serialize>(&self, name: &str, data: T) -> usize {
        wire::event_line_or_log(name, &data).map_or(0, |line| self.hub.broadcast(line))
    }

    /// How many times an event was dropped for a client that was not
    /// reading, summed over all clients since the server was created.
    pub fn dropped(&self) -> u64 {
        self.hub.dropped.load(Ordering::Relaxed)
    }
}
