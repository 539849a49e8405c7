//! Donations (`khata_evidence::donation`): the advocate export with nothing that names the
//! borrower, in a zip with a manifest that names the donation by a random id instead.
//!
//! On top of the advocate redaction (`crate::redaction`) a donation always withholds the
//! customer id and free text ([`REQUIRED`]), blanks the rights requests' lender tickets,
//! and sets the export's time to the month's start. What the verifier checks against a
//! signature or the ledger's hash chain cannot be taken out while the export still verifies;
//! it is named as kept (the vault's id in the ledger, a phone file's name and device, the
//! borrower's requests, the ledger's digests of the profile and nominee). A contract v1
//! statement that signs a required field in the clear stops the donation.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use khata_evidence::donation::{
    self as format, DonationManifest, NOTE_MAX_CHARS, Removal, RemovalKind,
};
use khata_vault::Vault;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{EngineError, Result};
use crate::export_other::ZipWriter;
use crate::profile::{NomineeView, ProfileView};
use crate::redaction::Redactor;
use crate::views::RedactionSummary;

/// What every donation withholds, whatever the borrower ticks: the customer id names the
/// borrower at the lender, free text may name anyone.
pub(crate) const REQUIRED: [&str; 2] = ["customerId", "text"];

/// The lender's ticket number of a rights request: names the borrower's case at the lender.
const TICKET: &str = "rightsRequests.*.ticket";
const DETAILS: &str = "rightsRequests.*.details";
const NOMINEE: &str = "rightsRequests.*.about.nominee";
const PII_PRINCIPAL: &str = "consentRecords.*.pii_principal_id";
const EXPORTED_AT: &str = "exportedAt";
const RIGHTS_STATEMENTS: &str = "rightsStatements.*";

/// Values shorter than this are not searched for (a two-letter language code is everywhere).
const MIN_SEARCHED_CHARS: usize = 4;

/// The donation's rules on the export's document, after the redaction: blanks what a donation
/// never carries whatever the patterns, and counts the export time set to the month start.
pub(crate) fn scrub(doc: &mut Value, r: &mut Redactor) {
    // A lender's signed answer to a rights request in the v1 form echoes the borrower's words
    // in the clear; the verifier does not notice a rights statement left out (docs/export.md,
    // "What nothing covers"), so it is dropped and listed.
    if let Some(list) = doc["rightsStatements"].as_array_mut() {
        let before = list.len();
        list.retain(|st| !r.names_in_clear(st));
        r.dropped(RIGHTS_STATEMENTS, (before - list.len()) as u64);
    }
    for record in doc["consentRecords"].as_array_mut().into_iter().flatten() {
        r.blank_always(record.get_mut("pii_principal_id"), PII_PRINCIPAL);
    }
    for request in doc["rightsRequests"].as_array_mut().into_iter().flatten() {
        r.blank_always(request.get_mut("ticket"), TICKET);
        r.blank_always(request.get_mut("details"), DETAILS);
        r.blank_always(request.pointer_mut("/about/nominee"), NOMINEE);
    }
    r.coarsened(EXPORTED_AT);
}

/// The month (`YYYY-MM`, UTC) of `now_ms` and its first millisecond.
pub(crate) fn month_of(now_ms: i64) -> (String, i64) {
    use chrono::{Datelike, TimeZone};
    let t = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    let start = chrono::Utc
        .with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
        .single()
        .map(|d| d.timestamp_millis())
        .unwrap_or(0);
    (format!("{:04}-{:02}", t.year(), t.month()), start)
}

/// The note as the manifest carries it: trimmed, `None` when empty, refused when too long.
pub(crate) fn note(note: Option<&str>) -> Result<Option<String>> {
    let Some(text) = note.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let chars = text.chars().count();
    if chars > NOTE_MAX_CHARS {
        return Err(EngineError::InvalidInput(format!(
            "The note is {chars} characters long; a donation's note holds at most \
             {NOTE_MAX_CHARS}."
        )));
    }
    Ok(Some(text.to_owned()))
}

/// The patterns a donation withholds: the chosen ones (trimmed, unique) and [`REQUIRED`].
pub(crate) fn patterns(chosen: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in chosen.iter().map(|p| p.trim()).chain(REQUIRED) {
        if !p.is_empty() && !out.iter().any(|o| o == p) {
            out.push(p.to_owned());
        }
    }
    out
}

/// What the verifier binds and a donation therefore keeps, counted from the vault: named so
/// the borrower reads it before giving, and so the pool knows.
pub(crate) fn kept(v: &Vault, summary: &RedactionSummary) -> Result<Vec<Removal>> {
    let mut vault_ids = 0u64;
    let mut record_digests = 0u64;
    let mut after = 0i64;
    loop {
        let page = v.ledger_entries(after, 5_000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            match e.kind.as_str() {
                "vault.created" | "custody.restored" => vault_ids += 1,
                "profile.update" | "nominee.update" => record_digests += 1,
                _ => {}
            }
        }
    }
    let sources = v.phone_sources()?;
    let devices = sources
        .iter()
        .filter(|s| {
            s.device.serial.is_some() || s.device.model.is_some() || s.device.os_version.is_some()
        })
        .count() as u64;
    let requests = crate::requests::all_records(v)?.len() as u64;
    let kept = |path: &str, count: u64| Removal {
        path: path.into(),
        count,
        how: RemovalKind::Kept,
    };
    Ok([
        kept("ledger.entries.*.record_id", vault_ids),
        kept("ledger.entries.*.payload_digest", record_digests),
        kept("phoneSources.*.fileName", sources.len() as u64),
        kept("phoneSources.*.device", devices),
        kept(crate::redaction::BORROWER_REQUESTS, requests),
        kept("contract-v1-statements", summary.not_redactable),
    ]
    .into_iter()
    .filter(|r| r.count > 0)
    .collect())
}

/// Every removal, in the manifest's order: withheld, blanked, dropped, then kept.
pub(crate) fn removals(
    summary: &RedactionSummary,
    dropped: &[(String, u64)],
    kept: Vec<Removal>,
) -> Vec<Removal> {
    let of = |how: RemovalKind| {
        move |p: &crate::views::PathCount| Removal {
            path: p.path.clone(),
            count: p.count,
            how,
        }
    };
    summary
        .withheld
        .iter()
        .map(of(RemovalKind::Withheld))
        .chain(summary.blanked.iter().map(of(RemovalKind::Blanked)))
        .chain(dropped.iter().map(|(path, count)| Removal {
            path: path.clone(),
            count: *count,
            how: RemovalKind::Dropped,
        }))
        .chain(kept)
        .collect()
}

/// The values that name the borrower which the vault knows, by what they are: the profile,
/// the nominee, every customer id (the borrower's and the consents'), and the borrower's
/// words and the lenders' tickets in rights requests. A donation holding one is not written.
pub(crate) fn identifying_values(
    v: &Vault,
    profile: &ProfileView,
    nominee: Option<&NomineeView>,
) -> Result<Vec<(&'static str, String)>> {
    let mut out: Vec<(&'static str, String)> = vec![
        ("your name", profile.full_name.clone()),
        ("your phone number", profile.phone.clone()),
        ("your email address", profile.email.clone()),
    ];
    for l in &profile.lenders {
        out.push(("a customer id", l.customer_id.clone()));
        if let Some(id) = &l.from_consent {
            out.push(("a customer id", id.clone()));
        }
    }
    if let Some(n) = nominee {
        out.push(("your nominee's name", n.name.clone()));
        out.push(("your nominee's contact", n.contact.clone()));
    }
    for r in v.rights_requests(None)? {
        if let Some(t) = r.ticket {
            out.push(("a rights request's ticket", t));
        }
        if let Some(d) = r.details {
            out.push(("your words in a rights request", d));
        }
        if let Some(n) = r.about.nominee {
            out.push(("a nominee in a rights request", n.name.clone()));
            out.push(("a nominee in a rights request", n.contact.clone()));
        }
    }
    out.retain(|(_, value)| value.trim().chars().count() >= MIN_SEARCHED_CHARS);
    for (_, value) in &mut out {
        *value = value.trim().to_owned();
    }
    Ok(out)
}

/// The first identifying value found in `file` (read from its start), by what it is, with the
/// member it is in (the last `"name":` before it); each
/// is searched as its JSON string spelling too (`"` or non-ASCII escaped the way the export
/// writes it is the same bytes for plain text).
pub(crate) fn find_identifying(
    file: &mut std::fs::File,
    values: &[(&'static str, String)],
) -> Result<Option<(&'static str, String)>> {
    if values.is_empty() {
        return Ok(None);
    }
    let needles: Vec<(&'static str, Vec<u8>)> = values
        .iter()
        .flat_map(|(what, value)| {
            let json = serde_json::to_string(value).unwrap_or_default();
            let inner = json.as_bytes()[1..json.len().saturating_sub(1).max(1)].to_vec();
            [(*what, value.as_bytes().to_vec()), (*what, inner)]
        })
        .collect();
    let finders: Vec<(&'static str, memchr::memmem::Finder<'_>)> = needles
        .iter()
        .map(|(what, n)| (*what, memchr::memmem::Finder::new(n)))
        .collect();
    let overlap = needles.iter().map(|(_, n)| n.len()).max().unwrap_or(0);
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; (8 << 20) + overlap + 400];
    let mut kept = 0usize;
    loop {
        let n = file.read(&mut buf[kept..])?;
        if n == 0 {
            return Ok(None);
        }
        let filled = kept + n;
        if let Some((what, at)) = finders
            .iter()
            .find_map(|(what, f)| f.find(&buf[..filled]).map(|at| (*what, at)))
        {
            let before = String::from_utf8_lossy(&buf[at.saturating_sub(400)..at]).into_owned();
            let member = before
                .rsplit("\":")
                .nth(1)
                .and_then(|s| s.rsplit('"').next())
                .unwrap_or("")
                .to_owned();
            return Ok(Some((what, member)));
        }
        kept = (overlap + 400).min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// SHA-256 (hex) and CRC-32 of `file` from its start, and its length.
pub(crate) fn digests(file: &mut std::fs::File) -> Result<(String, u32, u64)> {
    file.seek(SeekFrom::Start(0))?;
    let mut sha = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        crc.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex::encode(sha.finalize()), crc.finalize(), len))
}

/// The manifest for an export with these facts.
pub(crate) fn manifest(
    donation_id: &str,
    month: &str,
    export_sha256: &str,
    removed: Vec<Removal>,
    note: Option<String>,
) -> DonationManifest {
    DonationManifest {
        format: format::FORMAT.into(),
        version: format::VERSION,
        donation_id: donation_id.into(),
        month: month.into(),
        export_sha256: export_sha256.into(),
        removed,
        note,
    }
}

/// Writes the zip into `out`: the manifest first (deflated), then the export stored.
pub(crate) fn write_zip(
    out: std::fs::File,
    manifest: &DonationManifest,
    export: &mut std::fs::File,
    export_len: u64,
    export_crc: u32,
) -> Result<u64> {
    let mut zip = ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, out));
    let json = serde_json::to_vec_pretty(manifest)?;
    zip.entry(format::MANIFEST_NAME, |w| Ok(w.write_all(&json)?))?;
    export.seek(SeekFrom::Start(0))?;
    zip.stored(format::EXPORT_NAME, export_len, export_crc, export)?;
    let (w, bytes) = zip.finish()?;
    crate::export_other::sync(w)?;
    Ok(bytes)
}

/// Makes a rename in `dir` durable (a no-op where directories cannot be synced).
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_and_its_start_are_utc() {
        // 2026-12-02T10:00:00Z
        let (month, start) = month_of(1_796_205_600_000);
        assert_eq!(month, "2026-12");
        assert_eq!(start, 1_796_083_200_000); // 2026-12-01T00:00:00Z
    }

    #[test]
    fn a_note_is_trimmed_empty_is_none_and_too_long_is_refused() {
        assert_eq!(note(None).unwrap(), None);
        assert_eq!(note(Some("  \n ")).unwrap(), None);
        assert_eq!(note(Some(" hi \n")).unwrap().as_deref(), Some("hi"));
        let at_limit = "अ".repeat(NOTE_MAX_CHARS);
        assert_eq!(
            note(Some(&at_limit)).unwrap().unwrap().chars().count(),
            NOTE_MAX_CHARS
        );
        let err = note(Some(&"a".repeat(NOTE_MAX_CHARS + 1))).unwrap_err();
        assert!(err.to_string().contains("2001 characters"), "{err}");
    }

    #[test]
    fn required_patterns_are_always_added_once() {
        assert_eq!(patterns(&[]), ["customerId", "text"]);
        assert_eq!(
            patterns(&[" bin ".into(), "customerId".into(), "".into()]),
            ["bin", "customerId", "text"]
        );
    }

    #[test]
    fn identifying_values_are_found_across_chunk_boundaries_and_in_json_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let mut body = vec![b'x'; (8 << 20) - 3];
        body.extend_from_slice(b"{\"name\":\"Asha \\\"V\\\" Verma");
        std::fs::write(&path, &body).unwrap();
        let mut f = std::fs::File::open(&path).unwrap();
        let values = [("your name", "Asha \"V\" Verma".to_owned())];
        assert_eq!(
            find_identifying(&mut f, &values).unwrap(),
            Some(("your name", "name".to_owned()))
        );
        let values = [("your name", "Ravi".to_owned())];
        assert_eq!(find_identifying(&mut f, &values).unwrap(), None);
    }
}
