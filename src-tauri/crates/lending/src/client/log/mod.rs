//! The lender's disclosure log (contract v2): the three calls that read it and a checked sync.
//!
//! A v2 lender keeps its disclosures as a Merkle log under signed tree heads instead of signing
//! each one. The sync fetches the latest head, proves it extends the head the borrower holds,
//! then fetches pages from the held size and recomputes each page's signed root from its
//! leaves, handing every page that passed to the caller before it fetches the next — so the
//! caller can store each page in one transaction and a sync cut short resumes where it
//! stopped. What is checked, and the violations it reports, are in `check` (pure); the strict
//! reading of one leaf is in `leaf`.

mod check;
mod leaf;
#[cfg(test)]
mod tests;

use std::future::Future;

use reqwest::Method;
use serde_json::Value;

use super::LendingClient;
use super::response::{Sig, parse};
use crate::error::{LendingError, Result};
pub use check::{
    Checked, HeldLog, LogChecker, LogViolation, VerifiedPage, ViolationKind, check_head,
};
use khata_contract::log::{ConsistencyProof, LogPage, MAX_PAGE_ENTRIES, TreeHead};
pub use leaf::{MAX_LEAF_TEXT, check_leaf};

impl LendingClient {
    /// The lender's latest signed tree head, its signature checked against the pinned keys and
    /// naming this lender's disclosure log.
    pub async fn log_head(&self) -> Result<Checked<TreeHead>> {
        let raw = self.get_raw("v2/log/head").await?;
        check_head(&self.keys, &self.discovery.lender_id, &raw, None).map(|(head, _)| head)
    }

    /// One page of the log as received: up to `limit` leaves from `start` and the signed head
    /// at the size after them, that head's signature checked. The leaves are only checked by a
    /// sync ([`LendingClient::log_sync`]), which knows the leaves before them.
    pub async fn log_entries(&self, start: u64, limit: u32) -> Result<Checked<LogPage>> {
        let raw = self.get_raw(&entries_path(start, limit)).await?;
        if let Some(head) = raw.get("treeHead") {
            check_head(&self.keys, &self.discovery.lender_id, head, None)?;
        }
        let value: LogPage = parse(raw.clone())?;
        Ok(Checked { value, raw })
    }

    /// The lender's proof that its tree of `second` leaves extends its tree of `first`.
    pub async fn log_consistency(&self, first: u64, second: u64) -> Result<ConsistencyProof> {
        parse(self.get_raw(&consistency_path(first, second)).await?)
    }

    /// Starts a checked sync of the log from what the caller holds: fetches the latest head
    /// and, when it is larger than the held one, the consistency proof between them. Pages of
    /// at most `page_limit` leaves follow from [`LogSync::next_page`].
    pub async fn log_sync(&self, held: Option<HeldLog>, page_limit: u32) -> Result<LogSync> {
        let head = self.get_raw("v2/log/head").await?;
        let mut checker = LogChecker::begin(&self.keys, &self.discovery.lender_id, held, &head)?;
        if let Some((first, second)) = checker.consistency_range() {
            let proof = self.get_raw(&consistency_path(first, second)).await?;
            checker.accept_consistency(proof)?;
        }
        Ok(LogSync {
            client: self.clone(),
            checker,
            page_limit: page_limit.clamp(1, MAX_PAGE_ENTRIES as u32),
        })
    }

    /// The whole sync in one call: `on_page` receives each verified page in order and is
    /// awaited before the next page is fetched (store it in one transaction there). Stops at
    /// the first error, the caller's or the client's; what `on_page` stored stays valid.
    pub async fn sync_log<F, Fut, E>(
        &self,
        held: Option<HeldLog>,
        page_limit: u32,
        mut on_page: F,
    ) -> Result<LogSyncSummary, E>
    where
        F: FnMut(VerifiedPage) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: From<LendingError>,
    {
        let mut sync = self.log_sync(held, page_limit).await?;
        let from = sync.checker.frontier().size();
        let mut pages = 0u64;
        while let Some(page) = sync.next_page().await? {
            on_page(page).await?;
            pages += 1;
        }
        Ok(LogSyncSummary {
            from,
            to: sync.checker.frontier().size(),
            pages,
            head: sync.checker.target().clone(),
        })
    }

    /// GET under the API base without a signature check: the log's checks need the raw heads.
    async fn get_raw(&self, path: &str) -> Result<Value> {
        let url = self.url(path)?;
        self.execute(Method::GET, url, None, None, Sig::None, true)
            .await
    }
}

fn entries_path(start: u64, limit: u32) -> String {
    format!("v2/log/entries?start={start}&limit={limit}")
}

fn consistency_path(first: u64, second: u64) -> String {
    format!("v2/log/consistency?first={first}&second={second}")
}

/// A sync in progress: the latest head is checked and extends what was held; pages follow.
#[derive(Debug)]
pub struct LogSync {
    client: LendingClient,
    checker: LogChecker,
    page_limit: u32,
}

impl LogSync {
    /// The latest head, which this sync brings the caller up to.
    pub fn target(&self) -> &Checked<TreeHead> {
        self.checker.target()
    }

    /// The leaves held and checked so far.
    pub fn checked_size(&self) -> u64 {
        self.checker.frontier().size()
    }

    /// Fetches and checks the next page; `None` once the latest head's size is reached. A
    /// transport error leaves the sync where it was, so calling again fetches the same page.
    pub async fn next_page(&mut self) -> Result<Option<VerifiedPage>> {
        let Some((start, limit)) = self.checker.next_range(self.page_limit)? else {
            return Ok(None);
        };
        let raw = self.client.get_raw(&entries_path(start, limit)).await?;
        self.checker.accept_page(limit, raw).map(Some)
    }
}

/// What a finished [`LendingClient::sync_log`] did.
#[derive(Debug, Clone)]
pub struct LogSyncSummary {
    /// The size held before and after.
    pub from: u64,
    pub to: u64,
    pub pages: u64,
    /// The head the log was synced to.
    pub head: Checked<TreeHead>,
}
