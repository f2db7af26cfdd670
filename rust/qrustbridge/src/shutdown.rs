//! Graceful shutdown: the [`ShutdownHandle`] and SIGTERM/SIGINT handling.

use std::io;

#[cfg(unix)]
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Stops a running `serve_stdio`, `serve_unix_socket` or `serve_tcp` (or
/// their async variants) from anywhere, exactly as SIGTERM would: no new
/// input is read, every request is cancelled at once (async handlers are
/// dropped, requests not yet started never start), synchronous handlers
/// get the grace period
/// ([`Server::shutdown_timeout`](crate::Server::shutdown_timeout)) to
/// return, output is flushed, the socket file is removed, and the
/// `serve_*` call returns `Ok(())`.
///
/// Obtain it with [`Server::shutdown_handle`](crate::Server::shutdown_handle).
/// It is `Clone + Send + Sync`. Calling [`shutdown`](Self::shutdown) before
/// serving makes the next `serve_*` call return right after it starts.
/// It has no effect on [`Server::serve_io`](crate::Server::serve_io), which
/// ends when its input ends.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    pub(crate) token: CancellationToken,
}

impl ShutdownHandle {
    /// Requests a graceful shutdown. Returns at once; idempotent.
    pub fn shutdown(&self) {
        self.token.cancel();
    }

    /// True once shutdown was requested.
    pub fn is_shutdown(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// Turns the first SIGTERM or SIGINT into `shutdown.cancel()`; a second one
/// ends the process at once with status 128 + signal number (130 or 143),
/// for when the graceful path takes too long for someone's taste.
#[cfg(unix)]
pub(crate) fn watch_signals(shutdown: CancellationToken) -> io::Result<JoinHandle<()>> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(tokio::spawn(async move {
        let first = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        log::info!("{}: shutting down (a second signal exits at once)", first);
        shutdown.cancel();
        let code = tokio::select! {
            _ = term.recv() => 128 + libc::SIGTERM,
            _ = int.recv() => 128 + libc::SIGINT,
        };
        log::warn!("second signal: exiting at once");
        std::process::exit(code);
    }))
}

/// Elsewhere (Windows) only Ctrl-C (Ctrl-Break and console close are not
/// watched): the first requests shutdown, a second exits with status 130.
#[cfg(not(unix))]
pub(crate) fn watch_signals(shutdown: CancellationToken) -> io::Result<JoinHandle<()>> {
    Ok(tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        log::info!("Ctrl-C: shutting down (a second one exits at once)");
        shutdown.cancel();
        let _ = tokio::signal::ctrl_c().await;
        log::warn!("second Ctrl-C: exiting at once");
        std::process::exit(130);
    }))
}
