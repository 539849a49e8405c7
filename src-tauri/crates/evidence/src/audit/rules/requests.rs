//! Answers measured against the borrower's own requests: a receipt that says other than was
//! asked (`receipt-contradicts-request`), a revocation left without a valid receipt past the
//! deadline (`revocation-unacknowledged`), and a consent returned for a decision that grants or
//! states other than the borrower chose (`consent-altered`).

use std::collections::HashSet;

use crate::audit::consent_state::{ev_consent, ev_receipt, rec_consent};
use crate::audit::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule};
use crate::audit::input::{AuditInput, ms};
use crate::audit::requests::{
    BorrowerRequest, Contradiction, REVOCATION_ACK_DEADLINE_MS, check_consent, check_receipt,
};

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: Rule,
    facts: FindingFacts,
    lender_id: &str,
    consent_id: &str,
    at: i64,
    records: Vec<RecordRef>,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        rule,
        severity: rule.severity(),
        facts,
        lender_id: lender_id.into(),
        consent_id: Some(consent_id.into()),
        signal: None,
        at,
        last_at: at,
        count: 1,
        records,
        records_omitted: 0,
        evidence,
    }
}

fn contradicts(c: Contradiction) -> FindingFacts {
    FindingFacts::Contradicts {
        field: c.field.into(),
        asked: c.asked,
        answered: c.answered,
    }
}

fn request_ref(r: &BorrowerRequest) -> RecordRef {
    RecordRef {
        kind: "borrower-request".into(),
        id: r.id().into(),
        local_id: None,
    }
}

/// Every rule of this family. Pure.
pub(crate) fn check(input: &AuditInput) -> Vec<Finding> {
    let mut out = vec![];
    receipts(input, &mut out);
    unacknowledged(input, &mut out);
    altered(input, &mut out);
    out
}

/// One finding per receipt and contradicted field; a receipt whose key matches no request of
/// a consent the borrower did act on answers nothing that was asked.
fn receipts(input: &AuditInput, out: &mut Vec<Finding>) {
    for r in &input.receipts {
        let rc = &r.value;
        let lender = rc.consent.lender_id.as_str();
        let found = match input.action_by_key(&rc.idempotency_key) {
            Some(req) => check_receipt(req, rc, input.now_ms)
                .into_iter()
                .map(|c| (req, c))
                .collect::<Vec<_>>(),
            None => continue,
        };
        for (req, c) in found {
            let BorrowerRequest::ConsentAction {
                consent_id,
                requested_at,
                ..
            } = req
            else {
                continue;
            };
            out.push(finding(
                Rule::ReceiptContradictsRequest,
                contradicts(c),
                lender,
                consent_id,
                *requested_at,
                vec![
                    RecordRef {
                        kind: "receipt".into(),
                        id: rc.receipt_id.clone(),
                        local_id: None,
                    },
                    request_ref(req),
                ],
                vec![ev_receipt(r), req.evidence()],
            ));
        }
    }
}

/// A revocation request with no valid receipt effective within the deadline, once the deadline
/// has passed.
fn unacknowledged(input: &AuditInput, out: &mut Vec<Finding>) {
    for req in &input.requests {
        let BorrowerRequest::ConsentAction {
            lender_id,
            consent_id,
            action: khata_contract::types::ConsentAction::Revoke,
            requested_at,
            idempotency_key,
            ..
        } = req
        else {
            continue;
        };
        let deadline = requested_at.saturating_add(REVOCATION_ACK_DEADLINE_MS);
        if input.now_ms < deadline {
            continue;
        }
        let acked = input
            .receipts
            .iter()
            .filter(|r| r.value.idempotency_key == *idempotency_key)
            .filter(|r| check_receipt(req, &r.value, input.now_ms).is_empty())
            .map(|r| ms(&r.value.effective_at))
            .min();
        if acked.is_some_and(|t| t <= deadline) {
            continue;
        }
        out.push(finding(
            Rule::RevocationUnacknowledged,
            FindingFacts::Unacknowledged {
                requested_at: *requested_at,
                deadline_hours: (REVOCATION_ACK_DEADLINE_MS / 3_600_000) as u32,
                acknowledged_at: acked,
            },
            lender_id,
            consent_id,
            deadline,
            vec![request_ref(req)],
            vec![req.evidence()],
        ));
    }
}

/// Each version of a consent answering a decision, checked against it; one finding per consent
/// and field, from the first version that departs.
fn altered(input: &AuditInput, out: &mut Vec<Finding>) {
    let mut seen: HashSet<(&str, &'static str)> = HashSet::new();
    let mut versions: Vec<_> = input.consents.iter().collect();
    versions.sort_by_key(|c| (c.value.version, ms(&c.value.updated_at)));
    for c in versions {
        let v = &c.value;
        let Some(req) = input.decision(&v.lender_id, &v.request_id) else {
            continue;
        };
        for d in check_consent(req, v) {
            if !seen.insert((v.consent_id.as_str(), d.field)) {
                continue;
            }
            out.push(finding(
                Rule::ConsentAltered,
                contradicts(d),
                &v.lender_id,
                &v.consent_id,
                ms(&v.updated_at),
                vec![rec_consent(v), request_ref(req)],
                vec![ev_consent(c), req.evidence()],
            ));
        }
    }
}
