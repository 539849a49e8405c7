//! One method per operation of the contract: consent requests and decisions, consents and
//! their revocation, pause and resume, the disclosure log, offers and quotes, rights requests.
//! Each names its path, its idempotency and which signatures the answer must carry; the
//! `_signed` forms also return each statement as received, for callers that keep it as evidence.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::Value;

use super::response::{Sig, page_with_raw};
use super::{LendingClient, Signed};
use crate::error::{LendingError, Result};
use crate::types::*;

impl LendingClient {
    /// The discovery document as the lender serves it now (unsigned).
    pub async fn discover(&self) -> Result<Discovery> {
        self.get(DISCOVERY_PATH, Sig::None).await
    }

    /// The lender's signal catalogue, its words per language cleaned and bounded on receipt
    /// (like every lender string: the app shows them and the vault keeps them).
    pub async fn catalog(&self) -> Result<SignalCatalog> {
        let mut catalog: SignalCatalog = self.get("signals", Sig::None).await?;
        for s in &mut catalog.signals {
            s.texts = crate::lender_text::signal_texts(std::mem::take(&mut s.texts));
        }
        Ok(catalog)
    }

    pub async fn consent_requests(&self) -> Result<ConsentRequestList> {
        self.get("consent-requests", Sig::None).await
    }

    pub async fn consent_request(&self, request_id: &str) -> Result<ConsentRequest> {
        self.get(&format!("consent-requests/{}", seg(request_id)), Sig::None)
            .await
    }

    /// Answers a consent request, one decision per requested signal; returns the signed artefact.
    pub async fn decide(
        &self,
        request_id: &str,
        body: &ConsentDecisionBody,
        idempotency_key: &str,
    ) -> Result<Consent> {
        Ok(self
            .decide_signed(request_id, body, idempotency_key)
            .await?
            .value)
    }

    /// [`LendingClient::decide`], with the artefact as received.
    pub async fn decide_signed(
        &self,
        request_id: &str,
        body: &ConsentDecisionBody,
        idempotency_key: &str,
    ) -> Result<Signed<Consent>> {
        self.post_signed(
            &format!("consent-requests/{}/decision", seg(request_id)),
            body,
            Some(idempotency_key),
            Sig::One,
        )
        .await
    }

    pub async fn consents(&self) -> Result<ConsentList> {
        self.get("consents", Sig::Items).await
    }

    /// Every consent, each with its artefact as received.
    pub async fn consents_signed(&self) -> Result<Vec<Signed<Consent>>> {
        self.get_signed_items("consents").await
    }

    pub async fn consent(&self, consent_id: &str) -> Result<Consent> {
        self.get(&format!("consents/{}", seg(consent_id)), Sig::One)
            .await
    }

    /// [`LendingClient::consent`], with the artefact as received.
    pub async fn consent_signed(&self, consent_id: &str) -> Result<Signed<Consent>> {
        self.get_signed(&format!("consents/{}", seg(consent_id)))
            .await
    }

    /// Revokes the whole consent (`signals: None`) or some of its signals.
    pub async fn revoke(
        &self,
        consent_id: &str,
        body: &RevokeBody,
        idempotency_key: &str,
    ) -> Result<Receipt> {
        Ok(self
            .revoke_signed(consent_id, body, idempotency_key)
            .await?
            .value)
    }

    /// [`LendingClient::revoke`], with the receipt as received.
    pub async fn revoke_signed(
        &self,
        consent_id: &str,
        body: &RevokeBody,
        idempotency_key: &str,
    ) -> Result<Signed<Receipt>> {
        self.post_signed(
            &format!("consents/{}/revoke", seg(consent_id)),
            body,
            Some(idempotency_key),
            Sig::Receipt,
        )
        .await
    }

    pub async fn pause(&self, consent_id: &str, idempotency_key: &str) -> Result<Receipt> {
        Ok(self.pause_signed(consent_id, idempotency_key).await?.value)
    }

    /// [`LendingClient::pause`], with the receipt as received.
    pub async fn pause_signed(
        &self,
        consent_id: &str,
        idempotency_key: &str,
    ) -> Result<Signed<Receipt>> {
        self.post_signed(
            &format!("consents/{}/pause", seg(consent_id)),
            &StatusChangeBody::default(),
            Some(idempotency_key),
            Sig::Receipt,
        )
        .await
    }

    pub async fn resume(&self, consent_id: &str, idempotency_key: &str) -> Result<Receipt> {
        Ok(self.resume_signed(consent_id, idempotency_key).await?.value)
    }

    /// [`LendingClient::resume`], with the receipt as received.
    pub async fn resume_signed(
        &self,
        consent_id: &str,
        idempotency_key: &str,
    ) -> Result<Signed<Receipt>> {
        self.post_signed(
            &format!("consents/{}/resume", seg(consent_id)),
            &StatusChangeBody::default(),
            Some(idempotency_key),
            Sig::Receipt,
        )
        .await
    }

    /// One page of the disclosure log, from `cursor` (the start when `None`).
    pub async fn disclosures(&self, cursor: Option<&str>, limit: u32) -> Result<DisclosurePage> {
        let mut path = format!("disclosures?limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&seg(c));
        }
        self.get(&path, Sig::Items).await
    }

    /// Like [`LendingClient::disclosures`], also returning each item's JSON exactly as
    /// received (its signature already checked), for callers that keep the lender's statements
    /// as evidence for offline verification.
    pub async fn disclosures_with_raw(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<(DisclosurePage, Vec<Value>)> {
        let mut path = format!("disclosures?limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&seg(c));
        }
        let url = self.url(&path)?;
        let value = self
            .execute(Method::GET, url, None, None, Sig::Items, true)
            .await?;
        page_with_raw(value)
    }

    pub async fn offers(&self) -> Result<OfferList> {
        self.get("offers", Sig::Items).await
    }

    /// Every offer, each with its statement as received.
    pub async fn offers_signed(&self) -> Result<Vec<Signed<Offer>>> {
        self.get_signed_items("offers").await
    }

    pub async fn offer(&self, offer_id: &str) -> Result<Offer> {
        self.get(&format!("offers/{}", seg(offer_id)), Sig::One)
            .await
    }

    /// A soft counterfactual; with a key it is retried safely, without one it is sent once.
    pub async fn quote(&self, body: &QuoteBody, idempotency_key: Option<&str>) -> Result<Quote> {
        Ok(self.quote_signed(body, idempotency_key).await?.value)
    }

    /// [`LendingClient::quote`], with the quote as received. A quote that answers another
    /// question (another offer or consent request, other signals withheld) is refused as
    /// malformed: it would show the borrower the cost of a choice they did not make.
    pub async fn quote_signed(
        &self,
        body: &QuoteBody,
        idempotency_key: Option<&str>,
    ) -> Result<Signed<Quote>> {
        let signed: Signed<Quote> = self
            .post_signed("quotes", body, idempotency_key, Sig::One)
            .await?;
        check_quote(body, &signed.value)?;
        Ok(signed)
    }

    pub async fn create_rights_request(
        &self,
        body: &RightsRequestBody,
        idempotency_key: &str,
    ) -> Result<RightsRequest> {
        self.post("rights-requests", body, Some(idempotency_key), Sig::One)
            .await
    }

    pub async fn rights_requests(&self) -> Result<RightsRequestList> {
        self.get("rights-requests", Sig::Items).await
    }

    pub async fn rights_request(&self, request_id: &str) -> Result<RightsRequest> {
        self.get(&format!("rights-requests/{}", seg(request_id)), Sig::One)
            .await
    }
}

/// Whether `q` answers what `body` asked: the same consent request (then no offer) or the same
/// offer when one was named, and exactly the signals asked to be withheld. The lender's own
/// values are not echoed in the error (they are hostile text).
fn check_quote(body: &QuoteBody, q: &Quote) -> Result<()> {
    let wrong = |what: &str| {
        Err(LendingError::Malformed {
            detail: format!("the quote answers {what} than was asked"),
        })
    };
    if q.request_id != body.request_id {
        return wrong("another consent request");
    }
    if body.request_id.is_some() && !q.offer_id.is_empty() {
        return wrong("an offer rather");
    }
    if let Some(offer) = &body.offer_id
        && &q.offer_id != offer
    {
        return wrong("another offer");
    }
    fn set(v: &[String]) -> BTreeSet<&str> {
        v.iter().map(String::as_str).collect()
    }
    if q.withheld.len() != set(&q.withheld).len() || set(&q.withheld) != set(&body.withhold) {
        return wrong("other withheld signals");
    }
    Ok(())
}

/// Percent-encodes one path segment or query value.
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(request_id: Option<&str>, offer_id: &str, withheld: &[&str]) -> Quote {
        let v = serde_json::json!({
            "quoteId": "quote-1",
            "offerId": offer_id,
            "requestId": request_id,
            "lenderId": "l",
            "createdAt": "2026-12-01T00:00:00Z",
            "withheld": withheld,
            "soft": true,
            "decision": "APPROVED",
            "amountInr": 1000,
            "aprMonthlyBps": 180,
            "tenureMonths": 6,
            "explanation": {
                "method": "scorecard_points", "baseline": 600, "score": 600,
                "contributions": [], "cutoffs": {"declineBelow": 570, "tiers": []},
                "reasonCodes": [], "topAdverse": []
            },
            "signature": {"alg": "EdDSA", "keyId": "k", "value": ""}
        });
        let mut v = v;
        if request_id.is_none() {
            v.as_object_mut().unwrap().remove("requestId");
        }
        serde_json::from_value(v).unwrap()
    }

    fn body(request_id: Option<&str>, offer_id: Option<&str>, withhold: &[&str]) -> QuoteBody {
        QuoteBody {
            request_id: request_id.map(str::to_owned),
            offer_id: offer_id.map(str::to_owned),
            withhold: withhold.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_request_quote_must_name_the_request_and_withhold_what_was_asked() {
        let asked = body(Some("creq-1"), None, &["sms_income", "kyc_verified"]);
        // Order does not matter; the set does.
        check_quote(
            &asked,
            &quote(Some("creq-1"), "", &["kyc_verified", "sms_income"]),
        )
        .unwrap();
        for (q, why) in [
            (
                quote(Some("creq-2"), "", &["kyc_verified", "sms_income"]),
                "another consent request",
            ),
            (
                quote(None, "offer-1", &["kyc_verified", "sms_income"]),
                "another consent request",
            ),
            (
                quote(Some("creq-1"), "offer-1", &["kyc_verified", "sms_income"]),
                "an offer",
            ),
            (
                quote(Some("creq-1"), "", &["kyc_verified"]),
                "other withheld",
            ),
            (
                quote(
                    Some("creq-1"),
                    "",
                    &["kyc_verified", "sms_income", "sim_age"],
                ),
                "other withheld",
            ),
            (
                quote(
                    Some("creq-1"),
                    "",
                    &["kyc_verified", "sms_income", "sms_income"],
                ),
                "other withheld",
            ),
        ] {
            let Err(LendingError::Malformed { detail }) = check_quote(&asked, &q) else {
                panic!("accepted a quote answering {why}");
            };
            assert!(detail.contains(why), "{detail}");
        }
    }

    #[test]
    fn an_offer_quote_must_name_the_offer_asked_about() {
        check_quote(
            &body(None, Some("offer-1"), &["sim_age"]),
            &quote(None, "offer-1", &["sim_age"]),
        )
        .unwrap();
        // The latest offer (none named): any offer, the withheld set still checked.
        check_quote(&body(None, None, &[]), &quote(None, "offer-9", &[])).unwrap();
        assert!(
            check_quote(
                &body(None, Some("offer-1"), &[]),
                &quote(None, "offer-2", &[])
            )
            .is_err()
        );
        assert!(check_quote(&body(None, None, &[]), &quote(Some("creq-1"), "", &[])).is_err());
    }
}
