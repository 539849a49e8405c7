//! A minimal streaming zip writer: deflated entries with data descriptors (sizes after the data),
//! so nothing is buffered in memory. It writes no ZIP64, so whatever the classic format cannot
//! hold (a name over 65,535 bytes, more than 65,535 entries, sizes or offsets over 4 GiB) is
//! refused with an error rather than cut to fit: a truncated field makes a corrupt archive.

use std::io::{Seek, Write};

use super::Counter;
use crate::error::{EngineError, Result};

/// One written entry, its fields already checked to fit the central directory.
struct ZipEntry {
    name: String,
    name_len: u16,
    /// 8: deflated, with a data descriptor; 0: stored, its sizes in the local header.
    method: u16,
    offset: u32,
    crc: u32,
    compressed: u32,
    size: u32,
}

pub(crate) struct ZipWriter<W: Write + Seek> {
    out: Counter<W>,
    entries: Vec<ZipEntry>,
}

pub(crate) struct EntryWriter<'a, W: Write + Seek> {
    deflate: flate2::write::DeflateEncoder<&'a mut Counter<W>>,
    crc: crc32fast::Hasher,
    size: u64,
}

impl<W: Write + Seek> Write for EntryWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.deflate.write(buf)?;
        self.crc.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.deflate.flush()
    }
}

/// The zip format's limits, broken: the borrower can still take the JSON export.
fn over_limit(what: &str) -> EngineError {
    EngineError::InvalidInput(format!(
        "{what}, more than a zip file can hold (no ZIP64); use the JSON export"
    ))
}

/// A size or offset as the classic zip format's 32-bit field.
fn u32_field(v: u64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| over_limit(what))
}

const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (2024 - 1980) << 9 | 1 << 5 | 1;

impl<W: Write + Seek> ZipWriter<W> {
    pub(crate) fn new(w: W) -> Self {
        Self {
            out: Counter { inner: w, bytes: 0 },
            entries: vec![],
        }
    }

    pub(crate) fn entry(
        &mut self,
        name: &str,
        body: impl FnOnce(&mut EntryWriter<'_, W>) -> Result<()>,
    ) -> Result<()> {
        // Checked before a byte is written, so a refused entry leaves no partial header.
        let name_len = u16::try_from(name.len())
            .map_err(|_| over_limit("a file name in the zip is over 65,535 bytes"))?;
        if self.entries.len() >= usize::from(u16::MAX) {
            return Err(over_limit("the zip has over 65,535 files"));
        }
        let offset = u32_field(self.out.bytes, "the zip is over 4 GiB")?;
        let o = &mut self.out;
        o.write_all(&0x0403_4b50u32.to_le_bytes())?;
        o.write_all(&20u16.to_le_bytes())?; // version needed
        o.write_all(&(0x0008u16 | 0x0800).to_le_bytes())?; // data descriptor, UTF-8 names
        o.write_all(&8u16.to_le_bytes())?; // deflate
        o.write_all(&DOS_TIME.to_le_bytes())?;
        o.write_all(&DOS_DATE.to_le_bytes())?;
        o.write_all(&[0u8; 12])?; // crc, sizes: in the descriptor
        o.write_all(&name_len.to_le_bytes())?;
        o.write_all(&0u16.to_le_bytes())?;
        o.write_all(name.as_bytes())?;
        let start = o.bytes;
        let mut ew = EntryWriter {
            deflate: flate2::write::DeflateEncoder::new(o, flate2::Compression::fast()),
            crc: crc32fast::Hasher::new(),
            size: 0,
        };
        body(&mut ew)?;
        let EntryWriter { deflate, crc, size } = ew;
        let o = deflate.finish()?;
        let compressed = o.bytes - start;
        let crc = crc.finalize();
        let size = u32_field(size, "a file in the zip is over 4 GiB")?;
        let compressed = u32_field(compressed, "a file in the zip is over 4 GiB")?;
        u32_field(o.bytes, "the zip is over 4 GiB")?;
        o.write_all(&0x0807_4b50u32.to_le_bytes())?;
        o.write_all(&crc.to_le_bytes())?;
        o.write_all(&compressed.to_le_bytes())?;
        o.write_all(&size.to_le_bytes())?;
        self.entries.push(ZipEntry {
            name: name.into(),
            name_len,
            method: 8,
            offset,
            crc,
            compressed,
            size,
        });
        Ok(())
    }

    /// A stored (not deflated) entry of `size` bytes read from `body`, whose CRC-32 is `crc`:
    /// a reader finds its data at the offset the headers give, at disk speed.
    pub(crate) fn stored(
        &mut self,
        name: &str,
        size: u64,
        crc: u32,
        body: &mut impl std::io::Read,
    ) -> Result<()> {
        let name_len = u16::try_from(name.len())
            .map_err(|_| over_limit("a file name in the zip is over 65,535 bytes"))?;
        if self.entries.len() >= usize::from(u16::MAX) {
            return Err(over_limit("the zip has over 65,535 files"));
        }
        let offset = u32_field(self.out.bytes, "the zip is over 4 GiB")?;
        let size32 = u32_field(size, "a file in the zip is over 4 GiB")?;
        u32_field(
            self.out.bytes + 30 + u64::from(name_len) + size,
            "the zip is over 4 GiB",
        )?;
        let o = &mut self.out;
        o.write_all(&0x0403_4b50u32.to_le_bytes())?;
        o.write_all(&20u16.to_le_bytes())?; // version needed, as the directory says
        o.write_all(&0x0800u16.to_le_bytes())?; // UTF-8 names
        o.write_all(&0u16.to_le_bytes())?; // stored
        o.write_all(&DOS_TIME.to_le_bytes())?;
        o.write_all(&DOS_DATE.to_le_bytes())?;
        o.write_all(&crc.to_le_bytes())?;
        o.write_all(&size32.to_le_bytes())?;
        o.write_all(&size32.to_le_bytes())?;
        o.write_all(&name_len.to_le_bytes())?;
        o.write_all(&0u16.to_le_bytes())?;
        o.write_all(name.as_bytes())?;
        let copied = std::io::copy(&mut std::io::Read::take(body, size), o)?;
        if copied != size {
            return Err(EngineError::Io(format!(
                "{name}: {copied} of {size} bytes could be read"
            )));
        }
        self.entries.push(ZipEntry {
            name: name.into(),
            name_len,
            method: 0,
            offset,
            crc,
            compressed: size32,
            size: size32,
        });
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<(W, u64)> {
        let cd_start = u32_field(self.out.bytes, "the zip is over 4 GiB")?;
        let n = u16::try_from(self.entries.len())
            .map_err(|_| over_limit("the zip has over 65,535 files"))?;
        for e in &self.entries {
            let o = &mut self.out;
            o.write_all(&0x0201_4b50u32.to_le_bytes())?;
            o.write_all(&20u16.to_le_bytes())?; // made by
            o.write_all(&20u16.to_le_bytes())?; // needed
            let flags: u16 = if e.method == 8 {
                0x0008 | 0x0800
            } else {
                0x0800
            };
            o.write_all(&flags.to_le_bytes())?;
            o.write_all(&e.method.to_le_bytes())?;
            o.write_all(&DOS_TIME.to_le_bytes())?;
            o.write_all(&DOS_DATE.to_le_bytes())?;
            o.write_all(&e.crc.to_le_bytes())?;
            o.write_all(&e.compressed.to_le_bytes())?;
            o.write_all(&e.size.to_le_bytes())?;
            o.write_all(&e.name_len.to_le_bytes())?;
            o.write_all(&[0u8; 8])?; // extra, comment, disk, internal attrs
            o.write_all(&0u32.to_le_bytes())?; // external attrs
            o.write_all(&e.offset.to_le_bytes())?;
            o.write_all(e.name.as_bytes())?;
        }
        let cd_size = u32_field(
            self.out.bytes - u64::from(cd_start),
            "the zip's directory is over 4 GiB",
        )?;
        let o = &mut self.out;
        o.write_all(&0x0605_4b50u32.to_le_bytes())?;
        o.write_all(&[0u8; 4])?;
        o.write_all(&n.to_le_bytes())?;
        o.write_all(&n.to_le_bytes())?;
        o.write_all(&cd_size.to_le_bytes())?;
        o.write_all(&cd_start.to_le_bytes())?;
        o.write_all(&0u16.to_le_bytes())?;
        o.flush()?;
        let bytes = self.out.bytes;
        Ok((self.out.inner, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn u16_at(b: &[u8], at: usize) -> usize {
        usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
    }

    fn u32_at(b: &[u8], at: usize) -> usize {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
    }

    /// The entry names as the central directory records them (the way an unzip tool reads them).
    fn central_names(zip: &[u8]) -> Vec<Vec<u8>> {
        let eocd = zip.len() - 22;
        assert_eq!(u32_at(zip, eocd), 0x0605_4b50);
        let (count, cd_start) = (u16_at(zip, eocd + 10), u32_at(zip, eocd + 16));
        let mut at = cd_start;
        let mut names = vec![];
        for _ in 0..count {
            assert_eq!(u32_at(zip, at), 0x0201_4b50);
            let len = u16_at(zip, at + 28);
            let (extra, comment) = (u16_at(zip, at + 30), u16_at(zip, at + 32));
            names.push(zip[at + 46..at + 46 + len].to_vec());
            at += 46 + len + extra + comment;
        }
        assert_eq!(at, eocd, "the directory ends where the end record starts");
        names
    }

    #[test]
    fn a_name_too_long_for_the_zip_format_is_refused_not_cut() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.entry("a.txt", |w| Ok(w.write_all(b"a")?)).unwrap();
        let before = zip.out.bytes;
        let long = "n".repeat(70_000);
        let err = zip.entry(&long, |w| Ok(w.write_all(b"b")?)).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("65,535"), "{err}");
        // Nothing of the refused entry was written, and the archive is still whole.
        assert_eq!(zip.out.bytes, before);
        let (out, _) = zip.finish().unwrap();
        assert_eq!(central_names(&out.into_inner()), [b"a.txt".to_vec()]);
    }

    #[test]
    fn a_name_at_the_limit_is_written_whole() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let at_limit = "n".repeat(usize::from(u16::MAX));
        zip.entry(&at_limit, |w| Ok(w.write_all(b"a")?)).unwrap();
        zip.entry("b.txt", |w| Ok(w.write_all(b"b")?)).unwrap();
        let (out, bytes) = zip.finish().unwrap();
        let out = out.into_inner();
        assert_eq!(bytes as usize, out.len());
        assert_eq!(
            central_names(&out),
            [at_limit.into_bytes(), b"b.txt".to_vec()]
        );
    }

    #[test]
    fn fields_over_the_classic_limits_are_errors() {
        assert_eq!(u32_field(u64::from(u32::MAX), "x").unwrap(), u32::MAX);
        let err = u32_field(u64::from(u32::MAX) + 1, "the zip is over 4 GiB").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("over 4 GiB"), "{err}");
    }
}
