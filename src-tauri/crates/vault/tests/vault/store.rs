//! Schema version 2 (the engine's records): lender links, idempotent disclosure ingest, lender
//! statements, consent updates and consent actions queued with the outbox, all ledgered.

use crate::common::*;
use khata_vault::*;

fn open() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (v, _) = Vault::create(dir.path().join("v.db"), Unlock::Keychain(&store)).unwrap();
    (dir, v)
}

fn disclosure(lender: &str, n: i64) -> LenderDisclosure {
    LenderDisclosure {
        event: NewShareEvent {
            signal_id: "sms.income".into(),
            lender_id: lender.into(),
            collected_at: 1_700_000_000_000 + n,
            purpose: "103".into(),
            consent_id: None,
            value_digest: digest_value(&n.to_be_bytes()),
            onward_recipient: None,
            lender_signature: Some(vec![1; 64]),
        },
        lender_ref: format!("d-{n}"),
        lender_seq: n,
        statement: format!("{{\"disclosureId\":\"d-{n}\"}}").into_bytes(),
    }
}

#[test]
fn v2_records_are_idempotent_and_ledgered() {
    let (_dir, mut v) = open();
    const { assert!(SCHEMA_VERSION >= 2) };
    v.upsert_lender(&lender("l1")).unwrap();
    v.upsert_signal(&signal("sms.income", "pd:Income")).unwrap();
    let link = LenderLink {
        lender_id: "l1".into(),
        api_base: "http://127.0.0.1:1".into(),
        discovery: "{}".into(),
        is_sandbox: true,
        sync_cursor: None,
        last_sync_at: None,
        reachable: true,
    };
    v.upsert_lender_link(&link).unwrap();

    let page: Vec<_> = (1..=5).map(|n| disclosure("l1", n)).collect();
    assert_eq!(v.ingest_disclosures("l1", &page, Some("c5"), 9).unwrap(), 5);
    // Re-syncing the same page (and an overlapping one) adds only what is new.
    assert_eq!(v.ingest_disclosures("l1", &page, None, 10).unwrap(), 0);
    let more: Vec<_> = (4..=7).map(|n| disclosure("l1", n)).collect();
    assert_eq!(v.ingest_disclosures("l1", &more, None, 11).unwrap(), 2);
    assert_eq!(v.event_count().unwrap(), 7);
    let l = v.lender_link("l1").unwrap().unwrap();
    assert_eq!(l.sync_cursor.as_deref(), Some("c5"));
    assert_eq!(l.last_sync_at, Some(11));
    let f = EventFilter::default();
    assert_eq!(v.count_events(&f, Some(&["sms.income".into()])).unwrap(), 7);
    let rows = v.events_with_statements(&f, None, None, 3).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].1.as_deref(), Some("d-7"));

    let st = Statement {
        kind: "offer".into(),
        id: "o1".into(),
        version: 0,
        lender_id: "l1".into(),
        received_at: 1,
        json: b"{}".to_vec(),
    };
    assert!(v.put_statement(&st).unwrap());
    assert!(!v.put_statement(&st).unwrap());
    assert_eq!(v.statements("offer", "o1").unwrap().len(), 1);

    let mut c = consent("c1", "l1");
    assert!(v.upsert_consent(&c).unwrap());
    assert!(!v.upsert_consent(&c).unwrap());
    c.signals_granted.clear();
    assert!(v.upsert_consent(&c).unwrap());
    assert!(v.consent("c1").unwrap().unwrap().signals_granted.is_empty());

    let act = v
        .record_consent_action(
            "c1",
            ConsentActionKind::Pause,
            &[],
            Some(ConsentStatus::Paused),
            |a| format!("{{\"id\":\"{}\"}}", a.revocation.id),
        )
        .unwrap();
    assert_eq!(
        v.consent("c1").unwrap().unwrap().status,
        ConsentStatus::Paused
    );
    let acts = v.consent_actions(Some("c1")).unwrap();
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].action, ConsentActionKind::Pause);
    assert_eq!(
        acts[0].outbox.as_ref().unwrap().message,
        OutboxMessage::Pause {
            consent_id: "c1".into()
        }
    );
    assert_eq!(acts[0].outbox.as_ref().unwrap().id, act.outbox.unwrap().id);
    // The borrower's request is kept, in its own words, with a ledger entry of those bytes.
    let reqs = v.borrower_requests().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].id, act.revocation.id);
    assert_eq!(reqs[0].kind, "consentAction");
    assert_eq!(
        reqs[0].record,
        format!("{{\"id\":\"{}\"}}", act.revocation.id)
    );
    let entries = v.ledger_entries(0, 10_000).unwrap();
    let e = entries
        .iter()
        .find(|e| e.kind == "borrower.request" && e.record_id == act.revocation.id)
        .expect("ledgered");
    assert_eq!(
        e.payload_digest,
        khata_evidence::ledger::payload_digest(reqs[0].record.as_bytes())
    );
    v.verify().unwrap();
}

#[test]
fn unfiltered_timeline_is_served_from_an_index() {
    let (_dir, v) = open();
    let plan: Vec<String> = v
        .__connection()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM share_events WHERE 1 AND (collected_at < 5 OR \
             (collected_at = 5 AND id < 9)) ORDER BY collected_at DESC, id DESC LIMIT 100",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("share_events_by_time"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

/// Two lenders describing the same signal id each keep their own entry; the shared registry
/// holds the id once, and the ledger records each lender's entry.
#[test]
fn each_lender_keeps_its_own_catalogue() {
    let (_dir, mut v) = open();
    v.upsert_lender(&lender("a")).unwrap();
    v.upsert_lender(&lender("b")).unwrap();
    let mut flagged = signal("contacts", "pd:Contact");
    flagged.regulatory_flags = vec!["rbi-2022-prohibited".into()];
    let mut bland = signal("contacts", "pd:Behavioral");
    bland.regulatory_flags = vec![];
    v.upsert_lender_signal("a", &flagged).unwrap();
    v.upsert_lender_signal("b", &bland).unwrap();
    let a = v.lender_signals(Some("a")).unwrap();
    let b = v.lender_signals(Some("b")).unwrap();
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_eq!(a[0].signal, flagged);
    assert_eq!(b[0].signal, bland);
    assert_eq!(v.lender_signals(None).unwrap().len(), 2);
    assert_eq!(v.signals().unwrap().len(), 1, "one id in the registry");
    // Flat in JSON, as exports list it.
    let json = serde_json::to_value(&a[0]).unwrap();
    assert_eq!(json["lender_id"], "a");
    assert_eq!(json["category"], "pd:Contact");
}
