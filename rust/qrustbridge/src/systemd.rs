//! systemd integration without libsystemd: socket activation
//! (`LISTEN_FDS`/`LISTEN_PID`) and readiness notification (`NOTIFY_SOCKET`).

use std::io;
use std::os::unix::io::{FromRawFd, RawFd};
use std::os::unix::net::UnixListener;

/// First descriptor systemd passes (`SD_LISTEN_FDS_START`).
const LISTEN_FDS_START: RawFd = 3;

/// The listening socket systemd passed, if this process was started by
/// socket activation. Clears the variables (as `sd_listen_fds(1)` does) so
/// that child processes don't take the socket for theirs.
pub(crate) fn activated_listener() -> io::Result<Option<UnixListener>> {
    let pid_matches = std::env::var("LISTEN_PID")
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .map_or(false, |p| p == std::process::id());
    let count = std::env::var("LISTEN_FDS").ok().and_then(|n| n.trim().parse::<i32>().ok()).unwrap_or(0);
    if !pid_matches || count < 1 {
        return Ok(None);
    }
    std::env::remove_var("LISTEN_PID");
    std::env::remove_var("LISTEN_FDS");
    std::env::remove_var("LISTEN_FDNAMES");
    if count > 1 {
        log::warn!("socket activation passed {} sockets; serving the first", count);
    }
    let fd = LISTEN_FDS_START;
    // SAFETY: fcntl/getsockopt on a descriptor number; we check that it is
    // a listening Unix stream socket before taking ownership.
    unsafe {
        let mut domain: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        let rc = libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_DOMAIN, &mut domain as *mut _ as *mut libc::c_void, &mut len);
        if rc != 0 || domain != libc::AF_UNIX {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "LISTEN_FDS: fd 3 is not a Unix socket"));
        }
        let mut listening: libc::c_int = 0;
        let rc = libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ACCEPTCONN,
            &mut listening as *mut _ as *mut libc::c_void,
            &mut len,
        );
        if rc != 0 || listening == 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "LISTEN_FDS: fd 3 is not listening"));
        }
        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        Ok(Some(UnixListener::from_raw_fd(fd)))
    }
}

/// Sends `state` (e.g. `READY=1`) to systemd's notification socket, if
/// `NOTIFY_SOCKET` is set; does nothing otherwise. Failures are logged.
pub(crate) fn notify(state: &str) {
    let path = match std::env::var_os("NOTIFY_SOCKET") {
        Some(p) => p,
        None => return,
    };
    if let Err(e) = send_datagram(path.as_os_str(), state.as_bytes()) {
        log::warn!("sd_notify {:?} failed: {}", state, e);
    }
}

fn send_datagram(path: &std::ffi::OsStr, message: &[u8]) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_bytes();
    // SAFETY: a zeroed sockaddr_un filled within its bounds, a socket we
    // own and close, sendto with valid pointers and lengths.
    unsafe {
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        if bytes.is_empty() || bytes.len() >= addr.sun_path.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad NOTIFY_SOCKET"));
        }
        for (i, b) in bytes.iter().enumerate() {
            addr.sun_path[i] = *b as libc::c_char;
        }
        // '@' names an abstract socket: a leading NUL byte.
        if bytes[0] == b'@' {
            addr.sun_path[0] = 0;
        }
        let len = (std::mem::size_of::<libc::sa_family_t>() + bytes.len()) as libc::socklen_t;
        let fd = libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let sent = libc::sendto(
            fd,
            message.as_ptr() as *const libc::c_void,
            message.len(),
            libc::MSG_NOSIGNAL,
            &addr as *const libc::sockaddr_un as *const libc::sockaddr,
            len,
        );
        let err = io::Error::last_os_error();
        libc::close(fd);
        if sent < 0 {
            return Err(err);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixDatagram;

    #[test]
    fn notify_sends_to_a_path_socket() {
        let dir = std::env::temp_dir().join(format!("qrb-notify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notify");
        let sock = UnixDatagram::bind(&path).unwrap();
        send_datagram(path.as_os_str(), b"READY=1").unwrap();
        let mut buf = [0u8; 64];
        let n = sock.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
