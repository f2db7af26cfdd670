//! A complete backend in about 40 lines (copied into docs/rust-backend.md;
//! `cargo test` builds it, so the docs can't rot).
use std::time::Duration;

use qrustbridge::{Context, Describe, Server};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Deserialize, Describe)]
struct CountParams {
    text: String,
}

#[derive(Serialize, Describe)]
struct Counts {
    words: usize,
    lines: usize,
}

fn main() -> std::io::Result<()> {
    let server = Server::new().ready_data(json!({ "version": env!("CARGO_PKG_VERSION") }));
    let events = server.event_emitter();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(5));
        events.emit_event("heartbeat", json!({ "ok": true }));
    });

    server
        .handler("ping", |_params: Value, _ctx: &Context| Ok(json!("pong")))
        .typed_handler("count", |p: CountParams, _ctx| {
            Ok(Counts { words: p.text.split_whitespace().count(), lines: p.text.lines().count() })
        })
        .stream_handler("countdown", |params, ctx| {
            let from = params["from"].as_u64().ok_or("invalid params: need {\"from\": N}")?;
            for n in (1..=from).rev() {
                ctx.send_chunk(json!({ "n": n }));
                if ctx.cancelled_wait(Duration::from_millis(100)) {
                    return Err("cancelled".into());
                }
            }
            Ok(json!("liftoff"))
        })
        .serve_stdio()
}
