//! Test harness: runs a `Server` in memory over a socket pair and talks to
//! it line by line, like a client would.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use qrustbridge::serde_json::{self, json, Value};
use qrustbridge::Server;

pub struct Client {
    tx: UnixStream,
    rx: BufReader<UnixStream>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl Client {
    /// Starts `server.serve_io(..)` on a thread.
    pub fn start(server: Server) -> Client {
        let (client, server_side) = UnixStream::pair().unwrap();
        let input = server_side.try_clone().unwrap();
        let handle = std::thread::spawn(move || server.serve_io(input, server_side));
        client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let rx = BufReader::new(client.try_clone().unwrap());
        Client { tx: client, rx, server: Some(handle) }
    }

    /// Wraps an already connected stream (socket tests).
    pub fn connect(stream: UnixStream) -> Client {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let rx = BufReader::new(stream.try_clone().unwrap());
        Client { tx: stream, rx, server: None }
    }

    /// A second handle on the sending side, for writer threads.
    pub fn sender(&self) -> UnixStream {
        self.tx.try_clone().unwrap()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.tx.write_all(bytes).unwrap();
    }

    pub fn send(&mut self, id: &str, method: &str, params: Value) {
        let line = serde_json::to_string(&json!({"id": id, "method": method, "params": params})).unwrap();
        self.send_raw(format!("{}\n", line).as_bytes());
    }

    /// Next line as raw text (without `\n`); panics after 10 s.
    pub fn recv_line(&mut self) -> String {
        let mut line = String::new();
        let n = self.rx.read_line(&mut line).expect("read from server");
        assert!(n > 0, "server closed the connection");
        assert!(line.ends_with('\n'), "unterminated line {:?}", line);
        line.pop();
        line
    }

    pub fn recv(&mut self) -> Value {
        let line = self.recv_line();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad JSON {:?}: {}", line, e))
    }

    /// Reads until the final response of `id`, returning it; other lines
    /// (chunks, events, other responses) are collected into `others`.
    pub fn response_of(&mut self, id: &str, others: &mut Vec<Value>) -> Value {
        loop {
            let v = self.recv();
            if v["id"] == id && v.get("success").is_some() {
                return v;
            }
            others.push(v);
        }
    }

    pub fn expect_ready(&mut self) -> Value {
        let v = self.recv();
        assert_eq!(v["event"], "ready", "first line must be the ready event: {}", v);
        v
    }

    /// Closes our sending side: the server sees EOF.
    pub fn close_input(&mut self) {
        self.tx.shutdown(Shutdown::Write).unwrap();
    }

    /// Reads everything until the server closes the connection.
    pub fn recv_all(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let mut line = String::new();
            if self.rx.read_line(&mut line).expect("read") == 0 {
                return out;
            }
            out.push(serde_json::from_str(line.trim_end()).unwrap());
        }
    }

    /// Closes input and waits for `serve_io` to return.
    pub fn finish(mut self) -> (Vec<Value>, Duration) {
        let start = Instant::now();
        self.close_input();
        let rest = self.recv_all();
        self.server.take().unwrap().join().unwrap().unwrap();
        (rest, start.elapsed())
    }
}

pub fn ok(id: &str, result: Value) -> Value {
    json!({"id": id, "success": true, "result": result})
}

pub fn err(id: &str, error: &str) -> Value {
    json!({"id": id, "success": false, "error": error})
}
