//! The starter backend: two typed commands and one stream. The C++ side
//! (main.cpp) calls them through the header CMake generates from
//! `starter-backend --describe`.
use std::time::Duration;

use qrustbridge::{Describe, Server};
use serde::{Deserialize, Serialize};

/// Whom to greet.
#[derive(Deserialize, Describe)]
struct GreetParams {
    /// The name to put in the greeting.
    name: String,
}

/// A greeting.
#[derive(Serialize, Describe)]
struct Greeting {
    /// The whole sentence.
    text: String,
}

/// Two whole numbers.
#[derive(Deserialize, Describe)]
struct AddParams {
    a: i64,
    b: i64,
}

/// Where the countdown starts.
#[derive(Deserialize, Describe)]
struct CountdownParams {
    /// The first number sent.
    from: u32,
    /// Pause between numbers in milliseconds.
    #[serde(default)]
    delay_ms: u64,
}

/// One step of the countdown.
#[derive(Serialize, Describe)]
struct Tick {
    remaining: u32,
}

fn main() -> std::io::Result<()> {
    Server::new()
        .typed_handler("greet", |p: GreetParams, _ctx| {
            Ok(Greeting { text: format!("Hello, {}!", p.name) })
        })
        .command_doc("greet", "Greets someone by name.")
        .typed_handler("add", |p: AddParams, _ctx| {
            p.a.checked_add(p.b).ok_or_else(|| "the sum does not fit in 64 bits".into())
        })
        .command_doc("add", "Adds two numbers.")
        .typed_stream_handler("countdown", |p: CountdownParams, ctx| {
            for remaining in (0..p.from).rev() {
                ctx.send_chunk(Tick { remaining });
                if ctx.cancelled_wait(Duration::from_millis(p.delay_ms)) {
                    return Err("cancelled".into());
                }
            }
            Ok(p.from)
        })
        .chunk_type::<Tick>("countdown")
        .command_doc("countdown", "Counts down from `from` to 0, one chunk per number; returns how many were sent.")
        .serve_stdio()
}
