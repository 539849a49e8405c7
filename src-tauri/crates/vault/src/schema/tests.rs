//! The migrations checked against a real SQLite: each applies, and the constraints they
//! declare hold.

use rusqlite::Connection;

#[test]
fn migrations_are_valid() {
    super::migrations().validate().unwrap();
}

/// A vault from before version 6 (one shared catalogue, last lender wins) gets each
/// lender's own catalogue back from the catalogue statements it kept.
#[test]
fn catalogues_move_under_their_lenders() {
    let mut c = Connection::open_in_memory().unwrap();
    super::migrations().to_version(&mut c, 5).unwrap();
    c.execute_batch(
        r#"INSERT INTO lenders (id, name) VALUES ('a', 'A'), ('b', 'B');
        INSERT INTO signals (id, name, category, sensitivity, regulatory_flags)
            VALUES ('contacts', 'Score', 'pd:Behavioral', 'low', '[]');
        INSERT INTO statements (kind, id, version, lender_id, received_at, json) VALUES
          ('catalog', 'a', 1, 'a', 1, CAST('{"signals":[{"id":"contacts","name":"Old",
             "description":"","dpvCategory":"pd:Contact","sensitivity":"HIGH",
             "regulatoryFlags":[]}]}' AS BLOB)),
          ('catalog', 'a', 2, 'a', 2, CAST('{"signals":[{"id":"contacts","name":"Contacts",
             "description":"","dpvCategory":"pd:Contact","sensitivity":"HIGH",
             "regulatoryFlags":["rbi-2022-prohibited"]}]}' AS BLOB)),
          ('catalog', 'b', 1, 'b', 3, CAST('{"signals":[{"id":"contacts","name":"Score",
             "description":"","dpvCategory":"pd:Behavioral","sensitivity":"LOW",
             "regulatoryFlags":[]}]}' AS BLOB)),
          ('catalog', 'b', 0, 'b', 0, CAST('not json' AS BLOB));"#,
    )
    .unwrap();
    super::migrations().to_latest(&mut c).unwrap();
    let rows: Vec<(String, String, String, String, String)> = c
        .prepare(
            "SELECT lender_id, name, category, sensitivity, regulatory_flags \
             FROM lender_signals WHERE id = 'contacts' ORDER BY lender_id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let row = |l: &str, n: &str, cat: &str, sens: &str, flags: &str| {
        (l.into(), n.into(), cat.into(), sens.into(), flags.into())
    };
    assert_eq!(
        rows,
        vec![
            row(
                "a",
                "Contacts",
                "pd:Contact",
                "high",
                r#"["rbi-2022-prohibited"]"#
            ),
            row("b", "Score", "pd:Behavioral", "low", "[]"),
        ]
    );
}

/// Outbox rows written before version 5 (untyped payloads, as the engine and the vault
/// wrote them) read back as the typed messages their delivery needs.
#[test]
fn old_outbox_payloads_become_typed_messages() {
    use crate::model::{OutboxMessage, RightsKind};

    let mut c = Connection::open_in_memory().unwrap();
    super::migrations().to_version(&mut c, 4).unwrap();
    c.execute_batch(
        r#"INSERT INTO lenders (id, name) VALUES ('l-1', 'Lender');
        INSERT INTO consents (id, lender_id, purpose_code, purpose_text, signals_granted,
            signals_denied, consent_start, consent_expiry, fetch_type, frequency_unit,
            frequency_value, data_life_unit, data_life_value, status)
            VALUES ('c-1', 'l-1', '103', 'Credit', '["sms.income","contacts"]', '[]',
                    0, 1, 'PERIODIC', 'MONTH', 1, 'YEAR', 1, 'PAUSED');
        INSERT INTO revocations (id, consent_id, lender_id, requested_at, action, signals)
            VALUES ('r-part', 'c-1', 'l-1', 1, 'revoke', '["contacts"]'),
                   ('r-whole', 'c-1', 'l-1', 2, 'revoke', '[]'),
                   ('r-pause', 'c-1', 'l-1', 3, 'pause', '[]'),
                   ('r-resume', 'c-1', 'l-1', 4, 'resume', '[]');
        INSERT INTO rights_requests (id, lender_id, kind, status, details, created_at)
            VALUES ('q-1', 'l-1', 'correction', 'pending', 'my name is misspelt', 5);
        INSERT INTO outbox (id, kind, record_id, lender_id, idempotency_key, payload, state,
            next_attempt_at, created_at, updated_at) VALUES
            ('o-part', 'revocation', 'r-part', 'l-1', 'k-1',
             '{"action":"revoke","body":{"reason":null,"signals":["contacts"]},"consentId":"c-1"}',
             'pending', 0, 0, 0),
            ('o-whole', 'revocation', 'r-whole', 'l-1', 'k-2',
             '{"action":"revoke","body":{"reason":null,"signals":null},"consentId":"c-1"}',
             'sent', 0, 0, 0),
            ('o-pause', 'revocation', 'r-pause', 'l-1', 'k-3',
             '{"action":"pause","body":{},"consentId":"c-1"}', 'acknowledged', 0, 0, 0),
            ('o-resume', 'revocation', 'r-resume', 'l-1', 'k-4',
             '{"action":"resume","body":{},"consentId":"c-1"}', 'pending', 0, 0, 0),
            ('o-rights', 'rights_request', 'q-1', 'l-1', 'k-5',
             '{"details":"my name is misspelt","dueAt":null,"kind":"correction","requestId":"q-1"}',
             'pending', 0, 0, 0),
            ('o-orphan', 'revocation', 'r-missing', 'l-1', 'k-6',
             '{"action":"revoke","body":{},"consentId":"c-1"}', 'pending', 0, 0, 0);"#,
    )
    .unwrap();
    super::migrations().to_latest(&mut c).unwrap();

    let message = |id: &str| -> OutboxMessage {
        let payload: String = c
            .query_row("SELECT payload FROM outbox WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{id}: {e}: {payload}"))
    };
    let consent_id = "c-1".to_string();
    assert_eq!(
        message("o-part"),
        OutboxMessage::Revoke {
            consent_id: consent_id.clone(),
            signals: vec!["contacts".into()],
        }
    );
    assert_eq!(
        message("o-whole"),
        OutboxMessage::Revoke {
            consent_id: consent_id.clone(),
            signals: vec![],
        }
    );
    assert_eq!(
        message("o-pause"),
        OutboxMessage::Pause {
            consent_id: consent_id.clone(),
        }
    );
    assert_eq!(message("o-resume"), OutboxMessage::Resume { consent_id });
    assert_eq!(
        message("o-rights"),
        OutboxMessage::RightsRequest {
            request_id: "q-1".into(),
            kind: RightsKind::Correction,
            details: Some("my name is misspelt".into()),
            about: Default::default(),
        }
    );
    // A payload whose record is gone stays as it was, and reads as unreadable rather than
    // failing every read of the outbox.
    let orphan: String = c
        .query_row(
            "SELECT payload FROM outbox WHERE id = 'o-orphan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphan, r#"{"action":"revoke","body":{},"consentId":"c-1"}"#);
    assert!(matches!(
        OutboxMessage::from_stored(orphan),
        OutboxMessage::Unreadable { .. }
    ));
    // Everything else about the rows is as it was.
    let states: Vec<(String, String, String)> = c
        .prepare("SELECT id, kind, state FROM outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        states,
        [
            ("o-orphan", "revocation", "pending"),
            ("o-part", "revocation", "pending"),
            ("o-pause", "revocation", "acknowledged"),
            ("o-resume", "revocation", "pending"),
            ("o-rights", "rights_request", "pending"),
            ("o-whole", "revocation", "sent"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
}

/// Keys pinned before version 6 (in the stored discovery documents) become the lenders'
/// current keys in the key history, so nothing signed before the upgrade stops verifying.
#[test]
fn keys_pinned_before_the_key_history_are_carried_over() {
    let mut c = Connection::open_in_memory().unwrap();
    super::migrations().to_version(&mut c, 5).unwrap();
    c.execute_batch(
        r#"INSERT INTO lenders (id, name) VALUES ('l-1', 'Lender'), ('l-2', 'Other');
        INSERT INTO lender_links (lender_id, api_base, discovery, last_sync_at) VALUES
            ('l-1', 'https://l1.example',
             '{"lenderId":"l-1","keys":[{"keyId":"k-a","alg":"Ed25519","publicKey":"AAAA"},
                                         {"keyId":"k-b","alg":"Ed25519","publicKey":"BBBB"}]}',
             42),
            ('l-2', 'https://l2.example', 'not json', NULL);"#,
    )
    .unwrap();
    super::migrations().to_latest(&mut c).unwrap();
    let keys: Vec<(String, String, String, i64, Option<i64>)> = c
        .prepare(
            "SELECT lender_id, key_id, public_key, first_seen, retired_at FROM lender_keys \
             ORDER BY lender_id, key_id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        keys,
        [
            ("l-1".into(), "k-a".into(), "AAAA".into(), 42, None),
            ("l-1".into(), "k-b".into(), "BBBB".into(), 42, None),
        ]
    );
    let identities: i64 = c
        .query_row("SELECT count(*) FROM lender_identity", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        identities, 0,
        "pinned at the next connect, from the link until then"
    );
}

fn add_event(c: &Connection, at: i64) {
    c.execute(
        "INSERT INTO share_events (signal_id, lender_id, collected_at, purpose, value_digest) \
         VALUES ('sms.income', 'l-1', ?1, 'credit', x'00')",
        [at],
    )
    .unwrap();
}

fn counted(c: &Connection) -> i64 {
    c.query_row(
        "SELECT n FROM row_counts WHERE name = 'share_events'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// A vault written by an earlier version starts with its real count, and every later
/// insert or delete (committed or rolled back) keeps the count equal to `count(*)`.
#[test]
fn the_disclosure_count_is_carried_over_and_kept_exact() {
    let mut c = Connection::open_in_memory().unwrap();
    super::migrations().to_version(&mut c, 3).unwrap();
    c.execute_batch(
        "INSERT INTO lenders (id, name) VALUES ('l-1', 'Lender');
         INSERT INTO signals (id, name, category, sensitivity)
             VALUES ('sms.income', 'Income', 'pd:Income', 'medium');",
    )
    .unwrap();
    for at in 0..5 {
        add_event(&c, at);
    }
    super::migrations().to_latest(&mut c).unwrap();
    assert_eq!(counted(&c), 5);

    add_event(&c, 10);
    c.execute("DELETE FROM share_events WHERE collected_at < 2", [])
        .unwrap();
    let tx = c.transaction().unwrap();
    add_event(&tx, 11);
    tx.rollback().unwrap();
    let real: i64 = c
        .query_row("SELECT count(*) FROM share_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(real, 4);
    assert_eq!(counted(&c), real);
}

/// Disclosures stored before version 10 are not leaves of any log, and stay countable.
#[test]
fn disclosures_before_the_log_are_not_leaves() {
    let mut c = Connection::open_in_memory().unwrap();
    super::migrations().to_version(&mut c, 9).unwrap();
    c.execute_batch(
        "INSERT INTO lenders (id, name) VALUES ('l-1', 'Lender');
         INSERT INTO signals (id, name, category, sensitivity)
             VALUES ('sms.income', 'Income', 'pd:Income', 'medium');",
    )
    .unwrap();
    add_event(&c, 1);
    super::migrations().to_latest(&mut c).unwrap();
    let row: (Option<i64>, Option<i64>, Option<i64>, Option<Vec<u8>>) = c
        .query_row(
            "SELECT log_index, data_from, data_to, salts FROM share_events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(row, (None, None, None, None));
    assert_eq!(counted(&c), 1);
    let tables: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('tree_heads', 'log_frontier')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 2);
}

/// A vault of version 10 gains the phone tables empty, and what it held is untouched.
#[test]
fn phone_tables_arrive_empty_beside_what_was_held() {
    let mut c = Connection::open_in_memory().unwrap();
    super::migrations().to_version(&mut c, 10).unwrap();
    c.execute_batch(
        "INSERT INTO lenders (id, name) VALUES ('l-1', 'Lender');
         INSERT INTO signals (id, name, category, sensitivity)
             VALUES ('sms.income', 'Income', 'pd:Income', 'medium');",
    )
    .unwrap();
    add_event(&c, 1);
    super::migrations().to_latest(&mut c).unwrap();
    for table in ["phone_sources", "phone_files", "phone_observations"] {
        let n: i64 = c
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    assert_eq!(counted(&c), 1);
    // One source per file: the same SHA-256 twice is refused by the schema itself.
    let insert = "INSERT INTO phone_sources (sha256, format, platform, file_name, bytes, \
                  imported_at, offset_from, app, records, malformed_lines) \
                  VALUES ('ab', 'android-appops', 'android', 'a.txt', 1, 0, 'assumed', 'x', 0, 0)";
    c.execute(insert, []).unwrap();
    assert!(c.execute(insert, []).is_err());
}
