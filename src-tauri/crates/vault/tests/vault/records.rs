//! The record API against a real SQLCipher file: the append-only ledger and tamper reports,
//! keyset pagination and its index, the revocation outbox and rights requests, and a failed write
//! that leaves no ledger entry.

use khata_vault::*;

use crate::common::*;

#[test]
fn ledger_is_append_only_and_tampering_names_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    ingest(
        &mut v,
        &(0..10)
            .map(|i| event("l-1", "sms.income", i))
            .collect::<Vec<_>>(),
    );
    let c = v.__connection();
    assert!(
        c.execute("UPDATE ledger SET kind = 'x' WHERE seq = 3", [])
            .is_err()
    );
    assert!(c.execute("DELETE FROM ledger WHERE seq = 3", []).is_err());
    // 6 from `seed`, the lender link, 10 events and the sync.
    assert_eq!(v.verify().unwrap().entries, 18);

    // Someone with the key drops the guard and edits entry 9.
    c.execute_batch("DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;")
        .unwrap();
    c.execute("UPDATE ledger SET record_id = 'forged' WHERE seq = 9", [])
        .unwrap();
    match v.verify().unwrap_err() {
        VaultError::LedgerBroken { seq, .. } => assert_eq!(seq, 9),
        e => panic!("{e}"),
    }
    // Deleting an entry is caught as a gap.
    c.execute("DELETE FROM ledger WHERE seq = 9", []).unwrap();
    match v.verify().unwrap_err() {
        VaultError::LedgerBroken { seq, reason } => {
            assert_eq!(seq, 9);
            assert!(reason.contains("missing"), "{reason}");
        }
        e => panic!("{e}"),
    }
    // Deleting the last entries is not caught by the chain alone (no signed checkpoint
    // yet), but editing one is, even when its stored hash is recomputed to match its own
    // fields: the next entry no longer chains onto it.
    let d = tempfile::tempdir().unwrap();
    let (mut v2, _) = new_vault(d.path(), &store);
    seed(&mut v2);
    let e3 = v2.ledger_entries(2, 1).unwrap().remove(0);
    let forged = entry_hash(
        e3.seq,
        e3.at,
        &e3.kind,
        "forged",
        &e3.payload_digest,
        &e3.prev_hash,
    );
    let c2 = v2.__connection();
    c2.execute_batch("DROP TRIGGER ledger_no_update;").unwrap();
    c2.execute(
        "UPDATE ledger SET record_id = 'forged', hash = ?1 WHERE seq = 3",
        [&forged[..]],
    )
    .unwrap();
    match v2.verify().unwrap_err() {
        VaultError::LedgerBroken { seq, .. } => assert_eq!(seq, 4),
        e => panic!("{e}"),
    }
}

#[test]
fn keyset_pagination_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    // Duplicate timestamps on purpose: the id breaks ties.
    let evs: Vec<_> = (0..300)
        .map(|i| {
            let l = if i % 3 == 0 { "l-2" } else { "l-1" };
            let s = if i % 2 == 0 { "sms.income" } else { "contacts" };
            event(l, s, 1000 + (i / 4))
        })
        .collect();
    ingest(&mut v, &evs);

    let filter = EventFilter {
        lender_id: Some("l-1".into()),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = v.events_with_statements(&filter, None, after, 37).unwrap();
        seen.extend(page.iter().map(|(e, ..)| (e.event.collected_at, e.id)));
        if page.len() < 37 {
            break;
        }
        let (last, ..) = page.last().unwrap();
        after = Some(EventCursor {
            collected_at: last.event.collected_at,
            id: last.id,
        });
    }
    let mut want: Vec<_> = (0..300i64)
        .filter(|i| i % 3 != 0)
        .map(|i| (1000 + i / 4, i + 1))
        .collect();
    want.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, want);

    let latest = v.events_with_statements(&filter, None, None, 50).unwrap();
    assert_eq!(
        latest
            .iter()
            .map(|(e, ..)| (e.event.collected_at, e.id))
            .collect::<Vec<_>>(),
        want[..50]
    );

    let f = EventFilter {
        lender_id: Some("l-2".into()),
        signal_id: Some("contacts".into()),
        from: Some(1010),
        to: Some(1020),
    };
    let got = v.events_with_statements(&f, None, None, 1000).unwrap();
    assert!(got.len() < 1000);
    assert_eq!(v.count_events(&f, None).unwrap(), got.len() as i64);
    let want: Vec<i64> = (0..300i64)
        .filter(|i| i % 3 == 0 && i % 2 == 1 && (1010..1020).contains(&(1000 + i / 4)))
        .map(|i| i + 1)
        .rev()
        .collect();
    assert_eq!(got.iter().map(|(e, ..)| e.id).collect::<Vec<_>>(), want);
    assert!(!want.is_empty());
}

#[test]
fn first_screen_query_uses_the_lender_index_without_sorting() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = new_vault(dir.path(), &MemoryKeyStore::new());
    let plan: Vec<String> = v
        .__connection()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM share_events WHERE 1 AND lender_id = 'l-1' \
             ORDER BY collected_at DESC, id DESC LIMIT 50",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join(" | ");
    assert!(plan.contains("share_events_by_lender"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn revocation_outbox_and_rights_flow() {
    let dir = tempfile::tempdir().unwrap();
    let (mut v, _) = new_vault(dir.path(), &MemoryKeyStore::new());
    seed(&mut v);
    let revoke = |v: &mut Vault| {
        v.record_consent_action(
            "c-1",
            ConsentActionKind::Revoke,
            &[],
            Some(ConsentStatus::Revoked),
            |a| format!("{{\"id\":\"{}\"}}", a.revocation.id),
        )
    };
    let action = revoke(&mut v).unwrap();
    let (rev, item) = (action.revocation, action.outbox.unwrap());
    assert_eq!(
        v.consent("c-1").unwrap().unwrap().status,
        ConsentStatus::Revoked
    );
    assert!(revoke(&mut v).is_err());
    // A revoked consent stays revoked.
    let resume = v.record_consent_action(
        "c-1",
        ConsentActionKind::Resume,
        &[],
        Some(ConsentStatus::Active),
        |a| format!("{{\"id\":\"{}\"}}", a.revocation.id),
    );
    assert!(resume.is_err());
    assert_eq!(item.record_id, rev.id);
    assert_eq!(
        item.message,
        OutboxMessage::Revoke {
            consent_id: "c-1".into(),
            signals: vec![],
        }
    );
    // Looked up by id, with its message.
    assert_eq!(v.outbox_item(&item.id).unwrap().as_ref(), Some(&item));
    let by_id = v.consent_action(&rev.id).unwrap().unwrap();
    assert_eq!(by_id.action, ConsentActionKind::Revoke);
    assert_eq!(by_id.outbox.as_ref(), Some(&item));
    assert!(v.consent_action("no-such-id").unwrap().is_none());
    assert_eq!(item.state, OutboxState::Pending);
    let now = now_ms();
    assert_eq!(v.due_outbox(now, 10).unwrap(), vec![item.clone()]);

    let failed = v
        .mark_outbox_failed(&item.id, "connection refused", now + 60_000)
        .unwrap();
    assert_eq!((failed.attempts, failed.state), (1, OutboxState::Pending));
    assert!(v.due_outbox(now, 10).unwrap().is_empty());
    assert_eq!(v.due_outbox(now + 60_000, 10).unwrap().len(), 1);

    // A message an earlier version marked `sent` waits for its acknowledgement until it is
    // due (the engine re-queues such messages on start).
    v.__connection()
        .execute(
            "UPDATE outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = ?2 \
             WHERE id = ?1",
            rusqlite::params![item.id, now + 120_000],
        )
        .unwrap();
    let sent = v.outbox_item(&item.id).unwrap().unwrap();
    assert_eq!((sent.attempts, sent.state), (2, OutboxState::Sent));
    assert!(v.due_outbox(now + 60_000, 10).unwrap().is_empty());
    // No acknowledgement in time: due again, same idempotency key.
    let again = v.due_outbox(now + 120_000, 10).unwrap();
    assert_eq!(again[0].idempotency_key, item.idempotency_key);

    let acked = v
        .mark_outbox_acknowledged(&item.id, b"signed-receipt")
        .unwrap();
    assert_eq!(acked.receipt.as_deref(), Some(&b"signed-receipt"[..]));
    assert!(v.due_outbox(i64::MAX, 10).unwrap().is_empty());
    // An acknowledged message is final.
    assert!(v.mark_outbox_failed(&item.id, "late", 0).is_err());
    assert!(v.mark_outbox_acknowledged(&item.id, b"again").is_err());

    let (req, ritem) = v
        .add_rights_request(
            "l-1",
            RightsKind::Access,
            Some("all data"),
            Some(now + 86_400_000),
        )
        .unwrap();
    assert_eq!(
        ritem.message,
        OutboxMessage::RightsRequest {
            request_id: req.id.clone(),
            kind: RightsKind::Access,
            details: Some("all data".into()),
            consent_id: None,
        }
    );
    assert_eq!(ritem.record_id, req.id);
    v.set_rights_status(&req.id, RightsStatus::Acknowledged, Some("TICKET-9"))
        .unwrap();
    let got = v.rights_requests(Some("l-1")).unwrap();
    assert_eq!(got[0].ticket.as_deref(), Some("TICKET-9"));
    assert_eq!(got[0].status, RightsStatus::Acknowledged);
    assert_eq!(v.rights_request(&req.id).unwrap().as_ref(), Some(&got[0]));

    let offer = Offer {
        id: "o-1".into(),
        lender_id: "l-1".into(),
        consent_id: Some("c-1".into()),
        received_at: now,
        decision: Decision::Approved,
        amount_minor: Some(5_000_000),
        currency: Some("INR".into()),
        apr_bps: Some(2400),
        tenure_months: Some(12),
        explanation: Explanation {
            method: "scorecard".into(),
            baseline: 500.0,
            score: 640.5,
            contributions: vec![Contribution {
                signal_id: "sms.income".into(),
                contribution: 140.5,
            }],
            reason_codes: vec!["R01".into()],
        },
        signature: None,
    };
    v.add_offer(&offer).unwrap();
    assert_eq!(v.offer("o-1").unwrap().unwrap(), offer);
    // Every change above is in the chain.
    let kinds: Vec<String> = v
        .ledger_entries(0, 1000)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for k in [
        "consent.status",
        "revocation.add",
        "outbox.enqueue",
        "outbox.failed",
        "outbox.ack",
        "rights.add",
        "rights.status",
        "offer.add",
    ] {
        assert!(kinds.iter().any(|x| x == k), "missing {k}");
    }
    v.check_integrity().unwrap();
}

#[test]
fn failed_write_leaves_no_ledger_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (mut v, _) = new_vault(dir.path(), &MemoryKeyStore::new());
    seed(&mut v);
    v.upsert_lender_link(&link("l-1")).unwrap();
    let before = v.verify().unwrap();
    // The second disclosure is another lender's: the whole page rolls back.
    let err = v
        .ingest_disclosures(
            "l-1",
            &page(
                1,
                &[
                    event("l-1", "sms.income", 1),
                    event("nobody", "sms.income", 2),
                ],
            ),
            None,
            0,
        )
        .unwrap_err();
    assert!(matches!(err, VaultError::Invalid(_)), "{err}");
    // A lender that is not in the vault: the database refuses the first insert.
    let err = v
        .ingest_disclosures(
            "nobody",
            &page(1, &[event("nobody", "sms.income", 1)]),
            None,
            0,
        )
        .unwrap_err();
    assert!(matches!(err, VaultError::Sqlite(_)), "{err}");
    // Every disclosure inserted, then no link to record the sync on: rolled back too.
    let err = v
        .ingest_disclosures(
            "l-2",
            &page(
                1,
                &[event("l-2", "sms.income", 1), event("l-2", "contacts", 2)],
            ),
            None,
            0,
        )
        .unwrap_err();
    assert!(matches!(err, VaultError::NotFound { .. }), "{err}");
    assert_eq!(v.event_count().unwrap(), 0);
    assert_eq!(v.verify().unwrap(), before);
}

/// Re-pinning keeps every key: those no longer published are retired (not deleted), one
/// published again is current again, and each pin is in the ledger.
#[test]
fn pinned_keys_are_retired_never_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    let key = |id: &str| (id.to_string(), "Ed25519".to_string(), format!("pk-{id}"));
    let pin = |v: &mut Vault, at: i64, fingerprint: &str, keys: &[(String, String, String)]| {
        let identity = LenderIdentity {
            lender_id: "l-1".into(),
            origin: "https://l1.example".into(),
            fingerprint: fingerprint.into(),
            pinned_at: at,
        };
        v.pin_lender_identity(&identity, keys).unwrap();
    };
    let entries = v.verify().unwrap().entries;
    pin(&mut v, 10, "F1", &[key("a")]);
    pin(&mut v, 20, "F2", &[key("b")]);
    assert_eq!(v.lender_identity("l-1").unwrap().unwrap().fingerprint, "F2");
    let history = v.lender_key_history("l-1").unwrap();
    let state: Vec<(&str, i64, Option<i64>)> = history
        .iter()
        .map(|k| (k.key_id.as_str(), k.first_seen, k.retired_at))
        .collect();
    assert_eq!(state, [("a", 10, Some(20)), ("b", 20, None)]);
    // The old key comes back (a rollback): current again, first seen unchanged.
    pin(&mut v, 30, "F1", &[key("a")]);
    let history = v.lender_key_history("l-1").unwrap();
    let state: Vec<(&str, i64, Option<i64>)> = history
        .iter()
        .map(|k| (k.key_id.as_str(), k.first_seen, k.retired_at))
        .collect();
    assert_eq!(state, [("a", 10, None), ("b", 20, Some(30))]);
    assert_eq!(v.verify().unwrap().entries, entries + 3);
    assert!(v.lender_identity("l-2").unwrap().is_none());
}
