//! A minimal streaming zip writer: deflated entries with data descriptors (sizes after the data),
//! so nothing is buffered in memory. Entries over 4 GiB are refused (no ZIP64).

use std::io::{Seek, Write};

use super::Counter;
use crate::error::{EngineError, Result};

struct ZipEntry {
    name: String,
    offset: u64,
    crc: u32,
    compressed: u64,
    size: u64,
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
        let offset = self.out.bytes;
        let o = &mut self.out;
        o.write_all(&0x0403_4b50u32.to_le_bytes())?;
        o.write_all(&20u16.to_le_bytes())?; // version needed
        o.write_all(&(0x0008u16 | 0x0800).to_le_bytes())?; // data descriptor, UTF-8 names
        o.write_all(&8u16.to_le_bytes())?; // deflate
        o.write_all(&DOS_TIME.to_le_bytes())?;
        o.write_all(&DOS_DATE.to_le_bytes())?;
        o.write_all(&[0u8; 12])?; // crc, sizes: in the descriptor
        o.write_all(&(name.len() as u16).to_le_bytes())?;
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
        if size > u32::MAX as u64 || compressed > u32::MAX as u64 || o.bytes > u32::MAX as u64 {
            return Err(EngineError::InvalidInput(
                "a zip entry is over 4 GiB (no ZIP64); use the JSON export".into(),
            ));
        }
        o.write_all(&0x0807_4b50u32.to_le_bytes())?;
        o.write_all(&crc.to_le_bytes())?;
        o.write_all(&(compressed as u32).to_le_bytes())?;
        o.write_all(&(size as u32).to_le_bytes())?;
        self.entries.push(ZipEntry {
            name: name.into(),
            offset,
            crc,
            compressed,
            size,
        });
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<(W, u64)> {
        let cd_start = self.out.bytes;
        for e in &self.entries {
            let o = &mut self.out;
            o.write_all(&0x0201_4b50u32.to_le_bytes())?;
            o.write_all(&20u16.to_le_bytes())?; // made by
            o.write_all(&20u16.to_le_bytes())?; // needed
            o.write_all(&(0x0008u16 | 0x0800).to_le_bytes())?;
            o.write_all(&8u16.to_le_bytes())?;
            o.write_all(&DOS_TIME.to_le_bytes())?;
            o.write_all(&DOS_DATE.to_le_bytes())?;
            o.write_all(&e.crc.to_le_bytes())?;
            o.write_all(&(e.compressed as u32).to_le_bytes())?;
            o.write_all(&(e.size as u32).to_le_bytes())?;
            o.write_all(&(e.name.len() as u16).to_le_bytes())?;
            o.write_all(&[0u8; 8])?; // extra, comment, disk, internal attrs
            o.write_all(&0u32.to_le_bytes())?; // external attrs
            o.write_all(&(e.offset as u32).to_le_bytes())?;
            o.write_all(e.name.as_bytes())?;
        }
        let cd_size = self.out.bytes - cd_start;
        let n = self.entries.len() as u16;
        let o = &mut self.out;
        o.write_all(&0x0605_4b50u32.to_le_bytes())?;
        o.write_all(&[0u8; 4])?;
        o.write_all(&n.to_le_bytes())?;
        o.write_all(&n.to_le_bytes())?;
        o.write_all(&(cd_size as u32).to_le_bytes())?;
        o.write_all(&(cd_start as u32).to_le_bytes())?;
        o.write_all(&0u16.to_le_bytes())?;
        o.flush()?;
        let bytes = self.out.bytes;
        Ok((self.out.inner, bytes))
    }
}
