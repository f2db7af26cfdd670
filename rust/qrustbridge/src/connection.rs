//! One client connection: the reader task, request admission and
//! dispatch, cancellation, and the end of a connection.
//!
//! The same code serves stdio, every socket client and the streams of
//! [`Server::serve_io`](crate::Server::serve_io).
//!
//! Tasks: the reader (the task that calls [`serve_connection`]) only reads,
//! parses and dispatches; it never runs a handler, so a `$/cancel` is seen
//! however busy the handlers are. The writer task owns the output (see
//! `outbox.rs`). Each request runs in a task of its own (async handlers)
//! or on the blocking pool (synchronous handlers).
//!
//! Bounds: at most `max_in_flight` requests run at once; up to
//! `max_queued` more wait for a slot (still cancellable). When both are
//! used up the reader stops reading, which pushes back on the client
//! through the pipe or socket. Output has a byte budget; handlers wait
//! for room, so a client that does not read ends up stalling its own
//! requests, and with them the reader.

use std::collections::HashMap;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::cancel::CancelToken;

use crate::blocking::CatchUnwind;
use crate::client::{ClientHandle, Peer, Transport};
use crate::context::Context;
use crate::error::Error;
use crate::events::Hub;
use crate::framing::{Frame, LineReader};
use crate::handler::{Handler, Reply, Run};
use crate::lane::Lane;
use crate::outbox::Outbox;
use crate::responder::{self, Claim, Responder};
use crate::util::{lock, panic_message};
use crate::wire;

/// The built-in request that returns the description (docs/contract.md).
pub(crate) const DESCRIBE_METHOD: &str = "$/describe";

/// [`Server::on_connect`](crate::Server::on_connect): `Err` refuses the client.
pub(crate) type ConnectHook = dyn Fn(&ClientHandle) -> Result<(), Error> + Send + Sync + 'static;
/// [`Server::on_disconnect`](crate::Server::on_disconnect).
pub(crate) type DisconnectHook = dyn Fn(&ClientHandle) + Send + Sync + 'static;

/// What a request cancelled by `$/cancel` (or a broken output) is answered.
const CANCELLED: &str = "cancelled";
/// What requests cancelled because the server (or, for stdio and
/// `serve_io`, its only client's input) ends are answered.
const CANCELLED_SHUTDOWN: &str = "cancelled: server shutting down";
/// What requests cancelled because their socket or TCP client closed its
/// input are answered.
const CANCELLED_CLOSING: &str = "cancelled: connection closing";

/// Values of `Conn::ending`.
const RUNNING: u8 = 0;
const SHUTDOWN: u8 = 1;
const CLOSING: u8 = 2;

/// Server-wide state shared by all connections.
pub(crate) struct Shared {
    pub handlers: HashMap<String, Arc<Handler>>,
    pub ready_line: Vec<u8>,
    /// What `$/describe` answers (docs/contract.md).
    pub description: Value,
    pub cancel_method: String,
    pub max_line_bytes: usize,
    pub grace: Duration,
    pub max_in_flight: u32,
    pub max_queued: u32,
    pub max_output_bytes: usize,
    /// Where synchronous handlers run, shared by every connection.
    pub lane: Lane,
    pub hub: Arc<Hub>,
    pub on_connect: Option<Box<ConnectHook>>,
    pub on_disconnect: Option<Box<DisconnectHook>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.lane.close();
    }
}

/// Per-connection state.
struct Conn {
    shared: Arc<Shared>,
    outbox: Outbox,
    client: ClientHandle,
    /// Requests running or waiting to run.
    admitted: Arc<Semaphore>,
    /// Requests running.
    running: Arc<Semaphore>,
    /// Cancellation tokens of admitted requests, by id. A duplicate id (a
    /// client bug) replaces the older entry: a cancel refers to the newest.
    /// (Tokens are not children of `abort`: a token tree's locking costs a
    /// measurable share of throughput; `cancel_all` walks this map.)
    requests: Mutex<HashMap<Arc<str>, (u64, CancelToken), IdHasher>>,
    next_gen: AtomicU64,
    /// Cancelled when the connection ends (see `finish`) or the output
    /// breaks: stops reading; `cancel_all` then cancels every request.
    abort: CancellationToken,
    /// Why the connection ends (`RUNNING` while it does not): picks the
    /// message of the `cancelled` answers.
    ending: AtomicU8,
}

/// A parsed line: something to answer directly, or a request to run.
enum Action {
    Reply(Vec<u8>),
    Run(Job),
}

struct Job {
    handler: Arc<Handler>,
    id: Arc<str>,
    params: Value,
}

/// An admitted request. Dropping it (after its response is queued) frees
/// its slots and forgets its token.
struct Ticket {
    conn: Arc<Conn>,
    id: Arc<str>,
    gen: u64,
    token: CancelToken,
    _admitted: OwnedSemaphorePermit,
    running: Option<OwnedSemaphorePermit>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut requests = lock(&self.conn.requests);
        if requests.get(&*self.id).map_or(false, |(gen, _)| *gen == self.gen) {
            requests.remove(&*self.id);
        }
    }
}

/// Serves one connection until its input ends (EOF, read error, `stop`
/// cancelled, or the output broke), then cancels every request at once,
/// gives synchronous handlers the grace period to return, drains the
/// output and returns (see `Conn::finish`).
///
/// The connect hook runs first; a refused client gets nothing (not even
/// the ready event) and its connection is closed (`PermissionDenied`).
pub(crate) async fn serve_connection<R, W>(
    shared: Arc<Shared>,
    input: R,
    output: W,
    stop: CancellationToken,
    peer: Peer,
) -> io::Result<()>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (outbox, inbox) = Outbox::new(shared.max_output_bytes);
    let client = ClientHandle::new(shared.hub.next_client_id(), peer, outbox.clone());
    if let Some(hook) = &shared.on_connect {
        let verdict = catch_unwind(AssertUnwindSafe(|| hook(&client)))
            .unwrap_or_else(|payload| Err(Error::new(format!("on_connect panicked: {}", panic_message(payload.as_ref())))));
        if let Err(e) = verdict {
            log::info!("client {} refused: {}", client.id(), e);
            client.set_disconnected();
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, format!("client refused: {}", e)));
        }
    }
    let conn = Arc::new(Conn {
        outbox: outbox.clone(),
        client: client.clone(),
        admitted: Arc::new(Semaphore::new((shared.max_in_flight + shared.max_queued) as usize)),
        running: Arc::new(Semaphore::new(shared.max_in_flight as usize)),
        requests: Mutex::new(HashMap::default()),
        next_gen: AtomicU64::new(0),
        abort: CancellationToken::new(),
        ending: AtomicU8::new(RUNNING),
        shared,
    });
    let writer = {
        let failed = conn.abort.clone();
        tokio::spawn(async move { outbox.run_writer(inbox, output, failed).await })
    };
    conn.outbox.push(conn.shared.ready_line.clone()).await;
    let registration = conn.shared.hub.register(client.id(), conn.outbox.clone());

    let result = read_loop(&conn, input, &stop).await;

    // Stdio and serve_io have one client: its end of input ends the server.
    let shutdown = stop.is_cancelled() || matches!(client.transport(), Transport::Stdio | Transport::Io);
    conn.finish(writer, shutdown).await;
    drop(registration);
    client.set_disconnected();
    if let Some(hook) = &conn.shared.on_disconnect {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| hook(&client))) {
            log::error!("on_disconnect panicked: {}", panic_message(payload.as_ref()));
        }
    }
    result
}

async fn read_loop<R: AsyncRead + Unpin>(conn: &Arc<Conn>, input: R, stop: &CancellationToken) -> io::Result<()> {
    let mut reader = LineReader::new(input, conn.shared.max_line_bytes);
    // Made once: a fresh cancellation future per line would cost two
    // waiter registrations per request.
    let stopped = async {
        tokio::select! {
            _ = conn.abort.cancelled() => {}
            _ = stop.cancelled() => {}
        }
    };
    tokio::pin!(stopped);
    let mut lines = 0u32;
    loop {
        // Input first: polling the tokens takes their locks, so while lines
        // keep coming they are checked only every 64 lines (and whenever
        // the input has nothing ready).
        lines = lines.wrapping_add(1);
        if lines % 64 == 0 && (conn.abort.is_cancelled() || stop.is_cancelled()) {
            return Ok(());
        }
        let frame = tokio::select! {
            biased;
            frame = reader.next_frame() => frame,
            _ = &mut stopped => return Ok(()),
        };
        let action = match frame {
            Ok(Some(Frame::Line(line))) => conn.parse(line),
            Ok(Some(Frame::TooLong { len, prefix })) => conn.too_long(len, &prefix),
            Ok(None) => return Ok(()),
            Err(e) => {
                if e.kind() != io::ErrorKind::ConnectionReset {
                    log::warn!("read failed: {}", e);
                }
                return Err(e);
            }
        };
        let carry_on = match action {
            None => true,
            Some(Action::Reply(line)) => conn.until_stopped(conn.outbox.push(line), stop).await.unwrap_or(false),
            Some(Action::Run(job)) => conn.admit(job, stop).await,
        };
        if !carry_on {
            return Ok(());
        }
    }
}

impl Conn {
    /// Runs `fut` unless the connection is told to stop first.
    async fn until_stopped<F: std::future::Future>(&self, fut: F, stop: &CancellationToken) -> Option<F::Output> {
        tokio::select! {
            biased;
            out = fut => Some(out),
            _ = self.abort.cancelled() => None,
            _ = stop.cancelled() => None,
        }
    }

    /// Parses a line and answers it directly where no handler is involved
    /// (errors, cancel requests); returns the job for a handler otherwise.
    fn parse(&self, line: &[u8]) -> Option<Action> {
        if wire::is_blank(line) {
            return None;
        }
        let req = match wire::parse_request(line) {
            Ok(req) => req,
            Err(bad) => {
                return match bad.id {
                    Some(id) => Some(Action::Reply(wire::err_line(&id, &bad.error))),
                    None => {
                        let shown = String::from_utf8_lossy(&line[..line.len().min(120)]).into_owned();
                        log::warn!("{}; ignoring line: {}", bad.error, shown);
                        None
                    }
                };
            }
        };
        let shared = &self.shared;
        if !shared.cancel_method.is_empty() && req.method == shared.cancel_method {
            let line = match req.params.get("id").and_then(Value::as_str) {
                Some(target) => {
                    self.cancel(target);
                    wire::ok_line(&req.id, &Value::Null)
                }
                None => wire::err_line(&req.id, "invalid params: expected {\"id\":\"<request id>\"}"),
            };
            return Some(Action::Reply(line));
        }
        if req.method == DESCRIBE_METHOD {
            return Some(Action::Reply(wire::ok_line(&req.id, &shared.description)));
        }
        match shared.handlers.get(req.method.as_ref()) {
            Some(handler) => {
                Some(Action::Run(Job { handler: handler.clone(), id: Arc::from(req.id.as_ref()), params: req.params }))
            }
            None => Some(Action::Reply(wire::err_line(&req.id, &format!("unknown method: {}", req.method)))),
        }
    }

    fn too_long(&self, len: u64, prefix: &[u8]) -> Option<Action> {
        let msg = format!(
            "request line of {} bytes exceeds the limit of {} bytes and was dropped",
            len, self.shared.max_line_bytes
        );
        match wire::sniff_id(prefix) {
            Some(id) => Some(Action::Reply(wire::err_line(&id, &msg))),
            None => {
                log::warn!("{} (request id unknown)", msg);
                None
            }
        }
    }

    /// Cancels the admitted request `id`, if there is one.
    fn cancel(&self, id: &str) {
        if let Some((_, token)) = lock(&self.requests).get(id) {
            token.cancel();
        }
    }

    /// Takes a slot for the request (waiting, and so not reading, while
    /// every slot is taken) and starts it. False if the connection stopped
    /// meanwhile.
    async fn admit(self: &Arc<Self>, job: Job, stop: &CancellationToken) -> bool {
        let admitted = match self.admitted.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => match self.until_stopped(self.admitted.clone().acquire_owned(), stop).await {
                Some(Ok(p)) => p,
                _ => {
                    // Read but never started: say so rather than stay silent.
                    self.outbox.try_push(wire::err_line(&job.id, CANCELLED_SHUTDOWN));
                    return false;
                }
            },
        };
        let gen = self.next_gen.fetch_add(1, Ordering::Relaxed);
        let token = CancelToken::new();
        if self.abort.is_cancelled() {
            token.cancel();
        }
        lock(&self.requests).insert(job.id.clone(), (gen, token.clone()));
        let ticket = Ticket {
            conn: self.clone(),
            id: job.id.clone(),
            gen,
            token,
            _admitted: admitted,
            running: None,
        };
        dispatch(ticket, job);
        true
    }

    /// The answer of a request cancelled now: plain `cancelled` for a
    /// cancel request, with the reason when the connection is ending.
    fn cancelled(&self) -> Error {
        Error::new(match self.ending.load(Ordering::Acquire) {
            SHUTDOWN => CANCELLED_SHUTDOWN,
            CLOSING => CANCELLED_CLOSING,
            _ => CANCELLED,
        })
    }

    /// Cancels every admitted request and stops the reader.
    fn cancel_all(&self) {
        self.abort.cancel();
        let tokens: Vec<CancelToken> = lock(&self.requests).values().map(|(_, t)| t.clone()).collect();
        for token in tokens {
            token.cancel();
        }
    }

    /// Requests admitted and not finished.
    fn active(&self) -> usize {
        (self.shared.max_in_flight + self.shared.max_queued) as usize - self.admitted.available_permits()
    }

    /// Waits until no request is admitted; false after `limit`.
    async fn wait_idle(&self, limit: Duration) -> bool {
        let all = self.shared.max_in_flight + self.shared.max_queued;
        matches!(tokio::time::timeout(limit, self.admitted.acquire_many(all)).await, Ok(Ok(_)))
    }

    /// After the input ended (`shutdown`: the server ends too): cancel
    /// every request at once, give synchronous handlers the grace period
    /// to return, then drain and close the output.
    ///
    /// Cancelling answers at once every request that can be stopped from
    /// outside: async handlers are dropped, requests waiting for a slot
    /// or for a blocking worker never start, deferred requests are
    /// answered in their responder's place. Synchronous handlers cannot be
    /// stopped; they see their token, and what they return within the
    /// grace period is written as they return it (as after `$/cancel`).
    /// Whatever still runs after that is left behind.
    async fn finish(&self, mut writer: JoinHandle<()>, shutdown: bool) {
        let ending = if shutdown { SHUTDOWN } else { CLOSING };
        self.ending.store(ending, Ordering::Release);
        self.cancel_all();
        // Synchronous requests still waiting for a blocking worker: run
        // them here, where they only answer (their token is cancelled),
        // rather than after the jobs that hold every worker.
        let queued = self.shared.lane.take_queued(self.client.id());
        if !queued.is_empty() {
            tokio::task::spawn_blocking(move || {
                for job in queued {
                    job();
                }
            });
        }
        let grace = self.shared.grace;
        // The whole ending, output included, takes at most the grace
        // period plus a second: a client that stopped reading must not
        // hold a shutting-down backend.
        let deadline = tokio::time::Instant::now() + grace + Duration::from_secs(1);
        if !self.wait_idle(grace).await {
            log::warn!(
                "{} request(s) still running {} ms after they were cancelled; leaving them behind",
                self.active(),
                grace.as_millis()
            );
        }
        self.outbox.close();
        let left = deadline.saturating_duration_since(tokio::time::Instant::now()).max(Duration::from_millis(100));
        if tokio::time::timeout(left, &mut writer).await.is_err() {
            log::warn!("output did not drain in time; abandoning the connection");
            writer.abort();
        }
        self.outbox.abandon();
    }
}

/// Starts an admitted request: at once when a slot is free, else in a task
/// that waits for one (and answers `cancelled` if cancelled meanwhile).
fn dispatch(mut ticket: Ticket, job: Job) {
    if let Ok(p) = ticket.conn.running.clone().try_acquire_owned() {
        ticket.running = Some(p);
        start(ticket, job);
        return;
    }
    tokio::spawn(async move {
        let running = ticket.conn.running.clone();
        match wait_or_cancel(running, &ticket.token).await {
            Some(p) => ticket.running = Some(p),
            None => return answer_cancelled(ticket).await,
        }
        start(ticket, job);
    });
}

async fn wait_or_cancel(slots: Arc<Semaphore>, token: &CancelToken) -> Option<OwnedSemaphorePermit> {
    tokio::select! {
        biased;
        _ = token.cancelled() => None,
        p = slots.acquire_owned() => p.ok(),
    }
}

async fn answer_cancelled(ticket: Ticket) {
    let error = ticket.conn.cancelled();
    ticket.conn.outbox.push(wire::error_line(&ticket.id, &error)).await;
}

fn start(ticket: Ticket, job: Job) {
    let Job { handler, id, params } = job;
    let ctx = Context::new(id, handler.name.clone(), ticket.token.clone(), ticket.conn.client.clone(), handler.streaming);
    if matches!(handler.run, Run::Deferred(_)) {
        start_deferred(ticket, handler, params, ctx);
    } else if matches!(handler.run, Run::Blocking(_)) {
        {
            let lane = ticket.conn.shared.lane.clone();
            let owner = ticket.conn.client.id();
            // A request cancelled while queued here is answered without
            // running: when its turn comes after `$/cancel`, at once at the
            // end of the connection (`finish` takes it out of the queue).
            lane.submit(owner, Box::new(move || {
                let reply = if ctx.is_cancelled() {
                    Err(ticket.conn.cancelled())
                } else {
                    let f = match &handler.run {
                        Run::Blocking(f) => f,
                        _ => unreachable!(),
                    };
                    catch_unwind(AssertUnwindSafe(|| f(params, &ctx)))
                        .unwrap_or_else(|payload| Err(panicked(&panic_message(payload.as_ref()))))
                };
                ticket.conn.outbox.push_blocking(reply_line(ctx.id(), reply), None);
                drop(ticket);
            }));
        }
    } else {
        {
            tokio::spawn(async move {
                let id = ticket.id.clone();
                let reply = if ticket.token.is_cancelled() {
                    Err(ticket.conn.cancelled())
                } else {
                    let f = match &handler.run {
                        Run::Async(f) => f,
                        _ => unreachable!(),
                    };
                    match catch_unwind(AssertUnwindSafe(|| f(params, ctx))) {
                        Ok(fut) => {
                            // The handler first: a future that is ready at once
                            // never registers with the token.
                            tokio::select! {
                                biased;
                                r = CatchUnwind::new(fut) => r.unwrap_or_else(|msg| Err(panicked(&msg))),
                                _ = ticket.token.cancelled() => Err(ticket.conn.cancelled()),
                            }
                        }
                        Err(payload) => Err(panicked(&panic_message(payload.as_ref()))),
                    }
                };
                ticket.conn.outbox.push(reply_line(&id, reply)).await;
                drop(ticket);
            });
        }
    }
}

/// Starts a deferred handler: a watcher task owns the request's ticket
/// and answers `cancelled` or "dropped" unless the [`Responder`] answered
/// first; the handler itself runs in the blocking lane.
fn start_deferred(ticket: Ticket, handler: Arc<Handler>, params: Value, ctx: Context) {
    let (responder, slot, gone) = Responder::new(ctx.clone());
    let claim = slot.claim.clone();
    let lane = ticket.conn.shared.lane.clone();
    let owner = ticket.conn.client.id();
    tokio::spawn(watch_deferred(ticket, claim, gone));
    let job = move || {
        // Cancelled while queued: dropping the responder lets the watcher
        // answer `cancelled`.
        if !ctx.is_cancelled() {
            let f = match &handler.run {
                Run::Deferred(f) => f,
                _ => unreachable!(),
            };
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| f(params, responder))) {
                // The responder was dropped while unwinding; the slot is
                // still open because this closure holds it.
                let line = wire::error_line(ctx.id(), &panicked(&panic_message(payload.as_ref())));
                responder::send(&slot.claim, &ctx, line);
            }
        }
        drop(slot);
    };
    lane.submit(owner, Box::new(job));
}

async fn watch_deferred(ticket: Ticket, claim: Arc<Claim>, gone: tokio::sync::oneshot::Receiver<()>) {
    let line = tokio::select! {
        biased;
        _ = ticket.token.cancelled() => wire::error_line(&ticket.id, &ticket.conn.cancelled()),
        _ = gone => wire::err_line(&ticket.id, responder::DROPPED),
    };
    if claim.take() {
        ticket.conn.outbox.push(line).await;
    }
    drop(ticket);
}

fn panicked(msg: &str) -> Error {
    Error::new(format!("handler panicked: {}", msg))
}

fn reply_line(id: &str, reply: Reply) -> Vec<u8> {
    match reply {
        Ok(line) => line,
        Err(error) => wire::error_line(id, &error),
    }
}

/// FNV-1a for the map of request ids: ids are short, and SipHash showed up
/// in profiles. Each connection has its own map, so a client that picks
/// colliding ids only slows down itself.
#[derive(Default, Clone, Copy)]
struct IdHasher;

struct Fnv(u64);

impl std::hash::BuildHasher for IdHasher {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
