//! The [`Server`] builder and the `serve_*` entry points.

use std::collections::HashMap;
use std::future::Future;
#[cfg(unix)]
use std::io::Read;
use std::io::{self, Write};
use std::net::ToSocketAddrs;
#[cfg(unix)]
use std::os::unix::net::UnixStream as StdUnixStream;
#[cfg(unix)]
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

use crate::client::{ClientHandle, Peer, PeerCredentials, Transport};
use crate::connection::{serve_connection, ConnectHook, DisconnectHook, Shared};
use crate::context::Context;
use crate::describe::{self, describer, CommandTypes, Describe, Registry};
use crate::error::Error;
use crate::events::{EventEmitter, Hub};
use crate::handler::{deserialize_params, typed_async, typed_sync, AsyncFn, BoxReply, Handler, Reply, Run, SyncFn};
use crate::responder::Responder;
use crate::listener::{serve_listener, Listener};
use crate::shutdown::{watch_signals, ShutdownHandle};
#[cfg(unix)]
use crate::socket::{bind_unix, SocketAccess};
use crate::wire;

/// Default for [`Server::max_line_bytes`]: 50 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 50 * 1024 * 1024;

/// Default for [`Server::shutdown_timeout`]: 2 seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// Default for [`Server::max_in_flight`]: 4096 requests per connection.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 4096;

/// Default for [`Server::max_queued`]: 1024 requests per connection.
pub const DEFAULT_MAX_QUEUED: usize = 1024;

/// Default for [`Server::max_output_bytes`]: 16 MiB per connection.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// Default for [`Server::max_blocking_threads`]: 64.
pub const DEFAULT_MAX_BLOCKING_THREADS: usize = 64;

/// A backend server: a set of named handlers plus protocol settings,
/// configured builder-style and then run with one of the `serve_*` methods.
///
/// ```no_run
/// use qrustbridge::Server;
///
/// fn main() -> std::io::Result<()> {
///     Server::new()
///         .handler("echo", |params, _ctx| Ok(params))
///         .serve_stdio()
/// }
/// ```
///
/// Runtime: the plain `serve_*` methods start a multi-thread tokio runtime
/// of their own, for a plain `fn main()`; the `serve_*_async` variants run
/// inside a runtime the backend already has. Per connection, one task
/// reads (and never runs a handler), one writes; every request runs in a
/// task of its own (async handlers) or on the blocking pool (synchronous
/// handlers). See the crate documentation for the limits and the shutdown
/// sequence.
#[must_use = "a Server does nothing until one of its serve_* methods is called"]
pub struct Server {
    handlers: HashMap<String, Arc<Handler>>,
    command_types: HashMap<String, CommandTypes>,
    command_docs: HashMap<String, String>,
    chunk_types: HashMap<String, fn(&mut Registry) -> Value>,
    result_types: HashMap<String, fn(&mut Registry) -> Value>,
    backend_name: Option<String>,
    ready_event: String,
    ready_data: Value,
    cancel_method: String,
    max_line_bytes: usize,
    shutdown_timeout: Duration,
    handle_signals: bool,
    max_in_flight: usize,
    max_queued: usize,
    max_output_bytes: usize,
    max_blocking_threads: usize,
    worker_threads: Option<usize>,
    #[cfg(unix)]
    socket_access: SocketAccess,
    hub: Arc<Hub>,
    shutdown: CancellationToken,
    on_connect: Option<Box<ConnectHook>>,
    on_disconnect: Option<Box<DisconnectHook>>,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut methods: Vec<&String> = self.handlers.keys().collect();
        methods.sort();
        f.debug_struct("Server")
            .field("methods", &methods)
            .field("ready_event", &self.ready_event)
            .field("cancel_method", &self.cancel_method)
            .field("max_line_bytes", &self.max_line_bytes)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("handle_signals", &self.handle_signals)
            .field("max_in_flight", &self.max_in_flight)
            .field("max_queued", &self.max_queued)
            .field("max_output_bytes", &self.max_output_bytes)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("worker_threads", &self.worker_threads)
            .field("socket_access", &self.socket_access)
            .field("on_connect", &self.on_connect.is_some())
            .field("on_disconnect", &self.on_disconnect.is_some())
            .finish()
    }
}

impl Server {
    /// A server with no handlers and the defaults: ready event `"ready"`
    /// with data `{}`, cancel method `"$/cancel"`, lines up to
    /// [`DEFAULT_MAX_LINE_BYTES`], [`DEFAULT_SHUTDOWN_TIMEOUT`], the
    /// default limits, and SIGTERM/SIGINT handling on.
    pub fn new() -> Server {
        Server {
            handlers: HashMap::new(),
            command_types: HashMap::new(),
            command_docs: HashMap::new(),
            chunk_types: HashMap::new(),
            result_types: HashMap::new(),
            backend_name: None,
            ready_event: "ready".to_owned(),
            ready_data: Value::Object(Default::default()),
            cancel_method: "$/cancel".to_owned(),
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            handle_signals: true,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_queued: DEFAULT_MAX_QUEUED,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
            worker_threads: None,
            #[cfg(unix)]
            socket_access: SocketAccess::default(),
            hub: Arc::new(Hub::default()),
            shutdown: CancellationToken::new(),
            on_connect: None,
            on_disconnect: None,
        }
    }

    /// Name of the event sent first on every connection, telling the client
    /// that the backend is up (the client's `readyEventName`).
    pub fn ready_event(mut self, name: impl Into<String>) -> Server {
        self.ready_event = name.into();
        self
    }

    /// Data carried by the ready event, e.g. `json!({"version": "1.2.0"})`.
    /// Defaults to `{}`. Data that fails to serialize is logged and ignored.
    pub fn ready_data<T: Serialize>(mut self, data: T) -> Server {
        match serde_json::to_value(data) {
            Ok(v) => self.ready_data = v,
            Err(e) => log::error!("ready_data ignored: {}", e),
        }
        self
    }

    /// Method name of cancel requests (the client's `cancelMethod`).
    /// A request `{"id":"7","method":"$/cancel","params":{"id":"3"}}`
    /// cancels request `"3"` of the same connection (running or still
    /// waiting for a slot) and is answered at once with `result: null`,
    /// whether or not `"3"` was still there. The reader handles it, so it is
    /// never queued behind handlers. An empty name turns the feature off
    /// (the method is then unknown like any other unregistered name). The
    /// cancel method takes precedence over a handler of the same name.
    pub fn cancel_method(mut self, name: impl Into<String>) -> Server {
        self.cancel_method = name.into();
        self
    }

    /// Longest accepted request line in bytes, without the `\n`
    /// (default [`DEFAULT_MAX_LINE_BYTES`]). A longer line is skipped while
    /// it is read, never held whole in memory, and logged; it is answered
    /// with an error only if its id can be read from its first bytes
    /// (`{"id":"...",` at the very start). Outbound lines are not limited.
    /// Values below 1 are treated as 1.
    pub fn max_line_bytes(mut self, bytes: usize) -> Server {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// The grace period: how long synchronous handlers may take to return
    /// after the input ended (EOF, SIGTERM, [`ShutdownHandle::shutdown`])
    /// and their tokens were cancelled. Everything else is cancelled and
    /// answered at once, without waiting. Draining the output takes at most
    /// one second more. Default [`DEFAULT_SHUTDOWN_TIMEOUT`].
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Server {
        self.shutdown_timeout = timeout;
        self
    }

    /// Whether the `serve_*` methods (except `serve_io*`) turn SIGTERM and
    /// SIGINT into a graceful shutdown (default true); a second signal then
    /// exits at once. Turn it off when the embedding program handles
    /// signals itself; a [`ShutdownHandle`] works either way. Once
    /// installed, the handlers stay for the life of the process (tokio
    /// never removes them): after `serve_*` returned, these signals are
    /// caught and ignored.
    pub fn handle_signals(mut self, enabled: bool) -> Server {
        self.handle_signals = enabled;
        self
    }

    /// Requests one connection may have running at once (default
    /// [`DEFAULT_MAX_IN_FLIGHT`]). Further requests wait in a queue of
    /// [`max_queued`](Self::max_queued) entries, where they can still be
    /// cancelled. Values below 1 are treated as 1.
    pub fn max_in_flight(mut self, requests: usize) -> Server {
        self.max_in_flight = requests.clamp(1, u32::MAX as usize / 4);
        self
    }

    /// Requests one connection may have waiting for a slot (default
    /// [`DEFAULT_MAX_QUEUED`]). When the queue is full the connection stops
    /// reading until a request finishes: the client's writes then block or
    /// buffer on its side (backpressure).
    pub fn max_queued(mut self, requests: usize) -> Server {
        self.max_queued = requests.min(u32::MAX as usize / 4);
        self
    }

    /// Output one connection may have queued and not yet written (default
    /// [`DEFAULT_MAX_OUTPUT_BYTES`]). Beyond it, handlers wait for room
    /// (`send_chunk` blocks, `send_chunk_async` waits, responses wait), and
    /// broadcast events for that client are dropped and counted (see
    /// [`EventEmitter`]). A single line longer than the budget still goes
    /// out, alone.
    pub fn max_output_bytes(mut self, bytes: usize) -> Server {
        self.max_output_bytes = bytes.max(1);
        self
    }

    /// Synchronous handlers that may run at once, over all connections
    /// (default [`DEFAULT_MAX_BLOCKING_THREADS`]): each occupies a worker
    /// thread of the blocking pool while it runs. More wait in a queue; one
    /// cancelled meanwhile is answered `cancelled` when its turn comes,
    /// without running. Slow or waiting work belongs in async handlers,
    /// which cost no thread. Values below 1 are treated as 1.
    pub fn max_blocking_threads(mut self, threads: usize) -> Server {
        self.max_blocking_threads = threads.max(1);
        self
    }

    /// Mode of the socket file [`serve_unix_socket`](Self::serve_unix_socket)
    /// creates (default `0o600`: owner only), e.g. `0o660` together with
    /// [`socket_group`](Self::socket_group) to let a group connect. Only
    /// the permission bits (`0o777`) are used. The file has this mode from
    /// the moment it appears at the path. Unix only.
    #[cfg(unix)]
    pub fn socket_mode(mut self, mode: u32) -> Server {
        self.socket_access.mode = mode & 0o777;
        self
    }

    /// Group of the socket file, by numeric id (the process must be allowed
    /// to give its files that group: root, or a member of the group). See
    /// [`socket_group_name`](Self::socket_group_name) for names. Unix only.
    #[cfg(unix)]
    pub fn socket_group(mut self, gid: u32) -> Server {
        self.socket_access.group = Some(gid);
        self
    }

    /// [`socket_group`](Self::socket_group) by name, looked up with
    /// `getgrnam_r`; an unknown name is an error. Unix only.
    #[cfg(unix)]
    pub fn socket_group_name(self, name: &str) -> io::Result<Server> {
        let gid = crate::socket::group_id(name)?;
        Ok(self.socket_group(gid))
    }

    /// Worker threads of the runtime the plain `serve_*` methods start
    /// (default: one per CPU core). No effect on the `*_async` variants.
    pub fn worker_threads(mut self, threads: usize) -> Server {
        self.worker_threads = Some(threads.max(1));
        self
    }

    /// Registers a synchronous handler for `method`. It gets the request's
    /// `params` (`null` when absent) and the request [`Context`], and
    /// returns the result, or an [`Error`] sent as
    /// `{"success":false,"error":..}` (plus `errorCode`/`errorData` when
    /// set). `?` converts strings, I/O, serde and boxed errors into it (see
    /// [`Error`]); a `String` message is returned as `Err(msg.into())`. It runs on the blocking pool (see
    /// [`max_blocking_threads`](Self::max_blocking_threads)), so it may
    /// block; long waits should use [`Context::cancelled_wait`].
    ///
    /// A panic inside the handler is caught and answered with the error
    /// `handler panicked: <message>`; the server keeps serving.
    /// Registering the same name again replaces the earlier handler.
    pub fn handler<F>(self, method: impl Into<String>, f: F) -> Server
    where
        F: Fn(Value, &Context) -> Result<Value, Error> + Send + Sync + 'static,
    {
        self.register(method.into(), untyped(false), Run::Blocking(untyped_sync(f)))
    }

    /// Registers a synchronous handler whose params and result are typed.
    /// The params are deserialized into `P` first; when they don't fit, the
    /// client gets the error `invalid params: <serde message>` and `f` is
    /// not called. Absent or `null` params deserialize as `null`, and, if
    /// `P` does not accept `null`, as `{}` (so a struct whose fields all
    /// have defaults needs no params). The result is serialized straight
    /// from `R` into the response line (no `Value` in between), so struct
    /// fields keep their declaration order.
    ///
    /// The types can be given by annotating the closure (`|p: Add, _ctx|`)
    /// or with a turbofish: `.typed_handler::<Add, i64>("add", f)`.
    pub fn typed_handler<P, R>(
        self,
        method: impl Into<String>,
        f: impl Fn(P, &Context) -> Result<R, Error> + Send + Sync + 'static,
    ) -> Server
    where
        P: DeserializeOwned + Describe,
        R: Serialize + Describe,
    {
        self.register(method.into(), typed::<P, R>(false), Run::Blocking(typed_sync(f)))
    }

    /// Registers a synchronous streaming handler: it may call
    /// [`Context::send_chunk`] any number of times, each becoming
    /// `{"id":..,"stream":true,"data":..}`, and its return value becomes the
    /// final response, sent after all chunks. Otherwise the same as
    /// [`handler`](Self::handler).
    pub fn stream_handler<F>(self, method: impl Into<String>, f: F) -> Server
    where
        F: Fn(Value, &Context) -> Result<Value, Error> + Send + Sync + 'static,
    {
        self.register(method.into(), untyped(true), Run::Blocking(untyped_sync(f)))
    }

    /// A synchronous streaming handler with typed params and result,
    /// converted like in [`typed_handler`](Self::typed_handler); chunks are
    /// any `Serialize` value passed to [`Context::send_chunk`].
    pub fn typed_stream_handler<P, R>(
        self,
        method: impl Into<String>,
        f: impl Fn(P, &Context) -> Result<R, Error> + Send + Sync + 'static,
    ) -> Server
    where
        P: DeserializeOwned + Describe,
        R: Serialize + Describe,
    {
        self.register(method.into(), typed::<P, R>(true), Run::Blocking(typed_sync(f)))
    }

    /// Registers an async handler: `f` gets the params and an owned
    /// [`Context`] and returns a future, which runs as a task on the
    /// runtime's workers. When the request is cancelled (by the client, at
    /// shutdown, or when the connection breaks or ends) its token is
    /// cancelled and the future is dropped; the client gets the error
    /// `cancelled` (at shutdown `cancelled: server shutting down`). A panic is answered like in [`handler`](Self::handler).
    ///
    /// ```no_run
    /// # use qrustbridge::Server;
    /// # use qrustbridge::serde_json::json;
    /// Server::new().async_handler("sleep", |params, _ctx| async move {
    ///     let ms = params["ms"].as_u64().unwrap_or(0);
    ///     tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    ///     Ok(json!({ "slept": ms }))
    /// });
    /// ```
    pub fn async_handler<F, Fut>(self, method: impl Into<String>, f: F) -> Server
    where
        F: Fn(Value, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, Error>> + Send + 'static,
    {
        self.register(method.into(), untyped(false), Run::Async(untyped_async(f)))
    }

    /// [`async_handler`](Self::async_handler) with typed params and result,
    /// converted like in [`typed_handler`](Self::typed_handler).
    pub fn async_typed_handler<P, R, F, Fut>(self, method: impl Into<String>, f: F) -> Server
    where
        P: DeserializeOwned + Describe,
        R: Serialize + Describe,
        F: Fn(P, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
    {
        self.register(method.into(), typed::<P, R>(false), Run::Async(typed_async(f)))
    }

    /// An async streaming handler: sends chunks with
    /// [`Context::send_chunk_async`]; otherwise like
    /// [`async_handler`](Self::async_handler).
    pub fn async_stream_handler<F, Fut>(self, method: impl Into<String>, f: F) -> Server
    where
        F: Fn(Value, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, Error>> + Send + 'static,
    {
        self.register(method.into(), untyped(true), Run::Async(untyped_async(f)))
    }

    /// The typed variant of [`async_stream_handler`](Self::async_stream_handler).
    pub fn async_typed_stream_handler<P, R, F, Fut>(self, method: impl Into<String>, f: F) -> Server
    where
        P: DeserializeOwned + Describe,
        R: Serialize + Describe,
        F: Fn(P, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
    {
        self.register(method.into(), typed::<P, R>(true), Run::Async(typed_async(f)))
    }

    /// Registers a handler that answers later, through a [`Responder`] it
    /// may move into another thread or task: `f` gets the params
    /// (deserialized into `P` like in [`typed_handler`](Self::typed_handler);
    /// `P = Value` takes them as they are) and the responder, and returns
    /// at once. It runs on the blocking pool like a synchronous handler.
    ///
    /// The client gets exactly one response: the responder's answer, or
    /// `cancelled` if the request is cancelled first, or an error if the
    /// responder is dropped without answering (see [`Responder`]).
    ///
    /// ```no_run
    /// # use qrustbridge::{Responder, Server};
    /// # use qrustbridge::serde_json::{json, Value};
    /// Server::new().deferred_handler("later", |_params: Value, responder: Responder| {
    ///     std::thread::spawn(move || {
    ///         // ... long work, or waiting for something else ...
    ///         responder.ok(json!({ "done": true }));
    ///     });
    /// });
    /// ```
    pub fn deferred_handler<P, F>(self, method: impl Into<String>, f: F) -> Server
    where
        P: DeserializeOwned + Describe,
        F: Fn(P, Responder) + Send + Sync + 'static,
    {
        let wrapped = move |params: Value, responder: Responder| match deserialize_params::<P>(params) {
            Ok(typed) => f(typed, responder),
            Err(e) => {
                responder.err(e);
            }
        };
        self.register(method.into(), typed::<P, Value>(false), Run::Deferred(Box::new(wrapped)))
    }

    /// Runs `hook` for every new client before it gets its ready event, with
    /// its [`ClientHandle`]: who it is ([`ClientHandle::credentials`]: uid,
    /// gid and pid of a Unix socket peer via `SO_PEERCRED`; for stdio the
    /// parent process) and a handle to send it events later. Returning
    /// `Err` refuses the client: it gets nothing, not even the ready event,
    /// its connection is closed, and the reason is logged (for stdio,
    /// `serve_stdio` then returns a `PermissionDenied` error). A panic in
    /// the hook refuses the client too.
    ///
    /// It runs on the connection's task: keep it short (no blocking I/O).
    ///
    /// ```no_run
    /// # use qrustbridge::{Error, Server};
    /// Server::new().on_connect(|client| match client.credentials() {
    ///     Some(peer) if peer.uid == 0 || peer.uid == 1000 => Ok(()),
    ///     other => Err(Error::new(format!("not allowed: {:?}", other))),
    /// });
    /// ```
    pub fn on_connect<F>(mut self, hook: F) -> Server
    where
        F: Fn(&ClientHandle) -> Result<(), Error> + Send + Sync + 'static,
    {
        self.on_connect = Some(Box::new(hook));
        self
    }

    /// Runs `hook` when a client that [`on_connect`](Self::on_connect)
    /// accepted is gone: after its input ended, its requests finished or
    /// were cancelled, and its output was drained. Its
    /// [`ClientHandle::is_connected`] is false by then.
    pub fn on_disconnect<F>(mut self, hook: F) -> Server
    where
        F: Fn(&ClientHandle) + Send + Sync + 'static,
    {
        self.on_disconnect = Some(Box::new(hook));
        self
    }

    fn register(mut self, method: String, types: CommandTypes, run: Run) -> Server {
        let handler = Handler { name: Arc::from(method.as_str()), streaming: types.streaming, run };
        self.command_types.insert(method.clone(), types);
        self.handlers.insert(method, Arc::new(handler));
        self
    }

    /// Sets the documentation of `method` in the description (the
    /// command's `doc`; the generated C++ shows it on the command struct).
    /// It may be called before or after the handler is registered.
    pub fn command_doc(mut self, method: impl Into<String>, text: impl Into<String>) -> Server {
        self.command_docs.insert(method.into(), text.into());
        self
    }

    /// Declares the type of the chunks the streaming command `method`
    /// sends, for the description (without it, chunks are described as
    /// `"json"`). It checks nothing at run time: the chunks are whatever
    /// the handler passes to [`Context::send_chunk`].
    ///
    /// ```no_run
    /// # use qrustbridge::{Describe, Server};
    /// # use serde::{Deserialize, Serialize};
    /// #[derive(Serialize, Describe)]
    /// struct Tick { i: u64 }
    ///
    /// Server::new()
    ///     .typed_stream_handler("count", |n: u64, ctx| {
    ///         for i in 0..n {
    ///             ctx.send_chunk(Tick { i });
    ///         }
    ///         Ok(n)
    ///     })
    ///     .chunk_type::<Tick>("count");
    /// ```
    pub fn chunk_type<C: Describe + ?Sized>(mut self, method: impl Into<String>) -> Server {
        self.chunk_types.insert(method.into(), describer::<C>());
        self
    }

    /// Declares the result type of `method` for the description, where the
    /// handler cannot say it: a [`deferred_handler`](Self::deferred_handler)
    /// answers through its [`Responder`] with any value, so its result is
    /// `"json"` unless declared here. It overrides the handler's own type.
    pub fn result_type<R: Describe + ?Sized>(mut self, method: impl Into<String>) -> Server {
        self.result_types.insert(method.into(), describer::<R>());
        self
    }

    /// The backend's name in the description (default: the program's
    /// file name, without `.exe`).
    pub fn backend_name(mut self, name: impl Into<String>) -> Server {
        self.backend_name = Some(name.into());
        self
    }

    /// The description of this server's commands and their types, as
    /// `--describe` prints it and `$/describe` returns it (see
    /// docs/contract.md, "The description"). Commands and types are sorted
    /// by name, so the same commands always give the same `schema`.
    ///
    /// Problems such as two Rust types with the same name are logged; see
    /// [`describe::Registry::errors`].
    pub fn description(&self) -> Value {
        let (description, errors) = self.description_and_errors();
        for error in errors {
            log::error!("description: {}", error);
        }
        description
    }

    fn description_and_errors(&self) -> (Value, Vec<String>) {
        let backend = match &self.backend_name {
            Some(name) => name.clone(),
            None => describe::default_backend_name(),
        };
        let set = describe::CommandSet {
            backend: &backend,
            commands: self.command_types.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
            docs: &self.command_docs,
            chunks: &self.chunk_types,
            results: &self.result_types,
        };
        describe::build(&set)
    }

    /// `--describe` on the command line: print the description as one
    /// line and exit with status 0 (1 if it has errors), before serving.
    fn answer_describe_flag(&self) {
        if !std::env::args_os().skip(1).any(|arg| arg == "--describe") {
            return;
        }
        let (description, errors) = self.description_and_errors();
        if !errors.is_empty() {
            for error in errors {
                let _ = writeln!(io::stderr(), "--describe: {}", error);
            }
            std::process::exit(1);
        }
        let mut out = io::stdout().lock();
        let written = serde_json::to_writer(&mut out, &description)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
            .and_then(|_| out.flush());
        std::process::exit(if written.is_ok() { 0 } else { 1 });
    }

    /// A handle for emitting events from any thread or task, valid for the
    /// whole life of this server; see [`EventEmitter`] for where events go.
    pub fn event_emitter(&self) -> EventEmitter {
        EventEmitter { hub: self.hub.clone() }
    }

    /// A handle for stopping the `serve_*` methods (except `serve_io*`)
    /// from another thread or task.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle { token: self.shutdown.clone() }
    }

    fn into_shared(mut self) -> (Arc<Shared>, CancellationToken, bool) {
        let description = self.description();
        let schema = description["schema"].clone();
        match &mut self.ready_data {
            Value::Object(members) => {
                members.insert("schema".to_owned(), schema);
            }
            Value::Null => self.ready_data = serde_json::json!({ "schema": schema }),
            _ => log::warn!("ready_data is not an object: the ready event carries no schema"),
        }
        let ready_line = wire::event_line(&self.ready_event, &self.ready_data)
            .unwrap_or_else(|_| wire::event_line(&self.ready_event, &Value::Null).unwrap_or_default());
        let shared = Arc::new(Shared {
            handlers: self.handlers,
            ready_line,
            description,
            cancel_method: self.cancel_method,
            max_line_bytes: self.max_line_bytes,
            grace: self.shutdown_timeout,
            max_in_flight: self.max_in_flight as u32,
            max_queued: self.max_queued as u32,
            max_output_bytes: self.max_output_bytes,
            lane: crate::lane::Lane::new(self.max_blocking_threads),
            hub: self.hub,
            on_connect: self.on_connect,
            on_disconnect: self.on_disconnect,
        });
        (shared, self.shutdown, self.handle_signals)
    }

    fn runtime(&self) -> io::Result<Runtime> {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder
            .enable_all()
            .thread_name("qrustbridge")
            // Room for the file fallback of stdio and tokio's own use.
            .max_blocking_threads(self.max_blocking_threads + 8);
        if let Some(n) = self.worker_threads {
            builder.worker_threads(n);
        }
        builder.build()
    }

    /// Runs `fut` (made from `self`) on a fresh runtime; returns without
    /// waiting for handlers that ignore cancellation.
    fn run<F, Fut>(self, make: F) -> io::Result<()>
    where
        F: FnOnce(Server) -> Fut,
        Fut: Future<Output = io::Result<()>> + Send + 'static,
    {
        let runtime = self.runtime()?;
        // Spawned rather than run by `block_on` on this thread: tasks that
        // the reader spawns then stay on its worker (no cross-thread wake).
        let served = runtime.spawn(make(self));
        let result = runtime.block_on(served).unwrap_or_else(|e| Err(io::Error::new(io::ErrorKind::Other, e)));
        runtime.shutdown_background();
        result
    }

    /// Serves a single client over the given blocking streams: sends the
    /// ready event, answers requests read from `input` on `output` until
    /// `input` ends, then shuts down like [`serve_stdio`](Self::serve_stdio)
    /// at stdin EOF (every request cancelled at once, synchronous handlers
    /// get the grace period), flushes and returns. Signals and [`ShutdownHandle`] are not involved.
    ///
    /// Use it to unit-test handlers in memory or to serve a transport of
    /// your own; [`serve_io_async`](Self::serve_io_async) takes tokio
    /// streams instead. Two helper threads copy between the blocking
    /// streams and the runtime. Returns the error that ended reading, if
    /// any. Unix only (the streams are bridged through socket pairs);
    /// elsewhere use `serve_io_async`.
    #[cfg(unix)]
    pub fn serve_io<R, W>(self, input: R, output: W) -> io::Result<()>
    where
        R: Read + Send + 'static,
        W: Write + Send + 'static,
    {
        self.answer_describe_flag();
        let (to_runtime, runtime_input) = StdUnixStream::pair()?;
        let (runtime_output, from_runtime) = StdUnixStream::pair()?;
        std::thread::Builder::new().name("qrustbridge-input".into()).spawn(move || pump_in(input, to_runtime))?;
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new().name("qrustbridge-output".into()).spawn(move || {
            pump_out(from_runtime, output);
            let _ = done_tx.send(());
        })?;
        let grace = self.shutdown_timeout;
        let result = self.run(|server| async move {
            let input = tokio_unix_stream(runtime_input)?;
            let output = tokio_unix_stream(runtime_output)?;
            server.serve_io_async(input, output).await
        });
        // The runtime side of the output is closed now; wait for the copy.
        if done_rx.recv_timeout(grace.max(Duration::from_secs(1))).is_err() {
            log::warn!("output did not drain in time");
        }
        result
    }

    /// [`serve_io`](Self::serve_io) inside an existing tokio runtime, over
    /// any async streams.
    pub async fn serve_io_async<R, W>(self, input: R, output: W) -> io::Result<()>
    where
        R: AsyncRead + Unpin + Send,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        self.answer_describe_flag();
        let (shared, _, _) = self.into_shared();
        let peer = Peer { transport: Transport::Io, credentials: None, address: None };
        serve_connection(shared, input, output, CancellationToken::new(), peer).await
    }

    /// Serves the parent process over stdin/stdout until stdin reaches EOF
    /// or shutdown is requested (SIGTERM, SIGINT, [`ShutdownHandle`]);
    /// then every request is cancelled at once (async handlers dropped,
    /// requests not yet started never start, all answered
    /// `cancelled: server shutting down`), synchronous handlers get the
    /// grace period ([`shutdown_timeout`](Self::shutdown_timeout)) to
    /// return, output is flushed and `Ok(())` is returned, so `main` can
    /// simply end (exit status 0). A second signal exits at once.
    ///
    /// Stdout belongs to the protocol, and is protected: the protocol goes
    /// to a private duplicate of file descriptor 1, and fd 1 is pointed at
    /// stderr, so a stray `println!` anywhere in the process lands on
    /// stderr instead of corrupting the protocol. Output printed before
    /// this call still goes to the real stdout.
    pub fn serve_stdio(self) -> io::Result<()> {
        self.answer_describe_flag();
        self.run(|server| server.serve_stdio_async())
    }

    /// [`serve_stdio`](Self::serve_stdio) inside an existing tokio runtime.
    pub async fn serve_stdio_async(self) -> io::Result<()> {
        self.answer_describe_flag();
        let (input, output) = crate::stdio::take_stdio()?;
        let (shared, stop, signals) = self.into_shared();
        let watcher = if signals { Some(watch_signals(stop.clone())?) } else { None };
        let peer =
            Peer { transport: Transport::Stdio, credentials: Some(PeerCredentials::of_parent()), address: None };
        let result = serve_connection(shared, input, output, stop, peer).await;
        if let Some(w) = watcher {
            w.abort();
        }
        result
    }

    /// Runs as a daemon on a Unix domain socket at `path`, serving any
    /// number of clients concurrently until SIGTERM, SIGINT or
    /// [`ShutdownHandle::shutdown`].
    ///
    /// * The socket file gets mode 0600 (owner only; see
    ///   [`socket_mode`](Self::socket_mode) and
    ///   [`socket_group`](Self::socket_group)) without a moment of looser
    ///   permissions and without touching the process's umask: it is bound
    ///   in a private directory and renamed into place.
    /// * `<path>.lock` is locked (`flock`) while the server runs: a second
    ///   server on the same path fails with `AddrInUse`. A socket file left
    ///   by a server that died is replaced; a path that is not a socket is
    ///   an error (`AlreadyExists`).
    /// * Each client gets its own ready event on connect, only its own
    ///   responses, chunks and `Context` events, and can cancel only its own
    ///   requests; [`EventEmitter`] events go to all clients.
    /// * On shutdown the socket file and the lock file are removed, every
    ///   client's input stops being read and its requests are cancelled
    ///   as in [`serve_stdio`](Self::serve_stdio) (synchronous handlers get
    ///   the grace period).
    ///
    /// systemd: when started by socket activation (`LISTEN_PID` is this
    /// process and `LISTEN_FDS` ≥ 1), the passed socket (fd 3) is served
    /// instead of binding `path` (no lock, the file is systemd's). With
    /// `NOTIFY_SOCKET` set, `READY=1` is sent once listening and
    /// `STOPPING=1` when shutdown begins (`Type=notify` services; TCP
    /// daemons notify too).
    ///
    /// Prints `listening on <path>` to stderr once bound. Unix only.
    #[cfg(unix)]
    pub fn serve_unix_socket(self, path: impl AsRef<Path>) -> io::Result<()> {
        self.answer_describe_flag();
        let path = path.as_ref().to_owned();
        self.run(|server| server.serve_unix_socket_async(path))
    }

    /// [`serve_unix_socket`](Self::serve_unix_socket) inside an existing
    /// tokio runtime. Unix only.
    #[cfg(unix)]
    pub async fn serve_unix_socket_async(self, path: impl AsRef<Path>) -> io::Result<()> {
        self.answer_describe_flag();
        let path = path.as_ref();
        let access = self.socket_access.clone();
        let (shared, stop, signals) = self.into_shared();
        let watcher = if signals { Some(watch_signals(stop.clone())?) } else { None };
        // Socket activation: systemd owns the file (and its mode); no lock.
        let (listener, socket_file) = match crate::systemd::activated_listener()? {
            Some(listener) => {
                log::info!("serving the socket passed by systemd (LISTEN_FDS)");
                (listener, None)
            }
            None => {
                let (listener, file) = bind_unix(path, &access)?;
                (listener, Some(file))
            }
        };
        listener.set_nonblocking(true)?;
        let listener = tokio::net::UnixListener::from_std(listener)?;
        announce(&path.display().to_string());
        let result = serve_listener(shared, Listener::Unix(listener), socket_file, stop).await;
        if let Some(w) = watcher {
            w.abort();
        }
        result
    }

    /// Runs as a daemon on a TCP address, e.g. `"127.0.0.1:0"` (port 0
    /// picks a free port), with the same framing and per-client behaviour
    /// as [`serve_unix_socket`](Self::serve_unix_socket).
    ///
    /// Plain TCP has neither authentication nor encryption: bind to
    /// loopback only. If remote access is needed, terminate TLS and
    /// authenticate in front of it (a reverse proxy or an SSH tunnel).
    /// A non-loopback address is accepted but warned about.
    ///
    /// Prints `listening on <ip>:<port>` (the actual port) to stderr once
    /// bound, so that a parent can read the port when it passed port 0.
    pub fn serve_tcp(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.answer_describe_flag();
        let listener = std::net::TcpListener::bind(addr)?;
        self.run(|server| server.serve_tcp_listener(listener))
    }

    /// [`serve_tcp`](Self::serve_tcp) inside an existing tokio runtime.
    pub async fn serve_tcp_async(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.answer_describe_flag();
        let listener = std::net::TcpListener::bind(addr)?;
        self.serve_tcp_listener(listener).await
    }

    async fn serve_tcp_listener(self, listener: std::net::TcpListener) -> io::Result<()> {
        let (shared, stop, signals) = self.into_shared();
        let watcher = if signals { Some(watch_signals(stop.clone())?) } else { None };
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            log::warn!("plain TCP on non-loopback address {}: no authentication, no encryption", local);
        }
        announce(&local.to_string());
        let result = serve_listener(shared, Listener::Tcp(listener), None, stop).await;
        if let Some(w) = watcher {
            w.abort();
        }
        result
    }
}

/// `listening on <where>` on stderr: meant to be parsed, so written
/// directly rather than through the logger.
fn announce(address: &str) {
    let _ = writeln!(io::stderr(), "listening on {}", address);
}

#[cfg(unix)]
fn tokio_unix_stream(s: StdUnixStream) -> io::Result<tokio::net::UnixStream> {
    s.set_nonblocking(true)?;
    tokio::net::UnixStream::from_std(s)
}

#[cfg(unix)]
fn pump_in<R: Read>(mut input: R, mut to_runtime: StdUnixStream) {
    let _ = io::copy(&mut input, &mut to_runtime);
    let _ = to_runtime.shutdown(std::net::Shutdown::Write);
}

#[cfg(unix)]
fn pump_out<W: Write>(mut from_runtime: StdUnixStream, mut output: W) {
    let _ = io::copy(&mut from_runtime, &mut output);
    let _ = output.flush();
}

/// The types of an untyped handler: JSON in, JSON out.
fn untyped(streaming: bool) -> CommandTypes {
    CommandTypes { streaming, params: describe::json_type, result: describe::json_type }
}

/// The types of a typed handler.
fn typed<P: Describe, R: Describe>(streaming: bool) -> CommandTypes {
    CommandTypes { streaming, params: describer::<P>(), result: describer::<R>() }
}

/// Wraps an untyped synchronous handler: its `Value` result is serialized
/// into the response line.
fn untyped_sync<F>(f: F) -> Box<SyncFn>
where
    F: Fn(Value, &Context) -> Result<Value, Error> + Send + Sync + 'static,
{
    Box::new(move |params: Value, ctx: &Context| -> Reply { f(params, ctx).map(|v| wire::ok_line(ctx.id(), &v)) })
}

/// Wraps an untyped async handler.
fn untyped_async<F, Fut>(f: F) -> Box<AsyncFn>
where
    F: Fn(Value, Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, Error>> + Send + 'static,
{
    Box::new(move |params: Value, ctx: Context| -> BoxReply {
        let id = ctx.shared_id();
        let fut = f(params, ctx);
        Box::pin(async move { fut.await.map(|v| wire::ok_line(&id, &v)) })
    })
}
