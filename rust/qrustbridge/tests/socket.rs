//! Unix socket daemon mode: many clients, per-client responses and
//! cancellation, broadcast vs per-client events, socket file permissions,
//! stale-file handling and shutdown.

mod common;

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{err, ok, Client};
use qrustbridge::serde_json::{json, Value};
use qrustbridge::{EventEmitter, PeerCredentials, Server, ShutdownHandle, Transport};

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qrb-test-{}-{}", std::process::id(), name));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir.join("backend.sock")
}

struct Daemon {
    path: PathBuf,
    shutdown: ShutdownHandle,
    events: EventEmitter,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl Daemon {
    fn start(name: &str) -> Daemon {
        let path = temp_path(name);
        let server = Server::new()
            .handle_signals(false)
            // Far longer than any test may take: shutdown must not wait it out.
            .shutdown_timeout(Duration::from_secs(60))
            .handler("echo", |p, _| Ok(p))
            .handler("whoami", |p, ctx| {
                ctx.emit_event("private", &p);
                Ok(Value::Null)
            })
            .handler("sleep", |p, ctx| {
                if ctx.cancelled_wait(Duration::from_millis(p["ms"].as_u64().unwrap_or(0))) {
                    Err("cancelled".into())
                } else {
                    Ok(json!("slept"))
                }
            });
        let shutdown = server.shutdown_handle();
        let events = server.event_emitter();
        let p = path.clone();
        let thread = Some(std::thread::spawn(move || server.serve_unix_socket(p)));
        wait_for_socket(&path);
        Daemon { path, shutdown, events, thread }
    }

    fn client(&self) -> Client {
        let mut c = Client::connect(UnixStream::connect(&self.path).unwrap());
        c.expect_ready();
        c
    }

    fn stop(mut self) -> Duration {
        let start = Instant::now();
        self.shutdown.shutdown();
        self.thread.take().unwrap().join().unwrap().unwrap();
        start.elapsed()
    }
}

fn wait_for_socket(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while UnixStream::connect(path).is_err() {
        assert!(Instant::now() < deadline, "server did not come up at {}", path.display());
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn socket_file_is_private_and_removed_on_shutdown() {
    let d = Daemon::start("perm");
    let meta = fs::symlink_metadata(&d.path).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let path = d.path.clone();
    d.stop();
    assert!(!path.exists(), "socket file left behind");
}

#[test]
fn each_client_gets_ready_and_only_its_own_responses_and_events() {
    let d = Daemon::start("clients");
    let mut a = d.client();
    let mut b = d.client();
    a.send("1", "whoami", json!("a"));
    b.send("1", "whoami", json!("b"));
    assert_eq!(a.recv(), json!({"event": "private", "data": "a"}));
    assert_eq!(a.recv(), ok("1", Value::Null));
    assert_eq!(b.recv(), json!({"event": "private", "data": "b"}));
    assert_eq!(b.recv(), ok("1", Value::Null));
    // Broadcast reaches both.
    assert_eq!(d.events.emit_event("all", 7), 2);
    assert_eq!(a.recv(), json!({"event": "all", "data": 7}));
    assert_eq!(b.recv(), json!({"event": "all", "data": 7}));
    // A closed client no longer counts.
    b.close_input();
    assert!(b.recv_all().is_empty());
    let deadline = Instant::now() + Duration::from_secs(3);
    while d.events.emit_event("ping", 0) != 1 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    d.stop();
}

#[test]
fn a_client_can_cancel_only_its_own_requests() {
    let d = Daemon::start("cancel");
    let mut a = d.client();
    let mut b = d.client();
    a.send("x", "sleep", json!({"ms": 600}));
    b.send("x", "sleep", json!({"ms": 10_000}));
    std::thread::sleep(Duration::from_millis(50));
    b.send("c", "$/cancel", json!({"id": "x"}));
    let mut others = Vec::new();
    assert_eq!(b.response_of("c", &mut others), ok("c", Value::Null));
    let bx = if others.is_empty() { b.recv() } else { others.remove(0) };
    assert_eq!(bx, err("x", "cancelled"));
    // a's request with the same id was not touched.
    assert_eq!(a.recv(), ok("x", json!("slept")));
    d.stop();
}

#[test]
fn shutdown_cancels_running_requests_at_once() {
    let d = Daemon::start("graceful");
    let mut a = d.client();
    a.send("s", "sleep", json!({"ms": 60_000}));
    // Once the echo is back, the sleep was read and admitted.
    a.send("e", "echo", json!(1));
    assert_eq!(a.recv(), ok("e", json!(1)));
    let took = d.stop();
    // Its token was cancelled: the handler noticed (or, not started yet,
    // it never ran); either way not the 60 s sleep, and not the grace period.
    let s = a.recv();
    assert!(s == err("s", "cancelled") || s == err("s", "cancelled: server shutting down"), "{}", s);
    assert!(a.recv_all().is_empty());
    assert!(took < Duration::from_secs(10), "{:?}", took);
}

#[test]
fn stale_socket_file_is_replaced() {
    let path = temp_path("stale");
    // A socket file nobody listens on, as a crashed server leaves behind.
    drop(UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let server = Server::new().handle_signals(false).handler("echo", |p, _| Ok(p));
    let stop = server.shutdown_handle();
    let p = path.clone();
    let t = std::thread::spawn(move || server.serve_unix_socket(p));
    wait_for_socket(&path);
    let mut c = Client::connect(UnixStream::connect(&path).unwrap());
    c.expect_ready();
    c.send("1", "echo", json!(1));
    assert_eq!(c.recv(), ok("1", json!(1)));
    stop.shutdown();
    t.join().unwrap().unwrap();
}

#[test]
fn refuses_a_live_socket_and_non_socket_files() {
    let d = Daemon::start("live");
    let e = Server::new().handle_signals(false).serve_unix_socket(&d.path).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{}", e);
    // The live server is unharmed.
    let mut c = d.client();
    c.send("1", "echo", json!(1));
    assert_eq!(c.recv(), ok("1", json!(1)));
    d.stop();

    let path = temp_path("regular");
    fs::write(&path, b"precious").unwrap();
    let e = Server::new().handle_signals(false).serve_unix_socket(&path).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{}", e);
    assert_eq!(fs::read(&path).unwrap(), b"precious");
}

#[test]
fn shutdown_requested_before_serving_returns_at_once() {
    let path = temp_path("early");
    let server = Server::new().handle_signals(false);
    server.shutdown_handle().shutdown();
    let start = Instant::now();
    server.serve_unix_socket(&path).unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(!path.exists());
}

#[test]
fn two_daemons_racing_for_one_path_one_wins_and_the_other_fails_clearly() {
    for round in 0..10 {
        let path = temp_path(&format!("race{}", round));
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        // Collected so that both servers start before either is stopped.
        #[allow(clippy::needless_collect)]
        let servers: Vec<_> = (0..2)
            .map(|_| {
                let server = Server::new().handle_signals(false).handler("echo", |p, _| Ok(p));
                let stop = server.shutdown_handle();
                let (path, barrier) = (path.clone(), barrier.clone());
                let t = std::thread::spawn(move || {
                    barrier.wait();
                    server.serve_unix_socket(path)
                });
                (stop, t)
            })
            .collect();
        wait_for_socket(&path);
        let mut c = Client::connect(UnixStream::connect(&path).unwrap());
        c.expect_ready();
        c.send("1", "echo", json!(round));
        assert_eq!(c.recv(), ok("1", json!(round)));
        // The loser returned with AddrInUse; stopping it too is harmless.
        let results: Vec<_> = servers
            .into_iter()
            .map(|(stop, t)| {
                stop.shutdown();
                t.join().unwrap()
            })
            .collect();
        assert!(!path.exists(), "socket file left behind");
        let losers: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(losers.len(), 1, "{:?}", results);
        assert_eq!(losers[0].kind(), std::io::ErrorKind::AddrInUse);
        assert!(losers[0].to_string().contains("lock"), "{}", losers[0]);
    }
}

#[test]
fn binding_does_not_change_the_umask_and_leaves_no_staging_files() {
    // SAFETY: umask only reads/sets the process mask; restored at once.
    let before = unsafe { libc::umask(0o022) };
    unsafe { libc::umask(before) };
    let d = Daemon::start("umask");
    let now = unsafe { libc::umask(0o022) };
    unsafe { libc::umask(now) };
    assert_eq!(before, now);
    let dir = d.path.parent().unwrap().to_owned();
    let mut names: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, vec!["backend.sock".to_owned(), "backend.sock.lock".to_owned()]);
    d.stop();
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "socket or lock file left behind");
}

#[test]
fn on_connect_sees_the_peer_credentials_and_can_refuse_a_client() {
    let path = temp_path("creds");
    let (seen_tx, seen) = mpsc::channel();
    let seen_tx = Mutex::new(seen_tx);
    let (gone_tx, gone) = mpsc::channel();
    let gone_tx = Mutex::new(gone_tx);
    let refuse = Arc::new(AtomicBool::new(false));
    let refusing = refuse.clone();
    let server = Server::new()
        .handle_signals(false)
        .on_connect(move |client| {
            seen_tx.lock().unwrap().send((client.transport(), client.credentials())).unwrap();
            if refusing.load(Ordering::SeqCst) {
                Err("not now".into())
            } else {
                Ok(())
            }
        })
        .on_disconnect(move |client| gone_tx.lock().unwrap().send(client.id()).unwrap())
        .handler("peer", |_, ctx| {
            let peer = ctx.client().credentials().ok_or("no credentials")?;
            Ok(json!({"uid": peer.uid, "gid": peer.gid, "pid": peer.pid}))
        });
    let shutdown = server.shutdown_handle();
    let p = path.clone();
    let thread = std::thread::spawn(move || server.serve_unix_socket(p));
    // Its one successful probe connection is the first client.
    wait_for_socket(&path);

    // SAFETY: plain id getters.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let me = PeerCredentials { uid, gid, pid: Some(std::process::id()) };
    let mut c = Client::connect(UnixStream::connect(&path).unwrap());
    c.expect_ready();
    c.send("p", "peer", Value::Null);
    assert_eq!(c.recv(), ok("p", json!({"uid": uid, "gid": gid, "pid": std::process::id()})));
    for _ in 0..2 {
        assert_eq!(seen.recv_timeout(Duration::from_secs(10)).unwrap(), (Transport::UnixSocket, Some(me)));
    }

    refuse.store(true, Ordering::SeqCst);
    let mut refused = UnixStream::connect(&path).unwrap();
    refused.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut nothing = Vec::new();
    std::io::Read::read_to_end(&mut refused, &mut nothing).unwrap();
    assert!(nothing.is_empty(), "a refused client got {:?}", String::from_utf8_lossy(&nothing));
    assert_eq!(seen.recv_timeout(Duration::from_secs(10)).unwrap(), (Transport::UnixSocket, Some(me)));

    shutdown.shutdown();
    thread.join().unwrap().unwrap();
    // The probe and `c` were accepted and are gone; the refused client
    // never counted as connected.
    let mut ids = vec![gone.try_recv().unwrap(), gone.try_recv().unwrap()];
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2);
    assert!(gone.try_recv().is_err());
}
