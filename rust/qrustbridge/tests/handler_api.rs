//! The handler API as a backend author meets it: errors with `?`,
//! structured errors (`errorCode`/`errorData`), typed results in field
//! order, deferred replies through a `Responder`, per-client handles and
//! the connection hooks. Wire lines are compared byte for byte.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{err, ok, Client};
use qrustbridge::serde_json::{self, json, Value};
use qrustbridge::{ClientHandle, Context, Describe, Error, Responder, Server, Transport};
use serde::{Deserialize, Serialize};

/// Declared in non-alphabetical order on purpose.
#[derive(Serialize, Describe)]
struct Reading {
    zone: &'static str,
    celsius: f64,
    at: u32,
}

#[derive(Deserialize, Describe)]
struct Path {
    path: String,
}

fn read_file(p: Path, _ctx: &Context) -> Result<String, Error> {
    Ok(std::fs::read_to_string(p.path)?)
}

fn parse_json(text: &str) -> Result<Value, Error> {
    let v: Value = serde_json::from_str(text)?;
    Ok(v)
}

fn boxed_failure() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err("boxed failure".into())
}

fn error_server() -> Server {
    Server::new()
        .handle_signals(false)
        .typed_handler("read", read_file)
        .handler("parse", |p, _| parse_json(p.as_str().unwrap_or("")))
        .handler("boxed", |_, _| {
            boxed_failure()?;
            Ok(Value::Null)
        })
        .handler("str", |p, _| {
            let name = p["name"].as_str().ok_or("missing name")?;
            Ok(json!(name))
        })
        .handler("string", |_, _| Err(format!("formatted {}", 7).into()))
        .handler("coded", |_, _| Err(Error::coded("E_DEMO", "demo failure").with_data(json!({"hint": "retry", "n": 2}))))
        .async_handler("async_coded", |_, _| async { Err(Error::coded("E_ASYNC", "async failure")) })
        .typed_handler("reading", |_: Value, _| Ok(Reading { zone: "attic", celsius: 21.5, at: 3 }))
        .async_typed_handler("async_reading", |_: Value, _| async { Ok(Reading { zone: "cellar", celsius: 9.0, at: 4 }) })
        .typed_stream_handler("readings", |_: Value, ctx| {
            ctx.send_chunk(Reading { zone: "a", celsius: 1.0, at: 1 });
            Ok(Reading { zone: "b", celsius: 2.0, at: 2 })
        })
}

#[test]
fn question_mark_works_on_io_serde_boxed_and_string_errors() {
    let mut c = Client::start(error_server());
    c.expect_ready();
    c.send("1", "read", json!({"path": "/nonexistent/qrustbridge-test"}));
    assert_eq!(c.recv_line(), r#"{"id":"1","success":false,"error":"No such file or directory (os error 2)"}"#);
    c.send("2", "parse", json!("{not json"));
    let v = c.recv();
    assert_eq!(v["id"], "2");
    assert!(v["error"].as_str().unwrap().starts_with("key must be a string"), "{}", v);
    assert!(v.get("errorCode").is_none());
    c.send("3", "boxed", Value::Null);
    assert_eq!(c.recv_line(), r#"{"id":"3","success":false,"error":"boxed failure"}"#);
    c.send("4", "str", json!({}));
    assert_eq!(c.recv_line(), r#"{"id":"4","success":false,"error":"missing name"}"#);
    c.send("5", "str", json!({"name": "x"}));
    assert_eq!(c.recv(), ok("5", json!("x")));
    c.send("6", "string", Value::Null);
    assert_eq!(c.recv(), err("6", "formatted 7"));
    c.finish();
}

#[test]
fn coded_errors_carry_error_code_and_data_after_the_message() {
    let mut c = Client::start(error_server());
    c.expect_ready();
    c.send("1", "coded", Value::Null);
    assert_eq!(
        c.recv_line(),
        r#"{"id":"1","success":false,"error":"demo failure","errorCode":"E_DEMO","errorData":{"hint":"retry","n":2}}"#
    );
    c.send("2", "async_coded", Value::Null);
    assert_eq!(c.recv_line(), r#"{"id":"2","success":false,"error":"async failure","errorCode":"E_ASYNC"}"#);
    c.finish();
}

#[test]
fn typed_results_and_chunks_keep_struct_field_order() {
    let mut c = Client::start(error_server());
    c.expect_ready();
    c.send("1", "reading", Value::Null);
    assert_eq!(c.recv_line(), r#"{"id":"1","success":true,"result":{"zone":"attic","celsius":21.5,"at":3}}"#);
    c.send("2", "async_reading", Value::Null);
    assert_eq!(c.recv_line(), r#"{"id":"2","success":true,"result":{"zone":"cellar","celsius":9.0,"at":4}}"#);
    c.send("3", "readings", Value::Null);
    assert_eq!(c.recv_line(), r#"{"id":"3","stream":true,"data":{"zone":"a","celsius":1.0,"at":1}}"#);
    assert_eq!(c.recv_line(), r#"{"id":"3","success":true,"result":{"zone":"b","celsius":2.0,"at":2}}"#);
    c.finish();
}

const DROPPED: &str = "no reply: the handler dropped its Responder without answering";

#[derive(Deserialize, Describe)]
struct Add {
    a: i64,
    b: i64,
}

/// Handlers that hand their responder to the test (`out`) or answer after
/// being cancelled (telling the test whether that answer went out).
fn deferred_server(out: mpsc::Sender<Responder>, late: mpsc::Sender<Option<bool>>) -> Server {
    // mpsc::Sender is not Sync on Rust 1.63.
    let out = Mutex::new(out);
    let late = Mutex::new(late);
    Server::new()
        .handle_signals(false)
        .handler("echo", |p, _| Ok(p))
        .deferred_handler("hand_out", move |_: Value, r: Responder| out.lock().unwrap().send(r).unwrap())
        .deferred_handler("drop", |_: Value, r: Responder| drop(r))
        .deferred_handler("drop_in_thread", |_: Value, r: Responder| {
            std::thread::spawn(move || drop(r));
        })
        .deferred_handler("panic", |_: Value, _r: Responder| panic!("deferred boom"))
        .deferred_handler("panic_in_thread", |_: Value, r: Responder| {
            std::thread::spawn(move || {
                let _keep = r;
                panic!("thread boom");
            });
        })
        .deferred_handler("add", |p: Add, r: Responder| {
            std::thread::spawn(move || r.ok(p.a + p.b));
        })
        .deferred_handler("task", |_: Value, r: Responder| {
            // From a tokio task: the blocking pool runs inside the runtime.
            qrustbridge::tokio::spawn(async move { r.err(Error::coded("E_LATER", "from a task")) });
        })
        .deferred_handler("after_cancel", move |_: Value, r: Responder| {
            let late = late.lock().unwrap().clone();
            late.send(None).unwrap();
            std::thread::spawn(move || {
                assert!(r.cancel_token().wait(Duration::from_secs(30)));
                late.send(Some(r.ok("too late"))).unwrap();
            });
        })
}

fn deferred_client() -> (Client, mpsc::Receiver<Responder>, mpsc::Receiver<Option<bool>>) {
    let (out, responders) = mpsc::channel();
    let (late, late_results) = mpsc::channel();
    let mut c = Client::start(deferred_server(out, late).shutdown_timeout(Duration::from_millis(200)));
    c.expect_ready();
    (c, responders, late_results)
}

#[test]
fn a_deferred_reply_is_answered_later_from_another_thread() {
    let (mut c, responders, _) = deferred_client();
    c.send("d", "hand_out", Value::Null);
    let responder = responders.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(responder.id(), "d");
    assert!(!responder.is_cancelled());
    // Not answered yet: a later request overtakes it.
    c.send("e", "echo", json!(1));
    assert_eq!(c.recv(), ok("e", json!(1)));
    let answered = std::thread::spawn(move || responder.ok(Reading { zone: "late", celsius: 0.5, at: 9 }));
    assert!(answered.join().unwrap());
    assert_eq!(c.recv_line(), r#"{"id":"d","success":true,"result":{"zone":"late","celsius":0.5,"at":9}}"#);
    c.send("a", "add", json!({"a": 2, "b": 3}));
    assert_eq!(c.recv_line(), r#"{"id":"a","success":true,"result":5}"#);
    c.send("bad", "add", json!({"a": "x"}));
    assert!(c.recv()["error"].as_str().unwrap().starts_with("invalid params: "));
    c.send("t", "task", Value::Null);
    assert_eq!(c.recv_line(), r#"{"id":"t","success":false,"error":"from a task","errorCode":"E_LATER"}"#);
    c.finish();
}

#[test]
fn a_deferred_reply_after_cancel_is_dropped_and_the_client_gets_cancelled_once() {
    let (mut c, responders, late_results) = deferred_client();
    c.send("d", "hand_out", Value::Null);
    let responder = responders.recv_timeout(Duration::from_secs(10)).unwrap();
    c.send("c", "$/cancel", json!({"id": "d"}));
    let mut others = Vec::new();
    assert_eq!(c.response_of("c", &mut others), ok("c", Value::Null));
    let cancelled = if others.is_empty() { c.recv() } else { others.remove(0) };
    assert_eq!(cancelled, err("d", "cancelled"));
    // Answering now is refused ...
    assert!(responder.is_cancelled());
    assert!(!responder.ok("too late"));
    // ... and nothing is written: the next line is the next response.
    c.send("e", "echo", json!("next"));
    assert_eq!(c.recv(), ok("e", json!("next")));

    // The same from a thread that waits for the cancel on the token.
    c.send("w", "after_cancel", Value::Null);
    assert_eq!(late_results.recv_timeout(Duration::from_secs(10)).unwrap(), None);
    c.send("c2", "$/cancel", json!({"id": "w"}));
    let mut lines = vec![c.recv(), c.recv()];
    lines.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_owned());
    assert_eq!(lines, vec![ok("c2", Value::Null), err("w", "cancelled")]);
    assert_eq!(late_results.recv_timeout(Duration::from_secs(10)).unwrap(), Some(false));
    c.send("e2", "echo", json!("next"));
    assert_eq!(c.recv(), ok("e2", json!("next")));
    c.finish();
}

#[test]
fn a_dropped_responder_answers_with_an_error_never_silence() {
    let (mut c, responders, _) = deferred_client();
    c.send("1", "drop", Value::Null);
    assert_eq!(c.recv(), err("1", DROPPED));
    c.send("2", "drop_in_thread", Value::Null);
    assert_eq!(c.recv(), err("2", DROPPED));
    c.send("3", "panic", Value::Null);
    assert_eq!(c.recv(), err("3", "handler panicked: deferred boom"));
    c.send("4", "panic_in_thread", Value::Null);
    assert_eq!(c.recv(), err("4", DROPPED));
    // Unanswered at the end of input: cancelled at once, with the reason.
    c.send("5", "hand_out", Value::Null);
    let responder = responders.recv_timeout(Duration::from_secs(10)).unwrap();
    let (rest, _) = c.finish();
    assert_eq!(rest, vec![err("5", "cancelled: server shutting down")]);
    assert!(responder.is_cancelled());
    assert!(!responder.ok(1));
}

#[test]
fn client_handles_reach_one_client_outside_any_request() {
    let clients: Arc<Mutex<Vec<ClientHandle>>> = Arc::default();
    let (gone_tx, gone) = mpsc::channel::<u64>();
    let gone_tx = Mutex::new(gone_tx);
    let kept = clients.clone();
    let server = Server::new()
        .handle_signals(false)
        .on_connect(move |client| {
            assert_eq!(client.transport(), Transport::Io);
            assert_eq!(client.credentials(), None);
            kept.lock().unwrap().push(client.clone());
            Ok(())
        })
        .on_disconnect(move |client| {
            assert!(!client.is_connected());
            gone_tx.lock().unwrap().send(client.id()).unwrap();
        })
        .deferred_handler("notify_later", |p: Value, r: Responder| {
            let client = r.context().client().clone();
            std::thread::spawn(move || {
                assert!(r.ok("replied"));
                // After the reply, in order: same thread.
                assert!(client.emit_event("later", p));
            });
        });
    let mut c = Client::start(server);
    c.expect_ready();
    c.send("n", "notify_later", json!({"k": 1}));
    assert_eq!(c.recv(), ok("n", json!("replied")));
    assert_eq!(c.recv_line(), r#"{"event":"later","data":{"k":1}}"#);
    let client = clients.lock().unwrap()[0].clone();
    assert!(client.is_connected());
    assert!(client.emit_event("direct", 1));
    assert_eq!(c.recv(), json!({"event": "direct", "data": 1}));
    assert!(client.try_emit_event("try", 2));
    assert_eq!(c.recv(), json!({"event": "try", "data": 2}));
    c.finish();
    assert_eq!(gone.recv_timeout(Duration::from_secs(10)).unwrap(), client.id());
    assert!(!client.is_connected());
    assert!(!client.emit_event("after", 3));
    assert!(format!("{:?}", client).contains("connected: false"));
}

#[test]
fn on_connect_can_refuse_a_client_which_then_gets_nothing() {
    use std::io::Read;
    let server = Server::new().handle_signals(false).on_connect(|_| Err(Error::new("not you")));
    let (mut client, server_side) = std::os::unix::net::UnixStream::pair().unwrap();
    let input = server_side.try_clone().unwrap();
    let served = std::thread::spawn(move || server.serve_io(input, server_side));
    let e = served.join().unwrap().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
    assert_eq!(e.to_string(), "client refused: not you");
    // serve_io's input copier still holds the stream until our input ends.
    client.shutdown(std::net::Shutdown::Write).unwrap();
    client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut everything = Vec::new();
    client.read_to_end(&mut everything).unwrap();
    assert!(everything.is_empty(), "{:?}", String::from_utf8_lossy(&everything));
}
