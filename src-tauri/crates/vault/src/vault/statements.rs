//! The lender's signed statements (consent versions, offers, receipts, quotes, rights answers)
//! kept exactly as received, so the borrower can later prove what the lender said.

use rusqlite::Row;
use serde::{Deserialize, Serialize};

use super::{Vault, json};
use crate::error::Result;
use crate::model::hex_bytes;

/// A lender's signed statement as received (canonical JSON bytes, signature included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// `consent`, `offer`, `receipt`, `quote`, `rights`…
    pub kind: String,
    pub id: String,
    /// e.g. the consent artefact's version; 0 when the kind has none.
    pub version: i64,
    pub lender_id: String,
    pub received_at: i64,
    #[serde(with = "hex_bytes")]
    pub json: Vec<u8>,
}

fn statement_from_row(r: &Row<'_>) -> rusqlite::Result<Statement> {
    Ok(Statement {
        kind: r.get(0)?,
        id: r.get(1)?,
        version: r.get(2)?,
        lender_id: r.get(3)?,
        received_at: r.get(4)?,
        json: r.get(5)?,
    })
}

const STATEMENT_COLS: &str = "kind, id, version, lender_id, received_at, json";

impl Vault {
    /// Keeps a lender statement; one already stored (same kind, id and version) is left as it
    /// is. Returns whether it was new.
    pub fn put_statement(&mut self, s: &Statement) -> Result<bool> {
        self.write(|tx, led| {
            let n = tx
                .prepare_cached(&format!(
                    "INSERT INTO statements ({STATEMENT_COLS}) VALUES (?1,?2,?3,?4,?5,?6) \
                     ON CONFLICT DO NOTHING"
                ))?
                .execute(rusqlite::params![
                    s.kind,
                    s.id,
                    s.version,
                    s.lender_id,
                    s.received_at,
                    s.json
                ])?;
            if n > 0 {
                let payload = serde_json::json!({
                    "kind": s.kind, "id": s.id, "version": s.version, "lenderId": s.lender_id,
                    "digest": hex::encode(crate::ledger::payload_digest(&s.json)),
                });
                led.append(
                    tx,
                    "statement.add",
                    &format!("{}/{}/{}", s.kind, s.id, s.version),
                    &json(&payload)?,
                )?;
            }
            Ok(n > 0)
        })
    }

    /// Every stored version of one statement, oldest first.
    pub fn statements(&self, kind: &str, id: &str) -> Result<Vec<Statement>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {STATEMENT_COLS} FROM statements WHERE kind = ?1 AND id = ?2 ORDER BY version"
        ))?;
        let rows = st.query_map([kind, id], statement_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Statements of one kind (all lenders when `lender_id` is `None`), newest first.
    pub fn statements_of_kind(
        &self,
        kind: &str,
        lender_id: Option<&str>,
    ) -> Result<Vec<Statement>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {STATEMENT_COLS} FROM statements WHERE kind = ?1 \
             AND (?2 IS NULL OR lender_id = ?2) ORDER BY received_at DESC, id, version DESC"
        ))?;
        let rows = st.query_map(rusqlite::params![kind, lender_id], statement_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
