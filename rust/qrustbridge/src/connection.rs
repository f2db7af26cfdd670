//! One client connection: reading and dispatching requests, running
//! handlers, in-flight tracking for cancellation, and graceful shutdown.
//!
//! The same code serves stdio, every socket client and the in-memory
//! streams of [`Server::serve_io`](crate::Server::serve_io).
//!
//! Threads: the connection's current *driver* reads a line, parses it and
//! runs the handler inline; see `watchdog.rs` for how reading moves to a
//! new thread when a handler is slow. A separate writer thread owns the
//! output (see `outbox.rs`).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::context::{CancelToken, Context};
use crate::events::{Hub, Registration};
use crate::framing::{Frame, LineReader};
use crate::outbox::Outbox;
use crate::pool::Pool;
use crate::util::{lock, log, panic_message};
use crate::watchdog::{current_tid, thread_blocked, Watchdog, BLOCKED_LIMIT, RUNNING_LIMIT};
use crate::wire;

/// Signature every handler is stored as.
pub(crate) type HandlerFn = dyn Fn(Value, &Context) -> Result<Value, String> + Send + Sync + 'static;

/// A registered method.
pub(crate) struct Entry {
    pub name: Arc<str>,
    pub streaming: bool,
    pub f: Box<HandlerFn>,
    /// Non-zero once this method stalled a driver: its next calls go
    /// straight to the pool instead of running inline. Every pooled call
    /// that turns out quick counts it down again.
    pub slow: AtomicU32,
}

/// How many quick pooled calls it takes before a method that stalled runs
/// inline again.
const SLOW_CALLS: u32 = 4;

/// Server-wide state shared by all connections.
pub(crate) struct Shared {
    pub handlers: HashMap<String, Arc<Entry>>,
    pub ready_event: String,
    pub ready_data: Value,
    pub cancel_method: String,
    pub max_line_bytes: usize,
    pub shutdown_timeout: Duration,
    pub pool: Pool,
    pub hub: Arc<Hub>,
    pub watchdog: Watchdog,
}

type Input = LineReader<Box<dyn Read + Send>>;

#[derive(Default)]
struct Inflight {
    tokens: HashMap<String, Arc<CancelToken>>,
    active: usize,
    waiters: usize,
}

/// Which thread drives the connection; see `watchdog.rs`.
#[derive(Default)]
struct Drive {
    /// When the current driver started the handler it is running.
    busy_since: Option<Instant>,
    /// The method of that handler.
    running: Option<Arc<Entry>>,
    /// Kernel thread id of the driver.
    tid: i64,
    /// Bumped each time reading moves to a new thread.
    epoch: u64,
}

#[derive(Default)]
struct Done {
    finished: bool,
    error: Option<io::Error>,
}

/// Per-connection state.
pub(crate) struct Conn {
    pub outbox: Outbox,
    inflight: Mutex<Inflight>,
    idle_cv: Condvar,
    drive: Mutex<Drive>,
    /// The input; `None` once it ended. Locked by the driver while reading.
    input: Mutex<Option<Input>>,
    registration: Mutex<Option<Registration>>,
    done: Mutex<Done>,
    done_cv: Condvar,
}

/// A request that goes to a handler.
struct Job {
    entry: Arc<Entry>,
    id: String,
    params: Value,
    token: Arc<CancelToken>,
}

impl Conn {
    fn new(input: Input) -> Conn {
        Conn {
            outbox: Outbox::default(),
            inflight: Mutex::default(),
            idle_cv: Condvar::new(),
            drive: Mutex::default(),
            input: Mutex::new(Some(input)),
            registration: Mutex::new(None),
            done: Mutex::default(),
            done_cv: Condvar::new(),
        }
    }

    fn begin(&self, id: &str) -> Arc<CancelToken> {
        let token = Arc::new(CancelToken::default());
        let mut inf = lock(&self.inflight);
        inf.active += 1;
        // A duplicate id (a client bug) replaces the older entry: the
        // newest request with that id is the one a cancel refers to.
        inf.tokens.insert(id.to_owned(), token.clone());
        token
    }

    fn end(&self, id: &str, token: &Arc<CancelToken>) {
        let mut inf = lock(&self.inflight);
        inf.active -= 1;
        if inf.tokens.get(id).map_or(false, |t| Arc::ptr_eq(t, token)) {
            inf.tokens.remove(id);
        }
        let notify = inf.active == 0 && inf.waiters > 0;
        drop(inf);
        if notify {
            self.idle_cv.notify_all();
        }
    }

    /// Cancels the in-flight request `id`; false if there is none.
    fn cancel(&self, id: &str) -> bool {
        let token = lock(&self.inflight).tokens.get(id).cloned();
        match token {
            Some(t) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    pub(crate) fn cancel_all(&self) {
        let tokens: Vec<_> = lock(&self.inflight).tokens.values().cloned().collect();
        for t in tokens {
            t.cancel();
        }
    }

    fn active(&self) -> usize {
        lock(&self.inflight).active
    }

    /// Waits until no request is in flight; false on timeout.
    fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut inf = lock(&self.inflight);
        inf.waiters += 1;
        while inf.active > 0 {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            inf = match self.idle_cv.wait_timeout(inf, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        inf.waiters -= 1;
        inf.active == 0
    }

    /// Watchdog side: if the driver is stuck in a handler (see
    /// `watchdog.rs` for the limits), take the driver role away and return
    /// the new epoch for a new driver. Sets `any_busy` if a handler runs
    /// but is not stuck yet.
    pub(crate) fn take_over_if_stalled(&self, now: Instant, any_busy: &mut bool) -> Option<u64> {
        let (since, tid) = {
            let d = lock(&self.drive);
            (d.busy_since?, d.tid)
        };
        let age = now.saturating_duration_since(since);
        let blocked = age >= BLOCKED_LIMIT && thread_blocked(tid).unwrap_or(true);
        if !blocked && age < RUNNING_LIMIT {
            *any_busy = true;
            return None;
        }
        let mut d = lock(&self.drive);
        if d.busy_since != Some(since) {
            // That handler finished meanwhile.
            *any_busy |= d.busy_since.is_some();
            return None;
        }
        d.epoch += 1;
        d.busy_since = None;
        if let Some(entry) = d.running.take() {
            // Only blocking is learned: a handler that merely computes for
            // long (or was kept off an overloaded CPU) is not sent to a
            // thread of its own next time, which would not make it faster.
            if blocked {
                entry.slow.store(SLOW_CALLS, Ordering::Relaxed);
            }
        }
        Some(d.epoch)
    }

    fn set_done(&self, error: Option<io::Error>) {
        let mut done = lock(&self.done);
        done.finished = true;
        done.error = error;
        drop(done);
        self.done_cv.notify_all();
    }

    fn wait_done(&self) -> io::Result<()> {
        let mut done = lock(&self.done);
        while !done.finished {
            done = match self.done_cv.wait(done) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
        }
        match done.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Serves one connection until its input ends (EOF, read error, or a
/// shutdown wake-up turned into EOF by the reader), then lets in-flight
/// requests finish for up to `shutdown_timeout`, flushes and returns.
pub(crate) fn run_connection<R, W>(shared: &Arc<Shared>, input: R, output: W) -> io::Result<()>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let reader: Box<dyn Read + Send> = Box::new(input);
    let conn = Arc::new(Conn::new(LineReader::new(reader, shared.max_line_bytes)));
    match wire::event_line(&shared.ready_event, &shared.ready_data) {
        Ok(line) => {
            conn.outbox.push(line);
        }
        Err(e) => log(&format!("cannot serialize ready event data: {}", e)),
    }
    let writer = {
        let conn = conn.clone();
        thread::Builder::new().name("qrustbridge-writer".into()).spawn(move || {
            let on_fail = conn.clone();
            conn.outbox.run_writer(output, move || on_fail.cancel_all());
        })?
    };
    *lock(&conn.registration) = Some(shared.hub.register(conn.clone()));
    shared.watchdog.register(&conn);

    // This thread is the first driver. If it loses that role to a slow
    // handler, another thread finishes the connection; wait for that.
    drive(shared, &conn, 0);
    let result = conn.wait_done();
    if conn.outbox.wait_finished(Duration::from_millis(0)) {
        let _ = writer.join();
    }
    result
}

/// The driver loop. Returns when the input ended (after finishing the
/// connection) or when this thread is no longer the driver.
pub(crate) fn drive(shared: &Arc<Shared>, conn: &Arc<Conn>, epoch: u64) {
    let tid = current_tid();
    loop {
        let mut input = lock(&conn.input);
        let reader = match input.as_mut() {
            Some(r) => r,
            None => return,
        };
        let next = if conn.outbox.is_failed() {
            // Nobody listens any more: stop as if the input had ended.
            Ok(None)
        } else {
            reader.next_frame()
        };
        let job = match next {
            Ok(Some(Frame::Line(line))) => handle_line(shared, conn, line),
            Ok(Some(Frame::TooLong { len, prefix })) => {
                too_long(shared, conn, len, &prefix);
                None
            }
            Ok(None) => {
                *input = None;
                drop(input);
                finish(shared, conn, None);
                return;
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::ConnectionReset {
                    log(&format!("read failed: {}", e));
                }
                *input = None;
                drop(input);
                finish(shared, conn, Some(e));
                return;
            }
        };
        drop(input);
        let job = match job {
            Some(job) => job,
            None => continue,
        };
        if job.entry.slow.load(Ordering::Relaxed) > 0 {
            run_pooled(shared, conn, job);
        } else if !run_inline(shared, conn, job, epoch, tid) {
            return;
        }
    }
}

/// Runs a handler on the driver thread. Returns false if this thread lost
/// the driver role meanwhile.
fn run_inline(shared: &Arc<Shared>, conn: &Arc<Conn>, job: Job, epoch: u64, tid: i64) -> bool {
    {
        let mut d = lock(&conn.drive);
        d.busy_since = Some(Instant::now());
        d.running = Some(job.entry.clone());
        d.tid = tid;
    }
    shared.watchdog.busy();
    run_handler(conn, job);
    let mut d = lock(&conn.drive);
    if d.epoch != epoch {
        return false;
    }
    d.busy_since = None;
    d.running = None;
    true
}

/// Runs a handler of a method known to be slow on a pool thread.
fn run_pooled(shared: &Arc<Shared>, conn: &Arc<Conn>, job: Job) {
    let conn = conn.clone();
    shared.pool.submit(Box::new(move || {
        let entry = job.entry.clone();
        let started = Instant::now();
        run_handler(&conn, job);
        if started.elapsed() < BLOCKED_LIMIT {
            let _ = entry.slow.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        }
    }));
}

/// After the input ended: give running requests time to finish and answer,
/// then close the output.
fn finish(shared: &Arc<Shared>, conn: &Arc<Conn>, error: Option<io::Error>) {
    let grace = shared.shutdown_timeout;
    if !conn.wait_idle(grace) {
        log(&format!(
            "{} request(s) still running {} ms after end of input; cancelling them",
            conn.active(),
            grace.as_millis()
        ));
        conn.cancel_all();
        conn.wait_idle(Duration::from_millis(100));
    }
    shared.watchdog.unregister(conn);
    drop(lock(&conn.registration).take());
    conn.outbox.close();
    if !conn.outbox.wait_finished(grace.max(Duration::from_millis(100))) {
        log("output did not drain in time; abandoning the connection");
    }
    conn.set_done(error);
}

fn too_long(shared: &Shared, conn: &Conn, len: u64, prefix: &[u8]) {
    let msg = format!(
        "request line of {} bytes exceeds the limit of {} bytes and was dropped",
        len, shared.max_line_bytes
    );
    match wire::sniff_id(prefix) {
        Some(id) => {
            conn.outbox.push(wire::err_line(&id, &msg));
        }
        None => log(&format!("{} (request id unknown)", msg)),
    }
}

/// Parses a line and answers it directly where no handler is involved
/// (errors, cancel requests); returns the job for a handler otherwise.
fn handle_line(shared: &Shared, conn: &Conn, line: &[u8]) -> Option<Job> {
    if wire::is_blank(line) {
        return None;
    }
    let req = match wire::parse_request(line) {
        Ok(req) => req,
        Err(bad) => {
            match bad.id {
                Some(id) => {
                    conn.outbox.push(wire::err_line(&id, &bad.error));
                }
                None => {
                    let shown = String::from_utf8_lossy(&line[..line.len().min(120)]).into_owned();
                    log(&format!("{}; ignoring line: {}", bad.error, shown));
                }
            }
            return None;
        }
    };
    if !shared.cancel_method.is_empty() && req.method == shared.cancel_method {
        let line = match req.params.get("id").and_then(Value::as_str) {
            Some(target) => {
                conn.cancel(target);
                wire::ok_line(&req.id, &Value::Null)
            }
            None => wire::err_line(&req.id, "invalid params: expected {\"id\":\"<request id>\"}"),
        };
        conn.outbox.push(line);
        return None;
    }
    let entry = match shared.handlers.get(req.method.as_ref()) {
        Some(e) => e.clone(),
        None => {
            conn.outbox.push(wire::err_line(&req.id, &format!("unknown method: {}", req.method)));
            return None;
        }
    };
    let id = req.id.into_owned();
    let token = conn.begin(&id);
    Some(Job { entry, id, params: req.params, token })
}

fn run_handler(conn: &Arc<Conn>, job: Job) {
    let Job { entry, id, params, token } = job;
    let ctx = Context {
        id,
        method: entry.name.clone(),
        token,
        conn: conn.clone(),
        streaming: entry.streaming,
        warned_chunk: AtomicBool::new(false),
    };
    let line = if ctx.is_cancelled() {
        wire::err_line(&ctx.id, "cancelled")
    } else {
        match catch_unwind(AssertUnwindSafe(|| (entry.f)(params, &ctx))) {
            Ok(Ok(result)) => wire::ok_line(&ctx.id, &result),
            Ok(Err(error)) => wire::err_line(&ctx.id, &error),
            Err(payload) => {
                let msg = panic_message(payload.as_ref());
                wire::err_line(&ctx.id, &format!("handler panicked: {}", msg))
            }
        }
    };
    conn.outbox.push(line);
    conn.end(&ctx.id, &ctx.token);
}
