//! An Android bug report (Developer options › Take bug report): a zip whose main entry,
//! `bugreport-<device>-<build>-<time>.txt` (named by `main_entry.txt`), holds the output of
//! every dumpsys service under `DUMP OF SERVICE <name>:` lines, the device's properties
//! (`[ro.product.model]: [SM-A515F]`) and, in its header `== dumpstate: 2025-11-30 10:15:00`,
//! the phone's local time when it was taken. The `appops` and `package` sections are read
//! with the same readers as saved outputs; everything else is skipped.
//!
//! The zip is hashed as a file (the evidence is the zip), then its main entry is streamed
//! (never extracted, never held whole). A zip with an entry named outside itself (`..`, an
//! absolute path) or an entry larger than Khata reads, or compressed past any real text's
//! ratio, is refused.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use khata_evidence::phone::Device;
use sha2::{Digest, Sha256};

use super::appops::Appops;
use super::package::Package;
use super::{Ctx, TextReader, parse_local};
use crate::PhoneError;
use crate::collect::Collector;
use crate::input::{LineReader, MAX_SOURCE_BYTES};

/// No bug report text compresses past this (text manages about 10:1); a zip bomb does.
const MAX_RATIO: u64 = 1000;

/// What a bug report's text said about the phone.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub device: Device,
    pub sdk: Option<u32>,
    /// `== dumpstate:` in device-local time, read in the pass's offset.
    pub taken_at: Option<i64>,
    pub appops: bool,
    pub package: bool,
}

enum Section {
    None,
    Appops(Appops),
    Package(Package),
}

/// The reader of a bug report's text.
pub(crate) struct Bugreport {
    section: Section,
    pub found: Found,
}

impl Bugreport {
    pub fn new() -> Self {
        Bugreport {
            section: Section::None,
            found: Found::default(),
        }
    }

    fn end_section(&mut self, ctx: &mut Ctx, c: &mut Collector) {
        match &mut self.section {
            Section::Appops(r) => r.finish(ctx, c),
            Section::Package(r) => r.finish(ctx, c),
            Section::None => {}
        }
        self.section = Section::None;
    }

    fn property(&mut self, t: &str) {
        let Some((key, value)) = t.split_once("]: [") else {
            return;
        };
        let key = key.trim_start_matches('[');
        let value = value.trim_end_matches(']').to_string();
        match key {
            "ro.product.model" => self.found.device.model = Some(value),
            "ro.build.version.release" => self.found.device.os_version = Some(value),
            "ro.serialno" => self.found.device.serial = Some(value),
            "ro.build.version.sdk" => self.found.sdk = value.parse().ok(),
            _ => {}
        }
    }
}

impl TextReader for Bugreport {
    fn line(&mut self, line: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("== dumpstate:") {
            if let Some(at) = parse_local(rest) {
                let at = ctx.local(at);
                self.found.taken_at = Some(at);
                ctx.now = Some(at);
                ctx.clock_from = super::ClockFrom::Device;
            }
            return true;
        }
        if let Some(rest) = t.strip_prefix("DUMP OF SERVICE ") {
            self.end_section(ctx, c);
            let name = rest
                .trim_start_matches("CRITICAL ")
                .trim_start_matches("HIGH ")
                .trim_end_matches(':')
                .trim();
            self.section = match name {
                "appops" => {
                    self.found.appops = true;
                    Section::Appops(Appops::new())
                }
                "package" => {
                    self.found.package = true;
                    Section::Package(Package::new())
                }
                _ => Section::None,
            };
            return true;
        }
        if t.starts_with("------") || t.starts_with("=====") {
            // `--------- 0.05s was the duration of dumpsys appops …` and section rules.
            self.end_section(ctx, c);
            return true;
        }
        if t.starts_with("[ro.") {
            self.property(t);
            return true;
        }
        match &mut self.section {
            Section::Appops(r) => r.line(line, ctx, c),
            Section::Package(r) => r.line(line, ctx, c),
            Section::None => true,
        }
    }

    fn finish(&mut self, ctx: &mut Ctx, c: &mut Collector) {
        self.end_section(ctx, c);
    }
}

/// The zip's SHA-256 and size (one pass over the file), then its main entry read line by
/// line into `reader`.
pub(crate) fn read_zip(
    mut file: File,
    reader: &mut dyn TextReader,
    ctx: &mut Ctx,
    c: &mut Collector,
    progress: &mut dyn FnMut(u64),
) -> Result<(u64, String), PhoneError> {
    let total = file.metadata()?.len().max(1);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
        progress(bytes / 2);
    }
    let sha256 = hex::encode(hasher.finalize());
    file.seek(SeekFrom::Start(0))?;

    let mut zip = zip::ZipArchive::new(file).map_err(|e| PhoneError::Zip(e.to_string()))?;
    let mut main: Option<String> = None;
    let mut candidates = Vec::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| PhoneError::Zip(e.to_string()))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if name.starts_with('/')
            || name.starts_with('\\')
            || name.split(['/', '\\']).any(|p| p == "..")
        {
            return Err(PhoneError::Zip(format!(
                "an entry is named outside the zip: {name}"
            )));
        }
        if name == "main_entry.txt" && entry.size() < 4096 {
            drop(entry);
            let mut text = String::new();
            zip.by_index(i)
                .map_err(|e| PhoneError::Zip(e.to_string()))?
                .take(4096)
                .read_to_string(&mut text)
                .map_err(|e| PhoneError::Zip(e.to_string()))?;
            main = Some(text.trim().to_string());
            continue;
        }
        if !name.contains('/') && name.starts_with("bugreport") && name.ends_with(".txt") {
            candidates.push(name);
        }
    }
    let name = main
        .filter(|m| zip.index_for_name(m).is_some())
        .or_else(|| candidates.into_iter().next())
        .ok_or_else(|| PhoneError::Zip("no bug report text in the zip".into()))?;
    let entry = zip
        .by_name(&name)
        .map_err(|e| PhoneError::Zip(e.to_string()))?;
    let size = entry.size();
    if size > MAX_SOURCE_BYTES {
        return Err(PhoneError::TooLarge {
            limit: MAX_SOURCE_BYTES,
        });
    }
    if size > 1024 * 1024 && size / entry.compressed_size().max(1) > MAX_RATIO {
        return Err(PhoneError::Zip(format!(
            "{name} is compressed past any real report's ratio"
        )));
    }
    let half = total / 2;
    let mut on_text = |n: u64| progress(half + n.min(size) * (total - half) / size.max(1));
    let mut lines = LineReader::new(entry, MAX_SOURCE_BYTES, &mut on_text);
    super::drive(&mut lines, reader, ctx, c)?;
    lines.finish()?;
    Ok((bytes, sha256))
}
