//! Rights requests (access, correction, erasure, grievance, nomination, a person's review):
//! recorded and queued in the outbox in one step with what each is about, delivered to the
//! lender, listed with their statutory clocks; and, before a correction, what the lender holds
//! of the signal as far as Khata knows.

use khata_lending::lender_text;
use khata_vault::{EventFilter, RightsAbout, now_ms};

use super::{Engine, lender_names};
use crate::convert;
use crate::error::{EngineError, Result};
use crate::views::*;

/// The longest id a request may name (a signal, offer or consent).
const SUBJECT_ID_MAX: usize = 200;

/// The longest name or contact of a nominee, and of the relationship, in characters.
const NOMINEE_FIELD_MAX: usize = 200;
const RELATIONSHIP_MAX: usize = 100;

/// `value` if present, trimmed, non-empty, at most `max` characters and free of control and
/// bidi characters (the same test lender text passes).
fn checked(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max || v.chars().any(lender_text::is_unsafe) {
        return Err(EngineError::InvalidInput(format!(
            "the {field} must be at most {max} characters, without control characters"
        )));
    }
    Ok(Some(v.to_owned()))
}

/// What a request is about and its nominee, checked: a nomination names a nominee (every
/// field), and no other kind carries one.
fn checked_about(
    kind: RightsKindView,
    about: &RightsSubject,
    nominee: Option<&RequestNominee>,
) -> Result<RightsAbout> {
    let nominee = match (kind, nominee) {
        (RightsKindView::Nomination, Some(n)) => {
            let field = |name: &str, v: &str, max| {
                checked(name, Some(v), max)?.ok_or_else(|| {
                    EngineError::InvalidInput(format!("the nominee's {name} is missing"))
                })
            };
            Some(khata_vault::RequestNominee {
                name: field("name", &n.name, NOMINEE_FIELD_MAX)?,
                relationship: field("relationship", &n.relationship, RELATIONSHIP_MAX)?,
                contact: field("contact", &n.contact, NOMINEE_FIELD_MAX)?,
            })
        }
        (RightsKindView::Nomination, None) => {
            return Err(EngineError::InvalidInput(
                "a nomination names the nominee".into(),
            ));
        }
        (_, Some(_)) => {
            return Err(EngineError::InvalidInput(
                "only a nomination names a nominee".into(),
            ));
        }
        (_, None) => None,
    };
    Ok(RightsAbout {
        signal: checked("signal", about.signal.as_deref(), SUBJECT_ID_MAX)?,
        offer_id: checked("offer id", about.offer_id.as_deref(), SUBJECT_ID_MAX)?,
        consent_id: checked("consent id", about.consent_id.as_deref(), SUBJECT_ID_MAX)?,
        nominee,
    })
}

impl Engine {
    /// Rights requests, newest first, each with its statutory clocks.
    pub async fn rights_requests(&self) -> Result<Vec<RightsRequestView>> {
        self.with_vault(|v| {
            let names = lender_names(v)?;
            let now = now_ms();
            Ok(v.rights_requests(None)?
                .iter()
                .filter_map(|r| convert::rights_view(r, &names, now))
                .collect())
        })
        .await
    }

    /// One rights request, by id.
    pub async fn rights_request(&self, request_id: &str) -> Result<RightsRequestView> {
        let id = request_id.to_owned();
        self.with_vault(move |v| {
            let names = lender_names(v)?;
            let r = v
                .rights_request(&id)?
                .ok_or_else(|| EngineError::NotFound(format!("no rights request {id}")))?;
            convert::rights_view(&r, &names, now_ms())
                .ok_or_else(|| EngineError::NotFound(format!("no rights request {id}")))
        })
        .await
    }

    /// Files a rights request with a lender about `about` (a signal, offer or consent; all
    /// `None` for the borrower's data in general), with the `nominee` of a nomination:
    /// recorded and queued in one transaction, then delivered (now if the lender answers,
    /// later by the outbox otherwise).
    pub async fn request_right(
        &self,
        lender_id: &str,
        kind: RightsKindView,
        details: String,
        about: RightsSubject,
        nominee: Option<RequestNominee>,
    ) -> Result<RightsRequestView> {
        if details.trim().is_empty() || details.chars().count() > RIGHTS_DETAIL_MAX {
            return Err(EngineError::InvalidInput(format!(
                "describe the request in 1 to {RIGHTS_DETAIL_MAX} characters"
            )));
        }
        let about = checked_about(kind, &about, nominee.as_ref())?;
        let lid = lender_id.to_string();
        let vkind = convert::rights_kind(kind);
        let (req, _) = self
            .with_vault(move |v| {
                if v.lender(&lid)?.is_none() {
                    return Err(EngineError::NotFound(format!("no connected lender {lid}")));
                }
                if let Some(signal) = &about.signal
                    && !v
                        .lender_signals(Some(&lid))?
                        .iter()
                        .any(|s| s.signal.id == *signal)
                {
                    return Err(EngineError::InvalidInput(format!(
                        "the lender has no signal {signal}"
                    )));
                }
                Ok(v.file_rights_request(&lid, vkind, Some(&details), about, None)?)
            })
            .await?;
        let _ = self.deliver_outbox().await;
        self.rights_request(&req.id).await
    }

    /// What `lender_id` holds of `signal` as far as Khata knows: the bin its latest offer
    /// scored, and the last collection it declared. Shown before a correction is asked.
    pub async fn correction_context(
        &self,
        lender_id: &str,
        signal: &str,
    ) -> Result<CorrectionContext> {
        let (lid, sid) = (lender_id.to_owned(), signal.to_owned());
        self.with_vault(move |v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            if !v
                .lender_signals(Some(&lid))?
                .iter()
                .any(|s| s.signal.id == sid)
            {
                return Err(EngineError::NotFound(format!(
                    "the lender has no signal {sid}"
                )));
            }
            let offer = super::offers::latest_offer_of(v, &lid, &cat, &names)?;
            let scored = offer
                .as_ref()
                .and_then(|o| o.contributions.iter().find(|c| c.signal == sid));
            let filter = EventFilter {
                lender_id: Some(lid.clone()),
                signal_id: Some(sid.clone()),
                ..EventFilter::default()
            };
            let last = v.events_with_statements(&filter, None, None, 1)?;
            Ok(CorrectionContext {
                signal_name: cat.name(&lid, &sid),
                bin: scored.map(|c| c.bin.clone()),
                offer_id: scored.and(offer.as_ref()).map(|o| o.id.clone()),
                offer_at: scored.and(offer.as_ref()).map(|o| o.created_at),
                last_collected_at: last.first().map(|(e, _, _)| e.event.collected_at),
                lender_id: lid,
                signal: sid,
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nominee() -> RequestNominee {
        RequestNominee {
            name: " Sunita Devi ".into(),
            relationship: "Mother".into(),
            contact: "+91 98765 43210".into(),
        }
    }

    #[test]
    fn a_nomination_needs_a_whole_nominee_and_nothing_else_takes_one() {
        let about = RightsSubject::default();
        let n = checked_about(RightsKindView::Nomination, &about, Some(&nominee())).unwrap();
        assert_eq!(n.nominee.unwrap().name, "Sunita Devi");
        let err = checked_about(RightsKindView::Nomination, &about, None).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        let err = checked_about(RightsKindView::Erasure, &about, Some(&nominee())).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        let blank = RequestNominee {
            contact: "  ".into(),
            ..nominee()
        };
        assert!(checked_about(RightsKindView::Nomination, &about, Some(&blank)).is_err());
    }

    #[test]
    fn what_a_request_is_about_is_bounded_and_clean() {
        let ok = RightsSubject {
            signal: Some("upi_inflow".into()),
            offer_id: Some(" ".into()),
            consent_id: None,
        };
        let a = checked_about(RightsKindView::Correction, &ok, None).unwrap();
        assert_eq!(a.signal.as_deref(), Some("upi_inflow"));
        assert_eq!(a.offer_id, None, "blank is absent");
        for bad in ["a\u{202e}b".to_owned(), "x\ny".into(), "s".repeat(201)] {
            let about = RightsSubject {
                consent_id: Some(bad),
                ..RightsSubject::default()
            };
            assert!(checked_about(RightsKindView::Erasure, &about, None).is_err());
        }
    }
}
