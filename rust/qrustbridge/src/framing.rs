//! Newline framing of the inbound byte stream.
//!
//! [`LineReader`] turns any [`AsyncRead`] into a sequence of [`Frame`]s. It reads
//! in fixed-size chunks, scans every byte once (the part of a pending line
//! that was already searched for `\n` is never searched again), and never
//! holds more than `max_line_bytes + 1` bytes of a single line: once a line
//! is known to be too long, the rest of it is dropped chunk by chunk until
//! the next newline, keeping only a short prefix so that the caller may try
//! to recover the request id from it. After a long line the buffer shrinks
//! back to its initial size, so one big request does not pin its memory.

use std::io::{self, ErrorKind};

use tokio::io::{AsyncRead, AsyncReadExt};

/// Size of a single `read()` call.
const READ_CHUNK: usize = 64 * 1024;

/// How many leading bytes of an over-long line are kept for id sniffing.
pub(crate) const PREFIX_KEEP: usize = 1024;

/// One unit produced by [`LineReader::next_frame`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame<'a> {
    /// A complete line, without its terminating `\n`.
    Line(&'a [u8]),
    /// A line longer than the limit was dropped. `len` is its full length
    /// (without the `\n`), `prefix` its first bytes (at most [`PREFIX_KEEP`]).
    TooLong { len: u64, prefix: Vec<u8> },
}

/// State of an over-long line that is being skipped.
struct Discard {
    len: u64,
    prefix: Vec<u8>,
}

/// Splits a byte stream into newline-terminated lines with a length cap.
pub(crate) struct LineReader<R> {
    inner: R,
    max: usize,
    buf: Vec<u8>,
    /// Start of the pending (not yet returned) data in `buf`.
    start: usize,
    /// End of valid data in `buf`.
    end: usize,
    /// `buf[start..scanned]` is known to contain no `\n`.
    scanned: usize,
    discard: Option<Discard>,
    eof: bool,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    /// Creates a reader that accepts lines of at most `max_line_bytes` bytes
    /// (not counting the `\n`).
    pub(crate) fn new(inner: R, max_line_bytes: usize) -> Self {
        let max = max_line_bytes.max(1);
        LineReader {
            inner,
            max,
            buf: vec![0; initial_len(max)],
            start: 0,
            end: 0,
            scanned: 0,
            discard: None,
            eof: false,
        }
    }

    /// Returns the next frame, or `None` at end of input. A final line that
    /// is not terminated by `\n` is still returned as a line.
    pub(crate) async fn next_frame(&mut self) -> io::Result<Option<Frame<'_>>> {
        loop {
            if let Some(mut d) = self.discard.take() {
                // Skipping the tail of an over-long line.
                if let Some(pos) = find_newline(&self.buf[self.start..self.end]) {
                    d.len += pos as u64;
                    self.start += pos + 1;
                    self.scanned = self.start;
                    return Ok(Some(Frame::TooLong { len: d.len, prefix: d.prefix }));
                }
                d.len += (self.end - self.start) as u64;
                self.start = 0;
                self.end = 0;
                self.scanned = 0;
                if self.eof {
                    return Ok(Some(Frame::TooLong { len: d.len, prefix: d.prefix }));
                }
                self.discard = Some(d);
                self.fill().await?;
                continue;
            }

            if let Some(rel) = find_newline(&self.buf[self.scanned..self.end]) {
                let line_start = self.start;
                let line_end = self.scanned + rel;
                self.start = line_end + 1;
                self.scanned = self.start;
                if line_end - line_start > self.max {
                    return Ok(Some(too_long(&self.buf[line_start..line_end])));
                }
                return Ok(Some(Frame::Line(&self.buf[line_start..line_end])));
            }
            self.scanned = self.end;

            let pending = self.end - self.start;
            if pending > self.max {
                // No newline within max + 1 bytes: the line is too long.
                // Keep a prefix and drop the rest until the next newline.
                let keep = pending.min(PREFIX_KEEP);
                let prefix = self.buf[self.start..self.start + keep].to_vec();
                self.discard = Some(Discard { len: pending as u64, prefix });
                self.start = 0;
                self.end = 0;
                self.scanned = 0;
                continue;
            }

            if self.eof {
                if pending == 0 {
                    return Ok(None);
                }
                let line_start = self.start;
                self.start = self.end;
                self.scanned = self.end;
                return Ok(Some(Frame::Line(&self.buf[line_start..self.end])));
            }
            self.fill().await?;
        }
    }

    /// Reads more input, compacting or growing the buffer as needed.
    async fn fill(&mut self) -> io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            self.scanned = 0;
        }
        self.shrink_after_long_line();
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.scanned -= self.start;
                self.start = 0;
            } else {
                // The pending line fills the whole buffer: grow, but never
                // beyond what is needed to detect an over-long line.
                let cap = self.max + 1;
                let new_len = (self.buf.len() * 2).min(cap).max(self.buf.len() + 1);
                self.buf.resize(new_len, 0);
            }
        }
        let limit = (self.end + READ_CHUNK).min(self.buf.len());
        loop {
            match self.inner.read(&mut self.buf[self.end..limit]).await {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Gives back the memory a long line made the buffer grow to, once the
    /// pending data fits the initial size again.
    fn shrink_after_long_line(&mut self) {
        let initial = initial_len(self.max);
        let pending = self.end - self.start;
        if self.buf.len() > initial && pending <= initial / 2 {
            let mut small = vec![0; initial];
            small[..pending].copy_from_slice(&self.buf[self.start..self.end]);
            self.scanned -= self.start;
            self.start = 0;
            self.end = pending;
            self.buf = small;
        }
    }

    /// Capacity of the internal buffer (used by tests to prove that
    /// over-long lines are never buffered whole).
    #[cfg(test)]
    pub(crate) fn buffer_capacity(&self) -> usize {
        self.buf.len()
    }
}

fn initial_len(max: usize) -> usize {
    READ_CHUNK.min(max + 1).max(256)
}

fn too_long(line: &[u8]) -> Frame<'static> {
    let keep = line.len().min(PREFIX_KEEP);
    Frame::TooLong { len: line.len() as u64, prefix: line[..keep].to_vec() }
}

#[inline]
fn find_newline(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::ReadBuf;

    /// A reader that hands out its data in pieces of the given sizes
    /// (cycling), to exercise every split point.
    struct Pieces {
        data: Vec<u8>,
        pos: usize,
        sizes: Vec<usize>,
        turn: usize,
    }

    impl AsyncRead for Pieces {
        fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, out: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            if self.pos >= self.data.len() {
                return Poll::Ready(Ok(()));
            }
            let want = self.sizes[self.turn % self.sizes.len()].max(1);
            self.turn += 1;
            let n = want.min(out.remaining()).min(self.data.len() - self.pos);
            let pos = self.pos;
            out.put_slice(&self.data[pos..pos + n]);
            self.pos += n;
            Poll::Ready(Ok(()))
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        crate::blocking::wait_blocking(f, None).unwrap()
    }

    #[derive(Debug, PartialEq, Eq)]
    enum Owned {
        Line(Vec<u8>),
        TooLong(u64, Vec<u8>),
    }

    fn collect<R: AsyncRead + Unpin>(r: R, max: usize) -> Vec<Owned> {
        let mut lr = LineReader::new(r, max);
        let mut out = Vec::new();
        while let Some(f) = block_on(lr.next_frame()).unwrap() {
            out.push(match f {
                Frame::Line(l) => Owned::Line(l.to_vec()),
                Frame::TooLong { len, prefix } => Owned::TooLong(len, prefix),
            });
        }
        out
    }

    fn line(s: &str) -> Owned {
        Owned::Line(s.as_bytes().to_vec())
    }

    #[test]
    fn splits_lines_at_every_offset() {
        let input = b"{\"a\":1}\n\n{\"bb\":22}\nlast-without-newline";
        let expected = vec![line("{\"a\":1}"), line(""), line("{\"bb\":22}"), line("last-without-newline")];
        for split in 1..=input.len() {
            let r = Pieces { data: input.to_vec(), pos: 0, sizes: vec![split], turn: 0 };
            assert_eq!(collect(r, 1024), expected, "split size {}", split);
        }
        // Irregular piece sizes.
        let r = Pieces { data: input.to_vec(), pos: 0, sizes: vec![1, 3, 2, 7, 1], turn: 0 };
        assert_eq!(collect(r, 1024), expected);
    }

    #[test]
    fn exact_limit_is_accepted_one_more_is_not() {
        let input = b"12345\n123456\n1\n";
        for split in 1..=input.len() {
            let r = Pieces { data: input.to_vec(), pos: 0, sizes: vec![split], turn: 0 };
            assert_eq!(
                collect(r, 5),
                vec![line("12345"), Owned::TooLong(6, b"123456".to_vec()), line("1")],
                "split size {}",
                split
            );
        }
    }

    #[test]
    fn over_long_line_is_dropped_without_buffering_it() {
        let max = 1000;
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"id\":\"7\",\"x\":\"");
        input.extend(std::iter::repeat(b'y').take(10 * 1024 * 1024));
        input.extend_from_slice(b"\"}\n{\"ok\":true}\n");
        let total_long = (input.len() - b"{\"ok\":true}\n".len() - 1) as u64;
        let r = Pieces { data: input, pos: 0, sizes: vec![65536, 13, 4096], turn: 0 };
        let mut lr = LineReader::new(r, max);
        match block_on(lr.next_frame()).unwrap() {
            Some(Frame::TooLong { len, prefix }) => {
                assert_eq!(len, total_long);
                // Whatever was buffered when the overflow was detected.
                assert_eq!(prefix.len(), (max + 1).min(PREFIX_KEEP));
                assert!(prefix.starts_with(b"{\"id\":\"7\""));
            }
            other => panic!("unexpected {:?}", other),
        }
        assert_eq!(block_on(lr.next_frame()).unwrap(), Some(Frame::Line(b"{\"ok\":true}")));
        assert_eq!(block_on(lr.next_frame()).unwrap(), None);
        assert!(lr.buffer_capacity() <= max + 1, "buffer grew to {}", lr.buffer_capacity());
    }

    #[test]
    fn over_long_unterminated_line_at_eof() {
        let r = Pieces { data: vec![b'z'; 50], pos: 0, sizes: vec![7], turn: 0 };
        // Detected after two reads (14 bytes > 10); those bytes are the prefix.
        assert_eq!(collect(r, 10), vec![Owned::TooLong(50, vec![b'z'; 14])]);
    }

    #[test]
    fn invalid_utf8_passes_through_as_bytes() {
        let input = b"\xff\xfe\n{}\n".to_vec();
        let r = Pieces { data: input, pos: 0, sizes: vec![1], turn: 0 };
        assert_eq!(collect(r, 64), vec![Owned::Line(vec![0xff, 0xfe]), line("{}")]);
    }

    #[test]
    fn buffer_grows_for_long_but_legal_lines() {
        let long = "a".repeat(300_000);
        let input = format!("{}\nb\n", long);
        let r = Pieces { data: input.into_bytes(), pos: 0, sizes: vec![65536], turn: 0 };
        assert_eq!(collect(r, 300_000), vec![line(&long), line("b")]);
    }

    #[test]
    fn interrupted_reads_are_retried() {
        struct Flaky(bool, &'static [u8]);
        impl AsyncRead for Flaky {
            fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, out: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
                self.0 = !self.0;
                if self.0 {
                    return Poll::Ready(Err(io::Error::new(ErrorKind::Interrupted, "eintr")));
                }
                let n = self.1.len().min(out.remaining()).min(2);
                out.put_slice(&self.1[..n]);
                self.1 = &self.1[n..];
                Poll::Ready(Ok(()))
            }
        }
        assert_eq!(collect(Flaky(false, b"ab\ncd\n"), 10), vec![line("ab"), line("cd")]);
    }

    #[test]
    fn buffer_shrinks_back_after_a_long_line() {
        let long = "a".repeat(3_000_000);
        let input = format!("{}\nb\nc\n", long);
        let r = Pieces { data: input.into_bytes(), pos: 0, sizes: vec![65536], turn: 0 };
        let mut lr = LineReader::new(r, 50 * 1024 * 1024);
        assert_eq!(block_on(lr.next_frame()).unwrap().map(|f| matches!(f, Frame::Line(l) if l.len() == 3_000_000)), Some(true));
        assert!(lr.buffer_capacity() >= 3_000_000);
        assert_eq!(block_on(lr.next_frame()).unwrap(), Some(Frame::Line(b"b")));
        assert_eq!(block_on(lr.next_frame()).unwrap(), Some(Frame::Line(b"c")));
        assert_eq!(block_on(lr.next_frame()).unwrap(), None);
        assert!(lr.buffer_capacity() <= READ_CHUNK, "buffer still {} bytes", lr.buffer_capacity());
    }
}
