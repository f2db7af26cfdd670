//! An independent backend for the benchmarks: the wire protocol
//! (docs/protocol.md) written directly on std and serde_json, with no code
//! from the qrustbridge crate, so that the benchmark clients are measured
//! against a peer that is neither tuned for nor slowed by the library.
//!
//! Single-threaded, blocking I/O. Replies go into a BufWriter over stdout,
//! which is flushed only when stdin has no complete request buffered, so a
//! burst of pipelined requests is answered in a few large writes (as a
//! well-written backend would) while a lone request is answered at once.
//!
//! Methods (the ones the benchmark clients use, with the demo backend's
//! reply shapes):
//!
//! - `echo`: the params as the result.
//! - `count` `{n, delayMs}`: n chunks `{"i": k}`, then the result `{"count": n}`.
//! - `big` `{bytes}`: a string of `bytes` characters `x`.
//! - anything else: an error.
//!
//! Command-line arguments (the clients pass `--management`) are ignored.

use serde_json::{json, Value};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::thread;
use std::time::Duration;

fn write_line(out: &mut impl Write, message: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, message)?;
    out.write_all(b"\n")
}

fn reply_ok(out: &mut impl Write, id: &Value, result: Value) -> io::Result<()> {
    write_line(out, &json!({"id": id, "success": true, "result": result}))
}

fn reply_err(out: &mut impl Write, id: &Value, error: &str) -> io::Result<()> {
    write_line(out, &json!({"id": id, "success": false, "error": error}))
}

/// Answers one request line. Lines that are not requests are skipped, as the
/// protocol asks of a client; a backend has nobody to report them to but stderr.
fn handle(line: &[u8], out: &mut BufWriter<io::StdoutLock>) -> io::Result<()> {
    let request: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("echo-peer: skipping a line that is not JSON: {}", e);
            return Ok(());
        }
    };
    let id = match request.get("id") {
        Some(id) if id.is_string() => id.clone(),
        _ => {
            eprintln!("echo-peer: skipping a message without a string id");
            return Ok(());
        }
    };
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    // Taking the params out of the request avoids copying an echo payload.
    let params = match request {
        Value::Object(mut map) => map.remove("params").unwrap_or(Value::Null),
        _ => Value::Null,
    };
    match method.as_str() {
        "echo" => reply_ok(out, &id, params),
        "count" => {
            let n = params.get("n").and_then(Value::as_u64).unwrap_or(0);
            let delay = params.get("delayMs").and_then(Value::as_u64).unwrap_or(0);
            for i in 0..n {
                if i > 0 && delay > 0 {
                    // A paced stream: each chunk goes out before the pause.
                    out.flush()?;
                    thread::sleep(Duration::from_millis(delay));
                }
                write_line(out, &json!({"id": id, "stream": true, "data": {"i": i}}))?;
            }
            reply_ok(out, &id, json!({ "count": n }))
        }
        "big" => {
            let bytes = params.get("bytes").and_then(Value::as_u64).unwrap_or(0) as usize;
            reply_ok(out, &id, Value::String("x".repeat(bytes)))
        }
        _ => reply_err(out, &id, &format!("unknown method: {}", method)),
    }
}

fn run() -> io::Result<()> {
    // Our own BufReader (Stdin's internal one does not show what it holds),
    // large enough that its reads bypass Stdin's buffer.
    let mut input = BufReader::with_capacity(64 * 1024, io::stdin());
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    write_line(&mut out, &json!({"event": "ready", "data": {}}))?;
    out.flush()?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break; // EOF: the client is gone or closed our stdin
        }
        let trimmed = line.strip_suffix(b"\n").unwrap_or(&line);
        let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
        if !trimmed.is_empty() {
            handle(trimmed, &mut out)?;
        }
        // Flush once the buffered input holds no complete request: the
        // client may be waiting for these replies before it sends more.
        if !input.buffer().contains(&b'\n') {
            out.flush()?;
        }
    }
    out.flush()
}

fn main() {
    match run() {
        Ok(()) => {}
        // The client closed its end of stdout: nothing left to do.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("echo-peer: {}", e);
            std::process::exit(1);
        }
    }
}
