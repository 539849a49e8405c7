//! Sample records shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use khata_vault::*;
use sha2::{Digest, Sha256};

pub fn lender(id: &str) -> Lender {
    Lender {
        id: id.into(),
        name: format!("Lender {id}"),
        registration: Some("N-14.03268".into()),
        contact: Some("grievance@example.test".into()),
        public_key: Some(vec![7; 32]),
    }
}

pub fn signal(id: &str, category: &str) -> Signal {
    Signal {
        id: id.into(),
        name: format!("Signal {id}"),
        category: category.into(),
        sensitivity: Sensitivity::High,
        regulatory_flags: vec!["rbi-2022-prohibited".into()],
    }
}

pub fn consent(id: &str, lender_id: &str) -> Consent {
    Consent {
        id: id.into(),
        lender_id: lender_id.into(),
        purpose_code: "103".into(),
        purpose_text: "Credit assessment for a personal loan".into(),
        signals_granted: vec!["sms.income".into()],
        signals_denied: vec!["contacts".into()],
        consent_start: 1_700_000_000_000,
        consent_expiry: 1_731_536_000_000,
        fetch_type: FetchType::Periodic,
        frequency: Period {
            unit: FrequencyUnit::Month,
            value: 1,
        },
        data_life: Period {
            unit: DataLifeUnit::Year,
            value: 1,
        },
        fi_data_range: Some(DataRange {
            from: 1_690_000_000_000,
            to: 1_700_000_000_000,
        }),
        status: ConsentStatus::Active,
        signed_artefact: Some(b"eyJhbGciOiJFZERTQSJ9.e30.sig".to_vec()),
        artefact_signature: Some(vec![1; 64]),
    }
}

pub fn event(lender_id: &str, signal_id: &str, at: i64) -> NewShareEvent {
    NewShareEvent {
        signal_id: signal_id.into(),
        lender_id: lender_id.into(),
        collected_at: at,
        purpose: "credit-assessment".into(),
        consent_id: Some("c-1".into()),
        value_digest: digest_value(format!("value-{at}").as_bytes()),
        onward_recipient: None,
        lender_signature: None,
    }
}

/// A vault with two lenders, two signals and one consent.
pub fn seed(v: &mut Vault) {
    v.upsert_lender(&lender("l-1")).unwrap();
    v.upsert_lender(&lender("l-2")).unwrap();
    v.upsert_signal(&signal("sms.income", "pd:Income")).unwrap();
    v.upsert_signal(&signal("contacts", "pd:Contact")).unwrap();
    v.upsert_consent(&consent("c-1", "l-1")).unwrap();
}

/// How the engine would reach `lender_id`; the sync path needs one before it stores anything.
pub fn link(lender_id: &str) -> LenderLink {
    LenderLink {
        lender_id: lender_id.into(),
        api_base: "http://127.0.0.1:1".into(),
        discovery: "{}".into(),
        is_sandbox: true,
        sync_cursor: None,
        last_sync_at: None,
        reachable: true,
    }
}

/// `events` as a page of a lender's disclosure log, with lender references from `first` on.
pub fn page(first: i64, events: &[NewShareEvent]) -> Vec<LenderDisclosure> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| LenderDisclosure {
            event: e.clone(),
            lender_ref: format!("d-{}", first + i as i64),
            lender_seq: first + i as i64,
            statement: serde_json::to_vec(e).unwrap(),
        })
        .collect()
}

/// Stores `events` through the sync path the engine uses ([`Vault::ingest_disclosures`]):
/// each run of events from one lender is one page (one transaction), the lender's link is
/// added on first use, and every event gets a fresh lender reference. Returns the new ids in
/// the order given.
pub fn try_ingest(v: &mut Vault, events: &[NewShareEvent]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(events.len());
    for run in events.chunk_by(|a, b| a.lender_id == b.lender_id) {
        let lender = run[0].lender_id.as_str();
        if v.lender_link(lender)?.is_none() {
            v.upsert_lender_link(&link(lender))?;
        }
        let first = v.max_event_id()? + 1;
        let n = v.ingest_disclosures(lender, &page(first, run), None, 0)?;
        assert_eq!(n, run.len(), "every disclosure in the page is new");
        ids.extend(first..first + n as i64);
    }
    Ok(ids)
}

/// [`try_ingest`] that must succeed.
pub fn ingest(v: &mut Vault, events: &[NewShareEvent]) -> Vec<i64> {
    try_ingest(v, events).unwrap()
}

/// Concatenated bytes of the file (empty if absent).
pub fn read_or_empty(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_default()
}

/// SHA-256 of a file's bytes (empty if it is missing): "nothing changed on disk".
pub fn file_digest(p: &Path) -> Vec<u8> {
    Sha256::digest(read_or_empty(p)).to_vec()
}

/// A new keychain-custody vault in `dir`.
pub fn new_vault(dir: &Path, store: &MemoryKeyStore) -> (Vault, RecoveryKey) {
    Vault::create(dir.join("vault.db"), Unlock::Keychain(store)).unwrap()
}
