//! Syncing a lender into the vault: catalog, consent requests, consents, disclosures page by
//! page (as far as [`super::listing`] lets a lender page), offers and rights-request updates —
//! each signed statement checked before it is kept.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use khata_lending::types as wire;
use khata_lending::{ContractVersion, KeyRing, Signed};
use khata_vault::{ConsentStatus, Statement, StoredConsentRequest, now_ms};

use super::Engine;
use super::listing::{Listing, Next, Stop};
use crate::convert;
use crate::error::{EngineError, Result};
use crate::signed::{raw_bytes, signed_bytes};
use crate::views::*;

impl Engine {
    /// Syncs one lender: catalog, consent requests, consents, disclosures (incrementally by
    /// cursor, one transaction per page), offers and rights requests. Signatures are checked
    /// before anything is stored. An unreachable lender gives `Ok` with `reachable: false`.
    pub async fn sync(
        &self,
        lender_id: &str,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<SyncSummary> {
        match self.sync_inner(lender_id, &progress).await {
            Ok(s) => Ok(s),
            Err(e) if e.is_unreachable() => {
                tracing::info!(lender = lender_id, error = %e, "lender unreachable during sync");
                self.set_reachable(lender_id, false).await;
                self.clients.lock().await.remove(lender_id);
                Ok(SyncSummary {
                    lender_id: lender_id.into(),
                    new_disclosures: 0,
                    consents: 0,
                    offers: 0,
                    reachable: false,
                    anomalies: 0,
                })
            }
            Err(e) => {
                // A stale token or changed lender: build the client afresh next time.
                self.clients.lock().await.remove(lender_id);
                Err(e)
            }
        }
    }

    /// [`Engine::sync`], stopped early once `cancel` is set (checked every 100 ms). Safe at
    /// any point: each page of disclosures and the cursor after it commit in one transaction,
    /// so what was stored stays and the next sync resumes after it.
    pub async fn sync_cancellable(
        &self,
        lender_id: &str,
        progress: impl Fn(Progress) + Send + Sync,
        cancel: Arc<std::sync::atomic::AtomicBool>,
    ) -> Result<SyncSummary> {
        let cancelled = async {
            while !cancel.load(std::sync::atomic::Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            summary = self.sync(lender_id, progress) => summary,
            () = cancelled => {
                // A request may have been cut mid-flight: start the next sync on a fresh client.
                self.forget_client(lender_id).await;
                tracing::info!(lender = lender_id, "sync cancelled");
                Err(EngineError::Cancelled)
            }
        }
    }

    /// Syncs every connected lender.
    pub async fn sync_all(
        &self,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<Vec<SyncSummary>> {
        let ids = self
            .with_vault(|v| {
                Ok(v.lender_links()?
                    .into_iter()
                    .map(|l| l.lender_id)
                    .collect::<Vec<_>>())
            })
            .await?;
        let mut out = vec![];
        for id in ids {
            out.push(self.sync(&id, &progress).await?);
        }
        Ok(out)
    }

    async fn sync_inner(
        &self,
        lender_id: &str,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<SyncSummary> {
        let client = self.client(lender_id).await?;
        let keys = client.keys().clone();
        let lid = lender_id.to_string();
        let report = |phase: &str, done: u64, total: Option<u64>| {
            progress(Progress {
                task: "sync".into(),
                phase: phase.into(),
                done,
                total,
            })
        };

        // Records naming another lender than the one being synced are refused one by one.
        let mut anomalies = 0u32;
        let mut foreign = |kind: &str, id: &str, claimed: &str| -> bool {
            if claimed == lid {
                return false;
            }
            anomalies += 1;
            tracing::warn!(
                lender = %lid,
                kind,
                record = %khata_lending::lender_text::sanitize(id),
                claimed = %khata_lending::lender_text::sanitize(claimed),
                "record names another lender; not stored"
            );
            true
        };

        report("catalog", 0, None);
        let catalog = client.catalog().await?;
        self.store_catalog(&lid, &catalog).await?;

        report("consent_requests", 0, None);
        let mut reqs = client.consent_requests().await?;
        reqs.items
            .retain(|r| !foreign("consent_request", &r.request_id, &r.lender_id));
        self.store_requests(&lid, &reqs.items).await?;

        report("consents", 0, None);
        let consents = client.consents_signed().await?;
        let n_consents = consents.len() as u32;
        let mut held_elsewhere = 0u32;
        for c in consents {
            if !foreign("consent", &c.value.consent_id, &c.value.lender_id)
                && !self.store_consent(&keys, &c).await?
            {
                held_elsewhere += 1;
            }
        }

        let mut log_contradicted = false;
        let (new, seen) = if client.contract_version() == ContractVersion::V2 {
            let outcome = self
                .sync_disclosure_log(&client, &lid, &|done| report("disclosures", done, None))
                .await?;
            log_contradicted = outcome.contradicted;
            (outcome.new, outcome.seen)
        } else {
            self.sync_disclosure_listing(&client, &lid, &mut foreign, &report)
                .await?
        };

        report("offers", seen, Some(seen));
        let offers = client.offers_signed().await?;
        let n_offers = offers.len() as u32;
        for o in &offers {
            if !foreign("offer", &o.value.offer_id, &o.value.lender_id)
                && !self.store_offer(&keys, o).await?
            {
                held_elsewhere += 1;
            }
        }

        report("rights", seen, Some(seen));
        if let Ok(mut list) = client.rights_requests().await {
            list.items
                .retain(|r| !foreign("rights_request", &r.request_id, &r.lender_id));
            self.store_rights_updates(&lid, &keys, &list.items).await?;
        }
        // A log that contradicts the lender's own signed heads is one anomaly per sync; the
        // evidence kept makes it a finding on the audit.
        let anomalies = anomalies + held_elsewhere + u32::from(log_contradicted);
        self.set_reachable(lender_id, true).await;
        report("done", seen, Some(seen));
        Ok(SyncSummary {
            lender_id: lid,
            new_disclosures: new,
            consents: n_consents,
            offers: n_offers,
            reachable: true,
            anomalies,
        })
    }

    /// A contract-v1 lender's disclosures, by cursor, each signed on its own; returns the new
    /// and the seen counts.
    async fn sync_disclosure_listing(
        &self,
        client: &khata_lending::LendingClient,
        lid: &str,
        foreign: &mut (dyn FnMut(&str, &str, &str) -> bool + Send),
        report: &(dyn Fn(&str, u64, Option<u64>) + Send + Sync),
    ) -> Result<(u64, u64)> {
        let lender_id = lid;
        let lid = lid.to_owned();
        let cursor = {
            let id = lid.clone();
            self.with_vault(move |v| Ok(v.lender_link(&id)?.and_then(|l| l.sync_cursor)))
                .await?
        };
        let mut listing = Listing::new(cursor.as_deref(), self.cfg.sync_max_pages);
        let mut cursor = cursor;
        let mut new = 0u64;
        let mut seen = 0u64;
        loop {
            report("disclosures", seen, None);
            let (page, raw) = client
                .disclosures_with_raw(cursor.as_deref(), self.cfg.sync_page_limit)
                .await?;
            let step = listing.after_page(page.items.len(), page.next_cursor.as_deref());
            if step == Next::Done(Stop::EmptyPage) {
                // Nothing to keep: no transaction, no ledger entry, no cursor moved.
                tracing::warn!(
                    lender = lender_id,
                    "the lender sent an empty page that claims more follow; listing stopped"
                );
                break;
            }
            seen += page.items.len() as u64;
            let mut batch = Vec::with_capacity(page.items.len());
            for (d, r) in page.items.iter().zip(&raw) {
                if !foreign("disclosure", &d.disclosure_id, &d.lender_id) {
                    batch.push(convert::disclosure_record(d, r)?);
                }
            }
            // The cursor to keep: the next one, unless the lender sent one already followed
            // (then the one that fetched this page stays).
            let keep = match &step {
                Next::Fetch(c) => Some(c.clone()),
                Next::Done(Stop::Cap) => page.next_cursor.clone(),
                Next::Done(_) => None,
            };
            let id = lid.clone();
            let n = self
                .with_vault(move |v| {
                    Ok(v.ingest_disclosures(&id, &batch, keep.as_deref(), now_ms())?)
                })
                .await?;
            new += n as u64;
            match step {
                Next::Fetch(c) => cursor = Some(c),
                Next::Done(Stop::RepeatedCursor) => {
                    tracing::warn!(
                        lender = lender_id,
                        "the lender repeated a cursor; listing stopped"
                    );
                    break;
                }
                Next::Done(Stop::Cap) => {
                    tracing::info!(
                        lender = lender_id,
                        pages = self.cfg.sync_max_pages,
                        "page cap of one sync reached; the next sync resumes"
                    );
                    break;
                }
                Next::Done(_) => break,
            }
        }

        Ok((new, seen))
    }

    async fn store_catalog(&self, lender_id: &str, catalog: &wire::SignalCatalog) -> Result<()> {
        let json = serde_json::to_vec(catalog)?;
        let version = {
            use sha2::Digest as _;
            let d = sha2::Sha256::digest(&json);
            i64::from_be_bytes(d[..8].try_into().expect("8 bytes")) & i64::MAX
        };
        let signals = catalog.signals.clone();
        let lid = lender_id.to_string();
        self.with_vault(move |v| {
            // This lender's catalogue only: another lender's signal of the same id keeps its
            // own description and flags.
            let known: HashMap<String, khata_vault::Signal> = v
                .lender_signals(Some(&lid))?
                .into_iter()
                .map(|s| (s.signal.id.clone(), s.signal))
                .collect();
            for s in &signals {
                let rec = convert::vault_signal(s);
                if known.get(&s.id) != Some(&rec) {
                    v.upsert_lender_signal(&lid, &rec)?;
                }
            }
            v.put_statement(&Statement {
                kind: "catalog".into(),
                id: lid.clone(),
                version,
                lender_id: lid,
                received_at: now_ms(),
                json,
            })?;
            Ok(())
        })
        .await
    }

    pub(super) async fn store_requests(
        &self,
        lender_id: &str,
        reqs: &[wire::ConsentRequest],
    ) -> Result<()> {
        let rows: Vec<StoredConsentRequest> = reqs
            .iter()
            .map(|r| {
                Ok(StoredConsentRequest {
                    id: r.request_id.clone(),
                    lender_id: lender_id.to_string(),
                    status: match r.status {
                        wire::ConsentRequestStatus::Pending => "PENDING",
                        wire::ConsentRequestStatus::Decided => "DECIDED",
                    }
                    .into(),
                    created_at: r.created_at.timestamp_millis(),
                    json: serde_json::to_string(r)?,
                })
            })
            .collect::<Result<_>>()?;
        self.with_vault(move |v| {
            for r in &rows {
                v.upsert_consent_request(r)?;
            }
            Ok(())
        })
        .await
    }

    /// Stores a signed consent version. `false` (nothing stored, logged) when its id is held
    /// by a consent of another lender: ids are the lender's own, so another lender's cannot
    /// take over a consent already in the vault.
    pub(crate) async fn store_consent(
        &self,
        keys: &KeyRing,
        signed: &Signed<wire::Consent>,
    ) -> Result<bool> {
        let bytes = raw_bytes(keys, &signed.raw)?;
        let c = &signed.value;
        let mut rec = convert::vault_consent(c, bytes.clone());
        let st = Statement {
            kind: "consent".into(),
            id: c.consent_id.clone(),
            version: c.version as i64,
            lender_id: c.lender_id.clone(),
            received_at: now_ms(),
            json: bytes,
        };
        let request_id = c.request_id.clone();
        self.with_vault(move |v| {
            if let Some(held) = v.consent(&rec.id)?
                && held.lender_id != rec.lender_id
            {
                tracing::warn!(
                    lender = %khata_lending::lender_text::sanitize(&rec.lender_id),
                    held_by = %held.lender_id,
                    "consent id already held by another lender; not stored"
                );
                return Ok(false);
            }
            // An older version arriving late never overwrites a newer one.
            let newest = v
                .statements("consent", &st.id)?
                .last()
                .map(|s| s.version)
                .unwrap_or(0);
            v.put_statement(&st)?;
            if st.version >= newest {
                // The borrower's own decision bounds what the consent grants locally, and a
                // consent the borrower revoked never becomes live again on the lender's word.
                if let Some(d) = crate::requests::decision(v, &request_id, &rec.lender_id)? {
                    crate::requests::hold_borrower_choice(&mut rec, &d);
                }
                if v.consent(&rec.id)?
                    .is_some_and(|local| local.status == ConsentStatus::Revoked)
                {
                    rec.status = ConsentStatus::Revoked;
                }
                v.upsert_consent(&rec)?;
            }
            Ok(true)
        })
        .await
    }

    /// Stores a signed offer; `false` (nothing stored, logged) when its id is held by an offer
    /// of another lender.
    pub(super) async fn store_offer(
        &self,
        keys: &KeyRing,
        signed: &Signed<wire::Offer>,
    ) -> Result<bool> {
        let bytes = raw_bytes(keys, &signed.raw)?;
        let o = &signed.value;
        let rec = convert::vault_offer(o);
        let st = Statement {
            kind: "offer".into(),
            id: o.offer_id.clone(),
            version: 0,
            lender_id: o.lender_id.clone(),
            received_at: o.created_at.timestamp_millis(),
            json: bytes,
        };
        self.with_vault(move |v| {
            if let Some(held) = v.offer(&rec.id)?
                && held.lender_id != rec.lender_id
            {
                tracing::warn!(
                    lender = %khata_lending::lender_text::sanitize(&rec.lender_id),
                    held_by = %held.lender_id,
                    "offer id already held by another lender; not stored"
                );
                return Ok(false);
            }
            if v.put_statement(&st)? && v.offer(&rec.id)?.is_none() {
                v.add_offer(&rec)?;
            }
            Ok(true)
        })
        .await
    }

    /// Matches the lender's rights requests to ours sent to that lender (by the lender's id
    /// kept in the statement) and records status changes.
    async fn store_rights_updates(
        &self,
        lender_id: &str,
        keys: &KeyRing,
        items: &[wire::RightsRequest],
    ) -> Result<()> {
        let mut signed = vec![];
        for r in items {
            if let Ok((_, bytes)) = signed_bytes(keys, r) {
                signed.push((r.clone(), bytes));
            }
        }
        let lid = lender_id.to_string();
        self.with_vault(move |v| {
            let ours = v.statements_of_kind("rights", Some(&lid))?;
            for (r, bytes) in signed {
                let Some(local) = ours.iter().find(|s| {
                    serde_json::from_slice::<wire::RightsRequest>(&s.json)
                        .map(|x| x.request_id == r.request_id)
                        .unwrap_or(false)
                }) else {
                    continue;
                };
                let status = convert::rights_status(r.status);
                let version = (v.statements("rights", &local.id)?.len()) as i64;
                let last = v
                    .statements("rights", &local.id)?
                    .last()
                    .map(|s| s.json.clone());
                if last.as_deref() != Some(&bytes[..]) {
                    v.put_statement(&Statement {
                        kind: "rights".into(),
                        id: local.id.clone(),
                        version,
                        lender_id: r.lender_id.clone(),
                        received_at: now_ms(),
                        json: bytes,
                    })?;
                    v.set_rights_status(&local.id, status, Some(&r.ticket))?;
                    v.set_rights_due(&local.id, Some(r.due_by.timestamp_millis()))?;
                    v.set_rights_lender_created(&local.id, r.created_at.timestamp_millis())?;
                }
            }
            Ok(())
        })
        .await
    }
}
