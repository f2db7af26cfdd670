//! Stdio for systems without Unix file descriptors (Windows): tokio's own
//! stdin and stdout. Unlike `stdio.rs` it does not protect the protocol:
//! a stray `println!` anywhere in the process ends up between protocol
//! lines and the client drops it as a malformed line (or, mid-line,
//! corrupts a response). Reads go through tokio's blocking pool.
//!
//! Compiled on Windows as `stdio`, and on Unix by the crate's tests.

use std::io;

use tokio::io::{AsyncRead, AsyncWrite};

/// Boxed input and output streams.
pub(crate) type Input = Box<dyn AsyncRead + Unpin + Send>;
pub(crate) type Output = Box<dyn AsyncWrite + Unpin + Send>;

/// Takes stdin and stdout for the protocol, as they are.
pub(crate) fn take_stdio() -> io::Result<(Input, Output)> {
    Ok((Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout())))
}
