//! Versioned schema (rusqlite_migration keeps the version in `PRAGMA user_version`).
//! Append new migrations; never edit a released one.

use rusqlite_migration::{M, Migrations};

const V1: &str = r#"
CREATE TABLE lenders (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    registration  TEXT,
    contact       TEXT,
    public_key    BLOB
) STRICT;

CREATE TABLE signals (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    category          TEXT NOT NULL,           -- W3C DPV term, e.g. pd:Income
    sensitivity       TEXT NOT NULL CHECK (sensitivity IN ('low','medium','high','special')),
    regulatory_flags  TEXT NOT NULL DEFAULT '[]' -- JSON array, e.g. ["rbi-2022-prohibited"]
) STRICT;

CREATE TABLE consents (
    id                 TEXT PRIMARY KEY,       -- AA consentId
    lender_id          TEXT NOT NULL REFERENCES lenders(id),
    purpose_code       TEXT NOT NULL,
    purpose_text       TEXT NOT NULL,
    signals_granted    TEXT NOT NULL,          -- JSON array of signal ids
    signals_denied     TEXT NOT NULL,
    consent_start      INTEGER NOT NULL,
    consent_expiry     INTEGER NOT NULL,
    fetch_type         TEXT NOT NULL CHECK (fetch_type IN ('ONETIME','PERIODIC')),
    frequency_unit     TEXT NOT NULL,
    frequency_value    INTEGER NOT NULL,
    data_life_unit     TEXT NOT NULL,
    data_life_value    INTEGER NOT NULL,
    fi_data_from       INTEGER,
    fi_data_to         INTEGER,
    status             TEXT NOT NULL CHECK (status IN ('ACTIVE','PAUSED','REVOKED','EXPIRED')),
    signed_artefact    BLOB,
    artefact_signature BLOB
) STRICT;
CREATE INDEX consents_by_lender ON consents (lender_id, consent_start);

-- Disclosures. The rowid is the id; every index below ends in it implicitly, so
-- "newest first" keyset pagination is served straight from the index.
CREATE TABLE share_events (
    id                INTEGER PRIMARY KEY,
    signal_id         TEXT NOT NULL REFERENCES signals(id),
    lender_id         TEXT NOT NULL REFERENCES lenders(id),
    collected_at      INTEGER NOT NULL,
    purpose           TEXT NOT NULL,
    consent_id        TEXT,
    value_digest      BLOB NOT NULL,
    onward_recipient  TEXT,
    lender_signature  BLOB
) STRICT;
CREATE INDEX share_events_by_lender ON share_events (lender_id, collected_at);
CREATE INDEX share_events_by_signal ON share_events (signal_id, collected_at);

CREATE TABLE offers (
    id             TEXT PRIMARY KEY,
    lender_id      TEXT NOT NULL REFERENCES lenders(id),
    consent_id     TEXT,
    received_at    INTEGER NOT NULL,
    decision       TEXT NOT NULL CHECK (decision IN ('APPROVED','DECLINED','COUNTER')),
    amount_minor   INTEGER,
    currency       TEXT,
    apr_bps        INTEGER,
    tenure_months  INTEGER,
    method         TEXT NOT NULL,
    baseline       REAL NOT NULL,
    score          REAL NOT NULL,
    contributions  TEXT NOT NULL,              -- JSON [{signal_id, contribution}]
    reason_codes   TEXT NOT NULL,              -- JSON array
    signature      BLOB
) STRICT;
CREATE INDEX offers_by_lender ON offers (lender_id, received_at);

CREATE TABLE revocations (
    id            TEXT PRIMARY KEY,
    consent_id    TEXT NOT NULL REFERENCES consents(id),
    lender_id     TEXT NOT NULL REFERENCES lenders(id),
    requested_at  INTEGER NOT NULL,
    reason        TEXT
) STRICT;

CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('revocation','rights_request')),
    record_id        TEXT NOT NULL,
    lender_id        TEXT NOT NULL REFERENCES lenders(id),
    idempotency_key  TEXT NOT NULL UNIQUE,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending','sent','acknowledged')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    receipt          BLOB,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE rights_requests (
    id          TEXT PRIMARY KEY,
    lender_id   TEXT NOT NULL REFERENCES lenders(id),
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    ticket      TEXT,
    details     TEXT,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER
) STRICT;

CREATE TABLE ledger (
    seq             INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    payload_digest  BLOB NOT NULL,
    hash            BLOB NOT NULL           -- covers the previous entry's hash (not stored)
) STRICT;
-- Append-only: edits must go through new entries. (This stops mistakes, not an attacker
-- with the key; the hash chain is what makes tampering evident.)
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
"#;

/// Version 2 (additive, for the engine): how to reach each lender, its sync cursor, the lender's
/// signed statements exactly as received (consent versions, offers, receipts, …), consent
/// requests, the lender's own id for each disclosure (idempotent sync) with its signed JSON,
/// and what each consent action (revoke whole or per signal, pause, resume) asked for.
const V2: &str = r#"
CREATE TABLE lender_links (
    lender_id     TEXT PRIMARY KEY REFERENCES lenders(id),
    api_base      TEXT NOT NULL,
    discovery     TEXT NOT NULL,               -- discovery JSON with the pinned keys
    is_sandbox    INTEGER NOT NULL DEFAULT 0,
    sync_cursor   TEXT,
    last_sync_at  INTEGER,
    reachable     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE statements (
    kind         TEXT NOT NULL,                -- consent, offer, receipt, quote, rights
    id           TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0,
    lender_id    TEXT NOT NULL REFERENCES lenders(id),
    received_at  INTEGER NOT NULL,
    json         BLOB NOT NULL,                -- canonical signed JSON as received
    PRIMARY KEY (kind, id, version)
) STRICT;
CREATE INDEX statements_by_lender ON statements (lender_id, kind, received_at);

CREATE TABLE consent_requests (
    id          TEXT PRIMARY KEY,
    lender_id   TEXT NOT NULL REFERENCES lenders(id),
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    json        TEXT NOT NULL
) STRICT;

ALTER TABLE share_events ADD COLUMN lender_ref TEXT;
ALTER TABLE share_events ADD COLUMN lender_seq INTEGER;
ALTER TABLE share_events ADD COLUMN statement BLOB;
CREATE UNIQUE INDEX share_events_lender_ref ON share_events (lender_id, lender_ref)
    WHERE lender_ref IS NOT NULL;

ALTER TABLE revocations ADD COLUMN action TEXT NOT NULL DEFAULT 'revoke';
ALTER TABLE revocations ADD COLUMN signals TEXT NOT NULL DEFAULT '[]';
CREATE INDEX revocations_by_consent ON revocations (consent_id, requested_at);
CREATE INDEX outbox_by_record ON outbox (record_id);
"#;

/// Version 3 (additive): the unfiltered timeline, newest first, served from an index (the
/// rowid is implicitly the last column, so `ORDER BY collected_at DESC, id DESC` with a keyset
/// cursor reads one page and stops, at any size).
const V3: &str = r#"
CREATE INDEX share_events_by_time ON share_events (collected_at);
"#;

/// Version 4 (additive): the number of disclosures, kept exact by triggers in the same
/// transaction as each insert or delete. `count(*)` scans a whole index: at a million
/// disclosures that is the slowest thing the home screen waited for (0.1 s warm, 0.4–0.6 s with
/// the vault out of the page cache, every page decrypted).
const V4: &str = r#"
CREATE TABLE row_counts (
    name  TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
) STRICT;
INSERT INTO row_counts (name, n) SELECT 'share_events', count(*) FROM share_events;
CREATE TRIGGER share_events_count_insert AFTER INSERT ON share_events BEGIN
    UPDATE row_counts SET n = n + 1 WHERE name = 'share_events';
END;
CREATE TRIGGER share_events_count_delete AFTER DELETE ON share_events BEGIN
    UPDATE row_counts SET n = n - 1 WHERE name = 'share_events';
END;
"#;

/// Version 5: outbox payloads become typed messages (`crate::OutboxMessage`, tagged by `type`)
/// carrying everything their delivery needs. Earlier payloads were ad-hoc JSON (a consent
/// action's `{"action", "consentId", "body"}`, a rights request's `{"requestId", "kind", …}`);
/// each is rebuilt from the record it carries, which holds the same facts: the revocation's
/// action, consent and signals, or the rights request's kind and details. A payload whose
/// record is missing is left as it was.
const V5: &str = r#"
UPDATE outbox SET payload = coalesce(CASE kind
    WHEN 'rights_request' THEN (
        SELECT json_object('type', 'rights_request', 'request_id', r.id, 'kind', r.kind,
                           'details', r.details)
        FROM rights_requests r WHERE r.id = outbox.record_id)
    ELSE (
        SELECT CASE r.action
            WHEN 'revoke' THEN json_object('type', 'revoke', 'consent_id', r.consent_id,
                                           'signals', json(r.signals))
            ELSE json_object('type', r.action, 'consent_id', r.consent_id)
        END
        FROM revocations r WHERE r.id = outbox.record_id)
END, payload)
WHERE json_valid(payload) AND json_extract(payload, '$.type') IS NULL;
"#;

/// Version 6 (additive): what the borrower asked, kept in the borrower's own words at the moment
/// of asking (a consent decision with the terms its request showed; a revoke, pause or resume
/// with its idempotency key). `record` is the exact payload of the `borrower.request` ledger
/// entry written in the same transaction, so an export can carry it and a verifier can match it
/// to the hash chain. Lenders' answers are judged against these rows.
const V6: &str = r#"
CREATE TABLE borrower_requests (
    id            TEXT PRIMARY KEY,
    lender_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    requested_at  INTEGER NOT NULL,
    record        TEXT NOT NULL
) STRICT;
"#;

/// Version 7 (additive): each lender's pinned identity (the origin its discovery document came
/// from and the fingerprint of its key set) and every key it has ever had, current or retired,
/// so statements signed before a rotation or a re-pin still verify. Keys pinned before this
/// version are carried over from the stored discovery documents.
const V7: &str = r#"
CREATE TABLE lender_identity (
    lender_id    TEXT PRIMARY KEY REFERENCES lenders(id),
    origin       TEXT NOT NULL,                -- scheme://host:port of the discovery document
    fingerprint  TEXT NOT NULL,                -- SHA-256 of the current key set, grouped hex
    pinned_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE lender_keys (
    lender_id    TEXT NOT NULL REFERENCES lenders(id),
    public_key   TEXT NOT NULL,                -- base64url, as published
    key_id       TEXT NOT NULL,
    alg          TEXT NOT NULL,
    first_seen   INTEGER NOT NULL,
    retired_at   INTEGER,                      -- NULL while the lender publishes it
    PRIMARY KEY (lender_id, public_key)
) STRICT;

INSERT OR IGNORE INTO lender_keys (lender_id, public_key, key_id, alg, first_seen)
    SELECT l.lender_id, json_extract(k.value, '$.publicKey'), json_extract(k.value, '$.keyId'),
           json_extract(k.value, '$.alg'), coalesce(l.last_sync_at, 0)
    FROM lender_links l, json_each(l.discovery, '$.keys') k
    WHERE json_valid(l.discovery) AND json_extract(k.value, '$.publicKey') IS NOT NULL;
"#;

/// Version 8 (additive): lender OAuth tokens for vaults whose key is kept under a passphrase.
/// With no keychain to hold them, the tokens live here, encrypted with the same key as
/// everything else; a keychain vault never writes this table. Not ledgered: the ledger is
/// exported and hash-chained, and a secret must never enter it (refresh tokens also rotate
/// at every session). No foreign key: the token is stored before the lender is recorded, so a
/// connect whose token cannot be kept records nothing.
const V8: &str = r#"
CREATE TABLE lender_tokens (
    lender_id   TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
"#;

/// Version 9: each lender's signal catalogue under that lender, keyed (lender, signal id). One
/// shared `signals` table, rewritten by whichever lender synced last, let one lender's
/// catalogue describe (and unflag) another's signals. `signals` stays as the registry of signal
/// ids disclosures refer to (their foreign key); names, categories and flags are read from
/// here. Filled from each lender's latest catalogue as received, kept in `statements`.
const V9: &str = r#"
CREATE TABLE lender_signals (
    lender_id         TEXT NOT NULL REFERENCES lenders(id),
    id                TEXT NOT NULL,
    name              TEXT NOT NULL,
    category          TEXT NOT NULL,           -- W3C DPV term, as the lender gives it
    sensitivity       TEXT NOT NULL CHECK (sensitivity IN ('low','medium','high','special')),
    regulatory_flags  TEXT NOT NULL DEFAULT '[]', -- the lender's own flags (JSON array)
    PRIMARY KEY (lender_id, id)
) STRICT;

INSERT OR IGNORE INTO lender_signals (lender_id, id, name, category, sensitivity, regulatory_flags)
SELECT s.lender_id,
       json_extract(j.value, '$.id'),
       coalesce(json_extract(j.value, '$.name'), json_extract(j.value, '$.id')),
       coalesce(json_extract(j.value, '$.dpvCategory'), 'unknown'),
       CASE lower(coalesce(json_extract(j.value, '$.sensitivity'), ''))
           WHEN 'low' THEN 'low' WHEN 'medium' THEN 'medium' WHEN 'special' THEN 'special'
           ELSE 'high' END,
       CASE WHEN json_type(j.value, '$.regulatoryFlags') = 'array'
           THEN json_extract(j.value, '$.regulatoryFlags') ELSE '[]' END
FROM statements s,
     json_each(CASE WHEN json_valid(CAST(s.json AS TEXT)) THEN CAST(s.json AS TEXT) ELSE '{}' END,
               '$.signals') j
WHERE s.kind = 'catalog'
  AND s.received_at = (SELECT max(t.received_at) FROM statements t
                       WHERE t.kind = 'catalog' AND t.id = s.id)
  AND json_type(j.value, '$.id') = 'text';
"#;

/// Version 10 (additive): the lender's disclosures as a Merkle log (contract v2). A leaf is a
/// `share_events` row like any disclosure, so the timeline, counts and audit read one table;
/// it carries its leaf index, the data range it covers and the salts of its revealed members
/// (16 bytes each, in the order valueDigest, onwardRecipient), which with the other columns
/// rebuild the leaf's exact bytes. It has no statement, signature or lender reference: the
/// signed tree heads cover it. No index on `log_index`: a lender's leaves are appended in index
/// order (checked at every page), so rowid order is index order, and the existing
/// `(lender_id, collected_at)` index finds a leaf when a page is stored again.
/// `tree_heads` keeps every signed head held and every one that contradicted them;
/// `log_frontier` is the compact range of each lender's log (size and the concatenated 32-byte
/// perfect-subtree hashes), what the next sync resumes from.
const V10: &str = r#"
ALTER TABLE share_events ADD COLUMN log_index INTEGER;
ALTER TABLE share_events ADD COLUMN data_from INTEGER;
ALTER TABLE share_events ADD COLUMN data_to INTEGER;
ALTER TABLE share_events ADD COLUMN salts BLOB;

CREATE TABLE tree_heads (
    lender_id    TEXT NOT NULL REFERENCES lenders(id),
    tree_size    INTEGER NOT NULL,
    root         BLOB NOT NULL,
    signed_json  TEXT NOT NULL,                -- the signed head as received
    received_at  INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('held','conflicting')),
    -- For a conflicting head that came with a page: the root the page's leaves gave, and
    -- the page's first index (the evidence of a page that does not match its own head).
    computed_root BLOB,
    page_start    INTEGER,
    PRIMARY KEY (lender_id, tree_size, root)
) STRICT;

CREATE TABLE log_frontier (
    lender_id  TEXT PRIMARY KEY REFERENCES lenders(id),
    size       INTEGER NOT NULL,
    hashes     BLOB NOT NULL
) STRICT;
"#;

/// Version 11 (additive): what the borrower's own phone recorded. One
/// `phone_sources` row per imported file or capture, identified by the file's SHA-256 (the
/// same bytes again add nothing); the raw file in `phone_files`, cut into parts of at most
/// `PHONE_PART_BYTES` (1 MiB), so a large bug report is copied in flat memory and stays
/// under SQLite's 1 GB value limit; the observations kept from it in
/// `phone_observations`, in the order the import's ledger entry covers them (rowid order).
/// Enumerations are stored as their export spellings (`ios-app-privacy-report`, `contacts`…).
const V11: &str = r#"
CREATE TABLE phone_sources (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL UNIQUE,       -- lower-case hex of the raw file
    format          TEXT NOT NULL,
    platform        TEXT NOT NULL CHECK (platform IN ('android','ios')),
    file_name       TEXT NOT NULL,
    bytes           INTEGER NOT NULL,
    captured_at     INTEGER,
    imported_at     INTEGER NOT NULL,
    device_serial   TEXT,
    device_model    TEXT,
    device_os       TEXT,
    utc_offset_min  INTEGER,
    offset_from     TEXT NOT NULL,
    app             TEXT NOT NULL,
    lender_id       TEXT,
    covers_from     INTEGER,
    covers_to       INTEGER,
    records         INTEGER NOT NULL,
    malformed_lines INTEGER NOT NULL,
    limits          TEXT NOT NULL DEFAULT '[]'  -- JSON array of limit ids
) STRICT;

CREATE TABLE phone_files (
    source_id  INTEGER NOT NULL REFERENCES phone_sources(id),
    part       INTEGER NOT NULL,
    raw        BLOB NOT NULL,
    PRIMARY KEY (source_id, part)
) STRICT;

CREATE TABLE phone_observations (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES phone_sources(id),
    app            TEXT NOT NULL,
    platform       TEXT NOT NULL,
    resource       TEXT NOT NULL,
    op             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    state          TEXT NOT NULL,
    first_at       INTEGER NOT NULL,
    last_at        INTEGER NOT NULL,
    count          INTEGER NOT NULL,
    open_interval  INTEGER NOT NULL,
    network        TEXT                        -- JSON NetworkFacts, iOS network records only
) STRICT;
CREATE INDEX phone_observations_by_time ON phone_observations (first_at);
CREATE INDEX phone_observations_by_source ON phone_observations (source_id);
"#;

/// Version 12 (additive): the borrower's own details, which letters are signed with. One
/// profile row (name, phone, email, the letters' language), the customer id each lender knows
/// the borrower by, and the nominee who may act for the borrower (DPDP Act 2023, s.14).
const V12: &str = r#"
CREATE TABLE borrower_profile (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    full_name   TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT NOT NULL,
    language    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE lender_customer_ids (
    lender_id    TEXT PRIMARY KEY REFERENCES lenders(id),
    customer_id  TEXT NOT NULL
) STRICT;

CREATE TABLE nominee (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,
    relationship  TEXT NOT NULL,
    contact       TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL
) STRICT;
"#;

/// Version 13 (additive): what a rights request is about (`signal`, `offer_id`, `consent_id`),
/// the nominee of a nomination (JSON `{name, relationship, contact}`), and the `createdAt` the
/// lender signed in its answer (Unix ms), from which the statutory clocks may start.
const V13: &str = r#"
ALTER TABLE rights_requests ADD COLUMN signal TEXT;
ALTER TABLE rights_requests ADD COLUMN offer_id TEXT;
ALTER TABLE rights_requests ADD COLUMN consent_id TEXT;
ALTER TABLE rights_requests ADD COLUMN nominee TEXT;
ALTER TABLE rights_requests ADD COLUMN lender_created_at INTEGER;
"#;

/// Version 14 (additive): what the app keeps that is neither a record nor a secret, outside the ledger (like the
/// lender tokens of version 8): the borrower's app settings (`settings`, a JSON value per key:
/// background sync, its interval, notifications), the notices worked out after each sync or
/// phone import (`notices`, one per stable key, so nothing is notified twice; `delivered_at`
/// stays empty until the window has shown it, so a crash in between loses nothing), and the
/// audit's result summary at that moment (`audit_summary`, one row), which Home reads instead
/// of running the audit at start-up.
const V14: &str = r#"
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,                  -- JSON
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE notices (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    params        TEXT NOT NULL,                -- JSON object of strings
    created_at    INTEGER NOT NULL,
    delivered_at  INTEGER
) STRICT;
CREATE INDEX notices_undelivered ON notices (delivered_at) WHERE delivered_at IS NULL;

CREATE TABLE audit_summary (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at  INTEGER NOT NULL,
    ledger_head  INTEGER NOT NULL,
    summary      TEXT NOT NULL                  -- JSON
) STRICT;
"#;

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
        M::up(V11),
        M::up(V12),
        M::up(V13),
        M::up(V14),
    ])
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = 14;

#[cfg(test)]
mod tests;
