//! The [`Server`] builder.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{TcpListener, ToSocketAddrs};
use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::connection::{run_connection, Entry, Shared};
use crate::context::Context;
use crate::events::{EventEmitter, Hub};
use crate::net::{bind_unix, serve_listener, Listener};
use crate::pool::Pool;
use crate::shutdown::{ShutdownGuard, ShutdownHandle, ShutdownState, StdinReader, StdoutWriter};
use crate::util::log;
use crate::watchdog::Watchdog;

/// Default for [`Server::max_line_bytes`]: 50 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 50 * 1024 * 1024;

/// Default for [`Server::shutdown_timeout`]: 2 seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

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
/// Threads: a handler runs on the thread that read its request, so quick
/// requests cost no thread hand-off. When a handler blocks for more than
/// about a millisecond (or computes for more than 20 ms), reading moves on
/// to another thread, and later calls of that method start on their own
/// threads right away. A slow request therefore never holds up a quick
/// one, and a flood of quick requests never creates a flood of threads.
/// Handlers must be `Send + Sync`: several may run at once.
#[must_use = "a Server does nothing until one of its serve_* methods is called"]
pub struct Server {
    handlers: HashMap<String, Arc<Entry>>,
    ready_event: String,
    ready_data: Value,
    cancel_method: String,
    max_line_bytes: usize,
    shutdown_timeout: Duration,
    handle_signals: bool,
    hub: Arc<Hub>,
    shutdown: Arc<ShutdownState>,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

impl Server {
    /// A server with no handlers and the defaults: ready event `"ready"`
    /// with data `{}`, cancel method `"$/cancel"`, lines up to
    /// [`DEFAULT_MAX_LINE_BYTES`], [`DEFAULT_SHUTDOWN_TIMEOUT`], and
    /// SIGTERM/SIGINT handling on.
    pub fn new() -> Server {
        Server {
            handlers: HashMap::new(),
            ready_event: "ready".to_owned(),
            ready_data: Value::Object(Default::default()),
            cancel_method: "$/cancel".to_owned(),
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            handle_signals: true,
            hub: Arc::new(Hub::default()),
            shutdown: Arc::new(ShutdownState::default()),
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
            Err(e) => log(&format!("ready_data ignored: {}", e)),
        }
        self
    }

    /// Method name of cancel requests (the client's `cancelMethod`).
    /// A request `{"id":"7","method":"$/cancel","params":{"id":"3"}}` sets
    /// the cancellation flag of running request `"3"` on the same
    /// connection and is answered at once with `result: null`, whether or
    /// not `"3"` was still running. An empty name turns the feature off
    /// (the method is then unknown like any other unregistered name).
    /// The cancel method takes precedence over a handler of the same name.
    pub fn cancel_method(mut self, name: impl Into<String>) -> Server {
        self.cancel_method = name.into();
        self
    }

    /// Longest accepted request line in bytes, without the `\n`
    /// (default [`DEFAULT_MAX_LINE_BYTES`]). A longer line is skipped while
    /// it is read, never held whole in memory, and logged to stderr; it is
    /// answered with an error only if its id can be read from its first
    /// bytes (`{"id":"...",` at the very start). Outbound lines are not
    /// limited. Values below 1 are treated as 1.
    pub fn max_line_bytes(mut self, bytes: usize) -> Server {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// How long running requests may take to finish after the input ended
    /// (EOF, SIGTERM, [`ShutdownHandle::shutdown`]) before they are
    /// cancelled and the connection is closed anyway; the same bound
    /// applies to draining the output. Default [`DEFAULT_SHUTDOWN_TIMEOUT`].
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Server {
        self.shutdown_timeout = timeout;
        self
    }

    /// Whether `serve_stdio`, `serve_unix_socket` and `serve_tcp` turn
    /// SIGTERM and SIGINT into a graceful shutdown (default true). Turn it
    /// off when the embedding program handles signals itself; a
    /// [`ShutdownHandle`] works either way. Once a `serve_*` call returned,
    /// its handlers are unregistered but SIGTERM stays caught (it is then
    /// ignored), so a program that keeps running should restore the default
    /// disposition itself if it needs to.
    pub fn handle_signals(mut self, enabled: bool) -> Server {
        self.handle_signals = enabled;
        self
    }

    /// Registers a handler for `method`. It gets the request's `params`
    /// (`null` when absent) and the request [`Context`], and returns the
    /// result, or an error message sent as `{"success":false,"error":..}`.
    ///
    /// A panic inside the handler is caught and answered with the error
    /// `handler panicked: <message>`; the server keeps serving.
    /// Registering the same name again replaces the earlier handler.
    pub fn handler<F>(self, method: impl Into<String>, f: F) -> Server
    where
        F: Fn(Value, &Context) -> Result<Value, String> + Send + Sync + 'static,
    {
        self.register(method.into(), false, Box::new(f))
    }

    /// Registers a handler whose params and result are typed. The params
    /// are deserialized into `P` first; when they don't fit, the client gets
    /// the error `invalid params: <serde message>` and `f` is not called.
    /// Absent or `null` params deserialize as `null`, and, if `P` does not
    /// accept `null`, as `{}` (so a struct whose fields all have defaults
    /// needs no params). The result is serialized from `R`.
    ///
    /// The types can be given by annotating the closure (`|p: Add, _ctx|`)
    /// or with a turbofish: `.typed_handler::<Add, i64>("add", f)`.
    pub fn typed_handler<P, R>(
        self,
        method: impl Into<String>,
        f: impl Fn(P, &Context) -> Result<R, String> + Send + Sync + 'static,
    ) -> Server
    where
        P: DeserializeOwned,
        R: Serialize,
    {
        let wrapped = move |params: Value, ctx: &Context| -> Result<Value, String> {
            let typed: P = deserialize_params(params)?;
            let result = f(typed, ctx)?;
            serde_json::to_value(result).map_err(|e| format!("cannot serialize result: {}", e))
        };
        self.register(method.into(), false, Box::new(wrapped))
    }

    /// Registers a streaming handler: it may call
    /// [`Context::send_chunk`] any number of times, each becoming
    /// `{"id":..,"stream":true,"data":..}`, and its return value becomes the
    /// final response, sent after all chunks. Otherwise the same as
    /// [`handler`](Self::handler).
    pub fn stream_handler<F>(self, method: impl Into<String>, f: F) -> Server
    where
        F: Fn(Value, &Context) -> Result<Value, String> + Send + Sync + 'static,
    {
        self.register(method.into(), true, Box::new(f))
    }

    fn register(mut self, method: String, streaming: bool, f: Box<crate::connection::HandlerFn>) -> Server {
        let entry = Entry { name: Arc::from(method.as_str()), streaming, f, slow: AtomicU32::new(0) };
        self.handlers.insert(method, Arc::new(entry));
        self
    }

    /// A handle for emitting events from any thread, valid for the whole
    /// life of this server; see [`EventEmitter`] for where events go.
    pub fn event_emitter(&self) -> EventEmitter {
        EventEmitter { hub: self.hub.clone() }
    }

    /// A handle for stopping `serve_stdio`, `serve_unix_socket` or
    /// `serve_tcp` from another thread.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle { state: self.shutdown.clone() }
    }

    fn into_shared(self) -> (Arc<Shared>, Arc<ShutdownState>, bool) {
        let Server {
            handlers,
            ready_event,
            ready_data,
            cancel_method,
            max_line_bytes,
            shutdown_timeout,
            handle_signals,
            hub,
            shutdown,
        } = self;
        let shared = Arc::new_cyclic(|weak| Shared {
            handlers,
            ready_event,
            ready_data,
            cancel_method,
            max_line_bytes,
            shutdown_timeout,
            pool: Pool::default(),
            hub,
            watchdog: Watchdog::new(weak.clone()),
        });
        (shared, shutdown, handle_signals)
    }

    /// Serves a single client over the given streams: sends the ready
    /// event, answers requests read from `input` on `output` until `input`
    /// ends, waits up to the shutdown timeout for running requests, flushes
    /// and returns. Signals and [`ShutdownHandle`] are not involved.
    ///
    /// This is the engine behind [`serve_stdio`](Self::serve_stdio); use it
    /// directly to unit-test handlers in memory or to serve a transport of
    /// your own. Returns the error that ended reading, if any.
    pub fn serve_io<R, W>(self, input: R, output: W) -> io::Result<()>
    where
        R: Read + Send + 'static,
        W: Write + Send + 'static,
    {
        let (shared, _, _) = self.into_shared();
        run_connection(&shared, input, output)
    }

    /// Serves the parent process over stdin/stdout until stdin reaches EOF
    /// or shutdown is requested (SIGTERM, SIGINT, [`ShutdownHandle`]);
    /// then running requests get the shutdown timeout to finish, output is
    /// flushed and `Ok(())` is returned, so `main` can simply end.
    ///
    /// Stdout belongs to the protocol: never print to it from handlers
    /// (`println!`); use stderr for diagnostics. The client shows stderr
    /// lines to the application.
    pub fn serve_stdio(self) -> io::Result<()> {
        let (shared, state, signals) = self.into_shared();
        let guard = ShutdownGuard::install(&state, signals)?;
        let result = run_connection(&shared, StdinReader { wake: guard.wake_fd() }, StdoutWriter);
        drop(guard);
        result
    }

    /// Runs as a daemon on a Unix domain socket at `path`, serving any
    /// number of clients concurrently until SIGTERM, SIGINT or
    /// [`ShutdownHandle::shutdown`].
    ///
    /// * The socket file is created with mode 0600 (owner only).
    /// * A leftover socket file nobody listens on is replaced; a path that
    ///   is not a socket, or a socket a live server answers on, is an error.
    /// * Each client gets its own ready event on connect, only its own
    ///   responses, chunks and `Context` events, and can cancel only its own
    ///   requests; [`EventEmitter`] events go to all clients.
    /// * On shutdown the socket file is removed, every client's input is
    ///   closed and its running requests get the shutdown timeout to finish.
    ///
    /// Prints `listening on <path>` to stderr once bound.
    pub fn serve_unix_socket(self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        let (shared, state, signals) = self.into_shared();
        let guard = ShutdownGuard::install(&state, signals)?;
        let (listener, socket_file) = bind_unix(path)?;
        log_plain(&format!("listening on {}", path.display()));
        let result = serve_listener(shared, Listener::Unix(listener), Some(socket_file), guard.wake_fd());
        drop(guard);
        result
    }

    /// Runs as a daemon on a TCP address, e.g. `"127.0.0.1:0"` (port 0
    /// picks a free port), with the same framing and per-client behaviour
    /// as [`serve_unix_socket`](Self::serve_unix_socket).
    ///
    /// Plain TCP has neither authentication nor encryption: bind to
    /// loopback only. If remote access is needed, terminate TLS and
    /// authenticate in front of it (a reverse proxy or an SSH tunnel).
    /// A non-loopback address is accepted but warned about on stderr.
    ///
    /// Prints `listening on <ip>:<port>` (the actual port) to stderr once
    /// bound, so that a parent can read the port when it passed port 0.
    pub fn serve_tcp(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let (shared, state, signals) = self.into_shared();
        let guard = ShutdownGuard::install(&state, signals)?;
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            log(&format!(
                "WARNING: plain TCP on non-loopback address {}: no authentication, no encryption",
                local
            ));
        }
        log_plain(&format!("listening on {}", local));
        let result = serve_listener(shared, Listener::Tcp(listener), None, guard.wake_fd());
        drop(guard);
        result
    }
}

fn deserialize_params<P: DeserializeOwned>(params: Value) -> Result<P, String> {
    let was_null = params.is_null();
    match serde_json::from_value::<P>(params) {
        Ok(p) => Ok(p),
        Err(e) => {
            if was_null {
                if let Ok(p) = serde_json::from_value::<P>(Value::Object(Default::default())) {
                    return Ok(p);
                }
            }
            Err(format!("invalid params: {}", e))
        }
    }
}

/// A stderr line without the crate prefix, for lines meant to be parsed.
fn log_plain(line: &str) {
    let _ = writeln!(io::stderr(), "{}", line);
}
