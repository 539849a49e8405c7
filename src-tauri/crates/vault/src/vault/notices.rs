//! App settings, notices and the audit's stored summary (schema version 12): what keeps the
//! borrower informed between visits. None of it is a record of what a lender did (those are
//! in the ledger); all of it lives in the vault so it survives a reinstall with the vault, and
//! the notices' "already told" state survives a crash.

use rusqlite::OptionalExtension;

use super::{Vault, now_ms};
use crate::error::Result;

/// A notice worked out after a sync, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// Stable key: the same event always gives the same key, so it is stored (and told) once.
    pub key: String,
    pub kind: String,
    /// JSON object of the notice's parameters.
    pub params: String,
}

/// A stored notice, not yet shown by the window (or shown, when read back for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNotice {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub params: String,
    pub created_at: i64,
}

/// The audit's result summary as last stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuditSummary {
    pub computed_at: i64,
    /// The ledger head it was computed at: later records are not in it.
    pub ledger_head: i64,
    /// JSON, shaped by the engine.
    pub summary: String,
}

impl Vault {
    /// The JSON value of setting `key`, if it was ever set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets `key` to the JSON `value`.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, \
                 updated_at = excluded.updated_at",
            )?
            .execute(rusqlite::params![key, value, now_ms()])?;
        Ok(())
    }

    /// In one transaction: keeps each notice whose key is new (a known key is skipped, told or
    /// not) and replaces the audit summary. Returns every notice not yet delivered, oldest
    /// first, so notices left over from a run that stopped before showing them come again.
    pub fn record_notices(
        &mut self,
        notices: &[NewNotice],
        summary: &StoredAuditSummary,
    ) -> Result<Vec<StoredNotice>> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO notices (key, kind, params, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(key) DO NOTHING",
            )?;
            let now = now_ms();
            for n in notices {
                insert.execute(rusqlite::params![n.key, n.kind, n.params, now])?;
            }
            tx.prepare_cached(
                "INSERT INTO audit_summary (id, computed_at, ledger_head, summary) \
                 VALUES (1, ?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET \
                 computed_at = excluded.computed_at, ledger_head = excluded.ledger_head, \
                 summary = excluded.summary",
            )?
            .execute(rusqlite::params![
                summary.computed_at,
                summary.ledger_head,
                summary.summary
            ])?;
        }
        tx.commit()?;
        self.undelivered_notices()
    }

    /// Notices not yet delivered, oldest first.
    pub fn undelivered_notices(&self) -> Result<Vec<StoredNotice>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, key, kind, params, created_at FROM notices \
             WHERE delivered_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredNotice {
                id: r.get(0)?,
                key: r.get(1)?,
                kind: r.get(2)?,
                params: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a notice with `key` was ever stored.
    pub fn notice_known(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM notices WHERE key = ?1")?
            .query_row([key], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Marks notices as delivered (shown by the window); unknown ids are ignored.
    pub fn mark_notices_delivered(&mut self, ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE notices SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL",
            )?;
            let now = now_ms();
            for id in ids {
                stmt.execute(rusqlite::params![id, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The audit summary last stored, if any.
    pub fn audit_summary(&self) -> Result<Option<StoredAuditSummary>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT computed_at, ledger_head, summary FROM audit_summary WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok(StoredAuditSummary {
                    computed_at: r.get(0)?,
                    ledger_head: r.get(1)?,
                    summary: r.get(2)?,
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::MemoryKeyStore::default();
        let (v, _) =
            Vault::create(dir.path().join("v.db"), crate::Unlock::Keychain(&store)).unwrap();
        (dir, v)
    }

    fn notice(key: &str) -> NewNotice {
        NewNotice {
            key: key.into(),
            kind: "consent-expiring".into(),
            params: r#"{"lender":"A"}"#.into(),
        }
    }

    fn summary(head: i64) -> StoredAuditSummary {
        StoredAuditSummary {
            computed_at: 5,
            ledger_head: head,
            summary: "{}".into(),
        }
    }

    #[test]
    fn settings_round_trip_and_replace() {
        let (_d, mut v) = vault();
        assert_eq!(v.setting("sync").unwrap(), None);
        v.set_setting("sync", "true").unwrap();
        v.set_setting("sync", "false").unwrap();
        assert_eq!(v.setting("sync").unwrap().as_deref(), Some("false"));
    }

    #[test]
    fn a_notice_is_kept_once_and_comes_back_until_delivered() {
        let (_d, mut v) = vault();
        assert!(v.audit_summary().unwrap().is_none());
        let first = v
            .record_notices(&[notice("a"), notice("b")], &summary(1))
            .unwrap();
        assert_eq!(first.len(), 2);
        // The same keys again add nothing; undelivered ones are handed out again.
        let again = v.record_notices(&[notice("a")], &summary(2)).unwrap();
        assert_eq!(again, first);
        v.mark_notices_delivered(&[first[0].id]).unwrap();
        let rest = v
            .record_notices(&[notice("a"), notice("c")], &summary(3))
            .unwrap();
        assert_eq!(
            rest.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
        assert!(v.notice_known("a").unwrap());
        assert_eq!(v.audit_summary().unwrap().unwrap().ledger_head, 3);
    }
}
