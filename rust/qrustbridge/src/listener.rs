//! Daemon modes: a Unix domain socket or a loopback TCP port, many clients
//! at once, each served by [`serve_connection`].

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
#[cfg(unix)]
use tokio::net::UnixListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::client::{Peer, PeerCredentials, Transport};
use crate::connection::{serve_connection, Shared};
#[cfg(unix)]
use crate::socket::SocketFile;
/// No socket files without Unix sockets: `None` is the only value.
#[cfg(not(unix))]
pub(crate) type SocketFile = std::convert::Infallible;

pub(crate) enum Listener {
    #[cfg(unix)]
    Unix(UnixListener),
    Tcp(TcpListener),
}

/// Accepts clients until `stop` is cancelled, then lets every client shut
/// down gracefully (see `connection.rs`) and returns.
pub(crate) async fn serve_listener(
    shared: Arc<Shared>,
    listener: Listener,
    socket_file: Option<SocketFile>,
    stop: CancellationToken,
) -> io::Result<()> {
    let mut clients = JoinSet::new();
    #[cfg(unix)]
    crate::systemd::notify("READY=1");
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.cancelled() => break,
            Some(_) = clients.join_next(), if !clients.is_empty() => continue,
            accepted = accept(&listener) => accepted,
        };
        match accepted {
            #[cfg(unix)]
            Ok(Accepted::Unix(stream)) => {
                let credentials = match stream.peer_cred() {
                    Ok(cred) => Some(PeerCredentials {
                        uid: cred.uid(),
                        gid: cred.gid(),
                        pid: cred.pid().and_then(|p| u32::try_from(p).ok()).filter(|p| *p > 0),
                    }),
                    Err(e) => {
                        log::warn!("cannot read the peer credentials of a client: {}", e);
                        None
                    }
                };
                let peer = Peer { transport: Transport::UnixSocket, credentials, address: None };
                let (input, output) = stream.into_split();
                clients.spawn(serve_connection(shared.clone(), input, output, stop.clone(), peer));
            }
            Ok(Accepted::Tcp(stream)) => {
                let _ = stream.set_nodelay(true);
                let peer = Peer { transport: Transport::Tcp, credentials: None, address: stream.peer_addr().ok() };
                let (input, output) = stream.into_split();
                clients.spawn(serve_connection(shared.clone(), input, output, stop.clone(), peer));
            }
            Err(e) => {
                // Typically EMFILE: back off instead of spinning.
                log::warn!("accept failed: {}", e);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    #[cfg(unix)]
    crate::systemd::notify("STOPPING=1");
    // Stop accepting and make the path free for a new server right away.
    drop(listener);
    drop(socket_file);
    // Each connection ends within the grace period plus a second.
    let limit = shared.grace + Duration::from_millis(1500);
    let all_done = async {
        while clients.join_next().await.is_some() {}
    };
    if tokio::time::timeout(limit, all_done).await.is_err() {
        log::warn!("some clients did not finish in time; leaving them behind");
    }
    Ok(())
}

enum Accepted {
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
    Tcp(tokio::net::TcpStream),
}

async fn accept(listener: &Listener) -> io::Result<Accepted> {
    match listener {
        #[cfg(unix)]
        Listener::Unix(l) => l.accept().await.map(|(s, _)| Accepted::Unix(s)),
        Listener::Tcp(l) => l.accept().await.map(|(s, _)| Accepted::Tcp(s)),
    }
}
