//! The ledger's hash: how one entry of the vault's append-only, hash-chained ledger is hashed.
//! It lives here, apart from the vault's storage, so an offline verifier recomputes the chain
//! of an export with no SQLite linked.
//!
//! # Canonical encoding (version 1)
//!
//! `hash = SHA-256(enc)` where `enc` is the concatenation of
//!
//! | field            | encoding                                           |
//! |------------------|----------------------------------------------------|
//! | domain tag       | the 16 bytes `b"khata-ledger-v1\0"`                |
//! | `seq`            | i64, 8 bytes big-endian (first entry is 1)         |
//! | `at`             | i64 Unix milliseconds, 8 bytes big-endian          |
//! | `kind`           | u32 big-endian byte length, then UTF-8 bytes       |
//! | `record_id`      | u32 big-endian byte length, then UTF-8 bytes       |
//! | `payload_digest` | 32 bytes: SHA-256 of the record's JSON as written  |
//! | `prev_hash`      | 32 bytes: the previous entry's hash (zeros for #1) |
//!
//! Fixed widths and length prefixes make the encoding unambiguous without escaping, so an
//! offline verifier only needs [`entry_hash`].

use sha2::{Digest, Sha256};

/// Domain-separation tag that starts every encoded entry.
pub const LEDGER_DOMAIN: &[u8; 16] = b"khata-ledger-v1\0";
/// `prev_hash` of the first entry.
pub const GENESIS_PREV_HASH: [u8; 32] = [0u8; 32];

/// Feeds one entry's canonical encoding to `h`; the vault's chain check streams rows
/// through it without building strings.
#[inline]
pub fn feed(
    h: &mut Sha256,
    seq: i64,
    at_ms: i64,
    kind: &[u8],
    record_id: &[u8],
    payload_digest: &[u8],
    prev_hash: &[u8],
) {
    h.update(LEDGER_DOMAIN);
    h.update(seq.to_be_bytes());
    h.update(at_ms.to_be_bytes());
    h.update((kind.len() as u32).to_be_bytes());
    h.update(kind);
    h.update((record_id.len() as u32).to_be_bytes());
    h.update(record_id);
    h.update(payload_digest);
    h.update(prev_hash);
}

/// The hash of one entry under the canonical encoding above. Pure: the offline verifier
/// recomputes every entry with it.
pub fn entry_hash(
    seq: i64,
    at_ms: i64,
    kind: &str,
    record_id: &str,
    payload_digest: &[u8; 32],
    prev_hash: &[u8; 32],
) -> [u8; 32] {
    let mut h = Sha256::new();
    feed(
        &mut h,
        seq,
        at_ms,
        kind.as_bytes(),
        record_id.as_bytes(),
        payload_digest,
        prev_hash,
    );
    h.finalize().into()
}

/// SHA-256 of a record's serialised form: the `payload_digest` of its ledger entry.
pub fn payload_digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The ledger entry a vault writes for each page of a lender's disclosure log it stores (one
/// transaction: the leaves, the page's signed tree head and this entry). Its `record_id` is
/// the lender id and its payload [`log_head_payload`].
pub const LOG_PAGE_KIND: &str = "log.page";
/// The ledger entry a vault writes for a signed tree head that contradicts the log it holds
/// (kept as proof of a fork, never as the log's head); shaped as [`LOG_PAGE_KIND`]'s.
pub const LOG_CONFLICT_KIND: &str = "log.conflict";

/// The ledger kind of one import of phone evidence (a file or an adb capture).
pub const PHONE_IMPORT_KIND: &str = "phone.import";

/// The payload of a `phone.import` entry: canonical JSON of the source as imported (its SHA-256,
/// format, device, offset, app, lender, counts and limits) and the lower-case hex SHA-256 of
/// the canonical JSON array of the observations kept from it, in the order stored:
/// `{"observations":"9f…","source":{…}}`. A verifier holding an export's source and
/// observations recomputes it; the raw file's own hash is `source.sha256`.
pub fn phone_import_payload(
    source: &crate::phone::PhoneSource,
    observations: &[crate::phone::Observation],
) -> Vec<u8> {
    let canonical = |v: serde_json::Value| {
        khata_contract::signing::canonical_json(&v).expect("phone evidence is plain JSON")
    };
    let observations = serde_json::to_value(observations).expect("observations serialise");
    let source = serde_json::to_value(source).expect("a source serialises");
    canonical(serde_json::json!({
        "observations": hex::encode(Sha256::digest(canonical(observations))),
        "source": source,
    }))
}

/// The payload of a `log.page` or `log.conflict` entry: what the vault held of one signed tree
/// head, as canonical JSON (members sorted, no spaces) of the lender, the root in lower-case
/// hex and the size: `{"lenderId":"l-1","rootHash":"ab…","treeSize":1000}`. It depends on the
/// head alone, so a verifier holding an exported head recomputes the entry's digest; the
/// head's signature and timestamp are the lender's own, covered by its signature.
pub fn log_head_payload(lender_id: &str, tree_size: u64, root: &[u8; 32]) -> Vec<u8> {
    let lender = serde_json::to_string(lender_id).expect("a string serialises");
    format!(
        r#"{{"lenderId":{lender},"rootHash":"{}","treeSize":{tree_size}}}"#,
        hex::encode(root)
    )
    .into_bytes()
}

/// The `payload_digest` of a `log.page` or `log.conflict` entry: [`payload_digest`] of
/// [`log_head_payload`].
pub fn log_head_digest(lender_id: &str, tree_size: u64, root: &[u8; 32]) -> [u8; 32] {
    payload_digest(&log_head_payload(lender_id, tree_size, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_import_payload_covers_the_source_and_every_observation() {
        use crate::phone::*;
        let source = PhoneSource {
            sha256: "ab".repeat(32),
            format: SourceFormat::IosAppPrivacyReport,
            platform: Platform::Ios,
            file_name: "App_Privacy_Report_v4_2026-11-30.ndjson".into(),
            bytes: 1234,
            captured_at: None,
            imported_at: 1_764_500_000_000,
            device: Device::default(),
            utc_offset_min: None,
            offset_from: OffsetFrom::InFile,
            app: "in.khata.sandbox.Lender".into(),
            lender_id: Some("sandbox-lender".into()),
            covers_from: Some(1_764_400_000_000),
            covers_to: Some(1_764_450_000_000),
            records: 2,
            malformed_lines: 0,
            limits: vec![SourceLimit::UseNotContent, SourceLimit::SevenDays],
        };
        let seen = Observation {
            source: source.sha256.clone(),
            app: source.app.clone(),
            platform: Platform::Ios,
            resource: Resource::Contacts,
            op: "contacts".into(),
            kind: ObservationKind::Access,
            state: AppState::Background,
            first_at: 1_764_400_000_000,
            last_at: 1_764_400_000_000,
            count: 1,
            open_interval: false,
            network: None,
        };
        let payload = phone_import_payload(&source, std::slice::from_ref(&seen));
        let text = String::from_utf8(payload.clone()).unwrap();
        assert!(text.starts_with(r#"{"observations":""#), "{text}");
        assert!(text.contains(r#""fileName":"App_Privacy_Report_v4_2026-11-30.ndjson""#));
        // Any observation changed, added or dropped, or the source changed, changes the payload.
        let mut later = seen.clone();
        later.last_at += 1;
        assert_ne!(payload, phone_import_payload(&source, &[later]));
        assert_ne!(payload, phone_import_payload(&source, &[]));
        assert_ne!(
            payload,
            phone_import_payload(&source, &[seen.clone(), seen.clone()])
        );
        let mut renamed = source.clone();
        renamed.lender_id = None;
        assert_ne!(payload, phone_import_payload(&renamed, &[seen]));
    }

    #[test]
    fn entry_hash_is_deterministic_and_field_sensitive() {
        let d = payload_digest(b"{}");
        let a = entry_hash(1, 1000, "event.add", "42", &d, &GENESIS_PREV_HASH);
        assert_eq!(
            a,
            entry_hash(1, 1000, "event.add", "42", &d, &GENESIS_PREV_HASH)
        );
        // Moving a byte between length-prefixed fields changes the hash.
        assert_ne!(
            a,
            entry_hash(1, 1000, "event.add4", "2", &d, &GENESIS_PREV_HASH)
        );
        assert_ne!(
            a,
            entry_hash(2, 1000, "event.add", "42", &d, &GENESIS_PREV_HASH)
        );
        assert_ne!(
            a,
            entry_hash(1, 1001, "event.add", "42", &d, &GENESIS_PREV_HASH)
        );
    }

    #[test]
    fn entry_hash_matches_the_documented_encoding() {
        let d = [7u8; 32];
        let p = [9u8; 32];
        let mut enc = Vec::new();
        enc.extend_from_slice(b"khata-ledger-v1\0");
        enc.extend_from_slice(&5i64.to_be_bytes());
        enc.extend_from_slice(&1_700_000_000_000i64.to_be_bytes());
        enc.extend_from_slice(&2u32.to_be_bytes());
        enc.extend_from_slice(b"ab");
        enc.extend_from_slice(&3u32.to_be_bytes());
        enc.extend_from_slice(b"xyz");
        enc.extend_from_slice(&d);
        enc.extend_from_slice(&p);
        let want: [u8; 32] = Sha256::digest(&enc).into();
        assert_eq!(entry_hash(5, 1_700_000_000_000, "ab", "xyz", &d, &p), want);
    }

    #[test]
    fn log_head_payload_is_canonical_json_of_the_head() {
        let root = [0xabu8; 32];
        let text = String::from_utf8(log_head_payload("l-\"1", 1000, &root)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let canonical = khata_contract::signing::canonical_json(&v)
            .map(String::from_utf8)
            .unwrap()
            .unwrap();
        assert_eq!(text, canonical);
        assert_eq!(v["rootHash"], hex::encode(root));
        assert_eq!(v["treeSize"], 1000);
        assert_eq!(v["lenderId"], "l-\"1");
        assert_eq!(
            log_head_digest("l-\"1", 1000, &root),
            payload_digest(text.as_bytes())
        );
    }
}
