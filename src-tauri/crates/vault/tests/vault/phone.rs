//! Phone evidence in a real SQLCipher vault: one import is one transaction with one
//! `phone.import` ledger entry whose digest is the shared payload's, the raw file comes back
//! byte for byte (across parts), the same file again adds nothing, and a file that changed
//! between reading and copying leaves nothing behind.

use khata_evidence::ledger::{PHONE_IMPORT_KIND, payload_digest, phone_import_payload};
use khata_evidence::phone::*;
use khata_vault::*;
use sha2::{Digest, Sha256};

use crate::common::*;

fn source_of(raw: &[u8], app: &str) -> PhoneSource {
    PhoneSource {
        sha256: hex::encode(Sha256::digest(raw)),
        format: SourceFormat::AndroidAppops,
        platform: Platform::Android,
        file_name: "appops.txt".into(),
        bytes: raw.len() as u64,
        captured_at: Some(1_764_650_000_000),
        imported_at: 1_764_660_000_000,
        device: Device {
            serial: Some("R58N123ABC".into()),
            model: Some("SM-A515F".into()),
            os_version: Some("13".into()),
        },
        utc_offset_min: Some(330),
        offset_from: OffsetFrom::Assumed,
        app: app.into(),
        lender_id: Some("l-1".into()),
        covers_from: Some(1_764_600_000_000),
        covers_to: Some(1_764_640_000_000),
        records: 2,
        malformed_lines: 1,
        limits: vec![
            SourceLimit::UseNotContent,
            SourceLimit::LastAccessOnly,
            SourceLimit::OffsetNotInFile,
        ],
    }
}

fn observations(source: &PhoneSource) -> Vec<Observation> {
    let seen = |resource, op: &str, state, at| Observation {
        source: source.sha256.clone(),
        app: source.app.clone(),
        platform: Platform::Android,
        resource,
        op: op.into(),
        kind: ObservationKind::Access,
        state,
        first_at: at,
        last_at: at,
        count: 1,
        open_interval: false,
        network: None,
    };
    vec![
        seen(
            Resource::Contacts,
            "READ_CONTACTS",
            AppState::Background,
            1_764_640_000_000,
        ),
        Observation {
            kind: ObservationKind::Network,
            resource: Resource::Network,
            open_interval: true,
            count: 7,
            network: Some(NetworkFacts {
                domain: "tracker.example".into(),
                domain_owner: Some("Tracker Inc".into()),
                profiler: true,
                app_initiated: Some(true),
            }),
            ..seen(
                Resource::Network,
                "tracker.example",
                AppState::Unknown,
                1_764_600_000_000,
            )
        },
    ]
}

#[test]
fn an_import_is_one_ledgered_transaction_and_the_same_file_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    let raw = b"Uid 10234:\n  Package in.example:\n    READ_CONTACTS (allow):\n".repeat(50);
    let source = source_of(&raw, "in.example");
    let seen = observations(&source);
    let before = v.verify().unwrap().entries;

    let done = v.import_phone(&source, &seen, &mut raw.as_slice()).unwrap();
    assert!(done.new);
    assert_eq!(v.phone_sources().unwrap(), vec![source.clone()]);
    assert_eq!(v.phone_observations().unwrap(), seen);
    assert_eq!(
        v.phone_source(&source.sha256).unwrap(),
        Some(source.clone())
    );
    let mut back = Vec::new();
    assert_eq!(
        v.phone_raw(&source.sha256, &mut back).unwrap(),
        raw.len() as u64
    );
    assert_eq!(back, raw);

    // One entry, for this source, over the shared payload.
    let report = v.verify().unwrap();
    assert_eq!(report.entries, before + 1);
    let entry = v.ledger_entries(before as i64, 10).unwrap().remove(0);
    assert_eq!(entry.kind, PHONE_IMPORT_KIND);
    assert_eq!(entry.record_id, source.sha256);
    assert_eq!(
        entry.payload_digest,
        payload_digest(&phone_import_payload(&source, &seen))
    );

    // The same bytes again (even under another name and time): nothing read, nothing written.
    let mut again = source.clone();
    again.file_name = "copy.txt".into();
    again.imported_at += 1;
    let mut untouched: &[u8] = b"never read";
    let done = v.import_phone(&again, &seen, &mut untouched).unwrap();
    assert!(!done.new);
    assert_eq!(untouched, b"never read");
    assert_eq!(v.verify().unwrap().entries, before + 1);
    assert_eq!(v.phone_sources().unwrap(), vec![source]);
    assert_eq!(v.phone_observations().unwrap().len(), 2);
}

#[test]
fn a_file_that_changed_since_it_was_read_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    let raw = b"Package in.example:\n".repeat(10);
    let source = source_of(&raw, "in.example");
    let seen = observations(&source);
    let before = v.verify().unwrap().entries;

    let mut shorter = &raw[..raw.len() - 1];
    let e = v.import_phone(&source, &seen, &mut shorter).unwrap_err();
    assert!(e.to_string().contains("changed"), "{e}");
    let longer = [raw.as_slice(), b"x"].concat();
    let e = v
        .import_phone(&source, &seen, &mut longer.as_slice())
        .unwrap_err();
    assert!(e.to_string().contains("longer"), "{e}");
    let mut edited = raw.clone();
    edited[0] = b'p';
    let e = v
        .import_phone(&source, &seen, &mut edited.as_slice())
        .unwrap_err();
    assert!(e.to_string().contains("SHA-256"), "{e}");
    // An observation of another source is refused before anything is read.
    let mut stray = seen.clone();
    stray[0].source = "00".repeat(32);
    assert!(
        v.import_phone(&source, &stray, &mut raw.as_slice())
            .is_err()
    );

    assert!(v.phone_sources().unwrap().is_empty());
    assert!(v.phone_observations().unwrap().is_empty());
    let files: i64 = v
        .__connection()
        .query_row("SELECT count(*) FROM phone_files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(files, 0);
    assert_eq!(v.verify().unwrap().entries, before);
    assert!(matches!(
        v.phone_raw(&source.sha256, &mut Vec::new()),
        Err(VaultError::NotFound { .. })
    ));
}

/// A file larger than one part is cut into parts and read back whole; the vault file is
/// encrypted like every other record (the raw text does not appear on disk).
#[test]
fn a_large_file_is_kept_in_parts_and_comes_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    let len = PHONE_PART_BYTES as usize + 1234;
    let mut raw = Vec::with_capacity(len);
    let marker = b"KHATA-PHONE-CANARY ";
    while raw.len() < len {
        raw.extend_from_slice(marker);
    }
    raw.truncate(len);
    let source = source_of(&raw, "in.example");
    assert!(
        v.import_phone(&source, &[], &mut raw.as_slice())
            .unwrap()
            .new
    );
    let parts: i64 = v
        .__connection()
        .query_row("SELECT count(*) FROM phone_files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(parts, 2);
    let mut hasher = Sha256::new();
    struct HashWriter<'a>(&'a mut Sha256);
    impl std::io::Write for HashWriter<'_> {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.update(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let n = v
        .phone_raw(&source.sha256, &mut HashWriter(&mut hasher))
        .unwrap();
    assert_eq!(n, len as u64);
    assert_eq!(hex::encode(hasher.finalize()), source.sha256);
    drop(raw);
    v.close().unwrap();
    let on_disk = std::fs::read(dir.path().join("vault.db")).unwrap();
    assert!(
        !on_disk.windows(marker.len()).any(|w| w == marker),
        "the raw file is stored encrypted"
    );
}

/// An empty file is still a source with its (empty) file.
#[test]
fn an_empty_file_is_a_source_with_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    let source = source_of(b"", "in.example");
    assert!(v.import_phone(&source, &[], &mut &b""[..]).unwrap().new);
    let mut back = vec![1u8];
    back.clear();
    assert_eq!(v.phone_raw(&source.sha256, &mut back).unwrap(), 0);
    assert_eq!(v.phone_sources().unwrap().len(), 1);
}
