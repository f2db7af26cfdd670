//! Graceful shutdown: the [`ShutdownHandle`], SIGTERM/SIGINT handling
//! through a self-pipe, and the raw stdio streams whose reads can be woken
//! by it.

use std::io::{self, Read, Write};
use std::os::unix::io::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::util::lock;

#[derive(Default)]
pub(crate) struct ShutdownState {
    requested: AtomicBool,
    wakers: Mutex<Vec<UnixStream>>,
}

/// Stops a running `serve_stdio`, `serve_unix_socket` or `serve_tcp` from
/// another thread, exactly as SIGTERM would: no new input is read, running
/// requests get the shutdown timeout to finish, output is flushed, the
/// socket file is removed, and the `serve_*` call returns `Ok(())`.
///
/// Obtain it with [`Server::shutdown_handle`](crate::Server::shutdown_handle).
/// It is `Clone + Send + Sync`. Calling [`shutdown`](Self::shutdown) before
/// serving makes the next `serve_*` call return right after it starts.
/// It has no effect on [`Server::serve_io`](crate::Server::serve_io), which
/// ends when its input ends.
#[derive(Clone)]
pub struct ShutdownHandle {
    pub(crate) state: Arc<ShutdownState>,
}

impl ShutdownHandle {
    /// Requests a graceful shutdown. Returns at once; idempotent.
    pub fn shutdown(&self) {
        self.state.requested.store(true, Ordering::SeqCst);
        for w in lock(&self.state.wakers).iter() {
            let _ = (&*w).write(&[1]);
        }
    }
}

/// While alive, SIGTERM/SIGINT (if enabled) and [`ShutdownHandle`] make
/// [`wake_fd`](Self::wake_fd) readable.
pub(crate) struct ShutdownGuard {
    state: Arc<ShutdownState>,
    read_end: UnixStream,
    write_end: UnixStream,
    signal_ids: Vec<signal_hook::SigId>,
}

impl ShutdownGuard {
    pub(crate) fn install(state: &Arc<ShutdownState>, handle_signals: bool) -> io::Result<ShutdownGuard> {
        let (read_end, write_end) = UnixStream::pair()?;
        read_end.set_nonblocking(true)?;
        write_end.set_nonblocking(true)?;
        let mut guard = ShutdownGuard { state: state.clone(), read_end, write_end, signal_ids: Vec::new() };
        if handle_signals {
            for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
                let id = signal_hook::low_level::pipe::register(sig, guard.write_end.try_clone()?)?;
                guard.signal_ids.push(id);
            }
        }
        lock(&state.wakers).push(guard.write_end.try_clone()?);
        if state.requested.load(Ordering::SeqCst) {
            let _ = (&guard.write_end).write(&[1]);
        }
        Ok(guard)
    }

    /// Readable once shutdown was requested.
    pub(crate) fn wake_fd(&self) -> RawFd {
        self.read_end.as_raw_fd()
    }
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        for id in self.signal_ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        let me = self.write_end.as_raw_fd();
        let mut wakers = lock(&self.state.wakers);
        // Our clone in the list has a different fd; identify it by inode.
        let ino = inode(me);
        wakers.retain(|w| inode(w.as_raw_fd()) != ino);
    }
}

fn inode(fd: RawFd) -> Option<(u64, u64)> {
    // SAFETY: fstat only writes into the zeroed struct we pass.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(fd, &mut st) == 0 {
            Some((st.st_dev as u64, st.st_ino as u64))
        } else {
            None
        }
    }
}

/// Result of [`wait_readable`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ready {
    Fd,
    Shutdown,
}

/// Blocks until `fd` is readable (or hung up / in error, which a following
/// read reports) or `wake` is readable.
pub(crate) fn wait_readable(fd: RawFd, wake: RawFd) -> io::Result<Ready> {
    let mut fds = [
        libc::pollfd { fd: wake, events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd, events: libc::POLLIN, revents: 0 },
    ];
    loop {
        // SAFETY: `fds` is a valid array of two pollfd structs.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
        if rc < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if fds[0].revents != 0 {
            return Ok(Ready::Shutdown);
        }
        if fds[1].revents != 0 {
            return Ok(Ready::Fd);
        }
    }
}

fn wait_writable(fd: RawFd) {
    let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
    // SAFETY: one valid pollfd. Errors surface on the next write.
    unsafe {
        libc::poll(&mut p, 1, 1000);
    }
}

/// Reads file descriptor 0 without std's extra buffering; reports EOF once
/// shutdown is requested.
pub(crate) struct StdinReader {
    pub wake: RawFd,
}

impl Read for StdinReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if wait_readable(0, self.wake)? == Ready::Shutdown {
                return Ok(0);
            }
            // SAFETY: reads at most buf.len() bytes into buf.
            let n = unsafe { libc::read(0, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => continue,
                _ => return Err(e),
            }
        }
    }
}

/// Writes file descriptor 1 directly (the writer thread does its own
/// buffering; std's `Stdout` would flush at every newline).
pub(crate) struct StdoutWriter;

impl Write for StdoutWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            // SAFETY: writes at most buf.len() bytes from buf.
            let n = unsafe { libc::write(1, buf.as_ptr() as *const libc::c_void, buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => continue,
                // Somebody made our stdout non-blocking: wait instead of failing.
                io::ErrorKind::WouldBlock => wait_writable(1),
                _ => return Err(e),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
