//! The three shortest handlers a backend author writes (shown in
//! docs/rust-backend.md): a typed handler, a typed stream handler and a
//! deferred reply. `cargo test` compiles it.

use qrustbridge::{Describe, Error, Responder, Server};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Describe)]
struct Query {
    path: String,
}

#[derive(Serialize, Describe)]
struct Size {
    path: String,
    bytes: u64,
}

fn main() -> std::io::Result<()> {
    Server::new()
        // 1. Typed handler: `?` on an io::Error.
        .typed_handler("size", |q: Query, _ctx| {
            let bytes = std::fs::metadata(&q.path)?.len();
            Ok(Size { path: q.path, bytes })
        })
        // 2. Typed stream handler: typed chunks, typed result.
        .typed_stream_handler("sizes", |paths: Vec<String>, ctx| {
            let mut total = 0;
            for path in paths {
                let bytes = std::fs::metadata(&path)?.len();
                total += bytes;
                ctx.send_chunk(Size { path, bytes });
            }
            Ok(total)
        })
        // Typed chunks are declared for the description (`--describe`).
        .chunk_type::<Size>("sizes")
        .command_doc("size", "The size of one file.")
        // 3. Deferred reply: answered later, from another thread.
        .deferred_handler("later", |q: Query, responder: Responder| {
            std::thread::spawn(move || match std::fs::read_to_string(&q.path) {
                Ok(text) => responder.ok(text.len()),
                Err(e) => responder.err(Error::coded("E_READ", e.to_string()).with_data(&q.path)),
            });
        })
        .result_type::<usize>("later")
        .serve_stdio()
}
