//! Unix socket files, done safely.
//!
//! * **No umask games.** The socket is bound inside a fresh directory of
//!   mode 0700 next to the target path, given its final mode there (no one
//!   else can reach it yet), and renamed into place. `rename` is atomic, so
//!   the path never refers to a socket with looser permissions, and no
//!   process-wide state (the umask) changes while other threads create
//!   files.
//! * **One daemon per path.** Before touching the path, the server takes an
//!   exclusive `flock` on `<path>.lock` and keeps it while it runs. A second
//!   daemon fails at once with a clear error instead of deleting the first
//!   one's live socket. A socket file left at the path while nobody holds
//!   the lock is stale (its server died) and is replaced.
//! * On shutdown the socket file is removed (if it is still ours), then the
//!   lock file, while the lock is still held.

use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// Who may connect: the socket file's mode and, optionally, its group.
#[derive(Clone, Debug)]
pub(crate) struct SocketAccess {
    pub mode: u32,
    pub group: Option<u32>,
}

impl Default for SocketAccess {
    fn default() -> Self {
        SocketAccess { mode: 0o600, group: None }
    }
}

/// The bound socket file plus the lock. Dropping it removes the socket file
/// (only if the path still refers to it) and the lock file.
pub(crate) struct SocketFile {
    path: PathBuf,
    dev_ino: (u64, u64),
    lock: Option<LockFile>,
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Ok(meta) = fs::symlink_metadata(&self.path) {
            if (meta.dev(), meta.ino()) == self.dev_ino {
                let _ = fs::remove_file(&self.path);
            }
        }
        drop(self.lock.take());
    }
}

/// An exclusive `flock` on `<path>.lock`, held while alive.
struct LockFile {
    path: PathBuf,
    file: File,
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Removed while still locked: a daemon that opened the old file
        // meanwhile notices (see `lock`) and retries on a fresh one.
        if same_file(&self.path, &self.file) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn same_file(path: &Path, file: &File) -> bool {
    match (fs::metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the daemon lock for `path`, or fails with `AddrInUse`.
fn lock(path: &Path) -> io::Result<LockFile> {
    let lock_path = lock_path(path);
    loop {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_CLOEXEC)
            .open(&lock_path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot open lock file {}: {}", lock_path.display(), e)))?;
        // SAFETY: flock on a descriptor we own.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!(
                        "another server is running on {} (it holds the lock {})",
                        path.display(),
                        lock_path.display()
                    ),
                ));
            }
            return Err(e);
        }
        // The previous holder may have removed the file between our open
        // and our lock; then we locked a file nobody else will see.
        if same_file(&lock_path, &file) {
            return Ok(LockFile { path: lock_path, file });
        }
    }
}

/// Binds `path` for a server: takes the lock, refuses a path that is not a
/// socket, replaces a stale socket, and creates the new socket with the
/// given access without a moment of looser permissions.
pub(crate) fn bind_unix(path: &Path, access: &SocketAccess) -> io::Result<(UnixListener, SocketFile)> {
    let lock = lock(path)?;
    match fs::symlink_metadata(path) {
        Ok(meta) => {
            if !meta.file_type().is_socket() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a socket; refusing to replace it", path.display()),
                ));
            }
            // A server that predates the lock might still answer there.
            if UnixStream::connect(path).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("a server is already listening on {}", path.display()),
                ));
            }
            log::info!("replacing stale socket file {}", path.display());
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }

    let staging = PrivateDir::create(path)?;
    let temp = staging.path.join("s");
    let listener = UnixListener::bind(&temp)?;
    if let Some(gid) = access.group {
        let c = CString::new(temp.as_os_str().as_bytes()).map_err(|_| io::ErrorKind::InvalidInput)?;
        // SAFETY: chown on a NUL-terminated path; uid -1 keeps the owner.
        if unsafe { libc::chown(c.as_ptr(), u32::MAX, gid) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    fs::set_permissions(&temp, fs::Permissions::from_mode(access.mode & 0o777))?;
    // Atomic: replaces a stale socket in the same step.
    fs::rename(&temp, path)?;
    let meta = fs::symlink_metadata(path)?;
    Ok((listener, SocketFile { path: path.to_owned(), dev_ino: (meta.dev(), meta.ino()), lock: Some(lock) }))
}

/// A directory of mode 0700 beside the socket path, removed when dropped.
struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    fn create(beside: &Path) -> io::Result<PrivateDir> {
        let parent = match beside.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = beside.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for attempt in 0..100u32 {
            let dir = parent.join(format!(".{}.{}.{}.tmp", name, std::process::id(), attempt));
            let c = CString::new(dir.as_os_str().as_bytes()).map_err(|_| io::ErrorKind::InvalidInput)?;
            // SAFETY: mkdir on a NUL-terminated path. The umask can only
            // narrow 0700.
            if unsafe { libc::mkdir(c.as_ptr(), 0o700) } == 0 {
                return Ok(PrivateDir { path: dir });
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(io::Error::new(e.kind(), format!("cannot create {}: {}", dir.display(), e)));
            }
        }
        Err(io::Error::new(io::ErrorKind::AlreadyExists, "cannot create a private directory for the socket"))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = fs::remove_file(self.path.join("s"));
        let _ = fs::remove_dir(&self.path);
    }
}

/// The id of the group called `name`.
pub(crate) fn group_id(name: &str) -> io::Result<u32> {
    let c = CString::new(name).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "group name with NUL"))?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: getgrnam_r fills `group` and `buf` (of the given length) and
    // sets `result` to null or to `&group`.
    unsafe {
        let mut group: libc::group = std::mem::zeroed();
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = libc::getgrnam_r(c.as_ptr(), &mut group, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        if result.is_null() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("no group named {:?}", name)));
        }
        Ok(group.gr_gid)
    }
}
