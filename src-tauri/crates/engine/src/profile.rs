//! The borrower's details and nominee, as the UI keeps them: letters to lenders are signed with
//! the name and carry the customer id the lender knows the borrower by; the nominee (DPDP Act
//! 2023, s.14) may exercise the borrower's rights on their death or incapacity, and gets a
//! packet (`nominee_packet.rs`) to do it with.
//!
//! What the borrower types is checked here (lengths, no control characters) before the vault
//! keeps it; the customer id a lender put in its signed consent is lender text, shown as a
//! default only after [`khata_lending::lender_text::sanitize_to`].

use std::collections::BTreeMap;

use khata_lending::lender_text;
use khata_lending::types as wire;
use khata_vault::Vault;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::{Engine, lender_names};
use crate::error::{EngineError, Result};
use crate::redaction;

/// The longest name (the borrower's or the nominee's) kept, in characters.
pub const NAME_MAX: usize = 200;
/// The longest phone number, email address, relationship or contact kept, in characters.
pub const FIELD_MAX: usize = 254;
/// The longest customer id kept, in characters (the borrower's or a lender's).
pub const CUSTOMER_ID_MAX: usize = 100;
/// The languages a letter may be written in.
pub const LANGUAGES: [&str; 2] = ["en", "hi"];

/// The customer id one lender knows the borrower by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerIdView {
    pub lender_id: String,
    pub lender_name: String,
    /// As the borrower gave it; empty when not given.
    pub customer_id: String,
    /// The id the lender put in its latest signed consent, when it did: the default.
    pub from_consent: Option<String>,
}

/// The borrower's details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub full_name: String,
    pub phone: String,
    pub email: String,
    /// `en` or `hi`: the language letters are written in; empty: the app's.
    pub language: String,
    /// One per connected lender, in the lenders' order.
    pub lenders: Vec<CustomerIdView>,
    /// When the details were last saved; `null` before they ever were.
    pub updated_at: Option<i64>,
}

impl ProfileView {
    /// The customer id to sign a letter to `lender_id` with: the borrower's, else the one in
    /// the lender's consent; `None` when neither is known.
    pub fn customer_id(&self, lender_id: &str) -> Option<String> {
        let l = self.lenders.iter().find(|l| l.lender_id == lender_id)?;
        Some(l.customer_id.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| l.from_consent.clone())
    }
}

/// A lender's customer id as the borrower sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerIdInput {
    pub lender_id: String,
    /// Empty: none kept (the consent's stays the default).
    pub customer_id: String,
}

/// The borrower's details as the UI saves them (everything at once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub language: String,
    pub customer_ids: Vec<CustomerIdInput>,
}

/// The borrower's nominee as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NomineeView {
    pub name: String,
    pub relationship: String,
    /// A phone number or an email address.
    pub contact: String,
    /// When the borrower recorded this nominee (Unix ms).
    pub recorded_at: i64,
}

/// The nominee as the UI saves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NomineeInput {
    pub name: String,
    pub relationship: String,
    pub contact: String,
}

/// `value` trimmed, refused when longer than `max` characters or holding a control character
/// (a newline in a name would forge a line of a letter).
fn checked(what: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(EngineError::InvalidInput(format!(
            "{what} is too long: at most {max} characters"
        )));
    }
    if value.chars().any(lender_text::is_unsafe) {
        return Err(EngineError::InvalidInput(format!(
            "{what} may not contain line breaks or control characters"
        )));
    }
    Ok(value.to_owned())
}

fn required(what: &str, value: &str, max: usize) -> Result<String> {
    let value = checked(what, value, max)?;
    if value.is_empty() {
        return Err(EngineError::InvalidInput(format!("{what} is missing")));
    }
    Ok(value)
}

impl ProfileInput {
    /// The profile to keep: every field checked, empty customer ids left out.
    fn checked(&self) -> Result<khata_vault::Profile> {
        let language = self.language.trim();
        if !language.is_empty() && !LANGUAGES.contains(&language) {
            return Err(EngineError::InvalidInput(format!(
                "unknown language {:?}: use one of {LANGUAGES:?}",
                lender_text::sanitize_to(language, 20)
            )));
        }
        let mut customer_ids = BTreeMap::new();
        for c in &self.customer_ids {
            let id = checked("a customer id", &c.customer_id, CUSTOMER_ID_MAX)?;
            if !id.is_empty() {
                customer_ids.insert(c.lender_id.clone(), id);
            }
        }
        Ok(khata_vault::Profile {
            full_name: checked("the name", &self.full_name, NAME_MAX)?,
            phone: checked("the phone number", &self.phone, FIELD_MAX)?,
            email: checked("the email address", &self.email, FIELD_MAX)?,
            language: language.to_owned(),
            customer_ids,
            updated_at: None,
        })
    }
}

impl NomineeInput {
    fn checked(&self) -> Result<(String, String, String)> {
        Ok((
            required("the nominee's name", &self.name, NAME_MAX)?,
            required("the relationship", &self.relationship, FIELD_MAX)?,
            required("the nominee's contact", &self.contact, FIELD_MAX)?,
        ))
    }
}

impl From<khata_vault::Nominee> for NomineeView {
    fn from(n: khata_vault::Nominee) -> Self {
        NomineeView {
            name: n.name,
            relationship: n.relationship,
            contact: n.contact,
            recorded_at: n.recorded_at,
        }
    }
}

/// The customer id in a lender's latest signed consent (revealed when redactable), cleaned.
fn consent_customer_id(v: &Vault, lender_id: &str) -> Result<Option<String>> {
    let mut consents = v.consents_for_lender(lender_id)?;
    consents.sort_by_key(|c| std::cmp::Reverse(c.consent_start));
    for c in consents {
        let latest = v.statements("consent", &c.id)?.pop();
        let id = latest
            .and_then(|s| redaction::plain_statement(&s.json))
            .and_then(|plain| serde_json::from_value::<wire::Consent>(plain).ok())
            .map(|consent| lender_text::sanitize_to(consent.customer_id.trim(), CUSTOMER_ID_MAX))
            .filter(|id| !id.is_empty());
        if id.is_some() {
            return Ok(id);
        }
    }
    Ok(None)
}

/// The profile as the UI shows it, from the vault.
pub(crate) fn profile_view(v: &Vault) -> Result<ProfileView> {
    let kept = v.profile()?;
    let lenders = v
        .lenders()?
        .into_iter()
        .map(|l| {
            Ok(CustomerIdView {
                customer_id: kept.customer_ids.get(&l.id).cloned().unwrap_or_default(),
                from_consent: consent_customer_id(v, &l.id)?,
                lender_id: l.id,
                lender_name: l.name,
            })
        })
        .collect::<Result<_>>()?;
    Ok(ProfileView {
        full_name: kept.full_name,
        phone: kept.phone,
        email: kept.email,
        language: kept.language,
        lenders,
        updated_at: kept.updated_at,
    })
}

impl Engine {
    /// The borrower's details, with each connected lender's customer id.
    pub async fn profile(&self) -> Result<ProfileView> {
        self.with_vault(|v| profile_view(v)).await
    }

    /// Saves the borrower's details (one transaction, one `profile.update` ledger entry).
    pub async fn save_profile(&self, input: ProfileInput) -> Result<ProfileView> {
        let profile = input.checked()?;
        self.with_vault(move |v| {
            let names = lender_names(v)?;
            if let Some(unknown) = profile
                .customer_ids
                .keys()
                .find(|l| !names.contains_key(*l))
            {
                return Err(EngineError::NotFound(format!(
                    "no connected lender {}",
                    lender_text::sanitize_to(unknown, 100)
                )));
            }
            v.set_profile(&profile)?;
            tracing::info!(
                customer_ids = profile.customer_ids.len(),
                "borrower profile saved"
            );
            profile_view(v)
        })
        .await
    }

    /// The borrower's nominee, if recorded.
    pub async fn nominee(&self) -> Result<Option<NomineeView>> {
        self.with_vault(|v| Ok(v.nominee()?.map(Into::into))).await
    }

    /// Records the nominee (dated now), or removes it with `None` (one transaction, one
    /// `nominee.update` ledger entry).
    pub async fn save_nominee(&self, nominee: Option<NomineeInput>) -> Result<Option<NomineeView>> {
        let nominee = nominee.as_ref().map(NomineeInput::checked).transpose()?;
        self.with_vault(move |v| {
            let kept = v.set_nominee(
                nominee
                    .as_ref()
                    .map(|(n, r, c)| (n.as_str(), r.as_str(), c.as_str())),
            )?;
            tracing::info!(recorded = kept.is_some(), "nominee saved");
            Ok(kept.map(Into::into))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProfileInput {
        ProfileInput {
            full_name: "  Asha Verma ".into(),
            phone: "+91 98765 43210".into(),
            email: String::new(),
            language: "hi".into(),
            customer_ids: vec![
                CustomerIdInput {
                    lender_id: "l-1".into(),
                    customer_id: " KH-1 ".into(),
                },
                CustomerIdInput {
                    lender_id: "l-2".into(),
                    customer_id: "  ".into(),
                },
            ],
        }
    }

    #[test]
    fn a_profile_is_trimmed_and_empty_customer_ids_are_left_out() {
        let p = input().checked().unwrap();
        assert_eq!(p.full_name, "Asha Verma");
        assert_eq!(p.customer_ids.len(), 1);
        assert_eq!(p.customer_ids["l-1"], "KH-1");
    }

    #[test]
    fn a_forged_line_an_oversized_field_or_an_unknown_language_is_refused() {
        let mut bad = input();
        bad.full_name = "Asha\nSincerely, someone else".into();
        assert_eq!(bad.checked().unwrap_err().code(), "invalid_input");
        let mut bad = input();
        bad.email = "a".repeat(FIELD_MAX + 1);
        assert_eq!(bad.checked().unwrap_err().code(), "invalid_input");
        let mut bad = input();
        bad.language = "fr".into();
        assert_eq!(bad.checked().unwrap_err().code(), "invalid_input");
        let mut bad = input();
        bad.customer_ids[0].customer_id = "\u{202e}di".into();
        assert_eq!(bad.checked().unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn a_nominee_needs_a_name_a_relationship_and_a_contact() {
        let ok = NomineeInput {
            name: "Ravi Verma".into(),
            relationship: "brother".into(),
            contact: "ravi@example.test".into(),
        };
        assert!(ok.checked().is_ok());
        let missing = NomineeInput {
            contact: " ".into(),
            ..ok
        };
        assert_eq!(missing.checked().unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn the_borrowers_customer_id_wins_over_the_consents() {
        let mut view = ProfileView {
            lenders: vec![CustomerIdView {
                lender_id: "l-1".into(),
                lender_name: "L".into(),
                customer_id: String::new(),
                from_consent: Some("cust-1".into()),
            }],
            ..ProfileView::default()
        };
        assert_eq!(view.customer_id("l-1").as_deref(), Some("cust-1"));
        view.lenders[0].customer_id = "KH-1".into();
        assert_eq!(view.customer_id("l-1").as_deref(), Some("KH-1"));
        assert_eq!(view.customer_id("l-2"), None);
    }
}
