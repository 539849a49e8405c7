//! Revoking, explained: before the borrower confirms, what a revocation stops and what the
//! lender may keep, until when (the consent's data life from each signal's last collection,
//! reckoned as the data-life rule reckons it); the erasure request filed in the same flow; and
//! which loans have closed while their lender still holds active consents.

use std::collections::HashMap;

use chrono::{DateTime, Months, TimeZone, Utc};
use khata_evidence::audit::data_life_ms;
use khata_lending::types as wire;
use khata_vault::{ConsentStatus, DataLifeUnit, Vault};

use super::{Engine, lender_names};
use crate::convert;
use crate::error::{EngineError, Result};
use crate::signed::read_statement;
use crate::views::*;

impl Engine {
    /// What revoking `signals` of a consent (the whole consent when empty) stops, and what
    /// the lender may keep and until when.
    pub async fn revocation_preview(
        &self,
        consent_id: &str,
        signals: Vec<String>,
    ) -> Result<RevocationPreview> {
        let id = consent_id.to_owned();
        self.with_vault(move |v| preview_in(v, &id, &signals)).await
    }

    /// Asks the lender to erase what it holds under a consent (an erasure rights request
    /// naming the consent: `consentId` on the wire), through the outbox like any request.
    pub async fn request_consent_erasure(
        &self,
        consent_id: &str,
        details: String,
    ) -> Result<RightsRequestView> {
        let cid = consent_id.to_owned();
        let lender_id = self
            .with_vault(move |v| {
                Ok(v.consent(&cid)?
                    .ok_or_else(|| EngineError::NotFound(format!("no consent {cid}")))?
                    .lender_id)
            })
            .await?;
        // The same path as any rights request (checked, ledgered, queued, sent), about this
        // consent: the lender is told which (`consentId` on the wire).
        let about = crate::views::RightsSubject {
            consent_id: Some(consent_id.to_owned()),
            ..Default::default()
        };
        self.request_right(
            &lender_id,
            crate::views::RightsKindView::Erasure,
            details,
            about,
            None,
        )
        .await
    }
}

fn preview_in(v: &Vault, consent_id: &str, signals: &[String]) -> Result<RevocationPreview> {
    let c = v
        .consent(consent_id)?
        .ok_or_else(|| EngineError::NotFound(format!("no consent {consent_id}")))?;
    let cat = Engine::catalog(v)?;
    let names = lender_names(v)?;
    let stopping: Vec<String> = if signals.is_empty() {
        c.signals_granted.clone()
    } else {
        if let Some(s) = signals.iter().find(|s| !c.signals_granted.contains(s)) {
            return Err(EngineError::InvalidInput(format!(
                "the consent does not grant {s}"
            )));
        }
        signals.to_vec()
    };
    let life = data_life_ms(&wire::DataLife {
        unit: match c.data_life.unit {
            DataLifeUnit::Day => wire::DataLifeUnit::Day,
            DataLifeUnit::Month => wire::DataLifeUnit::Month,
            DataLifeUnit::Year => wire::DataLifeUnit::Year,
            DataLifeUnit::Inf => wire::DataLifeUnit::Inf,
        },
        value: u32::try_from(c.data_life.value).unwrap_or(u32::MAX),
    });
    let kept: Vec<KeptSignalView> = v
        .last_collections(&c.lender_id, &c.id)?
        .into_iter()
        .filter(|(s, _)| stopping.contains(s))
        .map(|(s, last)| KeptSignalView {
            signal: cat.info(&c.lender_id, &s),
            last_collected_at: last,
            keep_until: life.and_then(|l| last.checked_add(l)),
        })
        .collect();
    let keep_until = if life.is_none() {
        None
    } else {
        kept.iter().filter_map(|k| k.keep_until).max()
    };
    let view = convert::consent_view(&c, &names, &cat, &[], None);
    Ok(RevocationPreview {
        consent_id: c.id.clone(),
        lender_id: c.lender_id.clone(),
        lender_name: view.lender_name,
        stops: stopping.iter().map(|s| cat.info(&c.lender_id, s)).collect(),
        kept,
        data_life: view.data_life,
        keep_until,
    })
}

/// Loans whose tenure has ended while their lender still holds active consents (see
/// [`ClosedLoanView`]), one per lender: its newest approved offer decides.
pub(crate) fn closed_loans_in(
    v: &Vault,
    names: &HashMap<String, String>,
    now: i64,
) -> Result<Vec<ClosedLoanView>> {
    let mut newest: HashMap<String, wire::Offer> = HashMap::new();
    for s in v.statements_of_kind("offer", None)? {
        let Ok(o) = read_statement::<wire::Offer>(&s.json) else {
            continue;
        };
        if o.decision != wire::OfferDecision::Approved || o.lender_id != s.lender_id {
            continue;
        }
        if newest
            .get(&o.lender_id)
            .is_none_or(|b| o.created_at > b.created_at)
        {
            newest.insert(o.lender_id.clone(), o);
        }
    }
    let consents = v.all_consents()?;
    let mut out = vec![];
    for (lender_id, offer) in newest {
        let Some(ended_at) = loan_end(&offer) else {
            continue;
        };
        if ended_at > now {
            continue;
        }
        let active: Vec<String> = consents
            .iter()
            .filter(|c| {
                c.lender_id == lender_id
                    && matches!(c.status, ConsentStatus::Active | ConsentStatus::Paused)
                    && c.consent_expiry > now
            })
            .map(|c| c.id.clone())
            .collect();
        if active.is_empty() {
            continue;
        }
        out.push(ClosedLoanView {
            lender_name: names.get(&lender_id).cloned().unwrap_or(lender_id.clone()),
            lender_id,
            offer_id: offer.offer_id.clone(),
            ended_at,
            active_consent_ids: active,
        });
    }
    out.sort_by(|a, b| a.lender_name.cmp(&b.lender_name));
    Ok(out)
}

/// When a loan's tenure ends: the last instalment of the Key Fact Statement's schedule, else
/// the offer's date plus its tenure in calendar months. `None` for a tenure of zero months.
fn loan_end(o: &wire::Offer) -> Option<i64> {
    if let Some(last) = o
        .kfs
        .as_ref()
        .and_then(|k| k.schedule.iter().map(|i| i.due_date).max())
    {
        let end = last.and_hms_opt(23, 59, 59)?;
        return Some(Utc.from_utc_datetime(&end).timestamp_millis());
    }
    if o.tenure_months == 0 {
        return None;
    }
    let end: DateTime<Utc> = o
        .created_at
        .checked_add_months(Months::new(o.tenure_months))?;
    Some(end.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(months: u32) -> wire::Offer {
        serde_json::from_value(serde_json::json!({
            "offerId": "o1", "consentId": "c1", "lenderId": "l1",
            "createdAt": "2026-01-31T10:00:00Z", "decision": "APPROVED",
            "amountInr": 50000, "aprMonthlyBps": 180, "tenureMonths": months,
            "explanation": {"method": "scorecard_points", "baseline": 600, "score": 700,
                "contributions": [], "cutoffs": {"declineBelow": 550, "tiers": []},
                "reasonCodes": [], "topAdverse": []},
            "signature": {"keyId": "k", "alg": "Ed25519", "value": "AA"}
        }))
        .expect("an offer")
    }

    #[test]
    fn a_loan_ends_its_tenure_in_calendar_months_after_the_offer() {
        let end = loan_end(&offer(1)).unwrap();
        // 31 January plus one month is the last day of February.
        assert_eq!(
            DateTime::from_timestamp_millis(end).unwrap().to_rfc3339(),
            "2026-02-28T10:00:00+00:00"
        );
        assert_eq!(loan_end(&offer(0)), None);
    }
}
