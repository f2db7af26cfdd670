//! Daemon modes: a Unix domain socket or a loopback TCP port, many clients
//! at once, each served by [`run_connection`].

use std::fs;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::io::{AsRawFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::connection::{run_connection, Shared};
use crate::shutdown::{wait_readable, Ready};
use crate::util::{lock, log};

pub(crate) enum Listener {
    Unix(UnixListener),
    Tcp(TcpListener),
}

enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Stream {
    fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
        })
    }

    fn shutdown(&self, how: Shutdown) {
        let _ = match self {
            Stream::Unix(s) => s.shutdown(how),
            Stream::Tcp(s) => s.shutdown(how),
        };
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A bound Unix socket file that is removed again when dropped, but only if
/// the path still refers to the socket we created.
pub(crate) struct SocketFile {
    path: PathBuf,
    dev_ino: (u64, u64),
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Ok(meta) = fs::symlink_metadata(&self.path) {
            if (meta.dev(), meta.ino()) == self.dev_ino {
                let _ = fs::remove_file(&self.path);
            }
        }
    }
}

/// Binds `path` with mode 0600, replacing a stale socket file left behind
/// by a crashed server. Refuses to touch a path that is not a socket, or a
/// socket a live server still answers on.
pub(crate) fn bind_unix(path: &Path) -> io::Result<(UnixListener, SocketFile)> {
    match fs::symlink_metadata(path) {
        Ok(meta) => {
            if !meta.file_type().is_socket() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a socket; refusing to replace it", path.display()),
                ));
            }
            match UnixStream::connect(path) {
                Ok(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::AddrInUse,
                        format!("a server is already listening on {}", path.display()),
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    log(&format!("removing stale socket file {}", path.display()));
                    match fs::remove_file(path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!("cannot probe existing socket {}: {}", path.display(), e),
                    ));
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }

    // Owner-only from the moment the file exists; the chmod below also
    // covers filesystems that ignore the umask for sockets.
    // SAFETY: umask has no memory-safety preconditions.
    let old_mask = unsafe { libc::umask(0o177) };
    let bound = UnixListener::bind(path);
    // SAFETY: as above.
    unsafe { libc::umask(old_mask) };
    let listener = bound?;
    let meta = fs::symlink_metadata(path)?;
    let file = SocketFile { path: path.to_owned(), dev_ino: (meta.dev(), meta.ino()) };
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok((listener, file))
}

/// Live connections, so that shutdown can end their input and wait for them.
#[derive(Default)]
struct Connections {
    live: Mutex<(u64, Vec<(u64, Stream)>)>,
    gone: Condvar,
}

impl Connections {
    fn add(&self, s: Stream) -> u64 {
        let mut live = lock(&self.live);
        live.0 += 1;
        let id = live.0;
        live.1.push((id, s));
        id
    }

    fn remove(&self, id: u64) {
        let mut live = lock(&self.live);
        live.1.retain(|(i, _)| *i != id);
        drop(live);
        self.gone.notify_all();
    }

    /// Ends the input of every connection so that it shuts down gracefully.
    fn end_input(&self) {
        for (_, s) in lock(&self.live).1.iter() {
            s.shutdown(Shutdown::Read);
        }
    }

    fn wait_empty(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut live = lock(&self.live);
        while !live.1.is_empty() {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            live = match self.gone.wait_timeout(live, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        true
    }
}

/// Accepts clients until shutdown is requested, then shuts every client
/// down gracefully.
pub(crate) fn serve_listener(
    shared: Arc<Shared>,
    listener: Listener,
    socket_file: Option<SocketFile>,
    wake: RawFd,
) -> io::Result<()> {
    let fd = match &listener {
        Listener::Unix(l) => {
            l.set_nonblocking(true)?;
            l.as_raw_fd()
        }
        Listener::Tcp(l) => {
            l.set_nonblocking(true)?;
            l.as_raw_fd()
        }
    };
    let conns = Arc::new(Connections::default());
    loop {
        if wait_readable(fd, wake)? == Ready::Shutdown {
            break;
        }
        let accepted = match &listener {
            Listener::Unix(l) => l.accept().and_then(|(s, _)| {
                s.set_nonblocking(false)?;
                Ok(Stream::Unix(s))
            }),
            Listener::Tcp(l) => l.accept().and_then(|(s, _)| {
                s.set_nonblocking(false)?;
                let _ = s.set_nodelay(true);
                Ok(Stream::Tcp(s))
            }),
        };
        let stream = match accepted {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // Typically EMFILE: back off instead of spinning.
                log(&format!("accept failed: {}", e));
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if let Err(e) = start_client(&shared, &conns, stream) {
            log(&format!("cannot serve new client: {}", e));
        }
    }
    // Stop accepting and make the path free for a new server right away.
    drop(listener);
    drop(socket_file);
    conns.end_input();
    // Each connection waits up to the shutdown timeout for its requests and
    // as long again for its output; don't wait longer than that in total.
    let limit = shared.shutdown_timeout * 2 + Duration::from_millis(500);
    if !conns.wait_empty(limit) {
        log("some clients did not finish in time; leaving them behind");
    }
    Ok(())
}

fn start_client(shared: &Arc<Shared>, conns: &Arc<Connections>, stream: Stream) -> io::Result<()> {
    let writer = stream.try_clone()?;
    let id = conns.add(stream.try_clone()?);
    let shared = shared.clone();
    let conns2 = conns.clone();
    let spawned = thread::Builder::new().name("qrustbridge-conn".into()).spawn(move || {
        let closer = stream.try_clone();
        let _ = run_connection(&shared, stream, writer);
        if let Ok(s) = closer {
            s.shutdown(Shutdown::Both);
        }
        conns2.remove(id);
    });
    if let Err(e) = spawned {
        conns.remove(id);
        return Err(e);
    }
    Ok(())
}
