//! The demo-backend binary as the C++ side sees it: a child process over
//! stdio, a Unix socket daemon and a TCP daemon, including exit codes,
//! signals and the methods the C++ tests rely on.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_demo-backend");

struct Backend {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr: Receiver<String>,
}

impl Backend {
    fn spawn(args: &[&str]) -> Backend {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn demo-backend");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let err = BufReader::new(child.stderr.take().unwrap());
        let (tx, stderr) = channel();
        std::thread::spawn(move || {
            for line in err.lines() {
                match line {
                    Ok(l) => {
                        if tx.send(l).is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        });
        Backend { child, stdin, stdout, stderr }
    }

    fn send(&mut self, id: &str, method: &str, params: Value) {
        let line = json!({"id": id, "method": method, "params": params}).to_string();
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    fn recv_line(&mut self) -> String {
        let mut line = String::new();
        assert!(self.stdout.read_line(&mut line).unwrap() > 0, "backend closed stdout");
        line.trim_end_matches('\n').to_owned()
    }

    fn recv(&mut self) -> Value {
        serde_json::from_str(&self.recv_line()).unwrap()
    }

    fn call(&mut self, id: &str, method: &str, params: Value) -> Value {
        self.send(id, method, params);
        self.recv()
    }

    /// Waits for a stderr line containing `needle`.
    fn stderr_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.stderr.recv_timeout(left).unwrap_or_else(|_| panic!("no stderr line with {:?}", needle));
            if line.contains(needle) {
                return line;
            }
        }
    }

    fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("backend did not exit within {:?}", limit);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args(["-s", sig, &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ok(id: &str, result: Value) -> Value {
    json!({"id": id, "success": true, "result": result})
}

fn err(id: &str, error: &str) -> Value {
    json!({"id": id, "success": false, "error": error})
}

#[test]
fn stdio_ready_and_basic_methods() {
    let mut b = Backend::spawn(&["--management"]);
    b.stderr_line("demo-backend: started (stdio)");
    let ready = b.recv();
    assert_eq!(ready["event"], "ready");
    assert_eq!(ready["data"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(ready["data"]["pid"], b.child.id());

    assert_eq!(b.call("1", "echo", json!({"a": [1, 2]})), ok("1", json!({"a": [1, 2]})));
    assert_eq!(b.call("2", "add", json!({"a": 2, "b": 3})), ok("2", json!(5)));
    assert_eq!(b.call("3", "add", json!({"a": 0.5, "b": 2})), ok("3", json!(2.5)));
    assert_eq!(b.call("4", "fail", json!({"message": "boom"})), err("4", "boom"));
    assert_eq!(b.call("5", "fail", Value::Null), err("5", "requested failure"));
    assert_eq!(b.call("6", "panic", Value::Null), err("6", "handler panicked: requested panic"));
    assert_eq!(b.call("7", "nope", Value::Null), err("7", "unknown method: nope"));
    assert_eq!(b.call("8", "pid", Value::Null), ok("8", json!(b.child.id())));
    assert_eq!(b.call("9", "big", json!({"bytes": 5})), ok("9", json!("xxxxx")));
    assert_eq!(b.call("10", "sleep", json!({"ms": 10})), ok("10", json!({"slept": 10})));
    assert_eq!(b.call("10b", "sleep", json!(20)), ok("10b", json!({"slept": 20})));

    b.send("11", "garbage", Value::Null);
    assert_eq!(b.recv_line(), "this is not json");
    assert_eq!(b.recv(), ok("11", json!(true)));

    assert_eq!(b.call("12", "stderr", json!({"text": "hello", "lines": ["one", "two"]})), ok("12", json!(true)));
    b.stderr_line("hello");
    b.stderr_line("one");
    b.stderr_line("two");

    b.send("13", "emit", json!({"name": "ev", "data": {"k": 1}}));
    assert_eq!(b.recv(), json!({"event": "ev", "data": {"k": 1}}));
    assert_eq!(b.recv(), ok("13", json!(true)));
    b.send("14", "emit", json!({"name": "n", "count": 3}));
    for i in 0..3 {
        assert_eq!(b.recv(), json!({"event": "n", "data": i}));
    }
    assert_eq!(b.recv(), ok("14", json!(true)));

    // stdin EOF: clean exit 0.
    drop(b.stdin.take());
    assert_eq!(b.wait_exit(Duration::from_secs(5)).code(), Some(0));
}

#[test]
fn big_result_is_exact() {
    let mut b = Backend::spawn(&[]);
    b.recv();
    let n = 3 * 1024 * 1024 + 7;
    let v = b.call("b", "big", json!({"bytes": n}));
    let s = v["result"].as_str().unwrap();
    assert_eq!(s.len(), n);
    assert!(s.bytes().all(|c| c == b'x'));
}

#[test]
fn streams_counts_failures_and_ticks() {
    let mut b = Backend::spawn(&[]);
    b.recv();
    b.send("c", "count", json!({"n": 4, "delayMs": 5}));
    for i in 0..4 {
        assert_eq!(b.recv(), json!({"id": "c", "stream": true, "data": {"i": i}}));
    }
    assert_eq!(b.recv(), ok("c", json!({"count": 4})));

    b.send("f", "stream_fail", json!({"after": 2}));
    assert_eq!(b.recv()["data"], json!({"i": 0}));
    assert_eq!(b.recv()["data"], json!({"i": 1}));
    assert_eq!(b.recv(), err("f", "stream failed after 2 chunks"));

    assert_eq!(b.call("t", "start_ticker", json!({"intervalMs": 10, "count": 3})), ok("t", json!(true)));
    for i in 0..3 {
        assert_eq!(b.recv(), json!({"event": "tick", "data": i}));
    }
}

#[test]
fn cancel_stops_sleep_and_count() {
    let mut b = Backend::spawn(&[]);
    b.recv();
    let start = Instant::now();
    b.send("s", "sleep", json!({"ms": 20_000}));
    b.send("k", "count", json!({"n": 1_000_000, "delayMs": 10}));
    std::thread::sleep(Duration::from_millis(50));
    b.send("c1", "$/cancel", json!({"id": "s"}));
    b.send("c2", "$/cancel", json!({"id": "k"}));
    let mut finals = Vec::new();
    while finals.len() < 4 {
        let v = b.recv();
        if v.get("stream").is_none() {
            finals.push(v);
        }
    }
    assert!(finals.contains(&err("s", "cancelled")), "{:?}", finals);
    assert!(finals.contains(&err("k", "cancelled")), "{:?}", finals);
    assert!(finals.contains(&ok("c1", Value::Null)));
    assert!(finals.contains(&ok("c2", Value::Null)));
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn hash_files_walks_a_directory() {
    let dir = std::env::temp_dir().join(format!("qrb-hash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), b"a").unwrap();
    std::fs::write(dir.join("sub/empty"), b"").unwrap();
    let mut b = Backend::spawn(&[]);
    b.recv();
    b.send("h", "hash_files", json!({"path": dir.to_str().unwrap()}));
    // FNV-1a 64 of "a" and of nothing (the offset basis).
    assert_eq!(
        b.recv()["data"],
        json!({"file": "a.txt", "bytes": 1, "hash": "af63dc4c8601ec8c", "done": 1, "total": 2})
    );
    assert_eq!(
        b.recv()["data"],
        json!({"file": "sub/empty", "bytes": 0, "hash": "cbf29ce484222325", "done": 2, "total": 2})
    );
    assert_eq!(b.recv(), ok("h", json!({"files": 2, "bytes": 1})));
    let missing = b.call("m", "hash_files", json!({"path": dir.join("nope").to_str().unwrap()}));
    assert_eq!(missing["success"], false);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exit_flushes_and_uses_the_code() {
    let mut b = Backend::spawn(&[]);
    b.recv();
    b.send("1", "echo", json!("before"));
    b.send("2", "exit", json!({"code": 3}));
    assert_eq!(b.recv(), ok("1", json!("before")));
    assert_eq!(b.wait_exit(Duration::from_secs(5)).code(), Some(3));
}

#[test]
fn abort_is_a_crash() {
    use std::os::unix::process::ExitStatusExt;
    let mut b = Backend::spawn(&[]);
    b.recv();
    b.send("1", "abort", Value::Null);
    let status = b.wait_exit(Duration::from_secs(5));
    assert_eq!(status.signal(), Some(6), "{:?}", status);
}

#[test]
fn sigterm_is_a_graceful_exit() {
    let mut b = Backend::spawn(&[]);
    b.recv();
    b.send("s", "sleep", json!({"ms": 60_000}));
    // Once the echo is back, the sleep was read and is running.
    assert_eq!(b.call("e", "echo", json!(1)), ok("e", json!(1)));
    b.signal("TERM");
    // The running request is cancelled at once (its future dropped) and
    // answered, then the process exits 0, well before the 60 s sleep and
    // without waiting out the 2 s grace period (nothing synchronous runs).
    let t = std::time::Instant::now();
    assert_eq!(b.recv(), err("s", "cancelled: server shutting down"));
    assert_eq!(b.wait_exit(Duration::from_secs(5)).code(), Some(0));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn unix_socket_daemon() {
    let dir = std::env::temp_dir().join(format!("qrb-demo-sock-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("demo.sock");
    let mut b = Backend::spawn(&["--socket", path.to_str().unwrap()]);
    b.stderr_line("listening on");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);

    let mut clients: Vec<BufReader<UnixStream>> =
        (0..2).map(|_| BufReader::new(UnixStream::connect(&path).unwrap())).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        let mut line = String::new();
        c.read_line(&mut line).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&line).unwrap()["event"], "ready");
        let req = format!("{{\"id\":\"1\",\"method\":\"echo\",\"params\":{}}}\n", i);
        c.get_mut().write_all(req.as_bytes()).unwrap();
    }
    for (i, c) in clients.iter_mut().enumerate() {
        let mut line = String::new();
        c.read_line(&mut line).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&line).unwrap(), ok("1", json!(i)));
    }
    // Broadcast ticks reach every client.
    clients[0].get_mut().write_all(b"{\"id\":\"t\",\"method\":\"start_ticker\",\"params\":{\"intervalMs\":1,\"count\":1}}\n").unwrap();
    let read = |c: &mut BufReader<UnixStream>| -> Value {
        let mut line = String::new();
        c.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap()
    };
    let first: Vec<Value> = (0..2).map(|_| read(&mut clients[0])).collect();
    assert!(first.contains(&json!({"event": "tick", "data": 0})), "{:?}", first);
    assert!(first.contains(&ok("t", json!(true))), "{:?}", first);
    assert_eq!(read(&mut clients[1]), json!({"event": "tick", "data": 0}));

    b.signal("TERM");
    assert_eq!(b.wait_exit(Duration::from_secs(5)).code(), Some(0));
    assert!(!path.exists(), "SIGTERM must remove the socket file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tcp_daemon_reports_its_port() {
    let mut b = Backend::spawn(&["--tcp", "127.0.0.1:0"]);
    let line = b.stderr_line("listening on ");
    let addr = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"), "{}", line);
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"{\"id\":\"1\",\"method\":\"add\",\"params\":{\"a\":40,\"b\":2}}\n").unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut ready = String::new();
    r.read_line(&mut ready).unwrap();
    assert!(ready.contains("\"ready\""));
    let mut resp = String::new();
    r.read_line(&mut resp).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&resp).unwrap(), ok("1", json!(42)));
    b.signal("TERM");
    assert_eq!(b.wait_exit(Duration::from_secs(5)).code(), Some(0));
    // The daemon closed the connection on its way out, with nothing more to say.
    let mut rest = String::new();
    r.read_to_string(&mut rest).expect("the connection ends with a clean end of file");
    assert_eq!(rest, "", "nothing after the answer");
}

#[test]
fn socket_mode_and_group_flags() {
    let dir = std::env::temp_dir().join(format!("qrb-demo-mode-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("demo.sock");
    // Our own primary group: always allowed.
    // SAFETY: getgid has no preconditions.
    let gid = unsafe { libc::getgid() };
    let group = std::fs::read_to_string("/etc/group")
        .unwrap()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2] == gid.to_string()).then(|| f[0].to_owned())
        })
        .expect("primary group in /etc/group");
    let b = Backend::spawn(&["--socket", path.to_str().unwrap(), "--socket-mode", "660", "--socket-group", &group]);
    b.stderr_line("listening on");
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    use std::os::unix::fs::MetadataExt;
    assert_eq!(meta.gid(), gid);
    b.signal("TERM");
    drop(b);

    let mut bad = Backend::spawn(&["--socket", path.to_str().unwrap(), "--socket-group", "no-such-group-qrb"]);
    assert_eq!(bad.wait_exit(Duration::from_secs(5)).code(), Some(1));
    bad.stderr_line("no group named");
    let mut bad = Backend::spawn(&["--socket-mode", "999"]);
    assert_eq!(bad.wait_exit(Duration::from_secs(5)).code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn socket_activation_and_sd_notify() {
    use std::os::unix::io::AsRawFd;
    use std::os::unix::net::{UnixDatagram, UnixListener};
    use std::os::unix::process::CommandExt;
    let dir = std::env::temp_dir().join(format!("qrb-demo-activation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("activated.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let notify = UnixDatagram::bind(dir.join("notify")).unwrap();
    notify.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let fd = listener.as_raw_fd();
    // As systemd does: the socket as fd 3, LISTEN_PID set to the service's
    // own pid (the shell's, which exec keeps).
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" --socket \"$1\"", BIN, path.to_str().unwrap()])
        .env("NOTIFY_SOCKET", dir.join("notify"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: dup2 and fcntl are async-signal-safe; run in the child
    // before exec. (If the listener already is fd 3, dup2 does nothing and
    // close-on-exec must be cleared by hand.)
    unsafe {
        cmd.pre_exec(move || {
            if (fd != 3 && libc::dup2(fd, 3) < 0) || libc::fcntl(3, libc::F_SETFD, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(listener);
    let mut buf = [0u8; 64];
    let n = match notify.recv(&mut buf) {
        Ok(n) => n,
        Err(e) => {
            let _ = child.kill();
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("no READY=1 ({}); stderr: {}", e, err);
        }
    };
    assert_eq!(&buf[..n], b"READY=1");
    // The server answers on the passed socket (it never bound the path itself).
    let mut s = UnixStream::connect(&path).unwrap();
    s.write_all(b"{\"id\":\"1\",\"method\":\"echo\",\"params\":7}\n").unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.contains("\"ready\""), "{}", line);
    line.clear();
    r.read_line(&mut line).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&line).unwrap(), ok("1", json!(7)));
    assert!(!dir.join("activated.sock.lock").exists(), "activation takes no lock");
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let n = notify.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"STOPPING=1");
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn coded_errors_deferred_replies_and_later_events() {
    let mut b = Backend::spawn(&[]);
    b.recv();
    b.send("f", "fail_coded", Value::Null);
    assert_eq!(
        b.recv_line(),
        r#"{"id":"f","success":false,"error":"demo failure","errorCode":"E_DEMO","errorData":{"hint":"raised on purpose by demo-backend"}}"#
    );
    // A long deferred reply is overtaken by a quick request, then cancelled.
    b.send("d", "defer", json!({"ms": 20_000}));
    assert_eq!(b.call("e", "echo", json!(1)), ok("e", json!(1)));
    b.send("c", "$/cancel", json!({"id": "d"}));
    let mut two = vec![b.recv(), b.recv()];
    two.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_owned());
    assert_eq!(two, vec![ok("c", Value::Null), err("d", "cancelled")]);
    assert_eq!(b.call("d2", "defer", json!({"ms": 5})), ok("d2", json!({"deferred": 5})));
    assert_eq!(b.call("d3", "defer", Value::Null), ok("d3", json!({"deferred": 0})));
    // The reply first, then the event, to this client.
    assert_eq!(b.call("n", "notify_later", json!({"name": "ping", "data": {"x": 1}})), ok("n", json!(true)));
    assert_eq!(b.recv(), json!({"event": "ping", "data": {"x": 1}}));
    assert_eq!(b.call("n2", "notify_later", Value::Null), ok("n2", json!(true)));
    assert_eq!(b.recv(), json!({"event": "later", "data": null}));
}

/// `demo-backend --describe`: one line of JSON on stdout, status 0.
fn describe_output(args: &[&str]) -> Value {
    let out = Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("run demo-backend --describe");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with('\n') && text.matches('\n').count() == 1, "not one line: {:?}", text);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn describe_flag_prints_the_description() {
    let description = describe_output(&["--describe"]);
    assert_eq!(description["qrustbridge"], 1);
    assert_eq!(description["backend"], "demo-backend");
    assert_eq!(description["schema"], qrustbridge::describe::schema_of(&description));
    let commands = description["commands"].as_array().unwrap();
    let names: Vec<&str> = commands.iter().map(|c| c["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "commands are sorted by name");
    let command = |name: &str| commands.iter().find(|c| c["name"] == name).unwrap().clone();
    assert_eq!(
        command("count"),
        json!({"name": "count", "kind": "stream", "doc": command("count")["doc"],
               "params": {"ref": "CountParams"}, "chunk": {"ref": "CountChunk"}, "result": {"ref": "CountResult"}})
    );
    assert!(command("count")["doc"].as_str().unwrap().starts_with("Streams"));
    assert_eq!(command("add")["result"], "f64");
    assert_eq!(command("echo")["params"], "json");
    let count_params = description["types"].as_array().unwrap().iter().find(|t| t["name"] == "CountParams").unwrap();
    assert_eq!(
        count_params["fields"],
        json!([
            {"name": "n", "type": "u64", "optional": false, "doc": "Number of chunks."},
            {"name": "delayMs", "type": "u64", "optional": true,
             "doc": "Pause between chunks in milliseconds (0: as fast as possible)."},
        ])
    );

    // Also before serving a socket; and the running backend agrees.
    assert_eq!(describe_output(&["--socket", "/nonexistent/dir/sock", "--describe"]), description);
    let mut b = Backend::spawn(&[]);
    let ready = b.recv();
    assert_eq!(ready["data"]["schema"], description["schema"]);
    assert_eq!(ready["data"]["version"], env!("CARGO_PKG_VERSION"), "ready_data members are kept");
    assert_eq!(b.call("1", "$/describe", Value::Null), ok("1", description));
}
