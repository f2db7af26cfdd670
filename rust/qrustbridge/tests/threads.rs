//! A flood of quick requests must not create a flood of threads. Kept in
//! its own test binary so that the thread count of the process is not
//! disturbed by other tests.

mod common;

use std::fmt::Write as _;
use common::Client;
use qrustbridge::serde_json::Value;
use qrustbridge::Server;

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").map(|d| d.count()).unwrap_or(0)
}

#[test]
fn pipelined_quick_requests_use_a_constant_number_of_threads() {
    let before = thread_count();
    // Synchronous handlers run on the blocking pool, which may grow to its
    // configured bound under a flood; that bound is what keeps the count
    // constant.
    let server = Server::new().handle_signals(false).max_blocking_threads(8).handler("echo", |p, _| Ok(p));
    let mut c = Client::start(server);
    c.expect_ready();
    let n = 50_000;
    let mut batch = String::with_capacity(n * 48);
    for i in 0..n {
        let _ = writeln!(batch, "{{\"id\":\"{}\",\"method\":\"echo\",\"params\":[{}]}}", i, i);
    }
    let mut tx = c.sender();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        tx.write_all(batch.as_bytes()).unwrap();
    });
    let mut peak = 0;
    for i in 0..n {
        let v: Value = c.recv();
        assert_eq!(v["success"], true);
        if i % 1000 == 0 {
            peak = peak.max(thread_count());
        }
    }
    writer.join().unwrap();
    c.finish();
    // The runtime's workers (one per core) + at most 8 blocking threads +
    // serve_io's two copy threads + our writer thread: far from one thread
    // per request.
    eprintln!("threads: {} before, {} peak", before, peak);
    assert!(peak <= before + 32, "threads: {} before, {} peak", before, peak);
}
