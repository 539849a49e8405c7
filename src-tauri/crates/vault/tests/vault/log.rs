//! The disclosure log (contract v2) against a real SQLCipher file: pages stored and read back
//! after reopening, a page stored twice, a page that rewrites a stored leaf or head, a page
//! that fails half-way, leaves streamed in index order across interleaved lenders, and the
//! read models (counts, timeline) seeing leaves as disclosures.

use khata_vault::*;

use crate::common::*;

fn leaf(i: u64) -> LogLeafRow {
    let onward = i.is_multiple_of(3).then(|| "bureau.example".to_string());
    LogLeafRow {
        signal_id: if i.is_multiple_of(2) {
            "sms.income"
        } else {
            "contacts"
        }
        .into(),
        collected_at: 1_700_000_000_000 + i as i64 * 1000,
        purpose: "103".into(),
        consent_id: Some("c-1".into()),
        data_from: 1_690_000_000_000,
        data_to: 1_700_000_000_000 + i as i64,
        value_digest: Some(digest_value(&i.to_le_bytes())),
        salts: vec![i as u8; 16 * (1 + onward.is_some() as usize)],
        onward_recipient: onward,
        log_index: i,
    }
}

fn leaves(range: std::ops::Range<u64>) -> Vec<LogLeafRow> {
    range.map(leaf).collect()
}

/// A stand-in frontier of the right shape (one hash per set bit of `size`); the vault keeps it
/// as given and never hashes.
fn frontier(size: u64, tag: u8) -> Vec<u8> {
    vec![tag; 32 * size.count_ones() as usize]
}

fn head(size: u64, tag: u8) -> TreeHeadRow {
    TreeHeadRow {
        tree_size: size,
        root: [tag; 32],
        signed_json: format!(r#"{{"treeSize":{size},"rootHash":"{tag}"}}"#),
        received_at: 1_800_000_000_000 + size as i64,
    }
}

/// Stores leaves [start, end) of `lender` as one page with the head and frontier at `end`.
fn append(v: &mut Vault, lender: &str, start: u64, end: u64) -> Result<usize> {
    v.append_log_page(
        lender,
        &leaves(start..end),
        &head(end, 1),
        end,
        &frontier(end, 1),
    )
}

fn all_leaves(v: &Vault, lender: &str) -> Vec<LogLeafRow> {
    let mut out = Vec::new();
    let n = v
        .for_each_log_leaf(lender, |l| {
            out.push(l);
            Ok::<_, VaultError>(())
        })
        .unwrap();
    assert_eq!(n as usize, out.len());
    out
}

fn ledger_kinds(v: &Vault) -> Vec<String> {
    v.ledger_entries(0, 10_000)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn count_kind(v: &Vault, kind: &str) -> usize {
    ledger_kinds(v).iter().filter(|k| *k == kind).count()
}

#[test]
fn pages_are_stored_and_read_back_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    assert_eq!(v.log_state("l-1").unwrap(), None);
    assert_eq!(append(&mut v, "l-1", 0, 3).unwrap(), 3);
    assert_eq!(append(&mut v, "l-1", 3, 7).unwrap(), 4);
    // A signal the lender's catalogue never named is registered, as for v1 disclosures.
    let mut odd = leaf(7);
    odd.signal_id = "new.signal".into();
    v.append_log_page("l-1", &[odd.clone()], &head(8, 2), 8, &frontier(8, 2))
        .unwrap();
    v.close().unwrap();

    let v = Vault::open(dir.path().join("vault.db"), Unlock::Keychain(&store)).unwrap();
    let mut want = leaves(0..7);
    want.push(odd);
    assert_eq!(all_leaves(&v, "l-1"), want);
    let state = v.log_state("l-1").unwrap().unwrap();
    assert_eq!(state.size, 8);
    assert_eq!(state.hashes, frontier(8, 2));
    assert_eq!(state.head_json, head(8, 2).signed_json);
    let heads = v.tree_heads("l-1").unwrap();
    assert_eq!(
        heads,
        [head(3, 1), head(7, 1), head(8, 2)]
            .map(|head| StoredTreeHead {
                head,
                status: HeadStatus::Held,
                mismatch: None,
            })
            .to_vec()
    );
    assert!(v.tree_heads("l-2").unwrap().is_empty());
    // One ledger entry per page, none per leaf; the chain holds; each entry's payload is
    // recomputed from its head alone.
    assert_eq!(count_kind(&v, "log.page"), 3);
    let pages: Vec<_> = v
        .ledger_entries(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "log.page")
        .collect();
    for (entry, h) in pages.iter().zip(&heads) {
        assert_eq!(entry.record_id, "l-1");
        let payload = log_head_payload("l-1", h.head.tree_size, &h.head.root);
        assert_eq!(entry.payload_digest, ledger::payload_digest(&payload));
    }
    assert_eq!(
        log_head_payload("l-1", 8, &[0xab; 32]),
        format!(
            r#"{{"lenderId":"l-1","rootHash":"{}","treeSize":8}}"#,
            "ab".repeat(32)
        )
        .as_bytes()
    );
    assert_eq!(count_kind(&v, "event.add"), 0);
    v.verify().unwrap();
    v.check_integrity().unwrap();
}

#[test]
fn leaves_are_disclosures_to_the_counts_and_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    // A v1 disclosure beside the log's leaves.
    ingest(&mut v, &[event("l-2", "contacts", 5)]);
    append(&mut v, "l-1", 0, 6).unwrap();

    assert_eq!(v.event_count().unwrap(), 7);
    let real: i64 = v
        .__connection()
        .query_row("SELECT count(*) FROM share_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(real, 7, "the V4 count triggers count leaves");
    let by_lender = EventFilter {
        lender_id: Some("l-1".into()),
        ..Default::default()
    };
    assert_eq!(v.count_events(&by_lender, None).unwrap(), 6);
    let income = ["sms.income".to_string()];
    assert_eq!(v.count_events(&by_lender, Some(&income)).unwrap(), 3);

    // The timeline reads leaves as disclosures, newest first, without a statement.
    let page = v
        .events_with_statements(&by_lender, None, None, 50)
        .unwrap();
    assert_eq!(page.len(), 6);
    for (k, (ev, lender_ref, statement)) in page.iter().enumerate() {
        let l = leaf(5 - k as u64);
        assert_eq!(ev.event.collected_at, l.collected_at);
        assert_eq!(ev.event.signal_id, l.signal_id);
        assert_eq!(Some(ev.event.value_digest), l.value_digest);
        assert_eq!(ev.event.onward_recipient, l.onward_recipient);
        assert_eq!(ev.event.consent_id, l.consent_id);
        assert_eq!(ev.event.lender_signature, None);
        assert_eq!((lender_ref, statement), (&None, &None));
    }
    // The export's id-order walk sees both kinds.
    let all = v.events_by_id(0, 100).unwrap();
    assert_eq!(all.len(), 7);
    assert!(all[0].2.is_some(), "the v1 disclosure keeps its statement");
    assert!(all[1..].iter().all(|(_, r, s)| r.is_none() && s.is_none()));
    // v1 rows are not leaves.
    assert!(all_leaves(&v, "l-2").is_empty());
}

#[test]
fn storing_a_page_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    append(&mut v, "l-1", 0, 4).unwrap();
    append(&mut v, "l-1", 4, 8).unwrap();
    let entries = v.verify().unwrap().entries;

    // The same pages again, the last and an earlier one.
    assert_eq!(append(&mut v, "l-1", 4, 8).unwrap(), 0);
    assert_eq!(append(&mut v, "l-1", 0, 4).unwrap(), 0);
    assert_eq!(v.verify().unwrap().entries, entries, "no ledger entry");
    assert_eq!(v.event_count().unwrap(), 8);
    assert_eq!(v.tree_heads("l-1").unwrap().len(), 2);
    assert_eq!(
        v.log_state("l-1").unwrap().unwrap().size,
        8,
        "never shrinks"
    );

    // A page overlapping what is held stores only its new leaves.
    assert_eq!(append(&mut v, "l-1", 6, 11).unwrap(), 3);
    assert_eq!(all_leaves(&v, "l-1"), leaves(0..11));
    assert_eq!(v.verify().unwrap().entries, entries + 1);
}

#[test]
fn a_page_that_rewrites_the_log_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    append(&mut v, "l-1", 0, 4).unwrap();
    let entries = v.verify().unwrap().entries;
    let unchanged = |v: &Vault| {
        assert_eq!(v.event_count().unwrap(), 4);
        assert_eq!(all_leaves(v, "l-1"), leaves(0..4));
        assert_eq!(v.tree_heads("l-1").unwrap().len(), 1);
        assert_eq!(v.log_state("l-1").unwrap().unwrap().hashes, frontier(4, 1));
        assert_eq!(v.verify().unwrap().entries, entries);
    };

    // Leaf 2 rewritten (each revealed field, or its salt), in a page that also brings new leaves.
    let rewrites: [fn(&mut LogLeafRow); 6] = [
        |l| l.purpose = "104".into(),
        |l| l.value_digest = Some([9; 32]),
        |l| l.salts[0] ^= 1,
        |l| l.data_to += 1,
        |l| l.consent_id = None,
        |l| l.collected_at += 1,
    ];
    for rewrite in rewrites {
        let mut page = leaves(2..6);
        rewrite(&mut page[0]);
        let err = v
            .append_log_page("l-1", &page, &head(6, 1), 6, &frontier(6, 1))
            .unwrap_err();
        match err {
            VaultError::LogConflict {
                lender_id,
                what,
                at,
            } => assert_eq!((lender_id.as_str(), what, at), ("l-1", "leaf", 2)),
            e => panic!("{e}"),
        }
        unchanged(&v);
    }

    // The same leaves under another head or frontier at the held size.
    let err = v
        .append_log_page("l-1", &leaves(0..4), &head(4, 7), 4, &frontier(4, 1))
        .unwrap_err();
    assert!(
        matches!(
            err,
            VaultError::LogConflict {
                what: "tree head",
                at: 4,
                ..
            }
        ),
        "{err}"
    );
    let err = v
        .append_log_page("l-1", &leaves(0..4), &head(4, 1), 4, &frontier(4, 7))
        .unwrap_err();
    assert!(
        matches!(
            err,
            VaultError::LogConflict {
                what: "frontier",
                at: 4,
                ..
            }
        ),
        "{err}"
    );
    unchanged(&v);

    // Malformed pages are refused before anything is read.
    let gap = v
        .append_log_page("l-1", &leaves(5..8), &head(8, 1), 8, &frontier(8, 1))
        .unwrap_err();
    assert!(matches!(gap, VaultError::Invalid(_)), "{gap}");
    let mut holes = leaves(4..8);
    holes.remove(1);
    let err = v
        .append_log_page("l-1", &holes, &head(7, 1), 7, &frontier(7, 1))
        .unwrap_err();
    assert!(matches!(err, VaultError::Invalid(_)), "{err}");
    let mut withheld = leaves(4..5);
    withheld[0].value_digest = None;
    let err = v
        .append_log_page("l-1", &withheld, &head(5, 1), 5, &frontier(5, 1))
        .unwrap_err();
    assert!(matches!(err, VaultError::Invalid(_)), "{err}");
    let mut salts = leaves(4..5);
    salts[0].salts.push(0);
    let err = v
        .append_log_page("l-1", &salts, &head(5, 1), 5, &frontier(5, 1))
        .unwrap_err();
    assert!(matches!(err, VaultError::Invalid(_)), "{err}");
    let err = v
        .append_log_page("l-1", &leaves(4..5), &head(6, 1), 5, &frontier(5, 1))
        .unwrap_err();
    assert!(matches!(err, VaultError::Invalid(_)), "head size: {err}");
    let err = v
        .append_log_page("l-1", &leaves(4..5), &head(5, 1), 5, &frontier(4, 1))
        .unwrap_err();
    assert!(
        matches!(err, VaultError::Invalid(_)),
        "frontier shape: {err}"
    );
    unchanged(&v);
}

#[test]
fn a_page_that_fails_half_way_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    append(&mut v, "l-1", 0, 2).unwrap();
    let entries = v.verify().unwrap().entries;
    // The fourth row of the next page fails inside the transaction.
    v.__connection()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_leaf BEFORE INSERT ON share_events \
             WHEN NEW.log_index = 5 BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let err = append(&mut v, "l-1", 2, 8).unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(v.event_count().unwrap(), 2);
    assert_eq!(all_leaves(&v, "l-1"), leaves(0..2));
    assert_eq!(v.log_state("l-1").unwrap().unwrap().size, 2);
    assert_eq!(v.tree_heads("l-1").unwrap().len(), 1);
    assert_eq!(v.verify().unwrap().entries, entries);

    // The same page goes in whole once the fault is gone.
    v.__connection()
        .execute_batch("DROP TRIGGER fail_leaf;")
        .unwrap();
    assert_eq!(append(&mut v, "l-1", 2, 8).unwrap(), 6);
    assert_eq!(all_leaves(&v, "l-1"), leaves(0..8));
    assert_eq!(v.verify().unwrap().entries, entries + 1);
}

#[test]
fn leaves_stream_in_index_order_per_lender() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    // Pages of two lenders interleaved, as two syncs would store them.
    append(&mut v, "l-1", 0, 3).unwrap();
    append(&mut v, "l-2", 0, 5).unwrap();
    ingest(&mut v, &[event("l-1", "contacts", 1)]);
    append(&mut v, "l-1", 3, 9).unwrap();
    append(&mut v, "l-2", 5, 6).unwrap();
    assert_eq!(all_leaves(&v, "l-1"), leaves(0..9));
    assert_eq!(all_leaves(&v, "l-2"), leaves(0..6));
    assert_eq!(v.event_count().unwrap(), 16);

    // The caller's error stops the walk and comes back as is.
    let mut seen = 0;
    let err = v
        .for_each_log_leaf("l-1", |l| {
            seen += 1;
            if l.log_index == 4 {
                Err(VaultError::Invalid("enough".into()))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert!(
        matches!(&err, VaultError::Invalid(m) if m == "enough"),
        "{err}"
    );
    assert_eq!(seen, 5);

    // A leaf missing from the middle is reported, not skipped.
    v.__connection()
        .execute(
            "DELETE FROM share_events WHERE lender_id = 'l-1' AND log_index = 4",
            [],
        )
        .unwrap();
    let err = v
        .for_each_log_leaf("l-1", |_| Ok::<_, VaultError>(()))
        .unwrap_err();
    assert!(matches!(err, VaultError::Corrupt { .. }), "{err}");
}

#[test]
fn conflicting_heads_are_kept_as_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    append(&mut v, "l-1", 0, 4).unwrap();
    // The lender later signs another root at a size already held.
    let mut fork = head(4, 9);
    fork.received_at += 10;
    let mismatch = PageMismatch {
        computed_root: [7; 32],
        page_start: 2,
    };
    assert!(
        v.record_conflicting_head("l-1", &fork, Some(mismatch))
            .unwrap()
    );
    assert!(
        !v.record_conflicting_head("l-1", &fork, None).unwrap(),
        "kept once"
    );
    assert_eq!(count_kind(&v, "log.conflict"), 1);
    assert_eq!(
        v.tree_heads("l-1").unwrap(),
        vec![
            StoredTreeHead {
                head: head(4, 1),
                status: HeadStatus::Held,
                mismatch: None,
            },
            StoredTreeHead {
                head: fork,
                status: HeadStatus::Conflicting,
                mismatch: Some(mismatch),
            },
        ]
    );
    // The held state is untouched: the log resumes from what agrees with the leaves.
    let state = v.log_state("l-1").unwrap().unwrap();
    assert_eq!(state.head_json, head(4, 1).signed_json);
    assert_eq!(append(&mut v, "l-1", 4, 5).unwrap(), 1);
    v.verify().unwrap();
}

/// A leaf as the lender sends it (random salts), read the way a sync reads it, as a row.
fn received(index: u64) -> (serde_json::Value, LogLeafRow) {
    use khata_contract::log::{DisclosureLeaf, LeafRange};
    use khata_contract::merkle::{decode_hash, encode_hash};
    let plain = leaf(index);
    let leaf = DisclosureLeaf {
        index,
        signal: plain.signal_id.clone(),
        collected_at: plain.collected_at,
        purpose: plain.purpose.clone(),
        consent_id: plain.consent_id.clone(),
        data_range: LeafRange {
            from: plain.data_from,
            to: plain.data_to,
        },
        value_digest: plain.value_digest.map(|d| encode_hash(&d)),
        onward_recipient: plain.onward_recipient.clone(),
    };
    let wire = leaf
        .to_redactable([rand::random(), rand::random()])
        .unwrap();
    let checked = DisclosureLeaf::check(&wire).unwrap();
    let row = LogLeafRow {
        signal_id: checked.leaf.signal,
        collected_at: checked.leaf.collected_at,
        purpose: checked.leaf.purpose,
        consent_id: checked.leaf.consent_id,
        data_from: checked.leaf.data_range.from,
        data_to: checked.leaf.data_range.to,
        value_digest: checked.leaf.value_digest.map(|d| decode_hash(&d).unwrap()),
        onward_recipient: checked.leaf.onward_recipient,
        log_index: index,
        salts: checked.salts.iter().flatten().flatten().copied().collect(),
    };
    (wire, row)
}

/// The leaf `row` stands for, rebuilt with its stored salts.
fn rebuilt(row: &LogLeafRow) -> serde_json::Value {
    use khata_contract::log::{DisclosureLeaf, LeafRange};
    let salt = |k: usize| {
        row.salts
            .get(16 * k..16 * (k + 1))
            .map_or([0; 16], |s| s.try_into().unwrap())
    };
    DisclosureLeaf {
        index: row.log_index,
        signal: row.signal_id.clone(),
        collected_at: row.collected_at,
        purpose: row.purpose.clone(),
        consent_id: row.consent_id.clone(),
        data_range: LeafRange {
            from: row.data_from,
            to: row.data_to,
        },
        value_digest: row
            .value_digest
            .map(|d| khata_contract::merkle::encode_hash(&d)),
        onward_recipient: row.onward_recipient.clone(),
    }
    .to_redactable([salt(0), salt(1)])
    .unwrap()
}

/// What the vault keeps of a leaf rebuilds it exactly: the same object, so the same leaf hash,
/// so the held heads' roots and the stored frontier come out of the streamed leaves.
#[test]
fn stored_leaves_rebuild_the_signed_roots() {
    use khata_contract::merkle::{Frontier, leaf_hash};
    use khata_contract::redact::statement_bytes;
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    let mut frontier = Frontier::new();
    let mut wires = Vec::new();
    for range in [0..5, 5..13] {
        let page: Vec<_> = range.map(received).collect();
        for (wire, _) in &page {
            frontier.push(leaf_hash(&statement_bytes(wire).unwrap()));
            wires.push(wire.clone());
        }
        let rows: Vec<_> = page.into_iter().map(|(_, r)| r).collect();
        let head = TreeHeadRow {
            tree_size: frontier.size(),
            root: frontier.root(),
            signed_json: "{}".into(),
            received_at: 1,
        };
        let hashes = frontier.hashes().concat();
        v.append_log_page("l-1", &rows, &head, frontier.size(), &hashes)
            .unwrap();
    }
    v.close().unwrap();

    let v = Vault::open(dir.path().join("vault.db"), Unlock::Keychain(&store)).unwrap();
    let mut again = Frontier::new();
    let mut roots = std::collections::BTreeMap::new();
    v.for_each_log_leaf("l-1", |row| {
        let object = rebuilt(&row);
        // The object as received: the same members, values, salts and commitments.
        assert_eq!(object, wires[row.log_index as usize]);
        again.push(leaf_hash(&statement_bytes(&object).unwrap()));
        roots.insert(again.size(), again.root());
        Ok::<_, VaultError>(())
    })
    .unwrap();
    for h in v.tree_heads("l-1").unwrap() {
        assert_eq!(roots[&h.head.tree_size], h.head.root);
    }
    let state = v.log_state("l-1").unwrap().unwrap();
    assert_eq!(state.size, 13);
    assert_eq!(state.hashes, again.hashes().concat());
}
