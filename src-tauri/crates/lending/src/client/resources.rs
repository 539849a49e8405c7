//! One method per operation of the contract: consent requests and decisions, consents and
//! their revocation, pause and resume, the disclosure log, offers and quotes, rights requests.
//! Each names its path, its idempotency and which signatures the answer must carry; the
//! `_signed` forms also return each statement as received, for callers that keep it as evidence.

use reqwest::Method;
use serde_json::Value;

use super::response::{Sig, page_with_raw};
use super::{LendingClient, Signed};
use crate::error::Result;
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

    /// [`LendingClient::quote`], with the quote as received.
    pub async fn quote_signed(
        &self,
        body: &QuoteBody,
        idempotency_key: Option<&str>,
    ) -> Result<Signed<Quote>> {
        self.post_signed("quotes", body, idempotency_key, Sig::One)
            .await
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

/// Percent-encodes one path segment or query value.
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
