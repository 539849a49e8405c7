//! The state of each consent as the borrower's own requests, its signed versions and the
//! lender's receipts tell it: the latest artefact, the borrower's decision on it, when the whole
//! consent or single signals were revoked (from the borrower's request, or earlier if the lender
//! says so), the paused intervals and every recipient ever named — each with the record that
//! proves it. A receipt that contradicts the request it answers proves nothing here.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use khata_contract::types as wire;

use super::finding::{Evidence, RecordRef};
use super::input::{AuditInput, DisclosureIn, Stmt, ms};
use super::requests::{BorrowerRequest, check_receipt};

/// What is known about one consent across its versions and receipts.
pub(crate) struct ConsentState<'a> {
    pub(crate) latest: &'a Stmt<wire::Consent>,
    /// What the borrower granted and denied when deciding the request this consent answers
    /// (the truth for `signal-denied`, whatever the lender signed), if recorded.
    pub(crate) granted: Option<&'a [String]>,
    pub(crate) denied: Option<&'a [String]>,
    /// When the whole consent's revocation took effect, with the proving statement.
    pub(crate) revoked_at: Option<(i64, Evidence)>,
    /// Per-signal revocation times.
    pub(crate) signal_revoked_at: HashMap<String, (i64, Evidence)>,
    /// Paused intervals `[from, to)`, with the pausing statement.
    pub(crate) paused: Vec<(i64, i64, Evidence)>,
    pub(crate) recipients: HashSet<String>,
}

pub(crate) fn ev_consent(c: &Stmt<wire::Consent>) -> Evidence {
    Evidence {
        kind: "consent".into(),
        id: format!("{}#v{}", c.value.consent_id, c.value.version),
        statement: Arc::clone(&c.json),
    }
}

pub(crate) fn ev_receipt(r: &Stmt<wire::Receipt>) -> Evidence {
    Evidence {
        kind: "receipt".into(),
        id: r.value.receipt_id.clone(),
        statement: Arc::clone(&r.json),
    }
}

fn earlier(slot: &mut Option<(i64, Evidence)>, t: i64, e: impl FnOnce() -> Evidence) {
    if slot.as_ref().is_none_or(|(old, _)| t < *old) {
        *slot = Some((t, e()));
    }
}

pub(crate) fn consent_states(input: &AuditInput) -> HashMap<&str, ConsentState<'_>> {
    let mut by_id: HashMap<&str, Vec<&Stmt<wire::Consent>>> = HashMap::new();
    for c in &input.consents {
        by_id
            .entry(c.value.consent_id.as_str())
            .or_default()
            .push(c);
    }
    let mut out = HashMap::new();
    for (id, mut versions) in by_id {
        versions.sort_by_key(|c| (c.value.version, ms(&c.value.updated_at)));
        let latest = *versions.last().expect("non-empty group");
        let (granted, denied) =
            match input.decision(&latest.value.lender_id, &latest.value.request_id) {
                Some(BorrowerRequest::Decision {
                    granted, denied, ..
                }) => (Some(granted.as_slice()), Some(denied.as_slice())),
                _ => (None, None),
            };
        let mut st = ConsentState {
            latest,
            granted,
            denied,
            revoked_at: None,
            signal_revoked_at: HashMap::new(),
            paused: Vec::new(),
            recipients: versions
                .iter()
                .flat_map(|c| c.value.onward_recipients.iter().map(|r| r.id.clone()))
                .collect(),
        };
        for c in &versions {
            let t = ms(&c.value.updated_at);
            if c.value.status == wire::ConsentStatus::Revoked {
                earlier(&mut st.revoked_at, t, || ev_consent(c));
            }
            for s in &c.value.signals_revoked {
                let mut slot = st.signal_revoked_at.remove(s);
                earlier(&mut slot, t, || ev_consent(c));
                st.signal_revoked_at.insert(s.clone(), slot.expect("set"));
            }
        }
        out.insert(id, st);
    }
    // A revocation counts from the moment the borrower asked, whatever the lender answers.
    for r in &input.requests {
        let BorrowerRequest::ConsentAction {
            lender_id,
            consent_id,
            action: wire::ConsentAction::Revoke,
            signals,
            requested_at,
            ..
        } = r
        else {
            continue;
        };
        let Some(st) = out.get_mut(consent_id.as_str()) else {
            continue;
        };
        if st.latest.value.lender_id != *lender_id {
            continue;
        }
        if signals.is_empty() {
            earlier(&mut st.revoked_at, *requested_at, || r.evidence());
        }
        for s in signals {
            let mut slot = st.signal_revoked_at.remove(s);
            earlier(&mut slot, *requested_at, || r.evidence());
            st.signal_revoked_at.insert(s.clone(), slot.expect("set"));
        }
    }
    // Receipts carry the effective time of each action, unless they contradict the request.
    let mut actions: HashMap<&str, Vec<&Stmt<wire::Receipt>>> = HashMap::new();
    for r in &input.receipts {
        if let Some(req) = input.action_by_key(&r.value.idempotency_key)
            && !check_receipt(req, &r.value, input.now_ms).is_empty()
        {
            continue;
        }
        actions
            .entry(r.value.consent_id.as_str())
            .or_default()
            .push(r);
    }
    for (id, mut rs) in actions {
        let Some(st) = out.get_mut(id) else { continue };
        rs.sort_by_key(|r| ms(&r.value.effective_at));
        let mut pause_start: Option<(i64, Evidence)> = None;
        for r in rs {
            let t = ms(&r.value.effective_at);
            match r.value.action {
                wire::ConsentAction::Revoke => {
                    if r.value.consent.status == wire::ConsentStatus::Revoked {
                        earlier(&mut st.revoked_at, t, || ev_receipt(r));
                    }
                    for s in &r.value.signals {
                        let mut slot = st.signal_revoked_at.remove(s);
                        earlier(&mut slot, t, || ev_receipt(r));
                        st.signal_revoked_at.insert(s.clone(), slot.expect("set"));
                    }
                }
                wire::ConsentAction::Pause => {
                    if pause_start.is_none() {
                        pause_start = Some((t, ev_receipt(r)));
                    }
                }
                wire::ConsentAction::Resume => {
                    if let Some((from, e)) = pause_start.take() {
                        st.paused.push((from, t, e));
                    }
                }
            }
        }
        if let Some((from, e)) = pause_start {
            st.paused.push((from, i64::MAX, e));
        }
    }
    out
}

pub(crate) fn ev_disclosure(d: &DisclosureIn) -> Evidence {
    Evidence {
        kind: "disclosure".into(),
        id: d.stmt.value.disclosure_id.clone(),
        statement: Arc::clone(&d.stmt.json),
    }
}

pub(crate) fn rec_disclosure(d: &DisclosureIn) -> RecordRef {
    RecordRef {
        kind: "disclosure".into(),
        id: d.stmt.value.disclosure_id.clone(),
        local_id: d.local_id,
    }
}

pub(crate) fn rec_consent(c: &wire::Consent) -> RecordRef {
    RecordRef {
        kind: "consent".into(),
        id: c.consent_id.clone(),
        local_id: None,
    }
}
