//! Protocol behaviour of one connection, driven in memory through
//! `Server::serve_io`: dispatch, errors, malformed input, limits, panics,
//! streaming, events, cancellation and concurrency (end of input: shutdown.rs).

mod common;

use std::fmt::Write as _;
use std::time::Duration;

use common::{err, ok, Client};
use qrustbridge::serde_json::{json, Value};
use qrustbridge::{Context, Describe, Server, DEFAULT_MAX_BLOCKING_THREADS};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Describe)]
struct AddParams {
    a: i64,
    b: i64,
}

#[derive(Deserialize, Default, Describe)]
#[serde(default)]
struct Opts {
    verbose: bool,
}

#[derive(Serialize, Describe)]
struct Sum {
    sum: i64,
}

fn test_server() -> Server {
    Server::new()
        .handle_signals(false)
        .handler("echo", |p, _| Ok(p))
        .handler("fail", |p, _| Err(p["message"].as_str().unwrap_or("failed").into()))
        .handler("sleep", |p, ctx| {
            let ms = p["ms"].as_u64().unwrap_or(0);
            if ctx.cancelled_wait(Duration::from_millis(ms)) {
                Err("cancelled".into())
            } else {
                Ok(json!({ "slept": ms }))
            }
        })
        .handler("uncancellable_sleep", |p, _| {
            std::thread::sleep(Duration::from_millis(p["ms"].as_u64().unwrap_or(0)));
            Ok(json!(true))
        })
        .handler("panic", |_, _| panic!("boom"))
        .typed_handler("add", |p: AddParams, _| Ok(Sum { sum: p.a + p.b }))
        .typed_handler::<Opts, bool>("opts", |o, _| Ok(o.verbose))
        .stream_handler("count", |p, ctx| {
            let n = p["n"].as_u64().unwrap_or(0);
            for i in 0..n {
                assert!(ctx.send_chunk(json!({ "i": i })));
            }
            Ok(json!({ "count": n }))
        })
        .handler("chunk_from_plain", |_, ctx| Ok(json!(ctx.send_chunk(1))))
        .handler("notify", |p, ctx: &Context| {
            ctx.emit_event("note", &p);
            Ok(json!(ctx.id()))
        })
        .handler("raw", |_, ctx| {
            ctx.write_raw_line("not json\nat all");
            Ok(json!(true))
        })
}

#[test]
fn ready_event_comes_first_with_configured_name_and_data() {
    // The crate adds the description's hash as "schema" to the data.
    let schema = test_server().description()["schema"].clone();
    let mut c = Client::start(test_server().ready_event("hello").ready_data(json!({"version": "9"})));
    assert_eq!(c.recv(), json!({"event": "hello", "data": {"version": "9", "schema": schema}}));
    let mut c2 = Client::start(test_server());
    assert_eq!(c2.recv(), json!({"event": "ready", "data": {"schema": schema}}));
    c.finish();
    c2.finish();
}

#[test]
fn answers_results_errors_and_unknown_methods() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    c.send("1", "echo", json!({"a": [1, "x", null]}));
    assert_eq!(c.recv(), ok("1", json!({"a": [1, "x", null]})));
    c.send("2", "fail", json!({"message": "nope"}));
    assert_eq!(c.recv(), err("2", "nope"));
    c.send("3", "missing", json!(null));
    assert_eq!(c.recv(), err("3", "unknown method: missing"));
    // Params may be absent: the handler sees null.
    c.send_raw(b"{\"id\":\"4\",\"method\":\"echo\"}\n");
    assert_eq!(c.recv(), ok("4", Value::Null));
    // Byte-exact response shape.
    c.send_raw(b"{\"id\":\"5\",\"method\":\"echo\",\"params\":\"s\"}\n");
    assert_eq!(c.recv_line(), r#"{"id":"5","success":true,"result":"s"}"#);
    c.finish();
}

#[test]
fn typed_handlers_deserialize_params_or_report_them_invalid() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    c.send("1", "add", json!({"a": 2, "b": 40}));
    assert_eq!(c.recv(), ok("1", json!({"sum": 42})));
    c.send("2", "add", json!({"a": "two"}));
    let v = c.recv();
    assert_eq!(v["success"], false);
    assert!(v["error"].as_str().unwrap().starts_with("invalid params: "), "{}", v);
    // No params at all: a struct with defaults still works.
    c.send_raw(b"{\"id\":\"3\",\"method\":\"opts\"}\n");
    assert_eq!(c.recv(), ok("3", json!(false)));
    c.send("4", "opts", json!({"verbose": true}));
    assert_eq!(c.recv(), ok("4", json!(true)));
    c.finish();
}

#[test]
fn malformed_lines_are_answered_when_the_id_is_known_and_never_kill_the_server() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    // No id recoverable: logged to stderr, no answer.
    c.send_raw(b"this is not json\n[1,2,3]\n\"str\"\n{\"method\":\"echo\"}\n\n   \n");
    c.send_raw(b"\xff\xfe\xfd\n");
    // Id recoverable: error responses.
    c.send_raw(b"{\"id\":\"m\"}\n");
    c.send_raw(b"{\"id\":\"n\",\"method\":17}\n");
    c.send_raw(b"{\"id\":\"t\",\"method\":\"echo\",\"params\":{\n");
    c.send_raw(b"{\"id\":\"u\",\"method\":\"echo\",\"params\":\"\xff\"}\n");
    c.send("ok", "echo", json!(1));
    let m = c.recv();
    assert_eq!(m["id"], "m");
    assert_eq!(m["error"], "invalid request: missing or non-string \"method\"");
    assert_eq!(c.recv()["id"], "n");
    let t = c.recv();
    assert_eq!(t["id"], "t");
    assert!(t["error"].as_str().unwrap().starts_with("invalid request: not JSON"));
    assert_eq!(c.recv(), err("u", "invalid request: line is not valid UTF-8"));
    assert_eq!(c.recv(), ok("ok", json!(1)));
    c.finish();
}

#[test]
fn over_long_lines_are_skipped_and_answered_only_with_a_known_id() {
    let mut c = Client::start(test_server().max_line_bytes(1000));
    c.expect_ready();
    let pad = "x".repeat(5000);
    // Id not at the front: cannot be answered.
    c.send_raw(format!("{{\"method\":\"echo\",\"params\":\"{}\",\"id\":\"a\"}}\n", pad).as_bytes());
    // Id at the front (how QJsonDocument writes it): answered with an error.
    c.send_raw(format!("{{\"id\":\"b\",\"method\":\"echo\",\"params\":\"{}\"}}\n", pad).as_bytes());
    // Exactly at the limit: accepted.
    let head = "{\"id\":\"c\",\"method\":\"echo\",\"params\":\"";
    let fill = "y".repeat(1000 - head.len() - 2);
    c.send_raw(format!("{}{}\"}}\n", head, fill).as_bytes());
    let b = c.recv();
    assert_eq!(b["id"], "b");
    assert_eq!(b["success"], false);
    assert!(b["error"].as_str().unwrap().contains("exceeds the limit of 1000 bytes"), "{}", b);
    assert_eq!(c.recv(), ok("c", json!(fill)));
    c.finish();
}

#[test]
fn a_panicking_handler_becomes_an_error_and_the_server_keeps_serving() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    c.send("p", "panic", Value::Null);
    assert_eq!(c.recv(), err("p", "handler panicked: boom"));
    c.send("p2", "panic", Value::Null);
    assert_eq!(c.recv(), err("p2", "handler panicked: boom"));
    c.send("e", "echo", json!("still here"));
    assert_eq!(c.recv(), ok("e", json!("still here")));
    c.finish();
}

#[test]
fn stream_chunks_arrive_in_order_before_the_final_response() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    c.send("s", "count", json!({"n": 500}));
    for i in 0..500 {
        assert_eq!(c.recv(), json!({"id": "s", "stream": true, "data": {"i": i}}));
    }
    assert_eq!(c.recv(), ok("s", json!({"count": 500})));
    // Plain handlers cannot send chunks.
    c.send("p", "chunk_from_plain", Value::Null);
    assert_eq!(c.recv(), ok("p", json!(false)));
    c.finish();
}

#[test]
fn events_go_out_in_order_with_responses() {
    let server = test_server();
    let emitter = server.event_emitter();
    assert_eq!(emitter.emit_event("early", 1), 0, "no client yet: dropped");
    let mut c = Client::start(server);
    c.expect_ready();
    c.send("n", "notify", json!({"x": 1}));
    assert_eq!(c.recv(), json!({"event": "note", "data": {"x": 1}}));
    assert_eq!(c.recv(), ok("n", json!("n")));
    // The emitter reaches the client once it is connected.
    c.send("sync", "echo", Value::Null);
    c.recv();
    assert_eq!(emitter.emit_event("tick", json!([1, 2])), 1);
    assert_eq!(c.recv(), json!({"event": "tick", "data": [1, 2]}));
    c.send("r", "raw", Value::Null);
    assert_eq!(c.recv_line(), "not json at all");
    assert_eq!(c.recv(), ok("r", json!(true)));
    c.finish();
}

#[test]
fn cancel_sets_the_token_of_the_running_request() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    c.send("long", "sleep", json!({"ms": 10_000}));
    c.send("c1", "$/cancel", json!({"id": "long"}));
    let mut others = Vec::new();
    let cancel = c.response_of("c1", &mut others);
    assert_eq!(cancel, ok("c1", Value::Null));
    let long = if others.is_empty() { c.recv() } else { others.remove(0) };
    // "cancelled", not the 10 s sleep's answer: the token woke the handler.
    assert_eq!(long, err("long", "cancelled"));
    // Cancelling something unknown is still answered with success.
    c.send("c2", "$/cancel", json!({"id": "nothing"}));
    assert_eq!(c.recv(), ok("c2", Value::Null));
    c.send("c3", "$/cancel", json!({}));
    assert_eq!(c.recv()["success"], false);
    c.finish();
}

#[test]
fn cancel_method_is_configurable_and_can_be_disabled() {
    let mut c = Client::start(test_server().cancel_method("stop"));
    c.expect_ready();
    c.send("long", "sleep", json!({"ms": 10_000}));
    c.send("c", "stop", json!({"id": "long"}));
    let mut others = Vec::new();
    assert_eq!(c.response_of("c", &mut others), ok("c", Value::Null));
    let long = if others.is_empty() { c.recv() } else { others.remove(0) };
    assert_eq!(long, err("long", "cancelled"));
    c.finish();

    let mut c = Client::start(test_server().cancel_method(""));
    c.expect_ready();
    c.send("c", "$/cancel", json!({"id": "x"}));
    assert_eq!(c.recv(), err("c", "unknown method: $/cancel"));
    c.finish();
}

#[test]
fn a_slow_request_does_not_block_a_quick_one() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    // Order, not wall time: the quick answer comes before the slow one.
    c.send("slow", "uncancellable_sleep", json!({"ms": 2000}));
    c.send("quick", "echo", json!(1));
    assert_eq!(c.recv(), ok("quick", json!(1)));
    assert_eq!(c.recv(), ok("slow", json!(true)));
    c.finish();
}

#[test]
fn many_slow_requests_run_concurrently() {
    // Order, not wall time: a short sleep and an echo sent after many long
    // sleeps are answered before any long one; run one after another, they
    // would wait for all of them. The synchronous handlers share the
    // blocking pool, so the long ones leave two of its threads free.
    let long = DEFAULT_MAX_BLOCKING_THREADS - 2;
    let mut c = Client::start(test_server());
    c.expect_ready();
    for i in 0..long {
        c.send(&format!("s{}", i), "uncancellable_sleep", json!({"ms": 3000}));
    }
    c.send("short", "uncancellable_sleep", json!({"ms": 10}));
    c.send("quick", "echo", Value::Null);
    let mut first_two = vec![c.recv()["id"].clone(), c.recv()["id"].clone()];
    first_two.sort_by_key(|id| id.to_string());
    assert_eq!(first_two, vec![json!("quick"), json!("short")]);
    for _ in 0..long {
        let v = c.recv();
        assert_eq!(v["success"], true, "{}", v);
        assert!(v["id"].as_str().unwrap().starts_with('s'), "{}", v);
    }
    c.finish();
}

#[test]
fn pipelined_quick_requests_are_all_answered() {
    let mut c = Client::start(test_server());
    c.expect_ready();
    let n = 20_000;
    let mut batch = String::new();
    for i in 0..n {
        let _ = writeln!(batch, "{{\"id\":\"{}\",\"method\":\"echo\",\"params\":{}}}", i, i);
    }
    let writer = {
        let mut tx = c.sender();
        std::thread::spawn(move || {
            use std::io::Write;
            tx.write_all(batch.as_bytes()).unwrap();
        })
    };
    // Quick requests are answered in order in practice, but the protocol
    // does not promise it (a request delayed by the OS may be overtaken),
    // so only completeness is checked.
    let mut got: Vec<i64> = (0..n)
        .map(|_| {
            let v = c.recv();
            assert_eq!(v["success"], true);
            assert_eq!(v["id"], v["result"].to_string());
            v["result"].as_i64().unwrap()
        })
        .collect();
    got.sort_unstable();
    assert!(got.iter().copied().eq(0..n as i64));
    writer.join().unwrap();
    c.finish();
}

#[derive(Deserialize, Describe)]
struct Upto {
    n: u32,
}

#[test]
fn typed_stream_handlers_sync_and_async() {
    let server = Server::new()
        .handle_signals(false)
        .typed_stream_handler("upto", |p: Upto, ctx| {
            for i in 0..p.n {
                ctx.send_chunk(i);
            }
            Ok(Sum { sum: i64::from(p.n) })
        })
        .async_typed_stream_handler("upto_async", |p: Upto, ctx| async move {
            for i in 0..p.n {
                ctx.send_chunk_async(i).await;
            }
            Ok(p.n)
        });
    let mut c = Client::start(server);
    c.expect_ready();
    c.send("a", "upto", json!({"n": 3}));
    for i in 0..3 {
        assert_eq!(c.recv(), json!({"id": "a", "stream": true, "data": i}));
    }
    assert_eq!(c.recv(), ok("a", json!({"sum": 3})));
    c.send("b", "upto_async", json!({"n": 2}));
    for i in 0..2 {
        assert_eq!(c.recv(), json!({"id": "b", "stream": true, "data": i}));
    }
    assert_eq!(c.recv(), ok("b", json!(2)));
    c.send("c", "upto_async", json!({"n": "x"}));
    let v = c.recv();
    assert!(v["error"].as_str().unwrap().starts_with("invalid params: "), "{}", v);
    c.finish();
}
