//! Builds an [`AuditInput`] from a vault (read-only queries), or audits the vault a page of
//! disclosures at a time. The export half (documents and bytes) is pure and lives in
//! `khata_evidence::audit::export`; it is re-exported here so callers keep one place to look.

use std::sync::Arc;

use khata_lending::types as wire;
use khata_vault::Vault;
use serde_json::Value;

use super::{
    AuditInput, AuditReport, DisclosureIn, DisclosureRules, DisclosureSource, Evidence, RecordRef,
    SignalMeta, Stmt, parse_disclosure, report,
};
use crate::log_records;

pub use khata_evidence::audit::export::{audit_export_bytes, from_export};

const PAGE: usize = 5_000;

/// Reads the signed statements kept by sync. Read-only.
pub fn from_vault(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditInput> {
    let mut input = from_vault_statements(v, now_ms)?;
    let mut after = 0i64;
    loop {
        let page = v.events_by_id(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.0.id;
        for (e, lender_ref, statement) in page {
            match statement.as_deref().map(serde_json::from_slice::<Value>) {
                Some(Ok(json)) => input.add_statement("disclosure", json, Some(e.id)),
                Some(Err(err)) => input
                    .unreadable
                    .push(format!("disclosure #{}: {err}", e.id)),
                // A leaf of a v2 log: read below, with the log.
                None if lender_ref.is_none() => {}
                None => input.unreadable.push(format!(
                    "disclosure #{}: no signed lender statement kept",
                    e.id
                )),
            }
        }
    }
    for_each_leaf(v, |id, lender_id, row| match log_records::leaf_json(&row) {
        Ok(json) => input.disclosures.push(DisclosureIn {
            local_id: Some(id),
            stmt: Stmt {
                value: log_records::leaf_disclosure(lender_id, &row),
                json: Arc::new(json),
            },
        }),
        Err(e) => input.unreadable.push(format!("disclosure #{id}: {e}")),
    })?;
    Ok(input)
}

/// Every leaf of every lender's log, a page at a time, with its disclosure id and lender.
fn for_each_leaf(
    v: &Vault,
    mut f: impl FnMut(i64, &str, khata_vault::LogLeafRow),
) -> khata_vault::Result<()> {
    let mut after = 0i64;
    loop {
        let page = v.log_leaves_by_id(after, PAGE)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.0;
        for (id, lender_id, row) in page {
            f(id, &lender_id, row);
        }
    }
}

/// Each lender's conflicting tree heads, as the audit's conflict records.
fn add_log_conflicts(v: &Vault, input: &mut AuditInput) -> khata_vault::Result<()> {
    for link in v.lender_links()? {
        match log_records::conflict_records(v, &link.lender_id) {
            Ok(records) => records.iter().for_each(|r| input.add_log_conflict(r)),
            Err(e) => input
                .unreadable
                .push(format!("the log conflicts of {}: {e}", link.lender_id)),
        }
    }
    Ok(())
}

/// What the borrower's phone recorded (sources and observations), and where each lender's API
/// lives (a domain under it is the lender's own when the phone saw the app contact it).
fn add_phone_evidence(v: &Vault, input: &mut AuditInput) -> khata_vault::Result<()> {
    input.phone_sources = v.phone_sources()?;
    input.observations = v.phone_observations()?;
    input.lender_api_bases = v
        .lender_links()?
        .into_iter()
        .map(|l| (l.lender_id, l.api_base))
        .collect();
    Ok(())
}

/// The signal catalogue, every signed statement but the disclosures, and the phone evidence.
fn from_vault_statements(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditInput> {
    let mut input = AuditInput {
        now_ms,
        signals: v
            .lender_signals(None)?
            .into_iter()
            .map(|s| SignalMeta {
                lender_id: Some(s.lender_id),
                id: s.signal.id,
                name: s.signal.name,
                category: s.signal.category,
                regulatory_flags: s.signal.regulatory_flags,
            })
            .collect(),
        ..Default::default()
    };
    for row in v.borrower_requests()? {
        match serde_json::from_str::<Value>(&row.record) {
            Ok(json) => input.add_request(&json),
            Err(e) => input
                .unreadable
                .push(format!("borrower request {}: {e}", row.id)),
        }
    }
    add_log_conflicts(v, &mut input)?;
    add_phone_evidence(v, &mut input)?;
    for kind in ["consent", "receipt", "offer", "quote"] {
        for s in v.statements_of_kind(kind, None)? {
            match serde_json::from_slice::<Value>(&s.json) {
                Ok(json) => input.add_statement(kind, json, None),
                Err(e) => input.unreadable.push(format!("{kind} {}: {e}", s.id)),
            }
        }
    }
    Ok(input)
}

/// A vault's disclosures by index (their event ids), for the findings' records and evidence.
struct VaultDisclosures<'a> {
    vault: &'a Vault,
    ids: Vec<i64>,
}

impl VaultDisclosures<'_> {
    fn statement_json(&self, i: usize) -> Value {
        match self.vault.event_statement(self.ids[i]) {
            Ok(Some((_, Some(bytes)))) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            // A leaf of a v2 log: the statement the lender committed to, rebuilt, with the
            // signed head that covers it.
            Ok(Some((None, None))) => match log_records::leaf_evidence(self.vault, self.ids[i]) {
                Ok((Some(json), _)) => json,
                _ => Value::Null,
            },
            _ => Value::Null,
        }
    }
}

impl DisclosureSource for VaultDisclosures<'_> {
    fn record(&self, i: usize) -> RecordRef {
        RecordRef::disclosure(&self.statement_json(i), Some(self.ids[i]))
    }

    fn statement(&self, i: usize) -> Evidence {
        Evidence::disclosure(self.statement_json(i))
    }
}

/// Audits everything in the vault (read-only), as `audit(&from_vault(v, now_ms)?)` would, with
/// the disclosures read a page at a time and dropped once checked: only their ids are kept, and
/// the few that end up in findings are read again. What the app's Audit screen and grievances
/// use, so a million disclosures need not be in memory at once.
pub fn audit_vault(v: &Vault, now_ms: i64) -> khata_vault::Result<AuditReport> {
    let mut input = from_vault_statements(v, now_ms)?;
    let mut unreadable = Vec::new();
    let mut ids = Vec::new();
    let checked;
    let findings = {
        let mut rules = DisclosureRules::new(&input);
        let mut after = 0i64;
        loop {
            let page = v.events_by_id(after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.0.id;
            for (e, lender_ref, statement) in page {
                let Some(bytes) = statement else {
                    if lender_ref.is_none() {
                        // A leaf of a v2 log: read below, with the log.
                        continue;
                    }
                    unreadable.push(format!(
                        "disclosure #{}: no signed lender statement kept",
                        e.id
                    ));
                    continue;
                };
                let read = serde_json::from_slice::<wire::Disclosure>(&bytes).or_else(|_| {
                    // The reference reading, for its message (or a value the typed parse
                    // refused, such as duplicate members).
                    let json = serde_json::from_slice::<Value>(&bytes)
                        .map_err(|err| format!("disclosure #{}: {err}", e.id))?;
                    parse_disclosure(&json)
                });
                match read {
                    Ok(w) => {
                        rules.check(ids.len(), &w);
                        ids.push(e.id);
                    }
                    Err(msg) => unreadable.push(msg),
                }
            }
        }
        for_each_leaf(v, |id, lender_id, row| {
            rules.check(ids.len(), &log_records::leaf_disclosure(lender_id, &row));
            ids.push(id);
        })?;
        checked = ids.len() as u64;
        rules.finish(&VaultDisclosures { vault: v, ids })
    };
    input.unreadable.extend(unreadable);
    Ok(report(&input, checked, findings))
}
