//! Reading a donation file (`khata_evidence::donation`): a zip whose first member is
//! `donation.json` and whose second is `export.khata.json`, stored. Everything is bounded
//! before it is read: the number of members, the manifest's size, the note's length, the
//! export's size (stored, so its size on disk is its size: no zip bomb can expand), and the
//! export is read as a stream ([`read_export`]): its SHA-256, the verifier (`khata verify`'s
//! own code, on a thread of its own) and the caller's reading all see the same bytes on one
//! pass, and none of them holds the whole export unless it is a version 1 document.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use khata_evidence::donation::{
    DonationManifest, EXPORT_NAME, FORMAT, MANIFEST_NAME, NOTE_MAX_CHARS, VERSION,
};
use khata_evidence::verify::{self, SuppliedKeys, VerifyError, VerifyReport};
use sha2::{Digest, Sha256};
use zip::{CompressionMethod, ZipArchive};

use crate::rejection::{Reason, Rejection, reject};

/// The largest `donation.json`: the note's 2,000 characters (up to 4 bytes each) and a few
/// hundred removals leave room to spare.
pub const MANIFEST_MAX_BYTES: u64 = 64 << 10;
/// The most removal kinds a manifest may list.
pub const REMOVALS_MAX: usize = 1000;
/// The largest export a donation may carry (version 2 streams; this bounds the work, not memory).
pub const EXPORT_MAX_BYTES: u64 = 64 << 30;

/// A donation whose manifest was read and checked; the export not read yet.
pub struct Opened {
    pub manifest: DonationManifest,
    archive: ZipArchive<File>,
    /// The export member's size in bytes.
    pub export_bytes: u64,
}

fn not_a_donation<T>(detail: impl Into<String>) -> Result<T, Rejection> {
    reject(Reason::NotADonation, detail)
}

/// Opens `path` and reads its manifest, refusing anything that is not laid out as a donation.
pub fn open(path: &Path) -> Result<Opened, Rejection> {
    let file = File::open(path)
        .map_err(|e| Rejection::new(Reason::NotADonation, format!("cannot open: {e}")))?;
    let mut archive = ZipArchive::new(file)
        .map_err(|e| Rejection::new(Reason::NotADonation, format!("not a zip: {e}")))?;
    if archive.len() != 2 {
        return not_a_donation(format!(
            "{} members; a donation has exactly two ({MANIFEST_NAME}, {EXPORT_NAME})",
            archive.len()
        ));
    }
    let manifest = {
        let member = archive
            .by_index(0)
            .map_err(|e| Rejection::new(Reason::NotADonation, format!("member 1: {e}")))?;
        let name = member.name().map(|n| n.into_owned()).unwrap_or_default();
        if name != MANIFEST_NAME {
            return not_a_donation(format!("the first member is {name:?}, not {MANIFEST_NAME}"));
        }
        if member.size() > MANIFEST_MAX_BYTES {
            return reject(
                Reason::ManifestInvalid,
                format!(
                    "{MANIFEST_NAME} is {} bytes, above {MANIFEST_MAX_BYTES}",
                    member.size()
                ),
            );
        }
        let mut bytes = Vec::new();
        member
            .take(MANIFEST_MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Rejection::new(Reason::ManifestInvalid, format!("unreadable: {e}")))?;
        if bytes.len() as u64 > MANIFEST_MAX_BYTES {
            return reject(
                Reason::ManifestInvalid,
                "the manifest is longer than it says",
            );
        }
        parse_manifest(&bytes)?
    };
    let export_bytes = {
        let member = archive
            .by_index(1)
            .map_err(|e| Rejection::new(Reason::NotADonation, format!("member 2: {e}")))?;
        let name = member.name().map(|n| n.into_owned()).unwrap_or_default();
        if name != EXPORT_NAME {
            return not_a_donation(format!("the second member is {name:?}, not {EXPORT_NAME}"));
        }
        if member.compression() != CompressionMethod::Stored {
            return not_a_donation(format!(
                "{EXPORT_NAME} is compressed ({}); a donation stores it",
                member.compression()
            ));
        }
        if member.size() > EXPORT_MAX_BYTES {
            return not_a_donation(format!(
                "{EXPORT_NAME} is {} bytes, above the {} GiB a pool reads",
                member.size(),
                EXPORT_MAX_BYTES >> 30
            ));
        }
        member.size()
    };
    Ok(Opened {
        manifest,
        archive,
        export_bytes,
    })
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A UUID v4 in its lower-case hyphenated form: the only name a donation has, and a file name
/// in the pool, so nothing else is accepted.
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// `YYYY-MM` with a real month.
pub fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && (1..=12).contains(&s[5..].parse::<u32>().unwrap_or(0))
}

/// Parses and checks `donation.json`.
pub fn parse_manifest(bytes: &[u8]) -> Result<DonationManifest, Rejection> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| Rejection::new(Reason::ManifestInvalid, format!("not JSON: {e}")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return reject(Reason::ManifestInvalid, format!("format is not {FORMAT:?}"));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return reject(
                Reason::UnsupportedVersion,
                format!("manifest version {v}; this build reads {VERSION}"),
            );
        }
        None => return reject(Reason::ManifestInvalid, "no version"),
    }
    let m: DonationManifest = serde_json::from_value(value)
        .map_err(|e| Rejection::new(Reason::ManifestInvalid, e.to_string()))?;
    if !is_uuid_v4(&m.donation_id) {
        return reject(
            Reason::ManifestInvalid,
            "donationId is not a lower-case UUID v4",
        );
    }
    if !is_month(&m.month) {
        return reject(Reason::ManifestInvalid, "month is not YYYY-MM");
    }
    if !is_hex(&m.export_sha256, 64) {
        return reject(
            Reason::ManifestInvalid,
            "exportSha256 is not 64 lower-case hex digits",
        );
    }
    if m.removed.len() > REMOVALS_MAX {
        return reject(
            Reason::ManifestInvalid,
            format!("{} removals listed, above {REMOVALS_MAX}", m.removed.len()),
        );
    }
    if let Some(note) = &m.note
        && note.chars().count() > NOTE_MAX_CHARS
    {
        return reject(
            Reason::ManifestInvalid,
            format!("the note is longer than {NOTE_MAX_CHARS} characters"),
        );
    }
    Ok(m)
}

/// What reading the export found besides the caller's own result.
pub struct ReadExport<T> {
    pub sha256: String,
    pub verified: Result<VerifyReport, VerifyError>,
    /// The caller's result (it may refuse the export as it reads).
    pub read: Result<T, Rejection>,
}

/// Bytes read from the zip member are hashed and copied to the verifier as they pass.
struct Tee<R> {
    inner: R,
    hasher: Sha256,
    to_verifier: Option<SyncSender<Vec<u8>>>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        if n > 0
            && let Some(tx) = &self.to_verifier
            && tx.send(buf[..n].to_vec()).is_err()
        {
            // The verifier has its answer and stopped reading.
            self.to_verifier = None;
        }
        Ok(n)
    }
}

/// The verifier's side of the channel, as a reader.
struct ChannelReader {
    rx: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.rx.recv() {
                Ok(next) => {
                    self.chunk = next;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads the export once: `read` pulls it through a buffered reader while the same bytes are
/// hashed and verified (on another thread, with the keys the export carries and its vault
/// pinned, as `khata verify` does by default). Whatever `read` leaves is read to the end, so
/// the digest and the verifier always cover the whole member.
pub fn read_export<T>(
    opened: &mut Opened,
    read: impl FnOnce(&mut dyn BufRead) -> Result<T, Rejection>,
) -> Result<ReadExport<T>, Rejection> {
    let member = opened
        .archive
        .by_index(1)
        .map_err(|e| Rejection::new(Reason::NotADonation, format!("member 2: {e}")))?;
    let (tx, rx) = sync_channel::<Vec<u8>>(16);
    std::thread::scope(|scope| {
        let verifier = scope.spawn(move || {
            let input = ChannelReader {
                rx,
                chunk: Vec::new(),
                at: 0,
            };
            verify::verify_export_reader(input, &SuppliedKeys::default(), &mut |_, _| {})
        });
        let tee = Tee {
            inner: member.take(EXPORT_MAX_BYTES),
            hasher: Sha256::new(),
            to_verifier: Some(tx),
        };
        let mut buffered = BufReader::with_capacity(1 << 20, tee);
        let result = read(&mut buffered);
        let drained = io::copy(&mut buffered, &mut io::sink());
        let mut tee = buffered.into_inner();
        tee.to_verifier = None;
        let sha256 = hex::encode(tee.hasher.finalize_reset());
        let verified = verifier.join().unwrap_or_else(|_| {
            Err(VerifyError::Unusable {
                reason: "the verifier stopped unexpectedly".into(),
            })
        });
        // A member that cannot be read to its end (a bad CRC, a truncated file) is not one.
        drained.map_err(|e| Rejection::new(Reason::NotADonation, format!("{EXPORT_NAME}: {e}")))?;
        Ok(ReadExport {
            sha256,
            verified,
            read: result,
        })
    })
}

/// SHA-256 of a whole file, for the rejection log (a refused file may not be a donation at all).
pub fn file_sha256(path: &Path) -> Option<String> {
    let mut f = File::open(path).ok()?;
    let mut h = Sha256::new();
    io::copy(&mut f, &mut h).ok()?;
    Some(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_months() {
        assert!(is_uuid_v4("0b7e3c9a-1d2f-4a6b-8c3d-9e8f7a6b5c4d"));
        assert!(!is_uuid_v4("0b7e3c9a-1d2f-1a6b-8c3d-9e8f7a6b5c4d"));
        assert!(!is_uuid_v4("../../../etc/passwd-0000-0000-0000000"));
        assert!(!is_uuid_v4("0B7E3C9A-1D2F-4A6B-8C3D-9E8F7A6B5C4D"));
        assert!(is_month("2026-01") && is_month("1999-12"));
        assert!(!is_month("2026-13") && !is_month("2026-1") && !is_month("2026-00"));
    }
}
