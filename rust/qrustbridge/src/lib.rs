//! # qrustbridge
//!
//! The Rust side of QRustBridge: write the handlers, get the server loop.
//!
//! A QRustBridge client (the C++/Qt library, or any `@push.rocks/smartrust`
//! peer) talks to a backend process with one JSON object per line:
//!
//! | direction | line |
//! |---|---|
//! | request in | `{"id":"1","method":"add","params":{"a":1,"b":2}}` |
//! | response out | `{"id":"1","success":true,"result":3}` or `{"id":"1","success":false,"error":"..."}` |
//! | stream chunk out | `{"id":"1","stream":true,"data":...}` (before the response) |
//! | event out | `{"event":"tick","data":...}` |
//!
//! ```no_run
//! use qrustbridge::{Context, Describe, Server};
//! use serde::Deserialize;
//! use serde_json::{json, Value};
//! use std::time::Duration;
//!
//! /// Two numbers.
//! #[derive(Deserialize, Describe)]
//! struct Add { a: i64, b: i64 }
//!
//! fn main() -> std::io::Result<()> {
//!     Server::new()
//!         .ready_data(json!({ "version": env!("CARGO_PKG_VERSION") }))
//!         // Synchronous: runs on the blocking pool.
//!         .handler("echo", |params: Value, _ctx: &Context| Ok(params))
//!         .typed_handler("add", |p: Add, _ctx| Ok(p.a + p.b))
//!         .command_doc("add", "Adds two numbers.")
//!         // Async: a task; dropped when the request is cancelled.
//!         .async_handler("sleep", |params, _ctx| async move {
//!             let ms = params["ms"].as_u64().unwrap_or(0);
//!             tokio::time::sleep(Duration::from_millis(ms)).await;
//!             Ok(json!({ "slept": ms }))
//!         })
//!         .async_stream_handler("count", |params, ctx| async move {
//!             let n = params["n"].as_u64().unwrap_or(3);
//!             for i in 0..n {
//!                 ctx.send_chunk_async(json!({ "i": i })).await;
//!             }
//!             Ok(json!({ "count": n }))
//!         })
//!         .serve_stdio()
//! }
//! ```
//!
//! ## Errors, typed results, deferred replies, clients
//!
//! Handlers return `Result<T, `[`Error`]`>`: `?` converts I/O, serde,
//! boxed and string errors, and [`Error::coded`] with
//! [`with_data`](Error::with_data) adds `"errorCode"`/`"errorData"` to the
//! error response. Typed results are serialized straight from `T` (struct
//! fields in declaration order). [`Server::deferred_handler`] hands out a
//! [`Responder`] that answers later from any thread or task, exactly once.
//! [`Context::client`] is the requesting client's [`ClientHandle`] (events
//! outside any request, peer credentials), which
//! [`Server::on_connect`] can also use to refuse a client.
//!
//! ## Describing commands
//!
//! Typed handlers record their params and result types, which implement
//! [`Describe`] (`#[derive(Describe)]` next to serde's derives). Every
//! `serve_*` answers a `--describe` argument by printing the
//! [description](Server::description) of all commands as one line of JSON
//! and exiting; the request `$/describe` returns it at run time, and the
//! ready event carries its hash as `"schema"`. `qrustbridge-codegen` turns
//! the description into a typed C++/QML client. See the [`describe`] module.
//!
//! ## Concurrency
//!
//! Everything runs on tokio. The plain `serve_*` methods start a
//! multi-thread runtime for a plain `fn main()`; the `*_async` variants
//! serve inside a runtime the backend already has. Per connection:
//!
//! * one **reader** task reads, parses and dispatches lines. It never runs
//!   a handler, so a `$/cancel` is seen however busy the handlers are;
//! * one **writer** task owns the output, batches lines into 64 KiB
//!   writes and flushes when it runs out of work;
//! * every request runs on its own: **async handlers** as tasks on the
//!   worker threads (thousands cost no thread), **synchronous handlers**
//!   on tokio's blocking pool: a lane of at most
//!   [`max_blocking_threads`](Server::max_blocking_threads) workers shared
//!   by all connections, taking calls from one queue.
//!
//! Responses of different requests may come back in any order; chunks and
//! events sent by one handler keep their order and precede its response.
//!
//! ## Bounded memory and backpressure
//!
//! * At most [`max_in_flight`](Server::max_in_flight) requests of a
//!   connection run at once; up to [`max_queued`](Server::max_queued) more
//!   wait for a slot, still cancellable (a cancelled waiting request is
//!   answered `cancelled` at once, without running; after a cancel
//!   request, a synchronous request queued for a blocking worker is
//!   answered `cancelled` when its turn comes, at shutdown at once). When
//!   both are used
//!   up, the reader stops reading: the client's writes then block, which
//!   is the backpressure.
//! * Output is bounded by [`max_output_bytes`](Server::max_output_bytes)
//!   per connection. Handlers producing faster than the client reads wait
//!   (`*_async`) or block (synchronous), so a client that stops reading
//!   stalls its own requests, then its reader, and no memory grows.
//! * Broadcast events ([`EventEmitter`]) never wait: for a client whose
//!   output budget is used up they are dropped, counted
//!   ([`EventEmitter::dropped`]) and logged once per lagging spell.
//! * The read buffer never holds more than
//!   [`max_line_bytes`](Server::max_line_bytes) of one line and shrinks
//!   back after a long line.
//!
//! ## Shutdown
//!
//! SIGTERM, SIGINT, [`ShutdownHandle::shutdown`] or (stdio) stdin EOF stop
//! the reading (and accepting), then at once cancel every request's token:
//! async handlers are dropped, and they, requests that never started and
//! unanswered deferred requests are answered
//! `cancelled: server shutting down` right away. Synchronous handlers see
//! [`Context::is_cancelled`] and get the grace period
//! ([`shutdown_timeout`](Server::shutdown_timeout), 2 s by default) to
//! return; what they return within it is written as returned. Then output
//! is drained (the whole ending takes at most the grace period plus a
//! second) and `serve_*` returns `Ok(())`, so `main` ends with status 0;
//! handlers still running are left behind. A second signal exits at once.
//!
//! ## Logging
//!
//! Diagnostics go through the [`log`](https://docs.rs/log) facade (target
//! `qrustbridge`); install any logger to see them. The one line meant for
//! machines, `listening on <address>`, is written to stderr directly.
//!
//! See `docs/rust-backend.md` in the QRustBridge repository for the full
//! guide (transports, limits, shutdown, offline builds).

#![deny(missing_docs)]

// The derive's output names `::qrustbridge`, also inside this crate.
extern crate self as qrustbridge;

mod blocking;
mod cancel;
mod client;
mod connection;
mod context;
pub mod describe;
mod error;
mod events;
mod framing;
mod handler;
mod lane;
mod listener;
mod outbox;
mod responder;
mod server;
mod shutdown;
// Unix only: socket files, their permissions and systemd. A Windows build
// keeps stdio, TCP and `serve_io_async` (docs/platforms.md says what else
// it lacks).
#[cfg(unix)]
mod socket;
// Stdio: Unix protects stdout from stray prints (fd tricks); elsewhere
// tokio's plain stdin/stdout. The plain one is compiled and tested on
// Linux too (`stdio_plain` in the tests below).
#[cfg(unix)]
mod stdio;
#[cfg(not(unix))]
#[path = "stdio_plain.rs"]
mod stdio;
#[cfg(unix)]
mod systemd;
// The Windows stdio module, compiled (and run once) here too.
#[cfg(all(test, unix))]
#[path = "stdio_plain.rs"]
mod stdio_plain;
mod util;
mod wire;

pub use cancel::CancelToken;
pub use client::{ClientHandle, PeerCredentials, Transport};
pub use context::Context;
pub use describe::Describe;
/// `#[derive(Describe)]`: see [`describe`] and docs/rust-backend.md
/// ("Describing commands").
pub use qrustbridge_derive::Describe;
pub use error::Error;
pub use events::EventEmitter;
pub use server::{
    Server, DEFAULT_MAX_BLOCKING_THREADS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_OUTPUT_BYTES,
    DEFAULT_MAX_QUEUED, DEFAULT_SHUTDOWN_TIMEOUT,
};
pub use responder::Responder;
pub use shutdown::ShutdownHandle;

/// Re-export of the `serde_json` this crate is built against, so handlers
/// can name `Value` and use `json!` without a version mismatch.
pub use serde_json;

/// Re-export of the `tokio` this crate runs on, for async handlers.
pub use tokio;

/// Re-export of tokio-util's `CancellationToken`, the type of
/// [`Context::cancellation_token`].
pub use tokio_util::sync::CancellationToken;

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_thread_safe() {
        assert_send_sync::<crate::Server>();
        assert_send_sync::<crate::Context>();
        assert_send_sync::<crate::EventEmitter>();
        assert_send_sync::<crate::ShutdownHandle>();
        assert_send_sync::<crate::ClientHandle>();
        assert_send_sync::<crate::Error>();
        assert_send::<crate::Responder>();
    }

    fn assert_send<T: Send + 'static>() {}

    #[cfg(unix)]
    #[test]
    fn plain_stdio_of_non_unix_builds_opens() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let (_input, _output) = crate::stdio_plain::take_stdio().unwrap();
        });
    }

    fn assert_debug<T: std::fmt::Debug>() {}

    #[test]
    fn public_types_are_debug() {
        assert_debug::<crate::Server>();
        assert_debug::<crate::Context>();
        assert_debug::<crate::Error>();
        assert_debug::<crate::Responder>();
        assert_debug::<crate::ClientHandle>();
        assert_debug::<crate::PeerCredentials>();
        assert_debug::<crate::Transport>();
        assert_debug::<crate::CancelToken>();
        assert_debug::<crate::EventEmitter>();
        assert_debug::<crate::ShutdownHandle>();
    }
}
