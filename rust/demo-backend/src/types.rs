//! The params, chunk and result types of the typed commands. They derive
//! `Describe`, so `demo-backend --describe` spells out their shape, and the
//! doc comments become the comments of the generated C++.

use qrustbridge::Describe;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// Two numbers to add.
#[derive(Deserialize, Describe)]
pub struct AddParams {
    /// The first summand (an integer or a float).
    pub a: Number,
    /// The second summand.
    pub b: Number,
}

/// How many chunks `count` sends, and how fast.
#[derive(Deserialize, Describe)]
#[serde(rename_all = "camelCase")]
pub struct CountParams {
    /// Number of chunks.
    pub n: u64,
    /// Pause between chunks in milliseconds (0: as fast as possible).
    #[serde(default)]
    pub delay_ms: u64,
}

/// One chunk of `count` or `stream_fail`.
#[derive(Serialize, Describe)]
pub struct CountChunk {
    /// The chunk's index, from 0.
    pub i: u64,
}

/// The final result of `count`.
#[derive(Serialize, Describe)]
pub struct CountResult {
    /// How many chunks were sent.
    pub count: u64,
}

/// The ticker `start_ticker` starts.
#[derive(Deserialize, Describe)]
#[serde(rename_all = "camelCase")]
pub struct TickerParams {
    /// Milliseconds between ticks (default 100).
    #[serde(default = "default_interval")]
    pub interval_ms: u64,
    /// Number of ticks (default 10).
    #[serde(default = "default_ticks")]
    pub count: u64,
}

fn default_interval() -> u64 {
    100
}

fn default_ticks() -> u64 {
    10
}

/// How long `defer` waits before answering.
#[derive(Deserialize, Default, Describe)]
#[serde(default)]
pub struct DeferParams {
    /// Milliseconds (default 0).
    pub ms: u64,
}

/// The answer of `defer`.
#[derive(Serialize, Describe)]
pub struct Deferred {
    /// The milliseconds waited.
    pub deferred: u64,
}

/// The event `notify_later` sends after its reply.
#[derive(Deserialize, Describe)]
#[serde(default)]
pub struct NotifyLaterParams {
    /// Event name (default `later`).
    pub name: String,
    /// Event data (default `null`).
    pub data: Value,
    /// Milliseconds between the reply and the event (default 0).
    pub ms: u64,
}

impl Default for NotifyLaterParams {
    fn default() -> Self {
        NotifyLaterParams { name: "later".to_owned(), data: Value::Null, ms: 0 }
    }
}
