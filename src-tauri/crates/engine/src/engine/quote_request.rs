//! The cost of each choice before consent: the lender's signed quote of a pending consent
//! request for the signals the borrower would share, and per requested signal the points
//! sharing it adds. Contributions are additive and a withheld signal scores its
//! `missingPoints`, so one quote of the current choice gives every shared signal's both sides;
//! a withheld signal's points if shared come from a second quote with nothing withheld. Every
//! quote is kept in the vault as evidence (the audit's `quote-offer-mismatch` holds the offer
//! to it), and cached for the session per (request, withheld set).

use std::collections::HashSet;

use khata_lending::types as wire;
use khata_vault::{Statement, now_ms};

use super::Engine;
use crate::convert;
use crate::error::{EngineError, Result};
use crate::signed::raw_bytes;
use crate::views::{RequestQuoteView, SignalCostView};

impl Engine {
    /// The lender's quote of pending consent request `request_id` if the borrower shared
    /// exactly `shared` (every other requested signal withheld), with what each choice costs.
    pub async fn quote_request(
        &self,
        request_id: &str,
        shared: Vec<String>,
    ) -> Result<RequestQuoteView> {
        let (stored, req) = self.pending_request(request_id).await?;
        let requested: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
        if let Some(bad) = shared.iter().find(|s| !requested.contains(s.as_str())) {
            return Err(EngineError::InvalidInput(format!(
                "the lender did not ask for the signal {bad}"
            )));
        }
        let withheld: Vec<String> = req
            .signals
            .iter()
            .filter(|s| !shared.contains(s))
            .cloned()
            .collect();
        let quote = self
            .request_quote(&stored.lender_id, &req.request_id, withheld.clone())
            .await?;
        // A withheld signal's points if shared: from the quote sharing everything.
        let full = if withheld.is_empty() {
            None
        } else {
            Some(
                self.request_quote(&stored.lender_id, &req.request_id, Vec::new())
                    .await?,
            )
        };
        let points = |q: &wire::Quote, s: &str| {
            q.explanation
                .contributions
                .iter()
                .find(|c| c.signal == s)
                .map(|c| (c.points, c.missing_points))
        };
        let signals = req
            .signals
            .iter()
            .map(|s| {
                let is_shared = !withheld.contains(s);
                let (if_shared, if_not) = match (is_shared, &full) {
                    (true, _) | (false, None) => points(&quote, s).unwrap_or((0, 0)),
                    (false, Some(full)) => {
                        let (p, missing) = points(full, s).unwrap_or((0, 0));
                        // Withheld, it scores what this quote says; the full quote agrees
                        // unless the lender contradicts itself (the audit sees both).
                        let not = points(&quote, s).map_or(missing, |(p, _)| p);
                        (p, not)
                    }
                };
                SignalCostView {
                    signal: s.clone(),
                    shared: is_shared,
                    points_if_shared: if_shared,
                    points_if_not: if_not,
                    adds: if_shared.saturating_sub(if_not),
                }
            })
            .collect();
        Ok(RequestQuoteView {
            request_id: req.request_id.clone(),
            quote_id: quote.quote_id.clone(),
            lender_id: quote.lender_id.clone(),
            created_at: quote.created_at.timestamp_millis(),
            decision: convert::decision(quote.decision),
            amount_inr: quote.amount_inr,
            apr_monthly_bps: quote.apr_monthly_bps,
            tenure_months: quote.tenure_months,
            score: quote.explanation.score,
            signals,
            refuses: shared.is_empty(),
        })
    }

    /// One quote of `request_id` withholding `withheld`: from this session's cache, else
    /// asked of the lender (its answer checked by the client against what was asked) and
    /// kept in the vault, signed bytes as received.
    async fn request_quote(
        &self,
        lender_id: &str,
        request_id: &str,
        mut withheld: Vec<String>,
    ) -> Result<wire::Quote> {
        withheld.sort();
        let key = (request_id.to_owned(), withheld.clone());
        if let Some(q) = self
            .request_quotes
            .lock()
            .map_err(|_| EngineError::Internal("the quote cache lock was poisoned".into()))?
            .get(&key)
        {
            return Ok(q.clone());
        }
        let client = self.client(lender_id).await?;
        let idempotency = uuid::Uuid::new_v4().to_string();
        let signed = client
            .quote_signed(
                &wire::QuoteBody {
                    offer_id: None,
                    request_id: Some(request_id.to_owned()),
                    withhold: withheld,
                },
                Some(&idempotency),
            )
            .await?;
        if signed.value.lender_id != lender_id {
            return Err(EngineError::LenderRejected(
                "the lender answered with a quote that names another lender".into(),
            ));
        }
        let bytes = raw_bytes(client.keys(), &signed.raw)?;
        let quote = signed.value;
        let st = Statement {
            kind: "quote".into(),
            id: quote.quote_id.clone(),
            version: 0,
            lender_id: lender_id.to_owned(),
            received_at: now_ms(),
            json: bytes,
        };
        self.with_vault(move |v| Ok(v.put_statement(&st)?)).await?;
        self.request_quotes
            .lock()
            .map_err(|_| EngineError::Internal("the quote cache lock was poisoned".into()))?
            .insert(key, quote.clone());
        Ok(quote)
    }
}
