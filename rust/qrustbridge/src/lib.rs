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
//! The server sends a ready event first, runs every request on a worker
//! pool (slow requests never block quick ones), supports cancellation,
//! streaming and events, survives malformed input and panicking handlers,
//! and shuts down cleanly on stdin EOF or SIGTERM.
//!
//! ```no_run
//! use qrustbridge::{Context, Server};
//! use serde::Deserialize;
//! use serde_json::{json, Value};
//! use std::time::Duration;
//!
//! #[derive(Deserialize)]
//! struct Add { a: i64, b: i64 }
//!
//! fn main() -> std::io::Result<()> {
//!     Server::new()
//!         .ready_data(json!({ "version": env!("CARGO_PKG_VERSION") }))
//!         .handler("echo", |params: Value, _ctx: &Context| Ok(params))
//!         .typed_handler("add", |p: Add, _ctx| Ok(p.a + p.b))
//!         .stream_handler("count", |params, ctx| {
//!             let n = params["n"].as_u64().unwrap_or(3);
//!             for i in 0..n {
//!                 if ctx.cancelled_wait(Duration::from_millis(100)) {
//!                     return Err("cancelled".into());
//!                 }
//!                 ctx.send_chunk(json!({ "i": i }));
//!             }
//!             Ok(json!({ "count": n }))
//!         })
//!         .serve_stdio()
//! }
//! ```
//!
//! See `docs/rust-backend.md` in the QRustBridge repository for the full
//! guide (transports, limits, shutdown, offline builds).

#![deny(missing_docs)]

mod connection;
mod context;
mod events;
mod framing;
mod net;
mod outbox;
mod pool;
mod server;
mod shutdown;
mod util;
mod watchdog;
mod wire;

pub use context::Context;
pub use events::EventEmitter;
pub use server::{Server, DEFAULT_MAX_LINE_BYTES, DEFAULT_SHUTDOWN_TIMEOUT};
pub use shutdown::ShutdownHandle;

/// Re-export of the `serde_json` this crate is built against, so handlers
/// can name `Value` and use `json!` without a version mismatch.
pub use serde_json;

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_thread_safe() {
        assert_send_sync::<crate::Server>();
        assert_send_sync::<crate::Context>();
        assert_send_sync::<crate::EventEmitter>();
        assert_send_sync::<crate::ShutdownHandle>();
    }
}
