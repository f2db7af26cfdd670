//! [`Error`]: what a handler returns when a request fails.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// The error of a failed request, sent to the client as
/// `{"id":..,"success":false,"error":"<message>"}`, plus
/// `"errorCode":"<code>"` and `"errorData":<data>` when set.
///
/// Handlers return `Result<T, qrustbridge::Error>`. It converts from the
/// errors handlers usually meet, so `?` works on them: strings (`&str`,
/// `String`), [`std::io::Error`], [`serde_json::Error`], boxed errors
/// (`Box<dyn std::error::Error>`, also `+ Send + Sync`), the standard
/// parse errors, and tokio's `JoinError` and `Elapsed`. The message is the
/// source error's `Display` text, so the client sees what `to_string()`
/// says.
///
/// ```
/// use qrustbridge::Error;
///
/// fn load(path: &str) -> Result<String, Error> {
///     if path.is_empty() {
///         return Err("no path given".into());
///     }
///     Ok(std::fs::read_to_string(path)?)
/// }
///
/// // A machine-readable code and data for the client, beside the message:
/// let e = Error::coded("E_QUOTA", "quota exceeded").with_data(serde_json::json!({ "limit": 10 }));
/// assert_eq!(e.code(), Some("E_QUOTA"));
/// ```
///
/// An error type of your own converts with [`Error::from_error`] (`.map_err(Error::from_error)`)
/// or with an `impl From<MyError> for qrustbridge::Error` in your crate.
/// (A blanket conversion from every `std::error::Error` would forbid the
/// one from `String`, which is why the list above is explicit.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    code: Option<String>,
    data: Option<Value>,
}

impl Error {
    /// An error with this message and no code.
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into(), code: None, data: None }
    }

    /// An error with a machine-readable `code` (sent as `errorCode`) and a
    /// message for people (sent as `error`). Codes are the backend's own;
    /// a short `E_UPPER_CASE` style keeps them apart from messages.
    pub fn coded(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error { message: message.into(), code: Some(code.into()), data: None }
    }

    /// An error carrying the `Display` text of any error value.
    pub fn from_error<E: fmt::Display>(error: E) -> Error {
        Error::new(error.to_string())
    }

    /// Sets the code (sent as `errorCode`).
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Error {
        self.code = Some(code.into());
        self
    }

    /// Attaches data for the client (sent as `errorData`), any
    /// `Serialize` value. Data that fails to serialize is logged and left
    /// out; the error itself still goes out.
    #[must_use]
    pub fn with_data<T: Serialize>(mut self, data: T) -> Error {
        match serde_json::to_value(data) {
            Ok(v) => self.data = Some(v),
            Err(e) => log::error!("error data of \"{}\" left out: {}", self.message, e),
        }
        self
    }

    /// The message, sent as `error`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The code, sent as `errorCode`, if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The data, sent as `errorData`, if any.
    pub fn data(&self) -> Option<&Value> {
        self.data.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{} ({})", self.message, code),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::new(message)
    }
}

impl<'a> From<&'a str> for Error {
    fn from(message: &'a str) -> Error {
        Error::new(message)
    }
}

impl<'a> From<Cow<'a, str>> for Error {
    fn from(message: Cow<'a, str>) -> Error {
        Error::new(message)
    }
}

impl From<Box<dyn std::error::Error>> for Error {
    fn from(error: Box<dyn std::error::Error>) -> Error {
        Error::from_error(error)
    }
}

impl From<Box<dyn std::error::Error + Send>> for Error {
    fn from(error: Box<dyn std::error::Error + Send>) -> Error {
        Error::from_error(error)
    }
}

impl From<Box<dyn std::error::Error + Send + Sync>> for Error {
    fn from(error: Box<dyn std::error::Error + Send + Sync>) -> Error {
        Error::from_error(error)
    }
}

/// `From` by the source's `Display` text, for error types of std and of
/// the crates this one depends on anyway.
macro_rules! from_display {
    ($($t:ty),* $(,)?) => {
        $(
            impl From<$t> for Error {
                fn from(error: $t) -> Error {
                    Error::from_error(error)
                }
            }
        )*
    };
}

from_display!(
    std::io::Error,
    serde_json::Error,
    fmt::Error,
    std::num::ParseIntError,
    std::num::ParseFloatError,
    std::num::TryFromIntError,
    std::str::ParseBoolError,
    std::str::Utf8Error,
    std::string::FromUtf8Error,
    std::net::AddrParseError,
    std::time::SystemTimeError,
    tokio::task::JoinError,
    tokio::time::error::Elapsed,
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(path: &str) -> Result<String, Error> {
        Ok(std::fs::read_to_string(path)?)
    }

    fn parse(text: &str) -> Result<Value, Error> {
        let n: i64 = text.parse()?;
        let v: Value = serde_json::from_str(&format!("[{}]", n))?;
        Ok(v)
    }

    fn boxed() -> Result<(), Box<dyn std::error::Error>> {
        Err("boxed failure".into())
    }

    fn boxed_to_error() -> Result<(), Error> {
        boxed()?;
        Ok(())
    }

    #[test]
    fn question_mark_converts_common_errors_by_their_message() {
        let e = read("/nonexistent/qrustbridge").unwrap_err();
        assert!(e.message().contains("No such file"), "{}", e);
        assert_eq!(e.code(), None);
        assert_eq!(parse("x").unwrap_err().message(), "invalid digit found in string");
        assert_eq!(parse("5").unwrap(), json!([5]));
        assert_eq!(boxed_to_error().unwrap_err().message(), "boxed failure");
        let from_str: Error = "plain".into();
        assert_eq!(from_str, Error::new(String::from("plain")));
    }

    #[test]
    fn code_and_data_are_kept_and_shown() {
        let e = Error::coded("E_X", "went wrong").with_data(json!({"n": 1}));
        assert_eq!(e.code(), Some("E_X"));
        assert_eq!(e.data(), Some(&json!({"n": 1})));
        assert_eq!(e.to_string(), "went wrong (E_X)");
        assert_eq!(Error::new("m").with_code("C").code(), Some("C"));
    }
}
