//! Offers and what-if quotes: the newest offer with its explanation, and a counterfactual quote
//! with some signals withheld, shown beside it.

use std::collections::{HashMap, HashSet};

use khata_lending::types as wire;
use khata_vault::{Statement, Vault, now_ms};
use serde_json::Value;

use super::{Engine, lender_names};
use crate::convert::{self, Catalog};
use crate::error::{EngineError, Result};
use crate::signed::{raw_bytes, read_statement, read_value};
use crate::views::*;

impl Engine {
    /// The newest offer from any lender, with its explanation.
    pub async fn latest_offer(&self) -> Result<Option<OfferView>> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            latest_offer_in(v, &cat, &names)
        })
        .await
    }

    /// Asks the lender for a counterfactual quote of the latest offer with `withhold`
    /// signals treated as missing, and shows it next to the real offer.
    pub async fn what_if(&self, withhold: Vec<String>) -> Result<WhatIfView> {
        let (offer_stmt, names, cat) = self
            .with_vault(|v| {
                let st = newest_offer_statement(v)?
                    .ok_or_else(|| EngineError::NotFound("there is no offer yet".into()))?;
                Ok((st, lender_names(v)?, Self::catalog(v)?))
            })
            .await?;
        let offer: wire::Offer = read_statement(&offer_stmt.json)?;
        let known: HashSet<&str> = offer
            .explanation
            .contributions
            .iter()
            .map(|c| c.signal.as_str())
            .collect();
        if let Some(bad) = withhold.iter().find(|s| !known.contains(s.as_str())) {
            return Err(EngineError::InvalidInput(format!(
                "the offer does not use the signal {bad}"
            )));
        }
        let client = self.client(&offer.lender_id).await?;
        let key = uuid::Uuid::new_v4().to_string();
        let signed = client
            .quote_signed(
                &wire::QuoteBody {
                    offer_id: Some(offer.offer_id.clone()),
                    request_id: None,
                    withhold: withhold.clone(),
                },
                Some(&key),
            )
            .await?;
        let bytes = raw_bytes(client.keys(), &signed.raw)?;
        let quote = signed.value;
        let st = Statement {
            kind: "quote".into(),
            id: quote.quote_id.clone(),
            version: 0,
            lender_id: quote.lender_id.clone(),
            received_at: now_ms(),
            json: bytes,
        };
        self.with_vault(move |v| Ok(v.put_statement(&st)?)).await?;
        let offer_view = convert::offer_view(&offer, &names, &cat, true);
        let quote_view = convert::quote_view(&quote, &names, &cat);
        // Both scores are the lender's numbers: a difference beyond i64 is an error, not a wrap.
        let score_change = quote_view
            .score
            .checked_sub(offer_view.score)
            .ok_or_else(|| {
                EngineError::LenderRejected(format!(
                    "the lender's scores ({} for the quote, {} for the offer) are too far apart                      to compare",
                    quote_view.score, offer_view.score
                ))
            })?;
        Ok(WhatIfView {
            score_change,
            amount_change: quote_view.amount_inr as i64 - offer_view.amount_inr as i64,
            offer: offer_view,
            quote: quote_view,
        })
    }
}

fn newest_offer_statement(v: &Vault) -> Result<Option<Statement>> {
    newest_offer_statement_of(v, None)
}

/// The newest offer statement of `lender_id` (of any lender when `None`).
fn newest_offer_statement_of(v: &Vault, lender_id: Option<&str>) -> Result<Option<Statement>> {
    let mut best: Option<(i64, Statement)> = None;
    for s in v.statements_of_kind("offer", lender_id)? {
        let Ok(o) = read_statement::<wire::Offer>(&s.json) else {
            continue;
        };
        let t = o.created_at.timestamp_millis();
        if best.as_ref().is_none_or(|(bt, _)| t > *bt) {
            best = Some((t, s));
        }
    }
    Ok(best.map(|(_, s)| s))
}

pub(super) fn latest_offer_in(
    v: &Vault,
    cat: &Catalog,
    names: &HashMap<String, String>,
) -> Result<Option<OfferView>> {
    offer_view_of(v, newest_offer_statement(v)?, cat, names)
}

/// The newest offer of one lender, with its explanation.
pub(super) fn latest_offer_of(
    v: &Vault,
    lender_id: &str,
    cat: &Catalog,
    names: &HashMap<String, String>,
) -> Result<Option<OfferView>> {
    offer_view_of(
        v,
        newest_offer_statement_of(v, Some(lender_id))?,
        cat,
        names,
    )
}

fn offer_view_of(
    v: &Vault,
    st: Option<Statement>,
    cat: &Catalog,
    names: &HashMap<String, String>,
) -> Result<Option<OfferView>> {
    let Some(st) = st else {
        return Ok(None);
    };
    let value: Value = serde_json::from_slice(&st.json)?;
    let verified = Engine::keys_of(v, &st.lender_id)?
        .map(|k| k.verify_value(&value).is_ok())
        .unwrap_or(false);
    let offer: wire::Offer = read_value(value)?;
    Ok(Some(convert::offer_view(&offer, names, cat, verified)))
}
