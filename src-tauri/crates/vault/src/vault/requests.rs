//! The borrower's own requests (consent decisions; revoke, pause, resume), each kept with the
//! exact bytes of its `borrower.request` ledger entry, written before anything is sent to the
//! lender. The vault does not interpret the record: its shape belongs to the evidence crate,
//! which judges lenders' answers against it.

use rusqlite::Transaction;

use super::Vault;
use crate::error::{Result, VaultError};
use crate::ledger::Appender;

/// What the vault holds of one request: its id, lender, kind (`consentAction`, `decision`),
/// when it was asked (Unix ms) and its record (JSON, as ledgered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BorrowerRequestRow {
    pub id: String,
    pub lender_id: String,
    pub kind: String,
    pub requested_at: i64,
    pub record: String,
}

/// Keeps a request and its ledger entry inside the caller's transaction. A later request with
/// the same id (a decision made again after the first never reached the lender) replaces the
/// row; the ledger keeps both.
pub(super) fn put_request(
    tx: &Transaction<'_>,
    led: &mut Appender,
    row: &BorrowerRequestRow,
) -> Result<()> {
    if serde_json::from_str::<serde::de::IgnoredAny>(&row.record).is_err() {
        return Err(VaultError::Invalid("a request record must be JSON".into()));
    }
    tx.prepare_cached(
        "INSERT INTO borrower_requests (id, lender_id, kind, requested_at, record) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET lender_id = ?2, kind = ?3, \
         requested_at = ?4, record = ?5",
    )?
    .execute(rusqlite::params![
        row.id,
        row.lender_id,
        row.kind,
        row.requested_at,
        row.record
    ])?;
    led.append(tx, "borrower.request", &row.id, row.record.as_bytes())?;
    Ok(())
}

impl Vault {
    /// Records a request on its own (a consent decision, before it is sent).
    pub fn record_request(&mut self, row: &BorrowerRequestRow) -> Result<()> {
        self.write(|tx, led| put_request(tx, led, row))
    }

    /// One recorded request, by id.
    pub fn borrower_request(&self, id: &str) -> Result<Option<BorrowerRequestRow>> {
        Ok(self
            .borrower_requests_where("WHERE id = ?1", id)?
            .into_iter()
            .next())
    }

    /// Every recorded request, oldest first.
    pub fn borrower_requests(&self) -> Result<Vec<BorrowerRequestRow>> {
        self.borrower_requests_where("WHERE ?1 IS NOT NULL", "")
    }

    fn borrower_requests_where(&self, filter: &str, arg: &str) -> Result<Vec<BorrowerRequestRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT id, lender_id, kind, requested_at, record FROM borrower_requests {filter} \
             ORDER BY requested_at, id"
        ))?;
        let rows = st.query_map([arg], |r| {
            Ok(BorrowerRequestRow {
                id: r.get(0)?,
                lender_id: r.get(1)?,
                kind: r.get(2)?,
                requested_at: r.get(3)?,
                record: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
