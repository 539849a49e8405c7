//! Syncing a contract-v2 lender's disclosure log into the vault: from the frontier and head the
//! vault holds, the client proves the lender's latest head extends them and checks each page's
//! leaves against the head signed with it; each page is stored in one transaction (leaves,
//! head, frontier, one ledger entry) while the next is fetched and checked, in order, so a sync
//! cut short resumes where it stopped.
//!
//! When the lender contradicts a head it signed before, the sync keeps the lender's own signed
//! words as evidence rather than failing quietly: for a log that no longer extends the held
//! head, it asks for the head at the held size (the head of the page that ends there), and a
//! different root at the same size is a fork proven by two of the lender's signatures; for a
//! page whose leaves do not give its head's root, the head is kept with the root they gave.
//! The audit turns what is kept into findings (`log-fork`, `log-page-mismatch`).

use khata_lending::log::DisclosureLeaf;
use khata_lending::merkle::{self, Frontier};
use khata_lending::{
    HeldLog, LendingClient, LendingError, LogSync, LogViolation, VerifiedPage, ViolationKind,
};
use khata_vault::{LogLeafRow, PageMismatch, TreeHeadRow, now_ms};
use serde_json::Value;

use super::Engine;
use crate::error::{EngineError, Result};

/// What syncing a lender's log did.
pub(super) struct LogOutcome {
    /// Leaves stored that were not held before.
    pub new: u64,
    /// Leaves received and checked.
    pub seen: u64,
    /// The lender contradicted a head it signed before; what was kept is evidence.
    pub contradicted: bool,
}

impl Engine {
    pub(super) async fn sync_disclosure_log(
        &self,
        client: &LendingClient,
        lender_id: &str,
        report: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<LogOutcome> {
        let held = self.held_log(lender_id).await?;
        let mut outcome = LogOutcome {
            new: 0,
            seen: 0,
            contradicted: false,
        };
        let mut sync: LogSync = match client
            .log_sync(held.clone(), self.cfg.sync_page_limit)
            .await
        {
            Ok(sync) => sync,
            Err(LendingError::Log(violation)) => {
                outcome.contradicted = self
                    .keep_contradiction(client, lender_id, held.as_ref(), *violation)
                    .await?;
                return Ok(outcome);
            }
            Err(e) => return Err(e.into()),
        };
        // The next page is fetched and checked while the previous one is stored: the network
        // and the vault work at once, and pages are still stored one after another, in order.
        let mut to_store: Option<VerifiedPage> = None;
        loop {
            report(outcome.seen);
            let store = async {
                match to_store.take() {
                    Some(page) => self.store_log_page(lender_id, page).await,
                    None => Ok(0),
                }
            };
            let (fetched, stored) = tokio::join!(sync.next_page(), store);
            outcome.new += stored?;
            match fetched {
                Ok(Some(page)) => {
                    outcome.seen += page.leaves.len() as u64;
                    to_store = Some(page);
                }
                Ok(None) => {
                    let id = lender_id.to_owned();
                    self.with_vault(move |v| Ok(v.set_lender_synced(&id, now_ms())?))
                        .await?;
                    break;
                }
                Err(LendingError::Log(violation)) => {
                    let held = self.held_log(lender_id).await?;
                    outcome.contradicted = self
                        .keep_contradiction(client, lender_id, held.as_ref(), *violation)
                        .await?;
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(outcome)
    }

    /// The frontier and head the vault holds for `lender_id`'s log.
    async fn held_log(&self, lender_id: &str) -> Result<Option<HeldLog>> {
        let id = lender_id.to_owned();
        let Some(state) = self.with_vault(move |v| Ok(v.log_state(&id)?)).await? else {
            return Ok(None);
        };
        let hashes = state
            .hashes
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32-byte chunks"))
            .collect();
        let frontier = Frontier::from_parts(state.size, hashes)
            .map_err(|e| EngineError::Internal(format!("the stored log frontier: {e}")))?;
        let head: Value = serde_json::from_str(&state.head_json)
            .map_err(|e| EngineError::Internal(format!("the stored tree head: {e}")))?;
        Ok(Some(HeldLog { frontier, head }))
    }

    async fn store_log_page(&self, lender_id: &str, page: VerifiedPage) -> Result<u64> {
        let leaves = page
            .leaves
            .iter()
            .map(|checked| leaf_row(&checked.leaf, &checked.salts))
            .collect::<Result<Vec<_>>>()?;
        let head = head_row(
            &page.head.value.root_hash,
            page.head.value.tree_size,
            &page.head.raw,
        )?;
        let size = page.frontier.size();
        let hashes: Vec<u8> = page.frontier.hashes().concat();
        let id = lender_id.to_owned();
        let new = self
            .with_vault(move |v| Ok(v.append_log_page(&id, &leaves, &head, size, &hashes)?))
            .await?;
        Ok(new as u64)
    }

    /// Keeps the evidence of a violation that contradicts the lender's own signed heads;
    /// returns whether anything was kept. A head whose signature fails, or one of another
    /// log, proves nothing against the lender: that stays an error.
    async fn keep_contradiction(
        &self,
        client: &LendingClient,
        lender_id: &str,
        held: Option<&HeldLog>,
        violation: LogViolation,
    ) -> Result<bool> {
        tracing::warn!(lender = lender_id, violation = %violation, "the lender's disclosure log contradicts its signed heads");
        let (offered, mismatch) = match &violation.kind {
            ViolationKind::Inconsistent | ViolationKind::Shrunk => {
                // A head at the held size with another root makes the fork provable by two
                // signatures; without one, the offered head is kept as it is.
                match held {
                    Some(h) if h.frontier.size() > 0 => {
                        match self.head_at(client, h.frontier.size()).await {
                            Some(other) if other.get("rootHash") != h.head.get("rootHash") => {
                                (other, None)
                            }
                            _ => (violation.offered.clone(), None),
                        }
                    }
                    _ => (violation.offered.clone(), None),
                }
            }
            ViolationKind::PageRootMismatch => {
                let mismatch = self.recompute_page(client, held, &violation.offered).await;
                (violation.offered.clone(), mismatch)
            }
            ViolationKind::BadIndex { .. } | ViolationKind::BadLeaf { .. } => {
                return Err(EngineError::LenderRejected(violation.to_string()));
            }
            ViolationKind::HeadSignature { .. } | ViolationKind::ForeignHead => {
                return Err(EngineError::SignatureInvalid(violation.to_string()));
            }
        };
        let Some(size) = offered.get("treeSize").and_then(Value::as_u64) else {
            return Err(EngineError::LenderRejected(violation.to_string()));
        };
        let root = offered
            .get("rootHash")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let head = head_row(&root, size, &offered)?;
        let id = lender_id.to_owned();
        self.with_vault(move |v| Ok(v.record_conflicting_head(&id, &head, mismatch)?))
            .await?;
        Ok(true)
    }

    /// The lender's signed head at exactly `size`: the head of the page that ends there.
    async fn head_at(&self, client: &LendingClient, size: u64) -> Option<Value> {
        let page = client.log_entries(size - 1, 1).await.ok()?;
        (page.value.tree_head.tree_size == size).then(|| page.raw.get("treeHead").cloned())?
    }

    /// The root the held leaves and the lender's page give at the offered head's size, and
    /// where the page starts: the evidence beside a head its own page does not match.
    async fn recompute_page(
        &self,
        client: &LendingClient,
        held: Option<&HeldLog>,
        offered: &Value,
    ) -> Option<PageMismatch> {
        let mut frontier = held.map(|h| h.frontier.clone()).unwrap_or_default();
        let start = frontier.size();
        let size = offered.get("treeSize").and_then(Value::as_u64)?;
        let count = u32::try_from(size.checked_sub(start)?).ok()?;
        if count == 0 {
            return None;
        }
        let page = client.log_entries(start, count).await.ok()?;
        for entry in &page.value.entries {
            frontier.push(DisclosureLeaf::check(entry).ok()?.leaf_hash);
        }
        (frontier.size() == size).then(|| PageMismatch {
            computed_root: frontier.root(),
            page_start: start,
        })
    }
}

/// A checked leaf as the vault keeps it: its members and the salts that rebuild its bytes.
fn leaf_row(leaf: &DisclosureLeaf, salts: &[Option<[u8; 16]>; 2]) -> Result<LogLeafRow> {
    let digest = leaf
        .value_digest
        .as_deref()
        .map(merkle::decode_hash)
        .transpose()
        .map_err(|e| {
            EngineError::LenderRejected(format!("leaf {}: value digest: {e}", leaf.index))
        })?;
    Ok(LogLeafRow {
        signal_id: leaf.signal.clone(),
        collected_at: leaf.collected_at,
        purpose: leaf.purpose.clone(),
        consent_id: leaf.consent_id.clone(),
        data_from: leaf.data_range.from,
        data_to: leaf.data_range.to,
        value_digest: digest,
        onward_recipient: leaf.onward_recipient.clone(),
        log_index: leaf.index,
        salts: salts.iter().flatten().flatten().copied().collect(),
    })
}

fn head_row(root_hash: &str, tree_size: u64, raw: &Value) -> Result<TreeHeadRow> {
    Ok(TreeHeadRow {
        tree_size,
        root: merkle::decode_hash(root_hash)
            .map_err(|e| EngineError::LenderRejected(format!("a tree head's root: {e}")))?,
        signed_json: serde_json::to_string(raw)?,
        received_at: now_ms(),
    })
}
