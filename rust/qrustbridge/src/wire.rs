//! Wire format: parsing inbound request lines and serializing outbound
//! messages (responses, stream chunks, events), each as one `\n`-terminated
//! line.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

/// A well-formed request. Strings are borrowed from the input line when
/// they contain no escape sequences.
#[derive(Deserialize)]
struct FastRequest<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(default)]
    params: Value,
}

/// A parsed inbound request.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub id: Cow<'a, str>,
    pub method: Cow<'a, str>,
    pub params: Value,
}

/// Why a line could not be turned into a [`Request`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadLine {
    /// The request id, if one could be recovered.
    pub id: Option<String>,
    /// Human readable reason, sent as the error message.
    pub error: String,
}

/// Returns true when the line holds nothing but JSON whitespace.
pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Parses one request line.
pub(crate) fn parse_request(line: &[u8]) -> Result<Request<'_>, BadLine> {
    if let Ok(r) = serde_json::from_slice::<FastRequest<'_>>(line) {
        if first_non_ws(line) == Some(b'{') {
            return Ok(Request { id: r.id, method: r.method, params: r.params });
        }
    }
    Err(diagnose(line))
}

/// Works out why a line is not a valid request, and its id if possible.
fn diagnose(line: &[u8]) -> BadLine {
    let value = match serde_json::from_slice::<Value>(line) {
        Ok(v) => v,
        Err(e) => {
            if std::str::from_utf8(line).is_err() {
                let lossy = String::from_utf8_lossy(line);
                let id = serde_json::from_str::<Value>(&lossy)
                    .ok()
                    .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
                    .or_else(|| sniff_id(line));
                return BadLine { id, error: "invalid request: line is not valid UTF-8".to_owned() };
            }
            return BadLine { id: sniff_id(line), error: format!("invalid request: not JSON ({})", e) };
        }
    };
    let obj = match value.as_object() {
        Some(o) => o,
        None => {
            return BadLine { id: None, error: "invalid request: not a JSON object".to_owned() };
        }
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let error = match (&id, obj.get("method")) {
        (None, _) => "invalid request: missing or non-string \"id\"",
        (Some(_), Some(Value::String(_))) => "invalid request: malformed request object (duplicate keys?)",
        (Some(_), _) => "invalid request: missing or non-string \"method\"",
    }
    .to_owned();
    BadLine { id, error }
}

fn first_non_ws(line: &[u8]) -> Option<u8> {
    line.iter().copied().find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Recovers the request id from the start of a line that could not be
/// parsed (truncated, over-long, or invalid further on). Only the common
/// layout `{"id":"...",` is recognized, which is what clients that sort or
/// order keys (QJsonDocument, smartrust) write.
pub(crate) fn sniff_id(prefix: &[u8]) -> Option<String> {
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < prefix.len() && matches!(prefix[*i], b' ' | b'\t' | b'\r' | b'\n') {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if prefix.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    skip_ws(&mut i);
    if !prefix[i..].starts_with(b"\"id\"") {
        return None;
    }
    i += 4;
    skip_ws(&mut i);
    if prefix.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    skip_ws(&mut i);
    if prefix.get(i) != Some(&b'"') {
        return None;
    }
    let start = i;
    i += 1;
    while i < prefix.len() {
        match prefix[i] {
            b'\\' => i += 2,
            b'"' => return serde_json::from_slice::<String>(&prefix[start..=i]).ok(),
            _ => i += 1,
        }
    }
    None
}

#[derive(Serialize)]
struct OkResponse<'a, T: Serialize + ?Sized> {
    id: &'a str,
    success: bool,
    result: &'a T,
}

#[derive(Serialize)]
struct ErrResponse<'a> {
    id: &'a str,
    success: bool,
    error: &'a str,
    #[serde(rename = "errorCode", skip_serializing_if = "Option::is_none")]
    error_code: Option<&'a str>,
    #[serde(rename = "errorData", skip_serializing_if = "Option::is_none")]
    error_data: Option<&'a Value>,
}

#[derive(Serialize)]
struct Chunk<'a, T: Serialize + ?Sized> {
    id: &'a str,
    stream: bool,
    data: &'a T,
}

#[derive(Serialize)]
struct Event<'a, T: Serialize + ?Sized> {
    event: &'a str,
    data: &'a T,
}

fn to_line<T: Serialize + ?Sized>(msg: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    serde_json::to_writer(&mut out, msg)?;
    out.push(b'\n');
    Ok(out)
}

/// `{"id":..,"success":true,"result":..}\n`
pub(crate) fn ok_line(id: &str, result: &Value) -> Vec<u8> {
    // Serializing a `Value` cannot fail.
    typed_ok_line(id, result).unwrap_or_else(|e| err_line(id, &format!("cannot serialize result: {}", e)))
}

/// `{"id":..,"success":true,"result":..}\n`, the result serialized
/// straight from `T` (no `Value` in between, so struct fields keep their
/// declaration order).
pub(crate) fn typed_ok_line<T: Serialize + ?Sized>(id: &str, result: &T) -> serde_json::Result<Vec<u8>> {
    to_line(&OkResponse { id, success: true, result })
}

/// `{"id":..,"success":false,"error":..}\n`
pub(crate) fn err_line(id: &str, error: &str) -> Vec<u8> {
    error_line_parts(id, error, None, None)
}

/// The error response for `error`: `errorCode` and `errorData` are added
/// after `error` when set.
pub(crate) fn error_line(id: &str, error: &Error) -> Vec<u8> {
    error_line_parts(id, error.message(), error.code(), error.data())
}

fn error_line_parts(id: &str, error: &str, error_code: Option<&str>, error_data: Option<&Value>) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + id.len() + error.len());
    // Serializing strings and a `Value` cannot fail.
    let _ = serde_json::to_writer(&mut out, &ErrResponse { id, success: false, error, error_code, error_data });
    out.push(b'\n');
    out
}

/// `{"id":..,"stream":true,"data":..}\n`
pub(crate) fn chunk_line<T: Serialize + ?Sized>(id: &str, data: &T) -> serde_json::Result<Vec<u8>> {
    to_line(&Chunk { id, stream: true, data })
}

/// `{"event":..,"data":..}\n`
pub(crate) fn event_line<T: Serialize + ?Sized>(event: &str, data: &T) -> serde_json::Result<Vec<u8>> {
    to_line(&Event { event, data })
}

/// [`event_line`] for the public emit functions, which report a value that
/// does not serialize by returning false rather than an error: the failure
/// is logged here, once for all of them.
pub(crate) fn event_line_or_log<T: Serialize + ?Sized>(event: &str, data: &T) -> Option<Vec<u8>> {
    match event_line(event, data) {
        Ok(line) => Some(line),
        Err(e) => {
            log::error!("cannot serialize event \"{}\": {}", event, e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_request_with_and_without_params() {
        let r = parse_request(br#"{"id":"1","method":"echo","params":{"a":[1,2]}}"#).unwrap();
        assert_eq!(r.id, "1");
        assert_eq!(r.method, "echo");
        assert_eq!(r.params, json!({"a":[1,2]}));
        assert!(matches!(r.id, Cow::Borrowed(_)));

        let r = parse_request(br#" {"method":"m","id":"a\"b","extra":5}"#).unwrap();
        assert_eq!(r.id, "a\"b");
        assert_eq!(r.params, Value::Null);
    }

    #[test]
    fn diagnoses_bad_lines() {
        let bad = |l: &[u8]| parse_request(l).unwrap_err();
        assert_eq!(bad(b"this is not json").id, None);
        assert!(bad(b"this is not json").error.starts_with("invalid request: not JSON"));
        assert_eq!(bad(b"[1,2,3]"), BadLine { id: None, error: "invalid request: not a JSON object".into() });
        assert_eq!(bad(b"\"x\"").error, "invalid request: not a JSON object");
        let e = bad(br#"{"id":"5"}"#);
        assert_eq!(e.id.as_deref(), Some("5"));
        assert!(e.error.contains("method"));
        let e = bad(br#"{"id":"5","method":42}"#);
        assert_eq!(e.id.as_deref(), Some("5"));
        let e = bad(br#"{"id":5,"method":"echo"}"#);
        assert_eq!(e.id, None);
        assert!(e.error.contains("\"id\""));
        let e = bad(br#"{"id":"9","method":"echo","params":{"#);
        assert_eq!(e.id.as_deref(), Some("9"));
        assert!(e.error.starts_with("invalid request: not JSON"));
    }

    #[test]
    fn invalid_utf8_is_reported_with_id() {
        let e = parse_request(b"{\"id\":\"u\",\"method\":\"echo\",\"params\":\"\xff\xfe\"}").unwrap_err();
        assert_eq!(e.id.as_deref(), Some("u"));
        assert_eq!(e.error, "invalid request: line is not valid UTF-8");
        let e = parse_request(b"\xff\xff").unwrap_err();
        assert_eq!(e.id, None);
    }

    #[test]
    fn sniffs_ids() {
        assert_eq!(sniff_id(br#"{"id":"abc","method":"x","params":"trunc"#).as_deref(), Some("abc"));
        assert_eq!(sniff_id(br#" { "id" : "a\"b\\" , "#).as_deref(), Some("a\"b\\"));
        assert_eq!(sniff_id(br#"{"method":"x","id":"1"}"#), None);
        assert_eq!(sniff_id(br#"{"id":"unterminated"#), None);
        assert_eq!(sniff_id(br#"{"id":12}"#), None);
        assert_eq!(sniff_id(b""), None);
    }

    #[test]
    fn serializes_messages_in_smartrust_shape() {
        assert_eq!(ok_line("1", &json!({"x":1})), b"{\"id\":\"1\",\"success\":true,\"result\":{\"x\":1}}\n");
        assert_eq!(err_line("2", "bad \"x\""), b"{\"id\":\"2\",\"success\":false,\"error\":\"bad \\\"x\\\"\"}\n");
        assert_eq!(chunk_line("3", &json!([1])).unwrap(), b"{\"id\":\"3\",\"stream\":true,\"data\":[1]}\n");
        assert_eq!(event_line("ready", &json!({})).unwrap(), b"{\"event\":\"ready\",\"data\":{}}\n");
        assert_eq!(ok_line("n", &Value::Null), b"{\"id\":\"n\",\"success\":true,\"result\":null}\n");
        assert_eq!(error_line("4", &Error::new("plain")), b"{\"id\":\"4\",\"success\":false,\"error\":\"plain\"}\n");
    }

    #[test]
    fn error_code_and_data_follow_the_message() {
        let e = Error::coded("E_X", "failed").with_data(json!({"hint": "retry"}));
        assert_eq!(
            String::from_utf8(error_line("5", &e)).unwrap(),
            "{\"id\":\"5\",\"success\":false,\"error\":\"failed\",\"errorCode\":\"E_X\",\"errorData\":{\"hint\":\"retry\"}}\n"
        );
        let data_only = Error::new("m").with_data(3);
        assert_eq!(
            String::from_utf8(error_line("6", &data_only)).unwrap(),
            "{\"id\":\"6\",\"success\":false,\"error\":\"m\",\"errorData\":3}\n"
        );
    }

    #[test]
    fn typed_results_keep_field_order() {
        #[derive(Serialize)]
        struct Z {
            zeta: u8,
            alpha: u8,
        }
        assert_eq!(
            String::from_utf8(typed_ok_line("7", &Z { zeta: 1, alpha: 2 }).unwrap()).unwrap(),
            "{\"id\":\"7\",\"success\":true,\"result\":{\"zeta\":1,\"alpha\":2}}\n"
        );
    }
}
