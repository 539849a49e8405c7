//! Reading a phone file line by line in flat memory, hashing its bytes on the same pass.
//!
//! A report can be gigabytes (a week of a busy phone, a bug report's text): lines are split
//! from a fixed buffer, a line longer than [`MAX_LINE`] is counted and skipped without being
//! held, and the SHA-256 that names the source is computed from the very bytes parsed, so the
//! evidence and what was read from it cannot differ.

use std::io::Read;

use sha2::{Digest, Sha256};

use crate::PhoneError;

/// The largest file Khata reads (4 GiB): a week of iOS report or a bug report is far smaller.
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// The longest line kept (1 MiB); longer ones are malformed. Real records are well under 4 KiB.
pub(crate) const MAX_LINE: usize = 1024 * 1024;

const CHUNK: usize = 256 * 1024;

/// One line, without its `\n` (nor a `\r` before it, nor a UTF-8 BOM on the first line).
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub no: u64,
    pub bytes: &'a [u8],
    /// Longer than [`MAX_LINE`]: `bytes` is empty and the line counts as malformed.
    pub overlong: bool,
}

/// Splits a byte stream into lines, hashing and counting every byte it reads.
pub(crate) struct LineReader<'p, R> {
    inner: R,
    /// Told the bytes read so far after each chunk.
    progress: &'p mut dyn FnMut(u64),
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The start of a line that ran past the buffer's end.
    carry: Vec<u8>,
    /// The last line returned from `carry`.
    out: Vec<u8>,
    overlong: bool,
    eof: bool,
    hasher: Sha256,
    bytes: u64,
    limit: u64,
    line_no: u64,
}

enum Found {
    Buf(usize, usize),
    Carry,
}

impl<'p, R: Read> LineReader<'p, R> {
    pub fn new(inner: R, limit: u64, progress: &'p mut dyn FnMut(u64)) -> Self {
        LineReader {
            inner,
            progress,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            carry: Vec::new(),
            out: Vec::new(),
            overlong: false,
            eof: false,
            hasher: Sha256::new(),
            bytes: 0,
            limit,
            line_no: 0,
        }
    }

    /// Reads to the end (hashing what no line consumer wanted) and returns the byte count and
    /// the lowercase hex SHA-256 of everything read.
    pub fn finish(mut self) -> Result<(u64, String), PhoneError> {
        while !self.eof {
            self.start = self.end;
            self.fill()?;
        }
        Ok((self.bytes, hex::encode(self.hasher.finalize())))
    }

    fn fill(&mut self) -> Result<(), PhoneError> {
        let n = loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        self.start = 0;
        self.end = n;
        if n == 0 {
            self.eof = true;
            return Ok(());
        }
        self.hasher.update(&self.buf[..n]);
        self.bytes += n as u64;
        if self.bytes > self.limit {
            return Err(PhoneError::TooLarge { limit: self.limit });
        }
        (self.progress)(self.bytes);
        Ok(())
    }

    /// The next line, or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, PhoneError> {
        let found = loop {
            if self.start < self.end {
                let rest = &self.buf[self.start..self.end];
                if let Some(pos) = memchr::memchr(b'\n', rest) {
                    let (s, e) = (self.start, self.start + pos);
                    self.start = e + 1;
                    if self.carry.is_empty() && !self.overlong {
                        break Found::Buf(s, e);
                    }
                    self.push_carry(s, e);
                    break Found::Carry;
                }
                let (s, e) = (self.start, self.end);
                self.push_carry(s, e);
                self.start = self.end;
            }
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
            if self.eof {
                if self.carry.is_empty() && !self.overlong {
                    return Ok(None);
                }
                break Found::Carry;
            }
        };
        self.line_no += 1;
        let no = self.line_no;
        let overlong = std::mem::take(&mut self.overlong);
        let bytes: &[u8] = match found {
            Found::Buf(s, e) => &self.buf[s..e],
            Found::Carry => {
                // Swapped out, so the next line starts an empty carry without reallocating.
                std::mem::swap(&mut self.carry, &mut self.out);
                self.carry.clear();
                &self.out
            }
        };
        let bytes = if overlong { &[][..] } else { trim(bytes, no) };
        Ok(Some(Line {
            no,
            bytes,
            overlong,
        }))
    }

    fn push_carry(&mut self, s: usize, e: usize) {
        if self.overlong {
            return;
        }
        if self.carry.len() + (e - s) > MAX_LINE {
            self.overlong = true;
            self.carry.clear();
            return;
        }
        self.carry.extend_from_slice(&self.buf[s..e]);
    }
}

fn trim(mut bytes: &[u8], no: u64) -> &[u8] {
    if no == 1 {
        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    }
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}
