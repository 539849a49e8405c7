//! The sandbox's own state in SQLite: consents and their versions, receipts (revocations,
//! pauses, resumes), the idempotency table, disclosures (and their v2 leaves, `log`), offers,
//! rights requests and OAuth grants. WAL with `synchronous=FULL`, so an acknowledged revocation survives a crash.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consent_requests(
  request_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consents(
  consent_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consent_versions(
  consent_id TEXT NOT NULL, version INTEGER NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY(consent_id, version));
CREATE TABLE IF NOT EXISTS receipts(
  receipt_id TEXT PRIMARY KEY, consent_id TEXT NOT NULL, action TEXT NOT NULL,
  effective_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency(
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
  body BLOB NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS disclosures(
  seq INTEGER PRIMARY KEY, consent_id TEXT, signal TEXT NOT NULL,
  collected_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS disclosures_by_consent ON disclosures(consent_id, signal, collected_at);
CREATE TABLE IF NOT EXISTS offers(
  offer_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rights_requests(
  request_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS oauth_codes(
  code_hash TEXT PRIMARY KEY, challenge TEXT NOT NULL, redirect_uri TEXT NOT NULL,
  client_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, client_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
"#;

pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(crate::log::SCHEMA)?;
    Ok(conn)
}

/// Rows that are JSON documents.
pub fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("wire types serialise")
}

/// A stored document as its wire type: a redactable (v2) statement is revealed first, a 1.x one
/// (kept from an older state directory) read as it is.
pub fn from_json<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    let conversion = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e)
    };
    let value: Value = serde_json::from_str(s).map_err(|e| conversion(Box::new(e)))?;
    let value = khata_contract::redact::plain(value).map_err(|e| conversion(Box::new(e)))?;
    serde_json::from_value(value).map_err(|e| conversion(Box::new(e)))
}

/// A stored statement exactly as it was signed and served (commitments and disclosures kept).
pub fn get_raw(
    conn: &Connection,
    table: &str,
    key_col: &str,
    key: &str,
) -> rusqlite::Result<Option<Value>> {
    let sql = format!("SELECT json FROM {table} WHERE {key_col} = ?1");
    let json: Option<String> = conn.query_row(&sql, [key], |r| r.get(0)).optional()?;
    json.map(|j| raw_json(&j)).transpose()
}

/// Every stored statement of a table as served, newest first.
pub fn list_raw(conn: &Connection, table: &str) -> rusqlite::Result<Vec<Value>> {
    let sql = format!("SELECT json FROM {table} ORDER BY created_at DESC, rowid DESC");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|j| raw_json(&j?)).collect()
}

fn raw_json(s: &str) -> rusqlite::Result<Value> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub fn get_doc<T: DeserializeOwned>(
    conn: &Connection,
    table: &str,
    key_col: &str,
    key: &str,
) -> rusqlite::Result<Option<T>> {
    let sql = format!("SELECT json FROM {table} WHERE {key_col} = ?1");
    let json: Option<String> = conn.query_row(&sql, [key], |r| r.get(0)).optional()?;
    json.map(|j| from_json(&j)).transpose()
}

/// Every document of a table, newest first.
pub fn list_docs<T: DeserializeOwned>(conn: &Connection, table: &str) -> rusqlite::Result<Vec<T>> {
    let sql = format!("SELECT json FROM {table} ORDER BY created_at DESC, rowid DESC");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|j| from_json(&j?)).collect()
}

pub fn meta_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub fn meta_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
