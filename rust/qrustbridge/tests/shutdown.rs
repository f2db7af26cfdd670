//! The end of a connection (stdin EOF in stdio mode; here the end of
//! `serve_io`'s input, which takes the same path as SIGTERM and
//! `ShutdownHandle::shutdown`): every request is cancelled at once, async
//! handlers are dropped, queued requests never start, synchronous handlers
//! get the grace period to return.

mod common;

use std::net::Shutdown;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{err, ok, Client};
use qrustbridge::serde_json::{json, Value};
use qrustbridge::Server;

const SHUTTING_DOWN: &str = "cancelled: server shutting down";

/// A grace period no test may wait out: the bounds below are far under it.
const LONG_GRACE: Duration = Duration::from_secs(60);

/// Handlers that report when they start (on `started`); `block` then
/// waits for the test's go-ahead (on `release`) and ignores its token.
fn server(started: mpsc::Sender<String>, release: mpsc::Receiver<()>) -> Server {
    let release = Arc::new(Mutex::new(release));
    let s1 = Mutex::new(started.clone());
    let s2 = Mutex::new(started.clone());
    let s3 = Mutex::new(started);
    Server::new()
        .handle_signals(false)
        .handler("echo", |p, _| Ok(p))
        .async_handler("async_sleep", move |_, ctx| {
            s1.lock().unwrap().send(ctx.id().to_owned()).unwrap();
            async move {
                tokio::time::sleep(Duration::from_secs(600)).await;
                Ok(json!("slept"))
            }
        })
        .handler("polite_sleep", move |_, ctx| {
            s2.lock().unwrap().send(ctx.id().to_owned()).unwrap();
            // What a handler returns after its token was cancelled is
            // written as returned, as after a cancel request.
            if ctx.cancelled_wait(Duration::from_secs(600)) {
                Ok(json!("noticed"))
            } else {
                Ok(json!("slept"))
            }
        })
        .handler("block", move |p, ctx| {
            let started = s3.lock().unwrap().clone();
            started.send(ctx.id().to_owned()).unwrap();
            if p["report_cancel"] == true {
                // Goes on after the cancel, but tells the test it saw it.
                assert!(ctx.cancelled_wait(Duration::from_secs(600)));
                started.send(format!("{} saw the cancel", ctx.id())).unwrap();
            }
            let go = release.lock().unwrap().recv_timeout(Duration::from_secs(600)).is_ok();
            Ok(json!({ "released": go, "cancelled": ctx.is_cancelled() }))
        })
}

struct Setup {
    client: Client,
    started: mpsc::Receiver<String>,
    release: mpsc::Sender<()>,
}

fn start(configure: impl FnOnce(Server) -> Server) -> Setup {
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let mut client = Client::start(configure(server(started_tx, release_rx)));
    client.expect_ready();
    Setup { client, started, release }
}

impl Setup {
    fn wait_started(&self, id: &str) {
        assert_eq!(self.started.recv_timeout(Duration::from_secs(10)).unwrap(), id);
    }
}

#[test]
fn a_running_async_request_is_dropped_and_answered_at_once() {
    let mut s = start(|server| server.shutdown_timeout(LONG_GRACE));
    s.client.send("a", "async_sleep", Value::Null);
    s.wait_started("a");
    let (rest, took) = s.client.finish();
    assert_eq!(rest, vec![err("a", SHUTTING_DOWN)]);
    // Not the 60 s grace period; generous for a loaded machine.
    assert!(took < Duration::from_secs(10), "took {:?}", took);
}

#[test]
fn a_sync_handler_that_polls_its_token_returns_early_and_its_answer_is_written() {
    let mut s = start(|server| server.shutdown_timeout(LONG_GRACE));
    s.client.send("p", "polite_sleep", Value::Null);
    s.wait_started("p");
    let (rest, took) = s.client.finish();
    assert_eq!(rest, vec![ok("p", json!("noticed"))]);
    assert!(took < Duration::from_secs(10), "took {:?}", took);
}

#[test]
fn a_sync_handler_that_ignores_its_token_is_waited_for_only_the_grace_period() {
    let grace = Duration::from_millis(500);
    let mut s = start(|server| server.shutdown_timeout(grace));
    s.client.send("b", "block", Value::Null);
    s.wait_started("b");
    let (rest, took) = s.client.finish();
    // Left behind: no answer, the connection just ends.
    assert_eq!(rest, Vec::<Value>::new());
    // It did wait (lower bound); the upper bound is grace + 1 s as
    // promised, plus slack for a loaded machine.
    assert!(took >= grace - Duration::from_millis(50), "took {:?}", took);
    assert!(took < grace + Duration::from_secs(4), "took {:?}", took);
    // The handler thread, still blocked, may end now.
    let _ = s.release.send(());
}

#[test]
fn a_sync_answer_that_comes_within_the_grace_period_is_written() {
    let mut s = start(|server| server.shutdown_timeout(LONG_GRACE));
    s.client.send("b", "block", json!({"report_cancel": true}));
    s.wait_started("b");
    s.client.sender().shutdown(Shutdown::Write).unwrap();
    s.wait_started("b saw the cancel");
    // Within the grace period, after the cancel: still written.
    s.release.send(()).unwrap();
    let (rest, took) = s.client.finish();
    assert_eq!(rest, vec![ok("b", json!({"released": true, "cancelled": true}))]);
    assert!(took < Duration::from_secs(10), "took {:?}", took);
}

/// Requests over the in-flight limit wait for a slot; at the end they are
/// answered at once, while the request holding the slot still runs.
#[test]
fn requests_waiting_for_a_slot_are_answered_cancelled_at_once() {
    let mut s = start(|server| server.shutdown_timeout(LONG_GRACE).max_in_flight(1));
    s.client.send("b", "block", Value::Null);
    s.wait_started("b");
    s.client.send("q1", "echo", json!(1));
    s.client.send("q2", "async_sleep", Value::Null);
    shut_down_with_q1_q2_queued_behind_b(s);
}

/// Synchronous requests waiting for a blocking worker (all busy) are
/// answered at once too, not when a worker frees up.
#[test]
fn requests_waiting_for_a_blocking_worker_are_answered_cancelled_at_once() {
    let mut s = start(|server| server.shutdown_timeout(LONG_GRACE).max_blocking_threads(1));
    s.client.send("b", "block", Value::Null);
    s.wait_started("b");
    s.client.send("q1", "polite_sleep", Value::Null);
    s.client.send("q2", "echo", json!(2));
    shut_down_with_q1_q2_queued_behind_b(s);
}

/// Ends the input while "b" blocks and "q1", "q2" wait behind it: both are
/// answered cancelled while "b" still blocks, and neither ever starts.
fn shut_down_with_q1_q2_queued_behind_b(mut s: Setup) {
    s.client.sender().shutdown(Shutdown::Write).unwrap();
    let mut queued = vec![s.client.recv(), s.client.recv()];
    queued.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_owned());
    assert_eq!(queued, vec![err("q1", SHUTTING_DOWN), err("q2", SHUTTING_DOWN)]);
    s.release.send(()).unwrap();
    let (rest, _) = s.client.finish();
    assert_eq!(rest, vec![ok("b", json!({"released": true, "cancelled": true}))]);
    assert!(s.started.try_recv().is_err());
}

#[test]
fn a_cancel_request_still_answers_plain_cancelled() {
    let mut s = start(|server| server.shutdown_timeout(LONG_GRACE).cancel_method("$/cancel"));
    s.client.send("a", "async_sleep", Value::Null);
    s.wait_started("a");
    s.client.send("c", "$/cancel", json!({"id": "a"}));
    let mut both = vec![s.client.recv(), s.client.recv()];
    both.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_owned());
    assert_eq!(both, vec![err("a", "cancelled"), ok("c", Value::Null)]);
    let start = Instant::now();
    let (rest, _) = s.client.finish();
    assert!(rest.is_empty(), "{:?}", rest);
    assert!(start.elapsed() < Duration::from_secs(10));
}
