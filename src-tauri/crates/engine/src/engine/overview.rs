//! The Home screen's read model: connected lenders, counts, the latest offer, revocations in
//! flight and the alerts that want the borrower's attention. Offline, from the vault only.

use khata_vault::{ConsentStatus, now_ms};

use super::offers::latest_offer_in;
use super::{Engine, lender_names};
use crate::convert;
use crate::error::Result;
use crate::views::*;

impl Engine {
    /// Everything the Home screen shows.
    pub async fn overview(&self) -> Result<Overview> {
        self.with_vault(move |v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            let lenders: Vec<LenderView> = v
                .lender_links()?
                .iter()
                .map(|l| {
                    convert::lender_view(
                        names
                            .get(&l.lender_id)
                            .map(String::as_str)
                            .unwrap_or(&l.lender_id),
                        l,
                    )
                })
                .collect();
            let consents = v.all_consents()?;
            let now = now_ms();
            let active = consents
                .iter()
                .filter(|c| c.status == ConsentStatus::Active && c.consent_expiry > now)
                .count() as u32;
            let pending = v
                .consent_requests(None)?
                .iter()
                .filter(|r| r.status == "PENDING")
                .count() as u32;
            let in_flight: Vec<RevocationView> = v
                .consent_actions(None)?
                .iter()
                .map(convert::revocation_view)
                .filter(|r| r.state != DeliveryState::Confirmed)
                .collect();
            let latest_offer = latest_offer_in(v, &cat, &names)?;
            let mut alerts = vec![];
            for l in &lenders {
                if !l.reachable {
                    alerts.push(AlertView {
                        severity: "warning".into(),
                        code: "lender_unreachable".into(),
                        message: format!(
                            "{} could not be reached; Khata shows what is in your vault.",
                            l.name
                        ),
                    });
                }
            }
            if pending > 0 {
                alerts.push(AlertView {
                    severity: "info".into(),
                    code: "consent_requests_pending".into(),
                    message: if pending == 1 {
                        "A consent request waits for your decision.".into()
                    } else {
                        format!("{pending} consent requests wait for your decision.")
                    },
                });
            }
            for c in &consents {
                if c.status == ConsentStatus::Active
                    && c.consent_expiry > now
                    && c.consent_expiry - now < 7 * 24 * 3600 * 1000
                {
                    alerts.push(AlertView {
                        severity: "info".into(),
                        code: "consent_expiring".into(),
                        message: "A consent expires within a week.".into(),
                    });
                }
            }
            for r in v.rights_requests(None)? {
                if convert::rights_late(&r, now) {
                    alerts.push(AlertView {
                        severity: "critical".into(),
                        code: "rights_request_overdue".into(),
                        message: "A lender is late answering your rights request.".into(),
                    });
                }
            }
            // The audit's result as the last review kept it: Home never runs the audit.
            let findings = super::informed::stored_summary(v)?;
            let phone_findings = findings.as_ref().map_or(0, |f| f.phone_findings);
            let closed_loans = super::revoking::closed_loans_in(v, &names, now)?;
            if phone_findings > 0 {
                alerts.push(AlertView {
                    severity: "critical".into(),
                    code: "phone_evidence_findings".into(),
                    message: if phone_findings == 1 {
                        "Your phone recorded a thing a lender's app did that breaks the rules or \
                         your consent. See the audit."
                            .into()
                    } else {
                        format!(
                            "Your phone recorded {phone_findings} things a lender's app did that \
                             break the rules or your consent. See the audit."
                        )
                    },
                });
            }
            Ok(Overview {
                lenders,
                active_consents: active,
                pending_requests: pending,
                latest_offer,
                revocations_in_flight: in_flight,
                disclosures: v.event_count()?,
                alerts,
                phone_findings,
                findings,
                closed_loans,
            })
        })
        .await
    }

    /// Connected lenders.
    pub async fn lenders(&self) -> Result<Vec<LenderView>> {
        Ok(self.overview().await?.lenders)
    }
}
