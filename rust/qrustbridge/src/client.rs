//! [`ClientHandle`]: one connected client, reachable outside any request;
//! [`PeerCredentials`] and [`Transport`]: who and how.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::outbox::{Outbox, TryPush};
use crate::wire;

/// The user and process at the other end of a connection, as the kernel
/// reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerCredentials {
    /// User id of the peer process.
    pub uid: u32,
    /// Group id of the peer process (its primary group).
    pub gid: u32,
    /// Process id of the peer, when the kernel reports one.
    pub pid: Option<u32>,
}

impl PeerCredentials {
    /// The credentials of the parent process, the client of a stdio
    /// backend: its pid (`getppid`) and the real uid and gid this process
    /// inherited from it.
    pub(crate) fn of_parent() -> PeerCredentials {
        // SAFETY: these calls cannot fail and touch no memory.
        let (uid, gid, ppid) = unsafe { (libc::getuid(), libc::getgid(), libc::getppid()) };
        PeerCredentials { uid, gid, pid: u32::try_from(ppid).ok().filter(|p| *p > 0) }
    }
}

/// How a client is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// The parent process over stdin/stdout ([`serve_stdio`](crate::Server::serve_stdio)).
    Stdio,
    /// A Unix domain socket ([`serve_unix_socket`](crate::Server::serve_unix_socket)).
    UnixSocket,
    /// A TCP connection ([`serve_tcp`](crate::Server::serve_tcp)).
    Tcp,
    /// Streams handed to [`serve_io`](crate::Server::serve_io) or
    /// [`serve_io_async`](crate::Server::serve_io_async).
    Io,
}

/// Who is at the other end of a new connection.
#[derive(Clone, Debug)]
pub(crate) struct Peer {
    pub transport: Transport,
    pub credentials: Option<PeerCredentials>,
    pub address: Option<SocketAddr>,
}

struct Inner {
    id: u64,
    peer: Peer,
    outbox: Outbox,
    connected: AtomicBool,
}

/// One connected client: who it is, and a way to send it events outside
/// any request (from a timer, another thread, a handler of another
/// client).
///
/// Handlers get it from [`Context::client`](crate::Context::client); the
/// connection hooks [`Server::on_connect`](crate::Server::on_connect) and
/// [`Server::on_disconnect`](crate::Server::on_disconnect) see it first and
/// last. It is `Clone + Send + Sync`, cheap to clone, and may outlive the
/// connection: sending to a client that is gone returns `false`.
///
/// Events go to this client only, in order with everything else sent to
/// it (responses, chunks, other events) from the same thread or task.
#[derive(Clone)]
pub struct ClientHandle {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ClientHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHandle")
            .field("id", &self.inner.id)
            .field("transport", &self.inner.peer.transport)
            .field("credentials", &self.inner.peer.credentials)
            .field("address", &self.inner.peer.address)
            .field("connected", &self.is_connected())
            .finish()
    }
}

impl ClientHandle {
    pub(crate) fn new(id: u64, peer: Peer, outbox: Outbox) -> ClientHandle {
        ClientHandle { inner: Arc::new(Inner { id, peer, outbox, connected: AtomicBool::new(true) }) }
    }

    pub(crate) fn outbox(&self) -> &Outbox {
        &self.inner.outbox
    }

    pub(crate) fn set_disconnected(&self) {
        self.inner.connected.store(false, Ordering::Release);
    }

    /// A number for this connection, unique within the server's life
    /// (also the client number in the crate's log lines).
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// How the client is connected.
    pub fn transport(&self) -> Transport {
        self.inner.peer.transport
    }

    /// The peer's uid, gid and pid: from the kernel (`SO_PEERCRED`) for a
    /// Unix socket; for stdio, the parent process (its pid, and the real
    /// uid and gid this process inherited from it). `None` for TCP and
    /// for [`serve_io`](crate::Server::serve_io) streams, where no
    /// credentials are known.
    pub fn credentials(&self) -> Option<PeerCredentials> {
        self.inner.peer.credentials
    }

    /// The peer's address, for TCP clients.
    pub fn peer_address(&self) -> Option<SocketAddr> {
        self.inner.peer.address
    }

    /// False once the connection ended (the client went away or the
    /// server shut down); events are then dropped.
    pub fn is_connected(&self) -> bool {
        self.inner.connected.load(Ordering::Acquire)
    }

    /// Sends event `{"event":name,"data":data}` to this client. Blocks the
    /// calling thread while the client is behind by its whole output
    /// budget ([`Server::max_output_bytes`](crate::Server::max_output_bytes));
    /// use [`emit_event_async`](Self::emit_event_async) in async code, or
    /// [`try_emit_event`](Self::try_emit_event) to never wait. Returns
    /// false if the event was dropped: the client is gone, or `data`
    /// failed to serialize.
    pub fn emit_event<T: Serialize>(&self, name: &str, data: T) -> bool {
        match wire::event_line_or_log(name, &data) {
            Some(line) => self.inner.outbox.push_blocking(line, None),
            None => false,
        }
    }

    /// [`emit_event`](Self::emit_event) for async code: waits instead of
    /// blocking.
    pub async fn emit_event_async<T: Serialize>(&self, name: &str, data: T) -> bool {
        match wire::event_line_or_log(name, &data) {
            Some(line) => self.inner.outbox.push(line).await,
            None => false,
        }
    }

    /// [`emit_event`](Self::emit_event) that never waits: the event is
    /// dropped (false) when the client is behind by its whole output
    /// budget, like a broadcast of [`EventEmitter`](crate::EventEmitter).
    pub fn try_emit_event<T: Serialize>(&self, name: &str, data: T) -> bool {
        match wire::event_line_or_log(name, &data) {
            Some(line) => self.inner.outbox.try_push(line) == TryPush::Queued,
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_is_the_stdio_peer() {
        let parent = PeerCredentials::of_parent();
        // SAFETY: plain id getters.
        let (uid, gid, ppid) = unsafe { (libc::getuid(), libc::getgid(), libc::getppid()) };
        assert_eq!(parent, PeerCredentials { uid, gid, pid: Some(ppid as u32) });
    }
}
