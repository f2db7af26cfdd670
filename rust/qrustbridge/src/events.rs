//! Server-wide events: the [`EventEmitter`] handle and the registry of
//! connections it broadcasts to.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::connection::Conn;
use crate::util::{lock, log};
use crate::wire;

/// Registry of the connections that receive broadcast events.
#[derive(Default)]
pub(crate) struct Hub {
    conns: Mutex<Vec<(u64, Arc<Conn>)>>,
    next_id: AtomicU64,
}

/// Removes its connection from the hub when dropped.
pub(crate) struct Registration {
    hub: Arc<Hub>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.hub.conns).retain(|(id, _)| *id != self.id);
    }
}

impl Hub {
    pub(crate) fn register(self: &Arc<Self>, conn: Arc<Conn>) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.conns).push((id, conn));
        Registration { hub: self.clone(), id }
    }

    fn broadcast(&self, line: Vec<u8>) -> usize {
        let conns = lock(&self.conns);
        let mut reached = 0;
        for (_, conn) in conns.iter() {
            if conn.outbox.push(line.clone()) {
                reached += 1;
            }
        }
        reached
    }
}

/// A handle for sending events from anywhere: other threads, timers,
/// handlers of other clients.
///
/// Obtain it with [`Server::event_emitter`](crate::Server::event_emitter)
/// before calling one of the `serve_*` methods, and clone it freely; it is
/// `Send + Sync`.
///
/// Where events go:
/// * stdio ([`Server::serve_stdio`](crate::Server::serve_stdio),
///   [`Server::serve_io`](crate::Server::serve_io)): to the one client.
/// * Unix socket and TCP: broadcast to **every** connected client (each
///   one that has received its ready event). To reach only the client
///   that made a request, use [`Context::emit_event`](crate::Context::emit_event).
///
/// Events emitted while no client is connected (before serving, between
/// socket clients, after shutdown) are dropped.
#[derive(Clone)]
pub struct EventEmitter {
    pub(crate) hub: Arc<Hub>,
}

impl EventEmitter {
    /// Sends event `{"event":name,"data":data}` and returns the number of
    /// clients it was queued for (0 if none is connected or `data` failed
    /// to serialize).
    pub fn emit_event<T: Serialize>(&self, name: &str, data: T) -> usize {
        match wire::event_line(name, &data) {
            Ok(line) => self.hub.broadcast(line),
            Err(e) => {
                log(&format!("cannot serialize event \"{}\": {}", name, e));
                0
            }
        }
    }
}
