//! The demo backend under load, as a process: thousands of slow requests,
//! a client that stops reading, stray prints, SIGTERM mid-flight, many
//! socket clients, two daemons racing for one path.
//!
//! Bounds are generous (CI may run this on one loaded core); the measured
//! numbers are printed (`cargo test --release -- --nocapture`) for the
//! issue's closing note. `QRB_DEMO_BACKEND=/path/to/demo-backend` runs the
//! same tests against another build (for before/after numbers).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn backend_path() -> String {
    std::env::var("QRB_DEMO_BACKEND").unwrap_or_else(|_| env!("CARGO_BIN_EXE_demo-backend").to_owned())
}

struct Backend {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Option<BufReader<ChildStdout>>,
}

impl Backend {
    fn spawn(args: &[&str]) -> Backend {
        let mut child = Command::new(backend_path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn demo-backend");
        let stdin = child.stdin.take();
        let stdout = Some(BufReader::with_capacity(1 << 16, child.stdout.take().unwrap()));
        let mut b = Backend { child, stdin, stdout };
        assert_eq!(b.recv()["event"], "ready");
        b
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, id: &str, method: &str, params: Value) {
        self.send_line(&json!({"id": id, "method": method, "params": params}).to_string());
    }

    fn recv_line(&mut self) -> String {
        let mut line = String::new();
        assert!(self.stdout.as_mut().unwrap().read_line(&mut line).unwrap() > 0, "backend closed stdout");
        line.pop();
        line
    }

    fn recv(&mut self) -> Value {
        let line = self.recv_line();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON {:?}: {}", line, e))
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "backend did not exit within {:?}", limit);
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (threads, VmHWM in KiB) of a process.
fn proc_stats(pid: u32) -> (usize, u64) {
    let threads = std::fs::read_dir(format!("/proc/{}/task", pid)).map(|d| d.count()).unwrap_or(0);
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid)).unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (threads, hwm)
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Threads the backend may use with only async handlers running: main,
/// one worker per core, and a few for tokio and the blocking pool's odd
/// jobs. Far from one per request.
fn thread_bound() -> usize {
    cores() + 8
}

#[test]
fn three_thousand_slow_requests_leave_echo_and_cancel_prompt() {
    let mut b = Backend::spawn(&[]);
    let n = 3000;
    let mut batch = String::new();
    for i in 0..n {
        let _ = writeln!(batch, "{{\"id\":\"s{}\",\"method\":\"sleep\",\"params\":{{\"ms\":4000}}}}", i);
    }
    let started = Instant::now();
    b.send_line(batch.trim_end());

    let t = Instant::now();
    b.send("e", "echo", json!("quick"));
    assert_eq!(b.recv(), json!({"id": "e", "success": true, "result": "quick"}));
    let echo_took = t.elapsed();

    let t = Instant::now();
    b.send("c", "$/cancel", json!({"id": "s1234"}));
    let mut got = std::collections::HashMap::new();
    while !(got.contains_key("c") && got.contains_key("s1234")) {
        let v = b.recv();
        *got.entry(v["id"].as_str().unwrap().to_owned()).or_insert(0) += 1;
        if v["id"] == "s1234" {
            assert_eq!(v["error"], "cancelled");
        }
    }
    let cancel_took = t.elapsed();
    let (threads, hwm) = proc_stats(b.pid());

    while got.len() < n + 1 {
        let v = b.recv();
        assert_eq!(v["success"], true, "{}", v);
        *got.entry(v["id"].as_str().unwrap().to_owned()).or_insert(0) += 1;
    }
    let all_took = started.elapsed();
    println!(
        "3000 sleeps: echo answered after {:?}, cancel after {:?}; backend {} threads, peak RSS {} KiB; all answered after {:?}",
        echo_took, cancel_took, threads, hwm, all_took
    );
    assert!(echo_took < Duration::from_secs(1), "echo waited {:?}", echo_took);
    assert!(cancel_took < Duration::from_secs(1), "cancel took {:?}", cancel_took);
    assert!(threads <= thread_bound(), "{} threads", threads);
    assert!(got.values().all(|&k| k == 1), "some request answered twice");
    assert_eq!(got.len(), n + 1);
}

#[test]
fn a_client_that_stops_reading_keeps_the_backend_bounded() {
    let mut b = Backend::spawn(&[]);
    let pid = b.pid();
    let n = 200_000usize;
    let pad = "x".repeat(1000);
    let progress = Arc::new(AtomicU64::new(0));
    let writer = {
        let progress = progress.clone();
        let mut stdin = b.stdin.take().unwrap();
        std::thread::spawn(move || {
            for i in 0..n {
                let line = format!("{{\"id\":\"{}\",\"method\":\"echo\",\"params\":\"{}\"}}\n", i, pad);
                stdin.write_all(line.as_bytes()).unwrap();
                progress.store(i as u64 + 1, Ordering::SeqCst);
            }
        })
    };
    // Not reading: wait until the writer is held back (no progress for a
    // second), which only backpressure can do before all 200 MB are sent.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = (0, Instant::now());
    loop {
        let now = progress.load(Ordering::SeqCst);
        if now != last.0 {
            last = (now, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(1) {
            break;
        }
        assert!(Instant::now() < deadline, "writer never stalled");
        std::thread::sleep(Duration::from_millis(20));
    }
    let stalled_at = progress.load(Ordering::SeqCst);
    let (threads, hwm) = proc_stats(pid);
    println!(
        "flood while not reading: writer held at {} of {} requests; backend {} threads, peak RSS {} KiB",
        stalled_at, n, threads, hwm
    );
    assert!((stalled_at as usize) < n, "all requests were accepted without reading: unbounded");
    assert!(hwm < 160 * 1024, "peak RSS {} KiB", hwm);

    // Reading again: every response arrives.
    let mut seen = vec![false; n];
    for _ in 0..n {
        let v = b.recv();
        let id: usize = v["id"].as_str().unwrap().parse().unwrap();
        assert!(!seen[id], "{} twice", id);
        seen[id] = true;
    }
    writer.join().unwrap();
}

#[test]
fn println_in_a_handler_does_not_break_the_protocol() {
    let mut child = Command::new(backend_path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..50 {
        writeln!(stdin, "{{\"id\":\"p{}\",\"method\":\"println\",\"params\":{{\"text\":\"stray {}\"}}}}", i, i).unwrap();
        writeln!(stdin, "{{\"id\":\"e{}\",\"method\":\"echo\",\"params\":{}}}", i, i).unwrap();
    }
    // All answers first: stdin EOF cancels whatever has not answered yet.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut out = String::new();
    for _ in 0..101 {
        assert!(stdout.read_line(&mut out).unwrap() > 0, "backend closed stdout");
    }
    drop(stdin);
    stdout.read_to_string(&mut out).unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(child.wait().unwrap().success());
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("stdout line {:?} is not JSON: {}", l, e)))
        .collect();
    assert_eq!(lines.len(), 101, "ready + 100 responses");
    assert!(lines[1..].iter().all(|v| v["success"] == true));
    for i in 0..50 {
        assert!(err.contains(&format!("stray {}\n", i)), "stray {} not on stderr", i);
    }
}

#[test]
fn sigterm_with_three_thousand_requests_in_flight_exits_within_the_grace_period() {
    let mut b = Backend::spawn(&[]);
    let mut batch = String::new();
    for i in 0..3000 {
        let _ = writeln!(batch, "{{\"id\":\"s{}\",\"method\":\"sleep\",\"params\":{{\"ms\":60000}}}}", i);
    }
    b.send_line(batch.trim_end());
    b.send("e", "echo", Value::Null);
    // Once the echo is back, all sleeps before it were admitted.
    loop {
        if b.recv()["id"] == "e" {
            break;
        }
    }
    // Keep reading, as a client does (the test is about the grace period,
    // not about a client that stopped reading).
    let mut stdout = b.stdout.take().unwrap();
    let reader = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let t = Instant::now();
    let ok = Command::new("kill").args(["-TERM", &b.pid().to_string()]).status().unwrap();
    assert!(ok.success());
    let status = b.wait_exit(Duration::from_secs(10));
    let took = t.elapsed();
    let _ = reader.join();
    println!("SIGTERM with 3000 sleeps in flight: exited {:?} after {:?}", status.code(), took);
    assert_eq!(status.code(), Some(0));
    assert!(took < Duration::from_secs(3), "exit took {:?} (grace period 2 s + 1 s)", took);
}

#[test]
fn a_second_signal_exits_at_once() {
    let mut b = Backend::spawn(&[]);
    // Something that keeps the graceful ending busy: the first signal
    // cancels every request at once, but a client that stopped reading
    // holds the output drain for up to grace + 1 s. A 64 MiB answer, of
    // which the test reads a few bytes (so it is being written) and no more.
    b.send("big", "big", json!({"bytes": 64 * 1024 * 1024}));
    let mut head = [0u8; 32];
    std::io::Read::read_exact(b.stdout.as_mut().unwrap(), &mut head).unwrap();
    assert!(head.starts_with(br#"{"id":"big","success":true"#), "{:?}", String::from_utf8_lossy(&head));
    let pid = b.pid().to_string();
    let t = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    // The first starts the ending (up to 3 s here); the second must not wait for it.
    // Both may arrive before the handler is installed for the second; give
    // the first a moment to be seen by looking for its effect: none visible
    // from outside, so retry the second signal until the process is gone.
    let status = loop {
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        if let Some(status) = b.child.try_wait().unwrap() {
            break status;
        }
        assert!(t.elapsed() < Duration::from_secs(5), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    println!("second signal: exited {:?} after {:?}", status.code(), t.elapsed());
    assert!(t.elapsed() < Duration::from_millis(1900), "waited for the grace period: {:?}", t.elapsed());
    // 128 + the signal seen second. When TERM and the first INT are both
    // pending by the time the watcher runs, either may count as the first.
    assert!(
        matches!(status.code(), Some(130) | Some(143)),
        "exit status {:?}",
        status.code()
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qrb-stress-{}-{}", std::process::id(), name));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_hundred_socket_clients_each_with_slow_requests_never_starve_an_echo() {
    let dir = temp_dir("hundred");
    let path = dir.join("demo.sock");
    let mut daemon = Command::new(backend_path())
        .args(["--socket", path.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while UnixStream::connect(&path).is_err() {
        assert!(Instant::now() < deadline, "daemon did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Collected so that all clients run before any is joined.
    #[allow(clippy::needless_collect)]
    let clients: Vec<_> = (0..100)
        .map(|c| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = UnixStream::connect(&path).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut line = String::new();
                r.read_line(&mut line).unwrap(); // ready
                let mut batch = String::new();
                for i in 0..20 {
                    let _ = writeln!(batch, "{{\"id\":\"s{}\",\"method\":\"sleep\",\"params\":{{\"ms\":3000}}}}", i);
                }
                s.write_all(batch.as_bytes()).unwrap();
                let t = Instant::now();
                s.write_all(format!("{{\"id\":\"e\",\"method\":\"echo\",\"params\":{}}}\n", c).as_bytes()).unwrap();
                let mut echo_took = None;
                let mut answered = 0;
                while answered < 21 {
                    line.clear();
                    assert!(r.read_line(&mut line).unwrap() > 0);
                    let v: Value = serde_json::from_str(&line).unwrap();
                    assert_eq!(v["success"], true, "{}", v);
                    if v["id"] == "e" {
                        assert_eq!(v["result"], c, "another client's echo");
                        echo_took = Some(t.elapsed());
                    }
                    answered += 1;
                }
                echo_took.unwrap()
            })
        })
        .collect();
    let worst = clients.into_iter().map(|c| c.join().unwrap()).max().unwrap();
    let (threads, hwm) = proc_stats(daemon.id());
    println!("100 socket clients x 20 sleeps: slowest echo {:?}; daemon {} threads, peak RSS {} KiB", worst, threads, hwm);
    let _ = daemon.kill();
    let _ = daemon.wait();
    assert!(worst < Duration::from_secs(2), "an echo waited {:?}", worst);
    assert!(threads <= thread_bound(), "{} threads", threads);
    let _ = std::fs::remove_dir_all(&dir);
}
