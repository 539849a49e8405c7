//! The consents read model: pending requests (with what changed since the previous consent),
//! and consents with their revocations and delivery state. Offline, from the vault only.

use std::collections::HashMap;

use khata_lending::KeyRing;
use khata_lending::types as wire;
use khata_vault::Vault;

use super::{Engine, lender_names};
use crate::convert;
use crate::error::{EngineError, Result};
use crate::views::*;

impl Engine {
    /// Pending consent requests, each with what changed since the lender's previous consent.
    pub async fn consent_requests(&self) -> Result<Vec<ConsentRequestView>> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            let mut out = vec![];
            for r in v.consent_requests(None)? {
                if r.status != "PENDING" {
                    continue;
                }
                let req: wire::ConsentRequest = serde_json::from_str(&r.json)?;
                let previous = match &req.previous_consent_id {
                    Some(id) => v.consent(id)?,
                    None => v.consents_for_lender(&r.lender_id)?.into_iter().next(),
                };
                out.push(convert::request_view(
                    &req,
                    &r.lender_id,
                    &names,
                    &cat,
                    previous.as_ref(),
                ));
            }
            Ok(out)
        })
        .await
    }

    /// Consents, newest first, each with its revocations and delivery state.
    pub async fn consents(&self) -> Result<Vec<ConsentView>> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            let mut keys: HashMap<String, Option<KeyRing>> = HashMap::new();
            let mut out = vec![];
            for c in v.all_consents()? {
                let ring = match keys.get(&c.lender_id) {
                    Some(k) => k.clone(),
                    None => {
                        let k = Self::keys_of(v, &c.lender_id)?;
                        keys.insert(c.lender_id.clone(), k.clone());
                        k
                    }
                };
                let actions = v.consent_actions(Some(&c.id))?;
                out.push(convert::consent_view(
                    &c,
                    &names,
                    &cat,
                    &actions,
                    ring.as_ref(),
                ));
            }
            Ok(out)
        })
        .await
    }

    /// One consent.
    pub async fn consent(&self, consent_id: &str) -> Result<ConsentView> {
        let id = consent_id.to_string();
        self.with_vault(move |v| consent_view_in(v, &id)).await
    }
}

pub(crate) fn consent_view_in(v: &Vault, id: &str) -> Result<ConsentView> {
    let c = v
        .consent(id)?
        .ok_or_else(|| EngineError::NotFound(format!("no consent {id}")))?;
    let cat = Engine::catalog(v)?;
    let names = lender_names(v)?;
    let keys = Engine::keys_of(v, &c.lender_id)?;
    let actions = v.consent_actions(Some(id))?;
    Ok(convert::consent_view(
        &c,
        &names,
        &cat,
        &actions,
        keys.as_ref(),
    ))
}
