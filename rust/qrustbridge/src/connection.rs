//! One client connection: the reader loop, dispatch to the pool, in-flight
//! tracking for cancellation, and graceful shutdown.
//!
//! The same code serves stdio, every socket client and the in-memory
//! streams used by tests ([`Server::serve_io`](crate::Server::serve_io)).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::context::{CancelToken, Context};
use crate::events::Hub;
use crate::framing::{Frame, LineReader};
use crate::outbox::Outbox;
use crate::pool::Pool;
use crate::util::{lock, log, panic_message};
use crate::wire::{self, Request};

/// Signature every handler is stored as.
pub(crate) type HandlerFn = dyn Fn(Value, &Context) -> Result<Value, String> + Send + Sync + 'static;

/// A registered method.
pub(crate) struct Entry {
    pub name: Arc<str>,
    pub streaming: bool,
    pub f: Box<HandlerFn>,
}

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
}

#[derive(Default)]
struct Inflight {
    tokens: HashMap<String, Arc<CancelToken>>,
    active: usize,
    waiters: usize,
}

/// Per-connection state reachable from handlers.
#[derive(Default)]
pub(crate) struct Conn {
    pub outbox: Outbox,
    inflight: Mutex<Inflight>,
    idle_cv: Condvar,
}

impl Conn {
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
}

/// Serves one connection until its input ends (EOF, read error, or a
/// shutdown wake-up turned into EOF by the reader), then lets in-flight
/// requests finish for up to `shutdown_timeout`, flushes and returns.
pub(crate) fn run_connection<R, W>(shared: &Arc<Shared>, input: R, output: W) -> io::Result<()>
where
    R: Read,
    W: Write + Send + 'static,
{
    let conn = Arc::new(Conn::default());
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
    let registration = shared.hub.register(conn.clone());

    let mut reader = LineReader::new(input, shared.max_line_bytes);
    let mut result = Ok(());
    loop {
        match reader.next_frame() {
            Ok(None) => break,
            Ok(Some(Frame::Line(line))) => handle_line(shared, &conn, line),
            Ok(Some(Frame::TooLong { len, prefix })) => {
                let msg = format!(
                    "request line of {} bytes exceeds the limit of {} bytes and was dropped",
                    len, shared.max_line_bytes
                );
                match wire::sniff_id(&prefix) {
                    Some(id) => {
                        conn.outbox.push(wire::err_line(&id, &msg));
                    }
                    None => log(&format!("{} (request id unknown)", msg)),
                }
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::ConnectionReset {
                    log(&format!("read failed: {}", e));
                }
                result = Err(e);
                break;
            }
        }
        if conn.outbox.is_failed() {
            break;
        }
    }
    drop(reader);

    // Input is over: give running requests time to finish and answer.
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
    drop(registration);
    conn.outbox.close();
    if conn.outbox.wait_finished(grace.max(Duration::from_millis(100))) {
        let _ = writer.join();
    } else {
        log("output did not drain in time; abandoning the connection");
    }
    result
}

fn handle_line(shared: &Arc<Shared>, conn: &Arc<Conn>, line: &[u8]) {
    if wire::is_blank(line) {
        return;
    }
    match wire::parse_request(line) {
        Ok(req) => dispatch(shared, conn, req),
        Err(bad) => match bad.id {
            Some(id) => {
                conn.outbox.push(wire::err_line(&id, &bad.error));
            }
            None => {
                let shown = String::from_utf8_lossy(&line[..line.len().min(120)]).into_owned();
                log(&format!("{}; ignoring line: {}", bad.error, shown));
            }
        },
    }
}

fn dispatch(shared: &Arc<Shared>, conn: &Arc<Conn>, req: Request<'_>) {
    if !shared.cancel_method.is_empty() && req.method == shared.cancel_method {
        // Answered inline so that a busy pool can never delay a cancel.
        let line = match req.params.get("id").and_then(Value::as_str) {
            Some(target) => {
                conn.cancel(target);
                wire::ok_line(&req.id, &Value::Null)
            }
            None => wire::err_line(&req.id, "invalid params: expected {\"id\":\"<request id>\"}"),
        };
        conn.outbox.push(line);
        return;
    }
    let entry = match shared.handlers.get(req.method.as_ref()) {
        Some(e) => e.clone(),
        None => {
            conn.outbox.push(wire::err_line(&req.id, &format!("unknown method: {}", req.method)));
            return;
        }
    };
    let id = req.id.into_owned();
    let params = req.params;
    let token = conn.begin(&id);
    let conn = conn.clone();
    shared.pool.submit(Box::new(move || run_handler(&entry, conn, id, params, token)));
}

fn run_handler(entry: &Entry, conn: Arc<Conn>, id: String, params: Value, token: Arc<CancelToken>) {
    let ctx = Context {
        id,
        method: entry.name.clone(),
        token,
        conn,
        streaming: entry.streaming,
        warned_chunk: AtomicBool::new(false),
    };
    let line = if ctx.is_cancelled() {
        // Cancelled while queued: don't start it at all.
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
    ctx.conn.outbox.push(line);
    ctx.conn.end(&ctx.id, &ctx.token);
}
