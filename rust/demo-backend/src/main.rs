//! demo-backend: the backend that QRustBridge's tests, examples and
//! benchmarks drive. Each method exercises one feature of the protocol.
//!
//! Usage: `demo-backend [--management]` (stdio),
//! `demo-backend --socket PATH [--socket-mode OCTAL] [--socket-group NAME]`,
//! `demo-backend --tcp 127.0.0.1:0`.
//!
//! All kinds of handler are shown: `sleep` and `count` are async (a task
//! each, dropped when cancelled); `defer` and `notify_later` answer later
//! through a `Responder`; the others are synchronous and run on the
//! blocking pool.

mod files;
mod logger;
mod types;

use std::io::Write;
use std::time::{Duration, Instant};

use qrustbridge::{Context, Error, Responder, Server};
use serde_json::{json, Number, Value};

use types::{AddParams, CountChunk, CountParams, CountResult, DeferParams, Deferred, NotifyLaterParams, TickerParams};

/// Says on stderr that a `sleep` was cancelled, when its future is dropped
/// before it finished (clients check that the cancel reached the backend).
struct ReportCancel {
    id: String,
    started: Instant,
    finished: bool,
}

impl Drop for ReportCancel {
    fn drop(&mut self) {
        if !self.finished {
            eprintln!("sleep {}: cancelled after {} ms", self.id, self.started.elapsed().as_millis());
        }
    }
}

fn main() {
    logger::install();
    let mode = match parse_args() {
        Ok(mode) => mode,
        Err(msg) => {
            eprintln!("demo-backend: {}", msg);
            std::process::exit(2);
        }
    };
    let server = Server::new().ready_data(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "pid": std::process::id(),
    }));
    let ticker = server.event_emitter();

    let server = server
        .async_handler("echo", |params, _| async move { Ok(params) })
        .typed_handler("add", |p: AddParams, _| Ok(add(&p.a, &p.b)))
        .handler("fail", |p, _| Err(p["message"].as_str().unwrap_or("requested failure").into()))
        .async_handler("sleep", |p, ctx| async move {
            // {"ms": n}, or just n.
            let ms = p["ms"].as_u64().or_else(|| p.as_u64()).unwrap_or(0);
            let mut report = ReportCancel { id: ctx.id().to_owned(), started: Instant::now(), finished: false };
            tokio::time::sleep(Duration::from_millis(ms)).await;
            report.finished = true;
            Ok(json!({ "slept": ms }))
        })
        .handler("emit", |p, ctx| {
            let name = p["name"].as_str().ok_or("invalid params: missing \"name\"")?;
            if let Some(count) = p["count"].as_u64() {
                for i in 0..count {
                    ctx.emit_event(name, i);
                }
            } else {
                ctx.emit_event(name, &p["data"]);
            }
            Ok(json!(true))
        })
        .handler("stderr", |p, _| {
            let mut err = std::io::stderr().lock();
            if let Some(text) = p["text"].as_str() {
                let _ = writeln!(err, "{}", text);
            }
            for line in p["lines"].as_array().into_iter().flatten() {
                let _ = writeln!(err, "{}", line.as_str().map_or_else(|| line.to_string(), str::to_owned));
            }
            let _ = err.flush();
            Ok(json!(true))
        })
        .handler("exit", |p, ctx| {
            ctx.flush();
            std::process::exit(p["code"].as_i64().unwrap_or(0) as i32)
        })
        .handler("abort", |_, _| std::process::abort())
        .handler("panic", |p, _| panic!("{}", p["message"].as_str().unwrap_or("requested panic")))
        .handler("big", |p, _| Ok(Value::String("x".repeat(p["bytes"].as_u64().unwrap_or(0) as usize))))
        .async_typed_stream_handler("count", |p: CountParams, ctx| async move {
            let delay = Duration::from_millis(p.delay_ms);
            for i in 0..p.n {
                if i > 0 && !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                } else if i % 256 == 255 {
                    // Let other tasks run when there is no delay.
                    tokio::task::yield_now().await;
                }
                if !ctx.send_chunk_async(CountChunk { i }).await {
                    return Err("cancelled".into());
                }
            }
            Ok(CountResult { count: p.n })
        })
        .stream_handler("stream_fail", |p, ctx| {
            let after = p["after"].as_u64().unwrap_or(0);
            for i in 0..after {
                ctx.send_chunk(CountChunk { i });
            }
            Err(format!("stream failed after {} chunks", after).into())
        })
        .stream_handler("hash_files", files::hash_files)
        .handler("garbage", |_, ctx| {
            ctx.write_raw_line("this is not json");
            Ok(json!(true))
        })
        .handler("println", |p, _| {
            // Stdout is protected: this lands on stderr, not in the protocol.
            println!("{}", p["text"].as_str().unwrap_or("println from a handler"));
            Ok(json!(true))
        })
        .handler("pid", |_, _| Ok(json!(std::process::id())))
        .handler("fail_coded", |_, _| {
            Err(Error::coded("E_DEMO", "demo failure").with_data(json!({ "hint": "raised on purpose by demo-backend" })))
        })
        // Answered later, from a thread of its own.
        .deferred_handler("defer", |p: DeferParams, responder: Responder| {
            std::thread::spawn(move || {
                // Cancelled: the client has its `cancelled` already.
                if !responder.cancel_token().wait(Duration::from_millis(p.ms)) {
                    responder.ok(Deferred { deferred: p.ms });
                }
            });
        })
        // Replies, then sends an event to this client only.
        .deferred_handler("notify_later", |p: NotifyLaterParams, responder: Responder| {
            let client = responder.context().client().clone();
            std::thread::spawn(move || {
                responder.ok(true);
                std::thread::sleep(Duration::from_millis(p.ms));
                client.emit_event(&p.name, p.data);
            });
        })
        .typed_handler("start_ticker", move |p: TickerParams, _: &Context| {
            let ticker = ticker.clone();
            std::thread::spawn(move || {
                for i in 0..p.count {
                    std::thread::sleep(Duration::from_millis(p.interval_ms));
                    ticker.emit_event("tick", i);
                }
            });
            Ok(true)
        })
        .chunk_type::<CountChunk>("count")
        .chunk_type::<CountChunk>("stream_fail")
        .result_type::<f64>("add")
        .result_type::<Deferred>("defer")
        .result_type::<bool>("notify_later");
    let server = document(server);

    let result = match mode {
        Mode::Stdio => {
            eprintln!("demo-backend: started (stdio)");
            server.serve_stdio()
        }
        Mode::Socket { path, mode, group } => {
            eprintln!("demo-backend: started (socket {})", path);
            let mut server = server;
            if let Some(mode) = mode {
                server = server.socket_mode(mode);
            }
            match group {
                Some(name) => server.socket_group_name(&name).and_then(|s| s.serve_unix_socket(path)),
                None => server.serve_unix_socket(path),
            }
        }
        Mode::Tcp(addr) => {
            eprintln!("demo-backend: started (tcp {})", addr);
            server.serve_tcp(addr)
        }
    };
    if let Err(e) = result {
        eprintln!("demo-backend: {}", e);
        std::process::exit(1);
    }
}

/// The `doc` of every command in the description (`--describe`).
fn document(server: Server) -> Server {
    const DOCS: &[(&str, &str)] = &[
        ("abort", "Aborts the process (SIGABRT): a simulated crash; no response."),
        ("add", "a + b: an integer when both are integers and the sum fits in i64/u64, else a float."),
        ("big", "A string of exactly `bytes` characters \"x\"."),
        ("count", "Streams {\"i\": 0} .. {\"i\": n-1}, `delayMs` apart, then answers {\"count\": n}. Async and cancellable."),
        ("defer", "Answers {\"deferred\": ms} after `ms` milliseconds from a thread of its own (a Responder). Cancellable."),
        ("echo", "Returns the params unchanged (null when absent). Async."),
        ("emit", "Sends the event `name` with `data` to the caller, or `count` events with data 0..count-1; then true."),
        ("exit", "Flushes the output and exits with `code` (default 0); no response."),
        ("fail", "Fails with `message` (default \"requested failure\")."),
        ("fail_coded", "Fails with \"demo failure\", errorCode \"E_DEMO\" and errorData {\"hint\": ..}."),
        ("garbage", "Writes the non-JSON line \"this is not json\" to the protocol, then true."),
        ("hash_files", "Hashes every regular file under `path` (sorted, symlinks not followed): one chunk per file, then the totals. Cancellable between and within files."),
        ("notify_later", "Answers true, then, `ms` later, sends the event `name` with `data` to this client."),
        ("panic", "The handler panics with `message`; the error is \"handler panicked: <message>\"."),
        ("pid", "The backend's process id."),
        ("println", "println!s `text`; it lands on stderr because stdout is protected. Then true."),
        ("sleep", "Answers {\"slept\": ms} after `ms` milliseconds. Async and cancellable; a cancel is reported on stderr. Also accepts a bare number."),
        ("start_ticker", "Starts a thread that emits the event \"tick\" (data 0..count-1) every `intervalMs` to all clients; answers true at once."),
        ("stderr", "Writes `text`, then each of `lines`, as lines on stderr; then true."),
        ("stream_fail", "Streams `after` chunks {\"i\": k}, then fails."),
    ];
    DOCS.iter().fold(server, |server, (method, doc)| server.command_doc(*method, *doc))
}

/// a + b, staying an integer when both are integers and the sum fits.
fn add(a: &Number, b: &Number) -> Value {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        if let Some(sum) = x.checked_add(y) {
            return json!(sum);
        }
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        if let Some(sum) = x.checked_add(y) {
            return json!(sum);
        }
    }
    json!(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0))
}

enum Mode {
    Stdio,
    Socket { path: String, mode: Option<u32>, group: Option<String> },
    Tcp(String),
}

fn parse_args() -> Result<Mode, String> {
    let mut mode = Mode::Stdio;
    let mut socket_mode = None;
    let mut socket_group = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // Handled by the crate: prints the description and exits.
            "--management" | "--describe" => {}
            "--socket" => {
                let path = args.next().ok_or("--socket needs a PATH")?;
                mode = Mode::Socket { path, mode: None, group: None };
            }
            "--socket-mode" => {
                let octal = args.next().ok_or("--socket-mode needs an OCTAL mode like 660")?;
                let bits = u32::from_str_radix(octal.trim_start_matches("0o"), 8)
                    .ok()
                    .filter(|m| *m <= 0o777)
                    .ok_or_else(|| format!("--socket-mode: {:?} is not an octal mode like 660", octal))?;
                socket_mode = Some(bits);
            }
            "--socket-group" => socket_group = Some(args.next().ok_or("--socket-group needs a group NAME")?),
            "--tcp" => mode = Mode::Tcp(args.next().ok_or("--tcp needs an ADDR like 127.0.0.1:0")?),
            other => eprintln!("demo-backend: ignoring unknown argument {:?}", other),
        }
    }
    match &mut mode {
        Mode::Socket { mode, group, .. } => {
            *mode = socket_mode;
            *group = socket_group;
        }
        _ if socket_mode.is_some() || socket_group.is_some() => {
            return Err("--socket-mode and --socket-group need --socket PATH".into());
        }
        _ => {}
    }
    Ok(mode)
}
