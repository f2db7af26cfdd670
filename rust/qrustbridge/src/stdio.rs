//! Stdio as the protocol transport, protected from stray prints.
//!
//! The protocol writes to a private duplicate of file descriptor 1, and
//! fd 1 itself is pointed at stderr, so `print!`/`println!` from any code
//! in the process (a dependency, a debugging leftover) lands on stderr
//! instead of between protocol lines.
//!
//! Pipes and sockets (what a QRustBridge client always gives) are driven
//! by the runtime's reactor, non-blocking, with no extra thread; anything
//! else (a file, a terminal, `/dev/null`) goes through tokio's file
//! wrapper on the blocking pool.

use std::io;
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Boxed input and output streams.
pub(crate) type Input = Box<dyn AsyncRead + Unpin + Send>;
pub(crate) type Output = Box<dyn AsyncWrite + Unpin + Send>;

fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn dup_cloexec(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor that we own.
    let new = cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) })?;
    // SAFETY: `new` is a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// Takes stdin and stdout for the protocol and points fd 1 at stderr.
pub(crate) fn take_stdio() -> io::Result<(Input, Output)> {
    let out = dup_cloexec(1)?;
    let input = dup_cloexec(0)?;
    // SAFETY: dup2 on valid descriptors; fd 1 stays open, now as stderr.
    cvt(unsafe { libc::dup2(2, 1) })?;
    let input: Input = match PipeFd::new(input)? {
        Ok(p) => Box::new(p),
        Err(fd) => Box::new(tokio::fs::File::from_std(std::fs::File::from(fd))),
    };
    let output: Output = match PipeFd::new(out)? {
        Ok(p) => Box::new(p),
        Err(fd) => Box::new(tokio::fs::File::from_std(std::fs::File::from(fd))),
    };
    Ok((input, output))
}

/// A pipe or socket descriptor in non-blocking mode, registered with the
/// reactor. Restores the descriptor's flags when dropped (the file
/// description may be shared with the parent).
pub(crate) struct PipeFd {
    fd: AsyncFd<OwnedFd>,
    old_flags: libc::c_int,
}

impl PipeFd {
    /// `Err(fd)` gives the descriptor back when it is not a pipe or socket.
    fn new(fd: OwnedFd) -> io::Result<Result<PipeFd, OwnedFd>> {
        // SAFETY: fstat writes into the zeroed struct we pass.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        cvt(unsafe { libc::fstat(fd.as_raw_fd(), &mut st) })?;
        let kind = st.st_mode & libc::S_IFMT;
        if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
            return Ok(Err(fd));
        }
        // SAFETY: plain fcntl flag calls on a descriptor we own.
        let old_flags = cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
        cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, old_flags | libc::O_NONBLOCK) })?;
        // A pipe or socket can always be registered; if not, the error
        // ends serving (AsyncFd has closed the descriptor by then).
        Ok(Ok(PipeFd { fd: AsyncFd::new(fd)?, old_flags }))
    }
}

impl Drop for PipeFd {
    fn drop(&mut self) {
        // SAFETY: the descriptor is still open (AsyncFd owns it).
        unsafe { libc::fcntl(self.fd.as_raw_fd(), libc::F_SETFL, self.old_flags) };
    }
}

impl AsyncRead for PipeFd {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        loop {
            let mut guard = match self.fd.poll_read_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            let unfilled = buf.initialize_unfilled();
            let res = guard.try_io(|inner| {
                // SAFETY: reads at most unfilled.len() bytes into unfilled.
                let n = unsafe {
                    libc::read(inner.as_raw_fd(), unfilled.as_mut_ptr() as *mut libc::c_void, unfilled.len())
                };
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            });
            match res {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for PipeFd {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = match self.fd.poll_write_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            let res = guard.try_io(|inner| {
                // SAFETY: writes at most buf.len() bytes from buf.
                let n = unsafe { libc::write(inner.as_raw_fd(), buf.as_ptr() as *const libc::c_void, buf.len()) };
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            });
            match res {
                Ok(Ok(n)) => return Poll::Ready(Ok(n)),
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
