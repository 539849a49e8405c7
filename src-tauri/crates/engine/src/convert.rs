//! Mapping between the lender's wire types, the vault's records and the UI's views.

use std::collections::{HashMap, HashSet};

use khata_lending::KeyRing;
use khata_lending::types as wire;
use khata_vault as vault;
use khata_vault::{ConsentAction, ConsentActionKind, LenderDisclosure, LenderLink, OutboxState};
use serde_json::Value;

pub use crate::catalog::Catalog;
use crate::error::Result;
use crate::signed::sig_bytes;
use crate::views::*;
pub use rights::*;

pub fn lender_view(name: &str, l: &LenderLink) -> LenderView {
    LenderView {
        id: l.lender_id.clone(),
        name: name.to_string(),
        api_base: l.api_base.clone(),
        is_sandbox: l.is_sandbox,
        last_sync_at: l.last_sync_at,
        reachable: l.reachable,
    }
}

pub fn vault_signal(s: &wire::Signal) -> vault::Signal {
    vault::Signal {
        id: s.id.clone(),
        name: s.name.clone(),
        category: s.dpv_category.clone(),
        sensitivity: match s.sensitivity {
            wire::Sensitivity::Low => vault::Sensitivity::Low,
            wire::Sensitivity::Medium => vault::Sensitivity::Medium,
            wire::Sensitivity::High => vault::Sensitivity::High,
            wire::Sensitivity::Special => vault::Sensitivity::Special,
        },
        regulatory_flags: s.regulatory_flags.clone(),
    }
}

fn digest_from(s: &str) -> [u8; 32] {
    if let Some(h) = s.strip_prefix("sha256:") {
        let mut out = [0u8; 32];
        if hex::decode_to_slice(h, &mut out).is_ok() {
            return out;
        }
    }
    vault::digest_value(s.as_bytes())
}

/// A disclosure as stored: `raw` is its JSON as received (the client checked its signature on
/// exactly that value), kept in canonical form.
pub fn disclosure_record(d: &wire::Disclosure, raw: &Value) -> Result<LenderDisclosure> {
    if raw.get("disclosureId").and_then(Value::as_str) != Some(d.disclosure_id.as_str()) {
        return Err(crate::error::EngineError::Internal(
            "a disclosure and its raw statement do not match".into(),
        ));
    }
    let bytes = khata_lending::signing::canonical_json(raw)
        .map_err(|e| crate::error::EngineError::SignatureInvalid(e.to_string()))?;
    Ok(LenderDisclosure {
        event: vault::NewShareEvent {
            signal_id: d.signal.clone(),
            lender_id: d.lender_id.clone(),
            collected_at: d.collected_at.timestamp_millis(),
            purpose: d.purpose.clone(),
            consent_id: d.consent_id.clone(),
            value_digest: digest_from(&d.value_digest),
            onward_recipient: d.onward_recipient.clone(),
            lender_signature: sig_bytes(&d.signature),
        },
        lender_ref: d.disclosure_id.clone(),
        // The vault keeps i64: a lender's u64 past it is refused, never wrapped negative.
        lender_seq: i64::try_from(d.seq).map_err(|_| {
            crate::error::EngineError::LenderRejected(format!(
                "the lender numbered disclosure {} as {}, beyond the largest sequence number                  Khata keeps ({})",
                khata_lending::lender_text::sanitize(&d.disclosure_id),
                d.seq,
                i64::MAX
            ))
        })?,
        statement: bytes,
    })
}

pub fn vault_consent(c: &wire::Consent, artefact: Vec<u8>) -> vault::Consent {
    let revoked: HashSet<&str> = c.signals_revoked.iter().map(String::as_str).collect();
    vault::Consent {
        id: c.consent_id.clone(),
        lender_id: c.lender_id.clone(),
        purpose_code: c.purpose.code.clone(),
        purpose_text: c.purpose.text.clone(),
        signals_granted: c
            .signals_granted
            .iter()
            .filter(|s| !revoked.contains(s.as_str()))
            .cloned()
            .collect(),
        signals_denied: c.signals_denied.clone(),
        consent_start: c.consent_start.timestamp_millis(),
        consent_expiry: c.consent_expiry.timestamp_millis(),
        fetch_type: match c.fetch_type {
            wire::FetchType::Onetime => vault::FetchType::Onetime,
            wire::FetchType::Periodic => vault::FetchType::Periodic,
        },
        frequency: vault::Period {
            unit: match c.frequency.unit {
                wire::FrequencyUnit::Hour => vault::FrequencyUnit::Hour,
                wire::FrequencyUnit::Day => vault::FrequencyUnit::Day,
                wire::FrequencyUnit::Month => vault::FrequencyUnit::Month,
                wire::FrequencyUnit::Year => vault::FrequencyUnit::Year,
                wire::FrequencyUnit::Inf => vault::FrequencyUnit::Inf,
            },
            value: c.frequency.value as i64,
        },
        data_life: vault::Period {
            unit: match c.data_life.unit {
                wire::DataLifeUnit::Day => vault::DataLifeUnit::Day,
                wire::DataLifeUnit::Month => vault::DataLifeUnit::Month,
                wire::DataLifeUnit::Year => vault::DataLifeUnit::Year,
                wire::DataLifeUnit::Inf => vault::DataLifeUnit::Inf,
            },
            value: c.data_life.value as i64,
        },
        fi_data_range: Some(vault::DataRange {
            from: c.fi_data_range.from.timestamp_millis(),
            to: c.fi_data_range.to.timestamp_millis(),
        }),
        status: match c.status {
            wire::ConsentStatus::Active => vault::ConsentStatus::Active,
            wire::ConsentStatus::Paused => vault::ConsentStatus::Paused,
            wire::ConsentStatus::Revoked => vault::ConsentStatus::Revoked,
            wire::ConsentStatus::Expired => vault::ConsentStatus::Expired,
        },
        signed_artefact: Some(artefact),
        artefact_signature: sig_bytes(&c.signature),
    }
}

pub fn vault_offer(o: &wire::Offer) -> vault::Offer {
    vault::Offer {
        id: o.offer_id.clone(),
        lender_id: o.lender_id.clone(),
        consent_id: Some(o.consent_id.clone()),
        received_at: o.created_at.timestamp_millis(),
        decision: match o.decision {
            wire::OfferDecision::Approved => vault::Decision::Approved,
            wire::OfferDecision::Declined => vault::Decision::Declined,
        },
        amount_minor: Some(o.amount_inr as i64 * 100),
        currency: Some("INR".into()),
        // The vault keeps an annual rate; the wire has a monthly one.
        apr_bps: Some(o.apr_monthly_bps as i64 * 12),
        tenure_months: Some(o.tenure_months as i64),
        explanation: vault::Explanation {
            method: method_name(o.explanation.method).into(),
            baseline: o.explanation.baseline as f64,
            score: o.explanation.score as f64,
            contributions: o
                .explanation
                .contributions
                .iter()
                .map(|c| vault::Contribution {
                    signal_id: c.signal.clone(),
                    contribution: c.points as f64,
                })
                .collect(),
            reason_codes: o
                .explanation
                .reason_codes
                .iter()
                .map(|r| r.code.clone())
                .collect(),
        },
        signature: sig_bytes(&o.signature),
    }
}

fn method_name(m: wire::ExplanationMethod) -> &'static str {
    match m {
        wire::ExplanationMethod::ScorecardPoints => "scorecard_points",
        wire::ExplanationMethod::Shap => "shap",
    }
}

pub fn revocation_view(a: &ConsentAction) -> RevocationView {
    let ob = a.outbox.as_ref();
    let state = match ob.map(|o| o.state) {
        Some(OutboxState::Acknowledged) => DeliveryState::Confirmed,
        Some(OutboxState::Sent) => DeliveryState::Sent,
        _ if ob.is_some_and(|o| o.attempts > 0) => DeliveryState::Sent,
        _ => DeliveryState::Pending,
    };
    let receipt_id = ob
        .and_then(|o| o.receipt.as_deref())
        .and_then(|r| serde_json::from_slice::<Value>(r).ok())
        .and_then(|v| v["receiptId"].as_str().map(String::from));
    RevocationView {
        id: a.revocation.id.clone(),
        consent_id: a.revocation.consent_id.clone(),
        lender_id: a.revocation.lender_id.clone(),
        signals: a.signals.clone(),
        state,
        attempts: ob.map(|o| o.attempts).unwrap_or(0),
        last_error: ob.and_then(|o| o.last_error.clone()),
        requested_at: a.revocation.requested_at,
        confirmed_at: ob
            .filter(|o| o.state == OutboxState::Acknowledged)
            .map(|o| o.updated_at),
        receipt_id,
    }
}

fn period<U: Copy>(p: &vault::Period<U>, name: impl Fn(U) -> &'static str) -> PeriodView {
    PeriodView {
        unit: name(p.unit).into(),
        value: p.value,
    }
}

fn wire_period_f(f: &wire::Frequency) -> PeriodView {
    PeriodView {
        unit: serde_json::to_value(f.unit)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        value: f.value as i64,
    }
}

fn wire_period_d(d: &wire::DataLife) -> PeriodView {
    PeriodView {
        unit: serde_json::to_value(d.unit)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        value: d.value as i64,
    }
}

pub fn consent_view(
    c: &vault::Consent,
    names: &HashMap<String, String>,
    cat: &Catalog,
    actions: &[ConsentAction],
    keys: Option<&KeyRing>,
) -> ConsentView {
    // Signals the borrower revoked one by one stop counting as granted at once, even before
    // the lender's receipt arrives.
    let revoked: HashSet<&str> = actions
        .iter()
        .filter(|a| a.action == ConsentActionKind::Revoke)
        .flat_map(|a| a.signals.iter().map(String::as_str))
        .collect();
    let verified = match (keys, c.signed_artefact.as_deref()) {
        (Some(k), Some(bytes)) => serde_json::from_slice::<Value>(bytes)
            .map(|v| k.verify_value(&v).is_ok())
            .unwrap_or(false),
        _ => false,
    };
    ConsentView {
        id: c.id.clone(),
        lender_id: c.lender_id.clone(),
        lender_name: names.get(&c.lender_id).cloned().unwrap_or_default(),
        status: match c.status {
            vault::ConsentStatus::Active => ConsentStatusView::Active,
            vault::ConsentStatus::Paused => ConsentStatusView::Paused,
            vault::ConsentStatus::Revoked => ConsentStatusView::Revoked,
            vault::ConsentStatus::Expired => ConsentStatusView::Expired,
        },
        purpose_code: c.purpose_code.clone(),
        purpose_text: c.purpose_text.clone(),
        granted: c
            .signals_granted
            .iter()
            .filter(|s| !revoked.contains(s.as_str()))
            .map(|s| cat.info(&c.lender_id, s))
            .collect(),
        denied: c
            .signals_denied
            .iter()
            .map(|s| cat.info(&c.lender_id, s))
            .collect(),
        consent_start: c.consent_start,
        consent_expiry: c.consent_expiry,
        fetch_type: c.fetch_type.as_str().into(),
        frequency: period(&c.frequency, |u| u.as_str()),
        data_life: period(&c.data_life, |u| u.as_str()),
        fi_data_range_from: c.fi_data_range.map(|r| r.from),
        fi_data_range_to: c.fi_data_range.map(|r| r.to),
        revocations: actions.iter().map(revocation_view).collect(),
        signature_verified: verified,
        refused: c.signals_granted.is_empty(),
    }
}

pub fn request_view(
    req: &wire::ConsentRequest,
    lender_id: &str,
    names: &HashMap<String, String>,
    cat: &Catalog,
    previous: Option<&vault::Consent>,
) -> ConsentRequestView {
    let prev_all: Option<HashSet<&str>> = previous.map(|p| {
        p.signals_granted
            .iter()
            .chain(p.signals_denied.iter())
            .map(String::as_str)
            .collect()
    });
    let asked: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
    let dropped = previous
        .map(|p| {
            p.signals_granted
                .iter()
                .filter(|s| !asked.contains(s.as_str()))
                .map(|s| cat.info(lender_id, s))
                .collect()
        })
        .unwrap_or_default();
    ConsentRequestView {
        id: req.request_id.clone(),
        lender_id: lender_id.to_string(),
        lender_name: names.get(lender_id).cloned().unwrap_or_default(),
        purpose_code: req.purpose.code.clone(),
        purpose_text: req.purpose.text.clone(),
        signals: req
            .signals
            .iter()
            .map(|s| RequestedSignal {
                signal: cat.info(lender_id, s),
                new_since_last: prev_all.as_ref().is_some_and(|p| !p.contains(s.as_str())),
                required: req.required_signals.contains(s),
            })
            .collect(),
        dropped_since_last: dropped,
        consent_start: req.created_at.timestamp_millis(),
        consent_expiry: req.consent_expiry.timestamp_millis(),
        fetch_type: match req.fetch_type {
            wire::FetchType::Onetime => "ONETIME",
            wire::FetchType::Periodic => "PERIODIC",
        }
        .into(),
        frequency: wire_period_f(&req.frequency),
        data_life: wire_period_d(&req.data_life),
        high_frequency: matches!(req.frequency.unit, wire::FrequencyUnit::Hour)
            || (req.frequency.unit == wire::FrequencyUnit::Day && req.frequency.value > 1),
        onward_recipients: req
            .onward_recipients
            .iter()
            .map(|r| format!("{} ({})", r.name, r.role))
            .collect(),
    }
}

pub fn disclosure_view(e: &vault::ShareEvent, cat: &Catalog) -> DisclosureView {
    let info = cat.info(&e.event.lender_id, &e.event.signal_id);
    DisclosureView {
        id: e.id,
        lender_id: e.event.lender_id.clone(),
        signal: e.event.signal_id.clone(),
        signal_name: info.name,
        signal_texts: info.texts.names_only(),
        dpv_category: info.dpv_category,
        collected_at: e.event.collected_at,
        purpose: e.event.purpose.clone(),
        consent_id: e.event.consent_id.clone(),
        value_digest: format!("sha256:{}", hex::encode(e.event.value_digest)),
        onward_recipient: e.event.onward_recipient.clone(),
    }
}

fn explanation_parts(
    x: &wire::Explanation,
    lender_id: &str,
    cat: &Catalog,
) -> (Vec<ContributionView>, Vec<AdverseFactor>) {
    let contributions = x
        .contributions
        .iter()
        .map(|c| ContributionView {
            signal: c.signal.clone(),
            signal_name: cat.name(lender_id, &c.signal),
            texts: cat.texts(lender_id, &c.signal),
            bin: c.bin.clone(),
            points: c.points,
            missing_points: c.missing_points,
        })
        .collect();
    let lost: i64 = x.reason_codes.iter().map(|r| r.points.min(0).abs()).sum();
    let top = x
        .top_adverse
        .iter()
        .take(4)
        .map(|r| {
            let share = if lost > 0 {
                r.points.min(0).abs() as f64 / lost as f64
            } else {
                0.0
            };
            AdverseFactor {
                rank: r.rank,
                code: r.code.clone(),
                signal: r.signal.clone(),
                signal_name: cat.name(lender_id, &r.signal),
                texts: cat.texts(lender_id, &r.signal),
                points: r.points,
                text: r.text.clone(),
                impact: if share >= 0.4 {
                    "high"
                } else if share >= 0.15 {
                    "medium"
                } else {
                    "low"
                }
                .into(),
            }
        })
        .collect();
    (contributions, top)
}

pub(crate) fn decision(d: wire::OfferDecision) -> DecisionView {
    match d {
        wire::OfferDecision::Approved => DecisionView::Approved,
        wire::OfferDecision::Declined => DecisionView::Declined,
    }
}

pub fn offer_view(
    o: &wire::Offer,
    names: &HashMap<String, String>,
    cat: &Catalog,
    verified: bool,
) -> OfferView {
    let (contributions, top_adverse) = explanation_parts(&o.explanation, &o.lender_id, cat);
    OfferView {
        id: o.offer_id.clone(),
        lender_id: o.lender_id.clone(),
        lender_name: names.get(&o.lender_id).cloned().unwrap_or_default(),
        created_at: o.created_at.timestamp_millis(),
        decision: decision(o.decision),
        amount_inr: o.amount_inr,
        apr_monthly_bps: o.apr_monthly_bps,
        tenure_months: o.tenure_months,
        method: method_name(o.explanation.method).into(),
        baseline: o.explanation.baseline,
        score: o.explanation.score,
        decline_below: o.explanation.cutoffs.decline_below,
        contributions,
        top_adverse,
        withheld: vec![],
        signature_verified: verified,
        kfs: kfs_view(o),
    }
}

pub fn quote_view(q: &wire::Quote, names: &HashMap<String, String>, cat: &Catalog) -> OfferView {
    let (contributions, top_adverse) = explanation_parts(&q.explanation, &q.lender_id, cat);
    OfferView {
        id: q.quote_id.clone(),
        lender_id: q.lender_id.clone(),
        lender_name: names.get(&q.lender_id).cloned().unwrap_or_default(),
        created_at: q.created_at.timestamp_millis(),
        decision: decision(q.decision),
        amount_inr: q.amount_inr,
        apr_monthly_bps: q.apr_monthly_bps,
        tenure_months: q.tenure_months,
        method: method_name(q.explanation.method).into(),
        baseline: q.explanation.baseline,
        score: q.explanation.score,
        decline_below: q.explanation.cutoffs.decline_below,
        contributions,
        top_adverse,
        withheld: q.withheld.clone(),
        // Checked by the client on receipt and again on its canonical bytes before storing.
        signature_verified: true,
        kfs: None,
    }
}

mod rights;
#[cfg(test)]
mod seq_tests;
